"""Sound matching: patterns over the sound string, for homophone typos and pinyin.

决对不可能, 我布懂, 不太qing楚 and 1分钱1分货 sound like the phrase they stand for. Entries opt in
(forbidden ones by default; short everyday words have too many homophones). Whatever is written
exactly also sounds the same, so this one pass finds both: a hit whose skeleton text matches the
written pattern too is exact, any other is slightly less certain.
"""

from __future__ import annotations

from assistant.lexicon import Entry
from assistant.normalise import Normalised
from assistant.patterns import required_sets
from assistant.rules.base import matcher
from assistant.rules.exact import ExactMatcher

SOUND_CONFIDENCE = 0.9


@matcher("sound")
class SoundMatcher(ExactMatcher):
    method = "sound"

    def _handles(self, entry: Entry, pattern) -> bool:
        return True

    def _patterns_of(self, entry: Entry):
        return entry.sound_patterns

    def requirements(self):
        for number, pattern in enumerate(self._patterns):
            yield number, required_sets(pattern)

    def _subject(self, text: Normalised) -> str:
        return text.sound

    def _to_skeleton(self, text: Normalised, start: int, end: int) -> tuple[int, int]:
        return text.sound_to_skeleton(start, end)

    def _method_and_confidence(self, text: Normalised, entry: Entry, k: int, start: int, end: int):
        m = entry.patterns[k].match(text.skeleton, start)  # (fullmatch with endpos would blind lookaheads)
        if m is not None and m.end() == end:
            return "exact", entry.confidence
        return self.method, round(entry.confidence * SOUND_CONFIDENCE, 3)

    def _groups(self, text: Normalised, m) -> dict[str, str]:
        # a group that holds pinyin (保安bu) would put pinyin into a rewrite: leave it out
        groups = super()._groups(text, m)
        return {k: v for k, v in groups.items() if not any("a" <= c <= "z" for c in v)}
