"""Only the optional C kernels live here; everything else is in pyproject.toml.

`optional=True`: where no C compiler is available the package installs without them, and the
pure-Python code they mirror runs instead (same results, slower; see corpus/_speedups.c).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("korea_deterrence.corpus._speedups", ["corpus/_speedups.c"], optional=True)])
