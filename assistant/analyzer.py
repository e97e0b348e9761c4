"""The analysis of one reply: matchers -> context exceptions -> word boundaries -> overlaps ->
the reply read clause by clause (reading.py: context rules, the classifier).

Everything here works on the skeleton and maps back to original offsets only at the end. The
spaCy component (nlp.py) calls Analyzer.analyse with the token boundaries of its Doc; the
rewriter calls it again to prove that a rewrite is clean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from assistant import phonetics
from assistant.context import ExceptionFilter
from assistant.lexicon import Entry, Lexicon
from assistant.normalise import Normalised, normalise
from assistant.reading import ReplyReader
from assistant.report import Finding, Positive
from assistant.rules import Hit, build_matchers
from assistant.rules.prefilter import COMMON_CHARACTERS, Prefilter
from assistant.segment import WordBounds
from assistant.timing import TIME_SLOT, timed

if TYPE_CHECKING:
    from assistant.model.features import ReplyFeatures

_GROUP_RANK = {"forbidden": 0, "disliked": 1, "liked": 2}
_ADDRESS = {"P1", "P2"}  # a clause that is only a name or a greeting
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_TIME = TIME_SLOT.strip("{}")


@dataclass(slots=True)
class Analysis:
    text: Normalised
    findings: list[tuple[Finding, Hit | None]]  # a model finding has no lexicon hit
    positives: list[Positive]
    features: ReplyFeatures | None = None  # the classifier's features of the reply, for the residue model


def suggestions_for(entry: Entry, groups: dict[str, str], limit: int = 3) -> tuple[str, ...]:
    """The entry's rewrites whose placeholders this match can fill, filled in; the time slot
    ({time}) stays for the report to fill with a time that has not passed (timing.timed)."""
    out = []
    for template in entry.rewrites:
        names = [n for n in _PLACEHOLDER.findall(template) if n != _TIME]
        if all(groups.get(n) for n in names):
            text = _PLACEHOLDER.sub(lambda m: m.group(0) if m.group(1) == _TIME else groups[m.group(1)], template)
            if text not in out:
                out.append(text)
        if len(out) == limit:
            break
    return tuple(out)


def with_promised_times(findings: Iterable[Finding], now: datetime) -> list[Finding]:
    """`findings` with the time slot of their suggestions filled from `now` (timing.timed): what
    a report shows; the analysis keeps the slot so that one analysis serves any time."""
    return [
        replace(f, suggestions=tuple(timed(s, now) for s in f.suggestions)) if any(TIME_SLOT in s for s in f.suggestions) else f
        for f in findings
    ]


def _conflicts(a: Hit, b: Hit) -> bool:
    """Whether b may not stand next to the already accepted, overlapping a."""
    ga, gb = a.entry.group, b.entry.group
    if a.entry.category == b.entry.category:
        return True
    if "liked" in (ga, gb):
        return ga != gb  # a positive inside a finding is not a positive; positives may overlap
    if ga != gb:
        return True  # disliked wording inside a forbidden phrase is that phrase
    overlap = min(a.end, b.end) - max(a.start, b.start)
    return overlap * 2 >= min(a.end - a.start, b.end - b.start)


class Analyzer:
    def __init__(self, lexicon: Lexicon, classifier=None):
        """`classifier` (model.classifier.ClauseClassifier) reads every clause; without one only
        the lexicon finds (the training's own view of the data)."""
        self.lexicon = lexicon
        self.reader = ReplyReader(lexicon, classifier)
        self._matchers = build_matchers(lexicon)
        keyed = [((i, n), sets, m.entry_of(n)) for i, m in enumerate(self._matchers) for n, sets in m.requirements()]
        common = frozenset(COMMON_CHARACTERS.translate(phonetics.translation()))
        self._prefilter = Prefilter(((key, sets) for key, sets, _ in keyed), common)
        self._finding_prefilter = Prefilter(((key, sets) for key, sets, entry in keyed if entry.is_finding), common)

    def hits(self, text: Normalised, findings_only: bool = False) -> list[Hit]:
        """Every matcher's hits, for the patterns the prefilter lets through."""
        prefilter = self._finding_prefilter if findings_only else self._prefilter
        numbers: list[list[int]] = [[] for _ in self._matchers]
        for i, n in prefilter.candidates(text.sound):
            numbers[i].append(n)
        return [hit for m, todo in zip(self._matchers, numbers) if todo for hit in m.find(text, todo)]

    def analyse(
        self,
        original: str,
        token_bounds: WordBounds | Collection[int] | None = None,
        *,
        findings_only: bool = False,
        skip: Callable[[Entry], bool] | None = None,
        reading=None,
    ) -> Analysis:
        """Findings and positives of one reply. findings_only skips the liked entries: enough to
        prove a rewrite clean, at less cost. skip: entries switched off for this call.
        token_bounds: where words start and end (segment.WordBounds, segmenting only where a
        match needs it, or offsets worked out already); without them no match is held to words.
        reading: the classifier's (features, scores) of `original`, read already with others."""
        text = normalise(original)
        exceptions = ExceptionFilter(text)
        bounds = self._bounds(original, token_bounds)
        kept = []
        for hit in self.hits(text, findings_only):
            if skip is not None and skip(hit.entry):
                continue
            if not exceptions.allows(hit):
                continue
            if hit.entry.boundary == "word" and bounds is not None:
                start, end = text.to_original(hit.start, hit.end)
                if start not in bounds or end not in bounds:
                    continue
            kept.append(hit)
        accepted = self._resolve(kept)
        findings: list[tuple[Finding, Hit]] = []
        match_spans: list[tuple[int, int]] = []
        positives: list[Positive] = []
        for hit in accepted:
            if not hit.entry.is_finding:
                start, end = text.to_original(hit.start, hit.end)
                if bounds:
                    start, end = bounds.snap(start, end)
                positives.append(Positive(hit.entry.category, start, end, original[start:end]))
        for hit in accepted:
            entry = hit.entry
            if entry.is_finding:
                start, end = self._region(text, hit, positives, bounds)
                finding = Finding(
                    rule_id=entry.id,
                    category=entry.category,
                    severity=entry.severity,
                    start=start,
                    end=end,
                    match=original[start:end],
                    message=entry.message,
                    suggestions=suggestions_for(entry, hit.groups),
                    confidence=round(hit.confidence, 3),
                )
                findings.append((finding, hit))
                match_spans.append(text.to_original(hit.start, hit.end))
        positives.sort(key=lambda p: (p.start, -(p.end - p.start), p.category))
        standing, features = self.reader.findings(original, findings, match_spans, skip, reading)
        return Analysis(text, standing, positives, features)

    @staticmethod
    def _region(text: Normalised, hit: Hit, positives: list[Positive], bounds) -> tuple[int, int]:
        """What a finding covers: the words found, or the clause or sentence its rewrites replace
        (rewrite_scope), so that every suggestion is a replacement for exactly [start, end). A
        sentence keeps a leading form of address (王阿姨，) outside the finding."""
        scope = hit.entry.rewrite_scope
        if scope == "span":
            start, end = text.to_original(hit.start, hit.end)
            return bounds.snap(start, end) if bounds else (start, end)
        if scope == "clause":
            return text.to_original(*text.clause_at(hit.start, hit.end))
        lo, hi = text.sentence_at(hit.start, hit.end)
        clauses = [c for c in text.clauses() if lo <= c[0] < hi]
        if len(clauses) > 1 and clauses[0][1] <= hit.start:
            first = text.to_original(*clauses[0])
            covered = sum(
                p.end - p.start for p in positives if p.category in _ADDRESS and first[0] <= p.start < first[1]
            )
            if covered and covered >= (first[1] - first[0]) - 1:
                lo = clauses[1][0]
        return text.to_original(lo, hi)

    @staticmethod
    def _bounds(original: str, token_bounds) -> WordBounds | None:
        if token_bounds is None or isinstance(token_bounds, WordBounds):
            return token_bounds
        return WordBounds(original, known=sorted(token_bounds)) if token_bounds else None

    def _resolve(self, hits: list[Hit]) -> list[Hit]:
        """Keep the strongest hit where hits collide: forbidden > disliked > liked, then confidence,
        then length, then lexicon order (deterministic whatever order the matchers yield)."""
        if len(hits) < 2:
            return hits
        hits.sort(key=lambda h: (_GROUP_RANK[h.entry.group], -h.confidence, h.start - h.end, h.entry.order, h.start))
        accepted: list[Hit] = []
        covering: dict[int, list[Hit]] = {}
        for hit in hits:
            rivals = {id(o): o for i in range(hit.start, hit.end) for o in covering.get(i, ())}
            if any(_conflicts(o, hit) for o in rivals.values()):
                continue
            accepted.append(hit)
            for i in range(hit.start, hit.end):
                covering.setdefault(i, []).append(hit)
        return accepted
