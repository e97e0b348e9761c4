"""The assistant: read a resident's message, say what the reply must cover, and draft it.

    coach = Coach(get_checker())
    advice = coach.assist("电梯又坏了，打了三次电话都没人理！", customer_name="王先生")
    advice.psychology, advice.topic, advice.next_steps, advice.draft, advice.alternatives

Reading comes from signals.yaml, replies and advice from playbook.yaml, the complaint procedure
from procedure.yaml; the checker proves every draft before it is returned. An optional LLM
drafter (llm.py) may propose drafts first; they pass the same checks or are dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from assistant.coach.playbook import VARIANTS, Playbook, load_playbook
from assistant.coach.signals import Reading, Signals
from assistant.coach.timing import promise_time
from assistant.normalise import normalise
from assistant.procedure import Turn, evaluate, procedure_for
from assistant.taxonomy import taxonomy

log = logging.getLogger("huashu.coach")

Role = Literal["customer", "agent"]
ROLES: dict[str, Role] = {
    "resident": "customer",
    "customer": "customer",
    "user": "customer",
    "staff": "agent",
    "agent": "agent",
    "assistant": "agent",
}
MAX_NAME_CHARS = 20
MAX_DRAFT_CHARS = 500  # a chat reply, not an essay: longer proposals are dropped
EMERGENCY_STEPS = (("report", "及时向上级汇报"), ("contain", "将事态控制在最小范围内"), ("people_first", "先救人报案"))


@dataclass(frozen=True)
class Message:
    """One turn of the conversation so far; `role` is customer (the resident) or agent (staff)."""

    role: Role
    text: str

    @classmethod
    def of(cls, role: str, text: str) -> Message:
        try:
            return cls(ROLES[role.strip().lower()], text)
        except KeyError:
            raise ValueError(f"unknown role {role!r}: use one of {sorted(ROLES)}") from None


@dataclass
class Advice:
    """What the assistant returns; to_dict() is the JSON of POST /v1/assist."""

    psychology: list[dict[str, Any]]
    topic: dict[str, str]
    complaint: bool
    urgent: dict[str, Any] | None
    advice: list[str]
    next_steps: list[dict[str, str]]
    draft: str
    alternatives: list[str]
    draft_source: Literal["rules", "llm"]
    customer_name: str | None
    draft_review: dict[str, Any] | None = None
    session_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "psychology": self.psychology,
            "topic": self.topic,
            "complaint": self.complaint,
            "urgent": self.urgent,
            "advice": self.advice,
            "next_steps": self.next_steps,
            "draft": self.draft,
            "alternatives": self.alternatives,
            "draft_source": self.draft_source,
            "customer_name": self.customer_name,
        }
        if self.draft_review is not None:
            out["draft_review"] = self.draft_review
        if self.session_id is not None:
            out["session_id"] = self.session_id
        return out


@dataclass(frozen=True)
class Situation:
    """The conversation as the assistant understands it, shared by drafting and reviewing."""

    turns: tuple[Message, ...]  # oldest first: history, the resident's message, any replies already sent
    message_at: int  # index of the resident's latest message
    reading: Reading  # of the resident's messages up to it since staff last wrote
    complaint_at: int | None
    emergency_at: int | None
    name: str | None

    @property
    def complaint(self) -> bool:
        return self.complaint_at is not None

    @property
    def psychology_codes(self) -> list[str]:
        return [code for code, _, _ in self.reading.psychology]


class Coach:
    def __init__(self, checker, *, drafter=None, timezone: str = "Asia/Shanghai", max_history: int = 50):
        self.checker = checker
        lexicon = checker.lexicon
        self.procedure = procedure_for(lexicon)
        self.signals: Signals = self.procedure.signals  # the audit reads emergencies the same way
        self.playbook: Playbook = load_playbook(lexicon, set(self.signals.emergency), {s.id for s in self.procedure.steps})
        self.drafter = drafter
        self.zone = ZoneInfo(timezone)
        self.max_history = max_history
        self._steps = {s.id: s for s in self.procedure.steps}
        surnames = "|".join(sorted(lexicon.sets.get("SURNAME", ()), key=len, reverse=True))
        titles = "|".join(sorted(lexicon.sets.get("TITLE", ()), key=len, reverse=True))
        self._introduction = re.compile(rf"(?:我是|我姓|本人是?)[^，。！？,.!?\s]{{0,10}}?((?:{surnames})(?:{titles}))") if surnames and titles else None

    # -- reading -------------------------------------------------------------------------------
    def situation(self, message: str, history: Sequence[Message] = (), customer_name: str | None = None) -> Situation:
        """The conversation `history` followed by the resident's new `message`."""
        return self.situation_of(tuple(history[-self.max_history :]) + (Message("customer", message),), customer_name)

    def situation_of(self, turns: Sequence[Message], customer_name: str | None = None) -> Situation:
        """A conversation as it stands; staff replies after the resident's latest message count
        as already sent (for reviewing a further reply)."""
        turns = tuple(turns[-self.max_history :])
        last = max((i for i, t in enumerate(turns) if t.role == "customer"), default=None)
        if last is None:
            raise ValueError("the conversation has no message from the resident")
        first_unanswered = last
        while first_unanswered > 0 and turns[first_unanswered - 1].role == "customer":
            first_unanswered -= 1
        texts = {i: normalise(t.text) for i, t in enumerate(turns[: last + 1]) if t.role == "customer"}
        # the resident's messages since staff last wrote are read together: "电梯坏了" + "里面还有人"
        reading = self.signals.read("\n".join(t.text for t in turns[first_unanswered:]))
        readings = {i: self.signals.read(text) for i, text in texts.items() if i < last}
        readings[last] = reading
        # a complaint or emergency in the latest messages starts the steps afresh: each time the
        # resident complains again, the reply thanks, apologises and commits again
        complains = self.procedure.is_complaint
        latest = range(first_unanswered, last + 1)
        complaint_at = first_unanswered if reading.psychology or any(complains(texts[i]) for i in latest) else None
        emergency_at = first_unanswered if reading.emergency else None
        for i, seen in sorted(readings.items()):
            if complaint_at is None and (seen.psychology or complains(texts[i])):
                complaint_at = i
            if emergency_at is None and seen.emergency:
                emergency_at = i
        if reading.topic[0] == "other":  # "到现在还没人来": the topic is the one talked about before
            earlier = next((r.topic for i, r in sorted(readings.items(), reverse=True) if r.topic[0] != "other"), None)
            if earlier:
                reading = replace(reading, topic=earlier)
        return Situation(turns, last, reading, complaint_at, emergency_at, self._name(customer_name, turns))

    def _name(self, given: str | None, turns: Iterable[Message]) -> str | None:
        """The resident's name or title as given, else as they introduced themselves (我是王先生)."""
        if given is not None:
            given = re.sub(r"[\s，。！？,.!?：:]+", "", given)[:MAX_NAME_CHARS]
            if given:
                return given
        if self._introduction is not None:
            for turn in turns:
                if turn.role == "customer" and (m := self._introduction.search(turn.text)):
                    return m.group(1)
        return None

    # -- steps ---------------------------------------------------------------------------------
    def remaining_steps(self, situation: Situation, draft: str | None = None) -> list[dict[str, str]]:
        """The procedure and call steps no staff reply since the complaint (or, for a plain
        question, since the question) has shown; `draft` counts as the next reply."""
        turns = list(situation.turns) + ([Message("agent", draft)] if draft is not None else [])
        procedure_turns = [
            Turn(t.role, t.text, str(i), self._categories(t.text) if t.role == "agent" else frozenset()) for i, t in enumerate(turns)
        ]
        steps: list[dict[str, str]] = []
        # people first: while an emergency is unanswered, only its steps count; courtesy comes after
        urgent = situation.reading.emergency is not None
        complaint_at = None if urgent else situation.complaint_at
        if complaint_at is not None or situation.emergency_at is not None:
            outcome = evaluate(self.procedure, procedure_turns, (complaint_at, situation.emergency_at))
            steps += [{"id": s.id, "name": s.name, "meaning": s.meaning, "group": "procedure"} for s in outcome.steps_missed]
        else:
            replies = [normalise(t.text).skeleton for t in turns[situation.message_at + 1 :] if t.role == "agent"]
            for step_id in self.playbook.spec.enquiry_steps:
                step = self._steps[step_id]
                if not any(step.shown_by(r) for r in replies):
                    steps.append({"id": step.id, "name": step.name, "meaning": step.meaning, "group": "procedure"})
        if complaint_at is not None:
            replies = [(t.text, normalise(t.text).skeleton) for t in turns[complaint_at + 1 :] if t.role == "agent"]
            for call in self.playbook.call_steps:
                if not any(self._shows(call, text, skeleton, situation.name) for text, skeleton in replies):
                    steps.append({"id": call.id, "name": call.name, "meaning": call.meaning, "group": "call"})
        return steps

    def _categories(self, text: str) -> frozenset[str]:
        return frozenset(f.category for f, _ in self.checker.analyse(text).findings)

    @staticmethod
    def _shows(call, text: str, skeleton: str, name: str | None) -> bool:
        if call.or_name and name and name in text:
            return True
        return any(p.search(skeleton) for p in call.patterns)

    # -- drafting ------------------------------------------------------------------------------
    def _fill(self, template: str, situation: Situation, now: datetime) -> str:
        topic = self.playbook.spec.topics[situation.reading.topic[0]]
        name = situation.name
        return template.format(
            hello=f"{name}您好" if name else "您好",
            name=name or "您",
            time=promise_time(now, minutes=topic.minutes, hours=topic.hours),
            who=topic.who,
            action=topic.action,
        )

    def template_drafts(self, situation: Situation, now: datetime) -> list[str]:
        """The three replies the playbook composes for this situation (not yet checked)."""
        spec = self.playbook.spec
        if situation.reading.emergency:
            return [self._fill(t, situation, now) for t in spec.emergency[situation.reading.emergency[0]].replies]
        kind = "complaint" if situation.complaint else "enquiry"
        detected = set(situation.psychology_codes)
        ordered = [code for code in spec.psychology if code in detected]
        openings = spec.psychology[ordered[0]].openings if ordered else spec.openings[kind]
        actions = next((spec.psychology[c].actions for c in ordered if spec.psychology[c].actions), None) or spec.actions
        return [
            self._fill(openings[i] + actions[i] + spec.closings[kind][i], situation, now) for i in range(VARIANTS)
        ]

    def _acceptable(self, text: str, situation: Situation) -> str | None:
        """`text` if the checker passes it, else its rewrite if that passes, else None; a draft
        the playbook's own advice would flag is never acceptable."""
        text = text.strip()
        if not text or len(text) > MAX_DRAFT_CHARS or not _mostly_chinese(text):
            return None
        report = self.checker.check(text)
        candidate = text if report.verdict == "pass" else report.rewrite
        if candidate and candidate != text and self.checker.check(candidate).verdict != "pass":
            return None
        if not candidate or self._draft_advice(candidate, situation):
            return None
        return candidate

    def drafts(
        self, situation: Situation, now: datetime, steps: list[dict[str, str]] | None = None
    ) -> tuple[list[str], Literal["rules", "llm"]]:
        """Three checked replies: the model's first when one is configured (told `steps`, the
        remaining steps, computed here when not given), then the playbook's, then fallbacks."""
        chosen: list[str] = []
        source: Literal["rules", "llm"] = "rules"
        if self.drafter is not None:
            try:
                proposed = self.drafter.drafts(situation, steps if steps is not None else self.remaining_steps(situation), now)
            except Exception as exc:  # the network is optional: any failure falls back to the rules
                log.warning("llm_drafting_failed", extra={"fields": {"error": str(exc)[:200]}})
                proposed = []
            for text in proposed:
                if (ok := self._acceptable(text, situation)) and ok not in chosen:
                    chosen.append(ok)
                if len(chosen) == VARIANTS:
                    break
            if chosen:
                source = "llm"
        pools = (self.template_drafts(situation, now), [self._fill(t, situation, now) for t in self.playbook.spec.fallbacks])
        for pool in pools:
            for text in pool:
                if len(chosen) == VARIANTS:
                    break
                if (ok := self._acceptable(text, situation)) and ok not in chosen:
                    chosen.append(ok)
        return chosen, source

    # -- reviewing -----------------------------------------------------------------------------
    def _draft_advice(self, draft: str, situation: Situation) -> list[str]:
        conditions = set(situation.psychology_codes) | {"any"}
        if situation.reading.emergency:
            conditions.add("emergency")
        skeleton = normalise(draft).skeleton
        out = []
        for check in self.playbook.draft_checks:
            if not (check.when & conditions):
                continue
            if (check.flag is not None and check.flag.search(skeleton)) or (
                check.require is not None and not check.require.search(skeleton)
            ):
                out.append(check.message)
        return out

    def review(self, draft: str, situation: Situation) -> dict[str, Any]:
        """A staff draft: the checker's report, the steps it still misses, and advice."""
        report = self.checker.check(draft)
        return {
            "verdict": report.verdict,
            "score": report.score,
            "findings": [f.to_dict() for f in report.findings],
            "rewrite": report.rewrite,
            "missing_steps": self.remaining_steps(situation, draft),
            "advice": self._draft_advice(draft, situation),
        }

    # -- the whole answer ----------------------------------------------------------------------
    def assist(
        self,
        message: str,
        history: Sequence[Message] = (),
        customer_name: str | None = None,
        draft: str | None = None,
        now: datetime | None = None,
    ) -> Advice:
        now = now.astimezone(self.zone) if now is not None and now.tzinfo else now or datetime.now(self.zone)
        situation = self.situation(message, history, customer_name)
        reading = situation.reading
        tax = taxonomy()
        psychology = [{"code": code, "name": name, "evidence": evidence} for code, name, evidence in reading.psychology]
        urgent = None
        if reading.emergency:
            kind, name, evidence = reading.emergency
            spec = self.playbook.spec.emergency[kind]
            urgent = {
                "kind": kind,
                "name": name,
                "evidence": evidence,
                "steps": [{"id": sid, "name": sname, "action": getattr(spec, sid)} for sid, sname in EMERGENCY_STEPS],
                "reply": "回复要让业主知道人员现在就到，并告诉业主怎样保护自身安全。",
            }
        advice = [self.playbook.spec.psychology[c].advice for c in self.playbook.spec.psychology if c in situation.psychology_codes]
        next_steps = self.remaining_steps(situation)
        chosen, source = self.drafts(situation, now, next_steps)
        return Advice(
            psychology=psychology,
            topic={"code": reading.topic[0], "name": tax.topics[reading.topic[0]].split(" ")[0]},
            complaint=situation.complaint,
            urgent=urgent,
            advice=advice,
            next_steps=next_steps,
            draft=chosen[0] if chosen else "",
            alternatives=chosen[1:],
            draft_source=source,
            customer_name=situation.name,
            draft_review=self.review(draft, situation) if draft is not None and draft.strip() else None,
        )


def _mostly_chinese(text: str) -> bool:
    """Residents read Chinese: a proposed draft whose letters are mostly not Han is dropped."""
    letters = [c for c in text if c.isalpha()]
    han = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff")
    return bool(letters) and han >= 0.6 * len(letters)


def coach_for(checker, drafter=None, timezone: str = "Asia/Shanghai") -> Coach:
    """One Coach per checker, drafter and time zone (the playbook compiles with the checker's
    lexicon), kept on the checker so that it goes when a reload replaces the engine."""
    key = ("coach", id(drafter), timezone)
    coach = checker.derived.get(key)
    if coach is None:
        coach = checker.derived[key] = Coach(checker, drafter=drafter, timezone=timezone)
    return coach
