"""Run the three development sets and print one table per set.

    python scripts/run_eval.py [--shared ../shared] [--json]

policyqa-nl has no clear license: it is turned into a corpus in a temporary
folder for this run only and never written into the repository.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vraagbaak.assistant import Assistant  # noqa: E402
from vraagbaak.evaluation import evaluate, format_table, load_questions  # noqa: E402
from vraagbaak.search.fusion import MODES  # noqa: E402


def policyqa_corpus(source: Path, target: Path) -> tuple[Path, Path, int]:
    """One text file per article; questions with doc and answer. Items whose
    answer is not literally in the context are dropped (and counted)."""
    data = json.loads(source.read_text(encoding="utf-8"))["data"]
    corpus = target / "corpus"
    corpus.mkdir(parents=True)
    questions, dropped = [], 0
    for article in data:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]["text"]
                if answer.lower() not in paragraph["context"].lower():
                    dropped += 1
                    continue
                name = f"{qa['id']}.txt"
                (corpus / name).write_text(paragraph["context"], encoding="utf-8")
                questions.append({"question": qa["question"], "doc": name, "answer": answer})
    qfile = target / "questions.jsonl"
    qfile.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions), encoding="utf-8")
    return corpus, qfile, dropped


def run(name: str, corpus: Path, questions: Path, index: Path, k: int = 5) -> dict:
    assistant = Assistant.for_corpus(corpus, index)
    report = assistant.ensure_index()
    result = evaluate(assistant, load_questions(questions), k=k, modes=list(MODES))
    result["set"] = name
    result["chunks"] = assistant.status()["counts"]["chunks"]
    if report:
        result["index_seconds"] = round(report.seconds.get("total", 0), 1)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--only", choices=["corpus", "vac", "policyqa"])
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="vraagbaak-eval-") as tmp:
        tmp = Path(tmp)
        sets = {
            "corpus": lambda: run("corpus_dev (standaardcorpus)", ROOT / "corpus", ROOT / "eval/corpus_dev.jsonl",
                                  tmp / "i-corpus"),
            "vac": lambda: run("rijksoverheid-vac", args.shared / "eval-data/rijksoverheid-vac/corpus",
                               args.shared / "eval-data/rijksoverheid-vac/questions.jsonl", tmp / "i-vac"),
        }

        def policyqa():
            corpus, qfile, dropped = policyqa_corpus(args.shared / "eval-data/policyqa-nl/policyqa-test.json",
                                                     tmp / "policyqa")
            result = run("policyqa-nl test", corpus, qfile, tmp / "i-policyqa")
            result["dropped_answer_not_in_context"] = dropped
            return result

        sets["policyqa"] = policyqa
        for key, job in sets.items():
            if args.only and key != args.only:
                continue
            result = job()
            results.append(result)
            print(f"\n## {result['set']} ({result['chunks']} passages)\n\n{format_table(result)}", flush=True)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
