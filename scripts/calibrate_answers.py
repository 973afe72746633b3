"""Choose the answer settings by measurement: collect hits and sentence cosines once, then replay the answer
builder with every combination of settings on answerable and unanswerable questions.

    python scripts/calibrate_answers.py collect [--shared ../shared]   # slow: searches and embeds
    python scripts/calibrate_answers.py grid                           # fast: replays from the cache

Unanswerable questions: those marked so in eval/*.jsonl, plus each set's questions asked of another set's
corpus (Rijksoverheid questions of the default corpus, default-corpus questions of the Rijksoverheid corpus).
policyqa-nl is converted in a temporary folder and never written into the repository.
"""
from __future__ import annotations

import argparse
import itertools
import json
import pickle
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from run_eval import policyqa_corpus  # noqa: E402

from vraagbaak.assistant import Assistant  # noqa: E402
from vraagbaak.evaluation import answer_scores, load_questions  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "answer-calibration.pkl"


def collect(shared: Path) -> None:
    vac_corpus = shared / "eval-data/rijksoverheid-vac/corpus"
    vac_questions = load_questions(shared / "eval-data/rijksoverheid-vac/questions.jsonl")
    corpus_questions = load_questions(ROOT / "eval/corpus_dev.jsonl")
    with tempfile.TemporaryDirectory(prefix="vraagbaak-cal-") as tmp:
        tmp = Path(tmp)
        pq_corpus, pq_file, _ = policyqa_corpus(shared / "eval-data/policyqa-nl/policyqa-test.json", tmp / "pq")
        sets = [
            ("corpus_dev", ROOT / "corpus", corpus_questions),
            ("pdf_dev", ROOT / "tests/fixtures", load_questions(ROOT / "eval/pdf_dev.jsonl")),
            ("vac", vac_corpus, vac_questions),
            ("policyqa", pq_corpus, load_questions(pq_file)),
            ("vac_on_corpus", ROOT / "corpus", [{"question": q["question"], "unanswerable": True}
                                                  for q in vac_questions]),
            ("corpus_on_vac", vac_corpus, [{"question": q["question"], "unanswerable": True}
                                             for q in corpus_questions if not q.get("unanswerable")]),
        ]
        out = {}
        for name, corpus, questions in sets:
            assistant = Assistant.for_corpus(corpus, tmp / f"i-{corpus.name}-{len(str(corpus))}")
            assistant.ensure_index()
            cosines: dict[tuple[str, str], float] = {}
            rows = []
            for q in questions:
                hits = assistant.search(q["question"], k=max(assistant.settings.top_k, 5))
                builder = assistant.answer_builder()
                sentences = [s.text for group in builder.score(q["question"], hits) for s in group]
                cos = assistant._sentence_similarity(assistant.index, q["question"], sentences) if sentences else []
                cosines.update({(q["question"], s): c for s, c in zip(sentences, cos)})
                rows.append((q, hits))
            docs = {d["doc"]: assistant.document_text(d["doc"]) for d in assistant.documents()}
            pages = {d["doc"]: assistant.index.pages(d["doc"]) for d in assistant.documents()}
            out[name] = {"rows": rows, "cosines": cosines, "docs": docs, "pages": pages}
            print(f"{name}: {len(rows)} vragen", flush=True)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_bytes(pickle.dumps(out))


def replay(data: dict, settings) -> dict[str, dict]:
    """The answer metrics per set for one combination of settings, from the cache."""
    from vraagbaak.answer.builder import AnswerBuilder, quote_found_in
    from vraagbaak.text.cleaning import collapse_whitespace

    results = {}
    for name, d in data.items():
        docs = {k: collapse_whitespace(v) for k, v in d["docs"].items()}

        def verbatim(doc, quote):
            return quote_found_in(docs[doc], quote)

        def page_text(doc, first, last):
            return "\n".join(t for n, _, t in d["pages"][doc] if n is not None and first <= n <= last)

        def cosines(question, sentences, d=d):
            return [d["cosines"][(question, x)] for x in sentences]

        builder = AnswerBuilder.from_settings(settings, verbatim, cosines)
        answers, questions = [], []
        for q, hits in d["rows"]:
            answers.append(builder.build(q["question"], hits))
            questions.append(q)
        results[name] = answer_scores(questions, answers, page_text)
    return results


def grid() -> None:
    from vraagbaak.settings import Settings

    data = pickle.loads(CACHE.read_bytes())
    base = Settings.from_env()
    rows = []
    for sent_t, pass_t, coverage, lex_share in itertools.product(
            (0.86, 0.875, 0.89), (0.845, 0.86, 0.87), (0.0, 0.03, 0.05), (0.6, 1.1)):
        s = replace(base, found_sentence_threshold=sent_t, found_threshold=pass_t, found_coverage_weight=coverage,
                    found_lexical_share=lex_share)
        r = replay(data, s)
        refused_answerable = max(r[n]["refused_answerable"] for n in ("corpus_dev", "pdf_dev", "vac", "policyqa"))
        refused_unanswerable = min(r[n]["refused_unanswerable"] for n in ("corpus_dev", "pdf_dev", "vac_on_corpus",
                                                                           "corpus_on_vac"))
        rows.append((refused_unanswerable - 3 * refused_answerable, sent_t, pass_t, coverage, lex_share,
                     {n: {k: round(v, 3) for k, v in m.items() if "refused" in k} for n, m in r.items()}))
    rows.sort(key=lambda row: -row[0])
    for row in rows[:15]:
        print(json.dumps(row[1:], ensure_ascii=False))


def quotes(weights: list[float]) -> None:
    from vraagbaak.settings import Settings

    data = pickle.loads(CACHE.read_bytes())
    base = Settings.from_env()
    for w, min_words, margin in itertools.product(weights, (30, 45, 60), (0.1, 0.15)):
        r = replay({k: v for k, v in data.items() if k in ("corpus_dev", "pdf_dev", "policyqa")},
                   replace(base, sentence_lexical_weight=w, quote_min_words=min_words, quote_margin=margin))
        print(w, min_words, margin, json.dumps({n: {k: round(v, 3) for k, v in m.items() if "answer" in k or "page" in k}
                                                for n, m in r.items()}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["collect", "grid", "quotes"])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--weights", default="0,0.05,0.1,0.2,0.3")
    args = ap.parse_args()
    if args.step == "collect":
        collect(args.shared)
    elif args.step == "grid":
        grid()
    else:
        quotes([float(w) for w in args.weights.split(",")])


if __name__ == "__main__":
    main()
