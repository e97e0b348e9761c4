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

import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path

from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry

from assistant.punctuation import CLAUSE_END_OR_SPACE_CLASS

MAX_PIECE = 200
_BREAK = CLAUSE_END_OR_SPACE_CLASS
_NOT_BREAK = "[^" + _BREAK[1:]
_PIECES = re.compile(f"{_NOT_BREAK}{{1,{MAX_PIECE}}}|{_BREAK}+")
_LONG_RUN = re.compile(f"{_NOT_BREAK}{{{MAX_PIECE + 1}}}")
BOUNDS_KEY = "huashu_bounds"
TEXT_KEY = "huashu_text"  # Doc.text re-joins every token; the tokenizer keeps the string it was given

_base = None  # jieba's dictionary as shipped, loaded once per process; copied, never written
_base_lock = threading.Lock()


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


class ChunkedJiebaTokenizer:
    """spaCy tokenizer: jieba over pieces of the text, whitespace kept as spaCy expects."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.jieba_tokenizer = new_jieba()

    def add_words(self, words: Iterable[str]) -> None:
        """Teach this tokenizer's dictionary `words` (the lexicon's), so they are never split."""
        for word in sorted(words):
            self.jieba_tokenizer.add_word(word)

    def __call__(self, text: str) -> Doc:
        words = self.words(text)
        if "".join(words) != text:  # pragma: no cover - jieba keeps every character; be safe anyway
            words, spaces = get_words_and_spaces(words, text)
            return Doc(self.vocab, words=words, spaces=spaces)
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        doc.user_data[BOUNDS_KEY] = word_bounds(words)
        doc.user_data[TEXT_KEY] = text
        return doc

    def words(self, text: str) -> list[str]:
        cut = self.jieba_tokenizer.cut
        if not _LONG_RUN.search(text):
            return [w for w in cut(text, HMM=False) if w]
        words: list[str] = []
        for piece in _PIECES.findall(text):
            words.extend(w for w in cut(piece, HMM=False) if w)
        return words

    # spaCy calls these when a pipeline is saved or copied; the dictionary is rebuilt from the lexicon
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> ChunkedJiebaTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> ChunkedJiebaTokenizer:
        return self


@registry.tokenizers("huashu.ChunkedJieba.v1")
def create_chunked_jieba_tokenizer():
    def make(nlp):
        return ChunkedJiebaTokenizer(nlp.vocab)

    return make
