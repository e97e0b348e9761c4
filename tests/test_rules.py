"""The matchers and the prefilter: the shortcuts change nothing a full run would find."""

from __future__ import annotations

import pytest

from assistant.analyzer import Analyzer
from assistant.normalise import normalise
from tests.conftest import GENERALISATION, SHARED, labelled_batches, labelled_rows

TEXTS = [r["text"] for r in labelled_batches("staff", GENERALISATION)]
if (SHARED / "eval" / "dev.jsonl").exists():
    TEXTS += [r["text"] for r in labelled_rows(SHARED / "eval" / "dev.jsonl")]


class _Everything:
    """A prefilter that lets every pattern run."""

    def __init__(self, keys):
        self._keys = set(keys)

    def candidates(self, text):
        return set(self._keys)


@pytest.fixture(scope="module")
def unfiltered(checker, lexicon):
    analyzer = Analyzer(lexicon, checker.component.analyzer.reader.classifier)  # the same reading, no prefilter
    keys = [(i, n) for i, m in enumerate(analyzer._matchers) for n, _ in m.requirements()]
    analyzer._prefilter = _Everything(keys)
    return analyzer


def _summary(analysis):
    return (
        [(f.rule_id, f.start, f.end, f.confidence) for f, _ in analysis.findings],
        [(p.category, p.start, p.end) for p in analysis.positives],
    )


def test_rules_prefilter_never_hides_a_match(checker, unfiltered):
    analyzer = checker.component.analyzer
    for text in TEXTS + ["您有任何问题随时联系我，我们今天下午三点前一定给您答复。"]:
        assert _summary(analyzer.analyse(text)) == _summary(unfiltered.analyse(text)), text


def test_rules_findings_only_prefilter_agrees_on_findings(checker):
    analyzer = checker.component.analyzer
    for text in TEXTS:
        full = [f.rule_id for f, _ in analyzer.analyse(text).findings]
        fast = [f.rule_id for f, _ in analyzer.analyse(text, findings_only=True).findings]
        assert full == fast, text


def test_rules_sound_hit_is_marked_less_certain(checker):
    exact = checker.check("改天再联系你。").findings[0]
    typo = checker.check("该天再联系你。").findings[0]
    assert exact.confidence == 1.0
    assert 0 < typo.confidence < exact.confidence


def test_rules_fuzzy_hit_in_a_long_sentence_maps_back(checker):
    from assistant.rules.fuzzy import FuzzyMatcher

    matcher = next(m for m in checker.component.analyzer._matchers if isinstance(m, FuzzyMatcher))
    filler = "您好您反映的三号楼二单元的情况我们这边都已经详细记录下来了并且同步给了相关的同事" * 2
    text = filler + "嗯我不太清楚的" + filler
    n = normalise(text)
    numbers = [k for k, (_plain, _c, _n, entry) in enumerate(matcher._anchors) if entry.category == "F05"]
    hits = list(matcher.find(n, numbers))
    assert hits, "the anchor is in the sentence"
    start, end = n.to_original(hits[0].start, hits[0].end)
    assert "我不太清楚" in text[start:end]
    assert hits[0].confidence < 1.0


def test_rules_check_many_in_workers_equals_one_process(checker):
    texts = TEXTS[:120] * 3
    one = [r.to_dict() for r in checker.check_many(texts, workers=1)]
    two = [r.to_dict() for r in checker.check_many(iter(texts), workers=2)]
    assert one == two


def test_rules_check_many_rejects_non_text_in_workers(checker):
    with pytest.raises(TypeError):
        list(checker.check_many(["好的"] * 10 + [None], workers=2))
