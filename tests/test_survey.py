"""`huashu survey` (顾客满意度评析, 四分图): means, gaps, intervals and quadrants checked against a
small survey worked out by hand; long and wide form, CSV in UTF-8 / BOM / GB18030 and Excel give
the same items; bad rows (scores, duplicates) named by file, line and column, unusable files,
residents' comments read by the real engine, escaping; analyse / analyse_rows / chart without
files; and the page in real Chromium (one dot per item, prints on several A4 pages; 30 items with
no overlapping names, nothing outside the plot)."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from management.survey import READINGS, SurveyError, analyse, analyse_rows, chart, quadrant_chart, render, run
from tests.conftest import huashu_command

ITEMS = ["垃圾清运", "电梯维修", "保安服务", "绿化养护", "停车管理"]
# respondent -> item -> (importance, satisfaction); None is a skipped question
ANSWERS = {
    "1": {"垃圾清运": (5, 3), "电梯维修": (5, 2), "保安服务": (4, 4), "绿化养护": (2, 4), "停车管理": (3, 2)},
    "2": {"垃圾清运": (4, 3), "电梯维修": (5, 3), "保安服务": (4, 5), "绿化养护": (3, 4), "停车管理": (2, 2)},
    "3": {"垃圾清运": (5, 3), "电梯维修": (4, 2), "保安服务": (4, 3), "绿化养护": (1, 5), "停车管理": (1, 2)},
    "4": {"保安服务": (4, None)},
}
# Worked by hand. Importance line = (14/3 + 14/3 + 4 + 2 + 2) / 5 = 52/15 = 3.47; satisfaction
# line = (3 + 7/3 + 4 + 13/3 + 2) / 5 = 47/15 = 3.13. Intervals: mean ± t(0.975, 2) · s / √3 with
# t = 4.303 (three answers), clipped to 1..5: s = √(1/3) gives ±1.43, s = 1 gives ±2.48. The gap is
# that of the shown means, so a reader's subtraction agrees: 电梯维修 4.67 − 2.33 = 2.34 (the exact
# means 14/3 − 7/3 = 7/3 would show 2.33).
EXPECTED = [
    # item, importance, satisfaction, gap, respondents, importance_ci, satisfaction_ci, quadrant
    ("垃圾清运", 4.67, 3.0, 1.67, 3, [3.23, 5.0], [3.0, 3.0], "急需改进"),
    ("电梯维修", 4.67, 2.33, 2.34, 3, [3.23, 5.0], [1.0, 3.77], "急需改进"),
    ("保安服务", 4.0, 4.0, 0.0, 4, [4.0, 4.0], [1.52, 5.0], "继续保持"),
    ("绿化养护", 2.0, 4.33, -2.33, 3, [1.0, 4.48], [2.9, 5.0], "锦上添花"),
    ("停车管理", 2.0, 2.0, 0.0, 3, [1.0, 4.48], [2.0, 2.0], "不合优先"),
]
FIELDS = ["item", "importance", "satisfaction", "gap", "respondents", "importance_ci", "satisfaction_ci", "quadrant"]


def _text(score) -> str:
    return "" if score is None else str(score)


def long_rows(answers=ANSWERS, comments=None) -> list[list[str]]:
    """respondent,item,importance,satisfaction,comment; `comments` maps (respondent, item) to text."""
    comments = comments or {}
    rows = [["respondent", "item", "importance", "satisfaction", "comment"]]
    for who, scored in answers.items():
        for item, (importance, satisfaction) in scored.items():
            rows.append([who, item, _text(importance), _text(satisfaction), comments.get((who, item), "")])
    return rows


def wide_rows(answers=ANSWERS, separator="-") -> list[list[str]]:
    """One row per respondent, the way Excel users lay a survey out."""
    header = ["编号"] + [f"{item}{separator}{kind}" for item in ITEMS for kind in ("重要程度", "满意度")]
    rows = [header]
    for who, scored in answers.items():
        row = [who]
        for item in ITEMS:
            importance, satisfaction = scored.get(item, (None, None))
            row += [_text(importance), _text(satisfaction)]
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([int(cell) if isinstance(cell, str) and cell.isdigit() else (cell or None) for cell in row])
    book.save(path)
    return path


# thirty items a property company might survey, some with long names
THIRTY = ["垃圾清运", "电梯维修", "保安服务", "绿化养护", "停车管理", "门禁系统", "消防设施", "公共照明", "水电维修", "楼道保洁",
          "快递收发", "投诉处理", "物业收费", "装修管理", "宠物管理", "噪音管理", "外墙维护", "地下车库", "儿童游乐设施", "健身器材",
          "监控系统", "供暖服务", "二次供水", "化粪池清掏", "信息公示", "社区活动", "客服态度", "维修及时性", "入户服务", "雨污管网"]
# item -> the item whose every answer it copies, so the two have exactly the same means
TIES = {"电梯维修": "垃圾清运", "保安服务": "垃圾清运", "停车管理": "绿化养护", "公共照明": "消防设施", "水电维修": "消防设施",
        "楼道保洁": "消防设施", "投诉处理": "快递收发", "装修管理": "物业收费", "供暖服务": "监控系统", "客服态度": "社区活动"}


def thirty_items(seed: int, ties: dict[str, str] | None = None, respondents: int = 10) -> list[list[str]]:
    """Long-form rows: `respondents` people score 30 items at random (fixed seed); an item in
    `ties` repeats another's answers."""
    rng = random.Random(seed)
    rows, given = [["respondent", "item", "importance", "satisfaction"]], {}
    for who in range(1, respondents + 1):
        for item in THIRTY:
            given[who, item] = given[who, ties[item]] if ties and item in ties else (rng.randint(1, 5), rng.randint(1, 5))
            rows.append([str(who), item, *map(str, given[who, item])])
    return rows


def csv_of(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def survey(env, *args):
    return subprocess.run([*huashu_command(), "survey", *map(str, args)], capture_output=True, env=env, timeout=120, check=False)


def table_of(result: dict) -> list[tuple]:
    return [tuple(it[k] for k in FIELDS) for it in result["items"]]


# ---- the numbers ----------------------------------------------------------------------------


def test_cli_means_gaps_intervals_and_quadrants_by_hand(tmp_path, run_env):
    out = tmp_path / "out"
    done = survey(run_env, write_csv(tmp_path / "survey.csv", long_rows()), "--out", out)
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads((out / "survey.json").read_text(encoding="utf-8"))
    assert table_of(result) == EXPECTED
    assert (result["scale"], result["respondents"]) == (5, 4)
    assert (result["importance_line"], result["satisfaction_line"]) == (3.47, 3.13)
    assert result["lines_from"] == {"importance": "items_average", "satisfaction": "items_average"}
    assert [it["item"] for it in result["urgent"]] == ["电梯维修", "垃圾清运"]  # by gap, not by order of appearance
    assert result["errors"] == [] and (out / "errors.jsonl").read_text(encoding="utf-8") == ""

    raw = (out / "items.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [(r["item"], r["gap"], r["importance_ci_high"], r["quadrant"]) for r in rows] == [
        (e[0], str(e[3]), str(e[5][1]), e[7]) for e in EXPECTED
    ]
    assert json.loads((out / "survey.json").read_text(encoding="utf-8")) == result


def test_given_lines_and_an_item_on_a_line_counts_as_the_higher_side(tmp_path):
    path = write_csv(tmp_path / "survey.csv", long_rows())
    result = run([path], tmp_path / "out", importance_line=4, satisfaction_line=4)
    assert result["lines_from"] == {"importance": "given", "satisfaction": "given"}
    assert (result["importance_line"], result["satisfaction_line"]) == (4, 4)
    assert {it["item"]: it["quadrant"] for it in result["items"]} == {
        "垃圾清运": "急需改进", "电梯维修": "急需改进", "保安服务": "继续保持",  # 保安服务 sits on both lines
        "绿化养护": "锦上添花", "停车管理": "不合优先",
    }
    one = run([path], tmp_path / "one", satisfaction_line=2)
    assert one["lines_from"] == {"importance": "items_average", "satisfaction": "given"}
    assert one["importance_line"] == 3.47
    assert [it["quadrant"] for it in one["items"]] == ["继续保持", "继续保持", "继续保持", "锦上添花", "锦上添花"]


def test_an_item_exactly_on_the_averaged_line_is_not_lost_to_rounding(tmp_path):
    """Importance means 1, 7/3, 8/3 and 14/3 average to exactly 8/3; in floating point the average
    comes out a hair above 8/3, which would push the third item below its own line."""
    importance = {"甲": (1, 1, 1), "乙": (3, 2, 2), "丙": (3, 3, 2), "丁": (5, 5, 4)}
    rows = [["受访者", "项目", "重要程度", "满意度"]]
    rows += [[str(who + 1), item, str(scores[who]), "3"] for item, scores in importance.items() for who in range(3)]
    result = run([write_csv(tmp_path / "s.csv", rows)], tmp_path / "out")
    assert result["importance_line"] == 2.67
    assert {it["item"]: it["quadrant"] for it in result["items"]} == {"甲": "锦上添花", "乙": "锦上添花", "丙": "继续保持", "丁": "继续保持"}


def test_a_ten_point_scale_and_a_single_answer_has_no_interval(tmp_path):
    rows = [["respondent", "item", "importance", "satisfaction"], ["1", "门禁", "10", "7"], ["2", "门禁", "8", ""]]
    result = run([write_csv(tmp_path / "s.csv", rows)], tmp_path / "out", scale=10)
    (item,) = result["items"]
    assert (item["importance"], item["satisfaction"], item["respondents"]) == (9.0, 7.0, 2)
    assert item["satisfaction_ci"] is None and item["importance_ci"] is not None
    with pytest.raises(SurveyError, match="没有可用的评分"):
        run([write_csv(tmp_path / "s.csv", rows)], tmp_path / "five")  # 10 and 8 are off a 5-point scale: nothing left
    with pytest.raises(SurveyError, match="满意度分界线"):
        run([write_csv(tmp_path / "s.csv", rows)], tmp_path / "x", scale=10, satisfaction_line=11)


def test_the_gap_is_the_shown_importance_minus_the_shown_satisfaction(tmp_path):
    """Readers redo the subtraction: the gap is worked from the two rounded means, never from the
    exact ones (电梯维修's 14/3 − 7/3 = 7/3 would show 2.33 beside 4.67 and 2.33)."""
    result = run([write_csv(tmp_path / "s.csv", long_rows())], tmp_path / "out")
    assert {it["item"]: it["gap"] for it in result["items"]}["电梯维修"] == 2.34
    many = analyse([("many.csv", csv_of(thirty_items(seed=7)))])
    assert len(many["items"]) == 30
    for it in (*result["items"], *many["items"]):
        assert it["gap"] == round(it["importance"] - it["satisfaction"], 2), it
        assert f"{it['gap']:.2f}" == f"{it['importance'] - it['satisfaction']:.2f}"
    html = (tmp_path / "out" / "survey.html").read_text(encoding="utf-8")
    assert "<td>电梯维修</td><td class=\"n\">4.67</td><td class=\"n\">2.33</td><td class=\"n\">2.34</td>" in html


# ---- the forms and encodings ----------------------------------------------------------------


def test_long_wide_excel_and_encodings_give_the_same_items(tmp_path):
    reference = run([write_csv(tmp_path / "long.csv", long_rows())], tmp_path / "long")
    assert table_of(reference) == EXPECTED

    gb = write_csv(tmp_path / "gb.csv", wide_rows(separator="－"), encoding="gb18030")  # as Excel exports it in China
    with pytest.raises(UnicodeDecodeError):
        gb.read_bytes().decode("utf-8")
    inputs = {
        "wide": write_csv(tmp_path / "wide.csv", wide_rows()),
        "bom": write_csv(tmp_path / "bom.csv", wide_rows(separator="_"), encoding="utf-8-sig"),
        "gb18030": gb,
        "xlsx": write_xlsx(tmp_path / "wide.xlsx", [["翠苑小区 2026 年业主满意度调查"], [], *wide_rows(separator="：")]),
        "xlsx-long": write_xlsx(tmp_path / "long.xlsx", long_rows()),
    }
    for name, path in inputs.items():
        result = run([path], tmp_path / name)
        assert result["items"] == reference["items"], name
        assert result["respondents"] == 4, name
        assert (tmp_path / name / "items.csv").read_bytes() == (tmp_path / "long" / "items.csv").read_bytes(), name


def test_several_files_are_combined(tmp_path):
    rows = long_rows()
    first = write_csv(tmp_path / "a.csv", [r for r in rows if r[0] in ("respondent", "1", "2")])
    second = write_csv(tmp_path / "b.csv", [r for r in rows if r[0] in ("respondent", "3", "4")])
    result = run([first, second], tmp_path / "out")
    assert table_of(result) == EXPECTED
    assert result["files"] == [str(first), str(second)]


def test_chinese_long_headers_and_comment_columns(tmp_path):
    rows = [["受访者", "项目", "重要性", "满意度", "意见"], ["1", "电梯维修", "5", "2", "电梯老是坏"], ["2", "电梯维修", "4", "3", ""]]
    result = run([write_csv(tmp_path / "s.csv", rows)], tmp_path / "out")
    assert [(it["item"], it["importance"], it["satisfaction"]) for it in result["items"]] == [("电梯维修", 4.5, 2.5)]
    assert result["comments"]["total"] == 1


# ---- bad rows and unusable files ------------------------------------------------------------


def test_cli_bad_score_rows_go_to_errors_and_the_rest_is_counted(tmp_path, run_env):
    rows = long_rows()
    rows.insert(3, ["5", "电梯维修", "6", "1", ""])  # line 4: off the 5-point scale
    rows.append(["6", "保安服务", "很重要", "4", ""])  # not a number
    path = write_csv(tmp_path / "survey.csv", rows)
    out = tmp_path / "out"
    done = survey(run_env, path, "--out", out)
    assert done.returncode == 3, done.stderr.decode()
    result = json.loads((out / "survey.json").read_text(encoding="utf-8"))
    assert table_of(result) == EXPECTED and result["respondents"] == 4  # neither bad row counted
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert errors == result["errors"]
    assert [(e["file"], e["line"]) for e in errors] == [(str(path), 4), (str(path), len(rows))]
    assert "6 分不在 1～5 分之间" in errors[0]["reason"]
    assert "「很重要」不是数字" in errors[1]["reason"]


def test_wide_row_with_a_bad_score_is_rejected_whole(tmp_path):
    rows = wide_rows()
    rows.append(["5"] + ["5"] * 9 + ["五"])
    result = run([write_csv(tmp_path / "w.csv", rows)], tmp_path / "out")
    assert table_of(result) == EXPECTED
    (error,) = result["errors"]
    assert error["line"] == 6 and "「停车管理-满意度」的「五」不是数字" in error["reason"]


def test_cli_missing_columns_exit_2_naming_the_file(tmp_path, run_env):
    path = write_csv(tmp_path / "问卷.csv", [["编号", "电梯维修", "保安服务"], ["1", "5", "4"]])
    done = survey(run_env, path, "--out", tmp_path / "out")
    assert done.returncode == 2
    message = done.stderr.decode()
    assert str(path) in message and "找不到所需的列" in message
    assert not (tmp_path / "out" / "survey.json").exists()


def test_long_form_the_same_respondent_answering_an_item_twice_is_rejected(tmp_path):
    rows = long_rows()
    rows.insert(4, ["1", "电梯维修", "1", "5", ""])  # line 5: respondent 1 answered 电梯维修 on line 3
    rows.append(["2", "垃圾清运", "", "", "又填了一遍"])  # respondent 2 answered 垃圾清运 on line 8
    path = write_csv(tmp_path / "survey.csv", rows)
    result = run([path], tmp_path / "out")
    assert table_of(result) == EXPECTED and result["respondents"] == 4  # the earlier answers stand
    assert result["comments"]["total"] == 0
    first, second = result["errors"]
    assert (first["file"], first["line"], first["columns"]) == (str(path), 5, ["respondent"])
    assert first["reason"].startswith(f"{path}：第 5 行：")
    assert "「respondent」列的受访者「1」已在第 3 行回答过「电梯维修」" in first["reason"]
    assert (second["line"], second["columns"]) == (len(rows), ["respondent"]) and "已在第 8 行" in second["reason"]
    assert [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()] == result["errors"]


def test_long_form_a_duplicate_with_a_bad_score_names_both_columns(tmp_path):
    rows = [["受访者", "项目", "重要程度", "满意度"], ["7", "门禁", "4", "4"], ["7", "门禁", "4", "九"]]
    (error,) = run([write_csv(tmp_path / "s.csv", rows)], tmp_path / "out")["errors"]
    assert error["columns"] == ["受访者", "满意度"]
    assert "「受访者」列的受访者「7」已在第 2 行回答过「门禁」" in error["reason"] and "「满意度」的「九」不是数字" in error["reason"]


def test_wide_form_the_same_respondent_on_two_rows_is_rejected(tmp_path):
    rows = wide_rows()
    rows.append(["2"] + ["1"] * 10)  # line 6: 编号 2 is on line 3
    path = write_csv(tmp_path / "w.csv", rows)
    result = run([path], tmp_path / "out")
    assert table_of(result) == EXPECTED and result["respondents"] == 4
    (error,) = result["errors"]
    assert (error["file"], error["line"], error["columns"]) == (str(path), 6, ["编号"])
    assert error["reason"] == f"{path}：第 6 行：「编号」列的受访者「2」已在第 3 行出现，这一行重复"


def test_the_same_ids_in_two_files_are_different_respondents(tmp_path):
    """Ids restart in every file: no duplicate across files, and each file's respondents count."""
    rows = long_rows()
    first = write_csv(tmp_path / "a.csv", [r for r in rows if r[0] in ("respondent", "1", "2")])
    second = write_csv(tmp_path / "b.csv", [["respondent", *r[1:]] if r[0] == "respondent" else [{"3": "1", "4": "2"}[r[0]], *r[1:]]
                                             for r in rows if r[0] in ("respondent", "3", "4")])
    result = run([first, second], tmp_path / "out")
    assert result["errors"] == [] and table_of(result) == EXPECTED and result["respondents"] == 4


def test_every_rejected_row_names_file_line_and_column(tmp_path):
    rows = [["受访者", "项目", "重要程度", "满意度", "意见"],
            ["1", "门禁", "4", "4", ""],
            ["", "门禁", "4", "4", ""],  # 3: no respondent
            ["2", "", "4", "4", ""],  # 4: no item
            ["3", "门禁", "0", "x", ""],  # 5: both scores bad
            ["1", "门禁", "5", "5", ""]]  # 6: a duplicate
    path = write_csv(tmp_path / "问卷.csv", rows)
    errors = run([path], tmp_path / "out")["errors"]
    assert [(e["file"], e["line"], e["columns"]) for e in errors] == [
        (str(path), 3, ["受访者"]), (str(path), 4, ["项目"]), (str(path), 5, ["重要程度", "满意度"]), (str(path), 6, ["受访者"]),
    ]
    for error in errors:
        assert error["reason"].startswith(f"{path}：第 {error['line']} 行：")
        assert all(f"「{column}」" in error["reason"] for column in error["columns"])


def test_cli_duplicates_exit_3(tmp_path, run_env):
    rows = long_rows()
    rows.append(rows[1])
    done = survey(run_env, write_csv(tmp_path / "survey.csv", rows), "--out", tmp_path / "out")
    assert done.returncode == 3, done.stderr.decode()
    (error,) = json.loads((tmp_path / "out" / "survey.json").read_text(encoding="utf-8"))["errors"]
    assert error["line"] == len(rows) and "已在第 2 行回答过" in error["reason"]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.csv", b"", "文件是空的"),
        ("header.csv", "respondent,item,importance,satisfaction\n".encode(), "没有数据"),
        ("binary.csv", b"\xff\xfe\x00\x81\xff" * 20, "编码"),
        ("survey.xls", b"old excel", "不支持的文件类型"),
        ("broken.xlsx", b"not a zip", "Excel"),
        ("all-blank.csv", "respondent,item,importance,satisfaction\n1,电梯维修,,\n".encode(), "没有可用的评分"),
        ("half.csv", "编号,电梯维修-满意度\n1,4\n".encode(), "第 1 行的表头有「电梯维修-满意度」列，却没有对应的「电梯维修-重要程度」列"),
        ("no-respondent.csv", "item,importance,satisfaction\n电梯维修,4,4\n".encode(), "受访者"),
    ],
)
def test_files_that_cannot_be_surveyed(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SurveyError) as raised:
        run([path], tmp_path / "out")
    assert str(path) in str(raised.value) and says in str(raised.value)


def test_missing_file_and_lines_off_the_scale(tmp_path):
    with pytest.raises(SurveyError, match="找不到文件"):
        run([tmp_path / "nope.csv"], tmp_path / "out")
    path = write_csv(tmp_path / "s.csv", long_rows())
    with pytest.raises(SurveyError, match="重要程度分界线"):
        run([path], tmp_path / "out", importance_line=0.5)


# ---- without files: analyse, analyse_rows, chart ---------------------------------------------


def test_analyse_uploaded_files_gives_what_run_writes(tmp_path, monkeypatch):
    long = write_csv(tmp_path / "long.csv", long_rows())
    wide = write_xlsx(tmp_path / "wide.xlsx", wide_rows())
    written = run([long], tmp_path / "out")
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    monkeypatch.chdir(uploads)
    result = analyse([("问卷.csv", long.read_bytes())])
    assert result == {**written, "files": ["问卷.csv"]}
    assert json.loads((tmp_path / "out" / "survey.json").read_text(encoding="utf-8")) == written
    both = analyse([("一期.CSV", long.read_bytes()), ("二期.xlsx", wide.read_bytes())], importance_line=4)
    assert both["files"] == ["一期.CSV", "二期.xlsx"] and both["respondents"] == 8 and both["lines_from"]["importance"] == "given"
    assert [it["respondents"] for it in both["items"]] == [6, 6, 8, 6, 6]
    assert list(uploads.iterdir()) == []  # nothing written


def test_analyse_names_the_uploaded_file_in_errors(tmp_path):
    rows = long_rows()
    rows.append(["9", "电梯维修", "6", "1", ""])
    result = analyse([("上传/问卷.csv", write_csv(tmp_path / "s.csv", rows).read_bytes())])
    (error,) = result["errors"]
    assert error["file"] == "上传/问卷.csv" and error["reason"].startswith(f"上传/问卷.csv：第 {len(rows)} 行：")
    for sources, says in [
        ([("空.csv", b"")], "空.csv：文件是空的"),
        ([("问卷.xls", b"old")], "问卷.xls：不支持的文件类型「.xls」"),
        ([("问卷", b"a,b")], "问卷：不支持的文件类型「没有扩展名」"),
        ([("坏.xlsx", b"not a zip")], "坏.xlsx：无法作为 Excel"),
        ([("表头.csv", "编号,电梯维修-满意度\n1,4\n".encode())], "表头.csv：第 1 行的表头"),
        ([], "没有给出问卷文件"),
    ]:
        with pytest.raises(SurveyError, match=re.escape(says)):
            analyse(sources)
    with pytest.raises(SurveyError, match="满意度分界线"):
        analyse([("s.csv", b"x")], satisfaction_line=6)


def test_analyse_rows_for_the_json_api(tmp_path):
    rows = [{"respondent": who, "item": item, "importance": i, "satisfaction": s}
            for who, scored in ANSWERS.items() for item, (i, s) in scored.items()]
    rows[0]["comment"] = "垃圾桶太满了"
    rows[1]["importance"] = 5.0  # JSON numbers, floats or strings alike
    rows[2]["satisfaction"] = "4"
    result = analyse_rows(rows)
    assert table_of(result) == EXPECTED and result["respondents"] == 4 and result["errors"] == []
    assert result["files"] == [] and result["comments"]["total"] == 1
    assert result["items"] == run([write_csv(tmp_path / "s.csv", long_rows())], tmp_path / "out")["items"]

    n = len(rows)
    bad = rows + [
        {"respondent": 1, "item": "电梯维修", "importance": 5, "satisfaction": 1},  # "1" answered it in rows[1]
        {"respondent": "8", "item": "电梯维修", "importance": 6, "satisfaction": None},  # off the scale
        {"respondent": "8", "item": "保安服务", "importance": True, "satisfaction": 4},  # not a number
        ["8", "保安服务", 4, 4],  # not an object
        {"item": "保安服务", "importance": 4, "satisfaction": 4},  # no respondent
    ]
    result = analyse_rows(bad, signals=None)
    assert table_of(result) == EXPECTED
    assert [(e["file"], e["line"], e["columns"]) for e in result["errors"]] == [
        (None, n, ["respondent"]), (None, n + 1, ["importance"]), (None, n + 2, ["importance"]), (None, n + 3, []), (None, n + 4, ["respondent"]),
    ]
    reasons = [e["reason"] for e in result["errors"]]
    assert reasons[0] == f"rows[{n}]：「respondent」列的受访者「1」已在 rows[1] 回答过「电梯维修」，这一行重复"
    assert reasons[1] == f"rows[{n + 1}]：「importance」的 6 分不在 1～5 分之间"
    assert reasons[2] == f"rows[{n + 2}]：「importance」的「true」不是数字"
    assert reasons[3].startswith(f"rows[{n + 3}]：不是一个对象")
    for empty in ([], None, {"rows": []}):
        with pytest.raises(SurveyError, match="rows：没有数据"):
            analyse_rows(empty)
    with pytest.raises(SurveyError, match="rows：没有可用的评分"):
        analyse_rows([{"respondent": "1", "item": "门禁", "importance": 9, "satisfaction": 9}])
    assert analyse_rows([{"respondent": "1", "item": "门禁", "importance": 9, "satisfaction": 9}], scale=10)["items"][0]["gap"] == 0


def test_chart_is_the_svg_the_page_shows(tmp_path):
    result = analyse_rows([{"respondent": w, "item": i, "importance": a, "satisfaction": b}
                           for w, scored in ANSWERS.items() for i, (a, b) in scored.items()])
    svg = chart(result)
    assert svg.startswith('<svg data-chart="quadrant"') and svg in render(result, masked=True)
    root = ET.fromstring(svg)
    assert root.get("font-size") == "12"  # sized without the page's CSS
    assert len(root.findall("{http://www.w3.org/2000/svg}g[@data-item]")) == len(ITEMS)
    assert "直接提交的数据" in render(result, masked=True)
    only_one_kind = analyse_rows([{"respondent": "1", "item": "门禁", "importance": 4, "satisfaction": None}])
    assert chart(only_one_kind) == '<p class="muted" data-chart="quadrant">没有可画的项目</p>'


# ---- comments -------------------------------------------------------------------------------

COMMENTS = {
    ("1", "电梯维修"): "电梯老是坏，修了好几次还是不行，太气人了",
    ("2", "电梯维修"): "1栋2单元301室电梯异响，电话13812345678",
    ("3", "电梯维修"): "电梯按钮失灵了",
    ("1", "保安服务"): "保安态度很好",
}


def test_comments_read_by_topic_quadrant_and_psychology(tmp_path, checker):
    long = write_csv(tmp_path / "long.csv", long_rows(comments=COMMENTS))
    wide = wide_rows()
    wide[0].append("意见")
    wide[1:] = [row + [text] for row, text in zip(wide[1:], ["", "物业费太贵了", "", ""], strict=True)]
    general = write_csv(tmp_path / "wide.csv", wide)
    signals = checker.procedure.signals

    comments = run([long, general], tmp_path / "out", signals=signals)["comments"]
    assert comments["total"] == 5
    assert comments["by_quadrant"] == {"继续保持": 1, "急需改进": 3, "锦上添花": 0, "不合优先": 0, "未指明": 1}
    topics = {t["topic"]: t for t in comments["by_topic"]}
    assert {code: t["count"] for code, t in topics.items()} == {"equipment": 3, "security": 1, "fees": 1}
    assert comments["by_topic"][0]["topic"] == "equipment" and topics["equipment"]["name"] == "设备"
    assert topics["equipment"]["examples"] == [  # the first two of three, masked
        "电梯老是坏，修了好几次还是不行，太气人了", "*栋*单元***室电梯异响，电话138****5678",
    ]
    assert comments["by_psychology"].get("求发泄心理") == 1  # 太气人了

    plain = run([long], tmp_path / "plain", signals=signals, mask_pii=False)["comments"]
    assert "13812345678" in plain["by_topic"][0]["examples"][1]
    assert "13812345678" not in (tmp_path / "out" / "survey.html").read_text(encoding="utf-8")

    unread = run([long], tmp_path / "unread")["comments"]
    assert (unread["total"], unread["by_topic"], unread["by_psychology"]) == (4, [], {})
    assert unread["by_quadrant"]["急需改进"] == 3


# ---- the page -------------------------------------------------------------------------------

HOSTILE = '<script>window.pwned=1</script>"\'&'


def hostile_survey(tmp_path: Path) -> Path:
    answers = {who: {HOSTILE if item == "停车管理" else item: s for item, s in scored.items()} for who, scored in ANSWERS.items()}
    return write_csv(tmp_path / "hostile.csv", long_rows(answers, {("1", HOSTILE): '<img src=x onerror="window.pwned=2">'}))


def test_cli_item_names_and_comments_are_escaped(tmp_path, run_env):
    out = tmp_path / "out"
    assert survey(run_env, hostile_survey(tmp_path), "--out", out).returncode == 0
    html = (out / "survey.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert 'data-item="&lt;script&gt;window.pwned=1&lt;/script&gt;&quot;&#x27;&amp;"' in html


def test_quadrant_chart_puts_each_dot_on_its_side_of_the_lines(tmp_path):
    result = run([write_csv(tmp_path / "s.csv", long_rows())], tmp_path / "out")
    svg = ET.fromstring(quadrant_chart(result["items"], result["importance_line"], result["satisfaction_line"], 5))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    lines = {line.get("data-line"): line for line in svg.iterfind("svg:line", ns)}
    line_x, line_y = float(lines["importance"].get("x1")), float(lines["satisfaction"].get("y1"))
    dots = svg.findall("svg:g[@data-item]", ns)
    assert [g.get("data-item") for g in dots] == ITEMS
    names = {t.text for t in svg.iterfind("svg:text", ns)}
    assert {"继续保持", "急需改进", "锦上添花", "不合优先", "重要程度 →", "↑ 满意度"} <= names
    for g in dots:
        circle = g.find("svg:circle", ns)
        right = float(circle.get("cx")) >= line_x
        up = float(circle.get("cy")) <= line_y  # SVG's y grows downwards
        assert g.get("data-quadrant") == {(True, True): "继续保持", (True, False): "急需改进",
                                          (False, True): "锦上添花", (False, False): "不合优先"}[(right, up)]


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_page_in_chromium_one_dot_per_item_and_several_a4_pages(tmp_path):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("HUASHU_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Debian chromium is not installed here")
    from playwright.sync_api import sync_playwright

    run([hostile_survey(tmp_path)], tmp_path / "out")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True)
        try:
            page = browser.new_page()
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto((tmp_path / "out" / "survey.html").as_uri())
            dots = page.locator('svg[data-chart="quadrant"] g[data-item]')
            assert dots.count() == len(ITEMS)
            assert sorted(dots.nth(i).get_attribute("data-item") for i in range(dots.count())) == sorted(
                HOSTILE if item == "停车管理" else item for item in ITEMS
            )
            assert page.evaluate("window.pwned") is None
            assert all(box["width"] > 0 for box in (dots.nth(i).bounding_box() for i in range(dots.count())))
            assert page.locator("h1").inner_text() == "顾客满意度评析"
            pdf = page.pdf(format="A4")
            assert all(url.startswith("file://") for url in requests), "the page fetched something from the network"
        finally:
            browser.close()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) > 1


def test_the_bonus_reading_says_resources_may_be_taken_from_there(tmp_path):
    """The deck's "应先从这部分做起" under 锦上添花 reads as "improve the unimportant items first";
    the page keeps the deck's sentence and says it means taking resources from there."""
    run([write_csv(tmp_path / "s.csv", long_rows())], tmp_path / "out")
    html = (tmp_path / "out" / "survey.html").read_text(encoding="utf-8")
    (reading,) = re.findall(r'<p data-reading="锦上添花">(.*?)</p>', html)
    assert "考虑资源的有效分配时，应先从这部分做起。" in reading
    assert "可以先从这部分项目中抽出资源，转用到“急需改进”的项目上，而不是先去提升这些项目" in reading
    assert READINGS["锦上添花"] in reading


SVG = "{http://www.w3.org/2000/svg}"


def test_items_with_identical_means_are_set_apart_and_say_so():
    result = analyse([("ties.csv", csv_of(thirty_items(seed=3, ties=TIES)))])
    svg = ET.fromstring(chart(result))
    dots = {g.get("data-item"): g for g in svg.iterfind(f"{SVG}g[@data-item]")}
    assert len(dots) == 30
    centre = {item: (float(g.find(f"{SVG}circle").get("cx")), float(g.find(f"{SVG}circle").get("cy"))) for item, g in dots.items()}
    means = {it["item"]: (it["importance"], it["satisfaction"]) for it in result["items"]}
    for item, leader in TIES.items():
        assert means[item] == means[leader]
        assert centre[item] != centre[leader]
        assert 9 <= ((centre[item][0] - centre[leader][0]) ** 2 + (centre[item][1] - centre[leader][1]) ** 2) ** 0.5 <= 30
        for name in (item, leader):
            assert dots[name].get("data-nudged") is not None
            assert "均值完全相同，圆点略微错开" in dots[name].find(f"{SVG}title").text
    assert len({centre[i] for i in THIRTY}) == 30
    alone = [i for i in THIRTY if i not in TIES and i not in TIES.values()]
    assert all(dots[i].get("data-nudged") is None and "错开" not in dots[i].find(f"{SVG}title").text for i in alone)
    (note,) = [t for t in svg.iterfind(f"{SVG}text") if t.get("data-note") == "nudged"]
    assert note.text.startswith(f"注：{len(TIES) + len(set(TIES.values()))} 个项目的两项均值与别的项目完全相同")
    plain = ET.fromstring(chart(analyse([("s.csv", csv_of(long_rows()))])))
    assert not [t for t in plain.iterfind(f"{SVG}text") if t.get("data-note")]


# what the chart looks like in a browser: each item's dot and name, the plot, the other words in it
GEOMETRY_JS = """() => {
  const svg = document.querySelector('svg[data-chart="quadrant"]');
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {
    plot: box(svg.querySelector('rect[data-plot]')),
    items: [...svg.querySelectorAll('g[data-item]')].map(g => ({
      item: g.dataset.item, text: g.querySelector('text[data-label]')?.textContent,
      dot: g.querySelector('circle') && box(g.querySelector('circle')), label: g.querySelector('text[data-label]') && box(g.querySelector('text[data-label]')),
      bbox: (t => { const b = t.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; })(g.querySelector('text[data-label]')),
    })),
    words: [...svg.querySelectorAll('text[data-quadrant-name], text[data-line-label]')].map(box),
  };
}"""


def _meet(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a, bounds) -> bool:
    return bounds[0] <= a[0] and a[2] <= bounds[2] and bounds[1] <= a[1] and a[3] <= bounds[3]


@pytest.mark.parametrize("ties", [None, TIES], ids=["random-means", "identical-means"])
def test_thirty_items_in_chromium_no_name_overlaps_and_nothing_outside_the_plot(tmp_path, ties):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("HUASHU_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Debian chromium is not installed here")
    from playwright.sync_api import sync_playwright

    path = tmp_path / "thirty.csv"
    path.write_bytes(csv_of(thirty_items(seed=2026, ties=ties)))
    run([path], tmp_path / "out")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1000})
            page.goto((tmp_path / "out" / "survey.html").as_uri())
            shown = page.evaluate(GEOMETRY_JS)
            page.locator('svg[data-chart="quadrant"]').screenshot(path=str(tmp_path / "chart.png"))
        finally:
            browser.close()
    items, plot = shown["items"], shown["plot"]
    assert sorted(it["item"] for it in items) == sorted(THIRTY)
    for it in items:
        assert it["text"] == it["item"] and it["dot"] and it["label"], it
        assert it["label"][2] > it["label"][0] and it["bbox"][2] > it["bbox"][0], it  # drawn, not empty
        assert _inside(it["dot"], plot), f"{it['item']}'s dot is outside the plot"
        assert _inside(it["label"], plot), f"{it['item']}'s name is outside the plot"
        assert not any(_meet(it["label"], word) for word in shown["words"]), f"{it['item']}'s name is on a quadrant or line name"
        for other in items:
            if other is not it:
                assert not _meet(it["label"], other["dot"]), f"{it['item']}'s name is on {other['item']}'s dot"
                assert not _meet(it["label"], other["label"]), f"{it['item']}'s name overlaps {other['item']}'s"
                assert not _meet(it["bbox"], other["bbox"]), f"{it['item']}'s name overlaps {other['item']}'s (getBBox)"
        assert not _meet(it["label"], it["dot"]), f"{it['item']}'s name covers its own dot"
