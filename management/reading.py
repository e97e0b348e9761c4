"""The management report's side inputs, each validated with errors naming the file and line:
office.yaml (who the office is and who answers for the report), the finance CSV (收支, which chats
do not hold) and a survey.json from `huashu survey`."""

from __future__ import annotations

import csv
import io
import json
import math
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError


class ReportError(ValueError):
    """Input that can't make a report; the message names the file (and line) or the option."""


class Office(BaseModel):
    """office.yaml. Keys in English or as the deck writes them (名称, 解释人, 电话, 跟踪办法, 盖章)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = Field("物业服务中心", validation_alias=AliasChoices("name", "名称", "管理处"))
    addressee: str = Field("各位业主、业主委员会", validation_alias=AliasChoices("addressee", "致"))
    explainer: str = Field("", validation_alias=AliasChoices("explainer", "解释人"))
    phone: str = Field("", validation_alias=AliasChoices("phone", "电话"))
    follow_up: str = Field("", validation_alias=AliasChoices("follow_up", "跟踪办法"))
    seal: str = Field("", validation_alias=AliasChoices("seal", "盖章"))
    director: str = Field("", validation_alias=AliasChoices("director", "主任"))


def office(path: Path | None) -> dict:
    if path is None:
        return Office().model_dump()
    try:
        # every value as written: a phone number 01062345670 is not an octal number
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    except OSError as exc:
        raise ReportError(f"{path}：无法读取（{exc.strerror or exc}）") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}：不是有效的 YAML（{exc}）") from None
    if not isinstance(raw, dict):
        raise ReportError(f"{path}：应为“键: 值”的形式，例如 name: 阳光花园物业服务中心")
    try:
        return Office.model_validate(raw).model_dump()
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ReportError(f"{path}：{problems}（可用的键：name 名称, addressee 致, explainer 解释人, phone 电话, "
                          f"follow_up 跟踪办法, seal 盖章, director 主任）") from None


# the report's money sections, by the names a finance sheet may give them
FINANCE_SECTION_NAMES = {
    "fees": "fees", "管理费": "fees", "管理费收支": "fees", "物业费": "fees",
    "fund": "fund", "维修基金": "fund", "本体维修基金": "fund", "本体维修基金收支": "fund", "维修基金收支": "fund",
}
_FINANCE_COLUMNS = {
    "section": ("section", "板块", "类别"), "item": ("item", "项目"),
    "income": ("income", "收入"), "expense": ("expense", "支出"),
}


def decoded(data: bytes) -> str | None:
    """A table or text file's bytes as Excel users in China save them: UTF-8 (with or without
    BOM) or GB18030; None for anything else."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _text_of(path: Path) -> str:
    try:
        text = decoded(path.read_bytes())
    except OSError as exc:
        raise ReportError(f"{path}：无法读取（{exc.strerror or exc}）") from None
    if text is None:
        raise ReportError(f"{path}：既不是 UTF-8 也不是 GB18030 编码")
    return text


def _amount(value: str, path: Path, line: int, column: str) -> float:
    value = (value or "").strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    if not value:
        return 0.0
    try:
        amount = float(value)
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount):
        raise ReportError(f"{path}:{line}：{column} 应为金额数字，实际是 {value!r}")
    return amount


def finance(path: Path | None) -> dict:
    """{section: {"rows": [{"item", "income", "expense"}], "income", "expense", "balance", "source"}}."""
    if path is None:
        return {}
    rows = csv.reader(io.StringIO(_text_of(path)))
    header = next(rows, None)
    if not header:
        raise ReportError(f"{path}：文件是空的（需要表头 section,item,income,expense）")
    names = [h.strip().lower() for h in header]
    where = {}
    for key, aliases in _FINANCE_COLUMNS.items():
        found = next((i for i, n in enumerate(names) if n in aliases), None)
        if found is None:
            raise ReportError(f"{path}:1：缺少列 {key}（{'/'.join(aliases)}）；表头应为 section,item,income,expense")
        where[key] = found
    sections: dict[str, dict] = {}
    for line, row in enumerate(rows, 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ReportError(f"{path}:{line}：这一行有 {len(row)} 列，表头只有 {len(header)} 列（金额中的千位逗号要放在引号里，如 \"12,000.00\"）")
        cell = lambda key: row[where[key]].strip() if where[key] < len(row) else ""  # noqa: E731, B023
        section = FINANCE_SECTION_NAMES.get(cell("section").lower())
        if section is None:
            raise ReportError(f"{path}:{line}：section {cell('section')!r} 不是管理费收支（fees）或本体维修基金收支（fund）")
        item = cell("item")
        if not item:
            raise ReportError(f"{path}:{line}：缺少 item（项目名称）")
        income, expense = _amount(cell("income"), path, line, "income"), _amount(cell("expense"), path, line, "expense")
        bucket = sections.setdefault(section, {"rows": [], "source": f"{path.name}"})
        bucket["rows"].append({"item": item, "income": income, "expense": expense, "line": line})
    for bucket in sections.values():
        bucket["income"] = round(sum(r["income"] for r in bucket["rows"]), 2)
        bucket["expense"] = round(sum(r["expense"] for r in bucket["rows"]), 2)
        bucket["balance"] = round(bucket["income"] - bucket["expense"], 2)
    return sections


def survey(path: Path | None) -> dict | None:
    """A survey.json written by `huashu survey`."""
    if path is None:
        return None
    try:
        data = json.loads(_text_of(path))
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}：不是有效的 JSON（{exc.msg}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list) or not all(
        isinstance(i, dict) and {"item", "importance", "satisfaction", "quadrant"} <= set(i) for i in data["items"]
    ):
        raise ReportError(f"{path}：不是 huashu survey 写出的 survey.json（需要 items，每项含 item、importance、satisfaction、quadrant）")
    return data


@lru_cache(maxsize=1)
def steps() -> tuple:
    """The complaint procedure's steps in the deck's order (id, name, meaning, applies_to), as
    procedure.yaml defines them for the audit that scored the conversations."""
    from assistant.conversation.procedure import PROCEDURE_FILE, ProcedureSpec

    spec = ProcedureSpec.model_validate(yaml.safe_load(PROCEDURE_FILE.read_text(encoding="utf-8")))
    return tuple(spec.steps)


def step_order(name: str) -> int:
    names = [s.name for s in steps()]
    return names.index(name) if name in names else len(names)


def step_meaning(name: str) -> str:
    return next((s.meaning for s in steps() if s.name == name), "")


def step_name(step_id: str) -> str:
    return next(s.name for s in steps() if s.id == step_id)
