"""Auditing one partition: every conversation whose messages hashed into it.

A partition is the unit of work (local worker processes and Dask tasks alike): its messages are
grouped by conversation and put in time order, the agent's messages are checked by the engine
(residents' messages are context only, so a resident quoting 改天再联系 back is never counted),
each conversation is scored against the complaint procedure, and everything the outputs need is
returned as plain data: finding rows, conversation rows and aggregates that add up across
partitions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timezone

from assistant.conversation import Turn, score_conversation

EXAMPLES_PER_CATEGORY = 3


def _ref(m: dict, files: list[str]) -> str:
    return m["m"] if m.get("m") else f"{files[m['f']]}:{m['l']}"


def _day(time_ms: int) -> str:
    return datetime.fromtimestamp(time_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d")


def audit_partition(checker, messages: list[dict], files: list[str]) -> dict:
    """Findings, conversation rows and aggregates for the messages of one partition."""
    conversations: dict[str, list[dict]] = defaultdict(list)
    for m in messages:
        conversations[m["c"]].append(m)
    ordered = sorted(conversations.items(), key=lambda kv: (min(m["t"] for m in kv[1]), kv[0]))

    agent_texts = [m["x"] for _, ms in ordered for m in sorted(ms, key=lambda m: (m["t"], m["n"])) if m["r"] == "agent"]
    reports = iter(checker.check_many(agent_texts, workers=1, compose=False))  # the audit reads findings only

    findings_rows: list[dict] = []
    conversation_rows: list[dict] = []
    agents: dict[str, dict] = {}
    days: dict[str, dict] = {}
    categories: Counter = Counter()
    phrases: Counter = Counter()
    examples: dict[str, list] = {}
    counts = Counter()

    def agent(name: str) -> dict:
        return agents.setdefault(
            name, {"messages": 0, "conversations": 0, "findings": Counter(), "score_sum": 0, "vetoes": 0}
        )

    for conversation_id, ms in ordered:
        ms.sort(key=lambda m: (m["t"], m["n"]))
        turns: list[Turn] = []
        conversation_findings = Counter()
        participants: list[str] = []
        for m in ms:
            counts["messages"] += 1
            if m["r"] != "agent":
                counts["customer_messages"] += 1
                turns.append(Turn("customer", m["x"], _ref(m, files)))
                continue
            counts["agent_messages"] += 1
            report = next(reports)
            a = agent(m["s"])
            a["messages"] += 1
            if m["s"] not in participants:
                participants.append(m["s"])
            day = days.setdefault(_day(m["t"]), {"agent_messages": 0, "findings": Counter()})
            day["agent_messages"] += 1
            cats = frozenset(f.category for f in report.findings)
            turns.append(Turn("agent", m["x"], _ref(m, files), cats))
            for f in report.findings:
                findings_rows.append(
                    {
                        "message_id": m.get("m"),
                        "file": files[m["f"]],
                        "line": m["l"],
                        "conversation_id": conversation_id,
                        "sender": m["s"],
                        "time": m["tt"],
                        "rule_id": f.rule_id,
                        "category": f.category,
                        "severity": f.severity,
                        "start": f.start,
                        "end": f.end,
                        "match": f.match,
                        "suggestion": f.suggestions[0] if f.suggestions else "",
                        "confidence": f.confidence,
                    }
                )
                a["findings"][f.category] += 1
                day["findings"][f.category] += 1
                categories[f.category] += 1
                conversation_findings[f.severity] += 1
                phrases[(f.category, f.match.strip())] += 1
            for category in sorted(cats):
                bucket = examples.setdefault(category, [])
                if len(bucket) < EXAMPLES_PER_CATEGORY:
                    bucket.append(
                        {
                            "text": m["x"],
                            "spans": [[f.start, f.end, f.category] for f in report.findings],
                            "conversation_id": conversation_id,
                            "sender": m["s"],
                            "time": m["tt"],
                        }
                    )
        outcome = score_conversation(checker, turns)
        counts["conversations"] += 1
        for name in participants:
            a = agent(name)
            a["conversations"] += 1
            a["score_sum"] += outcome.score
            a["vetoes"] += int(outcome.veto)
        conversation_rows.append(
            {
                "conversation_id": conversation_id,
                "agents": ";".join(participants),
                "messages": len(ms),
                "agent_messages": sum(1 for m in ms if m["r"] == "agent"),
                "first_time": ms[0]["tt"],
                "last_time": ms[-1]["tt"],
                "complaint": outcome.complaint_at is not None,
                "complaint_at": outcome.complaint_at or "",
                "emergency": outcome.emergency_at is not None,
                "emergency_at": outcome.emergency_at or "",
                "replies_checked": outcome.replies_checked,
                "score": outcome.score,
                "veto": outcome.veto,
                "steps_missed": ";".join(s.name for s in outcome.steps_missed),
                "forbidden": conversation_findings["error"],
                "disliked": conversation_findings["warning"],
            }
        )
    return {
        "findings": findings_rows,
        "conversations": conversation_rows,
        "agents": {k: {**v, "findings": dict(v["findings"])} for k, v in agents.items()},
        "days": {k: {"agent_messages": v["agent_messages"], "findings": dict(v["findings"])} for k, v in days.items()},
        "categories": dict(categories),
        "phrases": [[c, p, n] for (c, p), n in phrases.items()],
        "examples": examples,
        "counts": dict(counts),
    }
