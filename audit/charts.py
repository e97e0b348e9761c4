"""Inline SVG charts for the self-contained documents (the audit's report.html, the management
report, the survey): nothing from the network, every mark carrying its label and value as data
attributes so tests and screen readers can read the figures back."""

from __future__ import annotations

from html import escape


def bar_chart(name: str, items: list[tuple[str, float]], unit: str = "", color: str = "#1456f0", width: int = 760) -> str:
    """Horizontal bars, one per (label, value)."""
    if not items:
        return f'<p class="muted" data-chart="{name}">没有数据</p>'
    label_w, row_h = min(220, width // 3), 24
    top = max(v for _, v in items) or 1
    rows = []
    for i, (label, value) in enumerate(items):
        y = i * row_h
        w = max(0.0, (width - label_w - 80) * value / top)
        rows.append(
            f'<g data-label="{escape(label)}" data-value="{value}">'
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{color}" rx="3"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{value:g}{escape(unit)}</text></g>'
        )
    height = len(items) * row_h + 4
    return (
        f'<svg data-chart="{name}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">{"".join(rows)}</svg>'
    )


def line_chart(name: str, points: list[tuple[str, float]], caption: str, color: str = "#d83931", width: int = 760) -> str:
    """One value per label in order (days, months), as a line with a dot per point."""
    if not points:
        return f'<p class="muted" data-chart="{name}">没有数据</p>'
    height, pad = 220, 40
    top = max(v for _, v in points) or 1
    step = (width - 2 * pad) / max(1, len(points) - 1)
    xy = [(pad + i * step, height - pad - (height - 2 * pad) * v / top) for i, (_, v) in enumerate(points)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(
        f'<g data-label="{escape(label)}" data-value="{value}"><circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>'
        f"<title>{escape(label)}：{value:g}</title></g>"
        for (label, value), (x, y) in zip(points, xy, strict=True)
    )
    labels = (
        f'<text x="{pad}" y="{height - 12}">{escape(points[0][0])}</text>'
        f'<text x="{width - pad}" y="{height - 12}" text-anchor="end">{escape(points[-1][0])}</text>'
        if len(points) > 1 else f'<text x="{pad}" y="{height - 12}">{escape(points[0][0])}</text>'
    )
    return (
        f'<svg data-chart="{name}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#ccc"/>'
        f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>{dots}{labels}'
        f'<text x="{pad}" y="{pad - 12}">{escape(caption)}（最高 {top:g}）</text></svg>'
    )
