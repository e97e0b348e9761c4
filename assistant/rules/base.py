"""What a matcher is (Hit, the Matcher protocol) and the registry matchers add themselves to."""

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
