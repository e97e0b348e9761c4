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
import math
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path

from assistant.memo import Memo
from assistant.punctuation import CLAUSE_END_OR_SPACE_CLASS

MAX_PIECE = 200
_BREAK = CLAUSE_END_OR_SPACE_CLASS
_NOT_BREAK = "[^" + _BREAK[1:]
_PIECES = re.compile(f"{_NOT_BREAK}{{1,{MAX_PIECE}}}|{_BREAK}+")
_BREAK_CHAR = re.compile(_BREAK)
_LONG_RUN = re.compile(f"{_NOT_BREAK}{{{MAX_PIECE + 1}}}")
# jieba's own: the runs it searches its dictionary in, what it yields whole outside them, and the
# characters it runs together (jieba.re_han_default, re_skip_default, re_eng)
_JIEBA_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)", re.U)
_JIEBA_SKIP = re.compile(r"(\r\n|\s)", re.U)
_JIEBA_ENG = re.compile(r"[a-zA-Z0-9]", re.U)
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

    def __init__(self, text: str, words=None, known: list[int] | None = None, *, bounds=None):
        """`bounds`: where the words of a piece start and end (Segmenter.bounds), or `words`: the
        segmenter's words; or `known`: the sorted bounds, already worked out (a Doc's)."""
        self._text = text
        self._words = words
        self._bounds = bounds
        self._known = known
        self._starts: list[int] | None = None
        self._ends: list[int] = []
        self._segmented: dict[int, list[int]] = {}

    def _piece_bounds(self, i: int) -> list[int]:
        bounds = self._segmented.get(i)
        if bounds is None:
            start, end = self._starts[i], self._ends[i]
            piece = self._text[start:end]
            found = self._bounds(piece) if self._bounds is not None else word_bounds(self._words(piece))
            bounds = [start + b for b in found]
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
        self._cost: dict[str, float] = {}  # word -> jieba's log probability of it (bounds)
        self._bounds = Memo()  # piece -> its word bounds

    def add_words(self, words: Iterable[str]) -> None:
        """Teach this segmenter's dictionary `words` (the lexicon's), so they are never split."""
        for word in sorted(words):
            self.jieba_tokenizer.add_word(word)
        self._cost = {}  # the total changed with them
        self._bounds = Memo()

    def bounds(self, text: str) -> list[int]:
        """word_bounds(self.words(text)) for a text with no run longer than a piece, without the
        words: jieba's own search (no HMM), without its generators and tuples, each dictionary
        word's log probability looked up once (what a check asks of the segmenter); a short text
        seen lately is remembered (memo.Memo). The list returned is shared: never change it."""
        return self._bounds.recall(text, len(text), lambda: self._search(text))

    def _search(self, text: str) -> list[int]:
        out, at = [0], 0
        for block in _JIEBA_BLOCK.split(text):
            if not block:
                continue
            if _JIEBA_BLOCK.match(block):
                self._block_bounds(block, at, out)
            else:  # jieba's tokens outside its blocks: a line break or a space, else one character each
                for part in _JIEBA_SKIP.split(block):
                    if _JIEBA_SKIP.match(part):
                        out.append(at + len(part))
                    else:
                        out.extend(range(at + 1, at + len(part) + 1))
                    at += len(part)
                continue
            at += len(block)
        return out

    def _block_bounds(self, block: str, at: int, out: list[int]) -> None:
        """jieba's best route through `block` (Tokenizer.get_DAG, calc and __cut_DAG_NO_HMM, the
        same sums in the same order), its word ends appended to `out` shifted by `at`."""
        freq = self.jieba_tokenizer.FREQ
        cost = self._cost
        n = len(block)
        score = [0.0] * (n + 1)
        ends = [0] * n
        log_total = None
        for k in range(n - 1, -1, -1):
            best = best_end = None
            i, frag = k, block[k]
            while i < n and frag in freq:
                if freq[frag]:
                    c = cost.get(frag)
                    if c is None:
                        if log_total is None:
                            log_total = math.log(self.jieba_tokenizer.total)
                        c = cost[frag] = math.log(freq[frag]) - log_total
                    total = c + score[i + 1]
                    if best is None or total >= best:  # ties: the longer word, as max() over (score, end)
                        best, best_end = total, i
                i += 1
                frag = block[k : i + 1]
            if best is None:  # no word starts here: the character alone, as jieba's log(1)
                if log_total is None:
                    log_total = math.log(self.jieba_tokenizer.total)
                best, best_end = (0.0 - log_total) + score[k + 1], k
            score[k], ends[k] = best, best_end
        x, held = 0, False
        while x < n:
            y = ends[x] + 1
            if y - x == 1 and _JIEBA_ENG.match(block, x):
                held = True  # single letters and digits run together into one word
            else:
                if held:
                    out.append(at + x)
                    held = False
                out.append(at + y)
            x = y
        if held:
            out.append(at + n)

    def words(self, text: str) -> list[str]:
        """jieba's words of `text` (no HMM), a long run of it in pieces."""
        pieces = [text] if not _LONG_RUN.search(text) else _PIECES.findall(text)
        words: list[str] = []
        for piece in pieces:
            bounds = self.bounds(piece)
            words.extend(piece[a:b] for a, b in zip(bounds, bounds[1:]))
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

    def bounds(self, text: str) -> list[int]:
        return self.segmenter.bounds(text)

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
