"""Huashu as an MCP server: tools an LLM client (Claude Desktop, Cursor, Dify, agents) can call.

check_reply(text), rewrite_reply(text), draft_reply(message, ...) and audit_conversation(turns), with typed, structured
results. The same server runs over stdio (`huashu mcp`, for desktop clients that start it) and
over streamable HTTP mounted at /mcp on the API server, where it uses the server's current
engine (reloads included).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from api.models import AssistResponse
from assistant.pipeline import Checker
from assistant.taxonomy import taxonomy

INSTRUCTIONS = (
    "话术助手：检查物业客服要发给业主的回复。check_reply 找出十句禁语（F01–F10）和不当用语（D1–D4）并给出改写；"
    "rewrite_reply 直接给出可发送的改写；draft_reply 读懂业主的消息并起草回复；audit_conversation 按“一谢二谦三听四办五帮助六解释七理智八汇报”给整段对话打分。"
)
READ_ONLY = ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False)


class FindingOut(BaseModel):
    rule_id: str
    category: str = Field(description="F01-F10 forbidden phrase, D1-D4 disliked wording")
    category_name: str
    severity: Literal["error", "warning"]
    start: int = Field(description="str index into the text")
    end: int
    match: str
    message: str
    suggestions: list[str]
    confidence: float


class CheckResult(BaseModel):
    verdict: Literal["pass", "warn", "block"]
    score: int
    findings: list[FindingOut]
    positives: list[str] = Field(description="liked wording found (P1-P5), as category names")
    rewrite: str = Field(description="the whole reply with every finding replaced; passes the checker")


class RewriteResult(BaseModel):
    original: str
    rewrite: str
    changed: bool
    fixed: list[str] = Field(description="categories the rewrite removed")


class Turn(BaseModel):
    role: Literal["agent", "customer"]
    text: str


class MissedStep(BaseModel):
    id: str
    name: str
    meaning: str


class TurnFinding(BaseModel):
    turn: int = Field(description="index into turns")
    category: str
    match: str
    message: str
    suggestion: str


class ConversationAudit(BaseModel):
    score: int = Field(description="0-100; a forbidden phrase vetoes to 0")
    veto: bool
    complaint: bool
    emergency: bool
    steps_missed: list[MissedStep]
    findings: list[TurnFinding]


def _finding(f) -> FindingOut:
    return FindingOut(
        rule_id=f.rule_id,
        category=f.category,
        category_name=taxonomy()[f.category].name,
        severity=f.severity,
        start=f.start,
        end=f.end,
        match=f.match,
        message=f.message,
        suggestions=list(f.suggestions),
        confidence=f.confidence,
    )


def build_mcp(engine: Callable[[], Checker]) -> MCPServer:
    """The MCP server; `engine()` gives the checker to use for each call."""
    server = MCPServer("huashu", title="话术助手", instructions=INSTRUCTIONS, version="0.1.0")

    @server.tool(annotations=READ_ONLY)
    def check_reply(text: str) -> CheckResult:
        """检查一条要发给业主的回复：禁语、不当用语、得分、判定和改写。"""
        report = engine().check(text)
        names = taxonomy().categories
        return CheckResult(
            verdict=report.verdict,
            score=report.score,
            findings=[_finding(f) for f in report.findings],
            positives=sorted({names[p.category].name for p in report.positives}),
            rewrite=report.rewrite,
        )

    @server.tool(annotations=READ_ONLY)
    def rewrite_reply(text: str) -> RewriteResult:
        """把回复改写成可以发送的说法（去掉所有禁语和不当用语，其余内容保持不变）。"""
        report = engine().check(text)
        return RewriteResult(
            original=text,
            rewrite=report.rewrite,
            changed=report.rewrite != text,
            fixed=sorted({f.category for f in report.findings}),
        )

    @server.tool(annotations=READ_ONLY)
    def audit_conversation(turns: list[Turn]) -> ConversationAudit:
        """按投诉处理程序（一谢二谦三听四办五帮助六解释七理智八汇报）给一段客服对话打分，只检查客服的话。"""
        from assistant.procedure import Turn as ProcedureTurn
        from assistant.procedure import evaluate, procedure_for

        checker = engine()
        procedure = procedure_for(checker.lexicon)
        findings: list[TurnFinding] = []
        seen: list[ProcedureTurn] = []
        for i, turn in enumerate(turns):
            if turn.role != "agent":
                seen.append(ProcedureTurn("customer", turn.text, str(i)))
                continue
            report = checker.check(turn.text)
            seen.append(ProcedureTurn("agent", turn.text, str(i), frozenset(f.category for f in report.findings)))
            findings += [
                TurnFinding(turn=i, category=f.category, match=f.match, message=f.message,
                            suggestion=f.suggestions[0] if f.suggestions else "")
                for f in report.findings
            ]
        outcome = evaluate(procedure, seen)
        return ConversationAudit(
            score=outcome.score,
            veto=outcome.veto,
            complaint=outcome.complaint_at is not None,
            emergency=outcome.emergency_at is not None,
            steps_missed=[MissedStep(id=s.id, name=s.name, meaning=s.meaning) for s in outcome.steps_missed],
            findings=findings,
        )

    @server.tool(annotations=READ_ONLY)
    def draft_reply(
        message: str, history: list[Turn] | None = None, customer_name: str | None = None, draft: str | None = None
    ) -> AssistResponse:
        """读懂业主的消息（心理、话题、突发事件），列出回复要做到的步骤，起草三条通过检查的回复；给出 draft 时一并点评。"""
        from assistant.coach.coach import Message, coach_for
        from assistant.settings import get_settings

        coach = coach_for(engine(), None, get_settings().timezone)
        turns = [Message.of(t.role, t.text) for t in history or []]
        return AssistResponse.model_validate(coach.assist(message, turns, customer_name, draft).to_dict())

    return server


def http_app(server: MCPServer, allowed_hosts: list[str]):
    """The streamable-HTTP ASGI app (stateless, JSON responses) for mounting on the API server."""
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*", *allowed_hosts],
        allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
    )
    return server.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=True, transport_security=security
    )
