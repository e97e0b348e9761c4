"""What the classifiers see: hashed features of a clause in its reply, or of a resident's message.

One function each for training and for checking, so the two can never see different things.

A staff clause is described by the character n-grams of its matching form (normalise.py: Simplified,
half-width, separators gone), by what the rest of the reply does (another clause acts, names a
time, gets back to the resident, or all of these: a follow-up), by what the clause itself shows
(reported speech, the weather; words in quotation marks), by its position, and by those reply
facts crossed with the clause's character pairs, so that "不清楚" followed by "三点前回复您" weighs
differently from "不清楚" alone. What the rest of the reply does is what each neighbouring clause
(clauses.NEIGHBOURS either side) does by itself. Features are hashed (crc32) into 2^hash_bits
buckets: the model is a fixed-size array and nothing grows with the texts checked.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.clauses import NEIGHBOURS, Clause, clauses
from assistant.lexicon import Lexicon
from assistant.normalise import normalise


@dataclass(frozen=True)
class FeatureSpec:
    hash_bits: int
    char_ngrams: tuple[int, int]
    elsewhere: dict[str, re.Pattern[str]]  # patterns looked for in the reply's other clauses
    here: dict[str, re.Pattern[str]]  # patterns looked for in the clause and just before it
    words: Callable[[str], list[str]] | None = None  # the segmenter, when words are features too

    @classmethod
    def from_config(cls, config: dict, lexicon: Lexicon, where: str, segment=None) -> FeatureSpec:
        """`segment`: jieba with the lexicon's words (the checker's own); needed when the config
        asks for word features."""
        lo, hi = config["char_ngrams"]
        compiled = {
            group: {name: lexicon.compile(p, f"{where}: {group}.{name}") for name, p in (config.get(group) or {}).items()}
            for group in ("elsewhere", "here")
        }
        words = None
        if config.get("words"):
            if segment is None:
                from assistant.segment import new_jieba

                tokenizer = new_jieba()
                for word in sorted(lexicon.words()):
                    tokenizer.add_word(word)
                segment = lambda text: [w for w in tokenizer.cut(text, HMM=False) if w]  # noqa: E731
            words = segment
        return cls(int(config["hash_bits"]), (int(lo), int(hi)), compiled["elsewhere"], compiled["here"], words)


_FACT, _CROSS, _WORD = 101, 211, 307  # crc32 seeds that keep the feature families apart


def _ngram_hashes(s: str, lo: int, hi: int, seed: int = 0) -> list[int]:
    """crc32 of every character n-gram of `s` (lo <= n <= hi), n-grams of each length hashed from
    their own seed: computed on one UTF-32 encoding of `s`, without building a string per n-gram."""
    data = s.encode("utf-32-le")
    crc = zlib.crc32
    out: list[int] = []
    for n in range(lo, hi + 1):
        width = 4 * n
        start = seed + n
        out.extend(crc(data[i : i + width], start) for i in range(0, len(data) - width + 4, 4))
    return out


@dataclass(frozen=True)
class ReplyFeatures:
    parts: list[Clause]  # the reply's clauses
    skeletons: list[str]  # each clause in matching form
    rows: list[list[int]]  # hashed feature indices, one list per clause


def reply_features(text: str, spec: FeatureSpec) -> ReplyFeatures:
    """The clauses of a staff reply and the features of each, in its reply."""
    parts = clauses(text)
    skeletons = [normalise(p.text(text)).skeleton for p in parts]
    mask = (1 << spec.hash_bits) - 1
    lo, hi = spec.char_ngrams
    n = len(parts)
    # what each clause does by itself; a clause's context is what its neighbours do
    does = [[name for name, p in spec.elsewhere.items() if p.search(s)] for s in skeletons] if n > 1 else [[]]
    crc = zlib.crc32
    rows = []
    for k, own in enumerate(skeletons):
        facts = sorted({f"e:{name}" for j in range(max(0, k - NEIGHBOURS), min(n, k + NEIGHBOURS + 1)) if j != k for name in does[j]})
        if spec.here:
            before = skeletons[k - 1][-8:] + "，" if k else ""
            facts += [f"h:{name}" for name, p in spec.here.items() if p.search(before + own)]
        if parts[k].quoted:
            facts.append("h:quoted")
        facts.append("pos:" + ("only" if n == 1 else "first" if k == 0 else "last" if k == n - 1 else "mid"))
        facts.append(f"clauses:{min(n, 5)}")
        marked = f"^{own}$"
        hashes = _ngram_hashes(marked, lo, hi)
        fact_seeds = [crc(f.encode(), _FACT) for f in facts]
        hashes += fact_seeds
        pairs = marked.encode("utf-32-le")
        for seed in fact_seeds[:-2]:  # the reply facts (not position and length) crossed with the clause's pairs
            hashes.extend(crc(pairs[i : i + 8], seed ^ _CROSS) for i in range(0, len(pairs) - 4, 4))
        if spec.words is not None:
            words = ["^", *spec.words(own), "$"]
            hashes.extend(crc(w.encode(), _WORD) for w in words[1:-1])
            hashes.extend(crc(f"{a}|{b}".encode(), _WORD + 1) for a, b in zip(words, words[1:]))
        rows.append(sorted({h & mask for h in hashes}))
    return ReplyFeatures(parts, skeletons, rows)


def message_features(text: str, hash_bits: int, char_ngrams: Sequence[int]) -> list[int]:
    """The features of a resident's message as a whole (what it shows does not need its clauses)."""
    lo, hi = char_ngrams
    mask = (1 << hash_bits) - 1
    return sorted({h & mask for h in _ngram_hashes(f"^{normalise(text).skeleton}$", lo, hi)})
