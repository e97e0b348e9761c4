"""Rewrite a flagged reply: replace what was found, keep the rest, and prove the result is clean.

Forbidden phrases are replaced clause by clause (a half-replaced 跟我们客服没关系 reads worse than
none), disliked words usually in place (可能 -> 预计). The candidate is checked again; whatever is
still found is replaced in the next round, and a reply that cannot be mended is replaced by a safe
commitment. The rewrite of a clean reply is the reply itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.engine import Analysis

SAFE_REPLY = "您好，您反映的情况我已经记下了，我马上为您跟进处理，今天下班前给您答复。"
MAX_ROUNDS = 3
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_CLAUSE_PUNCT = "，,；;：:。！!？?…\n"
_QUESTION_ENDINGS = ("吗", "呢", "？", "?")


@dataclass(slots=True)
class _Edit:
    start: int
    end: int
    replacement: str
    rank: int
    clause: bool
    category: str


def _edits(analysis: Analysis) -> list[_Edit]:
    text = analysis.text
    edits = []
    for finding, hit in analysis.findings:
        replacement = finding.suggestions[0] if finding.suggestions else ""
        clause = hit.entry.rewrite_scope == "clause"
        if clause:
            lo, hi = text.clause_at(hit.start, hit.end)
            start, end = text.to_original(lo, hi)
        else:
            start, end = finding.start, finding.end
        edits.append(
            _Edit(start, end, replacement, _SEVERITY_RANK[finding.severity], clause, finding.category)
        )
    return edits


def _merge(original: str, edits: list[_Edit]) -> list[_Edit]:
    """Overlapping edits become one (the more severe finding's wording wins), and so do clause
    edits of one category in adjacent clauses: 找停车场去，跟我们没关系 is one thought, said once."""
    merged: list[_Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.rank)):
        if merged:
            last = merged[-1]
            adjacent = (
                last.clause
                and e.clause
                and last.category == e.category
                and not original[last.end : e.start].strip(_CLAUSE_PUNCT + " ")
            )
            if e.start < last.end or adjacent:
                keep = last if (last.rank, not last.clause) <= (e.rank, not e.clause) else e
                merged[-1] = _Edit(
                    min(last.start, e.start), max(last.end, e.end), keep.replacement, keep.rank, keep.clause, keep.category
                )
                continue
        merged.append(e)
    return merged


def _apply(original: str, edits: list[_Edit]) -> str:
    out: list[str] = []
    pos = 0
    used_clauses: set[str] = set()
    for e in edits:
        between = original[pos : e.start]
        replacement = e.replacement
        if e.clause and replacement in used_clauses:
            # the same clause again says nothing new: drop it, and the bare separator before it
            if between.strip(_CLAUSE_PUNCT + " "):
                out.append(between)
            replacement = ""
        else:
            out.append(between)
            used_clauses.add(replacement)
        after = original[e.end : e.end + 1]
        if after in ("？", "?") and replacement and not replacement.endswith(_QUESTION_ENDINGS):
            replacement += "。"
            pos = e.end + 1
        else:
            pos = e.end
        if pos < len(original) and original[pos] in _CLAUSE_PUNCT:
            replacement = replacement.rstrip("。")
        out.append(replacement)
    out.append(original[pos:])
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    text = re.sub(r"([，,；;：:])\s*(?=[，,；;：:。！!？?])", "", text)  # a clause break before another
    text = re.sub(r"^[\s，,；;：:。！!？?]+", "", text)
    text = re.sub(r"([。！!？?])\1+", r"\1", text)
    text = re.sub(r"[，,；;：:]+$", "。", text)
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

