"""Typed, frozen records handed between the corpus stages."""

from __future__ import annotations

import dataclasses
from functools import cache
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

BlockKind = Literal["title", "subtitle", "heading", "paragraph", "list_item", "dateline"]
EditKind = Literal[
    "bom", "newline", "invisible", "nfc", "whitespace", "blank_lines", "boilerplate", "duplicate_blocks"
]
FACT_FIELDS = ("outlet", "url", "published", "retrieved", "byline", "rights")


@dataclass(frozen=True, slots=True)
class Fact:
    """A provenance value, or null, with the basis for it (or the reason it is null)."""

    value: str | None
    basis: str


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One line of the sources manifest."""

    article_id: str
    raw_file: str
    sha256: str
    size: int
    outlet: Fact
    url: Fact
    published: Fact
    retrieved: Fact
    byline: Fact
    rights: Fact
    line: int  # 1-based line in the manifest (not part of the record)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an article comes from."""

    raw_file: str
    raw_sha256: str
    raw_size: int
    outlet: Fact
    url: Fact
    published: Fact
    retrieved: Fact
    byline: Fact
    rights: Fact

    @classmethod
    def of(cls, entry: SourceEntry) -> Provenance:
        facts = {name: getattr(entry, name) for name in FACT_FIELDS}
        return cls(entry.raw_file, entry.sha256, entry.size, **facts)


@dataclass(frozen=True, slots=True)
class Edit:
    """One change from raw to normalized text: raw[raw_start:raw_end] became text[start:end]."""

    kinds: tuple[EditKind, ...]
    raw_start: int
    raw_end: int
    raw_byte_start: int
    raw_byte_end: int
    start: int
    end: int
    raw_text: str
    text: str


class Block(NamedTuple):
    """One line of the normalized text, typed. (A NamedTuple, not a dataclass, like Sentence: an article
    has dozens, and a tuple is made and encoded to Arrow in a third of the time.)"""

    kind: BlockKind
    start: int
    end: int


class Sentence(NamedTuple):
    start: int
    end: int
    block: int  # index of the block it is in


@dataclass(frozen=True, slots=True)
class Dateline:
    """Fields printed in an article's dateline."""

    published: str | None
    byline: str | None
    outlet: str | None


@dataclass(frozen=True, slots=True)
class Article:
    """A normalized article (schema/article.schema.json)."""

    article_id: str
    title: str | None
    text: str
    text_sha256: str
    blocks: tuple[Block, ...]
    sentences: tuple[Sentence, ...]
    dateline: Dateline | None
    edits: tuple[Edit, ...]
    provenance: Provenance


def as_record(obj: Any) -> Any:
    """A JSON-ready dict (lists for tuples) of a record, fields in declaration order."""
    names = _field_names(type(obj))
    if names is not None:
        return {name: as_record(getattr(obj, name)) for name in names}
    if isinstance(obj, (tuple, list)):
        return [as_record(x) for x in obj]
    return obj


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """Record field names of a dataclass or NamedTuple type (None for other types); `line` is bookkeeping,
    not data."""
    if not dataclasses.is_dataclass(cls):
        return getattr(cls, "_fields", None) if issubclass(cls, tuple) else None
    return tuple(f.name for f in dataclasses.fields(cls) if f.name != "line")
