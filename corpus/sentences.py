"""Rule-based sentence segmentation of normalized article text.

Sentences are returned as ``(start, end)`` code-point offsets (end-exclusive) into the
text, stripped of surrounding whitespace. A line break is always a hard boundary, so a
block (title, heading, paragraph, list item) never shares a sentence with another block,
and a block without terminal punctuation is one sentence. The segmenter was chosen by
measurement against pysbd and blingfire: see ``benchmarks/segmenters.py``.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, TypeVar

from korea_deterrence.corpus.blocks import is_symbol

#: Abbreviations (lower case, without the final period) that never end a sentence:
#: a period after them is not a boundary whatever follows. Titles, ranks, months, Latin.
ABBREVIATIONS: tuple[str, ...] = (
    "mr", "mrs", "ms", "dr", "prof", "rev", "hon", "sen", "rep", "gov", "pres", "sec",
    "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "cpl", "pvt", "st", "mt",
    "ft", "ave", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "e.g", "i.e", "cf", "vs", "approx", "dept", "est", "fig", "ca",
)

#: Abbreviations that are not a boundary when a number follows ("No. 1", "pp. 3").
NUMBER_ABBREVIATIONS: tuple[str, ...] = ("no", "nos", "p", "pp", "vol", "art", "ch")

#: Abbreviations that may also end a sentence, like initialisms ("U.S.", "a.m."): a
#: boundary only when the next word is one of SENTENCE_STARTERS.
AMBIGUOUS_ABBREVIATIONS: tuple[str, ...] = ("inc", "corp", "co", "ltd", "jr", "sr", "etc")

#: Words that begin a new sentence after an ambiguous abbreviation ("... the U.S. The").
SENTENCE_STARTERS: tuple[str, ...] = (
    "A", "An", "And", "As", "At", "But", "For", "He", "Her", "His", "However", "I", "If",
    "In", "It", "Its", "Meanwhile", "On", "Our", "She", "So", "That", "The", "Their",
    "There", "These", "They", "This", "Those", "We", "What", "When", "While", "Yet",
)

_ABBREVIATIONS = frozenset(ABBREVIATIONS)
_NUMBER_ABBREVIATIONS = frozenset(NUMBER_ABBREVIATIONS)
_AMBIGUOUS = frozenset(AMBIGUOUS_ABBREVIATIONS)
_STARTERS = frozenset(SENTENCE_STARTERS)
# A word of this many letters is longer than any abbreviation.
_LONG_WORD = 1 + max(map(len, _ABBREVIATIONS | _NUMBER_ABBREVIATIONS | _AMBIGUOUS))

_TERMINALS = ".?!\u2026\u203d"
_CLOSERS = "\"'\u201d\u2019\u00bb\u203a)]}"  # closing quotes and brackets a sentence may end with
_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # the line breaks of str.splitlines


def _candidate_pattern(punct: str) -> re.Pattern[str]:
    """Terminal punctuation (a run of `punct`), closing quotes/brackets, the whitespace after (no
    line break), the next character.

    `long_word` is set (empty) when more ASCII letters precede the punctuation than any
    abbreviation has, so the word before it is none. This look-behind sees letters before the
    range searched, so split_sentences never searches a range that starts inside a word. (The
    pattern starts with one `punct`, not `punct+`: that lets the regex engine skip fast to the
    next candidate.)
    """
    return re.compile(
        rf"(?P<punct>{punct}(?P<long_word>(?<=[A-Za-z]{{{_LONG_WORD}}}{punct}))?{punct}*)"
        rf"[{re.escape(_CLOSERS)}]*(?P<ws>[^\S{_BREAKS}]+)(?=(?P<next>\S))"
    )


_CANDIDATE = _candidate_pattern(f"[{_TERMINALS}]")
# The same for text whose only terminal punctuation is the period: a pattern that starts with
# one literal character lets the regex engine skip to the next candidate much faster.
_PERIOD_CANDIDATE = _candidate_pattern(r"\.")
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_WORD = re.compile(r"\w+")
_OPENERS = "\"'\u201c\u2018\u00ab\u2039([{"
_CONTINUATIONS = ",;:%"
_LOOKBACK = 24


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of the sentences of ``text[start:end]``.

    Sentences are ordered, non-overlapping, non-empty, stripped of whitespace, and
    together cover every non-whitespace character of the range.
    """
    end = len(text) if end is None else end
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"range [{start}, {end}) is not inside a text of length {len(text)}")
    if start and not text[start - 1].isspace():  # a range inside a word: segment a copy (see _candidate_pattern)
        return [(start + a, start + b) for a, b in split_sentences(text[start:end])]
    lines = ((line_start, line_end, 0) for line_start, line_end in _lines(text, start, end))
    return attach_symbols(text, [(a, b) for a, b, _ in _split(text, lines, start, end)])


Record = TypeVar("Record", bound=tuple[Any, ...])


def attach_symbols(text: str, found: list[Record]) -> list[Record]:
    """The sentences, where one made only of symbols (an emoji or a flag after a full stop) is joined to
    the sentence before it on the same line, as a person reads it. Sentences are (start, end, ...) tuples."""
    kept: list[Record] = []
    for sentence in found:
        previous = kept[-1] if kept else None
        if previous is not None and "\n" not in text[previous[1]:sentence[0]] and all(
                map(is_symbol, text[sentence[0]:sentence[1]])):
            merged = (previous[0], sentence[1], *previous[2:])
            kept[-1] = previous._make(merged) if hasattr(previous, "_make") else merged  # type: ignore[assignment]
        else:
            kept.append(sentence)
    return kept


def split_lines(text: str, lines: Iterable[tuple[int, int, Any]], record: type[Record] = tuple) -> list[Record]:
    """The sentences of some lines of `text`, each as ``record((start, end, key))``.

    `lines` are ``(start, end, key)`` spans of `text`, in order, each a whole line stripped
    of whitespace and not empty, as the lines of normalized text are; the lines not given
    are skipped. Over all lines of a text this finds what ``split_sentences`` finds, without
    searching for the lines again. `record` is tuple or a subclass of it (a NamedTuple).
    """
    spans = _split(text, lines, 0, len(text))
    found = spans if record is tuple else [tuple.__new__(record, span) for span in spans]  # type: ignore[misc]
    return attach_symbols(text, found)


def _split(text: str, lines: Iterable[tuple[int, int, int]], start: int, end: int) -> list[tuple[int, int, int]]:
    other_terminals = any(text.find(ch, start, end) >= 0 for ch in _TERMINALS[1:])
    candidates = (_CANDIDATE if other_terminals else _PERIOD_CANDIDATE).finditer(text, start, end)
    lines = iter(lines)
    current = next(lines, None)
    if current is None:
        return []
    spans: list[tuple[int, int, int]] = []
    line_start, line_end, key = current
    sent_start = line_start
    for cand in candidates:  # in text order; a candidate never crosses a line break
        pos = cand.start()
        while pos >= line_end:  # past the current line: its last sentence ends with it
            spans.append((sent_start, line_end, key))
            current = next(lines, None)
            if current is None:
                return spans
            line_start, line_end, key = current
            sent_start = line_start
        if pos >= line_start and _is_boundary(text, cand, line_start):  # (before line_start: in a line skipped)
            ws_start, ws_end = cand.span("ws")
            spans.append((sent_start, ws_start, key))
            sent_start = ws_end
    spans.append((sent_start, line_end, key))
    spans.extend(lines)  # lines without candidates are one sentence each
    return spans


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the content of every line of ``text[start:end]`` that is not blank,
    stripped of whitespace: sentences never cross a line break."""
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        content = line.strip()
        if content:
            content_start = pos + len(line) - len(line.lstrip())
            yield content_start, content_start + len(content)
        pos += len(line)


def _is_boundary(text: str, cand: re.Match[str], line_start: int) -> bool:
    """Whether the terminal punctuation matched by ``cand``, in the line starting at ``line_start``,
    ends a sentence."""
    nxt, long_word, punct = cand.group("next", "long_word", "punct")
    if nxt.islower() or nxt in _CONTINUATIONS:
        return False
    if long_word is not None or punct != ".":
        return True
    pos = cand.start()
    before = text[max(line_start, pos - _LOOKBACK):pos].rsplit(maxsplit=1)
    token = before[-1].lstrip(_OPENERS) if before else ""
    if not token:
        return True
    lower = token.lower()
    if lower in _ABBREVIATIONS:
        return False
    if nxt.isdigit() and lower in _NUMBER_ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isupper():
        return False  # an initial: "John F. Kennedy"
    if token.isdigit() and pos - len(token) == line_start:
        return False  # a list number: "1. Maintain troops"
    if lower in _AMBIGUOUS or _INITIALISM.fullmatch(token):
        word = _WORD.match(text, cand.end("ws"), cand.endpos)
        return word is not None and word.group() in _STARTERS
    return True
