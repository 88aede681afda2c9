"""The schemas are valid 2020-12 documents with versioned ids, and Features/Arrow derive from them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from datasets import ClassLabel, List
from jsonschema import Draft202012Validator

from korea_deterrence.corpus import as_record, iter_articles, open_sources
from korea_deterrence.loaders.validate_sources import span_violations
from korea_deterrence.schema import RecordValidator, arrow_schema, features_from_schema, load_schema
from korea_deterrence.schema.load import schemas_by_id

INVALID = Path(__file__).parent / "invalid"


def test_every_shipped_schema_is_valid_and_versioned() -> None:
    schemas = schemas_by_id()
    assert {"urn:korea-deterrence:schema:article:1.0.0", "urn:korea-deterrence:schema:source:1.0.0"} <= set(schemas)
    for schema_id, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema_id.rsplit(":", 1)[1].count(".") == 2


def test_features_follow_the_schema() -> None:
    schema = load_schema("article")
    features = features_from_schema(schema)
    assert list(features) == list(schema["properties"])
    kinds = features["blocks"].feature["kind"]
    assert isinstance(features["blocks"], List) and isinstance(kinds, ClassLabel)
    assert kinds.names == schema["properties"]["blocks"]["items"]["properties"]["kind"]["enum"]
    edit_kinds = schema["properties"]["edits"]["items"]["properties"]["kinds"]["items"]["enum"]
    assert features["edits"].feature["kinds"].feature.names == edit_kinds
    assert arrow_schema(schema) == features.arrow_schema
    assert b"huggingface" in arrow_schema(schema).metadata


def test_shipped_articles_are_valid_records(corpus_dir: Path) -> None:
    validator = RecordValidator("article", "article")
    articles = list(iter_articles(open_sources(corpus_dir, "corpus")))
    assert len(articles) == 5
    for article in articles:
        assert validator.violations(as_record(article), "x", 0) == []
        assert span_violations(article, "x") == []


@pytest.mark.parametrize("rule", ["article.unknown-field", "article.missing-field", "article.invalid-value"])
def test_invalid_article_record(rule: str) -> None:
    path = INVALID / f"{rule}.json"
    record = json.loads(path.read_text("utf-8"))
    found = RecordValidator("article", "article").violations(record, path.name, 0)
    assert {(v.file, v.rule) for v in found} == {(path.name, rule)}


def test_invalid_article_offsets(corpus_dir: Path) -> None:
    import dataclasses

    article = next(a for a in iter_articles(open_sources(corpus_dir, "corpus")))
    bad = dataclasses.replace(article, sentences=article.sentences[1:2] + article.sentences[0:1])
    assert [(v.pointer, v.rule) for v in span_violations(bad, "f")] == [("/sentences/1", "article.offsets")]
