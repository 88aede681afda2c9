"""`kdc add` and `kdc remove`: change a source directory in one step, checked as the build checks it.

A change is staged in a directory beside the sources (the new sources.jsonl, links to the raw files
kept, copies of the files added), checked there with the build's own rules (the manifest scan, and
the new articles read and normalized), and only then moved into place; on any violation nothing
in the source directory changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from korea_deterrence.corpus.ingest import iter_articles
from korea_deterrence.corpus.manifest import MAX_ARTICLE_BYTES
from korea_deterrence.corpus.records import FACT_FIELDS
from korea_deterrence.corpus.sources import MANIFEST, RAW, open_sources
from korea_deterrence.schema import Violation

_NUMBERED = re.compile(r"(?P<prefix>.*?)(?P<number>[0-9]+)")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class EditError(Exception):
    """A refused `kdc add` or `kdc remove`: the message, or the violations the change would cause."""

    def __init__(self, message: str, violations: list[Violation] | None = None) -> None:
        super().__init__(message)
        self.violations = violations or []


@dataclass(frozen=True)
class Given:
    """Provenance facts given on the command line, all with one basis (where they come from)."""

    values: dict[str, str]  # fact name -> value
    basis: str | None


def add_articles(root: Path, files: list[Path], given: Given, article_id: str | None = None,
                 max_bytes: int = MAX_ARTICLE_BYTES, today: date | None = None) -> list[dict]:
    """Add `files` (copied byte for byte) to the sources at `root`; the new manifest entries."""
    if given.values and not given.basis:
        raise EditError("--basis is required with a provenance value: say where the value comes from")
    if article_id and len(files) != 1:
        raise EditError("--id names one article: add the files one at a time")
    keyed = _keyed_lines(root)
    ids = [article for article, _ in keyed]
    names = [_raw_name(f, root) for f in files]
    if len(set(names)) != len(names):
        raise EditError(f"two files would be stored under the same name in {RAW}/: rename one")
    new_ids = [article_id] if article_id else list(_next_ids(ids, len(files)))
    entries = [_entry(i, name, f.read_bytes(), given, today or date.today())
               for i, name, f in zip(new_ids, names, files)]
    new = [(e["article_id"], json.dumps(e, ensure_ascii=False)) for e in entries]
    merged = [line for _, line in sorted(keyed + new)]
    _commit(root, merged, {name: f for name, f in zip(names, files)}, set(), new_ids, max_bytes)
    return entries


def remove_article(root: Path, article_id: str, max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    """Remove `article_id`'s line and its raw file; the raw file's name."""
    keyed = _keyed_lines(root)
    found = [line for article, line in keyed if article == article_id]
    if not found:
        raise EditError(f"no article {article_id!r} in {root / MANIFEST}")
    raw_file = json.loads(found[0])["raw_file"]
    _commit(root, [line for article, line in keyed if article != article_id], {}, {raw_file}, [], max_bytes)
    return raw_file


def _keyed_lines(root: Path) -> list[tuple[str, str]]:
    """(article_id, line) of every manifest line, in order, once the directory is known to be valid."""
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise EditError(f"{manifest} does not exist")
    # the directory must be valid before a change (its own problems come first); an empty one may grow
    problems = [v for v in open_sources(root, str(root)).violations if v.rule != "manifest.empty"]
    if problems:
        raise EditError(f"{root} has violations; fix them first (kdc validate --sources {root})", problems)
    return [(json.loads(line)["article_id"], line) for line in manifest.read_text("utf-8").splitlines()]


def _raw_name(file: Path, root: Path) -> str:
    if not file.is_file():
        raise EditError(f"{file} is not a file")
    stem = _UNSAFE.sub("-", file.stem).strip("-.") or "article"
    name = f"{stem}.txt"
    if (root / RAW / name).exists():
        raise EditError(f"{root / RAW / name} already exists: raw files are never replaced; rename {file}")
    return name


def _next_ids(ids: list[str], count: int) -> Iterator[str]:
    """Ids after the last one, keeping its prefix and width (kd-000004 -> kd-000005, ...)."""
    match = _NUMBERED.fullmatch(ids[-1]) if ids else None
    if match is None:
        raise EditError("cannot number the new article after the last id: give one with --id")
    number, width = int(match["number"]), len(match["number"])
    for step in range(1, count + 1):
        yield f"{match['prefix']}{number + step:0{width}d}"


def _entry(article_id: str, raw_file: str, data: bytes, given: Given, today: date) -> dict:
    unknown = f"Not given when the article was added with kdc add on {today.isoformat()}."
    facts = {name: {"value": given.values[name], "basis": given.basis} if name in given.values
             else {"value": None, "basis": unknown} for name in FACT_FIELDS}
    return {"article_id": article_id, "raw_file": raw_file, "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data), **facts}


def _commit(root: Path, lines: list[str], added: dict[str, Path], removed: set[str], check: list[str],
            max_bytes: int) -> None:
    """Stage the change beside `root`, check it as the build would, then move it into place."""
    stage = root.parent / f".{root.name}.kdc-edit"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / RAW).mkdir(parents=True)
    try:
        for kept in os.scandir(root / RAW) if (root / RAW).is_dir() else ():
            if kept.name not in removed:
                os.link(kept.path, stage / RAW / kept.name)
        for name, file in added.items():
            shutil.copyfile(file, stage / RAW / name)
        (stage / MANIFEST).write_text("".join(line + "\n" for line in lines), "utf-8")
        problems = _violations(stage, root, check, max_bytes)
        if problems:
            raise EditError(f"the change would make {root} invalid; nothing was changed", problems)
        for name in added:
            os.replace(stage / RAW / name, root / RAW / name)
        os.replace(stage / MANIFEST, root / MANIFEST)
        for name in removed:
            os.remove(root / RAW / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _violations(stage: Path, root: Path, check: list[str], max_bytes: int) -> list[Violation]:
    """The build's violations of the staged directory (named as `root`): the manifest, then the new articles."""
    sources = open_sources(stage, str(root), max_article_bytes=max_bytes)
    found = list(sources.violations)
    if not found and check:
        new = [e for e in sources.entries() if e.article_id in check]
        found = [x for x in iter_articles(sources, new) if isinstance(x, Violation)]
    return found
