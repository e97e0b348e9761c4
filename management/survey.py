"""顾客满意度评析 (deck section 十二): residents' satisfaction survey read per item and drawn as
the deck's four-quadrant chart (四分图), x = importance (重要程度), y = satisfaction (满意度).

Input is CSV (UTF-8 or GB18030, as Excel exports it in China) or .xlsx, in long form (one row per
respondent and item) or wide form (one row per respondent, `项目-重要程度` / `项目-满意度` column
pairs). A bad score, a missing respondent or item, or a respondent answering twice rejects its row
into errors (each naming file, line and column) and the rest is still counted; a file that cannot be
surveyed at all is a SurveyError.

Public interface:
- `analyse(sources)`: the survey.json dict of uploaded files given as (file name, content);
- `analyse_rows(rows)`: the same for long-form rows given as dicts (the JSON API);
- `chart(result)`: the four-quadrant chart SVG of a result; `render(result)`: the whole page;
- `run(files, out)`: reads the files and writes in `out` survey.html (A4, one printed page per
  part), survey.json (what `huashu report` reads), items.csv (UTF-8 with BOM so Excel opens it)
  and errors.jsonl.

The module reads top to bottom: the entry points, reading, statistics, comments, chart, page.
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
from pathlib import Path, PurePath
from statistics import fmean, stdev

from scipy.stats import t as student_t

from audit.charts import bar_chart
from audit.files import write_atomic
from audit.pii import mask
from management.page import page, table
from management.reading import decoded

KEEP, URGENT, BONUS, LOW = "继续保持", "急需改进", "锦上添花", "不合优先"
UNSPECIFIED = "未指明"  # a comment not about any one item
QUADRANTS = (KEEP, URGENT, BONUS, LOW)

# the deck's reading of each quadrant (物业管理公共关系与客户服务培训教材, 四分图分析法); the deck's
# "先从这部分做起" under 锦上添花 means resources may be taken from there first, which readers took
# the other way, so it is spelled out
READINGS = {
    KEEP: "对业主来说是重要的，属于关键性因素，而目前满意度评价也较高，应“继续保持”。",
    URGENT: "对业主来说是很重要的，但当前满意度评价较低，属“急需改进”的内容。",
    BONUS: "满意度评价较高，但对业主来说不很重要，属于次要优势（也称锦上添花因素）；考虑资源的有效分配时，应先从这部分做起。"
           "意思是：需要调配人力物力时，可以先从这部分项目中抽出资源，转用到“急需改进”的项目上，而不是先去提升这些项目。",
    LOW: "对业主来说不是最重要的，满意度评价也较低，不是现在最急需解决的，即“不合优先”。",
}
COLORS = {KEEP: "#2e7d32", URGENT: "#d83931", BONUS: "#1456f0", LOW: "#646a73"}
TINTS = {KEEP: "#edf7ee", URGENT: "#fdeeed", BONUS: "#edf2fe", LOW: "#f4f5f6"}

SCALES = (5, 10)
MAX_ROWS = 200_000  # rows per file: 10,000 respondents answering 20 items, in the long form
MAX_UNPACKED_BYTES = 64 * 2**20  # an .xlsx unpacking to more is no survey (a zip bomb)
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
# the keys of one row given to analyse_rows, in the order of a long-form header
ROW_FIELDS = ["respondent", "item", "importance", "satisfaction", "comment"]
# a wide-form column: item, separator (ASCII, full-width or dash), what the column holds
SCORE = re.compile(r"[+-]?\d+(?:\.\d+)?")
WIDE_COLUMN = re.compile(r"^(.+?)\s*[-_—–―:：－＿]+\s*(重要程度|重要性|满意度|满意程度|意见|建议|备注|评论)$")


class SurveyError(ValueError):
    """Input that can't be surveyed at all; the message names the file as given (and line where there is one), in Chinese."""


# ---- the entry points -----------------------------------------------------------------------


def run(files: list[Path], out: Path, *, scale: int = 5, importance_line: float | None = None,
        satisfaction_line: float | None = None, signals=None, mask_pii: bool = True) -> dict:
    """Reads the files, writes out/survey.html, out/survey.json, out/items.csv and out/errors.jsonl; returns the survey.json dict."""
    _check_options(scale, importance_line, satisfaction_line)
    if not files:
        raise SurveyError("没有给出问卷文件。")
    sources = []
    for path in map(Path, files):
        if not path.is_file():
            raise SurveyError(f"{path}：找不到文件。")
        try:
            sources.append((str(path), path.read_bytes()))
        except OSError as exc:
            raise SurveyError(f"{path}：无法读取（{exc.strerror or exc}）。") from None
    result = analyse(sources, scale=scale, importance_line=importance_line, satisfaction_line=satisfaction_line,
                     signals=signals, mask_pii=mask_pii)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "survey.json", json.dumps(result, ensure_ascii=False, indent=2))
    write_atomic(out / "items.csv", "\ufeff" + _items_csv(result["items"]))
    write_atomic(out / "errors.jsonl", "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in result["errors"]))
    write_atomic(out / "survey.html", render(result, masked=mask_pii))
    return result


def analyse(sources: list[tuple[str, bytes]], *, scale: int = 5, importance_line: float | None = None,
            satisfaction_line: float | None = None, signals=None, mask_pii: bool = True) -> dict:
    """The survey.json dict for uploaded files: each source is (file name, content); the suffix
    (.csv/.xlsx) says the format. Raises SurveyError."""
    _check_options(scale, importance_line, satisfaction_line)
    if not sources:
        raise SurveyError("没有给出问卷文件。")
    survey = _Survey()
    for index, (name, content) in enumerate(sources):
        _read_table(_Source(index, str(name)), _table_rows(str(name), bytes(content)), scale, survey)
    names = [str(name) for name, _ in sources]
    if not survey.answers:
        raise SurveyError(f"{'、'.join(names)}：没有可用的评分（分数都是空的或有误）。" + _first_reasons(survey))
    return _result(survey, names, scale, importance_line, satisfaction_line, signals, mask_pii)


def analyse_rows(rows: list[dict], *, scale: int = 5, importance_line: float | None = None,
                 satisfaction_line: float | None = None, signals=None, mask_pii: bool = True) -> dict:
    """The same for long-form rows given as dicts {"respondent", "item", "importance",
    "satisfaction", "comment"?} (the JSON API); a bad row goes to errors with its index as the
    line (and "file" None), its reason naming it rows[index]. Raises SurveyError."""
    _check_options(scale, importance_line, satisfaction_line)
    if not isinstance(rows, list) or not rows:
        raise SurveyError("rows：没有数据（需要一个非空的列表，每项含 respondent、item、importance、satisfaction）。")
    source, survey = _Source(0, None), _Survey()
    read_row = _long_reader(source, ROW_FIELDS, scale)
    for index, row in enumerate(rows):
        try:
            if not isinstance(row, dict):
                raise _BadRow([("不是一个对象（应是 {\"respondent\", \"item\", \"importance\", \"satisfaction\"}）", None)])
            read_row(index, [_given_cell(row.get(key)) for key in ROW_FIELDS], survey)
        except _BadRow as bad:
            survey.errors.append(source.error(index, bad))
    if not survey.answers:
        raise SurveyError("rows：没有可用的评分（分数都是空的或有误）。" + _first_reasons(survey))
    return _result(survey, [], scale, importance_line, satisfaction_line, signals, mask_pii)


def _first_reasons(survey: "_Survey", n: int = 3) -> str:
    """The first rows' reasons, for a survey none of whose rows could be used."""
    if not survey.errors:
        return ""
    more = f"等 {len(survey.errors)} 行" if len(survey.errors) > n else ""
    return "例如：" + "；".join(e["reason"] for e in survey.errors[:n]) + more + "。"


def chart(result: dict) -> str:
    """The quadrant chart SVG of an analyse() result (what the web page shows)."""
    placed = [it for it in result["items"] if it["quadrant"]]
    return quadrant_chart(placed, result["importance_line"], result["satisfaction_line"], result["scale"])


def summary(data: dict | None) -> dict | None:
    """What the management report says of a survey (its survey.json): how many answered, items
    per quadrant, what needs work."""
    if data is None:
        return None
    items = data["items"]
    rated = [i["satisfaction"] for i in items if i["satisfaction"] is not None]  # an item may lack one kind of score
    urgent = data["urgent"]  # survey.json holds them already, most urgent first
    return {
        "respondents": data.get("respondents"),
        "items": len(items),
        "importance_line": data.get("importance_line"),
        "satisfaction_line": data.get("satisfaction_line"),
        "quadrants": {q: [i["item"] for i in items if i["quadrant"] == q] for q in QUADRANTS},
        "urgent": [{"item": i["item"], "importance": i["importance"], "satisfaction": i["satisfaction"]} for i in urgent],
        "average_satisfaction": round(sum(rated) / len(rated), 2) if rated else None,
    }


def _check_options(scale: int, importance_line: float | None, satisfaction_line: float | None) -> None:
    if scale not in SCALES:
        raise SurveyError(f"评分量表只能是 5 分制或 10 分制，收到 {scale}。")
    for name, line in (("重要程度", importance_line), ("满意度", satisfaction_line)):
        if line is not None and not (math.isfinite(line) and 1 <= line <= scale):
            raise SurveyError(f"{name}分界线 {line:g} 不在 1～{scale} 分之间。")


def _result(survey: _Survey, files: list[str], scale: int, importance_line: float | None, satisfaction_line: float | None,
            signals, mask_pii: bool) -> dict:
    """The survey.json dict of everything read."""
    items, lines = _items(survey.answers, scale, importance_line, satisfaction_line)
    quadrant_of_item = {it["item"]: it["quadrant"] for it in items}
    return {
        "scale": scale,
        "files": files,
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


# ---- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """Where rows come from: a file by the name it was given, or (name None) the API's list of rows."""

    index: int  # respondent ids restart in every source
    name: str | None

    def at(self, line: int) -> str:
        """The line as a sentence names it: 第 3 行, or rows[3] set off by spaces."""
        return f"第 {line} 行" if self.name is not None else f" rows[{line}] "

    def error(self, line: int, bad: _BadRow) -> dict:
        """The errors.jsonl record of a rejected row; its reason names file, line and column."""
        where = f"{self.name}：{self.at(line)}" if self.name is not None else self.at(line).strip()
        return {"file": self.name, "line": line, "columns": bad.columns, "reason": f"{where}：{bad}"}


class _BadRow(Exception):
    """A row rejected into errors: each problem is (what is wrong, the column at fault or None)."""

    def __init__(self, problems: list[tuple[str, str | None]]):
        super().__init__("；".join(text for text, _ in problems))
        self.problems = problems

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(column for _, column in self.problems if column))


class _BadHeader(Exception):
    """A header that is one of the two forms but lacks a column; the message says which."""


@dataclass
class _Answer:
    respondent: tuple[int, str]  # (source, respondent id)
    item: str
    importance: float | None
    satisfaction: float | None


@dataclass
class _Survey:
    """Everything read, before any averaging."""

    answers: list[_Answer] = field(default_factory=list)
    comments: list[tuple[str | None, str]] = field(default_factory=list)  # (item or None, text)
    respondents: set[tuple[int, str]] = field(default_factory=set)
    errors: list[dict] = field(default_factory=list)


def _read_table(source: _Source, rows: list[tuple[int, list[str]]], scale: int, survey: _Survey) -> None:
    """Finds the header among the first rows, then reads each row after it into `survey`."""
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise SurveyError(f"{source.name}：文件是空的。")
    for at, (header_line, header) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        try:
            read_row = _long_reader(source, header, scale) or _wide_reader(source, header, scale)
        except _BadHeader as bad:
            raise SurveyError(f"{source.name}：第 {header_line} 行的表头{bad}") from None
        if read_row:
            break
    else:
        raise SurveyError(
            f"{source.name}：找不到所需的列。长表需要 受访者、项目、重要程度、满意度 四列；"
            f"宽表需要成对的「项目-重要程度」「项目-满意度」列。第 {rows[0][0]} 行是：{'，'.join(h for h in rows[0][1] if h)}"
        )
    data = rows[at + 1:]
    if not data:
        raise SurveyError(f"{source.name}：只有表头，没有数据。")
    for line, cells in data:
        cells = cells + [""] * (len(header) - len(cells))
        try:
            read_row(line, cells, survey)
        except _BadRow as bad:
            survey.errors.append(source.error(line, bad))


def _table_rows(name: str, content: bytes) -> list[tuple[int, list[str]]]:
    """(line number, stripped cells) of the file's first table; Excel's line is its row number."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".csv":
        return _csv_rows(name, content)
    if suffix == ".xlsx":
        return _xlsx_rows(name, content)
    raise SurveyError(f"{name}：不支持的文件类型「{PurePath(name).suffix or '没有扩展名'}」，请存为 .csv 或 .xlsx。")


def _csv_rows(name: str, content: bytes) -> list[tuple[int, list[str]]]:
    text = decoded(content)
    if text is None:
        raise SurveyError(f"{name}：无法识别文件编码，请存为 UTF-8 或 GB18030（Excel 的“CSV（逗号分隔）”）。")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, next_line = [], 1
    try:
        for cells in reader:
            if len(rows) == MAX_ROWS:
                raise SurveyError(f"{name}：超过 {MAX_ROWS:,} 行，请分成几个文件。")
            rows.append((next_line, [c.strip() for c in cells]))
            next_line = reader.line_num + 1
    except csv.Error:
        raise SurveyError(f"{name}：第 {next_line} 行无法按 CSV 读取（引号不成对或含有空字符）。") from None
    return rows


def _xlsx_rows(name: str, content: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet's rows. An .xlsx is a zip: one that unpacks to far more than a survey
    could hold (a zip bomb), or has more rows than MAX_ROWS, is refused before it is read."""
    from openpyxl import load_workbook

    cannot_open = SurveyError(f"{name}：无法作为 Excel .xlsx 文件打开，请在 Excel 中另存为 .xlsx 或 .csv 后再试。")
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(content)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise cannot_open from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SurveyError(f"{name}：解压后超过 {MAX_UNPACKED_BYTES // 2**20} MB，不像一份问卷，未读取。")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            rows = []
            for line, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
                if line > MAX_ROWS:
                    raise SurveyError(f"{name}：超过 {MAX_ROWS:,} 行，请分成几个文件。")
                rows.append((line, [_cell_text(v) for v in values]))
            return rows
        finally:
            workbook.close()
    except SurveyError:
        raise
    except Exception:  # noqa: BLE001 - a damaged workbook fails in zipfile, XML or openpyxl alike
        raise cannot_open from None


def _cell_text(value) -> str:
    """An Excel cell as the text a CSV export would hold (5.0 -> "5")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _given_cell(value) -> str:
    """A JSON value of analyse_rows as the text a CSV cell would hold (4 -> "4", null -> "")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return json.dumps(value, ensure_ascii=False)  # true, [..], {..}: shown as given, and no score
    return _cell_text(value)


def _key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().lower()


def _column(header: list[str], names: set[str]) -> int | None:
    return next((i for i, h in enumerate(header) if _key(h) in names), None)


def _long_reader(source: _Source, header: list[str], scale: int):
    """The row reader for `respondent,item,importance,satisfaction[,comment]`, or None if not long
    form. The same respondent answering the same item again rejects the later row."""
    who, item_at, importance_at, satisfaction_at = (_column(header, names) for names in (RESPONDENT, ITEM, IMPORTANCE, SATISFACTION))
    if item_at is None or importance_at is None or satisfaction_at is None:
        return None
    if who is None:
        raise _BadHeader("缺少「受访者」列（长表每行是一位受访者对一个项目的评分）。")
    comment_at = _column(header, COMMENT)
    answered: dict[tuple[str, str], int] = {}  # (respondent, item) -> the line it was answered on

    def read(line: int, cells: list[str], survey: _Survey) -> None:
        respondent, item = cells[who], cells[item_at]
        if not respondent:
            raise _BadRow([(f"「{header[who]}」列没有填写受访者", header[who])])
        if not item:
            raise _BadRow([(f"「{header[item_at]}」列没有填写项目", header[item_at])])
        problems = []
        earlier = answered.get((respondent, item))
        if earlier is not None:
            problems.append((f"「{header[who]}」列的受访者「{respondent}」已在{source.at(earlier)}回答过「{item}」，这一行重复", header[who]))
        try:
            importance, satisfaction = _scores(
                [(header[importance_at], cells[importance_at]), (header[satisfaction_at], cells[satisfaction_at])], scale)
        except _BadRow as bad:
            problems += bad.problems
        if problems:
            raise _BadRow(problems)
        answered[(respondent, item)] = line
        comment = cells[comment_at] if comment_at is not None else ""
        key = (source.index, respondent)
        if importance is not None or satisfaction is not None:
            survey.answers.append(_Answer(key, item, importance, satisfaction))
        if comment:
            survey.comments.append((item, comment))
        if importance is not None or satisfaction is not None or comment:
            survey.respondents.add(key)

    return read


def _wide_reader(source: _Source, header: list[str], scale: int):
    """The row reader for one respondent per row with `项目-重要程度` / `项目-满意度` columns, or None.
    A respondent id seen on an earlier row rejects the later row; a row without an id is its own respondent."""
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
    seen: dict[str, int] = {}  # respondent id -> its line

    def read(line: int, cells: list[str], survey: _Survey) -> None:
        respondent = cells[who] if who is not None else ""
        scored, problems = [], []
        if respondent and respondent in seen:
            problems.append((f"「{header[who]}」列的受访者「{respondent}」已在{source.at(seen[respondent])}出现，这一行重复", header[who]))
        key = (source.index, respondent or f"第{line}行")
        for item, columns in pairs.items():
            try:
                importance, satisfaction = _scores([(header[columns[k]], cells[columns[k]]) for k in ("importance", "satisfaction")], scale)
            except _BadRow as bad:
                problems += bad.problems
                continue
            if importance is not None or satisfaction is not None:
                scored.append(_Answer(key, item, importance, satisfaction))
        if problems:
            raise _BadRow(problems)
        if respondent:
            seen[respondent] = line
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
            problems.append((f"「{column}」的「{text}」不是数字", column))
        elif not 1 <= float(number) <= scale:
            problems.append((f"「{column}」的 {text} 分不在 1～{scale} 分之间", column))
        else:
            scores.append(float(number))
    if problems:
        raise _BadRow(problems)
    return scores


# ---- statistics -----------------------------------------------------------------------------


def _items(answers: list[_Answer], scale: int, importance_line: float | None, satisfaction_line: float | None) -> tuple[list[dict], dict]:
    """Per item, in first-seen order: means, gap, 95% intervals, respondents and quadrant; and the
    two lines. Means stay exact fractions until written (2 decimals), so an item exactly on a line
    is on its higher side; the gap is the written importance minus the written satisfaction, so
    the reader's own subtraction agrees with it."""
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
        shown_importance, shown_satisfaction = _written(importance), _written(satisfaction)
        items.append({
            "item": item,
            "importance": shown_importance,
            "satisfaction": shown_satisfaction,
            "gap": round(shown_importance - shown_satisfaction, 2) if placed else None,
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
    return [round(max(1.0, float(centre - half)), 2), round(min(float(scale), float(centre + half)), 2)]


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


# ---- the four-quadrant chart ----------------------------------------------------------------

WIDTH, HEIGHT = 760, 470
LEFT, RIGHT, TOP, BOTTOM = 56, 104, 40, 64  # room for ticks, the lines' values and the axis names
INSET = 18  # the axes' ends sit this far inside the plot border, so a dot at 1 or full marks stays inside
DOT = 5  # dot radius
DOT_ROOM = 7  # half the square a dot keeps clear: radius, white ring and a pixel
NUDGE = 10  # how far apart dots with identical means are set
LABEL_H, LABEL_BASELINE = 16, 12  # a 12px name's box and its baseline below the box's top
GAP = 2  # clear space between a name and the border or another name
CORNER_SIZE, CORNER_H, CORNER_BASELINE = 15, 20, 15  # the quadrant names
STRUCK = 60  # a name struck through by the satisfaction line (half that for the importance line)
ACROSS = 40  # a name reaching into another quadrant than its dot's reads as that quadrant's
CROSSING = 60  # a leader line through a name or a dot, or a name on a leader, is avoided
COLLISION = 10_000  # a name on another name or on a dot is only a last resort
AMBIGUOUS = 6  # a name beside its dot but as near another dot
LABEL_SWEEPS = 3  # rounds of moving each name to its best place given all the others
SWAP_WORTH, SWAP_TRIES = 10, 120  # a name costing this much tries this many better places held by one other name
SLIDES = 6  # places beside a dot on each side, from centred on it to just clear of it
LEADER_RADII = (18, 26, 36, 48, 62, 78, 96, 118, 142, 170, 200, 240)  # from the dot to a name set away from it
LEADER_DIRECTIONS = 24


@dataclass
class _Dot:
    """An item's dot where it is drawn."""

    item: dict
    x: float
    y: float
    twins: list[str] = field(default_factory=list)  # other items with exactly the same means


def quadrant_chart(items: list[dict], importance_line: float, satisfaction_line: float, scale: int) -> str:
    """The deck's 四分图 as inline SVG: importance across, satisfaction up, the two lines crossing,
    the quadrant names in their corners and one labelled dot per item (<g data-item data-quadrant>).
    The axes span the data and lines (within 1..scale) so close items stay apart. Dots with exactly
    the same means are set a few pixels apart (their titles say so); every name is kept inside the
    plot, clear of the other names, every dot and the quadrant names, with a leader line to its
    dot when it has to sit away from it."""
    if not items:
        return '<p class="muted" data-chart="quadrant">没有可画的项目</p>'
    step = 0.5 if scale == 5 else 1.0
    x_lo, x_hi = _axis_span([it["importance"] for it in items] + [importance_line], step, scale)
    y_lo, y_hi = _axis_span([it["satisfaction"] for it in items] + [satisfaction_line], step, scale)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    right, bottom = LEFT + plot_w, TOP + plot_h
    plot = (LEFT, TOP, right, bottom)

    def x_of(v: float) -> float:
        return LEFT + INSET + (plot_w - 2 * INSET) * (v - x_lo) / (x_hi - x_lo)

    def y_of(v: float) -> float:
        return TOP + INSET + (plot_h - 2 * INSET) * (1 - (v - y_lo) / (y_hi - y_lo))

    lx, ly = x_of(importance_line), y_of(satisfaction_line)
    parts = [
        f'<rect x="{lx:.1f}" y="{TOP}" width="{right - lx:.1f}" height="{ly - TOP:.1f}" fill="{TINTS[KEEP]}"/>',
        f'<rect x="{lx:.1f}" y="{ly:.1f}" width="{right - lx:.1f}" height="{bottom - ly:.1f}" fill="{TINTS[URGENT]}"/>',
        f'<rect x="{LEFT}" y="{TOP}" width="{lx - LEFT:.1f}" height="{ly - TOP:.1f}" fill="{TINTS[BONUS]}"/>',
        f'<rect x="{LEFT}" y="{ly:.1f}" width="{lx - LEFT:.1f}" height="{bottom - ly:.1f}" fill="{TINTS[LOW]}"/>',
        f'<rect data-plot="" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#c9cdd4"/>',
    ]
    for v in _ticks(x_lo, x_hi, step):
        parts.append(f'<text x="{x_of(v):.1f}" y="{bottom + 16}" text-anchor="middle" fill="#646a73">{v:g}</text>')
    for v in _ticks(y_lo, y_hi, step):
        parts.append(f'<text x="{LEFT - 6}" y="{y_of(v) + 4:.1f}" text-anchor="end" fill="#646a73">{v:g}</text>')
    parts += [
        f'<line data-line="importance" x1="{lx:.1f}" y1="{TOP}" x2="{lx:.1f}" y2="{bottom}" stroke="#1f2329" stroke-width="1.5" stroke-dasharray="6 4"/>',
        f'<line data-line="satisfaction" x1="{LEFT}" y1="{ly:.1f}" x2="{right}" y2="{ly:.1f}" stroke="#1f2329" stroke-width="1.5" stroke-dasharray="6 4"/>',
        f'<text data-line-label="importance" x="{lx:.1f}" y="{bottom + 34}" text-anchor="middle" font-weight="600">重要程度分界线 {importance_line:.2f}</text>',
        f'<text data-line-label="satisfaction" x="{right + 6}" y="{ly - 4:.1f}" font-weight="600">满意度分界线</text>',
        f'<text data-line-label="satisfaction" x="{right + 6}" y="{ly + 12:.1f}" font-weight="600">{satisfaction_line:.2f}</text>',
        f'<text x="{right}" y="{bottom + 54}" text-anchor="end" style="font-size:14px;font-weight:600">重要程度 →</text>',
        f'<text x="{LEFT}" y="{TOP - 14}" style="font-size:14px;font-weight:600">↑ 满意度</text>',
    ]
    dots = _dots(items, x_of, y_of, lx, ly, plot)
    corners = _quadrant_names(dots, lx, ly, plot)
    for name, (x0, y0, _, _) in corners.items():
        parts.append(f'<text data-quadrant-name="{name}" x="{x0 + 1:.1f}" y="{y0 + CORNER_BASELINE:.1f}" fill="{COLORS[name]}" '
                     f'style="font-size:{CORNER_SIZE}px;font-weight:700">{name}</text>')
    labels = _Layout(dots, list(corners.values()), lx, ly, plot).place()
    for dot, (box, leader) in zip(dots, labels, strict=True):
        it = dot.item
        twins = f"；与「{'」「'.join(dot.twins)}」的两项均值完全相同，圆点略微错开以免重叠" if dot.twins else ""
        nudged = ' data-nudged=""' if dot.twins else ""
        line = (f'<line data-leader="" x1="{leader[0]:.1f}" y1="{leader[1]:.1f}" x2="{leader[2]:.1f}" y2="{leader[3]:.1f}" '
                f'stroke="#8f959e" stroke-width="0.8"/>') if leader else ""
        parts.append(
            f'<g data-item="{escape(it["item"])}" data-quadrant="{it["quadrant"]}" '
            f'data-importance="{it["importance"]}" data-satisfaction="{it["satisfaction"]}"{nudged}>'
            f'<title>{escape(it["item"])}：重要程度 {it["importance"]:.2f}，满意度 {it["satisfaction"]:.2f}（{it["quadrant"]}）{escape(twins)}</title>'
            f'{line}<circle cx="{dot.x:.1f}" cy="{dot.y:.1f}" r="{DOT}" fill="{COLORS[it["quadrant"]]}" stroke="#fff" stroke-width="1.5"/>'
            f'<text data-label="" x="{box[0] + 1:.1f}" y="{box[1] + LABEL_BASELINE:.1f}">{escape(it["item"])}</text></g>'
        )
    set_apart = sum(1 for d in dots if d.twins)
    if set_apart:
        parts.append(f'<text data-note="nudged" x="{LEFT}" y="{bottom + 54}" fill="#646a73">'
                     f'注：{set_apart} 个项目的两项均值与别的项目完全相同，圆点已略微错开，以免重叠。</text>')
    return (
        f'<svg data-chart="quadrant" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-size="12" role="img" aria-label="四分图：横轴重要程度，纵轴满意度">{"".join(parts)}</svg>'
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


def _dots(items: list[dict], x_of, y_of, lx: float, ly: float, plot: tuple) -> list[_Dot]:
    """Each item's dot, on its quadrant's side of both lines (a mean that rounds onto a line it is
    below is set just off it). A dot whose means equal an earlier one's moves to the nearest spot a
    few pixels away that is still on its side, inside the plot and clear of the other dots."""
    dots = []
    for it in items:
        right, up = it["quadrant"] in (KEEP, URGENT), it["quadrant"] in (KEEP, BONUS)
        x, y = x_of(it["importance"]), y_of(it["satisfaction"])
        dots.append(_Dot(it, max(x, lx) if right else min(x, lx - 2), min(y, ly) if up else max(y, ly + 2)))
    same: dict[tuple[float, float], list[_Dot]] = {}
    for dot in dots:
        group = same.setdefault((dot.item["importance"], dot.item["satisfaction"]), [])
        if group:
            dot.x, dot.y = _nudged(dot, group, dots, lx, ly, plot)
        for other in group:
            other.twins.append(dot.item["item"])
            dot.twins.append(other.item["item"])
        group.append(dot)
    return dots


def _nudged(dot: _Dot, group: list[_Dot], dots: list[_Dot], lx: float, ly: float, plot: tuple) -> tuple[float, float]:
    """The nearest free spot, in steps of NUDGE around the first dot of its group (the dots placed
    before it with the same means) and away from the lines first; a spot that keeps clear of every
    dot if there is one, else one clear of its own group (its twins not yet placed sit on the first)."""
    first = group[0]
    right, up = dot.x >= lx, dot.y <= ly
    away = (1 if right else -1, -1 if up else 1)  # away from the lines, where the quadrant has room
    rings = sorted(((i, j) for i in range(-4, 5) for j in range(-4, 5) if (i, j) != (0, 0)),
                   key=lambda p: (math.hypot(*p), -(p[0] * away[0] + p[1] * away[1]), p))
    spots = []
    for i, j in rings:
        x, y = first.x + i * NUDGE, first.y + j * NUDGE
        on_side = (x >= lx) == right and (y <= ly) == up
        inside = plot[0] + DOT_ROOM <= x <= plot[2] - DOT_ROOM and plot[1] + DOT_ROOM <= y <= plot[3] - DOT_ROOM
        if on_side and inside:
            spots.append((x, y))
    for among in ([d for d in dots if d is not dot], group):
        for x, y in spots:
            if all(math.hypot(x - d.x, y - d.y) >= NUDGE - 0.01 for d in among):
                return x, y
    return dot.x, dot.y


def _quadrant_names(dots: list[_Dot], lx: float, ly: float, plot: tuple) -> dict[str, tuple]:
    """Each quadrant's name as a box in its outer corner, or slid along its edges until clear of the
    dots with room for their names (else clear of the dots, else of the quadrant's bounds)."""
    left, top, right, bottom = plot
    regions = {KEEP: (lx, top, right, ly), URGENT: (lx, ly, right, bottom), BONUS: (left, top, lx, ly), LOW: (left, ly, lx, bottom)}
    slides = sorted(((a, b) for a in range(0, 400, 12) for b in range(0, 300, 10)), key=lambda p: (p[0] + p[1], p[1]))
    boxes: dict[str, tuple] = {}
    for name, (rx0, ry0, rx1, ry1) in regions.items():
        w, from_right, from_top = CORNER_SIZE * len(name) + 2, name in (KEEP, URGENT), name in (KEEP, BONUS)

        def box_at(a: float, b: float) -> tuple:
            x0 = right - 8 - a - w if from_right else left + 8 + a
            y0 = top + 4 + b if from_top else bottom - 4 - b - CORNER_H
            return (x0, y0, x0 + w, y0 + CORNER_H)

        def clear(box: tuple, within: tuple, room: float) -> bool:
            return _within(box, within) and not any(_overlaps(box, b) for b in boxes.values()) and not any(
                _overlaps(box, (d.x - DOT_ROOM - room, d.y - DOT_ROOM - room, d.x + DOT_ROOM + room, d.y + DOT_ROOM + room)) for d in dots)

        region = (rx0 + 2, ry0 + 2, rx1 - 2, ry1 - 2)
        boxes[name] = next((box_at(a, b) for within, room in ((region, LABEL_H), (region, 0), (plot, 0))
                            for a, b in slides if clear(box_at(a, b), within, room)), box_at(0, 0))
    return boxes


class _Layout:
    """Places the dots' names: place() gives each dot's name box and leader line (or None).

    Each name has candidate places (_label_candidates) with a cost: a name on another name, a dot
    or a quadrant name is a last resort (COLLISION); a leader through a name or a dot (CROSSING), a
    name struck through by a dashed line (STRUCK) or reaching into another quadrant (ACROSS), or
    nearer another dot than its own (AMBIGUOUS) cost less; nearer is better. Greedy, the most
    crowded dots first; then sweeps moving each name to its best place given the others, and
    moving a costly name to a better place taken by one other name when that one can go elsewhere
    for less. The widths are generous guesses (_text_width), so the real text stays inside its box."""

    def __init__(self, dots: list[_Dot], fixed: list[tuple], lx: float, ly: float, plot: tuple):
        self.dots, self.fixed = dots, fixed
        inner = (plot[0] + GAP, plot[1] + GAP, plot[2] - GAP, plot[3] - GAP)
        dot_boxes = [_dot_box(d) for d in dots]
        self.candidates = []  # per dot: (the cost of what stays put, box, leader), cheapest first
        for i, dot in enumerate(dots):
            found, others = [], [d for j, d in enumerate(dots) if j != i]
            for base, box, leader in _label_candidates(dot, _text_width(dot.item["item"])):
                if not _within(box, inner):
                    continue
                cost = base + STRUCK * (box[1] < ly < box[3]) + STRUCK / 2 * (box[0] < lx < box[2])
                cost += ACROSS * ((box[2] > lx if dot.x < lx else box[0] < lx) + (box[3] > ly if dot.y <= ly else box[1] < ly))
                cost += COLLISION * (sum(_overlaps(box, b) for b in dot_boxes) + sum(_overlaps(box, b, GAP) for b in fixed))
                if leader:
                    cost += CROSSING * sum(_segment_hits_box(leader, b) for b in fixed)
                    x0, x1 = sorted((leader[0], leader[2]))
                    y0, y1 = sorted((leader[1], leader[3]))
                    cost += CROSSING * sum(_segment_near(leader, d.x, d.y, DOT_ROOM) for d in others
                                           if x0 - DOT_ROOM < d.x < x1 + DOT_ROOM and y0 - DOT_ROOM < d.y < y1 + DOT_ROOM)
                else:
                    own = _box_distance(box, dot.x, dot.y)
                    cost += AMBIGUOUS * any(_box_distance(box, d.x, d.y) < own + 3 for d in others)
                found.append((cost, box, leader))
            found.sort(key=lambda c: c[0])
            self.candidates.append(found)
        self.placed: dict[int, tuple[float, tuple, tuple | None]] = {}  # index -> (cost, box, leader)

    def place(self) -> list[tuple[tuple, tuple | None]]:
        dots = self.dots
        order = sorted(range(len(dots)), key=lambda i: (-sum(math.hypot(dots[i].x - d.x, dots[i].y - d.y) < 60 for d in dots), i))
        for i in order:
            self.placed[i] = self.best(i)
        for _ in range(LABEL_SWEEPS):
            moved = False
            for i in order:
                again = self.best(i)  # the current place is among the candidates, so this is no worse
                moved |= again[1] != self.placed[i][1]
                self.placed[i] = again
            for i in sorted(order, key=lambda i: -self.placed[i][0]):
                if self.placed[i][0] >= SWAP_WORTH:
                    moved |= self.swap(i)
            if not moved:
                break
        return [self.placed[i][1:] for i in range(len(dots))]

    def others(self, i: int) -> tuple[list[tuple], list[tuple]]:
        """The boxes and the leaders of the other names."""
        others = [p for j, p in self.placed.items() if j != i]
        return [b for _, b, _ in others], [seg for _, _, seg in others if seg]

    def cost(self, base: float, box: tuple, leader: tuple | None, others: tuple, limit: float = math.inf) -> float:
        """A candidate's cost given the other names, or any number at least `limit` once it is sure to reach it."""
        total, (boxes, leaders) = base, others
        for b in boxes:
            if total >= limit:
                return total
            if _overlaps(box, b, GAP):
                total += COLLISION
        for seg in leaders:
            if total >= limit:
                return total
            if _segment_hits_box(seg, box):
                total += CROSSING
        if leader:
            for b in boxes:
                if total >= limit:
                    return total
                if _segment_hits_box(leader, b):
                    total += CROSSING
            total += CROSSING / 3 * sum(_segments_cross(leader, seg) for seg in leaders)
        return total

    def best(self, i: int) -> tuple[float, tuple, tuple | None]:
        best, others = None, self.others(i)
        for base, box, leader in self.candidates[i]:
            if best is not None and base >= best[0]:
                break  # candidates come cheapest first; penalties only add
            total = self.cost(base, box, leader, others, best[0] if best else math.inf)
            if best is None or total < best[0]:
                best = (total, box, leader)
        if best is None:  # the name is wider than the plot: leave it right of the dot
            dot, w = self.dots[i], _text_width(self.dots[i].item["item"])
            box = (dot.x + DOT_ROOM + 1, dot.y - LABEL_H / 2, dot.x + DOT_ROOM + 1 + w, dot.y + LABEL_H / 2)
            best = (COLLISION, box, None)
        return best

    def swap(self, i: int) -> bool:
        """Moves name i to a cheaper place that one other name j is in the way of, and j to its
        best place after that, when the two together cost less; whether it did."""
        current = self.placed[i]
        for base, box, leader in self.candidates[i][:SWAP_TRIES]:
            if base >= current[0]:
                break
            blocking = [j for j, (_, b, seg) in self.placed.items() if j != i and (
                _overlaps(box, b, GAP) or (seg and _segment_hits_box(seg, box)) or (leader and _segment_hits_box(leader, b)))]
            if len(blocking) != 1:
                continue
            j = blocking[0]
            before = current[0] + self.placed[j][0]
            kept_i, kept_j = current, self.placed.pop(j)
            self.placed[i] = (self.cost(base, box, leader, self.others(i)), box, leader)
            if self.placed[i][0] >= current[0]:
                self.placed[i], self.placed[j] = kept_i, kept_j
                continue
            self.placed[j] = self.best(j)
            self.placed[i] = (self.cost(base, box, leader, self.others(i)), box, leader)
            if self.placed[i][0] + self.placed[j][0] < before - 0.5:
                return True
            self.placed[i], self.placed[j] = kept_i, kept_j
        return False


def _label_candidates(dot: _Dot, w: float):
    """(cost, box, leader or None), cheapest first: beside the dot (right, left, above, below,
    centred or slid along that side), then at growing distances in every direction with a leader
    from the dot's edge to the nearest point of the box."""
    x, y = dot.x, dot.y
    found = []
    near, h = DOT_ROOM + 1, LABEL_H
    for k in range(SLIDES + 1):  # slid from centred on the dot to clear of it, right and left first
        dy, dx = (h / 2 + near) * k / SLIDES, (w / 2 + near) * k / SLIDES
        for cost, x0, y0 in ((0.0, x + near, y - h / 2 - dy), (0.1, x + near, y - h / 2 + dy),
                             (0.4, x - near - w, y - h / 2 - dy), (0.5, x - near - w, y - h / 2 + dy),
                             (0.8, x - w / 2 + dx, y - near - h), (0.9, x - w / 2 - dx, y - near - h),
                             (1.0, x - w / 2 + dx, y + near), (1.1, x - w / 2 - dx, y + near)):
            found.append((cost + 2.4 * k / SLIDES, (x0, y0, x0 + w, y0 + h), None))
    for r in LEADER_RADII:
        for k in range(LEADER_DIRECTIONS):
            angle = 2 * math.pi * k / LEADER_DIRECTIONS
            c, s = math.cos(angle), math.sin(angle)
            px, py = x + r * c, y + r * s
            x0 = px if c > 0.38 else px - w if c < -0.38 else px - w / 2
            y0 = py if s > 0.38 else py - LABEL_H if s < -0.38 else py - LABEL_H / 2
            box = (x0, y0, x0 + w, y0 + LABEL_H)
            nx, ny = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
            length = math.hypot(nx - x, ny - y)
            if length <= DOT_ROOM + 1:
                continue
            ex, ey = x + (nx - x) * (DOT + 1) / length, y + (ny - y) * (DOT + 1) / length
            found.append((4 + r / 8 + 0.01 * k, box, (ex, ey, nx, ny)))
    found.sort(key=lambda c: c[0])
    return found


def _text_width(text: str, size: float = 12) -> float:
    """A generous width of the text at `size` px: CJK characters are square, wide Latin letters
    nearly so, the rest about 0.6 of the size; plus a pixel each side."""
    width = 0.0
    for c in text:
        if unicodedata.east_asian_width(c) in "WF":
            width += 1.0
        elif c in "MWmw@%&":
            width += 0.95
        elif c.isupper() or c.isdigit():
            width += 0.7
        else:
            width += 0.6
    return width * size + 2


def _box_distance(box: tuple, x: float, y: float) -> float:
    return math.hypot(x - min(max(x, box[0]), box[2]), y - min(max(y, box[1]), box[3]))


def _dot_box(dot: _Dot) -> tuple:
    return (dot.x - DOT_ROOM, dot.y - DOT_ROOM, dot.x + DOT_ROOM, dot.y + DOT_ROOM)


def _within(box: tuple, bounds: tuple) -> bool:
    return bounds[0] <= box[0] and box[2] <= bounds[2] and bounds[1] <= box[1] and box[3] <= bounds[3]


def _overlaps(a: tuple, b: tuple, gap: float = 0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _segment_hits_box(seg: tuple, box: tuple) -> bool:
    """Whether the segment (x1, y1, x2, y2) passes through the box (Liang–Barsky clipping)."""
    x1, y1, x2, y2 = seg
    dx, dy = x2 - x1, y2 - y1
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, x1 - box[0]), (dx, box[2] - x1), (-dy, y1 - box[1]), (dy, box[3] - y1)):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                lo = max(lo, t)
            else:
                hi = min(hi, t)
    return lo < hi


def _segment_near(seg: tuple, x: float, y: float, distance: float) -> bool:
    x1, y1, x2, y2 = seg
    dx, dy = x2 - x1, y2 - y1
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy or 1)))
    return math.hypot(x1 + t * dx - x, y1 + t * dy - y) < distance


def _segments_cross(a: tuple, b: tuple) -> bool:
    def side(px, py, qx, qy, rx, ry):
        return (qx - px) * (ry - py) - (qy - py) * (rx - px)

    d1, d2 = side(b[0], b[1], b[2], b[3], a[0], a[1]), side(b[0], b[1], b[2], b[3], a[2], a[3])
    d3, d4 = side(a[0], a[1], a[2], a[3], b[0], b[1]), side(a[0], a[1], a[2], a[3], b[2], b[3])
    return d1 * d2 < 0 and d3 * d4 < 0


# ---- the page -------------------------------------------------------------------------------


def render(result: dict, *, masked: bool = True) -> str:
    """survey.html: the chart and its reading, the items to improve, the residents' comments."""
    return page("顾客满意度评析", [_chart_sheet(result), _items_sheet(result), _comments_sheet(result, masked)])


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _interval_text(ci: list[float] | None) -> str:
    return "—" if ci is None else f"{ci[0]:.2f}～{ci[1]:.2f}"


def _chart_sheet(result: dict) -> str:
    items, scale = result["items"], result["scale"]
    placed = [it for it in items if it["quadrant"]]
    files = "、".join(PurePath(f).name for f in result["files"]) or "直接提交的数据"
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
        + f'<div class="figure">{chart(result)}</div>'
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
