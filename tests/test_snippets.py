"""Every Python snippet a person copies runs as pasted: the README's, the dataset card's and the line
`kdc build` prints, each in a fresh interpreter, from a working directory other than the checkout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from korea_deterrence.loaders.cli import main

ROOT = Path(__file__).parent.parent


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def run(code: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_DATASETS_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A working directory where `kdc build` ran (default --out), and the last line it printed."""
    work = tmp_path_factory.mktemp("work")
    cwd = Path.cwd()
    os.chdir(work)
    try:
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["build"]) == 0
    finally:
        os.chdir(cwd)
    return work, out.getvalue().splitlines()[-1]


@pytest.mark.parametrize("index", range(len(python_blocks((ROOT / "README.md").read_text("utf-8")))))
def test_readme_snippet_runs_as_pasted(index: int, built: tuple[Path, str], tmp_path: Path) -> None:
    code = python_blocks((ROOT / "README.md").read_text("utf-8"))[index]
    done = run(code, built[0], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]


def test_card_snippet_runs_as_pasted_from_the_release(built: tuple[Path, str], tmp_path: Path) -> None:
    release = built[0] / "dist" / "korea-deterrence"
    [code] = python_blocks((release / "README.md").read_text("utf-8"))
    done = run(code, release.parent, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    claims = sum(pq.ParquetFile(f).metadata.num_rows for f in (release / "data" / "claims").glob("*.parquet"))
    assert done.stdout.split() == ["kd-000000", str(claims)] and claims > 100


def test_the_line_build_prints_runs_anywhere(built: tuple[Path, str], tmp_path: Path) -> None:
    line = built[1]
    assert line.startswith("from datasets import load_dataset; articles = load_dataset(\"/")
    assert 'split="train"' in line
    done = run(line + "\nprint(len(articles))", tmp_path, tmp_path / "cache")
    assert done.returncode == 0 and done.stdout.strip() == "5", done.stderr[-2000:]
