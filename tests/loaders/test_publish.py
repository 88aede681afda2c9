"""`kdc publish`: dry-run listing, refusals, and the upload path with HfApi replaced (no network)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from korea_deterrence.loaders import publish as publish_module
from korea_deterrence.loaders.cli import main
from korea_deterrence.loaders.release import file_sha256
from korea_deterrence.loaders.version import VERSION

TOKEN = "hf_secret_token_never_printed"


class FakeApi:
    """Records every call instead of reaching the hub."""

    calls: list[tuple[str, Any]] = []

    def __init__(self, token: str | None = None) -> None:
        FakeApi.calls.append(("init", token))

    def create_repo(self, repo_id: str, **kwargs: Any) -> None:
        FakeApi.calls.append(("create_repo", repo_id, kwargs))

    def upload_folder(self, **kwargs: Any) -> SimpleNamespace:
        FakeApi.calls.append(("upload_folder", kwargs))
        return SimpleNamespace(oid="c0ffee")

    def create_tag(self, repo_id: str, **kwargs: Any) -> None:
        FakeApi.calls.append(("create_tag", repo_id, kwargs))


class NoNetwork(FakeApi):
    def __init__(self, token: str | None = None) -> None:
        raise AssertionError("a dry run or a refused publish must not create a hub client")


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    FakeApi.calls = []


def test_dry_run_lists_exactly_the_files_with_size_and_sha256(text_free_release: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(publish_module, "HfApi", NoNetwork)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    args = ["publish", str(text_free_release), "--repo-id", "org/kd", "--revision", f"v{VERSION}", "--dry-run"]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    files = sorted(p for p in text_free_release.rglob("*") if p.is_file())
    expected = [f"{file_sha256(p)}  {p.stat().st_size:>10}  {p.relative_to(text_free_release).as_posix()}" for p in files]
    assert out[0] == f"would upload {len(files)} files to dataset org/kd and tag v{VERSION}:"
    assert out[1:-1] == expected
    assert out[-1] == f"total {sum(p.stat().st_size for p in files)} bytes"


def test_publish_uploads_then_tags_and_never_prints_the_token(text_free_release: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(publish_module, "HfApi", FakeApi)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert main(["publish", str(text_free_release), "--repo-id", "org/kd", "--revision", f"v{VERSION}"]) == 0
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err
    assert [c[0] for c in FakeApi.calls] == ["init", "create_repo", "upload_folder", "create_tag"]
    assert FakeApi.calls[0] == ("init", TOKEN)
    upload = FakeApi.calls[2][1]
    assert (upload["folder_path"], upload["repo_id"], upload["repo_type"]) == (str(text_free_release), "org/kd", "dataset")
    assert sorted(upload["allow_patterns"]) == sorted(p.relative_to(text_free_release).as_posix()
                                                      for p in text_free_release.rglob("*") if p.is_file())
    assert FakeApi.calls[3] == ("create_tag", "org/kd", {"tag": f"v{VERSION}", "revision": "c0ffee",
                                                         "repo_type": "dataset",
                                                         "tag_message": f"korea-deterrence v{VERSION}"})


def test_publish_refuses_a_wrong_revision_or_an_invalid_release(text_free_release: Path, tmp_path: Path, monkeypatch,
                                                                 capsys) -> None:
    monkeypatch.setattr(publish_module, "HfApi", NoNetwork)
    assert main(["publish", str(text_free_release), "--repo-id", "org/kd", "--revision", "v9.9.9"]) == 1
    assert "expected 'v" in capsys.readouterr().err
    bad = tmp_path / "bad"
    shutil.copytree(text_free_release, bad)
    (bad / "extra.txt").write_text("not in SHA256SUMS")
    assert main(["publish", str(bad), "--repo-id", "org/kd", "--revision", f"v{VERSION}", "--token", TOKEN]) == 1
    err = capsys.readouterr().err
    assert "[release.unlisted]" in err and "nothing was uploaded" in err and TOKEN not in err


def test_a_release_with_the_texts_is_published_only_where_every_article_permits_it(release: Path, tmp_path: Path,
                                                                                   monkeypatch, capsys) -> None:
    monkeypatch.setattr(publish_module, "HfApi", NoNetwork)
    args = ["publish", str(release), "--repo-id", "org/kd", "--revision", f"v{VERSION}", "--dry-run"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "this release holds the article texts: publish its text-free variant (kdc build --text-free)" in err
    assert main([*args, "--with-text"]) == 1
    err = capsys.readouterr().err
    assert "--with-text: 5 article(s) lack a `rights` fact that permits redistribution" in err
    assert "kd-000000 (rights: None)" in err and "kd-000004 (rights: None)" in err
    # a corpus whose every article carries a redistributable licence goes out with its texts
    sources = tmp_path / "sources"
    shutil.copytree(_shipped(), sources, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    lines = [json.loads(line) for line in (sources / "sources.jsonl").read_text("utf-8").splitlines()]
    for line in lines:
        line["rights"] = {"value": "CC-BY-4.0", "basis": "a test corpus: every article licensed CC BY 4.0 by its publisher"}
    (sources / "sources.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    out = tmp_path / "licensed"
    assert main(["build", "--sources", str(sources), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["publish", str(out), "--repo-id", "org/kd", "--revision", f"v{VERSION}", "--dry-run", "--with-text"]) == 0
    assert capsys.readouterr().out.startswith("would upload")


def _shipped() -> Path:
    from korea_deterrence.corpus import packaged_sources

    return packaged_sources()
