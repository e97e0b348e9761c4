"""The assistant: read a resident's message, say what the reply must cover, and draft it.

    coach = Coach(get_checker())
    advice = coach.assist("电梯又坏了，打了三次电话都没人理！", customer_name="王先生")
    advice.psychology, advice.topic, advice.next_steps, advice.draft, advice.alternatives

Reading comes from the conversation rules (signals.yaml, procedure.yaml) the checker compiled,
replies and advice from playbook.yaml; the checker proves every draft before it is returned. An
optional drafter (an LLM client, supplied by the adapters) may propose drafts first; they pass
the same checks or are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from assistant.coach.advice import Advice
from assistant.coach.drafting import Drafter, ReplyWriter
from assistant.coach.playbook import Playbook, load_playbook
from assistant.coach.situation import Message, Situation, SituationReader
from assistant.coach.steps import StepPlanner
from assistant.taxonomy import taxonomy

EMERGENCY_STEPS = (("report", "及时向上级汇报"), ("contain", "将事态控制在最小范围内"), ("people_first", "先救人报案"))

__all__ = ["Advice", "Coach", "Message", "Situation"]


class Coach:
    """The assistant for one checker (its lexicon and conversation rules); build one per checker."""

    def __init__(
        self, checker, *, drafter: Drafter | None = None, timezone: str = "Asia/Shanghai", max_history: int = 50
    ):
        self.checker = checker
        self.procedure = checker.procedure
        self.signals = self.procedure.signals  # the audit reads emergencies the same way
        self.playbook: Playbook = load_playbook(
            checker.lexicon, set(self.signals.emergency), {s.id for s in self.procedure.steps}
        )
        self.drafter = drafter
        self.zone = ZoneInfo(timezone)
        self.reader = SituationReader(self.procedure, checker.lexicon, max_history)
        self.planner = StepPlanner(checker, self.playbook)
        self.writer = ReplyWriter(checker, self.playbook, drafter)

    # -- the parts, for callers that need one --------------------------------------------------
    def situation(self, message: str, history: Sequence[Message] = (), customer_name: str | None = None) -> Situation:
        return self.reader.situation(message, history, customer_name)

    def situation_of(self, turns: Sequence[Message], customer_name: str | None = None) -> Situation:
        return self.reader.situation_of(turns, customer_name)

    def remaining_steps(self, situation: Situation, draft: str | None = None) -> list[dict[str, str]]:
        return self.planner.remaining(situation, draft)

    def template_drafts(self, situation: Situation, now: datetime) -> list[str]:
        return self.writer.template_drafts(situation, now)

    def review(self, draft: str, situation: Situation) -> dict[str, Any]:
        """A staff draft: the checker's report, the steps it still misses, and advice."""
        report = self.checker.check(draft)
        return {
            "verdict": report.verdict,
            "score": report.score,
            "findings": [f.to_dict() for f in report.findings],
            "rewrite": report.rewrite,
            "missing_steps": self.planner.remaining(situation, draft),
            "advice": self.writer.advice_on(draft, situation),
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
        situation = self.reader.situation(message, history, customer_name)
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
        next_steps = self.planner.remaining(situation)
        chosen, source = self.writer.drafts(situation, now, next_steps)
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
