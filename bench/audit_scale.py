"""Audit speed: `huashu audit` with 2 worker processes against 1, on one generated corpus.

    python bench/audit_scale.py [--messages 120000]

Prints both wall times, the speed-up (target >= 1.6 on 2 cores) and the projected time for
1,000,000 messages with 2 workers (target < 180 s). Agent replies in the corpus are unique, so
the engine does real work for every one of them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import transcripts  # noqa: E402


def timed_audit(path: Path, out: Path, workers: int) -> float:
    huashu = str(Path(sys.executable).with_name("huashu"))
    started = time.perf_counter()
    subprocess.run([huashu, "audit", str(path), "--out", str(out), "--workers", str(workers)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=120_000)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="huashu-audit-bench-"))
    rows = transcripts(a.messages, seed=5)
    path = tmp / "chats.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    agent = sum(1 for r in rows if r["role"] == "agent")
    timed_audit(path, tmp / "warm", 2)  # jieba's cache, disk cache
    one = timed_audit(path, tmp / "one", 1)
    two = timed_audit(path, tmp / "two", 2)
    same = all((tmp / "one" / n).read_bytes() == (tmp / "two" / n).read_bytes() for n in ("findings.jsonl", "conversations.csv"))
    print(json.dumps({
        "messages": a.messages,
        "agent_messages": agent,
        "input_mb": round(path.stat().st_size / 2**20, 1),
        "cores": len(os.sched_getaffinity(0)),
        "seconds": {"workers_1": round(one, 2), "workers_2": round(two, 2)},
        "speedup": round(one / two, 2),
        "messages_per_s_2_workers": round(a.messages / two),
        "projected_seconds_1M_messages_2_workers": round(two * 1_000_000 / a.messages, 1),
        "same_outputs": same,
    }, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
