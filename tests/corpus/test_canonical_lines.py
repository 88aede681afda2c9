"""The manifest's regular-expression fast path never accepts a line that the JSON Schema rejects,
extracts the same fields as json.loads, and takes every line of the shipped manifest."""

from __future__ import annotations

import json
from typing import Iterator

from hypothesis import given, settings, strategies as st
from jsonschema import Draft202012Validator

from korea_deterrence.corpus import manifest, packaged_sources
from korea_deterrence.schema import load_schema

SCHEMA = load_schema("source")
VALIDATOR = Draft202012Validator(SCHEMA)
FACTS = ("outlet", "url", "published", "retrieved", "byline", "rights")

# near the edges of every constraint: empty, short, escapes, controls, non-ASCII, wrong types
ARABIC_INDIC_DATE = "٢٠٢٦-01-24"
EDGES = ["", "a", "kd-000001", "Kd-1", "kd--1", "kd-", "kd-1-a", "a" * 64, "a" * 65, "x.txt", ".txt", "_a.txt", "-a.txt", "A-b_c..txt", "a b.txt", "2026-01-24",
         "2026-1-24", "٢٠٢٦-01-24", "https://x", "http://", "ftp://x", "0" * 64, "A" * 64, "0" * 63, "0" * 63 + "F", "0" * 65, "basis text",
         "too short", 'quote " inside', "tab\tin", "é" * 10, "😀" * 9, "😀" * 10, "é😀" * 4 + "é", "é😀" * 5, "\ud800" * 10, "line\nbreak", "back\\slash ok?", None, 0, -1, 1.5]
STRINGS = st.one_of(st.sampled_from(EDGES), st.text(max_size=12))
VALUES = st.one_of(STRINGS, st.none(), st.integers(-2, 10**12), st.booleans(), st.floats(allow_nan=False))


def _fact() -> st.SearchStrategy:
    return st.fixed_dictionaries({"value": VALUES, "basis": VALUES})


BASE = json.loads((packaged_sources() / "sources.jsonl").read_text("utf-8").splitlines()[0])
FIELDS = {"article_id": VALUES, "raw_file": VALUES, "sha256": VALUES, "size": VALUES,
          **{name: st.one_of(_fact(), VALUES) for name in FACTS}}
# a valid entry with up to two fields replaced: about half stay valid, the rest break one constraint
RECORDS = st.lists(st.sampled_from(sorted(FIELDS)), max_size=2).flatmap(
    lambda names: st.fixed_dictionaries({n: FIELDS[n] for n in names}).map(lambda changed: {**BASE, **changed}))


@settings(max_examples=1500, deadline=None)
@given(RECORDS, st.booleans())
def test_fast_path_accepts_only_schema_valid_lines(record: dict, ascii_only: bool) -> None:
    line = json.dumps(record, ensure_ascii=ascii_only)
    checked = manifest._canonical(7, line)
    if checked is not None:
        assert VALIDATOR.is_valid(json.loads(line))
        assert checked.key == (record["article_id"], record["raw_file"], record["sha256"])
        assert checked.raw_file == record["raw_file"] and checked.readable and not checked.violations


def test_schema_valid_canonical_lines_take_the_fast_path() -> None:
    lines = (packaged_sources() / "sources.jsonl").read_text("utf-8").splitlines()
    assert lines and all(manifest._canonical(n, line) for n, line in enumerate(lines, start=1))
    record = json.loads(lines[0])
    record["url"] = {"value": "https://example.org/a", "basis": "a basis of ten"}
    record["published"] = {"value": "2026-01-24", "basis": "a basis of ten"}
    assert manifest._canonical(1, json.dumps(record, ensure_ascii=False)) is not None


def test_fast_path_was_written_for_this_schema() -> None:
    assert SCHEMA["$id"] == manifest.CANONICAL_FOR


def edge_records() -> Iterator[dict]:
    """Each edge value put in each field, as the field or as a fact's value or basis."""
    basis = BASE["url"]["basis"]
    for name in FIELDS:
        for value in EDGES:
            yield from ({**BASE, name: value}, {**BASE, name: {"value": value, "basis": basis}},
                        {**BASE, name: {"value": None, "basis": value}})


def test_edge_values_exercise_both_paths() -> None:
    """The fast path takes exactly the edge records the schema accepts."""
    for record in edge_records():
        # the schema's `\d` takes any Unicode digit (Python's re); the fast path only ASCII ones
        fast = VALIDATOR.is_valid(record) and ARABIC_INDIC_DATE not in (
            record["published"]["value"], record["retrieved"]["value"])
        for ascii_only in (False, True):
            line = json.dumps(record, ensure_ascii=ascii_only)
            assert (manifest._canonical(1, line) is not None) == fast, line
