"""What a check returns: findings, positives, a score, a verdict and a rewrite.

The JSON form (Report.to_dict) is the contract every adapter serialises, described once for
OpenAPI and MCP in report_schema.py (a test holds the two together); it carries SCHEMA_VERSION,
which changes when the form does. Offsets are Python str indices into the text as sent, and
text[start:end] == match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.taxonomy import Severity

SCHEMA_VERSION = 2  # 2: findings say where they came from (`source`)
Verdict = Literal["pass", "warn", "block"]
Source = Literal["lexicon", "model"]


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    category: str
    severity: Severity
    start: int
    end: int
    match: str
    message: str
    suggestions: tuple[str, ...] = ()
    confidence: float = 1.0
    source: Source = "lexicon"  # lexicon: a rule's wording matched; model: the classifier read the clause

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "match": self.match,
            "message": self.message,
            "suggestions": list(self.suggestions),
            "confidence": self.confidence,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Positive:
    category: str
    start: int
    end: int
    match: str

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "start": self.start, "end": self.end, "match": self.match}


@dataclass(frozen=True, slots=True)
class Report:
    text: str
    verdict: Verdict
    score: int
    findings: tuple[Finding, ...] = ()
    positives: tuple[Positive, ...] = ()
    rewrite: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def blocked(self) -> bool:
        return self.verdict == "block"

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "text": self.text,
            "verdict": self.verdict,
            "score": self.score,
            "findings": [f.to_dict() for f in self.findings],
            "positives": [p.to_dict() for p in self.positives],
            "rewrite": self.rewrite,
        }
