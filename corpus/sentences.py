"""Rule-based sentence segmentation of normalized article text.

Sentences are returned as ``(start, end)`` code-point offsets (end-exclusive) into the
text, stripped of surrounding whitespace. A line break is always a hard boundary, so a
block (title, heading, paragraph, list item) never shares a sentence with another block,
and a block without terminal punctuation is one sentence. The segmenter was chosen by
measurement against pysbd and blingfire: see ``benchmarks/segmenters.py``.
"""

from __future__ import annotations

import re

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

_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# A line's content, stripped: sentences never cross a line break.
_LINE = re.compile(rf"[^\s](?:[^{_BREAKS}]*[^\s])?")
# Terminal punctuation, closing quotes/brackets, the whitespace after, the next character.
_CANDIDATE = re.compile(
    r"(?P<punct>[.?!\u2026\u203d]+)[\"'\u201d\u2019\u00bb\u203a)\]}]*"
    r"(?P<ws>\s+)(?=(?P<next>\S))"
)
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_WORD = re.compile(r"\w+")
_OPENERS = "\"'\u201c\u2018\u00ab\u2039([{"
_CONTINUATIONS = ",;:%"
_LOOKBACK = 24

_ABBREVIATIONS = frozenset(ABBREVIATIONS)
_NUMBER_ABBREVIATIONS = frozenset(NUMBER_ABBREVIATIONS)
_AMBIGUOUS = frozenset(AMBIGUOUS_ABBREVIATIONS)
_STARTERS = frozenset(SENTENCE_STARTERS)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of the sentences of ``text[start:end]``.

    Sentences are ordered, non-overlapping, non-empty, stripped of whitespace, and
    together cover every non-whitespace character of the range.
    """
    end = len(text) if end is None else end
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"range [{start}, {end}) is not inside a text of length {len(text)}")
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, start, end):
        line_start, line_end = line.span()
        sent_start = line_start
        for cand in _CANDIDATE.finditer(text, line_start, line_end):
            if _is_boundary(text, cand):
                spans.append((sent_start, cand.start("ws")))
                sent_start = cand.end("ws")
        spans.append((sent_start, line_end))
    return spans


def _is_boundary(text: str, cand: re.Match[str]) -> bool:
    """Whether the terminal punctuation matched by ``cand`` ends a sentence."""
    nxt = cand.group("next")
    if nxt.islower() or nxt in _CONTINUATIONS:
        return False
    if cand.group("punct") != ".":
        return True
    pos, line_start = cand.start(), cand.pos
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
