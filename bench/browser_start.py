"""Seconds from `python app.py` to the first answer on screen in Chromium, as a user gets it: the browser is
already open, the page is loaded as soon as the app answers, and the question is asked the moment the input
field is there. The default index is built beforehand. Chromium runs on the same cores as the app.

    python -m bench.browser_start [--runs 5]      (prints one JSON object)
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from .data import ROOT
from .startup import QUESTION, free_port, start_app

CHROMIUM = "/usr/bin/chromium"
ANSWERED_JS = """q => {
  const chat = (document.querySelector('#gesprek') || {}).innerText || '';
  return chat.includes(q) && chat.includes('[1]') && !chat.includes('Bezig met zoeken');
}"""


def one_run(browser) -> dict:
    port = free_port()
    context = browser.new_context(locale="nl-NL", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    proc = None
    try:
        proc = start_app(port)
        served = time.perf_counter() - started
        page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
        box = page.get_by_role("textbox", name="Uw vraag")
        box.wait_for(timeout=60_000)
        shown = time.perf_counter() - started
        box.fill(QUESTION)
        page.get_by_role("button", name="Vraag stellen").click()
        page.wait_for_function(ANSWERED_JS, arg=QUESTION, timeout=120_000)
        return {"served_s": served, "input_s": shown, "answer_s": time.perf_counter() - started}
    finally:
        context.close()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    subprocess.run([sys.executable, "-m", "vraagbaak", "index"], cwd=ROOT, check=True, capture_output=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        runs = [one_run(browser) for _ in range(args.runs)]
        browser.close()
    answers = sorted(r["answer_s"] for r in runs)
    print(json.dumps({"runs": runs, "first_answer_median_s": answers[len(answers) // 2]}))


if __name__ == "__main__":
    main()
