"""Which hand rules of the answer stage the dev sets need: each pattern or word list switched off in turn.

    python scripts/rule_ablation.py [--shared ../shared] [--cache DIR] [--only NAME ...] [--jobs N]

A rule is a module-level pattern or word list of vraagbaak/answer/ or vraagbaak/assistant.py, as
`scripts/answer_knobs.py` counts them. Switched off, a pattern matches nothing and a word list is empty, in every
module that imported it. For each rule, every answer set of the regression gate (`scripts/run_eval.py`, without
VAC and policyqa: they measure retrieval and are slow) is asked again, in a fresh process, and the answer figures
that move are printed, with "+" where the figure got better without the rule. A rule whose figures do not move is
one the sets do not see: it may still guard a case that its test names (issue 27 asks to remove what the judge
makes redundant, each with the figures before and after). A pattern that only builds another pattern when the
module loads (`kinds.DATE` inside `kinds.WHEN_ANSWER`) cannot be switched off this way and shows no effect.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from answer_knobs import kind_of  # noqa: E402

MEASURED = ("answer_in_first_quote", "answer_in_bold", "answer_in_quotes", "declined_unanswerable",
            "declined_answerable", "overview_recall", "overview_precision")
LOWER_IS_BETTER = {"declined_answerable"}
NEVER = re.compile(r"(?!x)x")


def answer_files() -> list[Path]:
    """The files whose rules answer_knobs.py counts, in this working tree."""
    return sorted((ROOT / "vraagbaak/answer").glob("*.py")) + [ROOT / "vraagbaak/assistant.py"]


def rules() -> list[str]:
    """module:NAME of every module-level pattern or word list of the answer stage (answer_knobs.kind_of)."""
    out = []
    for path in answer_files():
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and kind_of(node.value) in ("patterns", "word_lists"):
                out.append(f"{module}:{node.targets[0].id}")
    return out


def switch_off(rule: str) -> int:
    """Replace the rule's object wherever a module of vraagbaak holds it; the number of places."""
    module, name = rule.split(":")
    original = getattr(importlib.import_module(module), name)
    if isinstance(original, re.Pattern):
        empty = NEVER
    elif isinstance(original, frozenset):
        empty = frozenset()
    else:
        empty = type(original)()
    places = 0
    for loaded in list(sys.modules.values()):
        if getattr(loaded, "__name__", "").startswith("vraagbaak"):
            for key, value in list(vars(loaded).items()):
                if value is original:
                    setattr(loaded, key, empty)
                    places += 1
    return places


def measure(shared: Path, cache: Path, rule: str | None) -> dict[str, dict[str, float]]:
    """The answer figures of every answer set, with `rule` switched off (None: as it is)."""
    from run_eval import gate_sets

    from vraagbaak.assistant import Assistant
    from vraagbaak.evaluation import answer_scores, load_questions

    if rule:
        switch_off(rule)
    sets = {name: paths for name, paths in gate_sets(shared).items() if name != "rijksoverheid-vac"}
    assistants: dict[Path, Assistant] = {}
    out = {}
    for name, (corpus, questions) in sets.items():
        if corpus not in assistants:
            assistants[corpus] = Assistant.for_corpus(corpus, cache / corpus.name)
            assistants[corpus].ensure_index()
        assistant = assistants[corpus]
        asked = load_questions(questions)
        answers = [assistant.ask(q["question"], previous=q.get("previous", [])) for q in asked]
        scores = answer_scores(asked, answers, assistant.pages_text, assistant.settings.quote_max_words)
        out[name] = {key: round(scores[key], 3) for key in MEASURED if key in scores}
    return out


def moved(before: dict, after: dict) -> list[str]:
    lines = []
    for name, figures in before.items():
        for key, value in figures.items():
            new = after.get(name, {}).get(key)
            if new is not None and abs(new - value) > 1e-9:
                better = new < value if key in LOWER_IS_BETTER else new > value
                lines.append(f"{name} {key} {value:.3f} -> {new:.3f}{' +' if better else ''}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "vraagbaak-ablation")
    ap.add_argument("--only", nargs="*", help="module:NAME of the rules to switch off (default: all)")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # a worker: measure with this rule off, print JSON
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.shared, args.cache, args.one or None)))
        return
    worker = [sys.executable, __file__, "--shared", str(args.shared), "--cache", str(args.cache), "--one"]
    before = json.loads(subprocess.run(worker + [""], capture_output=True, text=True, check=True).stdout)
    print("| regel | wat beweegt zonder de regel (+: beter) |\n|---|---|")
    for rule in args.only or rules():
        done = subprocess.run(worker + [rule], capture_output=True, text=True)
        if done.returncode:
            lines = [f"niet uit te zetten: {(done.stderr.strip().splitlines() or ['?'])[-1]}"]
        else:
            lines = moved(before, json.loads(done.stdout)) or ["niets"]
        print(f"| `{rule}` | {'; '.join(lines)} |", flush=True)


if __name__ == "__main__":
    main()
