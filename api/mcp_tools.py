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
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from api.models import AssistResponse
from assistant.checker import Checker
from assistant.coach import Coach, Message
from assistant.conversation import Turn as ConversationTurn
from assistant.conversation import score_conversation
from assistant.limits import problem_with
from assistant.report_schema import Finding, Report

INSTRUCTIONS = (
    "话术助手：检查物业客服要发给业主的回复。check_reply 找出十句禁语（F01–F10）和不当用语（D1–D4）并给出改写；"
    "rewrite_reply 直接给出可发送的改写；draft_reply 读懂业主的消息并起草回复；audit_conversation 按“一谢二谦三听四办五帮助六解释七理智八汇报”给整段对话打分。"
)
READ_ONLY = ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False)


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


class TurnFinding(Finding):
    turn: int = Field(description="index into turns")


class ConversationAudit(BaseModel):
    score: int = Field(description="0-100; a forbidden phrase vetoes to 0")
    veto: bool
    complaint: bool
    emergency: bool
    steps_missed: list[MissedStep]
    findings: list[TurnFinding]


def _require_text(text: str, limit: int, field: str) -> None:
    """The HTTP API's limits, with its messages: too long, or not text the engine can check."""
    if len(text) > limit:
        raise ToolError(f"{field} 超过 {limit} 字符上限（收到 {len(text)} 字符）")
    if (problem := problem_with(text)) is not None:
        raise ToolError(f"{field}：{problem}")


def build_mcp(
    current_checker: Callable[[], Checker], current_coach: Callable[[], Coach], max_text_chars: int = 10_000
) -> MCPServer:
    """The MCP server; each call uses the checker and coach these return (a server's current
    generation, so reloads apply). Texts over `max_text_chars` are refused as the HTTP API does."""
    server = MCPServer("huashu", title="话术助手", instructions=INSTRUCTIONS, version="0.1.0")

    def require(text: str, field: str = "text") -> None:
        _require_text(text, max_text_chars, field)

    @server.tool(annotations=READ_ONLY)
    def check_reply(text: str) -> Report:
        """检查一条要发给业主的回复：禁语、不当用语、得分、判定和改写（与 POST /v1/check 的报告相同）。"""
        require(text)
        return Report.model_validate(current_checker().check(text).to_dict())

    @server.tool(annotations=READ_ONLY)
    def rewrite_reply(text: str) -> RewriteResult:
        """把回复改写成可以发送的说法（去掉所有禁语和不当用语，其余内容保持不变）。"""
        require(text)
        report = current_checker().check(text)
        return RewriteResult(
            original=text,
            rewrite=report.rewrite,
            changed=report.rewrite != text,
            fixed=sorted({f.category for f in report.findings}),
        )

    @server.tool(annotations=READ_ONLY)
    def audit_conversation(turns: list[Turn]) -> ConversationAudit:
        """按投诉处理程序（一谢二谦三听四办五帮助六解释七理智八汇报）给一段客服对话打分，只检查客服的话。"""
        for i, turn in enumerate(turns):
            require(turn.text, f"turns[{i}].text")
        checker = current_checker()
        findings: list[TurnFinding] = []
        seen: list[ConversationTurn] = []
        for i, turn in enumerate(turns):
            if turn.role != "agent":
                seen.append(ConversationTurn("customer", turn.text, str(i)))
                continue
            report = checker.check(turn.text)
            seen.append(ConversationTurn("agent", turn.text, str(i), frozenset(f.category for f in report.findings)))
            findings += [TurnFinding(turn=i, **f.to_dict()) for f in report.findings]
        outcome = score_conversation(checker, seen)
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
        require(message, "message")
        if draft is not None:
            require(draft, "draft")
        for i, turn in enumerate(history or []):
            require(turn.text, f"history[{i}].text")
        turns = [Message.of(t.role, t.text) for t in history or []]
        return AssistResponse.model_validate(current_coach().assist(message, turns, customer_name, draft).to_dict())

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
