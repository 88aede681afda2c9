"""Shared fixtures: paths of the shipped corpus and the test fixtures, and an offline HF cache."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# before anything imports `datasets` or `huggingface_hub`, which read these once at import time
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_DATASETS_CACHE"] = tempfile.mkdtemp(prefix="kdc-hf-cache-")
atexit.register(shutil.rmtree, os.environ["HF_DATASETS_CACHE"], True)

import datasets  # noqa: E402
import pytest  # noqa: E402

from korea_deterrence.corpus import packaged_sources  # noqa: E402

TESTS = Path(__file__).parent
CORPUS_FIXTURES = TESTS / "corpus" / "fixtures"


@pytest.fixture(autouse=True)
def _offline_hub(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test may reach a hub, and every test gets a fresh datasets cache."""
    cache = str(tmp_path_factory.mktemp("hf-cache"))
    monkeypatch.setenv("HF_DATASETS_CACHE", cache)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache)


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


@pytest.fixture(scope="session")
def text_free_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The text-free variant of the shipped corpus's release (`kdc build --text-free`)."""
    from korea_deterrence.loaders.cli import main

    out = tmp_path_factory.mktemp("text-free") / "korea-deterrence-text-free"
    assert main(["build", "--text-free", "--out", str(out)]) == 0
    return out
