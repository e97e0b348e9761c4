"""Score (0-100) and verdict of a reply.

The deck says what customers like to hear (P1-P5) and what they hate (D1-D4), and names ten phrases
that must never be said (F01-F10). A neutral reply starts at 60; each liked element present adds 8
(all five: 100); each disliked finding takes 15 and each forbidden one 45, weighted by confidence.
The verdict follows severity, not the number: any forbidden phrase blocks, any disliked wording
warns, and the score is capped so it never contradicts the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.report import Finding, Positive, Verdict

BASE = 60
PER_LIKED = 8
PENALTY = {"error": 45, "warning": 15, "info": 0}
CAP = {"block": 40, "warn": 79, "pass": 100}


def verdict_of(findings: Sequence[Finding]) -> Verdict:
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "block"
    if "warning" in severities:
        return "warn"
    return "pass"


def score_of(findings: Sequence[Finding], positives: Sequence[Positive]) -> tuple[int, Verdict]:
    verdict = verdict_of(findings)
    liked = len({p.category for p in positives})
    raw = BASE + PER_LIKED * liked - sum(PENALTY[f.severity] * f.confidence for f in findings)
    score = int(round(max(0.0, min(float(CAP[verdict]), raw))))
    if verdict == "pass":
        score = max(score, BASE)
    return score, verdict
