"""Seconds and peak memory of a fresh `python -m vraagbaak ask …` on the default index, as a user at a terminal
gets it: a new process each time, imports, model and index included.

    python -m bench.cli [--runs 3]      (prints one JSON object)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from .data import ROOT
from .startup import QUESTION


def one_run() -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one `ask` in its own process."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "vraagbaak", "ask", QUESTION], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("python -m vraagbaak ask failed")
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    # the default index must exist, so the runs do not include building it
    subprocess.run([sys.executable, "-m", "vraagbaak", "index"], cwd=ROOT, check=True, capture_output=True)
    runs = [one_run() for _ in range(args.runs)]
    seconds = sorted(s for s, _ in runs)
    print(json.dumps({"runs_s": [s for s, _ in runs], "median_s": seconds[len(seconds) // 2],
                      "peak_rss_mb": max(m for _, m in runs)}))


if __name__ == "__main__":
    main()
