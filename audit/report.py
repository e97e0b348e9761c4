"""report.html: one self-contained page for QA staff (inline CSS and SVG, nothing from the network).

Charts: findings by category, findings per 100 messages by agent, and the daily trend. Then the
most frequent offending phrases and example messages with their findings highlighted. Phone,
ID and room numbers are masked unless the audit was run with --no-mask-pii.
"""

from __future__ import annotations

from html import escape

from audit.charts import bar_chart, line_chart
from audit.pii import mask as mask_pii_text
from assistant.taxonomy import taxonomy

CSS = """
body{margin:0;background:#f5f6f8;color:#1f2329;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:1000px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:24px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #e4e6eb;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card span{color:#646a73;font-size:13px}
section{background:#fff;border:1px solid #e4e6eb;border-radius:8px;padding:12px;margin-top:12px;overflow-x:auto}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:6px 8px;text-align:left;font-size:14px}
mark.error{background:#fde8e7;color:#d83931}mark.warning{background:#fff3d6;color:#b26a00}
.example{padding:8px 0;border-bottom:1px solid #eee}.meta{color:#646a73;font-size:12px}
svg text{font-size:12px;fill:#1f2329}.muted{color:#646a73}
"""


def _trend_chart(days: dict[str, dict]) -> str:
    """Findings per 100 agent messages, day by day."""
    points = []
    for day, d in days.items():
        n = sum(d["findings"].values())
        points.append((day, round(100 * n / d["agent_messages"], 2) if d["agent_messages"] else 0.0))
    return line_chart("trend", points, "每百条客服消息的问题数")


def _highlighted(text: str, spans: list, masked: bool) -> str:
    shown = mask_pii_text(text) if masked else text
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(shown[a:b])
        covering = [c for s, e, c in spans if s <= a and b <= e]
        if covering:
            severity = "error" if any(c.startswith("F") for c in covering) else "warning"
            out.append(f'<mark class="{severity}" title="{escape("、".join(covering))}">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def render(summary: dict, agents: list[dict], days: dict, phrases: list[dict], examples: dict, *, mask_pii: bool) -> str:
    names = taxonomy().categories
    codes = list(summary["categories"])
    show = (lambda s: mask_pii_text(s)) if mask_pii else (lambda s: s)
    cards = [
        ("消息", summary["messages"]), ("会话", summary["conversations"]), ("客服", summary["agents"]),
        ("禁语", summary["forbidden"]), ("不当用语", summary["disliked"]), ("投诉会话", summary["complaints"]),
        ("一票否决", summary["vetoes"]), ("平均得分", summary["average_score"] if summary["average_score"] is not None else "—"),
        ("被拒绝的行", summary["rejected"]),
    ]
    category_items = [(f"{c} {names[c].name}", summary["categories"][c]) for c in codes if summary["categories"][c]]
    ranked = sorted(agents, key=lambda a: -(a["forbidden_per_100"] + a["disliked_per_100"]))[:20]
    agent_items = [(a["agent"], round(a["forbidden_per_100"] + a["disliked_per_100"], 2)) for a in ranked]
    phrase_rows = "".join(
        f"<tr><td>{escape(p['category'])} {escape(names[p['category']].name)}</td>"
        f"<td>{escape(show(p['phrase']))}</td><td>{p['count']}</td></tr>"
        for p in phrases
    )
    example_blocks = []
    for code in codes:
        for ex in examples.get(code, [])[:2]:
            example_blocks.append(
                f'<div class="example" data-category="{code}"><div class="meta">{escape(code)} {escape(names[code].name)} · '
                f"{escape(ex['sender'])} · {escape(str(ex['time']))} · 会话 {escape(show(ex['conversation_id']))}</div>"
                f"<div>{_highlighted(ex['text'], ex['spans'], mask_pii)}</div></div>"
            )
    agent_rows = "".join(
        f"<tr><td>{escape(a['agent'])}</td><td>{a['messages']}</td><td>{a['conversations']}</td>"
        f"<td>{a['forbidden_per_100']}</td><td>{a['disliked_per_100']}</td><td>{a['average_score']}</td><td>{a['vetoes']}</td></tr>"
        for a in agents
    )
    masked_note = "手机号、身份证号、房号已打码。" if mask_pii else "未打码（--no-mask-pii）：含住户个人信息，请妥善保管。"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>话术质检报告</title><style>{CSS}</style></head>
<body><main>
<h1>话术质检报告</h1>
<p class="muted">依据《物业管理公共关系与客户服务培训教材》的十句禁语、顾客最讨厌听到的话和投诉处理程序。{masked_note}</p>
<div class="cards">{"".join(f'<div class="card"><b>{escape(str(v))}</b><span>{k}</span></div>' for k, v in cards)}</div>
<section><h2>问题类别分布</h2>{bar_chart("categories", category_items, "")}</section>
<section><h2>各客服每百条消息的问题数</h2>{bar_chart("agents", agent_items, "", "#d83931")}</section>
<section><h2>趋势（按天）</h2>{_trend_chart(days)}</section>
<section><h2>最常见的问题说法</h2><table><tr><th>类别</th><th>说法</th><th>次数</th></tr>{phrase_rows}</table></section>
<section><h2>示例消息</h2>{"".join(example_blocks) or '<p class="muted">没有发现问题。</p>'}</section>
<section><h2>客服明细</h2><table><tr><th>客服</th><th>消息</th><th>会话</th><th>禁语/百条</th><th>不当用语/百条</th><th>平均得分</th><th>一票否决</th></tr>{agent_rows}</table></section>
</main></body></html>
"""
