"""Unit tests of the annotation stage: labeling config, Krippendorff's alpha, span F1, Anchor, tasks."""

from __future__ import annotations

import json

import pytest
from label_studio_sdk.label_interface import LabelInterface

import ls_results as r
from korea_deterrence.annotations.agreement import krippendorff_alpha_nominal, span_f1
from korea_deterrence.annotations.anchor import Anchor
from korea_deterrence.annotations.codebook import load_codebook, load_registry, registry_text, registry_violations
from korea_deterrence.annotations.labelconfig import claim_stance_name, doc_stance_name, label_config
from korea_deterrence.annotations.tasks import tasks

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders, 12 units
# (None = missing); nominal alpha = 0.743.
RELIABILITY = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def units(coders: list[list[int | None]]) -> list[list[int]]:
    return [[c[u] for c in coders if c[u] is not None] for u in range(len(coders[0]))]


def test_label_config_parses_and_matches_the_codebook() -> None:
    codebook, actors = load_codebook(), load_registry()
    interface = LabelInterface(label_config(codebook, actors))
    controls = {c.name: c for c in interface.controls}
    current = [a for a in actors if a.superseded_by is None]
    expected = {"mention": codebook.mention_types, "claim": ("claim", "attribution"),
                "actor": tuple(a.actor_id for a in current), "claim_type": codebook.claim_types,
                "checkworthiness": codebook.checkworthiness, "topic": codebook.claim_topics,
                "source_document": tuple(a.actor_id for a in current if a.type == "document"), "unsure": ("unsure",),
                **{claim_stance_name(t): codebook.stance_labels for t in codebook.stance_targets},
                **{doc_stance_name(t): codebook.stance_labels for t in codebook.stance_targets}}
    assert "us_national_defense_strategy_2026" not in expected["actor"]  # superseded in 2.0.0: not offered
    assert set(controls) == set(expected) | {"cluster", "unsure_note"}
    for name, labels in expected.items():
        assert list(controls[name].labels) == list(labels), name


def test_shipped_registry_has_no_violations() -> None:
    assert registry_violations() == []


def _registry(*edits: dict) -> str:
    first, second = (json.loads(line) for line in registry_text().splitlines()[:2])
    return "".join(json.dumps({**record, **edit}) + "\n" for record, edit in zip((first, second), edits))


@pytest.mark.parametrize(("text", "found"), [
    (lambda: _registry({}, {"actor_id": "aaa"}), [(2, "/actor_id", "registry.order")]),
    (lambda: _registry({}, {"aliases": ["Biden administration"], "unattested_aliases": []}), [(2, "/aliases", "registry.alias")]),
    (lambda: _registry({}, {"type": "planet"}), [(2, "/type", "registry.invalid-value")]),
    (lambda: _registry({}, {"colour": "red"}), [(2, "", "registry.unknown-field")]),
    (lambda: _registry({}, {"unattested_aliases": ["Beijing"]}), [(2, "/unattested_aliases", "registry.unattested")]),
    (lambda: _registry({}, {"superseded_by": "nobody", "superseded_in": "2.0.0", "aliases": [], "unattested_aliases": []}),
     [(2, "/superseded_by", "registry.superseded")]),
    (lambda: _registry({}, {"superseded_by": "biden_administration", "superseded_in": "2.0.0", "unattested_aliases": []}),
     [(2, "/superseded_by", "registry.superseded")]),  # keeps its aliases
    (lambda: "\n".join(registry_text().splitlines()[:1]) + "\n{\n", [(2, "", "registry.invalid-value")]),
])
def test_each_registry_rule(text, found) -> None:
    assert [(v.line, v.pointer, v.rule) for v in registry_violations(text())] == found


def test_validate_and_build_check_the_registry(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys) -> None:
    """The registry rules run where the registry is used (0.1.0 ran them only in a unit test)."""
    from korea_deterrence.annotations import codebook
    from korea_deterrence.loaders.cli import main

    monkeypatch.setattr(codebook, "registry_text", lambda: _registry({}, {"actor_id": "aaa"}))
    assert main(["validate"]) == 1
    assert main(["build", "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.count("[registry.order]") == 2 and not (tmp_path / "out").exists()


def test_alpha_matches_krippendorffs_published_example() -> None:
    assert krippendorff_alpha_nominal(units(RELIABILITY)) == pytest.approx(0.743, abs=5e-4)


def test_alpha_undefined_without_pairable_or_varied_values() -> None:
    assert krippendorff_alpha_nominal([[1], [2]]) is None
    assert krippendorff_alpha_nominal([[1, 1], [1, 1]]) is None
    assert krippendorff_alpha_nominal([[1, 1], [2, 2]]) == 1.0


def test_span_f1_exact_and_overlap() -> None:
    a = {("x", 0, 5), ("x", 10, 20), ("y", 0, 4)}
    b = {("x", 0, 5), ("x", 12, 18), ("x", 30, 40)}
    assert span_f1(a, b, overlap=False) == pytest.approx(2 * 1 / 6)
    # overlap: b hits 2 of 3 (precision 2/3), a is hit 2 of 3 (recall 2/3; ("y", 0, 4) is another article)
    assert span_f1(a, b, overlap=True) == pytest.approx(2 / 3)
    assert span_f1(a, a, overlap=False) == 1.0
    assert span_f1(set(), set(), overlap=False) is None
    assert span_f1(a, set(), overlap=True) == 0.0
    assert span_f1({("x", 0, 5)}, {("x", 5, 9)}, overlap=True) == 0.0  # touching is not overlapping


def test_anchor_maps_unchanged_spans_and_refuses_changed_ones() -> None:
    old = "Title\nThe US said it would help. Seoul agreed."
    new = "Title\nInserted first. The U.S. said it would help. Seoul agreed!"
    anchor = Anchor(old, new)
    for part in ("Title", "said it would help", "Seoul agreed"):
        mapped = anchor.span(old.index(part), old.index(part) + len(part))
        assert mapped is not None and new[mapped[0]:mapped[1]] == part
    assert anchor.span(old.index("US"), old.index("US") + 2) is None  # changed characters
    assert anchor.span(old.index("agreed."), len(old)) is None  # the final "." became "!"
    assert anchor.span(0, len(old)) is None  # a span across an insertion
    assert Anchor(old, old).span(3, 9) == (3, 9)


def test_tasks_are_deterministic_and_predictions_verify() -> None:
    articles = list(r.articles().values())
    first = json.dumps(tasks(articles, load_registry()), sort_keys=True).encode()
    assert first == json.dumps(tasks(list(reversed(articles)), load_registry()), sort_keys=True).encode()
    made = json.loads(first)
    assert [t["data"]["article_id"] for t in made] == ["fx-a", "fx-b"]
    for t in made:
        text = t["data"]["text"]
        assert t["data"]["text_sha256"] == r.sha256(text)
        for result in t["predictions"][0]["result"]:
            value = result["value"]
            assert text[value["start"]:value["end"]] == value["text"]
    fx_a = made[0]["predictions"][0]["result"]
    assert {(x["value"]["text"], x["from_name"]) for x in fx_a} == {
        ("U.S.", "mention"), ("U.S.", "actor"), ("South Korea", "mention"), ("South Korea", "actor")}
