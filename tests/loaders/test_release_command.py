"""`kdc release X.Y.Z`, the release procedure, run as a maintainer runs it: in a git checkout (a copy
of this one), through the `kdc` entry point in a new process that imports the copy's code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("corpus", "schema", "annotations", "loaders")
IDENTITY = {"GIT_AUTHOR_NAME": "kdc test", "GIT_AUTHOR_EMAIL": "test@invalid", "GIT_COMMITTER_NAME": "kdc test",
            "GIT_COMMITTER_EMAIL": "test@invalid"}


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    """A git checkout of this repository's files (committed, clean) whose package the `kdc` below runs."""
    repo = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    package = tmp_path / "src" / "korea_deterrence"
    package.mkdir(parents=True)
    for name in PACKAGES:
        (package / name).symlink_to(repo / name)
    _git(repo, "init", "--quiet")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "-m", "before the release")
    return repo


def kdc(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **IDENTITY, "PYTHONPATH": str(repo.parent / "src")}
    return subprocess.run([sys.executable, "-m", "korea_deterrence.loaders.cli", *args], cwd=repo.parent,
                          capture_output=True, text=True, env=env)


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, **IDENTITY}
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=env).stdout


def test_release_sets_the_version_dates_the_notes_builds_commits_and_tags(checkout: Path) -> None:
    changelog = (checkout / "CHANGELOG.md").read_text()
    notes = changelog.split("## Unreleased", 1)[1].split("\n## ", 1)[0].strip()
    out = checkout.parent / "release"
    done = kdc(checkout, "release", "0.2.0", "--date", "2026-12-06", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "tagged v0.2.0" in done.stdout
    version = (checkout / "loaders" / "version.py").read_text()
    assert 'VERSION = "0.2.0"' in version and 'RELEASE_DATE = "2026-12-06"' in version
    after = (checkout / "CHANGELOG.md").read_text()
    assert f"## Unreleased\n\n## 0.2.0 (2026-12-06)\n\n{notes}\n" in after
    assert after.count(notes) == 1
    assert _git(checkout, "rev-parse", "v0.2.0^{commit}") == _git(checkout, "rev-parse", "HEAD")
    assert _git(checkout, "status", "--porcelain") == ""
    citation = (checkout / "CITATION.cff").read_text()
    assert citation == (out / "CITATION.cff").read_text() and "version: 0.2.0" in citation
    assert "date-released: '2026-12-06'" in citation or "date-released: 2026-12-06" in citation
    assert (checkout / ".zenodo.json").read_bytes() == (out / ".zenodo.json").read_bytes()
    assert "0.2.0" in (out / "README.md").read_text()
    # nothing is left to release: the notes moved, the version is taken
    again = kdc(checkout, "release", "0.2.0", "--out", str(out))
    assert again.returncode == 1 and "kdc release: version 0.2.0 is not above the current version 0.2.0" in again.stderr
    empty = kdc(checkout, "release", "0.3.0", "--out", str(out))
    assert empty.returncode == 1 and "CHANGELOG.md has no notes under '## Unreleased'" in empty.stderr


def test_release_refuses_a_checkout_with_uncommitted_changes_and_changes_nothing(checkout: Path) -> None:
    (checkout / "README.md").write_text((checkout / "README.md").read_text() + "\nedited\n")
    before = {name: (checkout / name).read_bytes() for name in ("loaders/version.py", "CHANGELOG.md", "CITATION.cff")}
    done = kdc(checkout, "release", "0.2.0", "--out", str(checkout.parent / "release"))
    assert done.returncode == 1
    assert "kdc release: the checkout has uncommitted changes; commit or stash them first" in done.stderr
    assert "README.md" in done.stderr
    assert {name: (checkout / name).read_bytes() for name in before} == before
    assert _git(checkout, "tag", "--list") == "" and not (checkout.parent / "release").exists()


@pytest.mark.parametrize(("version", "words"), [("1.0", "version '1.0' is not MAJOR.MINOR.PATCH"),
                                                ("0.0.9", "version 0.0.9 is not above the current version 0.1.0")])
def test_release_refuses_a_version_that_is_not_next(checkout: Path, version: str, words: str) -> None:
    done = kdc(checkout, "release", version, "--out", str(checkout.parent / "release"))
    assert done.returncode == 1 and f"kdc release: {words}" in done.stderr
    assert _git(checkout, "status", "--porcelain") == ""


def test_a_failed_build_releases_nothing(checkout: Path) -> None:
    raw = sorted((checkout / "corpus" / "raw").glob("*.txt"))[0]
    raw.write_bytes(raw.read_bytes() + b"tampered")
    _git(checkout, "commit", "--quiet", "-am", "a raw file that no longer matches its sha256")
    head = _git(checkout, "rev-parse", "HEAD")
    done = kdc(checkout, "release", "0.2.0", "--out", str(checkout.parent / "release"))
    assert done.returncode == 1 and "kdc build failed, so nothing was released" in done.stderr
    assert "raw.sha256-mismatch" in done.stderr or "sha256" in done.stderr
    assert _git(checkout, "status", "--porcelain") == "" and _git(checkout, "rev-parse", "HEAD") == head
    assert _git(checkout, "tag", "--list") == ""
