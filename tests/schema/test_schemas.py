"""The schemas are valid 2020-12 documents with versioned ids, and Features/Arrow derive from them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import datasets
from jsonschema import Draft202012Validator

from korea_deterrence.corpus import as_record, iter_articles, open_sources
from korea_deterrence.loaders.validate_sources import span_violations
from korea_deterrence.schema import RecordValidator, arrow_schema, features_from_schema, load_schema
from korea_deterrence.schema.features import ClassLabel, Feature, Features, List, Value
from korea_deterrence.schema.load import schemas_by_id

INVALID = Path(__file__).parent / "invalid"


def test_every_shipped_schema_is_valid_and_versioned() -> None:
    schemas = schemas_by_id()
    assert {"urn:korea-deterrence:schema:article:1.1.0", "urn:korea-deterrence:schema:source:1.1.0"} <= set(schemas)
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


def _as_datasets(feature: Feature) -> object:
    """The same feature built with `datasets`' own types."""
    if isinstance(feature, Value):
        return datasets.Value(feature.dtype)
    if isinstance(feature, ClassLabel):
        return datasets.ClassLabel(names=list(feature.names))
    if isinstance(feature, List):
        return datasets.List(_as_datasets(feature.feature))
    return {name: _as_datasets(sub) for name, sub in feature.items()}


@pytest.mark.parametrize("name", ["article", "actor", "mention", "claim", "stance", "raw_label", "source", "annotator"])
def test_features_serialize_exactly_as_datasets_does(name: str) -> None:
    """The release is written without importing `datasets`; what it writes must be what `datasets` would."""
    ours = features_from_schema(load_schema(name))
    theirs = datasets.Features(_as_datasets(dict(ours)))
    assert ours.arrow_schema.equals(theirs.arrow_schema, check_metadata=True)
    assert ours.arrow_schema.metadata == theirs.arrow_schema.metadata
    assert ours.to_dict() == theirs.to_dict()
    assert ours.to_yaml_list() == theirs._to_yaml_list()
    assert datasets.Features._from_yaml_list(ours.to_yaml_list()) == theirs


def test_nested_lists_serialize_exactly_as_datasets_does() -> None:
    ours = Features({"a": List(List(Value("int64"))), "b": List(ClassLabel(["x", "y"])),
                     "c": {"d": List({"e": Value("bool")})}})
    theirs = datasets.Features(_as_datasets(dict(ours)))
    assert ours.arrow_schema.equals(theirs.arrow_schema, check_metadata=True)
    assert ours.to_yaml_list() == theirs._to_yaml_list()


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
