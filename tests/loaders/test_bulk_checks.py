"""The vectorized article checks flag exactly the rows the per-record validators reject; the encoding
they run on gives the same table whichever way records come."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import pytest

from korea_deterrence.corpus import Article, iter_articles, open_sources, packaged_sources
from korea_deterrence.corpus.records import Block, Sentence
from korea_deterrence.loaders.shards import article_features
from korea_deterrence.loaders.checks import explain, flagged_rows
from korea_deterrence.loaders.parquet import encode


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return [a for a in iter_articles(open_sources(packaged_sources(), "corpus")) if isinstance(a, Article)]


def _broken(article: Article, how: str) -> Article:
    first, second = article.sentences[0], article.sentences[1]
    return {
        "reversed sentence": dataclasses.replace(article, sentences=(Sentence(first.end, first.start, 0),)),
        "overlapping sentences": dataclasses.replace(article, sentences=(first, Sentence(first.start, second.end, 1))),
        "block past the text": dataclasses.replace(article, blocks=(Block("title", 0, len(article.text) + 5),)),
        "bad checksum": dataclasses.replace(article, text_sha256="not-a-sha"),
        "bad id": dataclasses.replace(article, article_id="Bad ID"),
    }[how]


def test_valid_articles_are_not_flagged(articles: list[Article]) -> None:
    assert flagged_rows(encode(articles, article_features())) == []
    assert explain(articles, list(range(len(articles))), {}) == []


@pytest.mark.parametrize("how", ["reversed sentence", "overlapping sentences", "block past the text",
                                 "bad checksum", "bad id"])
def test_bulk_checks_and_record_validators_agree(articles: list[Article], how: str) -> None:
    batch = list(articles)
    batch[2] = _broken(batch[2], how)
    assert flagged_rows(encode(batch, article_features())) == [2]
    assert explain(batch, [2], {}) != []  # the per-record validators reject it too, with a reason


def test_records_and_their_dicts_encode_alike(articles: list[Article]) -> None:
    """Lists of NamedTuples go to pyarrow whole; JSON-ready dicts go column by column: the same table,
    also with an article that has no sentences and one whose sentence list is empty."""
    from korea_deterrence.corpus import as_record

    varied = [*articles, dataclasses.replace(articles[0], article_id="zz-none", sentences=()),
              dataclasses.replace(articles[1], article_id="zz-one", sentences=articles[1].sentences[:1])]
    features = article_features()
    whole = encode(varied, features)
    assert whole.equals(encode([as_record(a) for a in varied], features))
    assert whole.column("sentences").to_pylist()[-1] == [as_record(articles[1].sentences[0])]


class _Swapped(NamedTuple):  # a sentence's fields in another order than the schema's
    end: int
    start: int
    block: int


def test_records_with_fields_in_another_order_encode_by_name(articles: list[Article]) -> None:
    swapped = [dataclasses.replace(a, sentences=tuple(_Swapped(s.end, s.start, s.block) for s in a.sentences))
               for a in articles]
    features = article_features()
    assert encode(swapped, features).equals(encode(articles, features))
