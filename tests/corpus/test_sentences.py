"""Tests of the sentence segmenter: tricky examples and invariants over random texts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from korea_deterrence.corpus.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "“South Korea is capable of taking primary responsibility for deterring North Korea"
            " with critical but more limited US support,” the document says. It adds more.",
            ["“South Korea is capable of taking primary responsibility for deterring North Korea"
             " with critical but more limited US support,” the document says.", "It adds more."],
            id="comma-inside-closing-quote",
        ),
        pytest.param(
            "In Washington, officials insist that the alliance remains “ironclad.” The Pentagon"
            " document does not call for troop withdrawals.",
            ["In Washington, officials insist that the alliance remains “ironclad.”",
             "The Pentagon document does not call for troop withdrawals."],
            id="period-inside-closing-quote",
        ),
        pytest.param(
            "It said “decent peace.” Then it stopped. It said 'no.' Then (it ended.) Next.",
            ["It said “decent peace.”", "Then it stopped.", "It said 'no.'", "Then (it ended.)",
             "Next."],
            id="closers-after-period",
        ),
        pytest.param(
            "Continued U.S.-South Korea military drills resumed. About 28,500 U.S. troops remain.",
            ["Continued U.S.-South Korea military drills resumed.",
             "About 28,500 U.S. troops remain."],
            id="us-abbreviation",
        ),
        pytest.param(
            "Mr. Kim met Gen. Brown and Dr. Lee on Jan. 24, e.g. in Seoul. They talked.",
            ["Mr. Kim met Gen. Brown and Dr. Lee on Jan. 24, e.g. in Seoul.", "They talked."],
            id="titles-months-eg",
        ),
        pytest.param(
            "John F. Kennedy and J. R. R. Tolkien spoke. Then they left.",
            ["John F. Kennedy and J. R. R. Tolkien spoke.", "Then they left."],
            id="initials",
        ),
        pytest.param(
            "The budget rose by 7.5% to $1.2 billion. 28,500 troops stay. 2026 is next.",
            ["The budget rose by 7.5% to $1.2 billion.", "28,500 troops stay.", "2026 is next."],
            id="figures-and-digit-starts",
        ),
        pytest.param(
            "He paused... Then he spoke… and stopped. Why now? Nobody knows! “Not us,” they said.",
            ["He paused...", "Then he spoke… and stopped.", "Why now?", "Nobody knows!",
             "“Not us,” they said."],
            id="ellipses-question-exclamation-opening-quote",
        ),
        pytest.param(
            '"Why now?" he asked. Troops stay in the U.S. The plan changes. It is No. 1 here.',
            ['"Why now?" he asked.', "Troops stay in the U.S.", "The plan changes.",
             "It is No. 1 here."],
            id="lowercase-after-question-and-us-at-end",
        ),
        pytest.param(
            "Published: 24 January 2026. The English Chronicle Desk. The English Chronicle Online",
            ["Published: 24 January 2026.", "The English Chronicle Desk.",
             "The English Chronicle Online"],
            id="dateline",
        ),
        pytest.param("Implications for U.S. Forces and Bases", ["Implications for U.S. Forces and Bases"],
                     id="heading"),
        pytest.param("1. Maintain troop deployments", ["1. Maintain troop deployments"], id="list-number"),
        pytest.param("  Title\n\nFirst one.  Second one.\n", ["Title", "First one.", "Second one."],
                     id="blocks-and-whitespace"),
        pytest.param("", [], id="empty"),
        pytest.param(" \n\t ", [], id="only-whitespace"),
    ],
)
def test_examples(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_range_offsets_are_into_the_whole_text() -> None:
    text = "Heading\nOne here. Two here.\nTail"
    start = text.index("One")
    end = text.index("\nTail")
    assert split_sentences(text, start, end) == [(start, start + 9), (start + 10, end)]


@pytest.mark.parametrize(("start", "end"), [(-1, None), (3, 2), (0, 99)])
def test_bad_range_is_refused(start: int, end: int | None) -> None:
    with pytest.raises(ValueError, match="range"):
        split_sentences("Some text.", start, end)


_PIECES = st.sampled_from(
    [".", "?", "!", "…", "...", ",", ":", " ", "  ", "\n", "\t", "\u00a0", "\u2028", "“", "”",
     "‘", "’", '"', "'", "(", ")", "[", "]", "7", "28,500", "7.5%", "$1.2", "U.S.", "U.S.-",
     "Mr.", "e.g.", "No.", "F.", "The", "the", "A", "a", "Kim", "\u0301", "e\u0301", "👍",
     "👩\u200d👩\u200d👧", "🇰🇷", "\ufe0f", "한국", "İ", "ß", "\x00", "\x1c", "\x85"]
)
_TEXTS = st.one_of(st.lists(_PIECES, max_size=40).map("".join), st.text(max_size=60))


@settings(max_examples=500, deadline=None)
@given(text=_TEXTS, data=st.data())
def test_invariants(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, len(text)), label="end")
    spans = split_sentences(text, start, end)
    previous_end = start
    for a, b in spans:
        assert previous_end <= a < b <= end
        sentence = text[a:b]
        assert sentence == sentence.strip()
        assert "\n" not in sentence
        assert text[previous_end:a].isspace() or previous_end == a
        previous_end = b
    assert text[previous_end:end].isspace() or previous_end == end
    assert split_sentences(text[start:end]) == [(a - start, b - start) for a, b in spans]


def test_an_emoji_after_a_sentence_stays_with_it_and_the_line_stays_prose() -> None:
    """A line of prose ending in an emoji or a flag is a paragraph, and the emoji is not a sentence."""
    from korea_deterrence.corpus.ingest import normalize
    from test_normalize_properties import PROVENANCE

    article = normalize("x", "Seoul to lead\n\nThe Pentagon said South Korea would lead. 😀\nIt did. 🇰🇷\n", PROVENANCE)
    text = article.text
    assert [(b.kind, text[b.start:b.end]) for b in article.blocks] == [
        ("title", "Seoul to lead"), ("paragraph", "The Pentagon said South Korea would lead. 😀"),
        ("paragraph", "It did. 🇰🇷")]
    assert [text[s.start:s.end] for s in article.sentences] == [
        "Seoul to lead", "The Pentagon said South Korea would lead. 😀", "It did. 🇰🇷"]
