"""The machine description and the markdown report of a benchmarks/run.py record."""

from __future__ import annotations

import compileall
import hashlib
import importlib
import importlib.util
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import datasets
import pyarrow


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, Python and library versions of this machine."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 2 ** 20, 1),
            "python": platform.python_version(), "pyarrow": pyarrow.__version__, "datasets": datasets.__version__,
            "kernel": platform.release()}


PACKAGES = ("korea_deterrence.corpus", "korea_deterrence.loaders", "korea_deterrence.schema")


def compile_package() -> None:
    """Byte-compile the package's modules, as pip does when it installs a wheel. An editable install run
    with PYTHONDONTWRITEBYTECODE set (as on the machine these results come from) never caches them, and
    every `kdc` process would compile its sources again: about 0.1 s of each start (measured: importing
    the CLI after its libraries took 0.154-0.159 s without cached bytecode, 0.060-0.092 s with it) that
    no installed copy pays."""
    for folder in _package_dirs():
        compileall.compile_dir(folder, quiet=1)


def _package_dirs() -> list[Path]:
    return [Path(importlib.import_module(name).__file__ or "").parent
            for name in (*PACKAGES, "korea_deterrence.annotations")]


def code_state() -> dict[str, Any]:
    """The code under test: git HEAD and dirtiness of the checkout, sha256 of the imported package sources,
    whether their bytecode is cached."""
    digest = hashlib.sha256()
    for name in PACKAGES:
        root = Path(importlib.import_module(name).__file__ or "").parent
        for path in sorted(root.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    root = Path(importlib.import_module(PACKAGES[0]).__file__ or "").parent.parent
    head = _git(root, "rev-parse", "--short", "HEAD")
    dirty = bool(_git(root, "status", "--porcelain", "--", "corpus", "loaders", "schema"))
    return {"git_head": head or None, "dirty": dirty, "source_sha256": digest.hexdigest()[:16],
            "bytecode_cached": _bytecode_cached()}


def _bytecode_cached() -> bool:
    """Whether every module of the package has its compiled bytecode cached (see compile_package)."""
    files = [f for folder in _package_dirs() for f in folder.glob("*.py")]
    return all(Path(importlib.util.cache_from_source(str(f))).is_file() for f in files)


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def render(record: dict[str, Any]) -> str:
    """The markdown report of one run."""
    lines = _header(record) + _table(record)
    if "ratio_build_to_floor" in record:
        cpu = record.get("ratio_build_to_floor_cpu")
        lines += [f"Build throughput / floor throughput: **{record['ratio_build_to_floor']:.2%}** by wall time"
                  + (f", {cpu:.2%} by CPU time" if cpu else "")
                  + f" (page cache warmed first: {record['warm_read_s']} s to read all raw files).", ""]
    if "release_sha256sums_sha256" in record:
        lines += [f"sha256 of the release's SHA256SUMS: `{record['release_sha256sums_sha256']}` (the same for any "
                  "`--jobs` on the same corpus and code).", ""]
    if "load_first_row" in record:
        t = record["load_first_row"]
        lines += ['`load_dataset(release, "articles", streaming=True)`, offline, empty cache: first row after '
                  f"{t['first_row_s']} s (+ {t['import_s']} s `import datasets`; "
                  f"{t['process_s']} s whole process).", ""]
    if "profile" in record:
        lines += _profile(record["profile"])
    if record["build"]["rc"]:
        lines += ["## Build failed", "", "```", record["build"].get("stderr_tail", ""), "```", ""]
    return "\n".join(lines)


def _header(record: dict[str, Any]) -> list[str]:
    m = record["machine"]
    args = " ".join(record["build_args"]) or "(none)"
    code = record.get("code", {})
    lines = [f"# Build benchmark: {record['label']} ({record['articles']:,} articles, {record['raw_mb']:,} MB raw)",
             "", f"{record['date']}; {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Linux {m['kernel']}; "
             f"Python {m['python']}, pyarrow {m['pyarrow']}, datasets {m['datasets']}; build args: `{args}`", ""]
    if code:
        lines += [f"Code: git {code['git_head']}{' + uncommitted changes' if code['dirty'] else ''}, "
                  f"package sources sha256 {code['source_sha256']}"
                  + (" (**changed during the run**)" if code.get("changed_during_run") else "")
                  + _code_notes(code) + ".", ""]
    return lines


def _code_notes(code: dict[str, Any]) -> str:
    notes = ""
    if "compiled_kernels" in code:  # runs recorded while the package had optional C kernels (removed since)
        notes += "; compiled C kernels: " + ("used" if code["compiled_kernels"] else "**not used**")
    if "bytecode_cached" in code:  # (not noted in the earliest runs)
        notes += "; package bytecode " + ("cached (as installed by pip)" if code["bytecode_cached"]
                                          else "**not cached** (sources compiled at every start)")
    return notes


def _table(record: dict[str, Any]) -> list[str]:
    f, b = record["floor"], record["build"]
    x = b["excluding_startup"]
    load = record.get("load_average")
    note = (f"Load average (1/5/15 min) before the floor: {load[0]}/{load[1]}/{load[2]}, after the build: "
            f"{load[3]}/{load[4]}/{load[5]} on {record['machine']['cores']} cores; above the core count, other "
            "processes competed and wall times are inflated (CPU seconds much less so).") if load else ""
    return ["| measurement | wall s | articles/s | MB/s | CPU s (all processes) | articles/CPU-s | "
            "peak RSS (max process / tree sum) |",
            "|---|---|---|---|---|---|---|",
            f"| I/O floor (read + Parquet zstd) | {f['s']} | {f['articles_per_s']:,} | {f['mb_per_s']} | "
            f"{f['cpu_s']} | {f['articles_per_cpu_s']:,} | |",
            f"| `kdc build` (exit {b['rc']}) | {b['s']} | {b['articles_per_s']:,} | {b['mb_per_s']} | "
            f"{b['cpu_s']} | {b['articles_per_cpu_s']:,} | "
            f"{b['maxrss_mb']:,} MB / {b['peak_tree_rss_mb']:,} MB |",
            f"| `kdc build` minus startup ({b['startup_s']} s, `kdc --version`) | {x['s']} | "
            f"{x['articles_per_s']:,} | {x['mb_per_s']} | | | |", "", note, ""]


def _profile(p: dict[str, Any]) -> list[str]:
    lines = [f"## Share of build time per stage (cProfile, in-process, first {p['articles']:,} articles, "
             f"{p['profiled_s']} s under the profiler)", "", "| stage | share |", "|---|---|"]
    lines += [f"| {name} | {share:.1%} |" for name, share in sorted(p["shares"].items(), key=lambda x: -x[1])]
    top = ", ".join(f"`{name}` {s} s" for name, s in p["top_own_time"])
    return lines + ["", f"Heaviest functions by own time (under the profiler): {top}", ""]
