"""Loading playbook.yaml: the assistant's replies, advice and step detectors, validated on load.

Errors are PlaybookError naming the file and the place (a topic missing, a placeholder unknown, a
list of variants that is not three long), as for the lexicons: a company edits this file, so a
mistake must be reported at start-up, not when a resident writes in.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import PlaybookError
from assistant.lexicon import Lexicon
from assistant.taxonomy import taxonomy

PLAYBOOK_FILE = Path(__file__).resolve().parent / "playbook.yaml"
VARIANTS = 3  # the draft and two alternatives
PLACEHOLDERS = frozenset({"hello", "name", "time", "who", "action"})
EMERGENCY_PLACEHOLDERS = frozenset({"hello", "name"})

Three = Annotated[list[str], Field(min_length=VARIANTS, max_length=VARIANTS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TopicSpec(_Strict):
    who: str
    action: str
    minutes: Annotated[int, Field(ge=1, le=99)] | None = None
    hours: Annotated[int, Field(ge=1, le=72)] | None = None

    @model_validator(mode="after")
    def _one_delay(self):
        if (self.minutes is None) == (self.hours is None):
            raise ValueError("give exactly one of minutes or hours")
        return self


class PsychologySpec(_Strict):
    advice: str
    openings: Three
    actions: Three | None = None


class CallStepSpec(_Strict):
    id: str
    name: str
    meaning: str
    patterns: list[str] = []
    or_name: bool = False


class DraftCheckSpec(_Strict):
    id: str
    when: list[str]
    flag: str | None = None
    require: str | None = None
    message: str

    @model_validator(mode="after")
    def _one_test(self):
        if (self.flag is None) == (self.require is None):
            raise ValueError("give exactly one of flag or require")
        return self


class EmergencySpec(_Strict):
    report: str
    contain: str
    people_first: str
    replies: Three


class PlaybookSpec(_Strict):
    topics: dict[str, TopicSpec]
    openings: dict[Literal["complaint", "enquiry"], Three]
    actions: Three
    closings: dict[Literal["complaint", "enquiry"], Three]
    psychology: dict[str, PsychologySpec]
    call_steps: list[CallStepSpec]
    enquiry_steps: list[str]
    draft_checks: list[DraftCheckSpec]
    emergency: dict[str, EmergencySpec]
    fallbacks: Three


@dataclass(frozen=True)
class CallStep:
    id: str
    name: str
    meaning: str
    patterns: tuple[re.Pattern[str], ...]
    or_name: bool


@dataclass(frozen=True)
class DraftCheck:
    id: str
    when: frozenset[str]
    flag: re.Pattern[str] | None
    require: re.Pattern[str] | None
    message: str


@dataclass(frozen=True)
class Playbook:
    spec: PlaybookSpec
    call_steps: tuple[CallStep, ...]
    draft_checks: tuple[DraftCheck, ...]


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _check_templates(spec: PlaybookSpec, where: str) -> None:
    def check(templates, allowed, place):
        for i, template in enumerate(templates):
            try:
                unknown = _placeholders(template) - allowed
            except ValueError as exc:
                raise PlaybookError(f"{where}: {place}[{i}]: {exc}") from None
            if unknown:
                raise PlaybookError(f"{where}: {place}[{i}]: unknown placeholders {sorted(unknown)}; use {sorted(allowed)}")

    for kind, items in spec.openings.items():
        check(items, PLACEHOLDERS, f"openings.{kind}")
    for kind, items in spec.closings.items():
        check(items, PLACEHOLDERS, f"closings.{kind}")
    check(spec.actions, PLACEHOLDERS, "actions")
    check(spec.fallbacks, PLACEHOLDERS, "fallbacks")
    for code, p in spec.psychology.items():
        check(p.openings, PLACEHOLDERS, f"psychology.{code}.openings")
        check(p.actions or [], PLACEHOLDERS, f"psychology.{code}.actions")
    for kind, e in spec.emergency.items():
        check(e.replies, EMERGENCY_PLACEHOLDERS, f"emergency.{kind}.replies")


def load_playbook(
    lexicon: Lexicon, emergency_kinds: set[str], procedure_steps: set[str], path: Path = PLAYBOOK_FILE
) -> Playbook:
    """Read, validate and compile playbook.yaml against the taxonomy, the emergency kinds of
    signals.yaml and the step ids of procedure.yaml."""
    where = str(path)
    try:
        spec = PlaybookSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise PlaybookError(f"{where}: {exc}") from None
    tax = taxonomy()
    problems = []
    if set(spec.topics) != set(tax.topics):
        problems.append(f"topics must be exactly the taxonomy's {sorted(tax.topics)}")
    if set(spec.openings) != {"complaint", "enquiry"} or set(spec.closings) != {"complaint", "enquiry"}:
        problems.append("openings and closings need both complaint and enquiry")
    if unknown := set(spec.psychology) - set(tax.psychology):
        problems.append(f"psychology codes not in taxonomy.yaml: {sorted(unknown)}")
    if set(spec.emergency) != emergency_kinds:
        problems.append(f"emergency kinds must be those of signals.yaml: {sorted(emergency_kinds)}")
    if unknown := set(spec.enquiry_steps) - procedure_steps:
        problems.append(f"enquiry_steps not in procedure.yaml: {sorted(unknown)}")
    conditions = set(tax.psychology) | {"emergency", "any"}
    for c in spec.draft_checks:
        if unknown := set(c.when) - conditions:
            problems.append(f"draft_checks {c.id!r}: unknown `when` {sorted(unknown)}")
    for s in spec.call_steps:
        if not s.patterns and not s.or_name:
            problems.append(f"call_steps {s.id!r}: needs patterns or or_name")
    if problems:
        raise PlaybookError(f"{where}: " + "; ".join(problems))
    _check_templates(spec, where)

    call_steps = tuple(
        CallStep(s.id, s.name, s.meaning, tuple(lexicon.compile(p, f"{where}: call_steps {s.id!r}", PlaybookError) for p in s.patterns), s.or_name)
        for s in spec.call_steps
    )
    checks = tuple(
        DraftCheck(
            c.id,
            frozenset(c.when),
            lexicon.compile(c.flag, f"{where}: draft_checks {c.id!r}", PlaybookError) if c.flag else None,
            lexicon.compile(c.require, f"{where}: draft_checks {c.id!r}", PlaybookError) if c.require else None,
            c.message,
        )
        for c in spec.draft_checks
    )
    return Playbook(spec, call_steps, checks)
