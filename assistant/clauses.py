"""A reply's clauses: the unit the engine reads (what does this clause do?) and rewrites.

One definition for the classifier, the context rules and the rewrite. A clause ends at clause or
sentence punctuation (punctuation.py). Chat typed fast often uses spaces instead ("车位的事 没有吧
改天再说"): a run of spaces between two runs of at least two characters ends a clause too, while
spaces between single characters ("这 种 问 题") are noise, not structure. Words in quotation marks
are their own clause, marked `quoted`: they are someone's words reported ("邻居说'我家不可能漏水'"),
not what the reply itself says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.punctuation import CLAUSE_ENDS, DIGIT_CLASS, NUMBER_JOINERS, SPACE_BREAK

_QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", '"': '"', "'": "'"}
# the joiners end a clause, unless between two digits (punctuation.IN_NUMBER)
_BREAK = re.compile(
    "(?:[" + re.escape("".join(c for c in CLAUSE_ENDS if c not in NUMBER_JOINERS)) + "]"
    f"|(?<!{DIGIT_CLASS})[{NUMBER_JOINERS}]|[{NUMBER_JOINERS}](?!{DIGIT_CLASS}))+"
    f"|{SPACE_BREAK.pattern}"
)
_QUOTED = re.compile(
    "|".join(f"{re.escape(o)}([^{re.escape(o + c)}]{{1,60}}){re.escape(c)}" for o, c in _QUOTE_PAIRS.items())
)


@dataclass(frozen=True, slots=True)
class Clause:
    start: int  # str indices into the reply
    end: int
    quoted: bool = False  # words in quotation marks: reported, not said by the reply

    def text(self, reply: str) -> str:
        return reply[self.start : self.end]


def _unquoted_clauses(text: str, start: int, end: int) -> list[Clause]:
    out: list[Clause] = []
    pos = start
    for m in _BREAK.finditer(text, start, end):
        if m.start() > pos:
            out.append(Clause(pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append(Clause(pos, end))
    return out


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Where the words in quotation marks are (each one clause, see clauses())."""
    return [
        (m.start(i), m.end(i)) for m in _QUOTED.finditer(text) for i in range(1, m.re.groups + 1) if m.group(i) is not None
    ]


def clauses(text: str) -> list[Clause]:
    """The clauses of `text`, in order; none for a blank text. A quotation is one clause even
    when it holds commas ("通知只发群里，老人看不到可不行")."""
    out: list[Clause] = []
    pos = 0
    for m in _QUOTED.finditer(text):
        inner = next(i for i in range(1, m.re.groups + 1) if m.group(i) is not None)
        out.extend(_unquoted_clauses(text, pos, m.start()))
        out.append(Clause(m.start(inner), m.end(inner), quoted=True))
        pos = m.end()
    out.extend(_unquoted_clauses(text, pos, len(text)))
    trimmed = []
    for c in out:  # without the spaces at either end; a clause of spaces alone is none
        piece = text[c.start : c.end]
        kept = piece.strip()
        if len(kept) == len(piece):
            trimmed.append(c)
        elif kept:
            start = c.start + len(piece) - len(piece.lstrip())
            trimmed.append(Clause(start, start + len(kept), c.quoted))
    return trimmed


NEIGHBOURS = 4  # how many clauses either side make a clause's context


def around(texts: list[str], k: int, *, with_own: bool = False, width: int = NEIGHBOURS) -> str:
    """The clauses near clause k (its own too, with_own), joined by a clause mark: what the rest
    of the reply does, as far as it concerns this clause. A paste of a thousand clauses is read
    in windows, so the cost stays linear in its length."""
    lo, hi = max(0, k - width), min(len(texts), k + width + 1)
    return "，".join(t for j, t in enumerate(texts[lo:hi], lo) if with_own or j != k)


def clause_index(parts: list[Clause], start: int, end: int) -> list[int]:
    """Indices of the clauses [start, end) overlaps."""
    return [i for i, c in enumerate(parts) if min(c.end, end) > max(c.start, start)]
