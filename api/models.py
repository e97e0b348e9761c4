"""Request and response bodies, as documented in /openapi.json (with examples)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_EXAMPLE = {
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
        }
    ],
    "positives": [{"category": "P2", "start": 0, "end": 2, "match": "您好"}],
    "rewrite": "您好，我今天下午五点前联系您，告诉您处理进度。",
}


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CheckRequest(_In):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"text": "您好，改天再联系你。"}, {"text": "师傅可能下午过来。", "disabled_categories": ["D4"]}]},
    )
    text: str = Field(min_length=1, description="The reply to check (at most HUASHU_MAX_TEXT_CHARS, 10,000 by default).")
    disabled_rules: list[str] = Field(default=[], description="Rule ids (GET /v1/rules) to leave out of this check.")
    disabled_categories: list[str] = Field(default=[], description="Category codes (F01-F10, D1-D4, P1-P5) to leave out.")


class Finding(BaseModel):
    rule_id: str
    category: str = Field(description="F01-F10 forbidden phrase, D1-D4 disliked wording")
    severity: Literal["error", "warning", "info"]
    start: int = Field(description="Python str index (Unicode code points) into `text`")
    end: int
    match: str = Field(description="text[start:end]")
    message: str = Field(description="Why it is a problem (Chinese)")
    suggestions: list[str] = Field(description="1-3 replacements for exactly text[start:end]")
    confidence: float


class Positive(BaseModel):
    category: str = Field(description="P1-P5: what customers like to hear")
    start: int
    end: int
    match: str


class Report(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [REPORT_EXAMPLE]})
    text: str
    verdict: Literal["pass", "warn", "block"]
    score: int = Field(ge=0, le=100)
    findings: list[Finding]
    positives: list[Positive]
    rewrite: str = Field(description="The whole reply with every finding replaced; passes the checker")


class BatchItem(_In):
    id: str | int
    text: str = Field(min_length=1)


class BatchRequest(_In):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"items": [{"id": "m1", "text": "改天再联系你。"}, {"id": "m2", "text": "好的，马上到！"}]}]},
    )
    items: list[BatchItem] = Field(min_length=1, description="At most HUASHU_MAX_BATCH_ITEMS (1,000 by default).")


class BatchReport(Report):
    id: str | int


class BatchResponse(BaseModel):
    items: list[BatchReport]


class ScreenRequest(_In):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "message": "改天再联系你。",
                    "channel": "wecom",
                    "conversation_id": "wm-8842",
                    "sender": "zhangsan",
                    "recipient": "wmXYZ",
                }
            ]
        },
    )
    message: str = Field(min_length=1, description="The message a staff member is about to send.")
    channel: str = Field(min_length=1, max_length=64, description="Integration channel; selects the policy.")
    conversation_id: str = Field(max_length=256)
    sender: str = Field(max_length=256, description="The staff member's id in the integration.")
    recipient: str | None = Field(default=None, max_length=256)


class ScreenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "action": "block",
                    "findings": REPORT_EXAMPLE["findings"],
                    "suggested_message": "我今天下午五点前联系您，告诉您处理进度。",
                    "reason": "含有禁语：F10 含糊拖延“改天再联系你”。已拦截，请改用建议话术。",
                }
            ]
        }
    )
    action: Literal["allow", "warn", "block"]
    findings: list[Finding]
    suggested_message: str = Field(description="A version without findings; passes the checker")
    reason: str = Field(description="Why, in Chinese, for the staff member")


class RuleExamples(BaseModel):
    flag: list[str]
    pass_: list[str] = Field(alias="pass")


class Rule(BaseModel):
    rule_id: str
    category: str
    category_name: str
    severity: Literal["error", "warning", "info"]
    message: str
    examples: RuleExamples
    rewrites: list[str]


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready", "loading"]
    version: int = Field(description="Engine generation: 1 at start, +1 per reload")
    rules: int


class Reloaded(BaseModel):
    status: Literal["reloaded", "restarting"]
    version: int
    rules: int


class ErrorDetail(BaseModel):
    code: str
    message: str = Field(description="What went wrong, in Chinese")
    details: list | str | None = None


class Error(BaseModel):
    error: ErrorDetail
    request_id: str | None
