"""`kdc`: the entry point. `main` runs one command in this process (as the tests do); `console` is the
console script, which also turns Ctrl-C and SIGTERM into one line and the usual exit codes."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Any, Sequence

INTERRUPTED, TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM
_STOP: list[int] = []  # the signal that asked this process to stop, once one has


class Terminated(BaseException):
    """SIGTERM arrived: unwind as for Ctrl-C (a BaseException, like KeyboardInterrupt, so that no
    `except Exception` on the way swallows it)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `kdc` command in this process; its exit code."""
    from korea_deterrence.loaders.commands import run

    return run(argv)


def console() -> int:
    """The `kdc` console script: `main`, where an interruption ends with one line, not a traceback."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    sys.unraisablehook = _unraisable
    try:
        return main()
    except (KeyboardInterrupt, Terminated) as err:
        word, code = ("terminated", TERMINATED) if isinstance(err, Terminated) else ("interrupted", INTERRUPTED)
        print(f"\nkdc: {word}; nothing was left half-written", file=sys.stderr)
        return code


def check_stop() -> None:
    """Raise the stop again where a long loop can take it: a signal's exception can land where Python
    ignores it (a callback, a finalizer), and the loop must still end."""
    if _STOP:
        _raise(_STOP[0])


def _stop(signum: int, frame: FrameType | None) -> None:
    _STOP.append(signum)
    _raise(signum)


def _raise(signum: int) -> None:
    raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt


def _unraisable(info: Any) -> None:
    """Once stopping, errors Python cannot raise (in callbacks and finalizers torn down mid-way) are the
    stop itself or its consequences: not worth a traceback. Before that, Python's own report."""
    if not _STOP:
        sys.__unraisablehook__(info)


if __name__ == "__main__":
    sys.exit(console())
