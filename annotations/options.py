"""Options shared by the `kdc studio` commands, and what they resolve to: the server, the annotations
directory, the pseudonyms."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable

from korea_deterrence.annotations.registry import ANNOTATORS, registered_annotators
from korea_deterrence.annotations.stage import packaged_annotations
from korea_deterrence.annotations.studio import Server, StudioError
from korea_deterrence.corpus.sources import InstalledCopy, editable_dir

TOKEN_ENV = "LABEL_STUDIO_API_KEY"
URL_ENV = "LABEL_STUDIO_URL"
DEFAULT_PROJECT = "korea-deterrence"


def server_command(sub: Any, name: str, text: str, step: Callable[[argparse.Namespace], int],
                   **defaults: Any) -> argparse.ArgumentParser:
    """A subcommand that talks to the server: --url, --token, --project; StudioErrors become one line."""
    cmd = sub.add_parser(name, help=text)
    cmd.add_argument("--url", default=os.environ.get(URL_ENV), help=f"server URL (default ${URL_ENV})")
    cmd.add_argument("--token", default=None, help=f"personal access token (default ${TOKEN_ENV}); never printed")
    cmd.add_argument("--project", default=DEFAULT_PROJECT, help="project title")
    cmd.set_defaults(handler=lambda a: guarded(lambda: step(a)), **defaults)
    return cmd


def annotator_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--annotator", action="append", default=[], metavar="USER_ID=PSEUDONYM",
                     help="pseudonym of a Label Studio user, registered in annotators.jsonl (repeat for each user; "
                          "the previous pull's pseudonyms are kept)")


def annotations_dir_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--annotations", type=Path, default=None,
                     help="annotations directory to write to (default: annotations/ of this checkout)")


def guarded(step: Callable[[], int]) -> int:
    """Run a studio step; a StudioError is one line on stderr and exit code 1."""
    try:
        return step()
    except (StudioError, InstalledCopy) as err:
        print(f"kdc studio: {err}", file=sys.stderr)
        return 1


def server(args: argparse.Namespace) -> Server:
    token = args.token or os.environ.get(TOKEN_ENV)
    if not args.url or not token:
        raise StudioError(f"a server URL (--url or ${URL_ENV}) and a personal access token (--token or "
                          f"${TOKEN_ENV}) are required")
    return Server(args.url, token)


def annotations_dir(args: argparse.Namespace) -> Path:
    """--annotations, or this checkout's annotations/ (never the installed package's directory)."""
    return editable_dir(args.annotations, packaged_annotations(), "--annotations")


def pseudonyms(args: argparse.Namespace, root: Path) -> dict[int, str]:
    """--annotator USER_ID=PSEUDONYM options, each registered in root/annotators.jsonl."""
    from korea_deterrence.annotations.pull import check_pseudonyms

    found = {}
    for item in args.annotator:
        user, _, pseudonym = item.partition("=")
        if not user.isdigit() or not pseudonym:
            raise StudioError(f"--annotator expects USER_ID=PSEUDONYM, got {item!r}")
        found[int(user)] = pseudonym
    check_pseudonyms(found, set(registered_annotators(root)), root / ANNOTATORS)
    return found
