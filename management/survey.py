"""顾客满意度评析 (deck section 十二): residents' satisfaction survey read per item and drawn as
the deck's four-quadrant chart (四分图), x = importance (重要程度), y = satisfaction (满意度).

Input is CSV (UTF-8 or GB18030, as Excel exports it in China) or .xlsx, in long form (one row per
respondent and item) or wide form (one row per respondent, `项目-重要程度` / `项目-满意度` column
pairs). A bad score rejects its row into errors.jsonl and the rest is still counted; a file that
cannot be surveyed at all is a SurveyError.

Outputs in `out`: survey.html (A4, one printed page per part), survey.json (what `huashu report`
reads), items.csv (UTF-8 with BOM so Excel opens it) and errors.jsonl.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from html import escape
from pathlib import Path
from statistics import fmean, stdev

from scipy.stats import t as student_t

from audit.charts import bar_chart
from audit.files import write_atomic
from audit.pii import mask
from management.page import page, table

KEEP, URGENT, BONUS, LOW = "继续保持", "急需改进", "锦上添花", "不合优先"
UNSPECIFIED = "未指明"  # a comment not about any one item
QUADRANTS = (KEEP, URGENT, BONUS, LOW)

# the deck's reading of each quadrant (物业管理公共关系与客户服务培训教材, 四分图分析法)
READINGS = {
    KEEP: "对业主来说是重要的，属于关键性因素，而目前满意度评价也较高，应“继续保持”。",
    URGENT: "对业主来说是很重要的，但当前满意度评价较低，属“急需改进”的内容。",
    BONUS: "满意度评价较高，但对业主来说不很重要，属于次要优势（也称锦上添花因素）；考虑资源的有效分配时，应先从这部分做起。",
    LOW: "对业主来说不是最重要的，满意度评价也较低，不是现在最急需解决的，即“不合优先”。",
}
COLORS = {KEEP: "#2e7d32", URGENT: "#d83931", BONUS: "#1456f0", LOW: "#646a73"}
TINTS = {KEEP: "#edf7ee", URGENT: "#fdeeed", BONUS: "#edf2fe", LOW: "#f4f5f6"}

SCALES = (5, 10)
HEADER_SEARCH_ROWS = 5  # Excel users often put a title or a note above the header
EXAMPLES_PER_TOPIC = 2
ITEM_FIELDS = ["item", "importance", "satisfaction", "gap", "respondents", "importance_ci_low", "importance_ci_high",
               "satisfaction_ci_low", "satisfaction_ci_high", "quadrant"]

# header names, compared after NFKC + lower case
RESPONDENT = {"respondent", "受访者", "编号", "受访者编号", "问卷编号", "序号"}
ITEM = {"item", "项目", "调查项目"}
IMPORTANCE = {"importance", "重要程度", "重要性"}
SATISFACTION = {"satisfaction", "满意度", "满意程度"}
COMMENT = {"comment", "意见", "建议", "备注", "评论"}
# a wide-form column: item, separator (ASCII, full-width or dash), what the column holds
SCORE = re.compile(r"[+-]?\d+(?:\.\d+)?")
WIDE_COLUMN = re.compile(r"^(.+?)\s*[-_—–―:：－＿]+\s*(重要程度|重要性|满意度|满意程度|意见|建议|备注|评论)$")


class SurveyError(ValueError):
    """A file that can't be surveyed at all; the message names the file (and line where there is one), in Chinese."""


class _BadRow(Exception):
    """A row rejected into errors.jsonl; the message is the reason."""


class _BadHeader(Exception):
    """A header that is one of the two forms but lacks a column; the message says which."""


@dataclass
class _Answer:
    respondent: tuple[str, str]  # (file, respondent id): ids restart in every file
    item: str
    importance: float | None
    satisfaction: float | None


@dataclass
class _Survey:
    """Everything read from the files, before any averaging."""

    answers: list[_Answer] = field(default_factory=list)
    comments: list[tuple[str | None, str]] = field(default_factory=list)  # (item or None, text)
    respondents: set[tuple[str, str]] = field(default_factory=set)
    errors: list[dict] = field(default_factory=list)


def run(files: list[Path], out: Path, *, scale: int = 5, importance_line: float | None = None,
        satisfaction_line: float | None = None, signals=None, mask_pii: bool = True) -> dict:
    """Reads the files, writes out/survey.html, out/survey.json, out/items.csv and out/errors.jsonl; returns the survey.json dict."""
    if scale not in SCALES:
        raise SurveyError(f"评分量表只能是 5 分制或 10 分制，收到 {scale}。")
    for name, line in (("重要程度", importance_line), ("满意度", satisfaction_line)):
        if line is not None and not (math.isfinite(line) and 1 <= line <= scale):
            raise SurveyError(f"{name}分界线 {line:g} 不在 1～{scale} 分之间。")
    if not files:
        raise SurveyError("没有给出问卷文件。")
    survey = _Survey()
    for path in files:
        _read_file(Path(path), scale, survey)
    if not survey.answers:
        raise SurveyError(f"{'、'.join(str(p) for p in files)}：没有可用的评分（分数都是空的或有误）。")

    items, lines = _items(survey.answers, scale, importance_line, satisfaction_line)
    quadrant_of_item = {it["item"]: it["quadrant"] for it in items}
    result = {
        "scale": scale,
        "files": [str(p) for p in files],
        "respondents": len(survey.respondents),
        "importance_line": lines["importance"],
        "satisfaction_line": lines["satisfaction"],
        "lines_from": {
            "importance": "items_average" if importance_line is None else "given",
            "satisfaction": "items_average" if satisfaction_line is None else "given",
        },
        "items": items,
        "urgent": sorted((it for it in items if it["quadrant"] == URGENT), key=lambda it: -it["gap"]),
        "comments": _comments(survey.comments, quadrant_of_item, signals, mask_pii),
        "errors": survey.errors,
    }
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "survey.json", json.dumps(result, ensure_ascii=False, indent=2))
    write_atomic(out / "items.csv", "\ufeff" + _items_csv(items))
    write_atomic(out / "errors.jsonl", "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in survey.errors))
    write_atomic(out / "survey.html", render(result, masked=mask_pii))
    return result


# ---- reading the files ----------------------------------------------------------------------


def _read_file(path: Path, scale: int, survey: _Survey) -> None:
    rows = [(line, cells) for line, cells in _rows(path) if any(cells)]
    if not rows:
        raise SurveyError(f"{path}：文件是空的。")
    for at, (header_line, header) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        try:
            read_row = _long_reader(path, header, scale) or _wide_reader(path, header, scale)
        except _BadHeader as bad:
            raise SurveyError(f"{path}：第 {header_line} 行的表头{bad}") from None
        if read_row:
            break
    else:
        raise SurveyError(
            f"{path}：找不到所需的列。长表需要 受访者、项目、重要程度、满意度 四列；"
            f"宽表需要成对的「项目-重要程度」「项目-满意度」列。第 {rows[0][0]} 行是：{'，'.join(h for h in rows[0][1] if h)}"
        )
    data = rows[at + 1:]
    if not data:
        raise SurveyError(f"{path}：只有表头，没有数据。")
    for line, cells in data:
        cells = cells + [""] * (len(header) - len(cells))
        try:
            read_row(line, cells, survey)
        except _BadRow as bad:
            survey.errors.append({"file": str(path), "line": line, "reason": str(bad)})


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, stripped cells) of the file's first table; Excel's line is its row number."""
    if not path.is_file():
        raise SurveyError(f"{path}：找不到文件。")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    raise SurveyError(f"{path}：不支持的文件类型「{path.suffix}」，请存为 .csv 或 .xlsx。")


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SurveyError(f"{path}：无法识别文件编码，请存为 UTF-8 或 GB18030（Excel 的“CSV（逗号分隔）”）。")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, next_line = [], 1
    try:
        for cells in reader:
            rows.append((next_line, [c.strip() for c in cells]))
            next_line = reader.line_num + 1
    except csv.Error as exc:
        raise SurveyError(f"{path}：第 {next_line} 行无法按 CSV 读取（{exc}）。") from None
    return rows


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [(line, [_cell_text(v) for v in values]) for line, values in enumerate(sheet.iter_rows(values_only=True), 1)]
        finally:
            workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, OSError, ValueError) as exc:
        raise SurveyError(f"{path}：无法作为 Excel .xlsx 文件打开（{exc}）。") from None


def _cell_text(value) -> str:
    """An Excel cell as the text a CSV export would hold (5.0 -> "5")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().lower()


def _column(header: list[str], names: set[str]) -> int | None:
    return next((i for i, h in enumerate(header) if _key(h) in names), None)


def _long_reader(path: Path, header: list[str], scale: int):
    """The row reader for `respondent,item,importance,satisfaction[,comment]`, or None if not long form."""
    who, item_at, importance_at, satisfaction_at = (_column(header, names) for names in (RESPONDENT, ITEM, IMPORTANCE, SATISFACTION))
    if item_at is None or importance_at is None or satisfaction_at is None:
        return None
    if who is None:
        raise _BadHeader("缺少「受访者」列（长表每行是一位受访者对一个项目的评分）。")
    comment_at = _column(header, COMMENT)

    def read(line: int, cells: list[str], survey: _Survey) -> None:
        respondent, item = cells[who], cells[item_at]
        if not respondent:
            raise _BadRow("没有填写受访者")
        if not item:
            raise _BadRow("没有填写项目")
        importance, satisfaction = _scores([(header[importance_at], cells[importance_at]), (header[satisfaction_at], cells[satisfaction_at])], scale)
        comment = cells[comment_at] if comment_at is not None else ""
        key = (str(path), respondent)
        if importance is not None or satisfaction is not None:
            survey.answers.append(_Answer(key, item, importance, satisfaction))
        if comment:
            survey.comments.append((item, comment))
        if importance is not None or satisfaction is not None or comment:
            survey.respondents.add(key)

    return read


def _wide_reader(path: Path, header: list[str], scale: int):
    """The row reader for one respondent per row with `项目-重要程度` / `项目-满意度` columns, or None."""
    pairs: dict[str, dict[str, int]] = {}
    item_comments: list[tuple[str, int]] = []
    for i, name in enumerate(header):
        m = WIDE_COLUMN.match(name)
        if not m:
            continue
        item, kind = m.group(1).strip(), m.group(2)
        if kind in IMPORTANCE:
            pairs.setdefault(item, {})["importance"] = i
        elif kind in SATISFACTION:
            pairs.setdefault(item, {})["satisfaction"] = i
        else:
            item_comments.append((item, i))
    if not pairs:
        return None
    for item, columns in pairs.items():
        if len(columns) < 2:
            has, lacks = ("重要程度", "满意度") if "importance" in columns else ("满意度", "重要程度")
            raise _BadHeader(f"有「{item}-{has}」列，却没有对应的「{item}-{lacks}」列。")
    who = _column(header, RESPONDENT)
    general_comments = [i for i, h in enumerate(header) if _key(h) in COMMENT]

    def read(line: int, cells: list[str], survey: _Survey) -> None:
        key = (str(path), cells[who] if who is not None and cells[who] else f"第{line}行")
        scored, problems = [], []
        for item, columns in pairs.items():
            try:
                importance, satisfaction = _scores([(header[columns[k]], cells[columns[k]]) for k in ("importance", "satisfaction")], scale)
            except _BadRow as bad:
                problems.append(str(bad))
                continue
            if importance is not None or satisfaction is not None:
                scored.append(_Answer(key, item, importance, satisfaction))
        if problems:
            raise _BadRow("；".join(problems))
        comments = [(None, cells[i]) for i in general_comments if cells[i]] + [(item, cells[i]) for item, i in item_comments if cells[i]]
        survey.answers += scored
        survey.comments += comments
        if scored or comments:
            survey.respondents.add(key)

    return read


def _scores(cells: list[tuple[str, str]], scale: int) -> list[float | None]:
    """Each (column, text) as a score; blank is a skipped question (None); anything else not in 1..scale rejects the row."""
    scores, problems = [], []
    for column, text in cells:
        if not text:
            scores.append(None)
            continue
        number = unicodedata.normalize("NFKC", text)  # full-width digits as Excel users type them
        if not SCORE.fullmatch(number):
            problems.append(f"「{column}」的「{text}」不是数字")
        elif not 1 <= float(number) <= scale:
            problems.append(f"「{column}」的 {text} 分不在 1～{scale} 分之间")
        else:
            scores.append(float(number))
    if problems:
        raise _BadRow("；".join(problems))
    return scores


# ---- per item -------------------------------------------------------------------------------


def _items(answers: list[_Answer], scale: int, importance_line: float | None, satisfaction_line: float | None) -> tuple[list[dict], dict]:
    """Per item, in first-seen order: means, gap, 95% intervals, respondents and quadrant; and the
    two lines. Means stay exact fractions until written (2 decimals), so an item exactly on a line
    is on its higher side and the gap is that of the true means."""
    by_item: dict[str, list[_Answer]] = {}
    for a in answers:
        by_item.setdefault(a.item, []).append(a)
    scores = {
        item: ([a.importance for a in rows if a.importance is not None], [a.satisfaction for a in rows if a.satisfaction is not None])
        for item, rows in by_item.items()
    }
    means = {item: (_exact_mean(imp), _exact_mean(sat)) for item, (imp, sat) in scores.items()}
    lines = {
        "importance": _line(importance_line, [imp for imp, _ in means.values()]),
        "satisfaction": _line(satisfaction_line, [sat for _, sat in means.values()]),
    }
    items = []
    for item, (importance, satisfaction) in means.items():
        placed = importance is not None and satisfaction is not None
        items.append({
            "item": item,
            "importance": _written(importance),
            "satisfaction": _written(satisfaction),
            "gap": _written(importance - satisfaction) if placed else None,
            "respondents": len({a.respondent for a in by_item[item]}),
            "importance_ci": _interval(scores[item][0], scale),
            "satisfaction_ci": _interval(scores[item][1], scale),
            "quadrant": _quadrant(importance >= lines["importance"], satisfaction >= lines["satisfaction"]) if placed else None,
        })
    return items, {name: _written(line) for name, line in lines.items()}


def _exact_mean(values: list[float]) -> Fraction | None:
    return sum(map(Fraction, values), Fraction(0)) / len(values) if values else None


def _written(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _line(given: float | None, means: list[Fraction | None]) -> Fraction | None:
    """The given line, else the average of the item means (None when no item has that mean)."""
    if given is not None:
        return Fraction(given)
    return _exact_mean([m for m in means if m is not None])


def _quadrant(important: bool, satisfied: bool) -> str:
    if important:
        return KEEP if satisfied else URGENT
    return BONUS if satisfied else LOW


def _interval(values: list[float], scale: int) -> list[float] | None:
    """The 95% Student-t interval of the mean, clipped to 1..scale where no mean can be; one answer has none."""
    if len(values) < 2:
        return None
    centre = fmean(values)
    half = student_t.ppf(0.975, len(values) - 1) * stdev(values) / math.sqrt(len(values))
    return [round(max(1.0, centre - half), 2), round(min(float(scale), centre + half), 2)]


def _items_csv(items: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ITEM_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for it in items:
        ci_i, ci_s = it["importance_ci"] or ["", ""], it["satisfaction_ci"] or ["", ""]
        writer.writerow({
            "item": it["item"], "importance": _blank(it["importance"]), "satisfaction": _blank(it["satisfaction"]),
            "gap": _blank(it["gap"]), "respondents": it["respondents"],
            "importance_ci_low": ci_i[0], "importance_ci_high": ci_i[1],
            "satisfaction_ci_low": ci_s[0], "satisfaction_ci_high": ci_s[1], "quadrant": it["quadrant"] or "",
        })
    return buffer.getvalue()


def _blank(value):
    return "" if value is None else value


# ---- comments -------------------------------------------------------------------------------


def _comments(comments: list[tuple[str | None, str]], quadrant_of_item: dict[str, str | None], signals, mask_pii: bool) -> dict:
    """Comments counted by the quadrant of their item and, when `signals` reads them, by topic
    (the report's sections) and by the resident's psychology, with a few masked examples."""
    by_quadrant = Counter({q: 0 for q in (*QUADRANTS, UNSPECIFIED)})
    topics: dict[str, dict] = {}
    psychology: Counter = Counter()
    for item, text in comments:
        by_quadrant[quadrant_of_item.get(item) or UNSPECIFIED] += 1
        if signals is None:
            continue
        reading = signals.read(text)
        code, name = reading.topic
        topic = topics.setdefault(code, {"topic": code, "name": name, "count": 0, "examples": []})
        topic["count"] += 1
        shown = mask(text) if mask_pii else text
        if len(topic["examples"]) < EXAMPLES_PER_TOPIC and shown not in topic["examples"]:  # two different voices
            topic["examples"].append(shown)
        psychology.update({name for _, name, _ in reading.psychology})
    return {
        "total": len(comments),
        "by_topic": sorted(topics.values(), key=lambda t: -t["count"]),
        "by_quadrant": dict(by_quadrant),
        "by_psychology": dict(psychology.most_common()),
    }


# ---- the page -------------------------------------------------------------------------------


def render(result: dict, *, masked: bool) -> str:
    """survey.html: the chart and its reading, the items to improve, the residents' comments."""
    return page("顾客满意度评析", [_chart_sheet(result), _items_sheet(result), _comments_sheet(result, masked)])


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _interval_text(ci: list[float] | None) -> str:
    return "—" if ci is None else f"{ci[0]:.2f}～{ci[1]:.2f}"


def _chart_sheet(result: dict) -> str:
    items, scale = result["items"], result["scale"]
    placed = [it for it in items if it["quadrant"]]
    files = "、".join(Path(f).name for f in result["files"])
    how = {
        "importance": {"items_average": "各项目重要程度的平均值", "given": "给定值（公司顾客认可或社会认可的平均值）"},
        "satisfaction": {"items_average": "各项目满意度的平均值", "given": "给定值（公司目标或行业平均数值）"},
    }
    unplaced = len(items) - len(placed)
    notes = []
    if unplaced:
        notes.append(f"{unplaced} 个项目只有一种评分，未画入图中。")
    if result["errors"]:
        notes.append(f"另有 {len(result['errors'])} 行数据有误，未计入（见 errors.jsonl）。")
    readings = "".join(
        f'<p data-reading="{q}"><b style="color:{COLORS[q]}">{q}</b>：{READINGS[q]}'
        f'<span class="muted">本次：{escape("、".join(it["item"] for it in placed if it["quadrant"] == q) or "无")}。</span></p>'
        for q in QUADRANTS
    )
    return (
        "<h1>顾客满意度评析</h1>"
        f'<p class="subtitle">四分图分析 · {scale} 分制 · 数据：{escape(files)}</p>'
        "<h2>调查概况</h2>"
        f"<p>有效受访者 <b>{result['respondents']}</b> 位，调查项目 <b>{len(items)}</b> 个。</p>"
        f"<p>满意度分界线 <b>{_number(result['satisfaction_line'])}</b>：取{how['satisfaction'][result['lines_from']['satisfaction']]}；"
        f"重要程度分界线 <b>{_number(result['importance_line'])}</b>：取{how['importance'][result['lines_from']['importance']]}。"
        "恰好落在分界线上的项目算作较高一侧。</p>"
        + "".join(f'<p class="muted">{escape(n)}</p>' for n in notes)
        + f'<div class="figure">{quadrant_chart(placed, result["importance_line"], result["satisfaction_line"], scale)}</div>'
        + "<h3>四个区域的解读（培训教材）</h3>"
        + readings
    )


def _items_sheet(result: dict) -> str:
    urgent = result["urgent"]
    if urgent:
        ranked = (
            "<p>以下项目业主认为重要、但满意度低于分界线，按差距（重要程度 − 满意度）从大到小排列，差距越大越应优先改进。</p>"
            + table(
                ["排名", "项目", "重要程度", "满意度", "差距", "受访人数"],
                [[i, it["item"], _number(it["importance"]), _number(it["satisfaction"]), _number(it["gap"]), it["respondents"]]
                 for i, it in enumerate(urgent, 1)],
                numeric={0, 2, 3, 4, 5},
            )
            + f'<div class="figure">{bar_chart("urgent_gap", [(it["item"], it["gap"]) for it in urgent], color=COLORS[URGENT])}</div>'
        )
    else:
        ranked = '<p class="none">没有落在“急需改进”区域的项目。</p>'
    full = table(
        ["项目", "重要程度", "95% 置信区间", "满意度", "95% 置信区间", "差距", "受访人数", "区域"],
        [[it["item"], _number(it["importance"]), _interval_text(it["importance_ci"]), _number(it["satisfaction"]),
          _interval_text(it["satisfaction_ci"]), _number(it["gap"]), it["respondents"], it["quadrant"] or "—"] for it in result["items"]],
        numeric={1, 2, 3, 4, 5, 6},
    )
    return (
        "<h2>急需改进的项目</h2>" + ranked
        + "<h2>全部项目</h2>"
        + '<p class="muted">置信区间：按 t 分布估计的 95% 区间，区间越宽说明答题人数越少或意见越分散；只有一人作答的项目不给区间。</p>'
        + full
    )


def _comments_sheet(result: dict, masked: bool) -> str:
    comments = result["comments"]
    parts = ["<h2>业主意见</h2>"]
    if not comments["total"]:
        parts.append('<p class="none">问卷中没有填写意见。</p>')
        return "".join(parts)
    parts.append(f"<p>共收到意见 <b>{comments['total']}</b> 条。</p>")
    parts.append("<h3>按四分图区域</h3>")
    parts.append(table(["区域", "意见条数"], [[q, n] for q, n in comments["by_quadrant"].items()], numeric={1}))
    if not comments["by_topic"]:
        parts.append('<p class="muted">意见内容未经分析，只按区域计数。</p>')
        return "".join(parts)
    parts.append("<h3>按管理板块</h3>")
    parts.append(table(
        ["板块", "意见条数", "示例（已隐去电话、证件号和房号）" if masked else "示例"],
        [[t["name"], t["count"], "".join(f"「{text}」" for text in t["examples"])] for t in comments["by_topic"]],
        numeric={1},
    ))
    parts.append("<h3>业主心理</h3>")
    if comments["by_psychology"]:
        parts.append(table(["心理", "意见条数"], [[name, n] for name, n in comments["by_psychology"].items()], numeric={1}))
    else:
        parts.append('<p class="none">意见中没有读出明显的情绪或诉求心理。</p>')
    return "".join(parts)


# ---- the four-quadrant chart ----------------------------------------------------------------

WIDTH, HEIGHT = 760, 470
LEFT, RIGHT, TOP, BOTTOM = 56, 104, 40, 64  # room for ticks, the lines' values and the axis names
LABEL_OFFSETS = ((8, 4, "start"), (-8, 4, "end"), (0, -10, "middle"), (0, 18, "middle"))  # from the dot to the name's baseline


def quadrant_chart(items: list[dict], importance_line: float, satisfaction_line: float, scale: int) -> str:
    """The deck's 四分图 as inline SVG: importance across, satisfaction up, the two lines crossing,
    the quadrant names in their corners and one labelled dot per item (<g data-item data-quadrant>).
    The axes span the data and lines (within 1..scale) so close items stay apart."""
    if not items:
        return '<p class="muted" data-chart="quadrant">没有可画的项目</p>'
    step = 0.5 if scale == 5 else 1.0
    x_lo, x_hi = _axis_span([it["importance"] for it in items] + [importance_line], step, scale)
    y_lo, y_hi = _axis_span([it["satisfaction"] for it in items] + [satisfaction_line], step, scale)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(v: float) -> float:
        return LEFT + plot_w * (v - x_lo) / (x_hi - x_lo)

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - (v - y_lo) / (y_hi - y_lo))

    lx, ly = x_of(importance_line), y_of(satisfaction_line)
    right, bottom = LEFT + plot_w, TOP + plot_h
    parts = [
        f'<rect x="{lx:.1f}" y="{TOP}" width="{right - lx:.1f}" height="{ly - TOP:.1f}" fill="{TINTS[KEEP]}"/>',
        f'<rect x="{lx:.1f}" y="{ly:.1f}" width="{right - lx:.1f}" height="{bottom - ly:.1f}" fill="{TINTS[URGENT]}"/>',
        f'<rect x="{LEFT}" y="{TOP}" width="{lx - LEFT:.1f}" height="{ly - TOP:.1f}" fill="{TINTS[BONUS]}"/>',
        f'<rect x="{LEFT}" y="{ly:.1f}" width="{lx - LEFT:.1f}" height="{bottom - ly:.1f}" fill="{TINTS[LOW]}"/>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#c9cdd4"/>',
    ]
    for v in _ticks(x_lo, x_hi, step):
        parts.append(f'<text x="{x_of(v):.1f}" y="{bottom + 16}" text-anchor="middle" fill="#646a73">{v:g}</text>')
    for v in _ticks(y_lo, y_hi, step):
        parts.append(f'<text x="{LEFT - 6}" y="{y_of(v) + 4:.1f}" text-anchor="end" fill="#646a73">{v:g}</text>')
    parts += [
        f'<line data-line="importance" x1="{lx:.1f}" y1="{TOP}" x2="{lx:.1f}" y2="{bottom}" stroke="#1f2329" stroke-width="1.5" stroke-dasharray="6 4"/>',
        f'<line data-line="satisfaction" x1="{LEFT}" y1="{ly:.1f}" x2="{right}" y2="{ly:.1f}" stroke="#1f2329" stroke-width="1.5" stroke-dasharray="6 4"/>',
        f'<text x="{lx:.1f}" y="{bottom + 34}" text-anchor="middle" font-weight="600">重要程度分界线 {importance_line:.2f}</text>',
        f'<text x="{right + 6}" y="{ly - 4:.1f}" font-weight="600">满意度分界线</text>',
        f'<text x="{right + 6}" y="{ly + 12:.1f}" font-weight="600">{satisfaction_line:.2f}</text>',
        f'<text x="{right}" y="{bottom + 54}" text-anchor="end" style="font-size:14px;font-weight:600">重要程度 →</text>',
        f'<text x="{LEFT}" y="{TOP - 14}" style="font-size:14px;font-weight:600">↑ 满意度</text>',
    ]
    corners = ((KEEP, right - 8, TOP + 20, "end"), (URGENT, right - 8, bottom - 10, "end"),
               (BONUS, LEFT + 8, TOP + 20, "start"), (LOW, LEFT + 8, bottom - 10, "start"))
    taken = [(lx - 1, TOP, lx + 1, bottom), (LEFT, ly - 1, right, ly + 1)]  # names keep off the lines, corner names and dots
    for name, x, y, anchor in corners:
        parts.append(f'<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{COLORS[name]}" style="font-size:15px;font-weight:700">{name}</text>')
        width = 15 * len(name)
        taken.append((x - width if anchor == "end" else x, y - 15, x if anchor == "end" else x + width, y + 3))
    for it in items:
        cx, cy = x_of(it["importance"]), y_of(it["satisfaction"])
        taken.append((cx - 5, cy - 5, cx + 5, cy + 5))
    for it in items:
        cx, cy = x_of(it["importance"]), y_of(it["satisfaction"])
        tx, ty, anchor = _label_place(it["item"], cx, cy, taken, (LEFT, TOP, right, bottom))
        parts.append(
            f'<g data-item="{escape(it["item"])}" data-quadrant="{it["quadrant"]}" '
            f'data-importance="{it["importance"]}" data-satisfaction="{it["satisfaction"]}">'
            f'<title>{escape(it["item"])}：重要程度 {it["importance"]:.2f}，满意度 {it["satisfaction"]:.2f}（{it["quadrant"]}）</title>'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{COLORS[it["quadrant"]]}" stroke="#fff" stroke-width="1.5"/>'
            f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{escape(it["item"])}</text></g>'
        )
    return (
        f'<svg data-chart="quadrant" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="四分图：横轴重要程度，纵轴满意度">{"".join(parts)}</svg>'
    )


def _axis_span(values: list[float], step: float, scale: int) -> tuple[float, float]:
    """Whole steps around the values with a little room, within 1..scale, at least two steps wide."""
    lo = max(1.0, math.floor((min(values) - step / 2) / step) * step)
    hi = min(float(scale), math.ceil((max(values) + step / 2) / step) * step)
    while hi - lo < 2 * step:
        lo, hi = max(1.0, lo - step), min(float(scale), hi + step)
    return lo, hi


def _ticks(lo: float, hi: float, step: float) -> list[float]:
    return [lo + i * step for i in range(round((hi - lo) / step) + 1)]


def _text_width(text: str) -> float:
    """Rough width at 12px: CJK characters are square, others about half."""
    return sum(12 if unicodedata.east_asian_width(c) in "WF" else 7 for c in text)


def _label_place(text: str, cx: float, cy: float, taken: list, bounds: tuple) -> tuple[float, float, str]:
    """Where a dot's name goes: right, left, above or below the dot, then nudged further up or
    down, the first place inside the plot clear of the other names, dots and corner names (else
    right of the dot)."""
    w, (left, top, right, bottom) = _text_width(text), bounds
    for nudge in (0, -14, 14, -28, 28):
        for dx, dy, anchor in LABEL_OFFSETS:
            x, y = cx + dx, cy + dy + nudge
            x0 = {"start": x, "end": x - w, "middle": x - w / 2}[anchor]
            box = (x0, y - 11, x0 + w, y + 3)
            inside = left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom
            if inside and not any(_overlaps(box, other) for other in taken):
                taken.append(box)
                return x, y, anchor
    return cx + 8, cy + 4, "start"


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
