"""Context exceptions (LanguageTool's antipatterns): when a hit is not a finding after all.

不好意思 contains 不, 不客气 contains 不客, 连小朋友都夸 contains 小朋友都; an entry lists the wordings
around its pattern that make it harmless. Scopes:

    span      an exception match overlaps the hit (the usual antipattern)
    clause    an exception matches anywhere in the hit's clause
    sentence  ... in its sentence (为了您的安全，请不要…)
    text      ... anywhere in the reply (改天 when the reply lets the customer choose the time)
"""

from __future__ import annotations

from assistant.lexicon import Antipattern
from assistant.normalise import Normalised
from assistant.rules import Hit


def _present(needs, subject: str) -> bool:
    """Whether `subject` holds a string of every requirement set (else the regex cannot match)."""
    for options in needs:
        for lit in options:
            if lit in subject:
                break
        else:
            return False
    return True


class ExceptionFilter:
    """Decides, per reply, whether hits survive their entries' exceptions (matches cached per reply)."""

    def __init__(self, text: Normalised):
        self._text = text
        self._cache: dict[tuple[int, bool], list[tuple[int, int]]] = {}

    def _matches(self, anti: Antipattern, by_sound: bool) -> list[tuple[int, int]]:
        key = (id(anti), by_sound)
        spans = self._cache.get(key)
        if spans is None:
            text = self._text
            spans = []
            if _present(anti.exact_needs, text.skeleton):
                spans = [m.span() for m in anti.exact.finditer(text.skeleton) if m.end() > m.start()]
            if by_sound and anti.sound is not None and _present(anti.sound_needs, text.sound):
                spans += [
                    text.sound_to_skeleton(*m.span()) for m in anti.sound.finditer(text.sound) if m.end() > m.start()
                ]
            self._cache[key] = spans
        return spans

    def allows(self, hit: Hit) -> bool:
        text = self._text
        by_sound = hit.method != "exact"
        for anti in hit.entry.exceptions:
            spans = self._matches(anti, by_sound)
            if not spans:
                continue
            if anti.scope == "span":
                lo, hi = hit.start, hit.end
            elif anti.scope == "clause":
                lo, hi = text.clause_at(hit.start, hit.end)
            elif anti.scope == "sentence":
                lo, hi = text.sentence_at(hit.start, hit.end)
            else:
                lo, hi = 0, len(text.skeleton)
            if any(s < hi and e > lo for s, e in spans):
                return False
        return True
