"""Count what tunes the answer by hand: patterns, word lists and numbers in vraagbaak/answer/ and
vraagbaak/assistant.py, and the answer settings, at any commit (issue 27 asks for the number of rules and knobs before and after).

    python scripts/answer_knobs.py [COMMIT ...]      # default: HEAD

Counted mechanically from the source (ast), so the figures of two commits compare:
- patterns: module-level ``re.compile(...)``;
- word lists: module-level sets, tuples, lists or dicts of two or more string literals;
- named numbers: module- or class-level names bound to a number literal;
- bare numbers: number literals inside functions other than 0, 1 and -1 (a ``margin / 2``, a ``+ 20``);
- settings: fields of vraagbaak/settings.py that the answer stage reads (found_, near_, quote_, answer_,
  overview_, sentence_, max_quotes).
Fitted weights (judge.json) are data, not knobs, and are not counted.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWER_PREFIXES = ("found_", "near_", "quote_", "answer_", "overview_", "sentence_", "max_quotes")


def _source(commit: str, path: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"], capture_output=True, text=True,
                          check=True).stdout


def _files(commit: str) -> list[str]:
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", commit, "vraagbaak/answer/"],
                            capture_output=True, text=True, check=True).stdout.split()
    # the Assistant decided "found" too before the answer pipeline had one judge (issue 27), and still owns the
    # absence checks: its rules are answer rules
    return [p for p in listed if p.endswith(".py")] + ["vraagbaak/assistant.py"]


def _is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def _strings(node: ast.AST) -> int:
    elements = node.elts if isinstance(node, (ast.Set, ast.Tuple, ast.List)) else \
        node.keys if isinstance(node, ast.Dict) else []
    return sum(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements)


def kind_of(value: ast.AST) -> str | None:
    """What a bound value counts as: "patterns", "word_lists", "named_numbers", or None."""
    if isinstance(value, ast.Call) and getattr(value.func, "attr", "") == "compile":
        return "patterns"
    if _strings(value) >= 2:
        return "word_lists"
    return "named_numbers" if _is_number(value) else None


def count(tree: ast.Module) -> dict[str, int]:
    out = {"patterns": 0, "word_lists": 0, "named_numbers": 0, "bare_numbers": 0}
    top = [n for n in tree.body] + [n for c in tree.body if isinstance(c, ast.ClassDef) for n in c.body]
    for node in top:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            kind = kind_of(node.value)
            if kind:
                out[kind] += 1
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if _is_number(node) and node.value not in (0, 1, -1):
                    out["bare_numbers"] += 1
    return out


def settings_knobs(commit: str) -> int:
    tree = ast.parse(_source(commit, "vraagbaak/settings.py"))
    return sum(isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id.startswith(ANSWER_PREFIXES)
               for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for n in c.body)


def at(commit: str) -> dict[str, int]:
    total = {"patterns": 0, "word_lists": 0, "named_numbers": 0, "bare_numbers": 0}
    for path in _files(commit):
        for key, value in count(ast.parse(_source(commit, path))).items():
            total[key] += value
    return {"commit": commit, **total, "settings": settings_knobs(commit)}


if __name__ == "__main__":
    for commit in sys.argv[1:] or ["HEAD"]:
        print(json.dumps(at(commit)))
