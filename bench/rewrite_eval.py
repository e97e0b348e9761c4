"""Judge the engine's whole-reply rewrites the way ../shared/eval/judge_rewrites.py does.

    python bench/rewrite_eval.py [GOLD.jsonl ...] [--show N]

Default: ../shared/eval/rewrite-dev.jsonl. Each reply is checked, each rewrite checked again, and
the judge decides (residue gone, facts kept, one answer time, no dangling hedge, no repetition,
not bloated, clean on recheck). Prints the share of flagged replies whose rewrite is good and how
many clean rows were changed (should be 0).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EVAL = ROOT.parent / "shared" / "eval"
JUDGE = EVAL / "judge_rewrites.py"


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_rows(rows: list[dict]) -> list[dict]:
    """The engine's output for each row, as `huashu check --jsonl` writes it."""
    from assistant.checker import get_checker

    reports = get_checker().check_many([r["text"] for r in rows])
    return [{"id": r["id"], "text": r["text"]} | rep.to_dict() for r, rep in zip(rows, reports)]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def judge(gold_rows: list[dict], results: list[dict], show: int = 0) -> dict:
    """The judge's summary for `results` (from check_rows) against `gold_rows`, plus the number of
    clean rows whose text was changed."""
    again = check_rows([{"id": x["id"], "text": x["rewrite"]} for x in results if x.get("rewrite")])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        args = [sys.executable, str(JUDGE), str(_write(tmp / "gold.jsonl", gold_rows)),
                str(_write(tmp / "pred.jsonl", results)), "--recheck", str(_write(tmp / "re.jsonl", again))]
        if show:
            print(subprocess.run([*args, "--show", str(show)], capture_output=True, text=True).stdout)
        done = subprocess.run([*args, "--json"], capture_output=True, text=True)
    summary = json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])
    clean = {r["id"] for r in gold_rows if not r.get("F") and not r.get("D")}
    summary["clean_rows_changed"] = sum(
        1 for x in results if x["id"] in clean and x.get("rewrite") and x["rewrite"] != x["text"]
    )
    return summary


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="*", type=Path, default=[EVAL / "rewrite-dev.jsonl"])
    ap.add_argument("--show", type=int, default=0, help="list this many rejected rewrites")
    a = ap.parse_args()
    for path in a.gold:
        rows = read_rows(path)
        summary = judge(rows, check_rows(rows), a.show)
        print(json.dumps({"set": path.name, "flagged": summary["flagged"], "good": summary["good"],
                          "good_rate": summary["good_rate"], "clean_rows_changed": summary["clean_rows_changed"],
                          "problems": summary.get("problems")}, ensure_ascii=False))


if __name__ == "__main__":
    main()
