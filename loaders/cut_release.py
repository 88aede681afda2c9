"""`kdc release X.Y.Z`: the release procedure as one command, run in a git checkout.

It sets the version and date in `loaders/version.py` (the one place they are written), moves the
CHANGELOG's unreleased notes under a heading with the version and date, builds the release (a
fresh process, so the new version is the one built), copies its CITATION.cff and .zenodo.json to
the top level, commits and tags `vX.Y.Z`. Any refusal or failure leaves the checkout as it was.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from korea_deterrence.loaders.version import VERSION

UNRELEASED = "## Unreleased"
TOP_LEVEL_COPIES = ("CITATION.cff", ".zenodo.json")
_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


class ReleaseError(Exception):
    """The release was refused or failed; the checkout is as it was."""


@dataclass(frozen=True)
class Cut:
    """What `cut` did: the version, its tag, the commit and the release built."""

    version: str
    tag: str
    commit: str
    release: Path


def checkout() -> Path:
    """The git checkout this package runs from (the folder holding loaders/)."""
    return Path(__file__).resolve().parent.parent


def cut(version: str, date: str, out: Path) -> Cut:
    """Release `version` dated `date` from this checkout; the release is built into `out`."""
    root, out = checkout(), out.resolve()
    _refusals(root, version)
    files = {root / "loaders" / "version.py": _set_version((root / "loaders" / "version.py").read_text(), version, date),
             root / "CHANGELOG.md": _move_notes((root / "CHANGELOG.md").read_text(), version, date)}
    before = {path: path.read_bytes() for path in [*files, *(root / name for name in TOP_LEVEL_COPIES)]}
    try:
        for path, text in files.items():
            path.write_text(text)
        _build(root, out)
        for name in TOP_LEVEL_COPIES:
            shutil.copyfile(out / name, root / name)
        tag = f"v{version}"
        _git(root, "add", *(str(path.relative_to(root)) for path in before))
        _git(root, "commit", "--quiet", "-m", f"Release {version}")
        _git(root, "tag", "-a", tag, "-m", f"korea-deterrence {version} ({date})")
    except BaseException:
        for path, data in before.items():
            path.write_bytes(data)
        _git(root, "reset", "--quiet")
        raise
    return Cut(version, tag, _git(root, "rev-parse", "HEAD"), out)


def _refusals(root: Path, version: str) -> None:
    if not (root / ".git").exists():
        raise ReleaseError(f"{root} is not a git checkout: kdc release runs in the repository (pip install -e)")
    if not _SEMVER.fullmatch(version):
        raise ReleaseError(f"version {version!r} is not MAJOR.MINOR.PATCH (for example 0.2.0)")
    if _key(version) <= _key(_current(root)):
        raise ReleaseError(f"version {version} is not above the current version {_current(root)}")
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    if dirty:
        raise ReleaseError(f"the checkout has uncommitted changes; commit or stash them first:\n{dirty}")
    if _git(root, "tag", "--list", f"v{version}"):
        raise ReleaseError(f"tag v{version} exists already")
    if not _unreleased_notes((root / "CHANGELOG.md").read_text()):
        raise ReleaseError(f"CHANGELOG.md has no notes under '{UNRELEASED}': say what changed for users first")


def _current(root: Path) -> str:
    found = re.search(r'^VERSION = "([^"]+)"$', (root / "loaders" / "version.py").read_text(), re.M)
    return found.group(1) if found else VERSION


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _set_version(text: str, version: str, date: str) -> str:
    text = re.sub(r'^VERSION = "[^"]*"$', f'VERSION = "{version}"', text, count=1, flags=re.M)
    return re.sub(r'^RELEASE_DATE = "[^"]*"$', f'RELEASE_DATE = "{date}"', text, count=1, flags=re.M)


def _unreleased_notes(text: str) -> str:
    """The notes between '## Unreleased' and the next version heading, stripped."""
    start = text.find(UNRELEASED)
    if start < 0:
        return ""
    body = text[start + len(UNRELEASED):]
    end = body.find("\n## ")
    return (body if end < 0 else body[:end]).strip()


def _move_notes(text: str, version: str, date: str) -> str:
    notes = _unreleased_notes(text)
    start = text.index(UNRELEASED)
    rest = text[start + len(UNRELEASED):]
    end = rest.find("\n## ")
    tail = "" if end < 0 else rest[end + 1:]
    return f"{text[:start]}{UNRELEASED}\n\n## {version} ({date})\n\n{notes}\n\n{tail}".rstrip("\n") + "\n"


def _build(root: Path, out: Path) -> None:
    """`kdc build` in a new process, so that it imports the version just written."""
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run([sys.executable, "-m", "korea_deterrence.loaders.cli", "build", "--out", str(out),
                               "--no-reuse"], cwd=scratch, capture_output=True, text=True)
    if done.returncode != 0:
        raise ReleaseError(f"kdc build failed, so nothing was released:\n{done.stderr.strip()}")


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise ReleaseError(f"git {args[0]} failed: {done.stderr.strip()}")
    return done.stdout.strip()
