"""Word segmentation: jieba, fed in bounded pieces, as a registered spaCy tokenizer.

jieba splits at punctuation before it looks anything up, so cutting the text at punctuation first
changes nothing; but on a long run without punctuation (a 100,000-character paste) its cost grows
far faster than the length. Pieces of at most MAX_PIECE characters keep every text linear.
HMM new-word discovery is off so that the lexicon's words (add_words) are always respected.

Each tokenizer owns its jieba dictionary: a copy of jieba's own, loaded once per process and never
written, plus the words of its lexicon. jieba's process-wide dictionary is never touched, so two
checkers with different company lexicons (or an engine and its reloaded successor) do not leak
words into each other.
"""

from __future__ import annotations

import bisect
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path

from assistant.punctuation import CLAUSE_END_OR_SPACE_CLASS

MAX_PIECE = 200
_BREAK = CLAUSE_END_OR_SPACE_CLASS
_NOT_BREAK = "[^" + _BREAK[1:]
_PIECES = re.compile(f"{_NOT_BREAK}{{1,{MAX_PIECE}}}|{_BREAK}+")
_BREAK_CHAR = re.compile(_BREAK)
_LONG_RUN = re.compile(f"{_NOT_BREAK}{{{MAX_PIECE + 1}}}")
BOUNDS_KEY = "huashu_bounds"
TEXT_KEY = "huashu_text"  # Doc.text re-joins every token; the tokenizer keeps the string it was given

_base = None  # jieba's dictionary as shipped, loaded once per process; copied, never written
_base_lock = threading.Lock()
_tags = None  # jieba's part-of-speech tag of each of its words, loaded when first asked for
_tags_lock = threading.Lock()


def _cache_dir() -> str:
    """jieba's dictionary cache in this user's cache directory (not /tmp, which jieba shares
    between users and which other users may write to)."""
    cache_root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    cache_dir = Path(cache_root) / "huashu"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        return str(cache_dir)
    except OSError:
        return tempfile.mkdtemp(prefix="huashu-jieba-")


def _base_dictionary():
    global _base
    with _base_lock:
        if _base is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            base = jieba.Tokenizer()
            base.tmp_dir = _cache_dir()
            base.initialize()
            _base = base
    return _base


def word_tag(word: str) -> str:
    """jieba's part-of-speech tag of `word` (n noun, v verb, m numeral, ...; "" for a word its
    dictionary lacks). Read on first use from jieba's dictionary file, as jieba.posseg reads it
    (a tenth of a second), without importing jieba.posseg, whose tagging model takes a second
    more to load: the composer asks for a few words' tags, most checks for none."""
    global _tags
    if _tags is None:
        with _tags_lock:
            if _tags is None:
                with _base_dictionary().get_dict_file() as f:
                    fields = f.read().decode("utf-8").split()  # word, frequency, tag; word, ...
                _tags = dict(zip(fields[0::3], fields[2::3]))
    return _tags.get(word, "")


def new_jieba():
    """A jieba Tokenizer of its own, holding a copy of jieba's dictionary."""
    import jieba

    base = _base_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = base.tmp_dir
    tokenizer.FREQ = dict(base.FREQ)
    tokenizer.total = base.total
    tokenizer.initialized = True
    return tokenizer


def word_bounds(words: list[str]) -> list[int]:
    """Character offsets where words start and end (sorted, with 0 and len(text))."""
    return list(accumulate(map(len, words), initial=0))


class WordBounds:
    """Where the words of a text start and end, segmented only where someone asks.

    Most replies hold no match that needs word boundaries, so segmenting every reply whole is
    wasted. jieba cuts at punctuation and spaces before it looks anything up, so the text's
    pieces (_PIECES: runs between them, and the runs of them) segment the same alone as in the
    whole text: each piece is segmented the first time an offset in it is asked about, and the
    answers are those of word_bounds(words(text)).
    """

    def __init__(self, text: str, words=None, known: list[int] | None = None):
        """`words`: the segmenter; or `known`: the sorted bounds, already worked out (a Doc's)."""
        self._text = text
        self._words = words
        self._known = known
        self._starts: list[int] | None = None
        self._ends: list[int] = []
        self._segmented: dict[int, list[int]] = {}

    def _piece_bounds(self, i: int) -> list[int]:
        bounds = self._segmented.get(i)
        if bounds is None:
            start, end = self._starts[i], self._ends[i]
            bounds = [start + b for b in word_bounds(self._words(self._text[start:end]))]
            self._segmented[i] = bounds
        return bounds

    def _around(self, offset: int) -> list[int]:
        """The bounds of the piece holding `offset` (an offset at a piece's edge: both pieces')."""
        if self._starts is None:
            self._starts, self._ends = [], []
            for m in _PIECES.finditer(self._text):
                self._starts.append(m.start())
                self._ends.append(m.end())
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return [0]
        if offset == self._starts[i] and i > 0:
            return self._piece_bounds(i - 1) + self._piece_bounds(i)[1:]
        return self._piece_bounds(i)

    def __contains__(self, offset: int) -> bool:
        if self._known is not None:
            i = bisect.bisect_left(self._known, offset)
            return i < len(self._known) and self._known[i] == offset
        if offset <= 0 or offset >= len(self._text):
            return offset in (0, len(self._text))
        if self._text[offset - 1 : offset + 1] != "\r\n" and (
            _BREAK_CHAR.match(self._text, offset - 1) or _BREAK_CHAR.match(self._text, offset)
        ):
            return True  # beside punctuation or a space (jieba's tokens of their own): no need to segment
        return offset in self._around(offset)

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) widened to whole words: a highlight of 怎么可能停 reads as 怎么可能停电."""
        if self._known is not None:
            below, above = self._known, self._known
        else:
            if start in self and end in self:
                return start, end
            below, above = self._around(start), self._around(end)
        i = bisect.bisect_right(below, start) - 1
        j = bisect.bisect_left(above, end)
        return (below[i] if i >= 0 else start), (above[j] if j < len(above) else end)


class Segmenter:
    """jieba over pieces of the text, with a dictionary of its own (the lexicon's words added)."""

    def __init__(self):
        self.jieba_tokenizer = new_jieba()
        self._tagger = None

    def add_words(self, words: Iterable[str]) -> None:
        """Teach this segmenter's dictionary `words` (the lexicon's), so they are never split."""
        for word in sorted(words):
            self.jieba_tokenizer.add_word(word)

    def words(self, text: str) -> list[str]:
        cut = self.jieba_tokenizer.cut
        if not _LONG_RUN.search(text):
            return [w for w in cut(text, HMM=False) if w]
        words: list[str] = []
        for piece in _PIECES.findall(text):
            words.extend(w for w in cut(piece, HMM=False) if w)
        return words


    def tagged(self, text: str) -> list[tuple[str, str]]:
        """`text` cut into words with their part-of-speech tags (jieba.posseg over this
        segmenter's dictionary, HMM on: it names the unknown words of a resident's message). The
        tagger is built on first use (a fifth of a second); the audit asks it for a few words."""
        if self._tagger is None:
            import jieba.posseg

            self._tagger = jieba.posseg.POSTokenizer(self.jieba_tokenizer)
        return [(w, flag) for w, flag in self._tagger.lcut(text)]


class ChunkedJiebaTokenizer:
    """spaCy tokenizer over a Segmenter, whitespace kept as spaCy expects (registered by nlp.py:
    checking does not import spaCy)."""

    def __init__(self, vocab, segmenter: Segmenter | None = None):
        self.vocab = vocab
        self._segmenter = segmenter

    @property
    def segmenter(self) -> Segmenter:
        """Its segmenter: one given (a Checker's), else its own, made when first used."""
        if self._segmenter is None:
            self._segmenter = Segmenter()
        return self._segmenter

    @segmenter.setter
    def segmenter(self, segmenter: Segmenter) -> None:
        self._segmenter = segmenter

    @property
    def jieba_tokenizer(self):
        return self.segmenter.jieba_tokenizer

    def add_words(self, words: Iterable[str]) -> None:
        self.segmenter.add_words(words)

    def words(self, text: str) -> list[str]:
        return self.segmenter.words(text)

    def __call__(self, text: str):
        from spacy.tokens import Doc
        from spacy.util import get_words_and_spaces

        words = self.words(text)
        if "".join(words) != text:  # pragma: no cover - jieba keeps every character; be safe anyway
            words, spaces = get_words_and_spaces(words, text)
            return Doc(self.vocab, words=words, spaces=spaces)
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        doc.user_data[BOUNDS_KEY] = word_bounds(words)
        doc.user_data[TEXT_KEY] = text
        return doc

    # spaCy calls these when a pipeline is saved or copied; the dictionary is rebuilt from the lexicon
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> ChunkedJiebaTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> ChunkedJiebaTokenizer:
        return self
