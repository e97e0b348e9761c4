"""Reading a resident's message: psychology, topic and emergency, from signals.yaml.

Every cue is a pattern of the lexicon language with a weight; matching runs on the normalised
message, so Traditional characters, spacing and full-width letters are absorbed as in the checker.
Evidence is the words as the resident wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import SignalsError
from assistant.lexicon import Lexicon
from assistant.normalise import Normalised, normalise
from assistant.taxonomy import taxonomy

SIGNALS_FILE = Path(__file__).resolve().parent / "signals.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CueSpec(_Strict):
    pattern: str
    weight: float = 1.0


class PsychologySpec(_Strict):
    threshold: float = 1.0
    cues: list[CueSpec]


class EmergencySpec(_Strict):
    name: str
    topic: str | None = None
    patterns: list[str]
    damage: bool = False  # harm to things alone: a message disputing its cost, with no call to hurry, reports none


class NotNowSpec(_Strict):
    before: list[str] = []  # count only ahead of the danger's words in its clause
    through: list[str] = []  # count ahead of them or among them
    after: list[str] = []  # count right after them, in their clause
    sentence: list[str] = []  # count in an earlier clause of their sentence (假如…，…淹了)
    present: list[str] = []  # in their clause, keep them present despite `after` and `sentence`
    habitual: list[str] = []  # ahead of them or among them: a danger that comes back (年年淹)...
    this_time: list[str] = []  # ...unless their clause says it is here this time (今年又淹了) or `present`


class SignalsSpec(_Strict):
    psychology: dict[str, PsychologySpec]
    topics: dict[str, list[CueSpec]]
    emergency: dict[str, EmergencySpec]
    emergency_over: list[str] = []
    emergency_drill: str | None = None
    emergency_not_now: NotNowSpec = NotNowSpec()
    emergency_cry: str | None = None
    emergency_exasperation: list[str] = []
    emergency_cost_disputed: str | None = None
    emergency_hurry: str | None = None


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    weight: float


@dataclass(frozen=True)
class Reading:
    """What a message shows."""

    psychology: list[tuple[str, str, list[str]]]  # (code, name, evidence)
    topic: tuple[str, str]  # (code, name)
    emergency: tuple[str, str, list[str]] | None  # (kind, name, evidence)


class Signals:
    def __init__(self, lexicon: Lexicon, path: Path = SIGNALS_FILE, model=None):
        """`model` (model.classifier.MessageClassifier) reads every message beside the cues."""
        self.model = model
        try:
            spec = SignalsSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, ValidationError) as exc:
            raise SignalsError(f"{path}: {exc}") from None
        tax = taxonomy()
        topics_named = set(spec.topics) | {e.topic for e in spec.emergency.values() if e.topic}
        unknown = (set(spec.psychology) - set(tax.psychology)) | (topics_named - set(tax.topics))
        if unknown:
            raise SignalsError(f"{path}: codes not in taxonomy.yaml: {sorted(unknown)}")

        def cues(items, where):
            return [Cue(lexicon.compile(c.pattern, f"{path}: {where}", SignalsError), c.weight) for c in items]

        self.psychology = {code: (p.threshold, cues(p.cues, f"psychology {code}")) for code, p in spec.psychology.items()}
        self.topics = {code: cues(items, f"topic {code}") for code, items in spec.topics.items()}
        self.emergency = {
            kind: (e.name, [lexicon.compile(p, f"{path}: emergency {kind}", SignalsError) for p in e.patterns])
            for kind, e in spec.emergency.items()
        }
        self.emergency_topic = {kind: e.topic for kind, e in spec.emergency.items() if e.topic}
        self.damage_kinds = frozenset(kind for kind, e in spec.emergency.items() if e.damage)

        def optional(source: str | None, field: str) -> re.Pattern[str] | None:
            return lexicon.compile(source, f"{path}: {field}", SignalsError) if source else None
        self.cost_disputed = optional(spec.emergency_cost_disputed, "emergency_cost_disputed")
        self.hurry = optional(spec.emergency_hurry, "emergency_hurry")
        self.drill = optional(spec.emergency_drill, "emergency_drill")
        self.emergency_over = [lexicon.compile(p, f"{path}: emergency_over", SignalsError) for p in spec.emergency_over]
        not_now = spec.emergency_not_now
        def not_now_patterns(field: str) -> list[re.Pattern[str]]:
            return [lexicon.compile(p, f"{path}: emergency_not_now.{field}", SignalsError) for p in getattr(not_now, field)]

        self.not_now_before = not_now_patterns("before")
        self.not_now_through = not_now_patterns("through")
        self.not_now_after = not_now_patterns("after")
        self.not_now_sentence = not_now_patterns("sentence")
        self.still_present = not_now_patterns("present")
        self.habitual = not_now_patterns("habitual")
        self.this_time = not_now_patterns("this_time")
        self.cry = optional(spec.emergency_cry, "emergency_cry")
        self.exasperation = [
            lexicon.compile(p, f"{path}: emergency_exasperation", SignalsError) for p in spec.emergency_exasperation
        ]

    @staticmethod
    def _spans(text: Normalised, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        """Where `pattern` matches, as spans of the original text."""
        return [text.to_original(m.start(), m.end()) for m in pattern.finditer(text.skeleton) if m.end() > m.start()]

    @staticmethod
    def _evidence(text: Normalised, spans: list[tuple[int, int]]) -> list[str]:
        """The words the spans cover, overlapping spans joined, in reading order."""
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        words = []
        for start, end in merged:
            if (word := text.original[start:end]) not in words:
                words.append(word)
        return words

    def emergency_in(self, text: Normalised) -> tuple[str, str, list[str]] | None:
        """The first emergency kind the message shows, unless it says the danger is over or
        was a drill (a follow-up about last night's fire needs no one to run). What it tells
        after the clause that says so is told as present (幸好消防员把我儿子救出来了，他全身烧伤昏迷不醒);
        a drill or a false alarm named anywhere covers the whole message (今天消防演练，楼道里全是烟)."""
        if self.drill is not None and self.drill.search(text.skeleton):
            return None
        over_ends = [m.end() for p in self.emergency_over for m in p.finditer(text.skeleton)]
        told_after = text.clause_at(max(over_ends) - 1, max(over_ends))[1] if over_ends else None
        disputed = self._cost_disputed(text)
        for kind, (name, patterns) in self.emergency.items():
            if disputed and kind in self.damage_kinds:
                continue  # 水管冻裂了…修完还要收我280维修费？: a bill argued, not a call for help
            found = [
                (m.start(), m.end())
                for p in patterns
                for m in p.finditer(text.skeleton)
                if m.end() > m.start()
                and (told_after is None or m.start() > told_after)
                and not self._not_now(text, m.start(), m.end())
            ]
            if not found:
                continue
            if self._only_cries(text, found) and self._fed_up(text):
                continue  # 救命啊…要了我的老命: a cry over a nuisance
            return kind, name, self._evidence(text, [text.to_original(a, b) for a, b in found])
        return None

    def _cost_disputed(self, text: Normalised) -> bool:
        """Whether the message argues who pays for a damage (维修费, 凭啥让我出, 地板钱你们必须赔)
        and nowhere asks anyone to hurry (快, 赶紧, 还在): the harm is done, the dispute is the matter."""
        if self.cost_disputed is None or not self.cost_disputed.search(text.skeleton):
            return False
        return self.hurry is None or not self.hurry.search(text.skeleton)

    def _only_cries(self, text: Normalised, found: list[tuple[int, int]]) -> bool:
        """Whether every danger's words found are a cry for help alone (救命, 求救), no kind of danger."""
        return self.cry is not None and all(self.cry.fullmatch(text.skeleton, a, b) for a, b in found)

    def _fed_up(self, text: Normalised) -> bool:
        """Whether the message says it is fed up with a nuisance (…要了我的老命, 吵死了): a cry for
        help beside it is a figure, not a call to run."""
        return any(p.search(text.skeleton) for p in self.exasperation)

    def _not_now(self, text: Normalised, start: int, end: int) -> bool:
        """Whether the clause makes the danger matched at [start, end) not a present one
        (万一着火, 上次着火, 会不会漏气), or a supposition in an earlier clause of its sentence does (假如…，…淹了),
        or it is told as having happened (被人撬过) — unless its clause says it is now (刚刚). A
        past time before a match that runs on into a later clause saying now does not count."""
        clause_start, _ = text.clause_at(start, start + 1)
        before, through = text.skeleton[clause_start:start], text.skeleton[clause_start:end]
        last_start, clause_end = text.clause_at(end - 1, end)  # the clause the danger's words end in
        if any(p.search(through) for p in self.not_now_through):
            return True
        # a past time before a match that reaches into a later clause saying now is not this
        # danger's (我家前天刚通的燃气，刚才一开门满屋子煤气味)
        if any(p.search(before) for p in self.not_now_before) and not (
            last_start > clause_start and any(p.search(text.skeleton, last_start, end) for p in self.still_present)
        ):
            return True
        if any(p.search(through) for p in self.habitual) and not any(
            p.search(text.skeleton, clause_start, clause_end) for p in (*self.still_present, *self.this_time)
        ):
            return True  # 车库年年淹: a complaint; 车库每年都淹今年水已经漫到一米深了: a report
        sentence_start, _ = text.sentence_at(start, start + 1)
        supposed = sentence_start < clause_start and any(
            p.search(text.skeleton, sentence_start, clause_start) for p in self.not_now_sentence
        )
        if (supposed or any(p.match(text.skeleton, end, clause_end) for p in self.not_now_after)) and not any(
            p.search(text.skeleton, clause_start, clause_end) for p in self.still_present
        ):
            return True
        # a match reaching into a later clause: the danger's words are in the last one, and what
        # that clause says ahead of them counts too (电梯老坏，昨天晚上我被关在里面四十分钟)
        return last_start > clause_start and any(p.search(text.skeleton[last_start:end]) for p in self.not_now_before)

    def read(self, message: str | Normalised, model=...) -> Reading:
        """What `message` shows: the cues of signals.yaml, and where `model` (a
        model.classifier.MessageClassifier) is given, what it reads too. A psychology is shown
        when its cues reach their threshold or the model's probability reaches its own; the topic
        is the model's when it is sure enough, else the cues'. `model` defaults to the one these
        signals were built with (None: the cues alone). Emergencies are the rules' alone: a
        missed emergency is the worst error, and the rules say why they fire."""
        model = self.model if model is ... else model
        text = message if isinstance(message, Normalised) else normalise(message)
        tax = taxonomy()
        psychology = []
        seen = model.read(text.original) if model is not None else None
        model_psychology = seen.psychology if seen else {}
        model_topics = seen.topics if seen else {}
        for code, (threshold, cues) in self.psychology.items():
            spans, weight = [], 0.0
            for cue in cues:
                found = self._spans(text, cue.pattern)
                if found:
                    weight += cue.weight
                    spans += found
            if weight >= threshold:
                psychology.append((code, tax.psychology[code]["name"], self._evidence(text, spans)))
            elif model_psychology.get(code, 0.0) >= getattr(model, "psychology_threshold", 1.1):
                psychology.append((code, tax.psychology[code]["name"], self._model_evidence(text, model, "psychology", code)))
        emergency = self.emergency_in(text)
        if emergency is None and seen is not None:
            emergency = self._model_emergency(text, model, seen.emergencies)
        return Reading(psychology, self._topic(text, emergency, model, model_topics), emergency)

    def topic(self, message: str | Normalised, emergency: tuple[str, str, list[str]] | None = None, model=...) -> tuple[str, str]:
        """The report section `message` is about, as read() would say given the emergency the
        caller has already read (the audit reads the rules' emergencies for the procedure), at
        a third of read()'s cost: no psychology, no evidence."""
        model = self.model if model is ... else model
        text = message if isinstance(message, Normalised) else normalise(message)
        return self._topic(text, emergency, model, model.read(text.original).topics if model is not None else {})

    def _topic(self, text: Normalised, emergency, model, model_topics: dict[str, float]) -> tuple[str, str]:
        """The emergency's section, else the model's when it is sure enough, else the cues'."""
        code = self.emergency_topic.get(emergency[0]) if emergency else None
        if code is None and model_topics:
            best, p = max(model_topics.items(), key=lambda kv: kv[1])
            if p >= model.topic_threshold:
                code = best
        if code is None:
            scores = {c: sum(cue.weight * _count(text, cue.pattern) for cue in cues) for c, cues in self.topics.items()}
            best = max(scores.items(), key=lambda kv: kv[1]) if scores else ("other", 0)
            code = best[0] if best[1] > 0 else "other"
        return code, taxonomy().topics[code].split(" ")[0]

    def topic_words(self, message: str | Normalised, code: str) -> list[str]:
        """The words of `message` that name section `code`'s matters (电梯, 车位, 垃圾), in
        reading order: what a report counts as the issue raised."""
        text = message if isinstance(message, Normalised) else normalise(message)
        return self._evidence(text, [span for cue in self.topics.get(code, ()) for span in self._spans(text, cue.pattern)])

    def _model_emergency(self, text: Normalised, model, probabilities: dict[str, float]):
        """An emergency the model reads where the rules found none, unless the message says the
        danger is over, or makes it past, imagined or a near miss anywhere (the rules' own words,
        applied to the whole message since the model does not say where the danger is)."""
        kind, p = max(probabilities.items(), key=lambda kv: kv[1])
        if p < model.emergency_threshold or kind not in self.emergency:
            return None
        whole = text.skeleton
        if self.drill is not None and self.drill.search(whole):
            return None
        if any(pattern.search(whole) for pattern in (*self.emergency_over, *self.not_now_before, *self.not_now_through)):
            return None
        if kind == "urgent" and self.cry is not None and self.cry.search(whole) and self._fed_up(text):
            return None  # no kind of its own: the model read the cry
        return kind, self.emergency[kind][0], self._model_evidence(text, model, "emergencies", kind)

    @staticmethod
    def _model_evidence(text: Normalised, model, group: str, code: str) -> list[str]:
        """The clause of the message the model reads `code` in most strongly (its evidence)."""
        from assistant.clauses import clauses

        parts = [c.text(text.original) for c in clauses(text.original)]
        if len(parts) <= 1:
            return parts
        return [max(parts, key=lambda part: getattr(model.read(part), group).get(code, 0.0))]


def _count(text: Normalised, pattern: re.Pattern[str]) -> int:
    """How many times `pattern` matches the message (a topic's weight grows with each word)."""
    return sum(1 for m in pattern.finditer(text.skeleton) if m.end() > m.start())
