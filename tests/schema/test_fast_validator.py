"""The compiled (fast) validator and jsonschema agree on every record of every fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from korea_deterrence.schema.validate import _compiled, explainer

TESTS = Path(__file__).parent.parent


def _records() -> list[tuple[str, str, object]]:
    """(schema, where, record) for every JSON record line of the fixtures and shipped data."""
    found: list[tuple[str, str, object]] = []
    sources = [("source", p) for p in TESTS.glob("corpus/fixtures/*/sources.jsonl")]
    sources += [("export", p) for p in TESTS.glob("annotations/fixtures/*/exports/MANIFEST.jsonl")]
    sources += [("decision", p) for p in TESTS.glob("annotations/fixtures/*/adjudication.jsonl")]
    sources += [("annotator", p) for p in TESTS.glob("annotations/fixtures/*/annotators.jsonl")]
    for schema, path in sources:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            try:
                found.append((schema, f"{path.relative_to(TESTS)}:{number}", json.loads(line)))
            except json.JSONDecodeError:
                continue
    found += [("article", p.name, json.loads(p.read_text("utf-8"))) for p in TESTS.glob("schema/invalid/*.json")]
    return found


RECORDS = _records()


def test_fixtures_include_valid_and_invalid_records() -> None:
    verdicts = {_slow_valid(schema, record) for schema, _, record in RECORDS}
    assert verdicts == {True, False} and len(RECORDS) > 40


def _slow_valid(schema: str, record: object) -> bool:
    return not any(explainer(schema).iter_errors(record))


def _fast_valid(schema: str, record: object) -> bool:
    import fastjsonschema

    try:
        _compiled(schema)(record)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


@pytest.mark.parametrize(("schema", "where", "record"), RECORDS, ids=[w for _, w, _ in RECORDS])
def test_both_validators_agree(schema: str, where: str, record: object) -> None:
    assert _fast_valid(schema, record) == _slow_valid(schema, record), where
