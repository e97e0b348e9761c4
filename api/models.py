"""Request and response bodies, as documented in /openapi.json (with examples).

The report itself (Report, Finding, Positive) is the engine's one schema (assistant/report_schema.py);
the bodies here wrap or extend it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from assistant.report_schema import REPORT_EXAMPLE, Finding, Positive, Report

__all__ = ["Finding", "Positive", "Report", "REPORT_EXAMPLE"]  # re-exported for the routes


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


class BatchItem(_In):
    id: StrictStr | StrictInt = Field(description="Echoed in the report: a string or an integer (not a boolean)")
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
    source: Literal["lexicon", "model"] = Field(
        description="lexicon: an entry of wording with examples; model: what the classifier finds in a clause of this category"
    )
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


# the errors every checking route may answer with, for its OpenAPI `responses`
COMMON_ERRORS = {400: {"model": Error}, 413: {"model": Error}, 422: {"model": Error}, 503: {"model": Error}}


# ---- the assistant (POST /v1/assist) -----------------------------------------------------------

Role = Literal["resident", "customer", "user", "staff", "agent", "assistant"]


class HistoryTurn(_In):
    role: Role = Field(description="resident/customer/user for the resident, staff/agent/assistant for staff")
    text: str = Field(min_length=1)


class AssistRequest(_In):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {"message": "电梯又坏了，打了三次电话都没人理，你们什么态度！", "customer_name": "王先生"},
                {
                    "message": "到现在还没人来！",
                    "history": [{"role": "resident", "text": "我家水管漏水了"}, {"role": "staff", "text": "好的，稍后安排。"}],
                    "draft": "师傅在路上了，您再等等。",
                    "session_id": "wm-8842",
                },
            ]
        },
    )
    message: str = Field(min_length=1, description="The resident's new message.")
    history: list[HistoryTurn] = Field(default=[], description="The conversation before `message`, oldest first.")
    customer_name: str | None = Field(default=None, max_length=50, description="How to address the resident: 王先生, 李阿姨.")
    draft: str | None = Field(default=None, description="A reply staff have written; reviewed in `draft_review`.")
    session_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.:@-]+$",
        description="Keeps the conversation on the server: later calls with the same id need not resend `history`.",
    )


class Evidence(BaseModel):
    code: str = Field(description="A psychology code of taxonomy.yaml")
    name: str
    evidence: list[str] = Field(description="The resident's words that show it")


class Topic(BaseModel):
    code: str
    name: str


class EmergencyStep(BaseModel):
    id: Literal["report", "contain", "people_first"]
    name: str
    action: str


class Urgent(BaseModel):
    kind: str = Field(description="fire, gas, trapped, flood, injury, crime, or urgent (danger of no known kind)")
    name: str
    evidence: list[str]
    steps: list[EmergencyStep] = Field(description="及时向上级汇报, 将事态控制在最小范围内, 先救人报案")
    reply: str


class StepToCover(BaseModel):
    id: str
    name: str = Field(description="一谢 … 八汇报, or a complaint-call step (倾听 …)")
    meaning: str
    group: Literal["procedure", "call"]


class DraftReview(BaseModel):
    verdict: Literal["pass", "warn", "block"]
    score: int
    findings: list[Finding]
    rewrite: str
    missing_steps: list[StepToCover]
    advice: list[str]


class AssistResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "psychology": [{"code": "respect", "name": "求尊重心理", "evidence": ["打了三次电话都没人理", "什么态度"]}],
                    "topic": {"code": "equipment", "name": "设备"},
                    "complaint": True,
                    "urgent": None,
                    "advice": ["先道歉并承认我们做得不够，称呼业主的姓名，说清楚由谁在什么时间跟进，让业主感到被重视。"],
                    "next_steps": [{"id": "apologise", "name": "二谦", "meaning": "道歉、表示歉意", "group": "procedure"}],
                    "draft": "王先生您好，让您多次反映还没解决，是我们做得不好，非常抱歉……",
                    "alternatives": ["王先生您好，真的很抱歉，这件事让您久等了……", "王先生您好，非常抱歉让您一次次来反映……"],
                    "draft_source": "rules",
                    "customer_name": "王先生",
                }
            ]
        }
    )
    psychology: list[Evidence]
    topic: Topic
    complaint: bool
    urgent: Urgent | None
    advice: list[str] = Field(description="What to keep in mind for this resident's psychology")
    next_steps: list[StepToCover] = Field(description="What the reply must still cover")
    draft: str = Field(description="A reply that passes the checker")
    alternatives: list[str] = Field(description="Two more replies that pass the checker")
    draft_source: Literal["rules", "llm"]
    customer_name: str | None
    draft_review: DraftReview | None = None
    session_id: str | None = None


class SurveyRow(_In):
    respondent: StrictStr | StrictInt
    item: StrictStr = Field(min_length=1)
    importance: StrictInt | StrictFloat | None = None  # true is no score
    satisfaction: StrictInt | StrictFloat | None = None
    comment: StrictStr = ""


class SurveyRequest(_In):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"scale": 5, "rows": [
            {"respondent": "R1", "item": "电梯维修", "importance": 5, "satisfaction": 2, "comment": "电梯老是坏"},
            {"respondent": "R1", "item": "绿化养护", "importance": 2, "satisfaction": 4},
        ]}]},
    )
    rows: list[SurveyRow] = Field(min_length=1, description="Long-form answers: one per respondent and item.")
    scale: Literal[5, 10] = 5
    importance_line: float | None = Field(default=None, description="Importance line; default: the items' average.")
    satisfaction_line: float | None = Field(default=None, description="Company target or industry average; default: the items' average.")


class SurveyItem(BaseModel):
    item: str
    importance: float | None
    satisfaction: float | None
    gap: float | None
    respondents: int
    importance_ci: list[float] | None
    satisfaction_ci: list[float] | None
    quadrant: Literal["继续保持", "急需改进", "锦上添花", "不合优先"] | None


class SurveyResponse(BaseModel):
    """The figures `huashu survey` writes to survey.json, and the chart the page shows."""

    scale: int
    files: list[str]
    respondents: int
    lines_from: dict[str, Literal["items_average", "given"]]
    importance_line: float | None = Field(description="None when no item has an importance score and none was given.")
    satisfaction_line: float | None = Field(description="None when no item has a satisfaction score and none was given.")
    items: list[SurveyItem]
    urgent: list[SurveyItem]
    comments: dict
    errors: list[dict] = Field(description="Rows that could not be used, with the reason (the first 200).")
    errors_total: int = Field(description="How many rows could not be used in all.")
    chart_svg: str = Field(description="The four-quadrant chart as inline SVG.")
