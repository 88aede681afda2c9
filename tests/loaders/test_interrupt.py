"""Ctrl-C or SIGTERM during `kdc build`: one line, exit 130 or 143, no release; the finished shards stay
and the same command resumes from them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from korea_deterrence.loaders.shards import INPUTS_KEY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus large enough that a build takes seconds (benchmarks/generate.py)."""
    out = tmp_path_factory.mktemp("gen") / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--n", "20000", "--out", str(out)],
                   check=True, capture_output=True)
    return out


def _kdc(*args: str) -> subprocess.Popen[str]:
    script = "import sys; from korea_deterrence.loaders.cli import console; sys.argv[0] = \"kdc\"; sys.exit(console())"
    return subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


@pytest.mark.parametrize(("sig", "code", "word", "jobs"), [(signal.SIGINT, 130, "interrupted", "2"),
                                                           (signal.SIGTERM, 143, "terminated", "1")])
def test_an_interrupted_build_keeps_only_finished_shards_and_resumes(big: Path, tmp_path: Path, sig: int, code: int,
                                                                     word: str, jobs: str) -> None:
    out = tmp_path / "release"
    command = ["build", "--sources", str(big), "--out", str(out), "--jobs", jobs, "--shard-size", "1000"]
    proc = _kdc(*command)
    assert proc.stdout is not None and proc.stdout.readline().startswith("sources: ")
    time.sleep(4)  # well inside the build: some of its 20 shards are finished, not all
    os.killpg(proc.pid, sig)  # as a terminal sends Ctrl-C: to the whole process group, workers included
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == f"kdc: {word}; nothing was left half-written" and "Traceback" not in err, err
    assert not out.exists()
    kept = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert kept and all(p.parent == tmp_path / "release.incomplete" / "data" / "articles" for p in kept)
    for shard in kept:  # each a whole shard, named as in the release, with the key of its inputs
        assert shard.name.endswith("-of-00020.parquet") and INPUTS_KEY.encode() in pq.read_metadata(shard).metadata
    assert f"kdc build: {len(kept)} finished articles shard(s) kept in {out}.incomplete" in err
    again = _kdc(*command)
    stdout, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"{len(kept)} finished by an earlier run, {20 - len(kept)} written" in stdout
