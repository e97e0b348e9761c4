"""The shortcuts a check takes give exactly what the long way gives.

Segmentation happens only where a match needs word boundaries (segment.WordBounds), and the
classifier's features are hashed for a whole reply at once: these tests hold both to the plain
computation, on the shared dev sets and on texts made to hit the edges.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import SHARED

EDGE_TEXTS = [
    "",
    "好",
    "您好，这个不太清楚。",
    "我不懂\r\n我不会",
    "这 种 问 题 连小孩子都会",
    "No.2楼3.5米的管子，改天再说吧",
    "“我不可能说过”，他说的。",
    "绝对不可能" * 60,  # a run longer than a segmenter piece
    "  前后有空格  ",
    "王阿姨，您好！这个我们管不了。。。您自己想想办法吧",
]


def _texts() -> list[str]:
    rows = []
    for name in ("dev.jsonl", "rewrite-dev.jsonl"):
        path = SHARED / "eval" / name
        if path.is_file():
            rows += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows + EDGE_TEXTS


def _jieba_words(tokenizer, text: str) -> list[str]:
    """jieba's own cut, no HMM, a long run in pieces: what Segmenter.words reproduces faster."""
    from assistant.segment import _LONG_RUN, _PIECES

    pieces = [text] if not _LONG_RUN.search(text) else _PIECES.findall(text)
    return [w for piece in pieces for w in tokenizer.jieba_tokenizer.cut(piece, HMM=False) if w]


def test_the_segmenter_finds_the_words_jieba_finds(checker):
    from assistant.model.data import DATA_DIR
    from assistant.segment import _PIECES, word_bounds

    training = [
        json.loads(line)["text"]
        for path in sorted(DATA_DIR.glob("*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts = _texts() + training + [
        "No.2楼3.5米的管子 abc12 x y\r\n好的  A1B2c",
        "ＡＢＣ１２３全角 e-mail: a_b%c#d&e+f.g-h",
        "𠀀𠀁 😀 ㊗️ \t\n\r",
        "一" * 450 + "，好的 abc" + "二" * 30,
    ]
    tokenizer = checker.tokenizer
    for text in texts:
        assert tokenizer.words(text) == _jieba_words(tokenizer, text), text
        for piece in _PIECES.findall(text):
            assert tokenizer.bounds(piece) == word_bounds(_jieba_words(tokenizer, piece)), piece


def test_word_bounds_segment_only_where_asked_and_agree_with_the_whole_text(checker):
    from assistant.segment import WordBounds, word_bounds

    words = checker.tokenizer.words
    for text in _texts():
        full = word_bounds(words(text))
        lazy = WordBounds(text, words)
        assert [i for i in range(len(text) + 1) if i in lazy] == full, text
        for start in range(0, len(text), 3):
            for end in (start + 1, start + 4):
                if end <= len(text):
                    i = max(b for b in full if b <= start)
                    j = min((b for b in full if b >= end), default=end)
                    assert WordBounds(text, words).snap(start, end) == (i, j), (text, start, end)


def test_a_report_is_the_same_with_lazy_and_with_whole_text_segmentation(checker):
    from assistant.segment import WordBounds, word_bounds

    analyzer = checker.component.analyzer
    for text in _texts():
        whole = analyzer.analyse(text, word_bounds(checker.tokenizer.words(text)))
        lazy = analyzer.analyse(text, WordBounds(text, checker.tokenizer.words))
        assert [f for f, _ in whole.findings] == [f for f, _ in lazy.findings], text
        assert whole.positives == lazy.positives, text


def _features_one_clause_at_a_time(text, spec):
    """The classifier's features computed clause by clause, n-gram by n-gram: the definition the
    vectorised reply_features must agree with."""
    from assistant.clauses import NEIGHBOURS, clauses
    from assistant.model import features as F
    from assistant.normalise import normalise

    parts = clauses(text)
    skeletons = [normalise(p.text(text)).skeleton for p in parts]
    n = len(parts)
    does = [[name for name, p in spec.elsewhere.items() if p.search(s)] for s in skeletons] if n > 1 else [[]]
    mask = (1 << spec.hash_bits) - 1
    lo, hi = spec.char_ngrams
    prime, basis, spread = int(F._PRIME), int(F._BASIS), int(F._SPREAD)
    wrap = (1 << 64) - 1

    def fold(chars: str) -> int:
        h = basis
        for c in chars:
            h = ((h ^ ord(c)) * prime) & wrap
        return h

    def bucket(h: int) -> int:
        return ((h * spread) & wrap) >> (64 - spec.hash_bits)

    rows = []
    for k, own in enumerate(skeletons):
        marked = f"^{own}$"
        hashes = [fold(marked[i : i + m]) for m in range(lo, hi + 1) for i in range(len(marked) - m + 1)]
        facts = sorted({f"e:{name}" for j in range(max(0, k - NEIGHBOURS), min(n, k + NEIGHBOURS + 1)) if j != k for name in does[j]})
        before = skeletons[k - 1][-8:] + "，" if k else ""
        facts += [f"h:{name}" for name, p in spec.here.items() if p.search(before + own)]
        if parts[k].quoted:
            facts.append("h:quoted")
        for fact in facts:
            seed = F._seed(fact, F._FACT) ^ F._CROSS
            hashes += [((fold(marked[i : i + 2]) ^ seed) * prime) & wrap for i in range(len(marked) - 1)]
        facts.append("pos:" + ("only" if n == 1 else "first" if k == 0 else "last" if k == n - 1 else "mid"))
        facts.append(f"clauses:{min(n, 5)}")
        hashes += [F._seed(f, F._FACT) for f in facts]
        rows.append(sorted({bucket(h) & mask for h in hashes}))
    return rows


def test_vectorised_features_equal_the_clause_by_clause_definition(checker):
    from assistant.model.features import reply_features

    spec = checker.component.analyzer.reader.classifier.spec
    for text in _texts()[::3] + EDGE_TEXTS:
        assert reply_features(text, spec).rows == _features_one_clause_at_a_time(text, spec), text


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_scores_of_the_whole_reply_equal_scores_row_by_row(checker, text):
    from assistant.model.features import reply_features

    classifier = checker.component.analyzer.reader.classifier
    features = reply_features(text, classifier.spec)
    together = classifier.weights.scores(features.index, features.starts)
    one_by_one = [
        classifier.weights.scores(np.array(row, dtype=np.int64), np.zeros(1, dtype=np.int64))[0] for row in features.rows
    ]
    assert np.allclose(together, np.array(one_by_one).reshape(together.shape), atol=1e-6)


def test_replies_read_together_get_the_features_each_gets_alone(checker):
    from assistant.model.features import replies_features, reply_features

    spec = checker.component.analyzer.reader.classifier.spec
    texts = _texts()
    together = replies_features(texts, spec)
    for text, features in zip(texts, together, strict=True):
        alone = reply_features(text, spec)
        assert features.rows == alone.rows and features.parts == alone.parts, text


def test_check_many_in_chunks_gives_the_reports_of_check_one_by_one(checker):
    from datetime import datetime

    texts = _texts()
    now = datetime(2026, 3, 2, 10, 0)
    assert list(checker.check_many(texts, workers=1, now=now)) == [checker.check(t, now=now) for t in texts]


def test_check_many_without_composing_gives_the_same_findings(checker):
    from dataclasses import replace
    from datetime import datetime

    texts = _texts()
    now = datetime(2026, 3, 2, 10, 0)
    bare = list(checker.check_many(texts, workers=1, now=now, compose=False))
    full = list(checker.check_many(texts, workers=1, now=now))
    assert all(r.rewrite == "" for r in bare)
    assert bare == [replace(r, rewrite="") for r in full]


def test_what_is_remembered_is_bounded_and_never_changes_a_report(checker, monkeypatch):
    """memo.Memo forgets everything at MEMO_SIZE, and a report is the same whether the clauses
    it holds were remembered from earlier checks or worked out afresh."""
    from assistant import memo, normalise
    from assistant.segment import Segmenter

    monkeypatch.setattr(memo, "MEMO_SIZE", 3)
    small = memo.Memo()
    for k in range(7):
        assert small.remember(k, k, 1) == k
        assert len(small) <= 3
    assert small.remember("long", "answer", memo.MEMO_CHARS + 1) == "answer"  # given, not kept
    assert "long" not in small
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime(2026, 12, 7, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # the same promised times
    texts = _texts()
    warm = [r.to_dict() for r in checker.check_many(texts + texts, workers=1, now=now)]
    assert warm[: len(texts)] == warm[len(texts) :]
    # afresh: empty memos, forgotten after every third answer
    normalise._CLAUSES.clear()
    checker.component.analyzer.reader.classifier.spec.shown.clear()
    assert isinstance(checker.tokenizer, Segmenter)
    checker.tokenizer._bounds.clear()
    cold = [r.to_dict() for r in checker.check_many(texts, workers=1, now=now)]
    assert cold == warm[: len(texts)]
