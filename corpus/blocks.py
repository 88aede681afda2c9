"""Block structure: site boilerplate and repeated runs removed, then each line typed."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from bisect import bisect_right
from heapq import heapify, heappop, heappush
from typing import Iterator

from korea_deterrence.corpus.records import Block, BlockKind, Dateline
from korea_deterrence.corpus.textmap import Change, EditedText

# A trailing comments widget: a "Comments" line (not the first) followed only by the widget's stock lines.
_STOCK = r"(?:There are no comments (?:for|on) this (?:story|article)\.?|Be the first to (?:respond|comment)\b.*)"
_WIDGET = re.compile(rf"\n(?:Comments|\d+ comments?)(?:\n{_STOCK})+\Z", re.IGNORECASE)
_STOCK_LINE = re.compile(_STOCK, re.IGNORECASE)  # what the last line of a text with a widget is
_DATELINE = re.compile(
    r"Published:\s*(?P<date>\d{1,2} [A-Z][a-z]+ \d{4})\.?(?:\s+(?P<byline>[^.]+)\.)?(?:\s+(?P<outlet>[^.]+))?\.?"
)
_BULLETS = "-•*▪–"
_BULLET = re.compile(rf"(?:[{re.escape(_BULLETS)}]|\d{{1,2}}[.)])\s")
_TERMINALS = tuple(".!?:;,…\"”’)]")  # a line ending with one of them is not a headline
_OPEN_QUOTES, _CLOSE_QUOTES = "“\"", "”\""
_MIN_REPEAT_CHARS = 200  # a repeated run shorter than this is kept (it may be a legitimate refrain)
HEADLINE_MAX = 150
_SYMBOL_GLUE = " \u200d\ufe0e\ufe0f"  # space, zero-width joiner and variation selectors inside emoji


def lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of `text`."""
    spans, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        spans.append((start, end))
        start = end + 1
    return spans


def remove_boilerplate(doc: EditedText) -> None:
    """Remove a trailing comments widget, then an exact immediate repeat of a run of blocks."""
    doc.apply(_widget_changes(doc.text))
    doc.apply(_repeat_changes(doc.text))


def _widget_changes(text: str) -> Iterator[Change]:
    if not _STOCK_LINE.fullmatch(text, text.rfind("\n") + 1):  # (most texts: no need to search them whole)
        return
    widget = _WIDGET.search(text)
    if widget:
        yield widget.start(), len(text), "", "boilerplate"


def _repeat_changes(text: str) -> Iterator[Change]:
    """The longest run of lines immediately followed by an identical copy of at least _MIN_REPEAT_CHARS
    (the first such run of that length); the copy is removed."""
    ids = _line_ids(text.split("\n"))
    if len(set(ids)) == len(ids):  # (a quick no: most texts repeat no line)
        return
    spans = lines(text)
    for size in _repeat_sizes(ids):
        for i in _squares(ids, size):
            copy_start, copy_end = spans[i + size][0], spans[i + 2 * size - 1][1]
            if copy_end - copy_start >= _MIN_REPEAT_CHARS:
                yield copy_start - 1, copy_end, "", "duplicate_blocks"
                return


def _line_ids(content: list[str]) -> list[int]:
    """Each line as a small integer, equal lines equal."""
    seen: dict[str, int] = {}
    return [seen.setdefault(line, len(seen)) for line in content]


def _repeat_sizes(ids: list[int]) -> Iterator[int]:
    """The sizes a run of lines followed by a copy of itself can have (distances between two equal lines,
    up to half the lines), largest first, each once; made lazily, as the search stops at the first hit."""
    half = len(ids) // 2
    where: dict[int, list[int]] = {}
    for i, line in enumerate(ids):
        where.setdefault(line, []).append(i)
    heap: list[tuple[int, int, int, int]] = []  # (-distance, line, index of a in where[line], index of b)
    for line, found in where.items():
        for ai, a in enumerate(found):
            bi = bisect_right(found, a + half) - 1
            if bi > ai:
                heap.append((a - found[bi], line, ai, bi))
    heapify(heap)
    last = 0
    while heap:
        negative, line, ai, bi = heappop(heap)
        if -negative != last:
            last = -negative
            yield last
        if bi - 1 > ai:
            found = where[line]
            heappush(heap, (found[ai] - found[bi - 1], line, ai, bi - 1))


def _squares(ids: list[int], size: int) -> Iterator[int]:
    """Every i, ascending, where ids[i:i + size] == ids[i + size:i + 2 * size]: one pass over the lines."""
    run = 0
    for j in range(len(ids) - size):
        run = run + 1 if ids[j] == ids[j + size] else 0
        if run >= size:
            yield j - size + 1


def parse_dateline(line: str) -> Dateline | None:
    """The fields of a `Published: <date>. <byline>. <outlet>` line, or None."""
    m = _DATELINE.fullmatch(line)
    published = _iso_date(m["date"]) if m else None
    return Dateline(published, m["byline"], m["outlet"]) if published else None


@lru_cache(maxsize=4096)
def _iso_date(date: str) -> str | None:
    """A `<day> <Month> <year>` date in ISO form, or None if there is no such day (cached: strptime is slow)."""
    try:
        return datetime.strptime(date, "%d %B %Y").date().isoformat()
    except ValueError:
        return None


def classify(text: str) -> list[Block]:
    """Type every line of normalized `text` as a block."""
    blocks: list[Block] = []
    prose, last_kind, last_line = 0, "", ""  # how many blocks so far are not datelines; the last one's kind, text
    start = 0
    for line in text.split("\n"):
        kind = _kind(line, prose, last_kind, last_line)
        end = start + len(line)
        blocks.append(Block(kind, start, end))
        start = end + 1
        if kind != "dateline":
            prose, last_kind, last_line = prose + 1, kind, line
    return blocks


def _kind(line: str, prose: int, last_kind: str, last_line: str) -> BlockKind:
    """The kind of `line` after `prose` blocks that are not datelines, the last of them of `last_kind`
    with text `last_line`."""
    if not prose and parse_dateline(line):
        return "dateline"
    if _BULLET.match(line):
        return "list_item"
    after_title = prose == 1 and last_kind == "title"
    if _is_headline(line):
        if not prose:
            return "title"
        if after_title:
            return "subtitle"
        if last_line.endswith(":") or last_kind == "list_item":
            return "list_item"
        return "heading"
    if after_title and _is_quoted(line):
        return "subtitle"
    return "paragraph"


def _is_headline(line: str) -> bool:
    """Short, and not ending like a sentence: trailing emoji and other symbols are looked past, so that
    a sentence followed by 😀 stays prose."""
    return len(line) <= HEADLINE_MAX and not _without_trailing_symbols(line).endswith(_TERMINALS)


def is_symbol(char: str) -> bool:
    """A symbol (emoji, flag, ©), or what joins and styles emoji (zero-width joiner, variation selector), or a space."""
    return unicodedata.category(char)[0] == "S" or char in _SYMBOL_GLUE


def _without_trailing_symbols(line: str) -> str:
    """`line` without the symbols it ends with."""
    end = len(line)
    while end and is_symbol(line[end - 1]):
        end -= 1
    return line[:end]


def _is_quoted(line: str) -> bool:
    return len(line) <= 2 * HEADLINE_MAX and line[:1] in _OPEN_QUOTES and line[-1:] in _CLOSE_QUOTES
