"""Shared fixtures: paths of the shipped corpus and the test fixtures, and an offline HF cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from korea_deterrence.corpus import packaged_sources

TESTS = Path(__file__).parent
CORPUS_FIXTURES = TESTS / "corpus" / "fixtures"


@pytest.fixture(autouse=True)
def _offline_hub(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test may reach a hub, and every test gets a fresh datasets cache."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path_factory.mktemp("hf-cache")))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return packaged_sources()


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One release built from the shipped corpus, shared by the read-only tests."""
    from korea_deterrence.loaders.cli import main

    out = tmp_path_factory.mktemp("release") / "korea-deterrence"
    assert main(["build", "--out", str(out)]) == 0
    return out
