"""Seconds from `python app.py` to a chat page that answers HTTP, with the default index already built.

    python -m bench.startup      (prints one JSON object)
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from .data import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seconds_to_ready(runs: int = 5) -> list[float]:
    # make sure the default index exists, so start-up does not include building it
    subprocess.run([sys.executable, "-m", "assistant", "index"], cwd=ROOT, check=True, capture_output=True)
    out = []
    for _ in range(runs):
        port = free_port()
        env = dict(os.environ, VRAAGBAAK_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False")
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                    break
                except OSError:
                    if proc.poll() is not None:
                        raise RuntimeError("app.py stopped during start-up")
                    time.sleep(0.05)
            out.append(time.perf_counter() - started)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return out


if __name__ == "__main__":
    runs = seconds_to_ready()
    print(json.dumps({"runs_s": runs, "median_s": sorted(runs)[len(runs) // 2]}))
