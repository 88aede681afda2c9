"""`kdc`: the entry point. It imports nothing heavy itself, so that the console script can set up its
process before the commands (`korea_deterrence.loaders.commands`) import pyarrow and NumPy."""

from __future__ import annotations

import gc
import os
import sys
from typing import Sequence

from korea_deterrence.loaders.hidden import hide


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `kdc` command in this process (as the tests do); its exit code."""
    from korea_deterrence.loaders.commands import run

    return run(argv)


def console() -> int:
    """The `kdc` console script: `main` in a process set up for one command.

    - `kdc build` hides NumPy and pandas before pyarrow can import them (korea_deterrence.loaders.hidden).
    - Other commands may import NumPy (through `datasets`), whose OpenBLAS starts a thread per core
      that spins for a while even though nothing here calls BLAS: it is kept to one thread (and the
      build's workers, which import NumPy through pyarrow, inherit the setting).
    - The modules imported are kept for the whole process. Collecting garbage while importing them
      finds none, and freezing them keeps every later collection, including the one at exit, from
      walking them again: about 60 ms less per command (benchmarks/README.md, "Incremental rebuild").
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if sys.argv[1:2] == ["build"]:
        hide("numpy", "pandas")  # (before pyarrow is imported; see korea_deterrence.loaders.hidden)
    gc.disable()
    from korea_deterrence.loaders import commands  # noqa: F401  (imported here, with the collector off)

    gc.freeze()
    gc.enable()
    return main()


if __name__ == "__main__":
    sys.exit(console())
