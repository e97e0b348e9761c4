"""Fuzzy matching with rapidfuzz: a canonical phrase said with a word added, dropped or swapped.

这种问题连小孩都会的 or 公司规定就是这样 differ from the deck's wording by a particle or two; the
patterns may not list every such edit, but partial_ratio_alignment finds the best-aligned stretch
of a sentence and scores it. Clause markers are removed first so 嗯，我不太清楚 and 嗯我不太清楚 align
the same. A fuzzy hit's confidence is its score, scaled below an exact hit.

Most sentences share little with any anchor. A score of 88 or more leaves most pairs of adjacent
anchor characters intact, so an anchor is a candidate only when a pair from each half of it
occurs (the prefilter's requirements), and it is scored only against sentences holding at least
MIN_SHARED of its characters.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from rapidfuzz import fuzz

from assistant import phonetics
from assistant.lexicon import Entry, Lexicon
from assistant.normalise import MARKERS, Normalised
from assistant.rules.base import Hit, matcher

FUZZY_WEIGHT = 0.85
MIN_SHARED = 0.6
_WINDOW = 64  # partial_ratio is exact for needles up to 64 characters; longer sentences slide
_STRIP = str.maketrans("", "", MARKERS)


@matcher("fuzzy")
class FuzzyMatcher:
    method = "fuzzy"

    def __init__(self, lexicon: Lexicon):
        self._anchors: list[tuple[str, frozenset[str], int, Entry]] = []
        for entry in lexicon.entries:
            for anchor in entry.fuzzy:
                plain = anchor.translate(_STRIP)
                chars = frozenset(plain)
                self._anchors.append((plain, chars, max(1, round(len(chars) * MIN_SHARED)), entry))

    def requirements(self):
        """One character pair from each half of the anchor: an edit that leaves a score of 88
        keeps most pairs intact, and a reply holding a pair from both halves is rare otherwise."""
        table = phonetics.translation()
        for number, (plain, _chars, _needed, _entry) in enumerate(self._anchors):
            pairs = [plain[i : i + 2].translate(table) for i in range(len(plain) - 1)]
            half = len(pairs) // 2
            yield number, [frozenset(pairs[:half]), frozenset(pairs[half:])]

    def entry_of(self, number: int) -> Entry:
        return self._anchors[number][3]

    def _windows(self, text: Normalised) -> Iterator[tuple[str, int, int]]:
        """Marker-free stretches of at most _WINDOW characters, as (text, skeleton lo, hi)."""
        sk = text.skeleton
        for lo, hi in text.sentences():
            window = sk[lo:hi].translate(_STRIP)
            if len(window) <= _WINDOW:
                yield window, lo, hi
                continue
            step = _WINDOW // 2
            for k in range(0, len(window) - step, step):
                yield window[k : k + _WINDOW], lo, hi  # positions resolved from the offset below

    @staticmethod
    def _positions(sk: str, lo: int, hi: int) -> list[int]:
        return [i for i in range(lo, hi) if sk[i] not in MARKERS]

    def find(self, text: Normalised, numbers: Collection[int]) -> Iterator[Hit]:
        if not numbers or not text.skeleton:
            return
        anchors = [self._anchors[n] for n in sorted(numbers)]
        sk = text.skeleton
        offsets: dict[tuple[int, int], int] = {}
        for window, lo, hi in self._windows(text):
            offset = offsets.get((lo, hi), 0)
            offsets[(lo, hi)] = offset + _WINDOW // 2
            present = set(window)
            for anchor, chars, needed, entry in anchors:
                if len(chars.intersection(present)) < needed:
                    continue
                al = fuzz.partial_ratio_alignment(anchor, window, score_cutoff=entry.fuzzy_threshold)
                if al is None or al.dest_end <= al.dest_start:
                    continue
                positions = self._positions(sk, lo, hi)
                base = offset if len(positions) > _WINDOW else 0
                start, end = positions[base + al.dest_start], positions[base + al.dest_end - 1] + 1
                confidence = round(entry.confidence * FUZZY_WEIGHT * al.score / 100, 3)
                yield Hit(entry, start, end, confidence, self.method)
