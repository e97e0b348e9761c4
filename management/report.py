"""`huashu report`: the periodic management report (管理报告) a service centre hands to its owners.

Built from an audit (`huashu audit`'s conversations.jsonl, or transcripts audited first) in the
deck's layout: 前言, 正文 by the report's sections (设备, 治安, 消防, 停车场, 清洁, 绿化, 消杀,
管理费收支, 本体维修基金收支, 效果评估, 其它事项), 结语. Every section appears every period
(连续性), empty ones say 本期无相关反映; every figure in report.json carries the conversation ids
behind it (真实性, 可追溯性); the page is plain, warm Chinese (亲和性).

What belongs to a period: a matter by the time the resident raised it, an emergency by the time
it was reported, a complaint's procedure score by the time the complaint was made, a staff reply
by the time it was sent. Dates are in HUASHU_TIMEZONE.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from assistant.timing import default_timezone
from audit.files import write_atomic
from management import reading
from management.document import render
from management.periods import Period, local_day, period_of_request, previous_of, times_of
from management.reading import ReportError
from management.survey import summary as survey_summary

SCHEMA = "huashu.management-report/1"
EXAMPLES_PER_ISSUE = 2
TOP_ISSUES = 5
TREND_PERIODS = 6
UNNAMED_ISSUE = "未点明具体问题"

# The deck's sections of the 正文, in its order; topics are taxonomy.yaml's. 效果评估 is the
# service-quality section; 其它事项 takes the topics the deck's list has no section for.
# (code, title, what residents raise under it, the taxonomy topics it holds)
SECTIONS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("equipment", "设备", "设备", ("equipment",)),
    ("security", "治安", "治安", ("security",)),
    ("fire", "消防", "消防", ("fire",)),
    ("parking", "停车场", "停车", ("parking",)),
    ("cleaning", "清洁", "清洁", ("cleaning",)),
    ("greening", "绿化", "绿化", ("greening",)),
    ("pest", "消杀", "消杀", ("pest",)),
    ("fees", "管理费收支", "管理费", ("fees",)),
    ("fund", "本体维修基金收支", "维修基金", ("fund",)),
    ("evaluation", "效果评估", "", ()),
    ("other", "其它事项", "其它", ("neighbour", "renovation", "other")),
]
FINANCE_SECTIONS = {"fees", "fund"}


@dataclass
class Request:
    inputs: list[Path]
    out: Path
    date_from: str | None = None
    date_to: str | None = None
    office: Path | None = None
    finance: Path | None = None
    survey: Path | None = None
    name_agents: bool = False
    mask_pii: bool = True
    workers: int | None = None
    lexicon_dirs: list[str] = field(default_factory=list)


def run(request: Request, checker_factory: Callable) -> dict:
    """Write out/report.html and out/report.json; returns the report's figures."""
    office = reading.office(request.office)
    finance = reading.finance(request.finance)
    survey = reading.survey(request.survey)
    audit_dir = _audited(request, checker_factory)
    conversations = list(_conversations(audit_dir / "conversations.jsonl"))
    zone = ZoneInfo(default_timezone())
    period = period_of_request(request.date_from, request.date_to, conversations, zone)
    figures = build(conversations, period, zone, office=office, finance=finance, survey=survey,
                    name_agents=request.name_agents, mask_pii=request.mask_pii, audit_dir=audit_dir,
                    finance_file=request.finance.name if request.finance else None)
    request.out.mkdir(parents=True, exist_ok=True)
    write_atomic(request.out / "report.json", json.dumps(figures, ensure_ascii=False, indent=2))
    write_atomic(request.out / "report.html", render(figures))
    return figures


# ---- the audit behind the report -----------------------------------------------------------------


def _audited(request: Request, checker_factory: Callable) -> Path:
    """The audit folder: the one given, or the transcripts given audited into OUT/audit."""
    folders = [p for p in request.inputs if p.is_dir()]
    if folders:
        if len(request.inputs) > 1:
            raise ReportError("请只给一个 huashu audit 输出目录，或只给聊天记录文件，不要混用")
        folder = folders[0]
        if not (folder / "conversations.jsonl").is_file():
            raise ReportError(f"{folder}：不是 huashu audit 的输出目录（缺少 conversations.jsonl；请用当前版本的 huashu audit 重新质检）")
        return folder
    from assistant.lexicon import default_model_dir
    from assistant.pool import default_workers
    from audit.readers import UsageError
    from audit.runner import Options, run as run_audit

    out = request.out / "audit"
    options = Options(
        inputs=list(request.inputs), out=out, workers=request.workers or default_workers(),
        mask_pii=request.mask_pii, lexicon_dirs=list(request.lexicon_dirs), model_dir=default_model_dir(),
        progress=sys.stderr.isatty(),
    )
    try:
        run_audit(options, checker_factory)
    except UsageError as exc:
        raise ReportError(str(exc)) from None
    return out


CONVERSATION_KEYS = ("conversation_id", "agents", "first_ms", "score", "veto", "steps_missed", "complaint_t",
                     "emergency_t", "replies", "matters")
MATTER_KEYS = ("topic", "name", "t", "time", "issue", "text", "complaint", "emergency", "emergency_name",
               "emergency_t", "reply_ms", "emergency_reply_ms")


def _conversations(path: Path) -> Iterator[dict]:
    """The audit's conversation rows, each checked for the fields the report reads."""
    with open(path, encoding="utf-8", errors="surrogatepass") as rows:
        for line_number, line in enumerate(rows, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                missing = [k for k in CONVERSATION_KEYS if k not in row]
                missing += [f"matters.{k}" for m in row["matters"] for k in MATTER_KEYS if k not in m][:3]
                if not all(isinstance(r, list) and len(r) == 4 for r in row["replies"]):
                    missing.append("replies")
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise ReportError(f"{path}:{line_number}：不是 huashu audit 写出的会话记录（{exc}）") from None
            if missing:
                raise ReportError(f"{path}:{line_number}：不是当前版本 huashu audit 写出的会话记录（缺少 {', '.join(missing)}）；请重新质检")
            yield row


# ---- the figures -------------------------------------------------------------------------------


def _minutes(ms_values: list[int]) -> dict:
    """Median and 90th percentile of reply times, in minutes."""
    if not ms_values:
        return {"median_minutes": None, "p90_minutes": None}
    minutes = sorted(v / 60000 for v in ms_values)
    p90 = statistics.quantiles(minutes, n=10, method="inclusive")[-1] if len(minutes) > 1 else minutes[0]
    return {"median_minutes": round(statistics.median(minutes), 1), "p90_minutes": round(p90, 1)}


def _figure(ids: set[str] | list[str], **extra) -> dict:
    """A count and the conversations it counts (sorted, each once)."""
    ids = sorted(set(ids))
    return {"count": len(ids), **extra, "conversations": ids}


def _matters_by_section(conversations: list[dict]) -> dict[str, list[tuple[dict, dict]]]:
    """Every (conversation, matter) pair under the section its topic belongs to, in order: each
    section then reads only its own matters."""
    section_of = {topic: code for code, _, _, topics in SECTIONS for topic in topics}
    pairs: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for c in conversations:
        for m in c["matters"]:
            pairs[section_of[m["topic"]]].append((c, m))
    return pairs


def _raised(pairs: list[tuple[dict, dict]], period: Period) -> list[tuple[dict, dict]]:
    return [(c, m) for c, m in pairs if period.holds(m["t"])]


def _emergencies(pairs: list[tuple[dict, dict]], period: Period) -> list[tuple[dict, dict]]:
    return [(c, m) for c, m in pairs if m["emergency"] and period.holds(m["emergency_t"])]


def _section_figures(pairs: list[tuple[dict, dict]], period: Period, previous: Period | None, topics: tuple[str, ...],
                     mask: Callable[[str], str]) -> dict:
    """A section's figures from its (conversation, matter) pairs."""
    here = _raised(pairs, period)
    before = _raised(pairs, previous) if previous else []
    # a matter is counted once per conversation and topic; several topics of one section are one
    # conversation's matters still, counted each
    requests = [(c["conversation_id"], m) for c, m in here]
    complaints = [(cid, m) for cid, m in requests if m["complaint"]]
    reporting = _emergencies(pairs, period)
    emergencies = [(c["conversation_id"], m) for c, m in reporting]
    answered = [(cid, m) for cid, m in requests if m["reply_ms"] is not None]
    response = {
        **_minutes([m["reply_ms"] for _, m in answered]),
        "answered": len(answered),
        "unanswered": _figure([cid for cid, m in requests if m["reply_ms"] is None]),
        "conversations": sorted({cid for cid, _ in answered}),
    }
    emergency_answered = [(cid, m) for cid, m in emergencies if m["emergency_reply_ms"] is not None]
    # 八汇报: did staff say in the chat that it was reported up (the audit scored each conversation)
    report_step = reading.step_name("report")
    emergency_rows = {c["conversation_id"]: c for c, _ in reporting}
    reported = [cid for cid, c in emergency_rows.items() if report_step not in c["steps_missed"]]
    by_kind = Counter(m["emergency"] for _, m in emergencies)
    names = {m["emergency"]: m["emergency_name"] for _, m in emergencies}
    issues: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for cid, m in requests:
        issues[m["issue"]].append((cid, m))
    # the most frequent issues named, then the matters that named none (您好，在吗？… 到现在还没人来)
    top = sorted(issues.items(), key=lambda kv: (not kv[0], -len(kv[1]), kv[0]))[:TOP_ISSUES]

    # the complaint procedure, for conversations whose complaint was about this section and made
    # in the period (a conversation's score is the one the audit gave it)
    scored = {
        c["conversation_id"]: c for c, m in here
        if m["complaint"] and c["complaint_t"] is not None and period.holds(c["complaint_t"])
    }
    steps = Counter(step for c in scored.values() for step in c["steps_missed"])
    procedure = {
        "conversations": sorted(scored),
        "count": len(scored),
        "average_score": round(statistics.mean(c["score"] for c in scored.values()), 1) if scored else None,
        "vetoes": _figure([cid for cid, c in scored.items() if c["veto"]]),
        "steps_missed": [
            {"step": step, "missed": n, "rate": round(n / len(scored), 3),
             "conversations": sorted(cid for cid, c in scored.items() if step in c["steps_missed"])}
            for step, n in sorted(steps.items(), key=lambda kv: (-kv[1], reading.step_order(kv[0])))
        ],
    }
    by_topic = Counter(m["topic"] for _, m in requests)
    topic_names = {m["topic"]: m["name"] for _, m in requests}
    prev_requests = [c["conversation_id"] for c, _ in before]
    prev_complaints = [c["conversation_id"] for c, m in before if m["complaint"]]
    prev_emergencies = [c["conversation_id"] for c, _ in _emergencies(pairs, previous)] if previous else []
    return {
        "requests": _figure([cid for cid, _ in requests], matters=len(requests)),
        "by_topic": [{"topic": t, "name": topic_names[t], "count": by_topic[t]} for t in topics if by_topic[t]],
        "complaints": _figure([cid for cid, _ in complaints], matters=len(complaints)),
        "emergencies": _figure(
            [cid for cid, _ in emergencies], matters=len(emergencies),
            by_kind=[{"kind": k, "name": names[k], "count": n} for k, n in by_kind.most_common()],
            response=_minutes([m["emergency_reply_ms"] for _, m in emergency_answered]),
            reported_up=_figure(reported, step=report_step),
        ),
        "response": response,
        "procedure": procedure,
        "issues": [
            {
                "issue": issue or UNNAMED_ISSUE, "named": bool(issue), "count": len(items), "conversations": sorted({cid for cid, _ in items}),
                "examples": _examples(items, mask),
            }
            for issue, items in top
        ],
        "previous": None if previous is None else {
            "requests": _figure(prev_requests, matters=len(before)),
            "complaints": _figure(prev_complaints, matters=len(prev_complaints)),
            "emergencies": _figure(prev_emergencies, matters=len(prev_emergencies)),
        },
    }


def _examples(items: list[tuple[str, dict]], mask: Callable[[str], str]) -> list[dict]:
    """Up to EXAMPLES_PER_ISSUE different messages in residents' words, masked."""
    examples: list[dict] = []
    for cid, m in items:
        text = mask(m["text"])
        if text not in (e["text"] for e in examples):
            examples.append({"conversation_id": cid, "time": m["time"], "text": text})
        if len(examples) == EXAMPLES_PER_ISSUE:
            break
    return examples


def _language(conversations: list[dict], period: Period) -> dict:
    """Service language in the period: forbidden and disliked wording per 100 staff messages."""
    messages = forbidden = disliked = 0
    ids: set[str] = set()
    for c in conversations:
        for t, _agent, f, d in c["replies"]:
            if period.holds(t):
                messages += 1
                forbidden += f
                disliked += d
                ids.add(c["conversation_id"])
    per100 = lambda n: round(100 * n / messages, 2) if messages else None  # noqa: E731
    scored = [c for c in conversations if c["complaint_t"] is not None and period.holds(c["complaint_t"])]
    return {
        "staff_messages": messages,
        "forbidden": forbidden,
        "disliked": disliked,
        "forbidden_per_100": per100(forbidden),
        "disliked_per_100": per100(disliked),
        "complaint_conversations": len(scored),
        "average_procedure_score": round(statistics.mean(c["score"] for c in scored), 1) if scored else None,
        "conversations": sorted(ids),
    }


def _agents(conversations: list[dict], period: Period, name_agents: bool) -> list[dict]:
    """Each agent's messages and rates in the period, named only when asked (else 客服A, 客服B…)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    scores: dict[str, list[int]] = defaultdict(list)
    ids: dict[str, set[str]] = defaultdict(set)
    for c in conversations:
        for t, agent, f, d in c["replies"]:
            if period.holds(t):
                counts[agent].update(messages=1, forbidden=f, disliked=d)
                ids[agent].add(c["conversation_id"])
        if c["complaint_t"] is not None and period.holds(c["complaint_t"]):
            for agent in c["agents"]:
                scores[agent].append(c["score"])
    rows = []
    for i, agent in enumerate(sorted(counts)):
        n = counts[agent]
        rows.append({
            "agent": agent if name_agents else f"客服{_letters(i)}",
            "messages": n["messages"],
            "forbidden_per_100": round(100 * n["forbidden"] / n["messages"], 2),
            "disliked_per_100": round(100 * n["disliked"] / n["messages"], 2),
            "complaint_conversations": len(scores[agent]),
            "average_procedure_score": round(statistics.mean(scores[agent]), 1) if scores[agent] else None,
            "conversations": sorted(ids[agent]),
        })
    return rows


def _letters(i: int) -> str:
    """A, B, …, Z, AA, AB, … for anonymous agents."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(ord("A") + r) + out
    return out


def build(conversations: list[dict], period: Period, zone: ZoneInfo, *, office: dict, finance: dict,
          survey: dict | None, name_agents: bool, mask_pii: bool, audit_dir: Path, finance_file: str | None = None) -> dict:
    """Every figure of the report, each with the conversations behind it."""
    from audit.pii import mask as mask_pii_text

    mask = mask_pii_text if mask_pii else (lambda s: s)
    first_ms = min((c["first_ms"] for c in conversations), default=None)
    last_ms = max((t for c in conversations for t in times_of(c)), default=None)
    previous = previous_of(period)
    # compared only with a previous period the data cover from its first day: half a month
    # would make any change look like a fall
    previous_covered = first_ms is not None and local_day(first_ms, zone) <= previous.first
    sections = []
    by_section = _matters_by_section(conversations)
    for code, title, subject, topics in SECTIONS:
        section: dict = {"code": code, "title": title, "subject": subject, "topics": list(topics)}
        if topics:
            section.update(_section_figures(by_section[code], period, previous if previous_covered else None, topics, mask))
            section["no_data"] = section["requests"]["count"] == 0
        if code in FINANCE_SECTIONS:
            section["finance"] = finance.get(code)
        sections.append(section)

    trend = []
    back = period
    for _ in range(TREND_PERIODS):
        if first_ms is None or back.end_ms <= first_ms:
            break
        language = _language(conversations, back)
        trend.append({"period": back.label, "from": back.first.isoformat(), "to": back.last.isoformat(), **language})
        back = previous_of(back)
    trend.reverse()
    evaluation = next(s for s in sections if s["code"] == "evaluation")
    evaluation.update(
        language=_language(conversations, period),
        language_previous=_language(conversations, previous) if previous_covered else None,
        trend=trend,
        agents=_agents(conversations, period, name_agents),
        agents_named=name_agents,
        survey=survey_summary(survey),
    )
    evaluation["no_data"] = evaluation["language"]["staff_messages"] == 0 and survey is None

    in_period = sorted({
        c["conversation_id"] for c in conversations
        if any(period.holds(m["t"]) for m in c["matters"]) or any(period.holds(r[0]) for r in c["replies"])
    })
    summary = _read_json(audit_dir / "summary.json")
    return {
        "schema": SCHEMA,
        "office": office,
        "period": {
            "from": period.first.isoformat(), "to": period.last.isoformat(), "label": period.label,
            "timezone": zone.key, "chosen_by": period.chosen_by,
            "previous": {"from": previous.first.isoformat(), "to": previous.last.isoformat(), "label": previous.label,
                         "covered": previous_covered},
        },
        "generated": datetime.now(zone).strftime("%Y-%m-%d"),
        "data": {
            "audit": str(audit_dir),
            "conversations": len(in_period),
            "conversations_in_audit": len(conversations),
            "rejected_rows": (summary or {}).get("rejected", 0),
            "first": _day_of(first_ms, zone),
            "last": _day_of(last_ms, zone),
            "finance_file": finance_file,
        },
        "totals": _totals(sections),
        "sections": sections,
        "mask_pii": mask_pii,
    }


def _totals(sections: list[dict]) -> dict:
    topical = [s for s in sections if s["topics"]]
    total = lambda key: sum(s[key]["matters"] for s in topical)  # noqa: E731
    ids = lambda key: sorted({cid for s in topical for cid in s[key]["conversations"]})  # noqa: E731
    previous = [s["previous"] for s in topical if s["previous"]]
    return {
        "requests": {"matters": total("requests"), "conversations": ids("requests")},
        "complaints": {"matters": total("complaints"), "conversations": ids("complaints")},
        "emergencies": {"matters": total("emergencies"), "conversations": ids("emergencies")},
        "previous": {
            "requests": sum(p["requests"]["matters"] for p in previous),
            "complaints": sum(p["complaints"]["matters"] for p in previous),
            "emergencies": sum(p["emergencies"]["matters"] for p in previous),
        } if previous else None,
    }


def _day_of(ms: int | None, zone: ZoneInfo) -> str | None:
    return None if ms is None else local_day(ms, zone).isoformat()


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


__all__ = ["SECTIONS", "ReportError", "Request", "build", "run"]
