"""Exact matching: each entry's patterns as regular expressions over the skeleton.

The skeleton already absorbs width, case, Traditional characters and inserted symbols, so a hit
here means the reply says the phrase, only dressed differently: confidence is the entry's own.
Entries that also match by sound are mostly left to the sound matcher, which finds these hits
too; but a negative lookaround means something else over sounds (又 sounds like the 有 in
(?<![有没])), so patterns with one run here as well.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from assistant import phonetics
from assistant.lexicon import Entry, Lexicon
from assistant.normalise import Normalised
from assistant.patterns import required_sets
from assistant.rules.base import Hit, matcher


@matcher("exact")
class ExactMatcher:
    method = "exact"

    def __init__(self, lexicon: Lexicon):
        self._owners: list[tuple[Entry, int]] = []
        self._patterns = []
        for entry in lexicon.entries:
            for k, pattern in enumerate(self._patterns_of(entry)):
                if self._handles(entry, pattern):
                    self._owners.append((entry, k))
                    self._patterns.append(pattern)

    def _handles(self, entry: Entry, pattern) -> bool:
        return not entry.sound_patterns or "(?<!" in pattern.pattern or "(?!" in pattern.pattern

    def _patterns_of(self, entry: Entry):
        return entry.patterns

    def requirements(self):
        table = phonetics.translation()
        for number, pattern in enumerate(self._patterns):
            sets = required_sets(pattern)
            yield number, [frozenset(lit.translate(table) for lit in s) for s in sets]

    def entry_of(self, number: int) -> Entry:
        return self._owners[number][0]

    def _subject(self, text: Normalised) -> str:
        return text.skeleton

    def _to_skeleton(self, text: Normalised, start: int, end: int) -> tuple[int, int]:
        return start, end

    def _method_and_confidence(self, text: Normalised, entry: Entry, k: int, start: int, end: int):
        return self.method, entry.confidence

    def find(self, text: Normalised, numbers: Collection[int]) -> Iterator[Hit]:
        subject = self._subject(text)
        if not subject:
            return
        patterns = self._patterns
        for number in sorted(numbers):
            pattern = patterns[number]
            first = pattern.search(subject)  # most patterns the prefilter lets through find nothing
            if first is None:
                continue
            entry, k = self._owners[number]
            for m in pattern.finditer(subject, first.start()):  # the same matches, from the first on
                if m.end() == m.start():
                    continue
                start, end = self._to_skeleton(text, m.start(), m.end())
                method, confidence = self._method_and_confidence(text, entry, k, start, end)
                groups = self._groups(text, m) if m.re.groupindex else {}
                yield Hit(entry, start, end, confidence, method, groups)

    def _groups(self, text: Normalised, m) -> dict[str, str]:
        """Named groups as skeleton text (a sound match's groups are codes, not words)."""
        groups = {}
        for name in m.re.groupindex:
            s, e = m.span(name)
            if e > s:
                s, e = self._to_skeleton(text, s, e)
                groups[name] = text.skeleton[s:e]
        return groups
