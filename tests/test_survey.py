"""`huashu survey` (顾客满意度评析, 四分图): means, gaps, intervals and quadrants checked against a
small survey worked out by hand; long and wide form, CSV in UTF-8 / BOM / GB18030 and Excel give
the same items; bad rows, unusable files, residents' comments read by the real engine, escaping,
and the page in real Chromium (one dot per item, prints on several A4 pages)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from management.survey import SurveyError, quadrant_chart, run
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
# t = 4.303 (three answers), clipped to 1..5: s = √(1/3) gives ±1.43, s = 1 gives ±2.48.
EXPECTED = [
    # item, importance, satisfaction, gap, respondents, importance_ci, satisfaction_ci, quadrant
    ("垃圾清运", 4.67, 3.0, 1.67, 3, [3.23, 5.0], [3.0, 3.0], "急需改进"),
    ("电梯维修", 4.67, 2.33, 2.33, 3, [3.23, 5.0], [1.0, 3.77], "急需改进"),
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
