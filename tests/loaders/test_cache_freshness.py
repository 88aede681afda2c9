"""A rebuild with changed annotations is what `load_dataset` returns next, with the same cache dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import datasets

from korea_deterrence.annotations.stage import packaged_annotations
from korea_deterrence.loaders.cli import main

KEY = "stance:kd-000000:policy_shift"  # a decision of round 2, whose labels are gold


def _stance(out: Path, cache: Path) -> list[tuple[str, int, int]]:
    ds = datasets.load_dataset(str(out), "stance", split="train", cache_dir=str(cache))
    return [(r["article_id"], r["target"], r["label"]) for r in ds]


def test_changed_annotations_are_loaded_without_clearing_the_cache(tmp_path: Path) -> None:
    annotations = tmp_path / "annotations"
    shutil.copytree(packaged_annotations(), annotations, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    out, cache = tmp_path / "release", tmp_path / "cache"
    assert main(["build", "--annotations", str(annotations), "--out", str(out)]) == 0
    before = _stance(out, cache)
    names = datasets.load_dataset(str(out), "stance", split="train", cache_dir=str(cache)).features["label"].names
    decisions = annotations / "adjudication.jsonl"
    lines = decisions.read_text("utf-8").splitlines()
    changed = [line.replace('"value": {"label": "favor"}', '"value": {"label": "neutral"}') if KEY in line else line
               for line in lines]
    assert changed != lines
    decisions.write_text("\n".join(changed) + "\n", encoding="utf-8")
    assert main(["build", "--annotations", str(annotations), "--out", str(out)]) == 0
    after = _stance(out, cache)
    row = ("kd-000000", 0, names.index("favor"))
    assert row in before and row not in after
    assert ("kd-000000", 0, names.index("neutral")) in after
