"""The regression gate: every dev set (hybrid, answers included) against the committed eval/baseline.json.
A metric that gets worse by more than 0.01 fails; the baseline is updated only in the commit that says why
(`python scripts/run_eval.py --all --write-baseline`). Needs ../shared (the sample PDFs, VAC, policyqa)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "scripts"))

from run_eval import BASELINE, gate_sets, regressions  # noqa: E402


def test_a_drop_of_more_than_the_tolerance_is_a_regression_and_direction_counts():
    baseline = {"a": {"answer_in_first_quote": 0.80, "refused_answerable": 0.05, "recall@5": 0.9}}
    assert regressions({"a": {"answer_in_first_quote": 0.795, "refused_answerable": 0.055, "recall@5": 0.9}},
                       baseline) == []
    worse = regressions({"a": {"answer_in_first_quote": 0.78, "refused_answerable": 0.07}}, baseline)
    assert worse == ["a answer_in_first_quote: 0.800 -> 0.780", "a refused_answerable: 0.050 -> 0.070",
                     "a recall@5: ontbreekt (was 0.900)"]
    assert regressions({"a": {"answer_in_first_quote": 0.9, "refused_answerable": 0.0, "recall@5": 1.0}},
                       baseline) == []  # better is never a regression


def test_the_baseline_covers_every_dev_set():
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert set(baseline) == set(gate_sets(SHARED)) | {"policyqa"}
    assert {"corpus_dev", "followup_dev", "overview_dev", "pdf_dev", "samples_dev", "samples_fresh", "samples_holdout",
            "corpus_fresh", "corpus_pool", "samples_pool", "rijksoverheid-vac", "policyqa"} <= set(baseline)
    assert "answer_in_first_quote" in baseline["samples_dev"] and "refused_unanswerable" in baseline["samples_dev"]


@pytest.mark.slow
@pytest.mark.timeout(3000)
@pytest.mark.skipif(not (SHARED / "pdf-samples").is_dir() or not (SHARED / "eval-data/policyqa-nl").is_dir(),
                    reason="shared/ not present")
def test_no_dev_set_metric_drops_against_the_baseline():
    out = subprocess.run([sys.executable, "scripts/run_eval.py", "--all", "--shared", str(SHARED)], cwd=ROOT,
                         capture_output=True, text=True, timeout=3000)
    drops = [line for line in out.stderr.splitlines() if line.startswith("ACHTERUITGANG")]
    assert out.returncode == 0 and not drops, "\n".join(drops) or out.stderr[-3000:]


def test_rule_ablation_switches_off_each_counted_rule_wherever_it_was_imported():
    """scripts/rule_ablation.py: the rules it switches off are the patterns and word lists that answer_knobs.py
    counts, and a rule switched off no longer matches in the module that imported it either."""
    import ast
    import importlib

    import answer_knobs
    import rule_ablation

    listed = rule_ablation.rules()
    counted = [answer_knobs.count(ast.parse(f.read_text(encoding="utf-8"))) for f in rule_ablation.answer_files()]
    assert len(listed) == sum(c["patterns"] + c["word_lists"] for c in counted)
    assert "vraagbaak.answer.kinds:WHEN_ANSWER" in listed
    kinds = importlib.import_module("vraagbaak.answer.kinds")
    original = kinds.WHEN_ANSWER
    users = [m for m in list(sys.modules.values())
             if getattr(m, "__name__", "").startswith("vraagbaak") and getattr(m, "WHEN_ANSWER", None) is original]
    try:
        assert rule_ablation.switch_off("vraagbaak.answer.kinds:WHEN_ANSWER") == len(users) >= 1
        assert all(not m.WHEN_ANSWER.search("op 1 maart 2011") for m in users)
    finally:
        for m in users:
            m.WHEN_ANSWER = original
