"""Character-level normalization passes over an EditedText; each records what it changed.

Policy (DATASHEET.md, "Preprocessing"):
- a leading byte-order mark is removed (`bom`);
- CRLF, CR, VT, FF, NEL, U+2028 and U+2029 become LF (`newline`);
- C0/C1 control characters other than TAB and LF, and invisible format characters (soft hyphen,
  zero-width space, word joiner, BOM inside the text, bidi embeddings/isolates/marks, invisible
  operators) are removed (`invisible`); ZWJ and ZWNJ are kept because they are meaningful in
  emoji sequences and in several scripts;
- the text is put in Unicode NFC (`nfc`);
- runs of horizontal whitespace (tabs, no-break and other Unicode spaces) become one space, and
  whitespace at the start or end of a line is removed (`whitespace`);
- runs of blank lines become one line break, and leading/trailing line breaks are removed
  (`blank_lines`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator

from korea_deterrence.corpus.textmap import Change, EditedText

# (Patterns that scan whole texts start with one character set or literal, not with a repeated or
# optional item such as `[...]+`: that lets the regex engine skip fast to the next possible match.)
_BREAKS = "\r\x0b\x0c\x85\u2028\u2029"
_NEWLINE = re.compile(f"[{_BREAKS}](?:(?<=\r)\n)?")  # CRLF is one newline
_INVISIBLE_CHARS = (
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}][{_INVISIBLE_CHARS}]*")
# horizontal whitespace other than U+0020 (controls such as \x1c-\x1f are removed before this pass)
_WIDE_SPACE = "\t\xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
_WIDE = re.compile(f"[{_WIDE_SPACE}]")  # (only where the suspect scan found something)
# A space or wide space that starts a run of two or more, is wide, or is a space at a line's edge.
_SPACES = re.compile(rf"[ {_WIDE_SPACE}](?:[ {_WIDE_SPACE}]+|(?<=[{_WIDE_SPACE}])|(?<![^\n] )|(?=\n|\Z))")
_BLANK_RUN = re.compile(r"\n\n+")
_SPACE_BY_NEWLINE = re.compile(r"\n(?: |(?<= \n))")  # a space just after or just before a line break
# A run of non-ASCII characters, with the ASCII character before it (whose marks may follow). NFC
# never changes across a cut just before an ASCII character: it has combining class 0 and is never
# the second character of a canonical composition (checked over all of Unicode).
_NON_ASCII_RUN = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")
# a line break, invisible or wide space: whether the newline, invisible or wide-space passes have anything to do
_SUSPECT = re.compile(f"[{_BREAKS}{_INVISIBLE_CHARS}{_WIDE_SPACE}]")

# Characters that make no text non-NFC: combining class 0, their own NFC, never a later character of a
# canonical decomposition (so nothing composes with them). A text of these only is NFC, whatever their
# order. Checked over this Python's Unicode data by tests/corpus/test_normalize_properties.py.
_NFC_SAFE = ("\x00-\u02ff\u2010-\u2027\u2030-\u205e\u20a0-\u20c0\u2190-\u2199\u25a0-\u25ff\u3000-\u3029"
             "\u4e00-\u9fff\uac00-\ud7a3\uff01-\uff5e")
_NFC_UNSAFE = re.compile(f"[^{_NFC_SAFE}]")

# What `scan` finds in a text: which passes have something to do.
SUSPECT = 1  # a character of _SUSPECT (newline, invisible, whitespace passes)
WIDE = 2  # a wide space (whitespace pass)
SPACES = 4  # a space at the start or end, next to a line break, or two spaces (whitespace pass)
BLANK = 8  # a line break at the start or end, or two line breaks (blank_lines pass)
UNSAFE = 16  # a character outside _NFC_SAFE: the text may not be NFC (nfc pass)


def normalize_characters(doc: EditedText) -> None:
    """Run every character-level pass, in order, on `doc` (each skipped when `scan` finds it has nothing to do)."""
    if doc.text.startswith("\ufeff"):
        doc.apply([(0, 1, "", "bom")])
    text, found = doc.text, scan(doc.text)
    if found & SUSPECT:
        doc.apply((m.start(), m.end(), "\n", "newline") for m in _NEWLINE.finditer(doc.text))
        doc.apply((m.start(), m.end(), "", "invisible") for m in _INVISIBLE.finditer(doc.text))
    if found & UNSAFE:  # (the passes above only remove characters or put in line breaks: no new unsafe ones)
        normal = unicodedata.normalize("NFC", doc.text)  # the text itself when a quick check finds it NFC
        if normal != doc.text:
            doc.apply(_nfc_changes(doc.text, normal))
    if doc.text is not text:  # (apply makes a new string when it changes anything)
        text, found = doc.text, scan(doc.text)
    if found & (WIDE | SPACES):
        doc.apply(_space_changes(doc.text))
    if doc.text is not text:
        text, found = doc.text, scan(doc.text)
    if found & BLANK:
        doc.apply(_blank_changes(doc.text))


def scan(text: str) -> int:
    """The flags (SUSPECT, WIDE, SPACES, BLANK, UNSAFE) that hold for `text`."""
    found = 0
    if _SUSPECT.search(text):
        found |= SUSPECT | (WIDE if _WIDE.search(text) else 0)
    edges = text.startswith(" ") or text.endswith(" ") or _SPACE_BY_NEWLINE.search(text) is not None
    if edges or "  " in text:
        found |= SPACES
    if "\n\n" in text or text.startswith("\n") or text.endswith("\n"):
        found |= BLANK
    if _NFC_UNSAFE.search(text):
        found |= UNSAFE
    return found


def _space_changes(text: str) -> Iterator[Change]:
    for m in _SPACES.finditer(text):
        at_edge = m.start() == 0 or text[m.start() - 1] == "\n" or m.end() == len(text) or text[m.end()] == "\n"
        yield m.start(), m.end(), "" if at_edge else " ", "whitespace"


def _blank_changes(text: str) -> Iterator[Change]:
    lead = len(text) - len(text.lstrip("\n"))
    trail = len(text) - len(text.rstrip("\n"))
    if lead == len(text):
        yield 0, len(text), "", "blank_lines"
        return
    if lead:
        yield 0, lead, "", "blank_lines"
    for m in _BLANK_RUN.finditer(text, lead, len(text) - trail):
        yield m.start(), m.end(), "\n", "blank_lines"
    if trail:
        yield len(text) - trail, len(text), "", "blank_lines"


def _nfc_changes(text: str, normal: str) -> Iterator[Change]:
    """Minimal ranges whose NFC form differs, searched only in the non-ASCII runs of lines that are not NFC.

    `normal` is the NFC form of `text`; its lines are those of `text` in NFC (no composition crosses a
    line break).
    """
    pos = 0
    for line, normal_line in zip(text.split("\n"), normal.split("\n")):
        if line != normal_line:
            for run in _NON_ASCII_RUN.finditer(line):
                offset = pos + run.start()
                yield from ((offset + s, offset + e, r, k) for s, e, r, k in _nfc_run(run.group()))
        pos += len(line) + 1


def _nfc_run(text: str) -> Iterator[Change]:
    """Minimal ranges of `text` whose NFC form differs, cut where composition cannot cross."""
    units = _units(text)
    i = 0
    while i < len(units):
        start, end = units[i]
        while i + 1 < len(units) and _composes(text[start:end], text[units[i + 1][0]:units[i + 1][1]]):
            i += 1
            end = units[i][1]
        chunk = text[start:end]
        normal = unicodedata.normalize("NFC", chunk)
        if normal != chunk:
            yield start, end, normal, "nfc"
        i += 1


def _units(text: str) -> list[tuple[int, int]]:
    """Runs of one starter (combining class 0) followed by its combining marks."""
    starts = [i for i, ch in enumerate(text) if i == 0 or not unicodedata.combining(ch)]
    return list(zip(starts, starts[1:] + [len(text)]))


def _composes(left: str, right: str) -> bool:
    nfc = unicodedata.normalize
    return nfc("NFC", left + right) != nfc("NFC", left) + nfc("NFC", right)
