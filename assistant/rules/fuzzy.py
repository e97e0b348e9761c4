"""Fuzzy matching with rapidfuzz: a canonical phrase said with a word added, dropped or swapped.

这种问题连小孩都会的 or 公司规定就是这样 differ from the deck's wording by a particle or two; the
patterns may not list every such edit, but partial_ratio_alignment finds the best-aligned stretch
of a sentence and scores it. Clause markers are removed first so 嗯，我不太清楚 and 嗯我不太清楚 align
the same. A fuzzy hit's confidence is its score, scaled below an exact hit.
"""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz import fuzz, process

from assistant.lexicon import Entry, Lexicon
from assistant.normalise import MARKERS, Normalised
from assistant.rules import Hit, matcher

FUZZY_WEIGHT = 0.85
_WINDOW = 64  # partial_ratio is exact for needles up to 64 characters; longer sentences slide


def _strip(s: str) -> str:
    return "".join(c for c in s if c not in MARKERS)


@matcher("fuzzy")
class FuzzyMatcher:
    method = "fuzzy"

    def __init__(self, lexicon: Lexicon):
        self._anchors: list[str] = []
        self._owners: list[Entry] = []
        for entry in lexicon.entries:
            for anchor in entry.fuzzy:
                self._anchors.append(_strip(anchor))
                self._owners.append(entry)
        self._cutoff = min((e.fuzzy_threshold for e in self._owners), default=100.0)

    def _windows(self, text: Normalised) -> Iterator[tuple[str, list[int]]]:
        """Marker-free stretches of at most _WINDOW characters with their skeleton positions."""
        for lo, hi in text.sentences():
            positions = [i for i in range(lo, hi) if text.skeleton[i] not in MARKERS]
            if len(positions) <= _WINDOW:
                yield "".join(text.skeleton[i] for i in positions), positions
                continue
            step = _WINDOW // 2
            for k in range(0, len(positions) - step, step):
                chunk = positions[k : k + _WINDOW]
                yield "".join(text.skeleton[i] for i in chunk), chunk

    def find(self, text: Normalised) -> Iterator[Hit]:
        if not self._anchors or not text.skeleton:
            return
        windows = list(self._windows(text))
        if not windows:
            return
        scores = process.cdist(
            self._anchors, [w for w, _ in windows], scorer=fuzz.partial_ratio, score_cutoff=self._cutoff
        )
        for a, row in enumerate(scores):
            entry = self._owners[a]
            for w, score in enumerate(row):
                if score < entry.fuzzy_threshold:
                    continue
                window, positions = windows[w]
                al = fuzz.partial_ratio_alignment(self._anchors[a], window, score_cutoff=entry.fuzzy_threshold)
                if al is None or al.dest_end <= al.dest_start:
                    continue
                start, end = positions[al.dest_start], positions[al.dest_end - 1] + 1
                confidence = round(entry.confidence * FUZZY_WEIGHT * al.score / 100, 3)
                yield Hit(entry, start, end, confidence, self.method)
