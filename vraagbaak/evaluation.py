"""Evaluation: retrieval (recall@k, MRR@10, latency) and answers (does the quote hold the answer, at the right
page; are refusals right) per search mode.

A question line is a JSON object with "question" and any of:
- "doc": the document that answers it (retrieval gold at document level);
- "all_of" / "any_of": lowercase answer phrases; a passage or quote holds the answer when it has all of
  "all_of" and, if given, one of "any_of";
- "answer": one answer phrase (as in policyqa), used like "all_of";
- "page": the 1-based page that holds the answer (PDF sets);
- "unanswerable": true: the documents do not answer it; the right answer is a refusal;
- "previous": earlier questions of the conversation (oldest first): the question is a follow-up;
- "docs": every document an overview question ("Welke gemeenten …?") should list: scored as
  overview_recall and overview_precision of the cited documents.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np

from vraagbaak.answer.builder import ELLIPSIS
from vraagbaak.schema import Answer, Hit

_WS = re.compile(r"\s+")
PHRASE_FIELDS = ("all_of", "any_of")


class QuestionFileError(ValueError):
    """A questions file that cannot be used; the message says which line and why, in Dutch."""


def load_questions(path: Path) -> list[dict]:
    path = Path(path)
    if path.is_dir():
        raise QuestionFileError(f"{path} is een map; geef een JSONL-bestand met één vraag per regel")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            questions.append(_parse_line(line, number))
    if not questions:
        raise QuestionFileError(f"{path} bevat geen vragen")
    return questions


def _parse_line(line: str, number: int) -> dict:
    try:
        q = json.loads(line)
    except json.JSONDecodeError as err:
        raise QuestionFileError(f"regel {number}: geen geldige JSON ({err.msg})") from None
    if not isinstance(q, dict) or not isinstance(q.get("question"), str) or not q["question"].strip():
        raise QuestionFileError(f"regel {number}: verwacht een object met een tekst in \"question\"")
    if not (q.get("unanswerable") or "doc" in q or "answer" in q or q.get("docs")
            or any(q.get(f) for f in PHRASE_FIELDS)):
        raise QuestionFileError(f"regel {number}: geef \"doc\", \"docs\", \"answer\", \"all_of\"/\"any_of\" of "
                                f"\"unanswerable\": true")
    if not isinstance(q.get("docs", []), list) or not all(isinstance(d, str) for d in q.get("docs", [])):
        raise QuestionFileError(f"regel {number}: \"docs\" moet een lijst met documentnamen zijn")
    if "answer" in q and not isinstance(q["answer"], str):
        raise QuestionFileError(f"regel {number}: \"answer\" moet een tekst zijn")
    if not isinstance(q.get("previous", []), list) or not all(isinstance(p, str) for p in q.get("previous", [])):
        raise QuestionFileError(f"regel {number}: \"previous\" moet een lijst met eerdere vragen zijn")
    for f in PHRASE_FIELDS:
        if not isinstance(q.get(f, []), list) or not all(isinstance(p, str) for p in q.get(f, [])):
            raise QuestionFileError(f"regel {number}: \"{f}\" moet een lijst met teksten zijn")
    return q


def _norm(text: str) -> str:
    return _WS.sub(" ", text.lower()).strip()


def _phrases(question: dict) -> tuple[list[str], list[str]]:
    all_of = [_norm(p) for p in question.get("all_of", [])]
    if "answer" in question:
        all_of.append(_norm(question["answer"]))
    return all_of, [_norm(p) for p in question.get("any_of", [])]


def has_phrases(question: dict) -> bool:
    all_of, any_of = _phrases(question)
    return bool(all_of or any_of)


def holds_answer(question: dict, text: str) -> bool:
    all_of, any_of = _phrases(question)
    text = _norm(text)
    return all(p in text for p in all_of) and (not any_of or any(p in text for p in any_of))


def is_relevant(question: dict, hit: Hit) -> bool:
    if "doc" in question and hit.chunk.doc != question["doc"]:
        return False
    if question.get("docs") and hit.chunk.doc not in question["docs"]:
        return False
    return holds_answer(question, hit.chunk.text) if has_phrases(question) else True


def first_relevant_rank(question: dict, hits: list[Hit]) -> int | None:
    return next((i + 1 for i, h in enumerate(hits) if is_relevant(question, h)), None)


def score_ranks(ranks: list[int | None]) -> dict[str, float]:
    def recall(k):
        return float(np.mean([r is not None and r <= k for r in ranks])) if ranks else 0.0

    mrr = float(np.mean([1.0 / r if r is not None and r <= 10 else 0.0 for r in ranks])) if ranks else 0.0
    return {"recall@1": recall(1), "recall@5": recall(5), "recall@10": recall(10), "mrr": mrr}


def answer_scores(questions: list[dict], answers: list[Answer], page_text,
                  quote_limit: int | None = None) -> dict[str, float]:
    """Answer-level metrics. page_text(doc, first, last) gives the text of the cited pages; quote_limit: the
    most words a quote should have (Settings.quote_max_words), for the share of bold sentences beyond it."""
    answerable = [(q, a) for q, a in zip(questions, answers) if not q.get("unanswerable")]
    unanswerable = [a for q, a in zip(questions, answers) if q.get("unanswerable")]
    with_phrases = [(q, a) for q, a in answerable if has_phrases(q)]
    out: dict[str, float] = {}
    if with_phrases:
        out["answer_in_quotes"] = _mean(any(holds_answer(q, c.quote) for c in a.citations) for q, a in with_phrases)
        out["answer_in_first_quote"] = _mean(bool(a.citations) and holds_answer(q, a.citations[0].quote)
                                             for q, a in with_phrases)
        out["answer_in_bold"] = _mean(any(holds_answer(q, " ".join(c.highlights)) for c in a.citations)
                                      for q, a in with_phrases)
    if answerable:
        out["refused_answerable"] = _mean(not a.found for _, a in answerable)
    with_doc = [(q, a) for q, a in answerable if "doc" in q]
    if with_doc:  # the first quote comes from the document that answers the question
        out["first_quote_right_document"] = _mean(bool(a.citations) and a.citations[0].doc == q["doc"]
                                                  for q, a in with_doc)
    overviews = [(set(q["docs"]), {c.doc for c in a.citations}) for q, a in answerable if q.get("docs")]
    if overviews:  # an overview lists every fitting document and nothing else
        out["overview_recall"] = _mean(len(gold & cited) / len(gold) for gold, cited in overviews)
        out["overview_precision"] = _mean(len(gold & cited) / len(cited) if cited else 0.0 for gold, cited in overviews)
    if unanswerable:
        out["refused_unanswerable"] = _mean(not a.found for a in unanswerable)
        # declined: refused, or told that the passages do not state the amount or date asked (not_stated)
        out["declined_unanswerable"] = _mean(_declined(a) for a in unanswerable)
    if answerable:
        out["declined_answerable"] = _mean(_declined(a) for _, a in answerable)
    bold = [h for a in answers for c in a.citations for h in c.highlights]
    if bold and quote_limit:  # a bold sentence longer than a quote may be is a paragraph, not the answer
        out["bold_over_limit"] = _mean(len(h.split()) > quote_limit for h in bold)
    cited = [c for a in answers for c in a.citations if c.page is not None]
    if cited:  # the cited page(s) hold the quote
        out["page_correct"] = _mean(_on_pages(c, page_text) for c in cited)
    gold = [(q, a) for q, a in answerable if "page" in q and has_phrases(q)]
    if gold:  # the quote that holds the answer cites the page where the answer is printed
        out["gold_page_cited"] = _mean(any(holds_answer(q, c.quote) and c.page <= q["page"] <= (c.page_end or c.page)
                                           for c in a.citations if c.page is not None) for q, a in gold)
    return out


def _declined(answer: Answer) -> bool:
    return not answer.found or answer.outcome == "not_stated"


def _on_pages(citation, page_text) -> bool:
    text = _norm(page_text(citation.doc, citation.page, citation.page_end or citation.page))
    return all(_norm(part) in text for part in citation.quote.split(ELLIPSIS))


def _mean(values) -> float:
    values = list(values)
    return float(np.mean(values)) if values else 0.0


def evaluate(assistant, questions: list[dict], k: int = 5, modes: list[str] | tuple = ("hybrid",),
             answers: bool = True) -> dict:
    result = {"n": len(questions), "k": k, "modes": {}}
    result["n_unanswerable"] = sum(bool(q.get("unanswerable")) for q in questions)
    assistant.embedder.embed_query("opwarmen")  # model loading does not count as search latency
    retrievable = [q for q in questions if not q.get("unanswerable")]
    for mode in modes:
        ranks, latencies = [], []
        for q in retrievable:
            searched = assistant.searched_for(q["question"], q.get("previous", []))
            assistant.embedder.clear_cache()  # time the whole search, query embedding included
            started = time.perf_counter()
            hits = assistant.search(searched, k=max(k, 10), mode=mode)
            latencies.append((time.perf_counter() - started) * 1000)
            ranks.append(first_relevant_rank(q, hits))
        row = score_ranks(ranks)
        row[f"recall@{k}"] = float(np.mean([r is not None and r <= k for r in ranks])) if ranks else 0.0
        row["latency_ms_p50"] = float(np.percentile(latencies, 50)) if latencies else 0.0
        row["latency_ms_p95"] = float(np.percentile(latencies, 95)) if latencies else 0.0
        if answers:
            asked, ask_ms = [], []
            for q in questions:
                started = time.perf_counter()
                asked.append(assistant.ask(q["question"], mode=mode, previous=q.get("previous", [])))
                ask_ms.append((time.perf_counter() - started) * 1000)
            row.update(answer_scores(questions, asked, assistant.pages_text, assistant.settings.quote_max_words))
            row["ask_ms_p50"] = float(np.percentile(ask_ms, 50))
        result["modes"][mode] = {key: round(v, 4) for key, v in row.items()}
    return result


ANSWER_COLUMNS = ["answer_in_quotes", "answer_in_first_quote", "answer_in_bold", "first_quote_right_document",
                  "refused_answerable", "refused_unanswerable", "page_correct", "gold_page_cited", "overview_recall",
                  "overview_precision"]


def format_table(result: dict) -> str:
    k = result["k"]
    cols = ["recall@1", f"recall@{k}", "recall@10", "mrr", *ANSWER_COLUMNS, "latency_ms_p50", "latency_ms_p95",
            "ask_ms_p50"]
    cols = [c for c in dict.fromkeys(cols) if any(c in row for row in result["modes"].values())]
    lines = [f"{result['n']} vragen ({result.get('n_unanswerable', 0)} zonder antwoord), k={k}",
             "| modus | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for mode, row in result["modes"].items():
        lines.append(f"| {mode} | " + " | ".join(f"{row[c]:.3f}" if c in row else "–" for c in cols) + " |")
    return "\n".join(lines)
