"""`kdc`: the entry point. `main` runs one command in this process (as the tests do); `console` is the
console script, which also turns Ctrl-C and SIGTERM into one line and the usual exit codes."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Sequence

INTERRUPTED, TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM


class Terminated(Exception):
    """SIGTERM arrived: unwind as for Ctrl-C, so that nothing half-written is left behind."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `kdc` command in this process; its exit code."""
    from korea_deterrence.loaders.commands import run

    return run(argv)


def console() -> int:
    """The `kdc` console script: `main`, where an interruption ends with one line, not a traceback."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return main()
    except KeyboardInterrupt:
        print("\nkdc: interrupted; nothing was left half-written", file=sys.stderr)
        return INTERRUPTED
    except Terminated:
        print("kdc: terminated; nothing was left half-written", file=sys.stderr)
        return TERMINATED


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


if __name__ == "__main__":
    sys.exit(console())
