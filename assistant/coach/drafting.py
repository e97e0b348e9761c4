"""Writing the reply: the playbook's three drafts for a situation, an optional model's proposals,
and the checks every draft must pass (the checker, the playbook's draft checks, Chinese, length)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol

from assistant.coach.playbook import VARIANTS, Playbook
from assistant.coach.situation import Situation
from assistant.timing import promise_time
from assistant.normalise import normalise

log = logging.getLogger("huashu.coach")

MAX_DRAFT_CHARS = 500  # a chat reply, not an essay: longer proposals are dropped


class Drafter(Protocol):
    """Something that proposes drafts for a situation (an LLM client, supplied by the adapters)."""

    def drafts(self, situation: Situation, steps: Sequence[dict], now: datetime) -> list[str]: ...


class ReplyWriter:
    def __init__(self, checker, playbook: Playbook, drafter: Drafter | None = None):
        self.checker = checker
        self.playbook = playbook
        self.drafter = drafter

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

    def acceptable(self, text: str, situation: Situation, now: datetime | None = None) -> str | None:
        """`text` if the checker passes it, else its rewrite if that passes, else None; a draft
        the playbook's own advice would flag is never acceptable."""
        text = text.strip()
        if not text or len(text) > MAX_DRAFT_CHARS or not _mostly_chinese(text):
            return None
        report = self.checker.check(text, now=now)  # a rewrite promises a time from `now`
        candidate = text if report.verdict == "pass" else report.rewrite
        if candidate and candidate != text and self.checker.check(candidate).verdict != "pass":
            return None
        if not candidate or self.advice_on(candidate, situation):
            return None
        return candidate

    def drafts(
        self, situation: Situation, now: datetime, steps: list[dict[str, str]]
    ) -> tuple[list[str], Literal["rules", "llm"]]:
        """Three checked replies: the drafter's first when one is configured (told `steps`, the
        steps still to cover), then the playbook's, then fallbacks."""
        chosen: list[str] = []
        source: Literal["rules", "llm"] = "rules"
        if self.drafter is not None:
            try:
                proposed = self.drafter.drafts(situation, steps, now)
            except Exception as exc:  # the network is optional: any failure falls back to the rules
                log.warning("llm_drafting_failed", extra={"fields": {"error": str(exc)[:200]}})
                proposed = []
            for text in proposed:
                if (ok := self.acceptable(text, situation, now)) and ok not in chosen:
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
                if (ok := self.acceptable(text, situation, now)) and ok not in chosen:
                    chosen.append(ok)
        return chosen, source

    def advice_on(self, draft: str, situation: Situation) -> list[str]:
        """The playbook's draft checks that `draft` fails in this situation (their messages)."""
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


def _mostly_chinese(text: str) -> bool:
    """Residents read Chinese: a proposed draft whose letters are mostly not Han is dropped."""
    letters = [c for c in text if c.isalpha()]
    han = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff")
    return bool(letters) and han >= 0.6 * len(letters)
