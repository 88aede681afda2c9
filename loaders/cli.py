"""`kdc`: the entry point. It imports nothing heavy itself, so that the console script can set up its
process before the commands (`korea_deterrence.loaders.commands`) import pyarrow and NumPy."""

from __future__ import annotations

import gc
import os
import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `kdc` command in this process (as the tests do); its exit code."""
    from korea_deterrence.loaders.commands import run

    return run(argv)


def console() -> int:
    """The `kdc` console script: `main` in a process set up for one command.

    - NumPy's OpenBLAS starts a thread per core that spins for a while even though nothing here calls
      BLAS; on two cores that takes CPU from the build and its workers (which inherit the setting).
    - The modules imported are kept for the whole process. Collecting garbage while importing them
      finds none, and freezing them keeps every later collection, including the one at exit, from
      walking them again: about 60 ms less per command (benchmarks/README.md, "Incremental rebuild").
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    gc.disable()
    from korea_deterrence.loaders import commands  # noqa: F401  (imported here, with the collector off)

    gc.freeze()
    gc.enable()
    return main()


if __name__ == "__main__":
    sys.exit(console())
