"""The shared dev set, scored exactly as the project is judged: `huashu check --jsonl` output fed
to ../shared/eval/score.py with the targets (forbidden F1 >= 0.95, disliked F1 >= 0.90, clean
rows flagged <= 2%)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SHARED, huashu_command

DEV = SHARED / "eval" / "dev.jsonl"
SCORE = SHARED / "eval" / "score.py"

pytestmark = pytest.mark.skipif(not DEV.exists(), reason="../shared/eval is not beside this checkout")


def test_dev_eval_meets_targets(tmp_path, run_env):
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    src = tmp_path / "dev-in.jsonl"
    src.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    pred = tmp_path / "dev-pred.jsonl"
    with pred.open("wb") as out:
        done = subprocess.run([*huashu_command(), "check", "--jsonl", str(src)], stdout=out, env=run_env, timeout=300)
    assert done.returncode in (0, 1)
    scored = subprocess.run(
        [sys.executable, str(SCORE), str(DEV), str(pred), "--json",
         "--min-f1-forbidden", "0.95", "--min-f1-disliked", "0.90", "--max-clean-flag-rate", "0.02"],
        capture_output=True, text=True, timeout=120,
    )
    summary = json.loads(scored.stdout.splitlines()[0])
    assert scored.returncode == 0, summary
    assert summary["missing_predictions"] == 0
