"""`huashu report`: the management report from transcripts or an audit folder, run as users run it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import huashu_command, labelled_batches

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.corpus import months_of_chats  # noqa: E402

SECTIONS = ["设备", "治安", "消防", "停车场", "清洁", "绿化", "消杀", "管理费收支", "本体维修基金收支", "效果评估", "其它事项"]


def huashu(env, *args, timeout=600):
    return subprocess.run([*huashu_command(), *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)


def row(cid, role, sender, t, text):
    return {"conversation_id": cid, "role": role, "sender": sender, "time": t, "text": text}


# October and November 2026 in China's time, one December message (so November is the last full month)
CHATS = [
    row("o1", "customer", "wm-1", "2026-10-01T10:00:00+08:00", "电梯坏了，麻烦看一下"),
    row("o1", "agent", "zhang", "2026-10-01T10:10:00+08:00", "您好，谢谢您告诉我们，工程部师傅今天下午三点前上门处理。"),
    row("o2", "customer", "wm-2", "2026-10-12T09:00:00+08:00", "物业费怎么又涨了，太过分了，我要投诉"),
    row("o2", "agent", "li", "2026-10-12T09:02:00+08:00", "这是公司的规定，我也没办法。"),
    row("n1", "customer", "wm-3", "2026-11-03T09:00:00+08:00", "您好，在吗"),
    row("n1", "customer", "wm-3", "2026-11-03T09:01:00+08:00", "电梯又坏了，一个月坏了三次，我要投诉！"),
    row("n1", "agent", "zhang", "2026-11-03T09:05:00+08:00", "王先生您好，谢谢您告诉我们，给您添麻烦了，工程部师傅下午三点前上门处理。"),
    row("n1", "customer", "wm-3", "2026-11-03T18:00:00+08:00", "到现在还没人来"),
    row("n1", "agent", "zhang", "2026-11-03T18:03:00+08:00", "非常抱歉，师傅已经到楼下了，修好后我给您回电话。"),
    row("n2", "customer", "wm-4", "2026-11-10T20:00:00+08:00", "车位被人占了，13812345678 是我电话，麻烦处理一下"),
    row("n2", "agent", "li", "2026-11-10T20:30:00+08:00", "改天再联系你。"),
    row("n3", "customer", "wm-5", "2026-11-15T12:00:00+08:00", "厨房着火了！快来人！"),
    row("n3", "agent", "wang", "2026-11-15T12:01:00+08:00", "我已经上报主管，保安马上过去，请您先离开房间到楼下。"),
    row("n4", "customer", "wm-6", "2026-11-20T08:00:00+08:00", "楼道垃圾三天没人收了"),
    row("d1", "customer", "wm-7", "2026-12-02T08:00:00+08:00", "电梯又不动了"),
]

OFFICE = """\
name: 阳光花园物业服务中心
addressee: 阳光花园业主委员会及全体业主
解释人: 张明
phone: 0755-8888 6666
follow_up: 对本报告有疑问，请在公布后十五日内来电或到服务中心查询。
seal: 阳光花园物业服务中心
"""

FINANCE = """\
section,item,income,expense
管理费,物业费收入,"128,000.00",
管理费,保洁外包,,36000
fund,电梯大修,,"52,000"
"""


@pytest.fixture(scope="module")
def run_env_module(tmp_path_factory):
    """The environment the CLI runs in: no company lexicons, a cache of its own."""
    env = dict(os.environ)
    env.pop("HUASHU_LEXICON_DIRS", None)
    env["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    env["HUASHU_TIMEZONE"] = "Asia/Shanghai"
    return env


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory, run_env_module):
    """One report from CHATS, with office, finance and default period."""
    tmp = tmp_path_factory.mktemp("report")
    chats = write_jsonl(tmp / "chats.jsonl", CHATS)
    (tmp / "office.yaml").write_text(OFFICE, encoding="utf-8")
    (tmp / "finance.csv").write_text(FINANCE, encoding="utf-8")
    out = tmp / "out"
    done = huashu(run_env_module, "report", chats, "--out", out, "--office", tmp / "office.yaml", "--finance", tmp / "finance.csv")
    assert done.returncode == 0, done.stderr
    return tmp, out, json.loads((out / "report.json").read_text(encoding="utf-8"))


def section(report: dict, title: str) -> dict:
    return next(s for s in report["sections"] if s["title"] == title)


def test_the_last_full_month_is_reported_against_the_one_before(made):
    _, _, report = made
    assert report["period"]["from"] == "2026-11-01" and report["period"]["to"] == "2026-11-30"
    assert report["period"]["chosen_by"] == "last_full_month"
    assert report["period"]["previous"] == {"from": "2026-10-01", "to": "2026-10-31", "label": "2026年10月", "covered": True}
    assert [s["title"] for s in report["sections"]] == SECTIONS  # every section, every period (连续性)


def test_each_section_counts_the_matters_raised_in_the_period_with_their_conversations(made):
    _, _, report = made
    equipment = section(report, "设备")
    assert equipment["requests"]["conversations"] == ["n1"]  # d1 is December's, o1 October's
    assert equipment["complaints"]["conversations"] == ["n1"]
    assert equipment["previous"]["requests"]["conversations"] == ["o1"]
    # the matter began with 您好，在吗 at 09:00 and staff first answered at 09:05; the follow-up joined it
    assert equipment["response"]["median_minutes"] == 5.0
    assert [i["issue"] for i in equipment["issues"]] == ["电梯"]
    assert section(report, "停车场")["response"]["median_minutes"] == 30.0
    fire = section(report, "消防")
    assert fire["emergencies"]["conversations"] == ["n3"] and fire["emergencies"]["by_kind"][0]["kind"] == "fire"
    assert fire["emergencies"]["response"]["median_minutes"] == 1.0
    cleaning = section(report, "清洁")
    assert cleaning["response"]["unanswered"]["conversations"] == ["n4"]
    for title in ("治安", "绿化", "消杀", "本体维修基金收支"):
        assert section(report, title)["no_data"]
    fees = section(report, "管理费收支")
    assert fees["no_data"] and fees["previous"]["complaints"]["conversations"] == ["o2"]
    assert report["totals"]["requests"]["matters"] == 4 and report["totals"]["previous"]["requests"] == 2


def test_complaint_procedure_and_service_language_are_scored_in_the_period(made):
    _, _, report = made
    procedure = section(report, "设备")["procedure"]
    assert procedure["conversations"] == ["n1"] and procedure["count"] == 1
    audit_rows = {json.loads(line)["conversation_id"]: json.loads(line)
                  for line in (made[1] / "audit" / "conversations.jsonl").read_text(encoding="utf-8").splitlines()}
    assert procedure["average_score"] == audit_rows["n1"]["score"]
    assert {m["step"] for m in procedure["steps_missed"]} == set(audit_rows["n1"]["steps_missed"])
    evaluation = section(report, "效果评估")
    language = evaluation["language"]
    assert language["staff_messages"] == 4  # n1 twice, n2, n3
    assert language["forbidden"] >= 1  # 改天再联系你 in n2
    assert language["forbidden_per_100"] == round(100 * language["forbidden"] / 4, 2)
    assert evaluation["language_previous"]["staff_messages"] == 2
    assert [a["agent"] for a in evaluation["agents"]] == ["客服A", "客服B", "客服C"]  # not named unless asked
    assert [t["period"] for t in evaluation["trend"]] == ["2026年10月", "2026年11月"]


def test_office_finance_and_masking_reach_the_page(made):
    _, out, report = made
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "阳光花园物业服务中心管理报告" in html and "尊敬的阳光花园业主委员会及全体业主" in html
    assert "张明" in html and "0755-8888 6666" in html and "十五日内" in html
    assert report["office"]["explainer"] == "张明"
    fees = section(report, "管理费收支")["finance"]
    assert fees["income"] == 128000.0 and fees["expense"] == 36000.0 and fees["balance"] == 92000.0
    assert section(report, "本体维修基金收支")["finance"]["expense"] == 52000.0
    assert "128,000.00" in html and "本期无相关反映" in html
    assert "13812345678" not in html and "138****5678" in html  # the resident's phone, masked
    for number, title in zip(["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"], SECTIONS, strict=True):
        assert f"{number}、{title}" in html
    assert "前言" in html and "结语" in html and "主任签署" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # self-contained


def test_an_audit_folder_gives_the_same_report_as_its_transcripts(made, run_env_module, tmp_path):
    tmp, out, report = made
    again = huashu(run_env_module, "report", out / "audit", "--out", tmp_path, "--office", tmp / "office.yaml",
                   "--finance", tmp / "finance.csv")
    assert again.returncode == 0, again.stderr
    second = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert second["sections"] == report["sections"] and second["totals"] == report["totals"]
    assert not (tmp_path / "audit").exists()  # nothing audited again


def test_given_dates_and_named_agents(made, run_env_module, tmp_path):
    tmp, out, _ = made
    done = huashu(run_env_module, "report", out / "audit", "--out", tmp_path, "--from", "2026-10-01", "--to", "2026-11-30",
                  "--name-agents", "--no-mask-pii")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["period"]["label"] == "2026年10月1日至2026年11月30日" and report["period"]["chosen_by"] == "given"
    assert section(report, "设备")["requests"]["conversations"] == ["n1", "o1"]
    assert report["period"]["previous"]["covered"] is False  # nothing before October
    assert {a["agent"] for a in section(report, "效果评估")["agents"]} == {"zhang", "li", "wang"}
    assert "13812345678" in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--from", "2026-13-01"], "--from"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "晚于"),
        (["--office", "{tmp}/bad-office.yaml"], "bad-office.yaml"),
        (["--finance", "{tmp}/bad-finance.csv"], "bad-finance.csv:3"),
        (["--survey", "{tmp}/bad-survey.json"], "bad-survey.json"),
    ],
)
def test_bad_options_and_side_files_are_usage_errors_naming_where(made, run_env_module, tmp_path, args, named):
    tmp, out, _ = made
    (tmp_path / "bad-office.yaml").write_text("name: 某处\ncolour: red\n", encoding="utf-8")
    (tmp_path / "bad-finance.csv").write_text("section,item,income,expense\nfees,物业费,100,\nfees,保洁,,三千\n", encoding="utf-8")
    (tmp_path / "bad-survey.json").write_text('{"items": [{"item": "电梯"}]}', encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = huashu(run_env_module, "report", out / "audit", "--out", tmp_path / "out", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert named in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "report.html").exists()


def test_inputs_that_are_not_audits_or_transcripts_are_usage_errors(run_env_module, tmp_path):
    (tmp_path / "folder").mkdir()
    for given, named in ((tmp_path / "folder", "conversations.jsonl"), (tmp_path / "missing.jsonl", "missing.jsonl")):
        done = huashu(run_env_module, "report", given, "--out", tmp_path / "out")
        assert done.returncode == 2 and named in done.stderr and "Traceback" not in done.stderr


def test_months_of_chats_every_matter_counted_once_and_traceable(run_env_module, tmp_path):
    """A generated quarter: the report's sections add up to the audit's matters of the month, and
    every conversation a figure names is one the audit read."""
    residents = labelled_batches("residents")
    chats = write_jsonl(tmp_path / "chats.jsonl", months_of_chats(residents, [(2026, 9), (2026, 10), (2026, 11)], 60))
    done = huashu(run_env_module, "report", chats, "--out", tmp_path / "out", "--to", "2026-11-30")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in (tmp_path / "out" / "audit" / "conversations.jsonl").read_text(encoding="utf-8").splitlines()]
    known = {r["conversation_id"] for r in rows}
    november = [m for r in rows for m in r["matters"] if m["time"].startswith("2026-11")]
    assert sum(s["requests"]["matters"] for s in report["sections"] if s["topics"]) == len(november) > 40

    def ids(value):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from (v if k == "conversations" and isinstance(v, list) else ids(v))
        elif isinstance(value, list):
            for v in value:
                yield from ids(v)

    named = set(ids(report["sections"]))
    assert named and named <= known
    # and the audit read the residents' sections as they were labelled (the chats open with
    # labelled messages)
    label = {r["text"][:200]: r["topic"] for r in residents}
    read = [(m["topic"], label[m["text"]]) for r in rows for m in r["matters"] if m["text"] in label]
    assert len(read) > 100 and sum(got == want for got, want in read) / len(read) >= 0.9


def test_the_report_prints_on_a4_one_part_per_page_without_the_network(made, run_env_module, tmp_path):
    """A busy month (every section with matters, tables full, finance given) prints one part per
    A4 page: as many pages as parts, so no part runs over and no table is cut."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed")
    tmp, _, _ = made
    chats = write_jsonl(tmp_path / "chats.jsonl", months_of_chats(labelled_batches("residents"), [(2026, 10), (2026, 11)], 200))
    out = tmp_path / "out"
    done = huashu(run_env_module, "report", chats, "--out", out, "--finance", tmp / "finance.csv", "--office", tmp / "office.yaml")
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert all(not s["no_data"] for s in report["sections"])
    requests = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto((out / "report.html").as_uri())
        headings = page.locator("h2").all_inner_texts()
        parts = page.locator("section.sheet").count()
        pdf = page.pdf(format="A4")
        browser.close()
    assert headings[0] == "前言" and headings[-1] == "结语"
    assert [h.split("、", 1)[1] for h in headings[1:-1]] == SECTIONS
    assert all(url.startswith("file:") for url in requests)
    assert parts == len(SECTIONS) + 2
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == parts


def test_a_survey_from_huashu_survey_is_read_into_the_evaluation(made, run_env_module, tmp_path):
    _, out, _ = made
    rows = ["respondent,item,importance,satisfaction"]
    for r in range(1, 5):
        rows += [f"R{r},电梯维修,5,2", f"R{r},绿化养护,2,5", f"R{r},安保巡逻,5,5", f"R{r},社区活动,2,2"]
    (tmp_path / "survey.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    made_survey = huashu(run_env_module, "survey", tmp_path / "survey.csv", "--out", tmp_path / "survey")
    assert made_survey.returncode == 0, made_survey.stderr
    done = huashu(run_env_module, "report", out / "audit", "--out", tmp_path / "report", "--survey", tmp_path / "survey" / "survey.json")
    assert done.returncode == 0, done.stderr
    survey = section(json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8")), "效果评估")["survey"]
    assert survey["respondents"] == 4 and survey["quadrants"]["急需改进"] == ["电梯维修"]
    assert survey["quadrants"]["继续保持"] == ["安保巡逻"] and survey["average_satisfaction"] == 3.5
    assert "急需改进的项目是：电梯维修" in (tmp_path / "report" / "report.html").read_text(encoding="utf-8")


def _parking(cid: str, day: int, minutes: int) -> list[dict]:
    asked = f"2026-11-{day:02d}T09:00:00+08:00"
    answered = f"2026-11-{day:02d}T09:{minutes:02d}:00+08:00"
    return [row(cid, "customer", f"wm-{cid}", asked, "车位被人占了，麻烦处理一下"),
            row(cid, "agent", "li", answered, "您好，保安十分钟内到车位查看，处理好告诉您。")]


def test_first_answer_times_median_and_90th_percentile_by_hand(run_env_module, tmp_path):
    """Five parking matters answered after 1, 2, 3, 4 and 10 minutes, and one that opened with a
    greeting staff answered at once: the greeting's answer is not the matter's."""
    chats = [r for i, m in enumerate([1, 2, 3, 4, 10], 1) for r in _parking(f"p{i}", i, m)]
    chats += [
        row("g1", "customer", "wm-g", "2026-11-20T09:00:00+08:00", "您好，在吗"),
        row("g1", "agent", "li", "2026-11-20T09:01:00+08:00", "您好，请讲。"),
        row("g1", "customer", "wm-g", "2026-11-20T10:00:00+08:00", "楼道垃圾三天没人收了"),
        row("g1", "agent", "li", "2026-11-20T10:02:00+08:00", "您好，保洁十分钟内过去清理。"),
    ]
    done = huashu(run_env_module, "report", write_jsonl(tmp_path / "chats.jsonl", chats), "--out", tmp_path / "out",
                  "--from", "2026-11-01", "--to", "2026-11-30")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    parking = section(report, "停车场")["response"]
    minutes = sorted([1, 2, 3, 4, 10])
    rank = 0.9 * (len(minutes) - 1)  # the 90th percentile, interpolated between the ranks around it
    low = int(rank)
    assert parking["median_minutes"] == 3.0
    assert parking["p90_minutes"] == round(minutes[low] + (rank - low) * (minutes[low + 1] - minutes[low]), 1) == 7.6
    assert section(report, "清洁")["response"]["median_minutes"] == 2.0  # from 10:00, not the greeting at 09:00


def test_a_half_covered_previous_month_is_not_compared(made, run_env_module, tmp_path):
    chats = [r for r in CHATS if not r["time"].startswith("2026-10-01")]  # October now starts on the 12th
    done = huashu(run_env_module, "report", write_jsonl(tmp_path / "chats.jsonl", chats), "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["period"]["previous"]["covered"] is False
    assert section(report, "设备")["previous"] is None and report["totals"]["previous"] is None
    assert "上期数据不完整" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_rejected_transcript_rows_are_reported_and_exit_3(run_env_module, tmp_path):
    path = write_jsonl(tmp_path / "chats.jsonl", CHATS)
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"conversation_id": "broken", "role": \n')
    done = huashu(run_env_module, "report", path, "--out", tmp_path / "out")
    assert done.returncode == 3, done.stderr
    assert "1 行聊天记录无法读取" in done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["data"]["rejected_rows"] == 1 and section(report, "设备")["requests"]["conversations"] == ["n1"]
    assert "1 行聊天记录无法读取" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_office_values_are_kept_as_written(made, run_env_module, tmp_path):
    _, out, _ = made
    (tmp_path / "office.yaml").write_text("name: 某处\nphone: 01062345670\nexplainer: 2026\n", encoding="utf-8")
    done = huashu(run_env_module, "report", out / "audit", "--out", tmp_path / "out", "--office", tmp_path / "office.yaml")
    assert done.returncode == 0, done.stderr
    office = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["office"]
    assert office["phone"] == "01062345670" and office["explainer"] == "2026"  # not octal, not a number


@pytest.mark.parametrize(
    ("finance", "named"),
    [
        ("section,item,income,expense\nfees,物业费,nan,\n", "bad.csv:2"),
        ("section,item,income,expense\nfees,物业费,inf,\n", "bad.csv:2"),
        ("section,item,income,expense\nfees,物业费,12,000.00,\n", "bad.csv:2"),  # an unquoted thousands comma
        ("section,item,income,expense\n停车,车位费,100,\n", "bad.csv:2"),
    ],
)
def test_finance_rows_that_are_not_amounts_are_refused_by_line(made, run_env_module, tmp_path, finance, named):
    _, out, _ = made
    (tmp_path / "bad.csv").write_text(finance, encoding="utf-8")
    done = huashu(run_env_module, "report", out / "audit", "--out", tmp_path / "out", "--finance", tmp_path / "bad.csv")
    assert done.returncode == 2 and named in done.stderr and "Traceback" not in done.stderr


def test_an_audit_folder_from_elsewhere_is_refused_by_line(made, run_env_module, tmp_path):
    _, out, _ = made
    folder = tmp_path / "audit"
    shutil.copytree(out / "audit", folder)
    rows = (folder / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(rows[0])
    del first["first_ms"]
    (folder / "conversations.jsonl").write_text("\n".join([json.dumps(first, ensure_ascii=False), *rows[1:]]) + "\n", encoding="utf-8")
    done = huashu(run_env_module, "report", folder, "--out", tmp_path / "out")
    assert done.returncode == 2 and "conversations.jsonl:1" in done.stderr and "first_ms" in done.stderr
