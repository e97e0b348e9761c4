"""Matchers: the ways a lexicon entry can match a reply, one module each, registered by name.

A matcher is built once from the lexicon. It states what each of its patterns requires of a
reply (strings over the reply's sound string, see prefilter.py), and then, for every reply and
the patterns whose requirements are met, yields Hits: an entry, a skeleton range and a
confidence. Context exceptions, overlap resolution, scoring and rewriting happen after all
matchers ran (context.py, analyzer.py, rewrite.py), so a matcher only finds.
"""

from __future__ import annotations

from assistant.lexicon import Lexicon
from assistant.rules.base import MATCHERS, Hit, Matcher, matcher

__all__ = ["Hit", "Matcher", "build_matchers", "matcher"]


def build_matchers(lexicon: Lexicon) -> list[Matcher]:
    from assistant.rules import exact, fuzzy, sound  # noqa: F401  (registration side effects)

    return [factory(lexicon) for factory in MATCHERS.values()]
