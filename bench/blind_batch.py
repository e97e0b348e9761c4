"""Score a fresh blind batch with the engine as it is now, before anything is tuned on it.

    python bench/blind_batch.py BATCH.jsonl [...] [--log "who wrote it and how"] [--rewrites]

A staff batch ({"id", "text", "F", "D", "allow", ...}) is checked by the shipped engine and scored
by ../shared/eval/score.py (and, with --rewrites and `residue`/`keep` in the rows, the rewrites
judged by ../shared/eval/judge_rewrites.py with a recheck, as the shared README does it). A residents
batch ({"id", "text", "psychology", "topic", "emergency"}) is read by the coach's reading (cues and
classifier) and scored as bench/generalisation.py scores a held-out batch.

--log appends one line per batch to bench/blind_log.jsonl: the record that a batch was scored
before the engine learned from it. Run it once, on the day the batch arrives.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generalisation import _reading_score  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
LOG = ROOT / "bench" / "blind_log.jsonl"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _check(rows: list[dict], out: Path) -> list[dict]:
    from assistant.checker import get_checker

    checker = get_checker()
    reports = checker.check_many([r["text"] for r in rows])
    results = [{"id": r["id"], "text": r["text"]} | rep.to_dict() for r, rep in zip(rows, reports)]
    out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in results), encoding="utf-8")
    return results


def _run_json(*args: str) -> dict:
    done = subprocess.run([sys.executable, *args, "--json"], capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


def score_staff(path: Path, rewrites: bool) -> dict:
    rows = _rows(path)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gold = tmp / "gold.jsonl"
        gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        results = _check(rows, tmp / "pred.jsonl")
        summary = _run_json(str(EVAL / "score.py"), str(gold), str(tmp / "pred.jsonl"))
        line = {"batch": path.stem, "kind": "staff", "rows": len(rows)}
        for key in ("forbidden", "disliked"):
            line[f"{key}_f1"] = summary[key]["f1"]
            line[f"{key}_recall"] = summary[key]["recall"]
        line["clean"] = summary["clean_rows"]
        line["clean_flag_rate"] = summary["clean_flag_rate"]
        line |= _multi_recall(rows, results)
        if rewrites and all("residue" in r for r in rows):
            again = [{"id": x["id"], "text": x["rewrite"]} for x in results if x.get("rewrite")]
            _check(again, tmp / "recheck.jsonl")
            judged = _run_json(str(EVAL / "judge_rewrites.py"), str(gold), str(tmp / "pred.jsonl"),
                               "--recheck", str(tmp / "recheck.jsonl"))
            line |= {"rewrites_judged": judged["flagged"], "rewrites_good": judged["good"],
                     "rewrites_good_rate": judged["good_rate"]}
    return line


def _multi_recall(rows: list[dict], results: list[dict]) -> dict:
    """Recall of each code on rows with two or more problems (the issue's per-code target)."""
    hit, total = {}, {}
    for row, res in zip(rows, results):
        gold = set(row.get("F", [])) | set(row.get("D", []))
        if len(gold) < 2:
            continue
        got = {f["category"] for f in res.get("findings", [])} | set(row.get("allow", []))
        for code in gold:
            total[code] = total.get(code, 0) + 1
            hit[code] = hit.get(code, 0) + (code in got)
    per_code = {c: round(hit[c] / total[c], 3) for c in sorted(total)}
    return {"multi_rows": sum(1 for r in rows if len(set(r.get("F", [])) | set(r.get("D", []))) >= 2),
            "multi_recall": round(sum(hit.values()) / max(1, sum(total.values())), 3),
            "multi_recall_by_code": per_code}


def score_residents(path: Path) -> dict:
    from assistant.checker import get_checker

    signals = get_checker().procedure.signals
    items = []
    for row in _rows(path):
        reading = signals.read(row["text"])
        items.append((row, {c for c, _, _ in reading.psychology}, reading.topic[0], reading.emergency))
    return {"batch": path.stem, "kind": "residents", "rows": len(items)} | _reading_score(items)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("batches", nargs="+", type=Path)
    ap.add_argument("--log", help="append to bench/blind_log.jsonl, saying who wrote the batches and how")
    ap.add_argument("--rewrites", action="store_true", help="also judge the rewrites (staff batches with residue/keep)")
    a = ap.parse_args()
    today = datetime.date.today().isoformat()
    for path in a.batches:
        first = _rows(path)[0]
        line = score_residents(path) if "psychology" in first else score_staff(path, a.rewrites)
        print(json.dumps(line, ensure_ascii=False))
        if a.log:
            line |= {"written": a.log, "scored_before_tuning_with": f"the shipped engine, {today}"}
            with LOG.open("a", encoding="utf-8") as f:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
