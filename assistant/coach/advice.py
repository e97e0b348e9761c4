"""What the assistant answers, and its JSON form: the contract of POST /v1/assist, the MCP tool
draft_reply and `huashu assist --format json` (api/models.py's AssistResponse is tested against it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class Advice:
    psychology: list[dict[str, Any]]
    topic: dict[str, str]
    complaint: bool
    urgent: dict[str, Any] | None
    advice: list[str]
    next_steps: list[dict[str, str]]
    draft: str
    alternatives: list[str]
    draft_source: Literal["rules", "llm"]
    customer_name: str | None
    draft_review: dict[str, Any] | None = None
    session_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "psychology": self.psychology,
            "topic": self.topic,
            "complaint": self.complaint,
            "urgent": self.urgent,
            "advice": self.advice,
            "next_steps": self.next_steps,
            "draft": self.draft,
            "alternatives": self.alternatives,
            "draft_source": self.draft_source,
            "customer_name": self.customer_name,
        }
        if self.draft_review is not None:
            out["draft_review"] = self.draft_review
        if self.session_id is not None:
            out["session_id"] = self.session_id
        return out
