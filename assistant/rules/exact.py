"""Exact matching: each entry's patterns as regular expressions over the skeleton.

The skeleton already absorbs width, case, Traditional characters and inserted symbols, so a hit
here means the reply says the phrase, only dressed differently: confidence is the entry's own.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.lexicon import Entry, Lexicon
from assistant.normalise import Normalised
from assistant.rules import Hit, matcher
from assistant.rules.prefilter import Prefilter




@matcher("exact")
class ExactMatcher:
    method = "exact"

    def __init__(self, lexicon: Lexicon):
        self._owners: list[Entry] = []
        patterns = []
        for entry in lexicon.entries:
            for pattern in self._patterns_of(entry):
                self._owners.append(entry)
                patterns.append(pattern)
        self._patterns = patterns
        self._prefilter = Prefilter(patterns)

    def _patterns_of(self, entry: Entry):
        return entry.patterns

    def _subject(self, text: Normalised) -> str:
        return text.skeleton

    def _to_skeleton(self, text: Normalised, start: int, end: int) -> tuple[int, int]:
        return start, end

    def _confidence(self, entry: Entry) -> float:
        return entry.confidence

    def find(self, text: Normalised) -> Iterator[Hit]:
        if not self._patterns:
            return
        subject = self._subject(text)
        if not subject:
            return
        for index in self._prefilter.candidates(subject):
            entry = self._owners[index]
            for m in self._patterns[index].finditer(subject):
                if m.end() == m.start():
                    continue
                start, end = self._to_skeleton(text, m.start(), m.end())
                yield Hit(entry, start, end, self._confidence(entry), self.method, self._groups(text, m))

    def _groups(self, text: Normalised, m) -> dict[str, str]:
        """Named groups as skeleton text (a sound match's groups are codes, not words)."""
        groups = {}
        for name in m.re.groupindex:
            s, e = m.span(name)
            if e > s:
                s, e = self._to_skeleton(text, s, e)
                groups[name] = text.skeleton[s:e]
        return groups
