"""Report speed: `huashu report` over the audit of 1,000,000 messages (the spec: under a minute once
the audit is done; it reads the audit's outputs, not the transcripts).

    python bench/report_scale.py [--messages 1000000] [--audited 20000]

Audits `--audited` generated messages for real, then repeats the audit's conversation rows (new
ids, each copy a few days later, so the data run over several months) until they stand for
`--messages` messages, and times the report on that folder. Prints the seconds, the rows read and
the report's period.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import transcripts  # noqa: E402

DAY_MS = 86_400_000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--audited", type=int, default=20_000)
    a = ap.parse_args()
    huashu = str(Path(sys.executable).with_name("huashu"))
    tmp = Path(tempfile.mkdtemp(prefix="huashu-report-bench-"))
    chats = tmp / "chats.jsonl"
    chats.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in transcripts(a.audited, seed=5)), encoding="utf-8")
    subprocess.run([huashu, "audit", str(chats), "--out", str(tmp / "audit")], check=True, stdout=subprocess.DEVNULL)
    rows = [json.loads(line) for line in (tmp / "audit" / "conversations.jsonl").read_text(encoding="utf-8").splitlines()]
    copies = max(1, round(a.messages / sum(r["messages"] for r in rows)))
    big = tmp / "big"
    big.mkdir()
    shutil.copy(tmp / "audit" / "summary.json", big / "summary.json")
    with open(big / "conversations.jsonl", "w", encoding="utf-8") as out:
        for k in range(copies):
            shift = k * 3 * DAY_MS
            for r in rows:
                c = dict(r, conversation_id=f"{r['conversation_id']}-{k}", first_ms=r["first_ms"] + shift)
                for key in ("complaint_t", "emergency_t"):
                    if c[key] is not None:
                        c[key] += shift
                c["replies"] = [[t + shift, *rest] for t, *rest in r["replies"]]
                c["matters"] = [
                    {**m, "t": m["t"] + shift, **({"emergency_t": m["emergency_t"] + shift} if m["emergency_t"] else {})}
                    for m in r["matters"]
                ]
                out.write(json.dumps(c, ensure_ascii=False) + "\n")
    messages = copies * sum(r["messages"] for r in rows)
    started = time.perf_counter()
    subprocess.run([huashu, "report", str(big), "--out", str(tmp / "report")], check=True)
    seconds = time.perf_counter() - started
    report = json.loads((tmp / "report" / "report.json").read_text(encoding="utf-8"))
    print(json.dumps({
        "messages": messages,
        "conversations": copies * len(rows),
        "audit_rows_mb": round((big / "conversations.jsonl").stat().st_size / 2**20, 1),
        "report_seconds": round(seconds, 1),
        "period": report["period"]["label"],
        "conversations_in_period": report["data"]["conversations"],
    }, ensure_ascii=False, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
