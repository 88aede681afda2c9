"""CITATION.cff (CFF 1.2.0, type dataset), the card's BibTeX, and DATASHEET.md shipped in the wheel."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from jsonschema import Draft7Validator

from korea_deterrence.loaders.card import data_checksum
from korea_deterrence.loaders.citation import bibtex, citation_cff
from korea_deterrence.loaders.version import RELEASE_DATE, VERSION

ROOT = Path(__file__).parent.parent.parent
CFF_SCHEMA = Path(__file__).parent / "fixtures" / "cff-1.2.0.schema.json"


def test_top_level_citation_equals_the_generated_one(release: Path) -> None:
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    generated = citation_cff(checksum=data_checksum(manifest))
    assert (release / "CITATION.cff").read_text("utf-8") == generated
    assert f"sha256:{data_checksum(manifest)}" in generated
    assert (ROOT / "CITATION.cff").read_text("utf-8") == generated, "copy the release's CITATION.cff to the top level"


def test_zenodo_metadata_is_shipped_and_claims_no_open_licence(release: Path) -> None:
    built = (release / ".zenodo.json").read_text("utf-8")
    assert (ROOT / ".zenodo.json").read_text("utf-8") == built, "copy the release's .zenodo.json to the top level"
    meta = json.loads(built)
    assert (meta["upload_type"], meta["version"], meta["access_right"]) == ("dataset", VERSION, "closed")
    assert "license" not in meta


def test_cffconvert_turns_the_citation_into_bibtex(release: Path, tmp_path: Path) -> None:
    """cffconvert 2.0.0 (the only release), in its own virtual environment, validates CITATION.cff and writes
    BibTeX with its author, title and date. It always writes the key `YourReferenceHere` and drops the
    version, whatever the file says: the card's BibTeX (tested above) is the one with a real key and version."""
    venv = tmp_path / "cffconvert"
    _run([sys.executable, "-m", "venv", str(venv)])
    _run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "cffconvert==2.0.0"])
    _run([str(venv / "bin" / "cffconvert"), "--validate", "-i", str(release / "CITATION.cff")])
    out = _run([str(venv / "bin" / "cffconvert"), "-f", "bibtex", "-i", str(release / "CITATION.cff")])
    year, month, _ = RELEASE_DATE.split("-")
    assert out.startswith("@misc{YourReferenceHere,") and "author = {korea-deterrence project}" in out
    assert "title = {Korea deterrence news corpus" in out and f"year = {{{year}}}" in out


def test_citation_is_valid_cff_1_2_0_of_a_dataset() -> None:
    cff = yaml.safe_load(citation_cff(checksum="0" * 64))
    errors = sorted(e.message for e in Draft7Validator(json.loads(CFF_SCHEMA.read_text("utf-8"))).iter_errors(cff))
    assert errors == []
    assert (cff["cff-version"], cff["type"], cff["version"]) == ("1.2.0", "dataset", VERSION)
    assert cff["date-released"] == RELEASE_DATE
    assert cff["authors"] == [{"name": "korea-deterrence project"}]


def test_card_carries_the_bibtex_entry(release: Path) -> None:
    card = (release / "README.md").read_text("utf-8")
    assert f"```bibtex\n{bibtex()}```" in card
    assert "HUB_ID" not in card and "path/to" not in card  # no placeholder a reader would paste


def test_datasheet_copy_in_the_package_equals_the_top_level_one(release: Path) -> None:
    top = (ROOT / "DATASHEET.md").read_text("utf-8")
    assert (ROOT / "loaders" / "DATASHEET.md").read_text("utf-8") == top, "cp DATASHEET.md loaders/DATASHEET.md"
    assert (release / "DATASHEET.md").read_text("utf-8") == top


def test_wheel_installed_kdc_build_writes_datasheet_and_citation(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    keep = ["pyproject.toml", "README.md", "LICENSE", "corpus", "schema", "annotations", "loaders"]
    for name in keep:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, src / name)
    _run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--skip-dependency-check",
          "--outdir", str(tmp_path / "dist"), str(src)])
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    site = next((venv / "lib").glob("python*/site-packages"))
    deps = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "datasets").is_dir())
    (site / "deps.pth").write_text(f"{deps}\n")  # dependencies only: a plain path, so its .pth files stay unread
    wheel = next((tmp_path / "dist").glob("*.whl"))
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
          "--no-index", str(wheel)])
    out = tmp_path / "release"
    _run([str(venv / "bin" / "kdc"), "build", "--out", str(out)], cwd=tmp_path)
    where = _run([str(venv / "bin" / "python"), "-c", "import korea_deterrence.loaders as l; print(l.__file__)"])
    assert str(site) in where
    assert (out / "DATASHEET.md").read_text("utf-8") == (ROOT / "DATASHEET.md").read_text("utf-8")
    assert (out / "CITATION.cff").read_text("utf-8") == (ROOT / "CITATION.cff").read_text("utf-8")


def _run(cmd: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
