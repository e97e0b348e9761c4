"""What the classifiers see: hashed features of a clause in its reply, or of a resident's message.

One function each for training and for checking, so the two can never see different things.

A staff clause is described by the character n-grams of its matching form (normalise.py: Simplified,
half-width, separators gone), by what the rest of the reply does (another clause acts, names a
time, gets back to the resident, or all of these: a follow-up), by what the clause itself shows
(reported speech, the weather; words in quotation marks), by its position, and by those reply
facts crossed with the clause's character pairs, so that "不清楚" followed by "三点前回复您" weighs
differently from "不清楚" alone. What the rest of the reply does is what each neighbouring clause
(clauses.NEIGHBOURS either side) does by itself. Features are hashed into 2^hash_bits buckets
(64-bit FNV-1a over code points, all n-grams of a reply at once in numpy: a check reads a clause
about as fast as it segments it): the model is a fixed-size array and nothing grows with the
texts checked.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.clauses import NEIGHBOURS, Clause, clauses
from assistant.errors import RuleFileError
from assistant.lexicon import Lexicon
from assistant.memo import Memo
from assistant.normalise import normalise, normalised_clause


@dataclass(frozen=True)
class FeatureSpec:
    hash_bits: int
    char_ngrams: tuple[int, int]
    elsewhere: dict[str, re.Pattern[str]]  # patterns looked for in the reply's other clauses
    here: dict[str, re.Pattern[str]]  # patterns looked for in the clause and just before it
    # name -> what must be found first (each item a name of `elsewhere`, or a list of which one
    # will do): a pattern that cannot match without them is not searched for where they are not
    needs: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    shown: Memo = field(default_factory=Memo, compare=False, repr=False)  # (is here, text) -> facts found

    @classmethod
    def from_config(cls, config: dict, lexicon: Lexicon, where: str) -> FeatureSpec:
        lo, hi = (int(n) for n in config["char_ngrams"])
        if not 1 <= lo <= hi or hi < 2:
            # character pairs are what the reply facts are crossed with
            raise RuleFileError(f"{where}: char_ngrams must be [lo, hi] with 1 <= lo <= hi and hi >= 2")
        compiled = {
            group: {name: lexicon.compile(p, f"{where}: {group}.{name}") for name, p in (config.get(group) or {}).items()}
            for group in ("elsewhere", "here")
        }
        needs = {
            name: tuple((item,) if isinstance(item, str) else tuple(item) for item in items)
            for name, items in (config.get("searched_only_with") or {}).items()
        }
        unknown = sorted({n for items in needs.values() for one in items for n in one} - set(compiled["elsewhere"]))
        if unknown:
            raise RuleFileError(f"{where}: searched_only_with names no pattern of elsewhere: {', '.join(unknown)}")
        return cls(int(config["hash_bits"]), (lo, hi), compiled["elsewhere"], compiled["here"], needs)

    def found(self, patterns: dict[str, re.Pattern[str]], text: str) -> list[str]:
        """The names of `patterns` found in `text` (one that needs others only where they are)."""
        searched: dict[str, bool] = {}  # patterns of `elsewhere` searched for in `text`, by name

        def has(name: str) -> bool:
            if name not in searched:
                searched[name] = bool(self.elsewhere[name].search(text))
            return searched[name]

        names = []
        for name, pattern in patterns.items():
            needs = self.needs.get(name)
            if needs and not all(any(has(n) for n in one) for one in needs):
                continue
            hit = bool(pattern.search(text))
            if patterns is self.elsewhere:
                searched[name] = hit
            if hit:
                names.append(name)
        return names


_FACT, _CROSS = 101, 211  # seeds that keep the feature families apart
_PRIME = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime: one character folded into an n-gram's hash
_BASIS = np.uint64(0xCBF29CE484222325)
_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of hash * this pick the bucket


def _buckets(hashes: np.ndarray, bits: int) -> np.ndarray:
    return (hashes * _SPREAD) >> np.uint64(64 - bits)


def _seed(name: str, family: int) -> int:
    return (zlib.crc32(name.encode(), family) << 32) | zlib.crc32(name.encode(), family + 1)


_FACT_SEEDS: dict[str, int] = {}  # the fact names are few and fixed: each hashed once


def _fact_seed(name: str) -> int:
    seed = _FACT_SEEDS.get(name)
    if seed is None:
        seed = _FACT_SEEDS[name] = _seed(name, _FACT)
    return seed


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    """np.unique for a few hundred keys, at half its cost (no inverse, no checks)."""
    keys = np.sort(keys)
    if len(keys) > 1:
        keep = np.empty(len(keys), dtype=bool)
        keep[0] = True
        np.not_equal(keys[1:], keys[:-1], out=keep[1:])
        keys = keys[keep]
    return keys


def _ngram_hashes(codes: np.ndarray, owner: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """64-bit hashes of every character n-gram (lo <= n <= hi) of the code points `codes` that
    does not cross from one clause into the next (`owner`: the clause of each character), all
    clauses at once: (hashes, owning clause, hashes of the character pairs by their first position)."""
    out, owners = [], []
    h = np.full(len(codes), _BASIS, dtype=np.uint64)
    pairs = np.zeros(0, dtype=np.uint64)
    for n in range(1, hi + 1):
        h = (h[: len(codes) - n + 1] ^ codes[n - 1 :]) * _PRIME
        same = owner[: len(h)] == owner[n - 1 :]
        if n == 2:
            pairs = np.where(same, h, np.uint64(0))
        if n >= lo:
            out.append(h[same])
            owners.append(owner[: len(h)][same])
    return np.concatenate(out), np.concatenate(owners), pairs


@dataclass(frozen=True)
class ReplyFeatures:
    parts: list[Clause]  # the reply's clauses
    skeletons: list[str]  # each clause in matching form
    index: np.ndarray  # hashed feature indices, clause by clause, each clause's sorted and unique
    starts: np.ndarray  # where each clause's features begin in `index`

    @property
    def rows(self) -> list[list[int]]:
        """The feature indices of each clause, one list each (what training and the tests read)."""
        bounds = [*self.starts.tolist(), len(self.index)]
        return [self.index[a:b].tolist() for a, b in zip(bounds, bounds[1:])]


def reply_features(text: str, spec: FeatureSpec) -> ReplyFeatures:
    """The clauses of a staff reply and the features of each, in its reply."""
    return replies_features([text], spec)[0]


def _clause_facts(
    parts: list[Clause], skeletons: list[str], spec: FeatureSpec, found: Callable[[dict, str], list[str]]
) -> list[tuple[list[str], list[str]]]:
    """For each clause of one reply: (the reply facts, crossed with its character pairs; the
    position and length facts). `found`: the facts spec.found names ("e:" or "h:" and the
    pattern's name), remembered (memo.Memo)."""
    n = len(parts)
    # what each clause does by itself; a clause's context is what its neighbours do
    does = [found(spec.elsewhere, s) for s in skeletons] if n > 1 else [()]
    out = []
    for k, own in enumerate(skeletons):
        context: set[str] = set()
        for j in range(max(0, k - NEIGHBOURS), min(n, k + NEIGHBOURS + 1)):
            if j != k:
                context.update(does[j])
        facts = sorted(context)
        if spec.here:
            before = skeletons[k - 1][-8:] + "，" if k else ""
            facts += found(spec.here, before + own)
        if parts[k].quoted:
            facts.append("h:quoted")
        where = "only" if n == 1 else "first" if k == 0 else "last" if k == n - 1 else "mid"
        out.append((facts, [f"pos:{where}", f"clauses:{min(n, 5)}"]))
    return out


def replies_features(texts: Sequence[str], spec: FeatureSpec) -> list[ReplyFeatures]:
    """reply_features of many replies, hashed together: numpy's cost per call is paid once for
    the lot, not once per reply (check_many reads its replies in chunks)."""
    return features_together(texts, spec)[0]


def features_together(texts: Sequence[str], spec: FeatureSpec) -> tuple[list[ReplyFeatures], np.ndarray, np.ndarray]:
    """The features of each reply, and of all their clauses in one run (the indices and where
    each clause's begin), to be scored in one call."""
    split = [clauses(text) for text in texts]
    # the same clause comes back (您好, 给您添麻烦了 in every rewrite checked): what it reads as
    # and what it shows are worked out once, and remembered (memo.Memo)
    shown = spec.shown

    def found(patterns: dict, text: str) -> tuple[str, ...]:
        here = patterns is spec.here
        prefix = "h:" if here else "e:"
        return shown.recall((here, text), len(text), lambda: tuple(prefix + name for name in spec.found(patterns, text)))

    skeletons = [[normalised_clause(p.text(text)).skeleton for p in parts] for text, parts in zip(texts, split)]
    marked = [f"^{own}$" for one in skeletons for own in one]
    total = len(marked)
    empty = np.zeros(0, dtype=np.int64)
    if not total:
        return [ReplyFeatures(parts, sk, empty, empty) for parts, sk in zip(split, skeletons)], empty, empty
    lo, hi = spec.char_ngrams
    lengths = np.array([len(m) for m in marked])
    codes = np.frombuffer("".join(marked).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(total), lengths)
    hashes, owners, pairs = _ngram_hashes(codes, owner, lo, hi)
    # facts, one hash each; the reply facts crossed with the clause's character pairs
    fact_hashes: list[int] = []
    fact_owners: list[int] = []
    crossed_seeds: list[int] = []
    crossed_owners: list[int] = []
    clause = 0
    for parts, one in zip(split, skeletons):
        for crossed, plain in _clause_facts(parts, one, spec, found) if parts else ():
            seeds = [_fact_seed(fact) for fact in crossed]
            crossed_seeds += [seed ^ _CROSS for seed in seeds]
            crossed_owners += [clause] * len(seeds)
            seeds += [_fact_seed(fact) for fact in plain]
            fact_hashes += seeds
            fact_owners += [clause] * len(seeds)
            clause += 1
    families = [hashes, np.array(fact_hashes, dtype=np.uint64)]
    owner_families = [owners, np.array(fact_owners, dtype=np.int64)]
    if crossed_seeds:
        who = np.array(crossed_owners, dtype=np.int64)
        width = lengths[who] - 1  # a clause's pairs: one fewer than its marked characters
        first = (np.cumsum(lengths) - lengths)[who]  # where its pairs begin in `pairs`
        at = np.repeat(first - (np.cumsum(width) - width), width) + np.arange(int(width.sum()))
        families.append((pairs[at] ^ np.repeat(np.array(crossed_seeds, dtype=np.uint64), width)) * _PRIME)
        owner_families.append(np.repeat(who, width))
    all_owners = np.concatenate(owner_families).astype(np.uint64)
    keys = _sorted_unique((all_owners << np.uint64(spec.hash_bits)) | _buckets(np.concatenate(families), spec.hash_bits))
    index = (keys & np.uint64((1 << spec.hash_bits) - 1)).astype(np.int64)
    starts = np.searchsorted((keys >> np.uint64(spec.hash_bits)).astype(np.int64), np.arange(total + 1))
    out = []
    clause = 0
    for parts, one in zip(split, skeletons):
        lo_at, hi_at = starts[clause], starts[clause + len(parts)]
        out.append(ReplyFeatures(parts, one, index[lo_at:hi_at], starts[clause : clause + len(parts)] - lo_at))
        clause += len(parts)
    return out, index, starts[:total]


def message_features(text: str, hash_bits: int, char_ngrams: Sequence[int]) -> np.ndarray:
    """The features of a resident's message as a whole (what it shows does not need its clauses)."""
    lo, hi = char_ngrams
    marked = f"^{normalise(text).skeleton}$"
    codes = np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    hashes, _, _ = _ngram_hashes(codes, np.zeros(len(codes), dtype=np.int64), lo, hi)
    return _sorted_unique(_buckets(hashes, hash_bits)).astype(np.int64)
