"""Reading the conversation so far: who said what, what the resident's latest messages show, and
where a complaint or an emergency started (the point from which the procedure's steps count)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from assistant.conversation import Procedure, Reading
from assistant.lexicon import Lexicon
from assistant.normalise import normalise
from assistant.punctuation import CLAUSE_ENDS, SENTENCE_ENDS

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
# punctuation and spaces around a name given to us ("王先生，" -> "王先生"); the ASCII full stop too
_NAME_NOISE = re.compile("[" + re.escape(CLAUSE_ENDS) + r"\s.]+")
# what may stand between 我是 and the name: anything but the end of the sentence or a comma
# ("我是：王先生", "我是3栋的王先生" but not "我是业主，王先生说…")
_INTRODUCTION_GAP = "[^" + re.escape(SENTENCE_ENDS + "，,") + r"\s.]"


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


class SituationReader:
    """Reads conversations with one procedure (and its signals) and one lexicon's name sets."""

    def __init__(self, procedure: Procedure, lexicon: Lexicon, max_history: int = 50):
        self.procedure = procedure
        self.signals = procedure.signals
        self.max_history = max_history
        surnames = "|".join(sorted(lexicon.sets.get("SURNAME", ()), key=len, reverse=True))
        titles = "|".join(sorted(lexicon.sets.get("TITLE", ()), key=len, reverse=True))
        self._introduction = (
            re.compile(rf"(?:我是|我姓|本人是?){_INTRODUCTION_GAP}{{0,10}}?((?:{surnames})(?:{titles}))")
            if surnames and titles
            else None
        )

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
            given = _NAME_NOISE.sub("", given)[:MAX_NAME_CHARS]
            if given:
                return given
        if self._introduction is not None:
            for turn in turns:
                if turn.role == "customer" and (m := self._introduction.search(turn.text)):
                    return m.group(1)
        return None
