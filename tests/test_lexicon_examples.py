"""Every lexicon entry carries its own examples (LanguageTool's <example>), run here:
a flag example yields exactly one finding of that entry, at the marked span, with the listed fix,
and applying any of its suggestions leaves a reply the entry no longer flags; a pass example
yields no finding of the entry (and no finding at all for forbidden and disliked entries)."""

from __future__ import annotations

import pytest

from datetime import datetime
from zoneinfo import ZoneInfo

from assistant.lexicon import load_lexicon
from assistant.timing import default_timezone, timed
from tests.conftest import strip_marker

LEXICON = load_lexicon()
NOW = datetime(2026, 3, 4, 19, 0, tzinfo=ZoneInfo(default_timezone()))  # after office hours: no suggestion may promise today
FLAG_CASES = [
    pytest.param(entry, ex, id=f"{entry.id}-flag{i}") for entry in LEXICON.entries for i, ex in enumerate(entry.examples.flag)
]
PASS_CASES = [
    pytest.param(entry, text, id=f"{entry.id}-pass{i}") for entry in LEXICON.entries for i, text in enumerate(entry.examples.pass_)
]


def _items(report, entry):
    if entry.is_finding:
        return [f for f in report.findings if f.rule_id == entry.id]
    return [p for p in report.positives if p.category == entry.category]


@pytest.mark.parametrize("entry,example", FLAG_CASES)
def test_lexicon_flag_example(checker, entry, example):
    text, span = strip_marker(example.text)
    hits = _items(checker.check(text, now=NOW), entry)
    assert [(h.start, h.end) for h in hits] == [span], f"{entry.id}: {text}"
    if not entry.is_finding:
        return
    finding = hits[0]
    if example.fix:
        assert timed(example.fix, NOW) in finding.suggestions
    assert not any("{" in s or "今天" in s for s in finding.suggestions), finding.suggestions
    for suggestion in finding.suggestions:
        fixed = text[: span[0]] + suggestion + text[span[1] :]
        assert not _items(checker.check(fixed), entry), f"suggestion re-triggers {entry.id}: {fixed}"


@pytest.mark.parametrize("entry,text", PASS_CASES)
def test_lexicon_pass_example(checker, entry, text):
    report = checker.check(text)
    assert not _items(report, entry), f"{entry.id} flags {text}"
    if entry.is_finding:
        assert report.findings == (), f"{text} -> {[(f.category, f.match) for f in report.findings]}"


def test_lexicon_every_entry_has_flag_and_pass_examples():
    missing = [e.id for e in LEXICON.entries if not e.examples.flag or not e.examples.pass_]
    assert missing == []


def test_lexicon_every_category_has_an_entry():
    from assistant.taxonomy import taxonomy

    covered = {e.category for e in LEXICON.entries}
    assert set(taxonomy().categories) <= covered


def test_lexicon_every_rewrite_passes_the_checker(checker):
    """A rewrite text is what staff will send: it must itself be clean."""
    bad = []
    for entry in LEXICON.entries:
        for rewrite in entry.rewrites:
            text = rewrite.replace("{dept}", "工程部")
            if len(text) >= 4 and checker.check(text).findings:
                bad.append((entry.id, text, [f.category for f in checker.check(text).findings]))
    assert bad == []
