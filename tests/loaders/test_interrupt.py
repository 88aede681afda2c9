"""Ctrl-C or SIGTERM during `kdc build`: one line, exit 130 or 143, nothing left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus large enough that a build takes seconds (benchmarks/generate.py)."""
    out = tmp_path_factory.mktemp("gen") / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--n", "20000", "--out", str(out)],
                   check=True, capture_output=True)
    return out


@pytest.mark.parametrize(("sig", "code", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                   (signal.SIGTERM, 143, "terminated")])
def test_an_interrupted_build_leaves_nothing(big: Path, tmp_path: Path, sig: int, code: int, word: str) -> None:
    out = tmp_path / "release"
    script = "import sys; from korea_deterrence.loaders.cli import console; sys.argv[0] = \"kdc\"; sys.exit(console())"
    proc = subprocess.Popen([sys.executable, "-c", script, "build", "--sources", str(big), "--out", str(out),
                             "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().startswith("sources: ")
    time.sleep(0.5)  # well inside the build
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == f"kdc: {word}; nothing was left half-written" and "Traceback" not in err, err
    assert list(tmp_path.iterdir()) == []  # neither the release nor its .incomplete
