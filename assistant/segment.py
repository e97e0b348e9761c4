"""Word segmentation: jieba, fed in bounded pieces, as a registered spaCy tokenizer.

jieba splits at punctuation before it looks anything up, so cutting the text at punctuation first
changes nothing; but on a long run without punctuation (a 100,000-character paste) its cost grows
far faster than the length. Pieces of at most MAX_PIECE characters keep every text linear.
HMM new-word discovery is off so that the lexicon's words (jieba.add_word) are always respected.
"""

from __future__ import annotations

import logging
import os
from itertools import accumulate
import re
import tempfile
from pathlib import Path

from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry

MAX_PIECE = 200
_PIECES = re.compile(r"[^，。！？；：,.!?;:\s]{1,%d}|[，。！？；：,.!?;:\s]+" % MAX_PIECE)
_LONG_RUN = re.compile(r"[^，。！？；：,.!?;:\s]{%d}" % (MAX_PIECE + 1))
BOUNDS_KEY = "huashu_bounds"
TEXT_KEY = "huashu_text"  # Doc.text re-joins every token; the tokenizer keeps the string it was given


def _prepare_jieba():
    """Import jieba quietly, with its dictionary cache in this user's cache directory (not /tmp,
    which jieba shares between users and which other users may write to)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    if getattr(jieba.dt, "_huashu_prepared", False):
        return jieba
    cache_root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    cache_dir = Path(cache_root) / "huashu"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(cache_dir)
    except OSError:
        jieba.dt.tmp_dir = tempfile.mkdtemp(prefix="huashu-jieba-")
    jieba.dt._huashu_prepared = True
    jieba.initialize()
    return jieba


def word_bounds(words: list[str]) -> list[int]:
    """Character offsets where words start and end (sorted, with 0 and len(text))."""
    return list(accumulate(map(len, words), initial=0))


class ChunkedJiebaTokenizer:
    """spaCy tokenizer: jieba over pieces of the text, whitespace kept as spaCy expects."""

    def __init__(self, vocab):
        self.vocab = vocab
        self._jieba = _prepare_jieba()

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
        cut = self._jieba.cut
        if not _LONG_RUN.search(text):
            return [w for w in cut(text, HMM=False) if w]
        words: list[str] = []
        for piece in _PIECES.findall(text):
            words.extend(w for w in cut(piece, HMM=False) if w)
        return words

    # spaCy calls these when a pipeline is saved or copied; there is no state beyond jieba's
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
