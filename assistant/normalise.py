"""Text -> matching skeleton, with a map back to the original offsets.

Staff messages hide a phrase behind width (ＧＵＩ), Traditional characters (這種問題), spacing and
symbols between characters (这 种 问 题, 我-不-懂, 绝对😤不可能), zero-width characters, Cantonese
as typed in chat (我唔识, dialect.yaml), pinyin for a character (不太qing楚) and homophone typos
(清处). The skeleton undoes the first group character by character, so every skeleton character
still points at exactly one character of the original; the sound string (see phonetics) covers
the last two.

Clause and sentence punctuation is kept as one of three markers (，。？) because context rules work
per clause; every other symbol is noise and dropped, on the text and on the patterns alike.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from assistant import phonetics
from assistant.memo import Memo
from assistant.punctuation import CARRIAGE_RETURN, CLAUSE_BREAKS, FULL_STOPS, IN_NUMBER, QUESTION_MARKS, SPACE_BREAK

CLAUSE, STOP, QUESTION = "，", "。", "？"
_JOINED = {":": ":", "：": ":", ",": ",", "，": ","}  # in a number or a time (9:00, 1,000), as written
MARKERS = CLAUSE + STOP + QUESTION
_MARKER_SET = frozenset(MARKERS)
_LATIN = re.compile("[a-z]")
_MARKER_STRENGTH = {CLAUSE: 1, STOP: 2, QUESTION: 3}

# every clause or sentence end becomes one of the three markers (punctuation.py defines them)
_PUNCTUATION = {
    **dict.fromkeys(CLAUSE_BREAKS, CLAUSE),
    **dict.fromkeys(FULL_STOPS + CARRIAGE_RETURN, STOP),
    **dict.fromkeys(QUESTION_MARKS, QUESTION),
}


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


def is_han(ch: str) -> bool:
    """A Chinese character (CJK unified ideographs, extensions A to G)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0003134f"


_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0003134f]")  # is_han, as a pattern


def traditional_share(text: str) -> float:
    """The share of the Chinese characters of `text` that are Traditional (change when simplified)."""
    han = "".join(_HAN.findall(text))
    if not han:
        return 0.0
    if _ONE_TO_ONE_CHARS.issuperset(han):  # each seen before: simplified in C
        simplified = han.translate(_ONE_TO_ONE)
    else:
        simplified = "".join(_char_form(c) for c in han)  # a Chinese character's form is one character
    # a Cantonese character read as Mandarin (唔 -> 不) is not a Traditional one
    return sum(a != b and a not in _DIALECT_SET for a, b in zip(han, simplified)) / len(han)


def _dialect() -> tuple[dict[str, str], dict[str, str], re.Pattern[str]]:
    """dialect.yaml: Cantonese characters and two-character phrases -> their Mandarin reading,
    and the pattern that finds the phrases (not before a character of `not_before`)."""
    raw = yaml.safe_load(resources.files("assistant").joinpath("dialect.yaml").read_text(encoding="utf-8"))
    characters, phrases, not_before = raw["characters"], raw["phrases"], raw.get("not_before") or {}
    if any(len(k) != 1 or len(v) != 1 for k, v in characters.items()) or any(
        len(k) != len(v) for k, v in phrases.items()
    ):
        raise ValueError("dialect.yaml: each character reads as one character, each phrase as one of its length")

    def found(phrase: str) -> str:
        after = not_before.get(phrase[-1])
        return re.escape(phrase) + (f"(?![{re.escape(after)}])" if after else "")

    return characters, phrases, re.compile("|".join(found(p) for p in sorted(phrases, key=len, reverse=True)))


_DIALECT_CHARS, _DIALECT_PHRASES, _DIALECT_PHRASE = _dialect()
_DIALECT_SET = frozenset(_DIALECT_CHARS)


def _mandarin(text: str, skeleton: str) -> str:
    """`skeleton` with dialect.yaml's phrases read as Mandarin, when `text` is Cantonese."""
    if _DIALECT_SET.isdisjoint(text):
        return skeleton
    return _DIALECT_PHRASE.sub(lambda m: _DIALECT_PHRASES[m.group()], skeleton)


def _simplified(ch: str) -> str:
    converted = _opencc().convert(ch)
    return converted if len(converted) == 1 else ch


# char -> its skeleton form: "" (noise), a marker, or one or more matching characters.
_CHAR_FORM: dict[str, str] = {}
# the characters seen so far whose form is exactly one character, and a str.translate table for
# those that change: a reply made only of such characters is normalised in C (the fast path)
_ONE_TO_ONE_CHARS: set[str] = set()
_ONE_TO_ONE: dict[int, str] = {}
_MARKER_RUN = re.compile(f"^[{MARKERS}]|[{MARKERS}]{{2}}")


def _char_form(ch: str) -> str:
    form = _CHAR_FORM.get(ch)
    if form is not None:
        return form
    if ch in _PUNCTUATION:
        form = _PUNCTUATION[ch]
    elif is_han(ch):
        form = _DIALECT_CHARS.get(ch) or _simplified(ch)
    else:
        try:
            folded = unicodedata.normalize("NFKC", ch)
        except (ValueError, TypeError):  # pragma: no cover - defensive: odd code points
            folded = ""
        kept = []
        for c in folded:
            category = unicodedata.category(c)
            if category[0] in "LN" and category != "Co":
                kept.append(_simplified(c) if is_han(c) else c.lower())
        form = "".join(kept)
    if len(_CHAR_FORM) < 200_000:
        _CHAR_FORM[ch] = form
        if len(form) == 1:
            _ONE_TO_ONE_CHARS.add(ch)
            if form != ch:
                _ONE_TO_ONE[ord(ch)] = form
    return form


_CLAUSES = Memo()  # a clause's text -> normalise(text): the classifier and the composer read the same clauses


def normalised_clause(text: str) -> Normalised:
    """normalise(text) for a clause or a word, remembered (memo.Memo): shared, so never change it."""
    return _CLAUSES.recall(text, len(text), lambda: normalise(text))


def skeleton_of(text: str) -> str:
    """The skeleton alone, for patterns and lexicon words (same rules as for replies)."""
    return normalise(text).skeleton


@dataclass(slots=True)
class Normalised:
    """A reply in matching form.

    original: the text as sent.
    skeleton: matching characters and clause markers; origin[i] is the original index of skeleton[i].
    sound:    one code per character or pinyin syllable; sound_span[i] is its skeleton range.
    """

    original: str
    skeleton: str
    origin: list[int]
    _sound: str | None = field(default=None, repr=False)
    _sound_span: list[tuple[int, int]] | None = field(default=None, repr=False)
    _breaks: list[int] | None = field(default=None, repr=False)
    _stops: list[int] | None = field(default=None, repr=False)

    # -- offsets ---------------------------------------------------------------------------
    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Skeleton range -> original str range (end exclusive)."""
        return self.origin[start], self.origin[end - 1] + 1

    def sound_to_skeleton(self, start: int, end: int) -> tuple[int, int]:
        if self._sound is None:
            self._build_sound()
        spans = self._sound_span
        if spans is None:  # one code per skeleton character
            return start, end
        return spans[start][0], spans[end - 1][1]

    # -- sound string (built on demand: only lexicon entries that match by sound need it) ----
    @property
    def sound(self) -> str:
        if self._sound is None:
            self._build_sound()
        return self._sound  # type: ignore[return-value]

    @property
    def sound_span(self) -> list[tuple[int, int]]:
        if self._sound is None:
            self._build_sound()
        if self._sound_span is None:
            return [(i, i + 1) for i in range(len(self._sound))]  # type: ignore[arg-type]
        return self._sound_span

    def _build_sound(self) -> None:
        sk = self.skeleton
        if not _LATIN.search(sk):
            # the common case: no Latin letters, so every character is one sound (str.translate, in C)
            self._sound = sk.translate(phonetics.translation())
            self._sound_span = None
            return
        codes: list[str] = []
        spans: list[tuple[int, int]] = []
        i, n = 0, len(sk)
        while i < n:
            ch = sk[i]
            if "a" <= ch <= "z":
                j = i
                while j < n and "a" <= sk[j] <= "z":
                    j += 1
                syllables = phonetics.split_pinyin(sk[i:j])
                if syllables:
                    k = i
                    for syl in syllables:
                        codes.append(phonetics.syllable_code(syl) or syl)
                        spans.append((k, k + len(syl)))
                        k += len(syl)
                else:
                    for k in range(i, j):
                        codes.append(sk[k])
                        spans.append((k, k + 1))
                i = j
                continue
            codes.append(phonetics.char_code(ch) or ch)
            spans.append((i, i + 1))
            i += 1
        self._sound = "".join(codes)
        self._sound_span = spans

    # -- clauses and sentences -------------------------------------------------------------
    def _marker_positions(self) -> None:
        breaks, stops = [], []
        for i, ch in enumerate(self.skeleton):
            if ch in MARKERS:
                breaks.append(i)
                if ch != CLAUSE:
                    stops.append(i)
        self._breaks, self._stops = breaks, stops

    def clause_at(self, start: int, end: int) -> tuple[int, int]:
        """Skeleton range of the clause(s) holding [start, end), markers excluded."""
        if self._breaks is None:
            self._marker_positions()
        return self._enclosing(self._breaks, start, end)  # type: ignore[arg-type]

    def sentence_at(self, start: int, end: int) -> tuple[int, int]:
        if self._stops is None:
            self._marker_positions()
        return self._enclosing(self._stops, start, end)  # type: ignore[arg-type]

    def _enclosing(self, marks: list[int], start: int, end: int) -> tuple[int, int]:
        left = bisect.bisect_right(marks, start - 1)
        lo = marks[left - 1] + 1 if left > 0 else 0
        right = bisect.bisect_left(marks, end)
        hi = marks[right] if right < len(marks) else len(self.skeleton)
        return lo, hi

    def clauses(self) -> list[tuple[int, int]]:
        """Every clause as a skeleton range (markers excluded, empty clauses skipped)."""
        if self._breaks is None:
            self._marker_positions()
        out, lo = [], 0
        for b in [*self._breaks, len(self.skeleton)]:  # type: ignore[misc]
            if b > lo:
                out.append((lo, b))
            lo = b + 1
        return out

    def sentences(self) -> list[tuple[int, int]]:
        if self._stops is None:
            self._marker_positions()
        out, lo = [], 0
        for b in [*self._stops, len(self.skeleton)]:  # type: ignore[misc]
            if b > lo:
                out.append((lo, b))
            lo = b + 1
        return out


def normalise(text: str) -> Normalised:
    """Build the skeleton of `text`; see the module docstring for what is undone."""
    joined = {m.start() for m in IN_NUMBER.finditer(text)}
    if _ONE_TO_ONE_CHARS.issuperset(text):
        skeleton = text.translate(_ONE_TO_ONE)
        if joined:
            skeleton = "".join(_JOINED[text[i]] if i in joined else c for i, c in enumerate(skeleton))
        if not _MARKER_RUN.search(skeleton):
            return Normalised(original=text, skeleton=_mandarin(text, skeleton), origin=list(range(len(text))))
    out: list[str] = []
    origin: list[int] = []
    form_of = _CHAR_FORM.get
    last_is_marker = True  # no marker at the very start
    # spaces that end a clause (clauses.py) are a clause mark here too, outside quotation marks
    # as there: a quotation is one clause
    spaced = {m.start() for m in SPACE_BREAK.finditer(text)}
    if spaced:
        from assistant.clauses import quoted_spans

        spaced = {i for i in spaced if not any(a <= i < b for a, b in quoted_spans(text))}
    for i, ch in enumerate(text):
        form = _JOINED[ch] if i in joined else CLAUSE if i in spaced else form_of(ch)
        if form is None:
            form = _char_form(ch)
        if not form:
            continue
        if form in _MARKER_SET:
            if last_is_marker:
                if out and _MARKER_STRENGTH[form] > _MARKER_STRENGTH[out[-1]]:
                    out[-1] = form
                continue
            out.append(form)
            origin.append(i)
            last_is_marker = True
            continue
        last_is_marker = False
        if len(form) == 1:
            out.append(form)
            origin.append(i)
        else:
            out.extend(form)
            origin.extend([i] * len(form))
    return Normalised(original=text, skeleton=_mandarin(text, "".join(out)), origin=origin)
