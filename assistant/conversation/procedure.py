"""Scoring a conversation against the deck's complaint procedure (procedure.yaml).

When a resident complains, the agent's replies from then on must thank, apologise, show they
listened, commit to an action with a time, offer further help, explain, and stay calm; in an
emergency they must act at once and escalate. Each step missed deducts its weight; a forbidden
phrase anywhere in the agent's messages vetoes the conversation (score 0); disliked wording
deducts a little each. The result names the steps missed and the message that started it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.conversation.signals import Signals
from assistant.errors import ProcedureError
from assistant.lexicon import Lexicon
from assistant.normalise import Normalised, normalise
from assistant.taxonomy import taxonomy

PROCEDURE_FILE = Path(__file__).resolve().parent / "procedure.yaml"
# (emergency kinds are read once, in signals.yaml, for the audit and the assistant alike)
Trigger = Literal["complaint", "emergency"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StepSpec(_Strict):
    id: str
    name: str
    meaning: str
    applies_to: list[Trigger]
    weight: Annotated[int, Field(ge=0, le=100)]
    patterns: list[str] = []
    no_findings: list[str] = []


class ProcedureSpec(_Strict):
    complaint: list[str]
    disliked_deduction: Annotated[int, Field(ge=0, le=100)] = 5
    disliked_deduction_cap: Annotated[int, Field(ge=0, le=100)] = 30
    steps: list[StepSpec]


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    meaning: str
    applies_to: frozenset[str]
    weight: int
    patterns: tuple[re.Pattern[str], ...]
    no_findings: frozenset[str]

    def shown_by(self, skeleton: str) -> bool:
        return any(p.search(skeleton) for p in self.patterns)


@dataclass(frozen=True)
class Procedure:
    complaint: tuple[re.Pattern[str], ...]
    signals: Signals  # reads emergencies, as the assistant does
    steps: tuple[Step, ...]
    disliked_deduction: int
    disliked_deduction_cap: int

    def is_complaint(self, text: Normalised) -> bool:
        """Whether a resident's message complains (procedure.yaml `complaint`)."""
        return any(p.search(text.skeleton) for p in self.complaint)


def load_procedure(lexicon: Lexicon, path: Path = PROCEDURE_FILE, model=None) -> Procedure:
    """Read and compile procedure.yaml (and signals.yaml, which it reads emergencies with, helped
    by `model`, the residents' classifier, where given); ProcedureError naming the file and the
    step if it is bad."""
    try:
        spec = ProcedureSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise ProcedureError(f"{path}: {exc}") from None
    known = set(taxonomy().categories)
    steps = []
    for s in spec.steps:
        unknown = set(s.no_findings) - known
        if unknown:
            raise ProcedureError(f"{path}: step {s.id!r}: unknown categories {sorted(unknown)}")
        if not s.patterns and not s.no_findings:
            raise ProcedureError(f"{path}: step {s.id!r}: needs patterns or no_findings")
        steps.append(
            Step(
                s.id,
                s.name,
                s.meaning,
                frozenset(s.applies_to),
                s.weight,
                tuple(lexicon.compile(p, f"{path}: step {s.id!r}", ProcedureError) for p in s.patterns),
                frozenset(s.no_findings),
            )
        )
    return Procedure(
        complaint=tuple(lexicon.compile(p, f"{path}: complaint", ProcedureError) for p in spec.complaint),
        signals=Signals(lexicon, model=model),
        steps=tuple(steps),
        disliked_deduction=spec.disliked_deduction,
        disliked_deduction_cap=spec.disliked_deduction_cap,
    )


@dataclass
class Turn:
    """One message of a conversation as the procedure sees it."""

    role: str  # "customer" (the resident) or "agent" (staff)
    text: str
    ref: str  # message id, or file:line
    categories: frozenset[str] | None = None  # finding categories of an agent's message, once checked


@dataclass
class Outcome:
    score: int
    veto: bool
    complaint_at: str | None = None
    emergency_at: str | None = None
    steps_missed: list[Step] = field(default_factory=list)
    replies_checked: int = 0


def _first(shows: Callable[[Normalised], object], turns: list[Turn]) -> int | None:
    """Index of the first resident message that `shows` something."""
    for i, turn in enumerate(turns):
        if turn.role == "customer" and shows(normalise(turn.text)):
            return i
    return None


def evaluate(procedure: Procedure, turns: list[Turn], starts: tuple[int | None, int | None] | None = None) -> Outcome:
    """Score one conversation (turns in time order). `starts` is (complaint index, emergency
    index) when the caller has read the residents' messages itself (the assistant does)."""
    found = [c for t in turns if t.role == "agent" for c in t.categories or ()]
    veto = any(c.startswith("F") for c in found)
    disliked = sum(1 for c in found if c.startswith("D"))
    deduction = min(procedure.disliked_deduction_cap, procedure.disliked_deduction * disliked)

    if starts is None:
        starts = (
            _first(procedure.is_complaint, turns),
            _first(procedure.signals.emergency_in, turns),
        )
    complaint, emergency = starts
    outcome = Outcome(score=0, veto=veto)
    begun = [i for i in (complaint, emergency) if i is not None]
    if begun:
        start = min(begun)
        triggers = {"complaint"} if complaint is not None else set()
        if emergency is not None:
            triggers.add("emergency")
        outcome.complaint_at = turns[complaint].ref if complaint is not None else None
        outcome.emergency_at = turns[emergency].ref if emergency is not None else None
        replies = [t for t in turns[start + 1 :] if t.role == "agent"]
        outcome.replies_checked = len(replies)
        skeletons = [normalise(t.text).skeleton for t in replies]
        said = [c for t in replies for c in t.categories or ()]
        for step in procedure.steps:
            if not (step.applies_to & triggers):
                continue
            if step.no_findings:
                shown = not any(c in step.no_findings for c in said)
                if step.patterns:
                    shown = shown and any(step.shown_by(s) for s in skeletons)
            else:
                shown = any(step.shown_by(s) for s in skeletons)
            if not shown:
                outcome.steps_missed.append(step)
                deduction += step.weight
    outcome.score = 0 if veto else max(0, 100 - deduction)
    return outcome
