"""A bounded soak test of the HTTP API: N /ask calls through gradio_client, RSS of the app at the start and end.

    python scripts/soak.py [--calls 2000] [--concurrency 8]

Starts `python app.py` on a free port of 127.0.0.1 with the default corpus and index, sends only to that
address, and stops it afterwards. Prints RSS (MB) after warm-up, then every 250 calls.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["Welke gemeenten gebruiken data om zwerfafval aan te pakken?", "Hoe pakt Zaanstad ondermijning aan?",
             "Wat is de hoofdstad van Peru?", "Hoeveel honden waren er in Dordrecht geregistreerd?",
             "How did Dordrecht tackle dog fouling?", "Wat zijn de succesfactoren?"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, VRAAGBAAK_PORT=str(port), VRAAGBAAK_HOST="127.0.0.1")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(1)
        from gradio_client import Client

        client = Client(url, verbose=False)
        for q in QUESTIONS:  # warm-up: model loaded, caches filled once
            client.predict(q, "{}", api_name="/ask")
        print(f"start: RSS {rss_mb(proc.pid):.0f} MB", flush=True)
        started, done = time.perf_counter(), 0
        with ThreadPoolExecutor(args.concurrency) as pool:
            for start in range(0, args.calls, 250):
                batch = [QUESTIONS[i % len(QUESTIONS)] + f" ({i})" for i in range(start, min(args.calls, start + 250))]
                list(pool.map(lambda q: client.predict(q, "{}", api_name="/ask"), batch))
                done += len(batch)
                print(f"{done} calls, {time.perf_counter() - started:.0f} s: RSS {rss_mb(proc.pid):.0f} MB", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
