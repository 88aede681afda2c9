"""One invalid annotation fixture per rule: exact (file, line, pointer, rule), ids in the message,
exit 1 and nothing written; non-blocking rules are reported by validate and leave the build alone."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from korea_deterrence.loaders.cli import main
from korea_deterrence.schema import RULES
from ls_results import VALID_SOURCES
from make_fixtures import FIXTURES, SPECS, generate, rule_of

ANNOTATION_RULES = sorted(r for r in RULES if r.startswith(("export.", "adjudication.", "annotators.", "clusters.")))
NON_BLOCKING = {"adjudication.unresolved", "adjudication.claimer"}
EXPORT, MANIFEST, ADJ, ANN = "exports/round-1.json", "exports/MANIFEST.jsonl", "adjudication.jsonl", "annotators.jsonl"
RESULT = "/0/annotations/0/result"
A1001 = "task 101 annotation 1001"

# fixture -> the exact (file relative to the fixture, line, pointer, rule) violations, and a message part
EXPECTED: dict[str, tuple[list[tuple[str, int, str, str]], str]] = {
    "export.format--json-min": ([(EXPORT, 0, "/0", "export.format")], "JSON_MIN"),
    "export.format--not-json": ([(EXPORT, 1, "", "export.format")], "not a JSON document"),
    "export.article": ([(EXPORT, 0, "/0/data/article_id", "export.article")], "task 101: unknown article_id 'fx-zzz'"),
    "export.text-changed--sha256": ([(EXPORT, 0, "/0/data/text_sha256", "export.text-changed")], "task 101:"),
    "export.text-changed--not-reanchorable": ([(EXPORT, 0, f"{RESULT}/0", "export.text-changed")],
                                              f"{A1001}: span [18, 20) changed"),
    "export.span-range": ([(EXPORT, 0, f"{RESULT}/0/value", "export.span-range")], f"{A1001}: span [18, 999)"),
    "export.span-text": ([(EXPORT, 0, f"{RESULT}/0/value/text", "export.span-text")],
                         f"{A1001}: text[19:23] is '.S. ', the export says 'U.S.'"),
    "export.label--unknown-label": ([(EXPORT, 0, f"{RESULT}/2", "export.label")], f"{A1001}: mention: labels ['politician']"),
    "export.label--unknown-choice": ([(EXPORT, 0, f"{RESULT}/18", "export.label")], f"{A1001}: claim_type: ['rumour']"),
    "export.region-choice": ([(EXPORT, 0, f"{RESULT}/35", "export.region-choice")], f"{A1001}: actor must belong"),
    "export.relation--dangling": ([(EXPORT, 0, f"{RESULT}/16", "export.relation")], f"{A1001}: relation 'c-help' -> 'ghost'"),
    "export.relation--wrong-kinds": ([(EXPORT, 0, f"{RESULT}/34", "export.relation")], f"{A1001}: claimed_by must go"),
    "export.incomplete--mention-actor": ([(EXPORT, 0, f"{RESULT}/2", "export.incomplete")],
                                         f"{A1001}: mention 'South Korea' is not linked to an actor"),
    "export.incomplete--claim-attribute": ([(EXPORT, 0, f"{RESULT}/17", "export.incomplete")],
                                           f"{A1001}: claim 'South Korea agreed' lacks ['checkworthiness']"),
    "export.incomplete--document-stance": ([(EXPORT, 0, RESULT, "export.incomplete")],
                                           f"{A1001}: no document stance toward 'us_commitment_credibility'"),
    "export.actor-type": ([(EXPORT, 0, f"{RESULT}/2", "export.actor-type")], f"{A1001}: mention labeled 'person'"),
    "export.unknown-annotator--user": ([(EXPORT, 0, "/0/annotations/0/completed_by", "export.unknown-annotator")],
                                       f"{A1001}: Label Studio user 99"),
    "export.unknown-annotator--pseudonym": ([(MANIFEST, 1, "/annotators/12", "export.unknown-annotator")], "'ann-zzz'"),
    "export.duplicate-annotation": ([(EXPORT, 0, "/0/annotations/1", "export.duplicate-annotation")],
                                    "task 101 annotation 1002: ann-a already annotated fx-a in task 101 annotation 1001"),
    "export.checksum": ([(EXPORT, 0, "", "export.checksum")], "expected size"),
    "export.missing": ([(MANIFEST, 2, "/file", "export.missing")], "'round-2.json' does not exist"),
    "export.unlisted": ([("exports/round-2.json", 0, "", "export.unlisted")], "not listed"),
    "export.unlisted--csv": ([("exports/round-2.csv", 0, "", "export.unlisted")], "round-2.csv is not listed"),
    "clusters.invalid-value": ([("clusters.jsonl", 1, "/topic", "clusters.invalid-value")], "weather"),
    "clusters.unknown-annotator": ([("clusters.jsonl", 1, "/made_by", "clusters.unknown-annotator")], "'adj-zzz'"),
    "clusters.duplicate-id": ([("clusters.jsonl", 2, "/cluster_id", "clusters.duplicate-id")], "already listed on line 1"),
    "clusters.unlisted": ([("clusters.jsonl", 0, "/c-other", "clusters.unused"),
                           ("clusters.jsonl", 0, "/c-us-help", "clusters.unlisted")], "gold claims carry cluster c-us-help"),
    "clusters.unused": ([("clusters.jsonl", 0, "/c-us-help", "clusters.unused")], "c-us-help has gold claims in 1 article(s)"),
    "annotators.package-data": ([("actors.jsonl", 0, "", "annotators.package-data")], "differs from the package's"),
    "export.manifest.invalid-value": ([(MANIFEST, 1, "/pulled_at", "export.manifest.invalid-value")], "2026-02-02"),
    "export.manifest.missing-field": ([(MANIFEST, 1, "", "export.manifest.missing-field")], "guideline_version"),
    "export.manifest.unknown-field": ([(MANIFEST, 1, "", "export.manifest.unknown-field")], "pulled_by"),
    "adjudication.orphan": ([(ADJ, 1, "/key", "adjudication.orphan")], "stance:fx-b:policy_shift"),
    "adjudication.duplicate-key": ([(ADJ, 2, "/key", "adjudication.duplicate-key")], "already decided for round 2 on line 1"),
    "adjudication.unknown-adjudicator": ([(ADJ, 1, "/adjudicator", "adjudication.unknown-adjudicator")], "'adj-zzz'"),
    "adjudication.invalid-value--keys": ([(ADJ, 1, "/value", "adjudication.invalid-value")], "exactly the keys ['label']"),
    "adjudication.invalid-value--label": ([(ADJ, 1, "/value", "adjudication.invalid-value")], "label of the accepted"),
    "adjudication.invalid-value--not-json": ([(ADJ, 1, "", "adjudication.invalid-value")], "expected one JSON object per line"),
    "adjudication.missing-field": ([(ADJ, 1, "", "adjudication.missing-field")], "'reason'"),
    "adjudication.unknown-field": ([(ADJ, 1, "", "adjudication.unknown-field")], "'confidence'"),
    "annotators.invalid-value": ([(ANN, 4, "/kind", "annotators.invalid-value")], "'robot'"),
    "annotators.missing-field": ([(ANN, 4, "", "annotators.missing-field")], "'description'"),
    "annotators.unknown-field": ([(ANN, 4, "", "annotators.unknown-field")], "'email'"),
    # non-blocking: reported by `kdc validate`, left out of the gold by `kdc build`
    "adjudication.unresolved": ([(ADJ, 0, "/stance:fx-a:policy_shift", "adjudication.unresolved")],
                                '(ann-a: {"label": "neutral"}; ann-b: {"label": "against"})'),
    "adjudication.claimer": ([(ADJ, 0, "/claim:fx-a:28-41", "adjudication.claimer"),
                              (ADJ, 0, "/mention:fx-a:18-22", "adjudication.unresolved")],
                             "claimer span 18-22 is not a gold mention"),
}
BLOCKING = sorted(f for f in EXPECTED if rule_of(f) not in NON_BLOCKING)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _located(stderr: str, fixture: str) -> tuple[list[tuple[str, int, str, str]], str]:
    """(file under the annotations root, line, pointer, rule) of each violation line, and all messages.

    Messages name the annotations directory as given (`--annotations`), not a fixed `annotations/`."""
    found, messages = [], []
    root = f"{FIXTURES / fixture}/"
    for line in stderr.splitlines():
        if not line.startswith(root):
            continue
        location, rest = line.split(": [", 1)
        file, number = location.rsplit(":", 1)
        rule, rest = rest.split("] ", 1)
        pointer, message = rest.split(": ", 1)
        found.append((file.removeprefix(root), int(number), "" if pointer == "/" else pointer, rule))
        messages.append(message)
    return sorted(found), "\n".join(messages)


def _run(command: str, fixture: str, out: Path | None = None) -> list[str]:
    args = [command, "--sources", str(VALID_SOURCES), "--annotations", str(FIXTURES / fixture)]
    return args + (["--out", str(out)] if out else [])


def test_every_annotation_rule_has_a_fixture_and_an_expectation() -> None:
    assert sorted({rule_of(f) for f in EXPECTED}) == ANNOTATION_RULES
    assert sorted(EXPECTED) == sorted(SPECS)
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(SPECS)


def test_fixtures_are_what_make_fixtures_generates(tmp_path: Path) -> None:
    generate(tmp_path)
    for name in SPECS:
        assert _tree(tmp_path / name) == _tree(FIXTURES / name), f"run: python tests/annotations/make_fixtures.py --update"


@pytest.mark.parametrize("fixture", BLOCKING)
def test_blocking_fixture_refused_by_build(fixture: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree(FIXTURES / fixture)
    assert main(_run("build", fixture, tmp_path / "out")) == 1
    found, messages = _located(capsys.readouterr().err, fixture)
    violations, part = EXPECTED[fixture]
    assert found == violations
    assert part in messages
    assert list(tmp_path.iterdir()) == []  # no output, no .incomplete left behind
    assert _tree(FIXTURES / fixture) == before


@pytest.mark.parametrize("fixture", sorted(f for f in EXPECTED if rule_of(f) in NON_BLOCKING))
def test_non_blocking_fixture_reported_by_validate_not_build(fixture: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_run("validate", fixture)) == 1
    found, messages = _located(capsys.readouterr().err, fixture)
    violations, part = EXPECTED[fixture]
    assert found == violations
    assert part in messages
    assert main(_run("build", fixture, tmp_path / "out")) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["annotation"]["unresolved_items"] == len(violations)
    assert f"{len(violations)} unresolved disagreement(s) left out of gold" in capsys.readouterr().out
    assert main([*_run("build", fixture, tmp_path / "strict"), "--strict"]) == 1  # --strict refuses them
    assert _located(capsys.readouterr().err, fixture)[0] == violations and not (tmp_path / "strict").exists()


def test_validate_reports_a_blocking_fixture_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_run("validate", "export.span-text")) == 1
    assert (EXPORT, 0, f"{RESULT}/0/value/text", "export.span-text") in _located(capsys.readouterr().err, "export.span-text")[0]


def test_fixture_exports_are_checksummed_in_their_manifest() -> None:
    for name in SPECS:
        entry = json.loads((FIXTURES / name / MANIFEST).read_text("utf-8").splitlines()[0])
        data = (FIXTURES / name / EXPORT).read_bytes()
        assert (hashlib.sha256(data).hexdigest() == entry.get("sha256")) == (name != "export.checksum"), name
