"""Seconds from `python app.py` to a chat page that answers HTTP, and to the first answer of the HTTP API
(a question sent the moment the page answers), with the default index already built.

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


QUESTION = "Hoe pakt Zaanstad ondermijning aan met data?"


def first_answer(port: int) -> None:
    """Ask through Gradio's HTTP API (/gradio_api/call/ask) and read the event stream to its end."""
    body = json.dumps({"data": [QUESTION, "{}", "[]"]}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/gradio_api/call/ask", data=body,
                                     headers={"Content-Type": "application/json"})
    event = json.loads(urllib.request.urlopen(request, timeout=120).read())["event_id"]
    stream = urllib.request.urlopen(f"http://127.0.0.1:{port}/gradio_api/call/ask/{event}", timeout=120).read()
    if b"complete" not in stream:
        raise RuntimeError(f"geen antwoord: {stream[:200]!r}")


def seconds_to_ready(runs: int = 5) -> list[tuple[float, float]]:
    """(page, first answer) per run."""
    # make sure the default index exists, so start-up does not include building it
    subprocess.run([sys.executable, "-m", "vraagbaak", "index"], cwd=ROOT, check=True, capture_output=True)
    out = []
    for _ in range(runs):
        port = free_port()
        started = time.perf_counter()
        proc = start_app(port)
        try:
            page = time.perf_counter() - started
            first_answer(port)
            out.append((page, time.perf_counter() - started))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return out


def start_app(port: int) -> subprocess.Popen:
    """Start `python app.py` on `port` and return once its page answers HTTP."""
    env = dict(os.environ, VRAAGBAAK_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("app.py stopped during start-up")
            time.sleep(0.05)


if __name__ == "__main__":
    runs = seconds_to_ready()
    pages, answers = [r[0] for r in runs], [r[1] for r in runs]
    print(json.dumps({"runs_s": pages, "median_s": sorted(pages)[len(pages) // 2],
                      "first_answer_runs_s": answers, "first_answer_median_s": sorted(answers)[len(answers) // 2]}))
