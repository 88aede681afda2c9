"""Peak memory and wall time of `kdc validate RELEASE` and `kdc diff RELEASE RELEASE` (issue: both must
stream record batches; peak under 500 MB on the 1M-article release).

    python benchmarks/check_memory.py --release /tmp/rel1m

Each command runs in its own process; its peak resident set size comes from getrusage(RUSAGE_CHILDREN)
read after it alone has run (one child per invocation of this script per command, in a fresh interpreter).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

PROBE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(done.returncode, round(seconds, 1), round(peak_mb), done.stdout.strip().splitlines()[-1:] or [""], sep="\\t")
"""


def measure(command: list[str]) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROBE, *command], capture_output=True, text=True, check=True).stdout
    code, seconds, peak, last = out.rstrip("\n").split("\t")
    return {"command": " ".join(command), "exit": int(code), "seconds": float(seconds), "peak_mb": int(peak), "last_line": last}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", required=True)
    args = parser.parse_args()
    for command in (["kdc", "validate", args.release], ["kdc", "diff", args.release, args.release]):
        print(json.dumps(measure(command)))


if __name__ == "__main__":
    main()
