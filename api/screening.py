"""The chat-plugin decision: a report and a channel policy in, allow / warn / block out.

By default a forbidden phrase blocks and disliked wording warns; a channel's policy can change
either (HUASHU_CHANNEL_POLICIES) and ignore findings below a confidence. The suggested message is
the report's rewrite, which has no finding at all, so it passes whatever the policy.
"""

from __future__ import annotations

from assistant.report import Report
from api.settings import ChannelPolicy
from assistant.taxonomy import taxonomy

_ORDER = {"allow": 0, "warn": 1, "block": 2}


def screen(report: Report, policy: ChannelPolicy) -> dict:
    considered = [f for f in report.findings if f.confidence >= policy.min_confidence]
    action = "allow"
    for f in considered:
        wanted = policy.forbidden if f.severity == "error" else policy.disliked
        if _ORDER[wanted] > _ORDER[action]:
            action = wanted
    return {
        "action": action,
        "findings": [f.to_dict() for f in considered],
        "suggested_message": report.rewrite,
        "reason": _reason(considered, action),
    }


def _reason(findings, action: str) -> str:
    if not findings:
        return "未发现禁语或不当用语，可以发送。"
    names = taxonomy().categories
    parts = []
    for label, severity in (("禁语", "error"), ("不当用语", "warning")):
        items = [f"{f.category} {names[f.category].name}“{f.match}”" for f in findings if f.severity == severity]
        if items:
            parts.append(f"含有{label}：" + "；".join(items))
    tail = {"block": "已拦截，请改用建议话术。", "warn": "建议修改后再发送。", "allow": "此渠道设置为放行。"}[action]
    return "。".join(parts) + "。" + tail
