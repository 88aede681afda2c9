"""Property tests: normalization of arbitrary text keeps the offset contract and traces back to the raw."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from korea_deterrence.corpus import Article, Provenance, normalize
from korea_deterrence.corpus.normalize import _NFC_SAFE
from korea_deterrence.corpus.records import Fact

PIECES = st.sampled_from([
    "Seoul", "U.S.", " ", "  ", "\t", "\u00a0", "\n", "\n\n\n", "\r\n", "\r", ".", "?", "!", "“", "”", "’",
    "7.5%", "28,500", "😀", "👩‍👩‍👧", "e\u0301", "\u0301", "\u1100\u1161", "\u200b", "\u200d", "\ufeff",
    "\u00ad", "\x07", "\u2028", "Comments", "There are no comments for this story", "Published: 2 May 2026.",
])
TEXTS = st.one_of(
    st.lists(PIECES, max_size=40).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200),
)
UNKNOWN = Fact(None, "unknown in a property test")
PROVENANCE = Provenance("x.txt", "0" * 64, 1, *([UNKNOWN] * 6))


def _norm(raw: str) -> Article:
    return normalize("prop-1", raw, PROVENANCE)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_text_is_clean(raw: str) -> None:
    text = _norm(raw).text
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text and "\n\n" not in text and not text.startswith("\n") and not text.endswith("\n")
    assert not any(ch in text for ch in "\u200b\ufeff\u00ad\x07\u2028")
    for line in text.split("\n"):
        assert line == line.strip() and "  " not in line and "\t" not in line


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_edits_trace_every_character_back_to_the_raw(raw: str) -> None:
    article = _norm(raw)
    raw_bytes = raw.encode("utf-8")
    rebuilt, raw_pos, previous_end = [], 0, 0
    for edit in article.edits:
        assert raw_pos <= edit.raw_start <= edit.raw_end and previous_end <= edit.start <= edit.end
        assert raw[edit.raw_start:edit.raw_end] == edit.raw_text
        assert raw_bytes[edit.raw_byte_start:edit.raw_byte_end] == edit.raw_text.encode("utf-8")
        assert article.text[edit.start:edit.end] == edit.text
        rebuilt += [raw[raw_pos:edit.raw_start], edit.text]
        raw_pos, previous_end = edit.raw_end, edit.end
    rebuilt.append(raw[raw_pos:])
    assert "".join(rebuilt) == article.text


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_blocks_and_sentences_are_in_range_ordered_and_exact(raw: str) -> None:
    article = _norm(raw)
    text = article.text
    lines = text.split("\n") if text else []
    assert [text[b.start:b.end] for b in article.blocks] == lines
    previous_end = 0
    for sentence in article.sentences:
        block = article.blocks[sentence.block]
        assert previous_end <= sentence.start < sentence.end
        assert block.start <= sentence.start and sentence.end <= block.end
        span = text[sentence.start:sentence.end]
        assert span == span.strip() and span
        previous_end = sentence.end
    covered = sum(len(text[s.start:s.end].replace(" ", "")) for s in article.sentences)
    in_prose = sum(len(text[b.start:b.end].replace(" ", "")) for b in article.blocks if b.kind != "dateline")
    assert covered == in_prose


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_sentences_are_what_the_segmenter_finds_outside_datelines(raw: str) -> None:
    """The build splits each block's line without searching for lines again; that must equal
    split_sentences over the whole text, less the sentences of dateline blocks."""
    from korea_deterrence.corpus.sentences import split_sentences

    article = _norm(raw)
    kinds = {(b.start, b.end): b.kind for b in article.blocks}
    found = [(s.start, s.end) for s in article.sentences]
    expected = [(a, b) for a, b in split_sentences(article.text)
                if next(k for (s, e), k in kinds.items() if s <= a and b <= e) != "dateline"]
    assert found == expected
    assert all(article.blocks[s.block].start <= s.start < s.end <= article.blocks[s.block].end for s in article.sentences)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["Comments", "3 comments", "There are no comments for this story.",
                                 "Be the first to respond", "be the first to comment now", "Text.", ""]),
                max_size=6).map("\n".join), TEXTS)
def test_widget_search_is_skipped_only_when_it_would_find_nothing(tail: str, head: str) -> None:
    from korea_deterrence.corpus import blocks

    text = head + "\n" + tail
    found = blocks._WIDGET.search(text)
    assert list(blocks._widget_changes(text)) == ([(found.start(), len(text), "", "boilerplate")] if found else [])


def test_a_long_repeated_run_is_found_in_one_pass() -> None:
    """The repeat search no longer lists every pair of equal lines (here 2 x 10^8 of them): 20,000 equal
    lines (about 1.6 MB) give the copy of the longest run at once."""
    from korea_deterrence.corpus.blocks import _repeat_changes

    line = "North Korea fired a missile today, officials said, in a statement of some length."
    text = "\n".join([line] * 20_000)
    [(start, end, replacement, kind)] = list(_repeat_changes(text))
    kept, removed = text[:start].count("\n") + 1, text[start + 1:end].count("\n") + 1
    assert (kept, removed) == (10_000, 10_000)  # the second half is the copy
    assert (replacement, kind) == ("", "duplicate_blocks")


def _brute_force_repeat(text: str) -> tuple[int, int] | None:
    """The test's oracle: every size from the largest, every start: the first copy of 200+ characters."""
    content, spans = text.split("\n"), [0]
    for line in content:
        spans.append(spans[-1] + len(line) + 1)
    for size in range(len(content) // 2, 0, -1):
        for i in range(len(content) - 2 * size + 1):
            if content[i:i + size] == content[i + size:i + 2 * size]:
                start, end = spans[i + size], spans[i + 2 * size] - 1
                if end - start >= 200:
                    return start - 1, end
    return None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a" * 90, "b" * 150, "c" * 10, "d" * 210]), max_size=14))
def test_the_repeat_found_is_the_longest_first_copy(lines: list[str]) -> None:
    from korea_deterrence.corpus.blocks import _repeat_changes

    text = "\n".join(lines)
    found = [(start, end) for start, end, _, _ in _repeat_changes(text)]
    assert found == ([] if (oracle := _brute_force_repeat(text)) is None else [oracle])


def test_nfc_safe_characters_make_no_text_non_nfc() -> None:
    """Every character of normalize._NFC_SAFE has combining class 0, is its own NFC, and is no later
    character of any canonical decomposition (so it composes with nothing), in this Python's Unicode."""
    later = set()
    for low in range(0, 0x110000, 0x10000):  # NFD of every code point, a plane at a time
        chars = (chr(c) for c in range(low, low + 0x10000) if not 0xD800 <= c < 0xE000)
        for piece in unicodedata.normalize("NFD", "\x00".join(chars)).split("\x00"):
            later.update(piece[1:])
    safe = re.compile(f"[{_NFC_SAFE}]")
    chars = [chr(c) for c in range(0x10000) if safe.match(chr(c))]
    assert len(chars) > 30000 and "\u0301" in later and "\u1161" in later
    unsafe = [ch for ch in chars
              if unicodedata.combining(ch) or unicodedata.normalize("NFC", ch) != ch or ch in later]
    assert not unsafe
