"""Retrieval evaluation: recall@k, MRR@10 and latency per search mode."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np

from .schema import Hit

_WS = re.compile(r"\s+")


def load_questions(path: Path) -> list[dict]:
    questions = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    for q in questions:
        if "question" not in q or not ("doc" in q or "all_of" in q or "any_of" in q):
            raise ValueError(f"vraagregel mist 'question' en 'doc' of 'all_of'/'any_of': {q}")
    return questions


def _norm(text: str) -> str:
    return _WS.sub(" ", text.lower()).strip()


def is_relevant(question: dict, hit: Hit) -> bool:
    if "doc" in question:
        return hit.chunk.doc == question["doc"]
    text = _norm(hit.chunk.text)
    all_of = [_norm(p) for p in question.get("all_of", [])]
    any_of = [_norm(p) for p in question.get("any_of", [])]
    return all(p in text for p in all_of) and (not any_of or any(p in text for p in any_of))


def first_relevant_rank(question: dict, hits: list[Hit]) -> int | None:
    return next((i + 1 for i, h in enumerate(hits) if is_relevant(question, h)), None)


def score_ranks(ranks: list[int | None]) -> dict[str, float]:
    def recall(k):
        return float(np.mean([r is not None and r <= k for r in ranks])) if ranks else 0.0

    mrr = float(np.mean([1.0 / r if r is not None and r <= 10 else 0.0 for r in ranks])) if ranks else 0.0
    return {"recall@1": recall(1), "recall@5": recall(5), "recall@10": recall(10), "mrr": mrr}


def evaluate(assistant, questions: list[dict], k: int = 5, modes: list[str] | tuple = ("hybrid",)) -> dict:
    result = {"n": len(questions), "k": k, "modes": {}}
    assistant.embedder.embed_query("opwarmen")  # model loading does not count as search latency
    for mode in modes:
        ranks, latencies, answered = [], [], []
        for q in questions:
            assistant.embedder.clear_cache()  # time the whole search, query embedding included
            started = time.perf_counter()
            hits = assistant.search(q["question"], k=max(k, 10), mode=mode)
            latencies.append((time.perf_counter() - started) * 1000)
            ranks.append(first_relevant_rank(q, hits))
            if "answer" in q:
                answer = assistant.ask(q["question"], mode=mode)
                quoted = _norm(" ".join(c.quote for c in answer.citations))
                answered.append(_norm(q["answer"]) in quoted)
        row = score_ranks(ranks)
        row[f"recall@{k}"] = float(np.mean([r is not None and r <= k for r in ranks])) if ranks else 0.0
        row["latency_ms_p50"] = float(np.percentile(latencies, 50)) if latencies else 0.0
        row["latency_ms_p95"] = float(np.percentile(latencies, 95)) if latencies else 0.0
        if answered:
            row["answer_in_quotes"] = float(np.mean(answered))
        result["modes"][mode] = {key: round(v, 4) for key, v in row.items()}
    return result


def format_table(result: dict) -> str:
    k = result["k"]
    cols = ["recall@1", f"recall@{k}", "recall@10", "mrr", "answer_in_quotes", "latency_ms_p50", "latency_ms_p95"]
    cols = list(dict.fromkeys(cols))
    lines = [f"{result['n']} vragen, k={k}", "| modus | " + " | ".join(cols) + " |",
             "|---" * (len(cols) + 1) + "|"]
    for mode, row in result["modes"].items():
        lines.append(f"| {mode} | " + " | ".join(f"{row[c]:.3f}" if c in row else "–" for c in cols) + " |")
    return "\n".join(lines)
