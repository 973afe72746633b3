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
