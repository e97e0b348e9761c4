"""The JSON form of a report (report.py's Report.to_dict) as pydantic models: the one description
the HTTP API's OpenAPI document, the MCP tools' output schemas and the assistant's draft review
share. tests/test_report_schema.py proves every report the engine emits validates against it and
round-trips unchanged, so the description and the emitter cannot drift apart.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.report import SCHEMA_VERSION

REPORT_EXAMPLE = {
    "schema_version": SCHEMA_VERSION,
    "text": "您好，改天再联系你。",
    "verdict": "block",
    "score": 23,
    "findings": [
        {
            "rule_id": "forbidden.F10.some-other-day",
            "category": "F10",
            "severity": "error",
            "start": 3,
            "end": 9,
            "match": "改天再联系你",
            "message": "“改天”“回头”“过几天”没有具体时间，业主只能干等。应给出明确的时间和下一步。",
            "suggestions": ["我今天下午五点前联系您，告诉您处理进度", "我明天上午十点前给您回电话，告诉您安排结果"],
            "confidence": 1.0,
            "source": "lexicon",
        }
    ],
    "positives": [{"category": "P2", "start": 0, "end": 2, "match": "您好"}],
    "rewrite": "您好，我今天下午五点前联系您，告诉您处理进度。",
}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Finding(_Out):
    rule_id: str
    category: str = Field(description="F01-F10 forbidden phrase, D1-D4 disliked wording")
    severity: Literal["error", "warning", "info"]
    start: int = Field(description="Python str index (Unicode code points) into `text`")
    end: int
    match: str = Field(description="text[start:end]")
    message: str = Field(description="Why it is a problem (Chinese)")
    suggestions: list[str] = Field(description="1-3 replacements for exactly text[start:end]")
    confidence: float = Field(description="1.0 for an exact lexicon match; a model finding's probability")
    source: Literal["lexicon", "model"] = Field(
        description="lexicon: a rule's wording matched (rule_id names it); model: the classifier read the clause as doing what the category describes (rule_id model.<code>, the span is the clause)"
    )


class Positive(_Out):
    category: str = Field(description="P1-P5: what customers like to hear")
    start: int
    end: int
    match: str


class Report(_Out):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [REPORT_EXAMPLE]})
    schema_version: Literal[SCHEMA_VERSION] = Field(description="Changes when the report's form does")
    text: str
    verdict: Literal["pass", "warn", "block"]
    score: int = Field(ge=0, le=100)
    findings: list[Finding]
    positives: list[Positive]
    rewrite: str = Field(description="The whole reply with every finding replaced; passes the checker")
