"""The audit's output files, written from the partition results in order, each atomically.

findings.jsonl     one row per finding (message id or file and line, conversation, sender, time,
                   category, severity, offsets, match, suggestion)
conversations.csv  per conversation: score, veto, complaint/emergency and where, steps missed
conversations.jsonl the same rows in full, with each agent's counts and the residents' matters
                   (section, issue, opening message, complaint, emergency, time to staff's first
                   answer): what `huashu report` reads
agents.csv         per agent: messages, findings per 100 messages by category, average score, vetoes
summary.json       totals: messages, conversations, agents, rejected, counts by category, ...
errors.jsonl       rejected input rows: file, line, reason
report.html        one self-contained page with charts and examples (audit/report.py)
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from audit.files import AtomicWriter, write_atomic
from assistant.taxonomy import taxonomy

CONVERSATION_FIELDS = [
    "conversation_id", "agents", "messages", "agent_messages", "first_time", "last_time", "score", "veto",
    "complaint", "complaint_at", "emergency", "emergency_at", "replies_checked", "steps_missed",
    "forbidden", "disliked",
]
TOP_PHRASES = 20


def finding_codes() -> list[str]:
    return [c for c, cat in taxonomy().categories.items() if cat.group != "liked"]


def _csv_value(v):
    if isinstance(v, list):
        return ";".join(v)
    return "true" if v is True else "false" if v is False else v


def write_outputs(opts, results: Iterable[dict], work: Path, partitioned: dict) -> dict:
    from audit.report import render

    out = opts.out
    codes = finding_codes()
    agents: dict[str, dict] = {}
    days: dict[str, dict] = {}
    categories: Counter = Counter()
    phrases: Counter = Counter()
    examples: dict[str, list] = {}
    counts: Counter = Counter()
    conversation_stats = Counter()
    with (
        AtomicWriter(out / "findings.jsonl") as findings_file,
        AtomicWriter(out / "conversations.csv") as conv_file,
        AtomicWriter(out / "conversations.jsonl") as conv_rows,
    ):
        conversations = csv.DictWriter(conv_file, fieldnames=CONVERSATION_FIELDS)
        conversations.writeheader()
        for result in results:
            for row in result["findings"]:
                findings_file.write(json.dumps(row, ensure_ascii=False) + "\n")
            for row in result["conversations"]:
                conversations.writerow({k: _csv_value(row[k]) for k in CONVERSATION_FIELDS})
                conv_rows.write(json.dumps(row, ensure_ascii=False) + "\n")
                conversation_stats["score_sum"] += row["score"]
                conversation_stats["complaints"] += int(row["complaint"])
                conversation_stats["emergencies"] += int(row["emergency"])
                conversation_stats["vetoes"] += int(row["veto"])
            for name, a in result["agents"].items():
                merged = agents.setdefault(
                    name, {"messages": 0, "conversations": 0, "findings": Counter(), "score_sum": 0, "vetoes": 0}
                )
                for key in ("messages", "conversations", "score_sum", "vetoes"):
                    merged[key] += a[key]
                merged["findings"].update(a["findings"])
            for day, d in result["days"].items():
                merged = days.setdefault(day, {"agent_messages": 0, "findings": Counter()})
                merged["agent_messages"] += d["agent_messages"]
                merged["findings"].update(d["findings"])
            categories.update(result["categories"])
            for category, phrase, n in result["phrases"]:
                phrases[(category, phrase)] += n
            for category, items in result["examples"].items():
                bucket = examples.setdefault(category, [])
                bucket.extend(items[: max(0, 3 - len(bucket))])
            counts.update(result["counts"])

    agent_rows = []
    for name in sorted(agents):
        a = agents[name]
        per100 = lambda n: round(100 * n / a["messages"], 2) if a["messages"] else 0.0  # noqa: E731
        row = {"agent": name, "messages": a["messages"], "conversations": a["conversations"],
               "findings": sum(a["findings"].values())}
        row.update({f"{c}_per_100": per100(a["findings"].get(c, 0)) for c in codes})
        row["forbidden_per_100"] = per100(sum(n for c, n in a["findings"].items() if c.startswith("F")))
        row["disliked_per_100"] = per100(sum(n for c, n in a["findings"].items() if c.startswith("D")))
        row["average_score"] = round(a["score_sum"] / a["conversations"], 1) if a["conversations"] else ""
        row["vetoes"] = a["vetoes"]
        agent_rows.append(row)
    buffer = io.StringIO()
    fields = ["agent", "messages", "conversations", "findings", *[f"{c}_per_100" for c in codes],
              "forbidden_per_100", "disliked_per_100", "average_score", "vetoes"]
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(agent_rows)
    write_atomic(out / "agents.csv", buffer.getvalue())

    pc = partitioned["counts"]
    conversations_total = counts.get("conversations", 0)
    summary = {
        "messages": counts.get("messages", 0),
        "agent_messages": counts.get("agent_messages", 0),
        "customer_messages": counts.get("customer_messages", 0),
        "conversations": conversations_total,
        "agents": len(agents),
        "rejected": pc.get("rejected", 0),
        "skipped": pc.get("skipped", 0),
        "findings": sum(categories.values()),
        "categories": {c: categories.get(c, 0) for c in codes},
        "forbidden": sum(n for c, n in categories.items() if c.startswith("F")),
        "disliked": sum(n for c, n in categories.items() if c.startswith("D")),
        "complaints": conversation_stats["complaints"],
        "emergencies": conversation_stats["emergencies"],
        "vetoes": conversation_stats["vetoes"],
        "average_score": round(conversation_stats["score_sum"] / conversations_total, 1) if conversations_total else None,
        "inputs": [str(p) for p in opts.inputs],
    }
    write_atomic(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2))
    write_atomic(out / "errors.jsonl", (work / "errors.jsonl").read_bytes())
    top = [{"category": c, "phrase": p, "count": n} for (c, p), n in phrases.most_common(TOP_PHRASES)]
    write_atomic(
        out / "report.html",
        render(summary, agent_rows, {d: days[d] for d in sorted(days)}, top, examples, mask_pii=opts.mask_pii),
    )
    return summary
