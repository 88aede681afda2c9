"""Block structure: site boilerplate and repeated runs removed, then each line typed."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Iterator

from korea_deterrence.corpus.records import Block, BlockKind, Dateline
from korea_deterrence.corpus.textmap import Change, EditedText

# A trailing comments widget: a "Comments" line followed only by the widget's stock lines.
_WIDGET_HEAD = re.compile(r"(?:Comments|\d+ comments?)", re.IGNORECASE)
_WIDGET_LINES = (
    re.compile(r"There are no comments (?:for|on) this (?:story|article)\.?", re.IGNORECASE),
    re.compile(r"Be the first to (?:respond|comment)\b.*", re.IGNORECASE),
)
_DATELINE = re.compile(
    r"Published:\s*(?P<date>\d{1,2} [A-Z][a-z]+ \d{4})\.?(?:\s+(?P<byline>[^.]+)\.)?(?:\s+(?P<outlet>[^.]+))?\.?"
)
_BULLET = re.compile(r"(?:[-•*▪–]|\d{1,2}[.)])\s")
_TERMINAL = ".!?:;,…\"”’)]"
_MIN_REPEAT_CHARS = 200  # a repeated run shorter than this is kept (it may be a legitimate refrain)
HEADLINE_MAX = 150


def lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of `text`."""
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def remove_boilerplate(doc: EditedText) -> None:
    """Remove a trailing comments widget, then an exact immediate repeat of a run of blocks."""
    doc.apply(_widget_changes(doc.text))
    doc.apply(_repeat_changes(doc.text))


def _widget_changes(text: str) -> Iterator[Change]:
    spans = lines(text)
    for i, (start, end) in enumerate(spans):
        if not i or not _WIDGET_HEAD.fullmatch(text[start:end]):
            continue
        rest = [text[s:e] for s, e in spans[i + 1:]]
        if rest and all(_is_widget(r) for r in rest):
            yield start - 1, len(text), "", "boilerplate"
            return


def _is_widget(line: str) -> bool:
    return any(p.fullmatch(line) for p in _WIDGET_LINES)


def _repeat_changes(text: str) -> Iterator[Change]:
    """The longest run of lines immediately followed by an identical copy; the copy is removed."""
    spans = lines(text)
    content = [text[s:e] for s, e in spans]
    for size in range(len(content) // 2, 0, -1):
        for i in range(len(content) - 2 * size + 1):
            if content[i:i + size] == content[i + size:i + 2 * size]:
                copy_start, copy_end = spans[i + size][0], spans[i + 2 * size - 1][1]
                if copy_end - copy_start >= _MIN_REPEAT_CHARS:
                    yield copy_start - 1, copy_end, "", "duplicate_blocks"
                    return


def parse_dateline(line: str) -> Dateline | None:
    """The fields of a `Published: <date>. <byline>. <outlet>` line, or None."""
    m = _DATELINE.fullmatch(line)
    if not m:
        return None
    try:
        published = datetime.strptime(m["date"], "%d %B %Y").date().isoformat()
    except ValueError:
        return None
    return Dateline(published, m["byline"], m["outlet"])


def classify(text: str) -> list[Block]:
    """Type every line of normalized `text` as a block."""
    blocks: list[Block] = []
    for start, end in lines(text):
        blocks.append(Block(_kind(text[start:end], blocks, text), start, end))
    return blocks


def _kind(line: str, before: list[Block], text: str) -> BlockKind:
    prose = [b for b in before if b.kind != "dateline"]
    if not prose and parse_dateline(line):
        return "dateline"
    if _BULLET.match(line):
        return "list_item"
    if _is_headline(line):
        if not prose:
            return "title"
        if len(prose) == 1 and prose[0].kind == "title":
            return "subtitle"
        previous = text[prose[-1].start:prose[-1].end]
        if previous.endswith(":") or prose[-1].kind == "list_item":
            return "list_item"
        return "heading"
    if len(prose) == 1 and prose[0].kind == "title" and _is_quoted(line):
        return "subtitle"
    return "paragraph"


def _is_headline(line: str) -> bool:
    return len(line) <= HEADLINE_MAX and not line.endswith(tuple(_TERMINAL))


def _is_quoted(line: str) -> bool:
    return len(line) <= 2 * HEADLINE_MAX and line[:1] in "“\"" and line[-1:] in "”\""
