"""The measurements of benchmarks/run.py: I/O floor, the build as a subprocess, load_dataset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

BATCH = 1000
FLOOR_SCHEMA = pa.schema([("article_id", pa.string()), ("text", pa.string())])


@dataclass(frozen=True)
class Corpus:
    """A generated source directory: article ids and raw file names in manifest order, raw bytes."""

    root: Path
    ids: list[str]
    files: list[str]
    raw_bytes: int


@dataclass(frozen=True)
class BuildRun:
    """One `kdc build` subprocess: exit status, wall time, memory, captured output."""

    rc: int
    wall_s: float
    cpu_s: float  # user + system CPU time of the process and its waited-for descendants
    maxrss_mb: float  # the largest peak RSS (VmHWM) of any one process of the tree, as last sampled
    peak_tree_rss_mb: float  # largest sampled sum of VmRSS over the process tree
    stdout: str
    stderr: str
    tree_cpu_s: float = 0.0  # CPU time of every process of the tree (forkserver workers included), last samples


def read_corpus(root: Path) -> Corpus:
    """The manifest of `root`, read line by line."""
    ids, files, total = [], [], 0
    with (root / "sources.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            ids.append(record["article_id"])
            files.append(record["raw_file"])
            total += record["size"]
    return Corpus(root, ids, files, total)


def read_all(corpus: Corpus) -> float:
    """Read every raw file once (warms the page cache); returns seconds."""
    started = time.perf_counter()
    raw = corpus.root / "raw"
    for name in corpus.files:
        (raw / name).read_bytes()
    return time.perf_counter() - started


def io_floor(corpus: Corpus, out: Path) -> tuple[float, float]:
    """Read and decode every raw file, write (article_id, text) to zstd Parquet; returns wall, CPU seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    raw = corpus.root / "raw"
    with pq.ParquetWriter(out, FLOOR_SCHEMA, compression="zstd") as writer:
        for lo in range(0, len(corpus.files), BATCH):
            names = corpus.files[lo:lo + BATCH]
            texts = [(raw / name).read_bytes().decode("utf-8") for name in names]
            writer.write_table(pa.table([corpus.ids[lo:lo + BATCH], texts], schema=FLOOR_SCHEMA))
    return time.perf_counter() - started, time.process_time() - cpu


def kdc_command() -> list[str]:
    """The `kdc` console script of this interpreter's environment, else `python -m` of the CLI."""
    script = Path(sys.executable).with_name("kdc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "korea_deterrence.loaders.cli"]


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> BuildRun:
    """Run `cmd`, sampling the RSS of its process tree; rusage comes from wait4 on that child only."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        # not ru_maxrss: Linux counts in it this (measuring) process's RSS at the fork before exec
        return BuildRun(proc.returncode, wall, cpu, sampler.largest / 2 ** 20, sampler.peak / 2 ** 20,
                        out.read(), err.read(), max(cpu, sampler.cpu_s))


class _TreeSampler(threading.Thread):
    """Samples the summed VmRSS (bytes) of a process and all its descendants every `interval` s, and
    the CPU time each of them had used when last seen (so at most `interval` per process is missed)."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root, self.interval, self.peak = root, interval, 0
        self._cpu: dict[int, float] = {}
        self._hwm: dict[int, int] = {}  # VmHWM: the kernel's peak RSS of each process (after its exec)
        self._done = threading.Event()

    @property
    def cpu_s(self) -> float:
        return sum(self._cpu.values())

    @property
    def largest(self) -> int:
        return max(self._hwm.values(), default=0)

    def run(self) -> None:
        ticks = os.sysconf("SC_CLK_TCK")
        while not self._done.is_set():
            pids = _tree(self.root)
            self.peak = max(self.peak, sum(_rss(pid) for pid in pids))
            for pid in pids:
                self._cpu[pid] = max(self._cpu.get(pid, 0.0), _cpu_ticks(pid) / ticks)
                self._hwm[pid] = max(self._hwm.get(pid, 0), _rss(pid, "VmHWM:"))
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _cpu_ticks(pid: int) -> int:
    """utime + stime of one process (not its children), in clock ticks; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _rss(pid: int, field: str = "VmRSS:") -> int:
    """A size field of /proc/<pid>/status in bytes (VmRSS: now; VmHWM: the peak); 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


_TTFR = """
import json, sys, time
t0 = time.perf_counter()
import datasets
t1 = time.perf_counter()
ds = datasets.load_dataset(sys.argv[1], "articles", streaming=True, split="train")
row = next(iter(ds))
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_row_s": t2 - t1, "first_id": row["article_id"]}))
"""


def load_first_row(release: Path) -> dict[str, float | str]:
    """`load_dataset(release, "articles", streaming=True)` time to first row, offline, fresh cache."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_DATASETS_CACHE=cache,
                   HF_HOME=cache)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _TTFR, str(release)], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"load_dataset failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result
