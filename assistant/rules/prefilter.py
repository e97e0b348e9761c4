"""Prefilter: run a regular expression only when the strings it requires are present.

With a few hundred patterns per reply, calling every regex costs more than segmentation. The
pattern parser derives what any match must contain (one of 找/去找, and one of 你/您, ...): a list
of requirements, each a set of strings of which the text must hold one. One pass over the reply's
sound string (phonetics) serves every matcher: a string written in a reply also sounds the same,
so a requirement checked on sounds is never missed (a homophone may let a regex run needlessly,
and the regex then finds nothing). A pattern runs only when all its requirements are met.
Single characters are looked up with a set of the text's characters, longer strings with an
Aho-Corasick automaton; both in C. Patterns with no derivable requirement always run.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import ahocorasick


# The most frequent characters of written Chinese (function words, pronouns, common verbs). A
# requirement that one of them meets on its own (你/您/你们, 是/归/由) is met by nearly every
# reply, so checking it costs more than the regex it would spare.
COMMON_CHARACTERS = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过"
    "发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前"
    "开但因只从想实日您吗吧呢啊哦嗯呀哈给让把被很再又"
)


class Prefilter:
    def __init__(
        self,
        requirements: Iterable[tuple[Hashable, Sequence[frozenset[str]]]],
        common: frozenset[str] = frozenset(),
    ):
        """`requirements`: (key, requirement sets) per pattern, most selective first. `common`:
        strings (sounds) that are in nearly every reply; a set holding one is no requirement."""
        self._always: list[Hashable] = []
        owners: dict[str, list[Hashable]] = {}
        requirement_ids: dict[frozenset[str], int] = {}
        meets: dict[str, list[int]] = {}
        self._needs: dict[Hashable, frozenset[int]] = {}
        for key, sets in requirements:
            sets = [s for s in sets if s]
            strong = [s for s in sets if s.isdisjoint(common)]
            sets = strong or sets[:1]  # a pattern that only requires common sounds keeps its best
            if not sets:
                self._always.append(key)
                continue
            for lit in sets[0]:
                owners.setdefault(lit, []).append(key)
            needs = set()
            for s in sets[1:]:
                rid = requirement_ids.setdefault(s, len(requirement_ids))
                needs.add(rid)
                for lit in s:
                    if rid not in meets.setdefault(lit, []):
                        meets[lit].append(rid)
            if needs:
                self._needs[key] = frozenset(needs)
        literals = set(owners) | set(meets)
        self._by_char = {c: (tuple(owners.get(c, ())), tuple(meets.get(c, ()))) for c in literals if len(c) == 1}
        self._chars = frozenset(self._by_char)
        long_literals = [lit for lit in literals if len(lit) > 1]
        automaton = ahocorasick.Automaton()
        for lit in long_literals:
            automaton.add_word(lit, (tuple(owners.get(lit, ())), tuple(meets.get(lit, ()))))
        self._automaton = automaton if long_literals else None
        if self._automaton is not None:
            automaton.make_automaton()

    def candidates(self, text: str) -> set[Hashable]:
        """Keys of the patterns that may match `text`."""
        by_char = self._by_char
        hits = [by_char[ch] for ch in self._chars.intersection(text)]
        if self._automaton is not None:
            hits += [value for _end, value in self._automaton.iter(text)]
        if not hits:
            return set(self._always)
        found = set(self._always).union(*[owners for owners, _ in hits])
        needs = self._needs
        if not needs:
            return found
        met = set().union(*[meets for _, meets in hits])
        return {k for k in found if k not in needs or needs[k] <= met}
