"""`kdc`: the command line. Only this module reads the environment, prints, and exits."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from korea_deterrence.corpus import open_sources, packaged_sources
from korea_deterrence.loaders.release import build
from korea_deterrence.loaders.validate_sources import validate_sources
from korea_deterrence.loaders.version import VERSION
from korea_deterrence.schema import Violation, render

OK, INVALID, USAGE = 0, 1, 2
DEFAULT_OUT = Path("dist/korea-deterrence")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kdc` console script."""
    args = _parser().parse_args(argv)
    return args.handler(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kdc", description="Build and check the korea-deterrence corpus.")
    parser.add_argument("--version", action="version", version=f"kdc {VERSION}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build the release directory")
    build_cmd.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    _sources_option(build_cmd)
    build_cmd.set_defaults(handler=_build)
    check = commands.add_parser("validate", help="check the sources (default) without writing anything")
    _sources_option(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=_validate)
    return parser


def _sources_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--sources", type=Path, default=None,
                     help="a directory with sources.jsonl and raw/ (default: the corpus shipped with the package)")


def _open(args: argparse.Namespace):  # -> Sources
    root = args.sources or packaged_sources()
    return open_sources(root, str(args.sources) if args.sources else "corpus")


def _build(args: argparse.Namespace) -> int:
    result = build(_open(args), args.out, _Progress())
    if result.violations:
        print(render(result.violations), file=sys.stderr)
        print(f"kdc build: {len(result.violations)} violation(s); nothing was written", file=sys.stderr)
        return INVALID
    for table in result.tables:
        print(f"{table.name}: {table.rows} rows")
    print(f"korea-deterrence {VERSION} written to {args.out}")
    print(f'load it with: datasets.load_dataset("{args.out}", "articles")')
    return OK


def _validate(args: argparse.Namespace) -> int:
    violations, count = validate_sources(_open(args), _Progress())
    if args.format == "json":
        print(json.dumps({"articles": count, "violations": [_as_dict(v) for v in violations]}, indent=2))
    elif violations:
        print(render(violations), file=sys.stderr)
    else:
        print(f"{count} articles valid")
    return INVALID if violations else OK


def _as_dict(v: Violation) -> dict[str, object]:
    return {"file": v.file, "line": v.line, "pointer": v.pointer, "rule": v.rule, "message": v.message}


class _Progress:
    """Prints `N articles` to stderr at most once a second, and only after the first two seconds."""

    def __init__(self) -> None:
        self.started = self.last = time.monotonic()

    def __call__(self, count: int) -> None:
        now = time.monotonic()
        if now - self.started > 2 and now - self.last >= 1:
            self.last = now
            print(f"\r{count} articles", end="", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
