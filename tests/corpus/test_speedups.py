"""The compiled kernels (corpus/_speedups.c) give exactly what the Python reference code gives.

Each kernel is compared with the Python function it stands in for on generated texts, and whole
articles are normalized both ways. Skipped where the kernels were not built (no C compiler);
.ci/run checks that they are built there.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from korea_deterrence.corpus import sentences
from korea_deterrence.corpus.ingest import normalize
from korea_deterrence.corpus.normalize import _NFC_SAFE, scan, scan_py
from korea_deterrence.corpus.records import Sentence
from korea_deterrence.corpus.sources import open_sources, packaged_sources, read_raw
from korea_deterrence.corpus.speedups import speedups

from test_normalize_properties import PROVENANCE, TEXTS

pytestmark = pytest.mark.skipif(speedups() is None, reason="the compiled kernels are not built here")

# Pieces of sentences: words, abbreviations, initials, numbers, punctuation, quotes, spaces and breaks.
SENTENCE_PIECES = st.sampled_from([
    "Seoul", "said", "approximately", "the", "The", "However", "it", "Mr", "Gen", "No", "pp", "vol", "Inc", "etc",
    "U.S", "J", "R", "1", "12", "2026", "7.5", "e.g", "Ünal", "İstanbul", "KELVIN\u212a", "ß", "x_y", "٣",
    ".", ". ", "...", "?", "!", "…", "‽", "?!", ",", ";", ":", "%", " ", "  ", "\t", "\u00a0", "\u2003", "\n",
    "\r", "\x1c", "\u2028", "“", "”", "\"", "'", "’", "»", "›", ")", "]", "}", "(", "[", "«", "‘",
])
# Word, punctuation, closer, space: every period, question mark or ellipsis is a candidate to decide.
WORDS = st.sampled_from(["Seoul", "said", "approximately", "The", "However", "it", "Mr", "mr", "Gen", "No", "no",
                         "pp", "Inc", "etc", "U.S", "e.g", "J", "j", "1", "12", "2026", "Ünal", "ß", "“Dr", "(Jan",
                         "x_y", "٣", "", "\u212aelvin"])
CANDIDATES = st.tuples(WORDS, st.sampled_from([".", ".", "..", "?", "…", ",", ""]),
                       st.sampled_from(["", "", "”", ")", "’\""]),
                       st.sampled_from([" ", " ", "  ", "\t", "\u00a0", "\n", ""])).map("".join)
SENTENCE_TEXTS = st.one_of(
    st.lists(SENTENCE_PIECES, max_size=60).map("".join),
    st.lists(CANDIDATES, max_size=30).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=120),
)
LINE_PIECES = st.sampled_from([
    "Published: 24 January 2026. The Desk. The Outlet.", "Published: 31 February 2026.", "- item", "• item",
    "12. item", "1) item", "123. no", "7.item", "A Short Headline", "Ends with a colon:", "A sentence.",
    "“A quoted subtitle”", "\"Quoted\"", "“Open only", "x" * 150, "x" * 151, "“" + "q" * 298 + "”", "“" + "q" * 299 + "”", "“" + "y" * 200 + "”", "", "Why?", "Well…",
])
LINE_TEXTS = st.lists(LINE_PIECES, min_size=1, max_size=12).map("\n".join)


def _lines(text: str) -> Iterator[tuple[int, int, int]]:
    """The stripped, non-blank lines the way split_lines is given them, keyed by their index."""
    return ((start, end, i) for i, (start, end) in enumerate(sentences._lines(text, 0, len(text))))


@settings(max_examples=600, deadline=None)
@given(st.one_of(TEXTS, SENTENCE_TEXTS, LINE_TEXTS))
def test_scan_finds_what_the_python_scan_finds(text: str) -> None:
    assert scan(text) == scan_py(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "", "ä", "😀", "x" * 40]), max_size=12).map("\n".join))
@example("a\nb\na")
@example("\n")
@example("")
def test_has_equal_lines_says_whether_two_lines_are_equal(text: str) -> None:
    lines = text.split("\n")
    assert speedups().has_equal_lines(text) is (len(set(lines)) != len(lines))


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


@settings(max_examples=1000, deadline=None)
@given(SENTENCE_TEXTS)
@example("U.S. Seoul said. U.S. The end. A.B. Inc. Co. They left etc. The J. Kim and Mr. Lee. No. 5 no. 6 pp. 7.")
@example("1. Maintain troops. 12. Then. (2026. Next.) “Dr. Who.” Jan. 24. approx. 5 e.g. Seoul. ß. Ünal. \u212a. X")
@example("Why?! Yes… “No.” ‘Mr.’ Then Gen. Kim. It ended... Then. x_y. Z. ٣. A\u00a0. B\t. C\u2028D. E")
def test_split_lines_splits_like_the_python_code(text: str) -> None:
    lines = list(_lines(text))
    assert sentences.split_lines(text, lines) == sentences.attach_symbols(text, sentences.split_lines_py(text, lines))
    kept = lines[::2]  # lines left out are skipped
    native = sentences.split_lines(text, kept, Sentence)
    assert native == sentences.attach_symbols(text, sentences.split_lines_py(text, kept, Sentence))
    assert all(type(s) is Sentence for s in native)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXTS, SENTENCE_TEXTS, LINE_TEXTS))
def test_articles_are_the_same_with_and_without_the_kernels(raw: str) -> None:
    assert normalize("prop-1", raw, PROVENANCE) == _pure_python(lambda: normalize("prop-1", raw, PROVENANCE))


def test_the_shipped_articles_are_the_same_with_and_without_the_kernels() -> None:
    corpus = open_sources(packaged_sources(), "corpus")
    for entry in corpus.entries():
        raw, problem = read_raw(corpus, entry)
        assert problem is None and raw is not None
        article = normalize(entry.article_id, raw, PROVENANCE)
        assert article == _pure_python(lambda: normalize(entry.article_id, raw, PROVENANCE))


def test_no_speedups_in_the_environment_turns_the_kernels_off() -> None:
    assert _pure_python(speedups) is None
    assert speedups() is not None  # (and on again once it is unset)


def _pure_python(run):  # type: ignore[no-untyped-def]
    """What `run()` returns with the kernels switched off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KDC_NO_SPEEDUPS", "1")
        speedups.cache_clear()
        try:
            assert speedups() is None
            return run()
        finally:
            patch.delenv("KDC_NO_SPEEDUPS")
            speedups.cache_clear()


def test_split_lines_refuses_a_line_outside_the_text() -> None:
    """(The kernel reads the text inside each line it is given; a span outside it is an error, not a read
    out of bounds.)"""
    for span in [(-1, 3, 0), (2, 1, 0), (0, 99, 0)]:
        with pytest.raises(ValueError, match="is not a span of a text of length 9"):
            sentences.split_lines("Abc. Def.", [span])


