"""Matchers: the ways a lexicon entry can match a reply, one module each, registered by name.

A matcher is built once from the lexicon. It states what each of its patterns requires of a
reply (strings over the reply's sound string, see prefilter.py), and then, for every reply and
the patterns whose requirements are met, yields Hits: an entry, a skeleton range and a
confidence. Context exceptions, overlap resolution, scoring and rewriting happen after all
matchers ran (context.py, engine.py, rewrite.py), so a matcher only finds.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.lexicon import Entry, Lexicon
from assistant.normalise import Normalised


@dataclass(slots=True)
class Hit:
    entry: Entry
    start: int  # skeleton indices
    end: int
    confidence: float
    method: str
    groups: dict[str, str] = field(default_factory=dict)


class Matcher(Protocol):
    def requirements(self) -> Iterable[tuple[int, Sequence[frozenset[str]]]]:
        """(pattern number, requirement sets over the sound string) for each pattern."""

    def entry_of(self, number: int) -> Entry: ...

    def find(self, text: Normalised, numbers: Collection[int]) -> Iterator[Hit]:
        """Hits of the given patterns (those whose requirements the reply meets)."""


MatcherFactory = Callable[[Lexicon], Matcher]
MATCHERS: dict[str, MatcherFactory] = {}


def matcher(name: str) -> Callable[[MatcherFactory], MatcherFactory]:
    """Register a matcher factory under `name` (spaCy-style registry)."""

    def register(factory: MatcherFactory) -> MatcherFactory:
        MATCHERS[name] = factory
        return factory

    return register


def build_matchers(lexicon: Lexicon) -> list[Matcher]:
    from assistant.rules import exact, fuzzy, sound  # noqa: F401  (registration side effects)

    return [factory(lexicon) for factory in MATCHERS.values()]
