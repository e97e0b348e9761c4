"""Sound matching: the same patterns over the sound string, for homophone typos and pinyin.

决对不可能, 我布懂, 不太qing楚 and 1分钱1分货 sound like the phrase they stand for. A hit found only
this way is slightly less certain than an exact one, and entries opt in (forbidden ones by default):
short everyday words have too many homophones.
"""

from __future__ import annotations

from assistant.lexicon import Entry
from assistant.normalise import Normalised
from assistant.rules import matcher
from assistant.rules.exact import ExactMatcher

SOUND_CONFIDENCE = 0.9


@matcher("sound")
class SoundMatcher(ExactMatcher):
    method = "sound"

    def _patterns_of(self, entry: Entry):
        return entry.sound_patterns

    def _subject(self, text: Normalised) -> str:
        return text.sound

    def _to_skeleton(self, text: Normalised, start: int, end: int) -> tuple[int, int]:
        return text.sound_to_skeleton(start, end)

    def _groups(self, text: Normalised, m) -> dict[str, str]:
        # a group that holds pinyin (保安bu) would put pinyin into a rewrite: leave it out
        return {k: v for k, v in super()._groups(text, m).items() if v.isascii() is False and not any(
            "a" <= c <= "z" for c in v)}

    def _confidence(self, entry: Entry) -> float:
        return round(entry.confidence * SOUND_CONFIDENCE, 3)
