"""Vectorized checks of an encoded articles table (Arrow compute, no per-row Python); the per-record
validators then explain the rows they flag."""

from __future__ import annotations

from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from korea_deterrence.corpus import Article, as_record
from korea_deterrence.loaders.validate_sources import span_violations
from korea_deterrence.schema import RecordValidator, Violation
from korea_deterrence.schema.load import bundled


@cache
def _pattern(field: str) -> str:
    """The `pattern` of `field` in article.schema.json, `$ref`s followed: each rule is written there only."""
    return bundled("article")["properties"][field]["pattern"]


def flagged_rows(table: pa.Table) -> list[int]:
    """Indices of rows whose ids, checksums or block/sentence offsets are malformed or out of range."""
    bad = pc.or_(pc.invert(pc.match_substring_regex(table["article_id"], _pattern("article_id"))),
                 pc.invert(pc.match_substring_regex(table["text_sha256"], _pattern("text_sha256"))))
    bad = pc.or_(bad, pc.equal(pc.utf8_length(table["text"]), 0))
    lengths = pc.utf8_length(table["text"])
    for column in ("blocks", "sentences"):
        bad = pc.or_(bad, _bad_spans(table[column], lengths, table.num_rows))
    return pc.indices_nonzero(bad.combine_chunks() if isinstance(bad, pa.ChunkedArray) else bad).to_pylist()


def _bad_spans(spans: pa.ChunkedArray, lengths: pa.Array, rows: int) -> pa.Array:
    """Per row: any span with start >= end, end beyond the text, or starting before the previous end."""
    spans = spans.combine_chunks()
    parents = pc.list_parent_indices(spans)
    flat = pc.list_flatten(spans)
    starts, ends = flat.field("start"), flat.field("end")
    wrong = pc.or_(pc.greater_equal(starts, ends), pc.greater(ends, pc.take(lengths, parents)))
    wrong = pc.or_(wrong, pc.less(starts, 0))
    if len(flat) > 1:
        same_row = pc.equal(parents[1:], parents[:-1])
        overlap = pc.and_(same_row, pc.less(starts[1:], ends[:-1]))
        wrong = pc.or_(wrong, pa.concat_arrays([pa.array([False]), overlap]))
    flagged = pc.unique(pc.filter(parents, wrong)).to_pylist()
    mask = [False] * rows
    for row in flagged:
        mask[row] = True
    return pa.array(mask)


def explain(articles: list[Article], rows: list[int], label_of: dict[str, str]) -> list[Violation]:
    """The schema and offset violations of the flagged articles, from the per-record validators."""
    validator = RecordValidator("article", "article")
    found: list[Violation] = []
    for row in rows:
        article = articles[row]
        label = label_of.get(article.article_id, article.article_id)
        found += validator.violations(as_record(article), label, 0) + span_violations(article, label)
    return found
