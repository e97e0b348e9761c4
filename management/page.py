"""The page every owners' document is printed on: one self-contained HTML file (inline CSS and
SVG, nothing from the network) that reads well on screen and prints cleanly on A4, each part
starting on a new page."""

from __future__ import annotations

from html import escape

CSS = """
@page{size:A4;margin:18mm 16mm 20mm}
*{box-sizing:border-box}
body{margin:0;background:#f5f6f8;color:#1f2329;font:15px/1.7 "Noto Serif CJK SC","Songti SC","SimSun","WenQuanYi Micro Hei","PingFang SC","Microsoft YaHei",serif}
main{max-width:860px;margin:0 auto;padding:24px 16px}
.sheet{background:#fff;border:1px solid #e4e6eb;border-radius:6px;padding:28px 36px;margin:0 0 18px}
h1{font-size:26px;text-align:center;margin:8px 0 4px;letter-spacing:2px}
.subtitle{text-align:center;color:#646a73;margin:0 0 18px}
h2{font-size:19px;margin:0 0 10px;padding-bottom:6px;border-bottom:2px solid #1456f0}
h3{font-size:16px;margin:16px 0 6px}
p{margin:6px 0}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}
td,th{border:1px solid #d9dce1;padding:4px 8px;text-align:left;font-size:13.5px;vertical-align:top}
th{background:#f2f3f5;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td:first-child,th:first-child{white-space:nowrap}
.muted{color:#646a73}
.none{color:#646a73;font-style:italic}
blockquote{margin:6px 0;padding:6px 10px;border-left:3px solid #c9cdd4;background:#f7f8fa;font-size:14px}
.figure{margin:8px 0;overflow-x:auto}
svg{max-width:100%;height:auto}svg text{font-size:12px;fill:#1f2329}
.sign{margin-top:40px;display:flex;justify-content:space-between;gap:24px}
.sign>div{flex:1;min-height:90px;padding-top:6px}
.seal{border:2px dashed #d83931;color:#d83931;border-radius:50%;width:120px;height:120px;display:flex;align-items:center;justify-content:center;text-align:center;font-size:13px;padding:10px}
@media print{
  body{background:#fff;font-size:10pt;line-height:1.5}
  h1{font-size:20pt}h2{font-size:14pt;margin-bottom:6px}h3{font-size:11pt;margin:10px 0 4px}
  td,th{padding:2px 6px;font-size:9pt}
  table{margin:4px 0 6px}
  main{max-width:none;padding:0}
  .sheet{border:0;border-radius:0;padding:0;margin:0;break-after:page;page-break-after:always}
  .sheet:last-child{break-after:auto;page-break-after:auto}
  table,.figure,blockquote,h3{break-inside:avoid;page-break-inside:avoid}
  h2,h3{break-after:avoid;page-break-after:avoid}
}
"""


def page(title: str, sheets: list[str]) -> str:
    """The whole document: each sheet is one part that starts a new printed page."""
    body = "\n".join(f'<section class="sheet">{sheet}</section>' for sheet in sheets)
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body><main>\n{body}\n</main></body></html>\n"
    )


def table(headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    """An HTML table; columns whose index is in `numeric` are right-aligned. Cells are escaped."""
    head = "".join(f'<th class="n">{escape(h)}</th>' if i in numeric else f"<th>{escape(h)}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{escape(_cell(v))}</td>' if i in numeric else f"<td>{escape(_cell(v))}</td>"
            for i, v in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
