"""Aho-Corasick prefilter: run a regular expression only when a string it requires is present.

With a hundred patterns per reply, calling every regex costs more than segmentation; one automaton
pass over the text (well under a microsecond for a short reply) narrows them to the few that can
match. Patterns whose required strings can't be derived run always.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import ahocorasick

from assistant.patterns import required_literals


class Prefilter:
    def __init__(self, patterns: Sequence[re.Pattern[str]]):
        self._always: list[int] = []
        automaton = ahocorasick.Automaton()
        owners: dict[str, list[int]] = {}
        for index, pattern in enumerate(patterns):
            literals = required_literals(pattern)
            if not literals:
                self._always.append(index)
                continue
            for lit in literals:
                owners.setdefault(lit, []).append(index)
        for lit, idx in owners.items():
            automaton.add_word(lit, tuple(idx))
        self._empty = not owners
        if not self._empty:
            automaton.make_automaton()
        self._automaton = automaton

    def candidates(self, text: str) -> list[int]:
        """Indices of the patterns that may match `text`, in pattern order."""
        found = set(self._always)
        if not self._empty:
            for _end, owners in self._automaton.iter(text):
                found.update(owners)
        return sorted(found)
