"""Packages a build process keeps from being imported.

pyarrow imports NumPy, when installed, as it starts (about 60 ms), and pandas at its first conversion
of Python values (about 0.3 s and 40 MB), only to recognize their objects, which a build never gives
it; the build itself uses neither. A process that only builds (`kdc build`, and its workers for
pandas) hides them before they are imported.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder


def hide(*names: str) -> None:
    """Make the top-level packages `names` unimportable in this process, those not imported already."""
    wanted = {name for name in names if name not in sys.modules}
    hidden = next((f for f in sys.meta_path if isinstance(f, _Hidden)), None)
    if hidden is None:
        sys.meta_path.insert(0, _Hidden(wanted))
    else:
        hidden.names |= wanted


class _Hidden(MetaPathFinder):
    """An import hook that refuses some packages (a None in sys.modules is not enough: pyarrow's compiled
    import takes it for the module)."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in self.names:
            raise ImportError(f"{name} is hidden in this process (see korea_deterrence.loaders.hidden)")
        return None
