"""Rewrite a flagged reply: replace what was found, keep the rest, and prove the result is clean.

Each entry says how much it replaces (rewrite_scope): a word (可能 -> 预计), its clause (a
half-replaced 跟我们客服没关系 reads worse than none) or its sentence (a procedure explained over
several clauses); the finding covers exactly that. Edits that touch, or that sit in neighbouring
clauses of one sentence, merge into one, worded by the most severe finding. The candidate is checked again; what is still
found is replaced in the next round, and a reply that cannot be mended becomes a safe commitment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.analyzer import Analysis
from assistant.punctuation import CLAUSE_ENDS, CLAUSE_MARKS, QUESTION_MARKS, SENTENCE_ENDS, SPACES, STOP_MARKS
from assistant.taxonomy import taxonomy

SAFE_REPLY = "您好，您反映的情况我已经记下了，我马上为您跟进处理，今天下班前给您答复。"
MAX_ROUNDS = 3
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_SEPARATORS = CLAUSE_ENDS + SPACES
_QUESTION_ENDINGS = ("吗", "呢", *QUESTION_MARKS)


@dataclass(slots=True)
class _Edit:
    start: int
    end: int
    replacement: str
    rank: int
    wide: bool  # replaces a clause or a sentence, not just the words found
    category: str


def _edits(analysis: Analysis) -> list[_Edit]:
    """A finding already covers what its first suggestion replaces (analyzer.Analyzer._region)."""
    return [
        _Edit(
            f.start,
            f.end,
            f.suggestions[0] if f.suggestions else "",
            _SEVERITY_RANK[f.severity],
            hit is None or hit.entry.rewrite_scope != "span",  # a model finding replaces its clause
            f.category,
        )
        for f, hit in analysis.findings
    ]


def _related(a: str, b: str) -> bool:
    """Same category, or a forbidden phrase and its parent disliked category (F08 and D1)."""
    cats = taxonomy().categories
    return a == b or cats[a].parent == b or cats[b].parent == a


def _merge(original: str, edits: list[_Edit]) -> list[_Edit]:
    """Overlapping edits become one, and so do clause edits of related categories in neighbouring
    clauses of a sentence: 找停车场去，跟我们没关系 is one thought, answered once. The more severe
    finding's wording wins. Unrelated neighbours keep their own wording (two problems, two answers)."""
    merged: list[_Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.rank)):
        if merged:
            last = merged[-1]
            between = original[last.end : e.start]
            neighbours = (
                last.wide
                and e.wide
                and _related(last.category, e.category)
                and not between.strip(_SEPARATORS)
                and not any(c in SENTENCE_ENDS for c in between)
            )
            if e.start < last.end or neighbours:
                keep = last if (last.rank, not last.wide) <= (e.rank, not e.wide) else e
                merged[-1] = _Edit(
                    min(last.start, e.start), max(last.end, e.end), keep.replacement, keep.rank, keep.wide, keep.category
                )
                continue
        merged.append(e)
    return merged


def _apply(original: str, edits: list[_Edit]) -> str:
    out: list[str] = []
    pos = 0
    said: set[str] = set()
    for e in edits:
        between = original[pos : e.start]
        replacement = e.replacement
        if e.wide and replacement in said:
            # the same clause again says nothing new: drop it, and a bare separator before it
            if between.strip(_SEPARATORS):
                out.append(between)
            replacement = ""
        else:
            out.append(between)
            said.add(replacement)
        pos = e.end
        if pos < len(original) and original[pos] in QUESTION_MARKS and replacement and not replacement.endswith(_QUESTION_ENDINGS):
            replacement += "。"  # a question turned into a statement
            pos += 1
        if pos < len(original) and original[pos] in CLAUSE_ENDS:
            replacement = replacement.rstrip("。")
        out.append(replacement)
    out.append(original[pos:])
    return _tidy("".join(out))


_CLAUSE = f"[{re.escape(CLAUSE_MARKS)}]"
_STOP = f"[{re.escape(STOP_MARKS + QUESTION_MARKS)}]"
_ANY_MARK = f"[{re.escape(CLAUSE_MARKS + STOP_MARKS + QUESTION_MARKS)}]"


def _tidy(text: str) -> str:
    text = re.sub(rf"{_CLAUSE}\s*(?={_ANY_MARK})", "", text)  # a clause break before another
    text = re.sub(rf"^[\s{re.escape(CLAUSE_MARKS + STOP_MARKS + QUESTION_MARKS)}]+", "", text)
    text = re.sub(rf"({_STOP})\s*{_CLAUSE}+", r"\1", text)
    text = re.sub(rf"({_STOP})\1+", r"\1", text)
    text = re.sub(rf"{_CLAUSE}+\s*$", "。", text)
    return text


def rewrite(original: str, analysis: Analysis, analyse: Callable[[str], Analysis]) -> str:
    """A version of `original` without findings; `analysis` is its analysis, `analyse` re-checks."""
    if not analysis.findings:
        return original
    candidate, current = original, analysis
    for _ in range(MAX_ROUNDS):
        candidate = _apply(candidate, _merge(candidate, _edits(current)))
        if not candidate.strip():
            break
        current = analyse(candidate)
        if not current.findings:
            return candidate
    return SAFE_REPLY
