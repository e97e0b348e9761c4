"""Toneless pinyin keys, so that homophone typos and pinyin written for a character still match.

Staff (or speech-to-text) write 清处 for 清楚, 布懂 for 不懂, or type the pinyin of one character
(不太qing楚). Matching a phrase on sound catches all of these with one mechanism: every Chinese
character and every pinyin syllable written in Latin letters becomes one *sound code*, a
private-use character standing for its toneless syllable. Two texts that sound alike then have
equal code strings, and ordinary regular expressions run over them.

Only a character's most common reading is used (pypinyin lists it first), so the same character
always gets the same code, in patterns and in text alike.
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

# Sound codes live in the Supplementary Private Use Area-A, which never occurs in normalised text
# (the normaliser drops private-use characters).
_CODE_BASE = 0xF0000

# Digits as numerals, so 1分钱1分货 sounds like 一分钱一分货 without rewriting 一下 or 一直.
_DIGIT_READINGS = {
    "0": "ling", "1": "yi", "2": "er", "3": "san", "4": "si",
    "5": "wu", "6": "liu", "7": "qi", "8": "ba", "9": "jiu",
}


@lru_cache(maxsize=None)  # a few thousand toned syllables, each met thousands of times
def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("ü", "v").replace("u\u0308", "v").lower()


def _pinyin_readings() -> dict[int, str]:
    """pypinyin's table of readings (code point -> "pīn,pìn"), read from its data file: importing
    the package would load its phrase dictionary too, a fifth of a second at start-up for nothing."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a broken install
        from pypinyin.pinyin_dict import pinyin_dict

        return pinyin_dict
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    return {int(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """Build (character -> code, syllable -> code) once, on first use."""
    char_syllable: dict[str, str] = {}
    for codepoint, readings in _pinyin_readings().items():
        first = readings.split(",", 1)[0]
        char_syllable[chr(codepoint)] = _toneless(first)
    syllables = sorted(set(char_syllable.values()) | set(_DIGIT_READINGS.values()))
    syllable_code = {s: chr(_CODE_BASE + i) for i, s in enumerate(syllables)}
    char_code = {c: syllable_code[s] for c, s in char_syllable.items()}
    for digit, reading in _DIGIT_READINGS.items():
        char_code[digit] = syllable_code[reading]
    return char_code, syllable_code


@lru_cache(maxsize=1)
def translation() -> dict[int, str]:
    """Code point -> sound code, for str.translate (characters without a reading are kept)."""
    return {ord(c): code for c, code in _tables()[0].items()}


def char_code(ch: str) -> str | None:
    """The sound code of one character (a Chinese character or a digit), or None."""
    return _tables()[0].get(ch)


def syllable_code(syllable: str) -> str | None:
    return _tables()[1].get(syllable)


_MAX_SYLLABLE = 6  # zhuang, shuang, chuang


@lru_cache(maxsize=4096)
def split_pinyin(letters: str) -> tuple[str, ...] | None:
    """Split a lower-case Latin run into pinyin syllables, longest first; None if it is not pinyin.

    'qingchu' -> ('qing', 'chu'); 'app' -> None. Runs longer than three syllables are left alone:
    they are words in another language far more often than pinyin.
    """
    syllables = _tables()[1]

    def walk(i: int) -> tuple[str, ...] | None:
        if i == len(letters):
            return ()
        for j in range(min(len(letters), i + _MAX_SYLLABLE), i, -1):
            if letters[i:j] in syllables:
                rest = walk(j)
                if rest is not None:
                    return (letters[i:j], *rest)
        return None

    if not letters or len(letters) > 3 * _MAX_SYLLABLE:
        return None
    parts = walk(0)
    if parts is None or len(parts) > 3:
        return None
    return parts
