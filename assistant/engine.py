"""The analysis of one reply: matchers -> context exceptions -> word boundaries -> overlaps.

Everything here works on the skeleton and maps back to original offsets only at the end. The
spaCy component (pipeline.py) calls Analyzer.analyse with the token boundaries of its Doc; the
rewriter calls it again to prove that a rewrite is clean.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from assistant.context import ExceptionFilter
from assistant.lexicon import Entry, Lexicon
from assistant.normalise import Normalised, normalise
from assistant.report import Finding, Positive
from assistant.rules import Hit, build_matchers

_GROUP_RANK = {"forbidden": 0, "disliked": 1, "liked": 2}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(slots=True)
class Analysis:
    text: Normalised
    findings: list[tuple[Finding, Hit]]
    positives: list[Positive]


def suggestions_for(entry: Entry, groups: dict[str, str], limit: int = 3) -> tuple[str, ...]:
    """The entry's rewrites whose placeholders this match can fill, filled in."""
    out = []
    for template in entry.rewrites:
        names = _PLACEHOLDER.findall(template)
        if all(groups.get(n) for n in names):
            text = _PLACEHOLDER.sub(lambda m: groups[m.group(1)], template)
            if text not in out:
                out.append(text)
        if len(out) == limit:
            break
    return tuple(out)


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
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self._matchers = build_matchers(lexicon)
        self._order = {e.id: i for i, e in enumerate(lexicon.entries)}

    def hits(self, text: Normalised) -> list[Hit]:
        return [hit for m in self._matchers for hit in m.find(text)]

    def analyse(self, original: str, token_bounds: Collection[int] | None = None) -> Analysis:
        text = normalise(original)
        exceptions = ExceptionFilter(text)
        kept = []
        for hit in self.hits(text):
            if not exceptions.allows(hit):
                continue
            if hit.entry.boundary == "word" and token_bounds is not None:
                start, end = text.to_original(hit.start, hit.end)
                if start not in token_bounds or end not in token_bounds:
                    continue
            kept.append(hit)
        accepted = self._resolve(kept)
        findings: list[tuple[Finding, Hit]] = []
        positives: list[Positive] = []
        for hit in accepted:
            start, end = text.to_original(hit.start, hit.end)
            entry = hit.entry
            if entry.is_finding:
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
            else:
                positives.append(Positive(entry.category, start, end, original[start:end]))
        findings.sort(key=lambda fh: (fh[0].start, -(fh[0].end - fh[0].start), fh[0].rule_id))
        positives.sort(key=lambda p: (p.start, -(p.end - p.start), p.category))
        return Analysis(text, findings, positives)

    def _resolve(self, hits: list[Hit]) -> list[Hit]:
        """Keep the strongest hit where hits collide: forbidden > disliked > liked, then confidence,
        then length, then lexicon order (deterministic whatever order the matchers yield)."""
        hits.sort(
            key=lambda h: (
                _GROUP_RANK[h.entry.group],
                -h.confidence,
                -(h.end - h.start),
                self._order[h.entry.id],
                h.start,
            )
        )
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
