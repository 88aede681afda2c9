"""Steps the Label Studio server tests share: the environment, registering pseudonyms, pulling, building."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pyarrow.parquet as pq

import pytest

import ls_results as r
from korea_deterrence.loaders.cli import main

def use_server(monkeypatch: pytest.MonkeyPatch, server) -> None:
    """`kdc studio` finds the server and the token in the environment, as the guide says."""
    monkeypatch.setenv("LABEL_STUDIO_URL", server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.api_key)


def register(root: Path, *pseudonyms: str) -> None:
    for name in pseudonyms:
        assert main(["studio", "annotator", "add", name, "--kind", "rule_based", "--annotations", str(root),
                     "--description", "integration test user of a throw-away Label Studio server"]) == 0


def build(root: Path, out: Path, sources: Path = r.VALID_SOURCES) -> Path:
    assert main(["build", "--sources", str(sources), "--annotations", str(root), "--out", str(out)]) == 0
    return out


def sums(release: Path) -> str:
    return hashlib.sha256((release / "SHA256SUMS").read_bytes()).hexdigest()


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def readable_text(path: Path) -> str:
    """What a file says: a Parquet file's rows as JSON, any other file's bytes as text."""
    if path.suffix == ".parquet":
        return json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False, default=str)
    return path.read_bytes().decode("utf-8", errors="replace")


def personal(paths: list[Path], secrets: list[str]) -> list[tuple[Path, str]]:
    """(file, what) for each e-mail address or secret (token, user name) that a file holds."""
    found = []
    for path in paths:
        text = readable_text(path)
        found += [(path, m.group()) for m in EMAIL.finditer(text)]
        found += [(path, "a secret") for s in secrets if s in text or s.encode() in path.read_bytes()]
    return found


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots for p in sorted(root.rglob("*")) if p.is_file()]
