"""The optional compiled kernels of the corpus stage (corpus/_speedups.c), when they were built.

They give the same results as the Python code they stand in for (tests/corpus/test_speedups.py),
only faster. Setting the environment variable KDC_NO_SPEEDUPS=1 makes every process use the
Python code, to compare the two or to rule the kernels out.
"""

from __future__ import annotations

import os
from functools import cache
from types import ModuleType


@cache
def speedups() -> ModuleType | None:
    """The compiled module, or None when it is not built or KDC_NO_SPEEDUPS is set."""
    if os.environ.get("KDC_NO_SPEEDUPS"):
        return None
    try:
        from korea_deterrence.corpus import _speedups
    except ImportError:
        return None
    return _speedups
