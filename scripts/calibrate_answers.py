"""Choose the found / not-found thresholds by measurement, through the answer path the app runs.

    python scripts/calibrate_answers.py [--shared ../shared] [--quick]

Every combination of the thresholds in GRID is set on the Assistant (Settings) and every dev set is asked in
full (Assistant.ask: follow-ups, overviews, the absence checks and the judge's veto and finding included, as in
production), so what is chosen here is what the app does. Unanswerable questions: those marked so in the
sets, and another collection's questions (the VAC questions asked of the default corpus and the reverse).
samples_fresh is measured, never chosen on: it shows whether a choice holds on questions nobody tuned on.
The objective: refused unanswerable (the worst set) minus 3 x refused answerable (the worst set).
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vraagbaak.assistant import Assistant  # noqa: E402
from vraagbaak.evaluation import evaluate, load_questions  # noqa: E402

GRID = {"found_sentence_threshold": (0.86, 0.875, 0.89), "found_threshold": (0.845, 0.86),
        "found_coverage_weight": (0.0, 0.03, 0.05), "found_lexical_share": (0.6, 1.1)}
QUICK = {"found_sentence_threshold": (0.875, 0.89), "found_threshold": (0.845,),
         "found_coverage_weight": (0.03,), "found_lexical_share": (0.6,)}
CHOSEN_ON = ("corpus_dev", "pdf_dev", "samples_dev", "vac_on_corpus", "corpus_on_vac")


def question_sets(shared: Path) -> dict[str, tuple[Path, list[dict]]]:
    vac_corpus = shared / "eval-data/rijksoverheid-vac/corpus"
    vac = load_questions(shared / "eval-data/rijksoverheid-vac/questions.jsonl")
    corpus = load_questions(ROOT / "eval/corpus_dev.jsonl")
    return {
        "corpus_dev": (ROOT / "corpus", corpus),
        "pdf_dev": (ROOT / "tests/fixtures", load_questions(ROOT / "eval/pdf_dev.jsonl")),
        "samples_dev": (shared / "pdf-samples", load_questions(ROOT / "eval/samples_dev.jsonl")),
        "samples_fresh": (shared / "pdf-samples", load_questions(ROOT / "eval/samples_fresh.jsonl")),
        "vac_on_corpus": (ROOT / "corpus", [{"question": q["question"], "unanswerable": True} for q in vac]),
        "corpus_on_vac": (vac_corpus, [{"question": q["question"], "unanswerable": True}
                                       for q in corpus if not q.get("unanswerable")]),
    }


def measure(assistants: dict[Path, Assistant], sets: dict, chosen: dict) -> dict[str, dict]:
    out = {}
    for name, (corpus, questions) in sets.items():
        assistant = assistants[corpus]
        # the thresholds are read per question; each assistant keeps its own corpus and index
        assistant.settings = replace(assistant.settings, **chosen)
        m = evaluate(assistant, questions, k=5, modes=["hybrid"])["modes"]["hybrid"]
        out[name] = {k: round(v, 3) for k, v in m.items()
                     if k in ("refused_answerable", "refused_unanswerable", "answer_in_first_quote")}
    return out


def objective(result: dict[str, dict]) -> float:
    chosen = {n: m for n, m in result.items() if n in CHOSEN_ON}
    refused_answerable = max(m.get("refused_answerable", 0.0) for m in chosen.values())
    refused_unanswerable = min(m["refused_unanswerable"] for m in chosen.values() if "refused_unanswerable" in m)
    return refused_unanswerable - 3 * refused_answerable


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--quick", action="store_true", help="two combinations: a check that the script runs")
    args = ap.parse_args()
    sets = question_sets(args.shared)
    with tempfile.TemporaryDirectory(prefix="vraagbaak-cal-") as tmp:
        assistants: dict[Path, Assistant] = {}
        for corpus, _ in sets.values():
            if corpus not in assistants:
                assistants[corpus] = Assistant.for_corpus(corpus, Path(tmp) / f"i-{len(assistants)}")
                assistants[corpus].ensure_index()
        grid = QUICK if args.quick else GRID
        rows = []
        for values in itertools.product(*grid.values()):
            chosen = dict(zip(grid, values))
            result = measure(assistants, sets, chosen)
            rows.append((round(objective(result), 3), chosen, result))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    rows.sort(key=lambda row: -row[0])
    print("\nBeste combinaties (doel, instellingen):")
    for score, chosen, result in rows[:5]:
        print(score, json.dumps(chosen), "samples_fresh:", json.dumps(result["samples_fresh"]))


if __name__ == "__main__":
    main()
