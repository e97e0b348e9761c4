"""Huashu: screens property-management customer-service replies for forbidden and disliked wording.

    from assistant import check, check_many
    report = check("改天再联系你。")
    report.verdict, report.findings[0].category, report.rewrite

The checker is built on first use from the built-in lexicons plus HUASHU_LEXICON_DIRS.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from assistant.errors import LexiconError, RuleFileError
from assistant.report import Finding, Positive, Report

__all__ = ["check", "check_many", "get_checker", "Report", "Finding", "Positive", "LexiconError", "RuleFileError"]


def get_checker(lexicon_dirs: Sequence[str | Path] | None = None):
    """The shared Checker for these company lexicon dirs (default: HUASHU_LEXICON_DIRS)."""
    from assistant.checker import get_checker as shared

    return shared(lexicon_dirs)


def check(text: str, *, lexicon_dirs: Sequence[str | Path] | None = None) -> Report:
    """Check one reply."""
    return get_checker(lexicon_dirs).check(text)


def check_many(
    texts: Iterable[str], *, workers: int | None = None, lexicon_dirs: Sequence[str | Path] | None = None
) -> Iterator[Report]:
    """Check many replies; same reports as check(), in input order, streamed. Long inputs are
    spread over every core unless `workers` says otherwise."""
    return get_checker(lexicon_dirs).check_many(texts, workers=workers)
