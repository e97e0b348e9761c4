"""Auditing one partition: every conversation whose messages hashed into it.

A partition is the unit of work (local worker processes and Dask tasks alike): its messages are
grouped by conversation and put in time order, the agent's messages are checked by the engine
(residents' messages are context only, so a resident quoting 改天再联系 back is never counted),
each conversation is scored against the complaint procedure, the residents' messages are read
into matters (what they raised, under which report section, whether as a complaint or an
emergency, and how soon staff first answered: what `huashu report` counts), and everything the
outputs need is returned as plain data: finding rows, conversation rows and aggregates that add
up across partitions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timezone

from assistant.conversation import Turn, score_conversation
from assistant.normalise import normalise
from assistant.timing import local_time

EXAMPLES_PER_CATEGORY = 3
MATTER_TEXT_CHARS = 200  # a matter's opening message as kept for the report's examples
ISSUE_CHARS = 4  # topic words longer than this are cut to a noun in them (垃圾三天没人收 -> 垃圾)


def _ref(m: dict, files: list[str]) -> str:
    return m["m"] if m.get("m") else f"{files[m['f']]}:{m['l']}"


def _day(time_ms: int) -> str:
    return datetime.fromtimestamp(time_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d")


def _issue(signals, tagged, text, code: str) -> str:
    """The matter raised, in a word or two: the first of the words naming the section's matters
    that is short enough to be one (电梯, 停水, 维修基金), else the first noun inside a longer one
    (垃圾三天没人收 -> 垃圾), else its first word."""
    for words in signals.topic_words(text, code):
        if 2 <= len(words) <= ISSUE_CHARS:
            return words
        if len(words) > ISSUE_CHARS:
            named = [(w, flag) for w, flag in tagged(words) if len(w) >= 2]
            noun = next((w for w, flag in named if flag.startswith("n") and flag != "nr" or flag == "vn"), None)
            if noun or named:
                return noun or named[0][0]
    return ""


def _matter(code: str, name: str, opening: dict, text, issue: str) -> dict:
    """A new matter: section, issue, the message that named it and when it began."""
    return {
        "topic": code, "name": name, "at": opening["ref"], "t": opening["t"], "time": opening["time"],
        "issue": issue, "text": text.original[:MATTER_TEXT_CHARS], "messages": 0, "complaint": False,
        "emergency": None, "emergency_name": None, "emergency_at": None, "emergency_t": None,
        "reply_ms": None, "emergency_reply_ms": None,
    }


class _Matters:
    """The matters a conversation's residents raised, one per report section, in order.

    A message that names no section (到现在还没人来) belongs to the matter talked about before;
    one that comes before any section is named (您好，在吗) waits for the first one named, and
    only a conversation that never names one has an 其它 matter."""

    def __init__(self, checker):
        self.signals = checker.procedure.signals
        self.procedure = checker.procedure
        self.tagged = checker.tokenizer.tagged
        self.matters: dict[str, dict] = {}
        self.waiting: list[tuple[dict, object]] = []  # messages before any section is named
        self.waiting_answered = False
        self.other_reply_ms: int | None = None  # staff's first answer to them
        self.current: str | None = None
        self.complaint_at: int | None = None  # index of the first complaining turn (the procedure starts there)
        self.emergency_at: int | None = None
        self.complaint_t: int | None = None
        self.emergency_t: int | None = None

    def resident(self, index: int, m: dict, ref: str) -> None:
        text = normalise(m["x"])
        emergency = self.signals.emergency_in(text)
        complaint = self.procedure.is_complaint(text)
        if complaint and self.complaint_at is None:
            self.complaint_at, self.complaint_t = index, m["t"]
        if emergency and self.emergency_at is None:
            self.emergency_at, self.emergency_t = index, m["t"]
        code, name = self.signals.topic(text, emergency)
        said = {"ref": ref, "t": m["t"], "time": m["tt"], "complaint": complaint,
                "emergency": emergency[0] if emergency else None,
                "emergency_name": emergency[1] if emergency else None}
        if code == "other":
            if self.current is None:
                self.waiting.append((said, text))
                return
            code = self.current
        matter = self.matters.get(code)
        if matter is None:
            # the matter's clock starts at the first message still waiting for staff (您好，在吗
            # unanswered; not one staff already answered), what was raised is in the message
            # that named it
            opening = self.waiting[0][0] if self.waiting and not self.waiting_answered else said
            matter = self.matters[code] = _matter(code, name, opening, text, _issue(self.signals, self.tagged, text, code))
        for s, _ in self.waiting:
            self._add(matter, s)
        self.waiting = []
        self.waiting_answered = False
        self._add(matter, said)
        self.current = code

    @staticmethod
    def _add(matter: dict, said: dict) -> None:
        matter["messages"] += 1
        matter["complaint"] = matter["complaint"] or said["complaint"]
        if said["emergency"] and matter["emergency"] is None:
            matter.update(emergency=said["emergency"], emergency_name=said["emergency_name"], emergency_at=said["ref"],
                          emergency_t=said["t"])

    def agent(self, time_ms: int) -> None:
        """Staff answered at `time_ms`: the first answer after a matter's opening (and after its
        emergency) is how soon staff responded."""
        if self.waiting and not self.waiting_answered:
            self.waiting_answered = True
            self.other_reply_ms = max(0, time_ms - self.waiting[0][0]["t"])
        for matter in self.matters.values():
            if matter["reply_ms"] is None:
                matter["reply_ms"] = max(0, time_ms - matter["t"])
            if matter["emergency_t"] is not None and matter["emergency_reply_ms"] is None:
                matter["emergency_reply_ms"] = max(0, time_ms - matter["emergency_t"])

    def rows(self) -> list[dict]:
        if self.waiting and not self.matters:
            said, text = self.waiting[0]
            matter = _matter("other", "其它", said, text, "")
            matter["reply_ms"] = self.other_reply_ms
            for s, _ in self.waiting:
                self._add(matter, s)
            self.matters["other"] = matter
        return list(self.matters.values())


def audit_partition(checker, messages: list[dict], files: list[str]) -> dict:
    """Findings, conversation rows and aggregates for the messages of one partition."""
    conversations: dict[str, list[dict]] = defaultdict(list)
    for m in messages:
        conversations[m["c"]].append(m)
    for ms in conversations.values():
        ms.sort(key=lambda m: (m["t"], m["n"]))  # each conversation in the order it was said
    ordered = sorted(conversations.items(), key=lambda kv: (kv[1][0]["t"], kv[0]))

    sent = [m for _, ms in ordered for m in ms if m["r"] == "agent"]
    # the audit reads findings only; their suggestions promise times from when the message was
    # sent, so the outputs do not depend on when the audit runs (and a resumed run equals one)
    reports = iter(checker.check_many([m["x"] for m in sent], workers=1, compose=False,
                                      times=[local_time(m["t"]) for m in sent]))

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
        turns: list[Turn] = []
        conversation_findings = Counter()
        participants: list[str] = []
        matters = _Matters(checker)
        replies: list[list] = []
        for m in ms:
            counts["messages"] += 1
            if m["r"] != "agent":
                counts["customer_messages"] += 1
                ref = _ref(m, files)
                matters.resident(len(turns), m, ref)
                turns.append(Turn("customer", m["x"], ref))
                continue
            counts["agent_messages"] += 1
            report = next(reports)
            matters.agent(m["t"])
            a = agent(m["s"])
            a["messages"] += 1
            if m["s"] not in participants:
                participants.append(m["s"])
            reply = [m["t"], m["s"], 0, 0]  # time, agent, forbidden, disliked: the report counts by period
            replies.append(reply)
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
                reply[2 if f.severity == "error" else 3] += 1
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
        outcome = score_conversation(checker, turns, (matters.complaint_at, matters.emergency_at))
        counts["conversations"] += 1
        for name in participants:
            a = agent(name)
            a["conversations"] += 1
            a["score_sum"] += outcome.score
            a["vetoes"] += int(outcome.veto)
        conversation_rows.append(
            {
                "conversation_id": conversation_id,
                "agents": participants,
                "first_ms": ms[0]["t"],
                "messages": len(ms),
                "agent_messages": len(replies),
                "first_time": ms[0]["tt"],
                "last_time": ms[-1]["tt"],
                "complaint": outcome.complaint_at is not None,
                "complaint_at": outcome.complaint_at or "",
                "emergency": outcome.emergency_at is not None,
                "emergency_at": outcome.emergency_at or "",
                "replies_checked": outcome.replies_checked,
                "score": outcome.score,
                "veto": outcome.veto,
                "steps_missed": [s.name for s in outcome.steps_missed],
                "forbidden": conversation_findings["error"],
                "disliked": conversation_findings["warning"],
                "complaint_t": matters.complaint_t,
                "emergency_t": matters.emergency_t,
                "replies": replies,
                "matters": matters.rows(),
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
