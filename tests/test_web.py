"""The staff page in real headless Chromium (Debian's, driven by Playwright): type a draft, check,
see the highlights with reasons, apply the rewrite, check again and pass; a suggestion and copy."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

if not os.path.exists(CHROMIUM):
    if os.environ.get("HUASHU_REQUIRE_BROWSER"):
        raise RuntimeError(f"Chromium not found at {CHROMIUM} (CI installs Debian's chromium)")
    pytest.skip("Debian chromium is not installed here", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    requests = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(server.url + "/")
    yield pg
    assert all(u.startswith(server.url) for u in requests), "the page fetched something from the network"
    context.close()


def test_web_check_highlight_rewrite_and_pass(page):
    page.get_by_test_id("draft-input").fill("王先生您好，这种问题连小孩子都会，改天再联系你。")
    page.get_by_test_id("check-button").click()
    verdict = page.get_by_test_id("verdict")
    verdict.wait_for()
    assert verdict.get_attribute("data-verdict") == "block"
    assert verdict.inner_text() == "拦截"
    findings = page.get_by_test_id("finding")
    assert findings.count() == 2
    assert sorted(findings.nth(i).get_attribute("data-category") for i in range(2)) == ["F01", "F10"]
    assert "轻视顾客能力" in findings.nth(0).inner_text()  # the category's name and the reason show
    assert page.locator("#highlighted mark").count() >= 2
    page.get_by_test_id("apply-rewrite").click()
    page.wait_for_function("document.querySelector('[data-testid=verdict]').dataset.verdict === 'pass'")
    assert page.get_by_test_id("finding").count() == 0
    text = page.get_by_test_id("draft-input").input_value()
    assert text.startswith("王先生您好，") and "改天" not in text


def test_web_shows_the_rewrite_as_a_change_and_applies_it(page, tmp_path):
    """The rewrite is shown against the draft: the dismissal and the excuse struck through, what
    the rewrite adds marked, the fact the resident needs kept as written; one click applies it
    and the check passes."""
    draft = "这个我们管不了，您自己想想办法吧，电梯维修电话是88886666，现在太忙了。"
    page.get_by_test_id("draft-input").fill(draft)
    page.get_by_test_id("check-button").click()
    page.get_by_test_id("verdict").wait_for()
    assert page.get_by_test_id("verdict").get_attribute("data-verdict") == "block"
    view = page.get_by_test_id("rewrite-changes")
    dropped = "".join(view.get_by_test_id("rewrite-dropped").all_inner_texts())
    added = "".join(view.get_by_test_id("rewrite-added").all_inner_texts())
    kept = "".join(view.get_by_test_id("rewrite-kept").all_inner_texts())
    for residue in ("管不了", "想想办法", "太忙了"):
        assert residue in dropped and residue not in kept + added
    assert "88886666" in kept  # the fact stays, as written
    assert added  # the rewrite says something of its own (ownership, a time)
    struck = view.get_by_test_id("rewrite-dropped").first.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "line-through" in struck
    # what is kept and added, read in order, is the rewrite itself
    pieces = view.locator("[data-testid=rewrite-kept], [data-testid=rewrite-added]").all_inner_texts()
    assert "".join(pieces) == page.get_by_test_id("rewrite-result").inner_text()
    page.screenshot(path=str(tmp_path / "rewrite-change.png"), full_page=True)
    page.get_by_test_id("apply-rewrite").click()
    page.wait_for_function("document.querySelector('[data-testid=verdict]').dataset.verdict === 'pass'")
    assert "88886666" in page.get_by_test_id("draft-input").input_value()


def test_web_shows_where_a_finding_came_from(page):
    """A clause the lexicon has no wording for is read by the model: the page says so, with its
    confidence, beside the lexicon's own finding."""
    page.get_by_test_id("draft-input").fill("这种问题连小孩子都会。这个事情改天再聊吧。")
    page.get_by_test_id("check-button").click()
    page.get_by_test_id("verdict").wait_for()
    findings = page.get_by_test_id("finding")
    sources = {findings.nth(i).get_attribute("data-category"): findings.nth(i) for i in range(findings.count())}
    assert sources["F01"].get_attribute("data-source") == "lexicon"
    assert sources["F10"].get_attribute("data-source") == "model"
    assert "模型判断（把握" in sources["F10"].get_by_test_id("finding-source").inner_text()
    assert sources["F01"].get_by_test_id("finding-source").inner_text() == "词库"


def test_web_apply_one_suggestion_with_emoji_before_it(page):
    page.get_by_test_id("draft-input").fill("😊😊您好，师傅可能下午过来。")
    page.get_by_test_id("check-button").click()
    page.get_by_test_id("verdict").wait_for()
    assert page.get_by_test_id("verdict").get_attribute("data-verdict") == "warn"
    assert page.get_by_test_id("finding").first.get_attribute("data-category") == "D4"
    page.get_by_test_id("apply-suggestion").first.click()
    page.wait_for_function("document.querySelector('[data-testid=verdict]').dataset.verdict === 'pass'")
    assert page.get_by_test_id("draft-input").input_value() == "😊😊您好，师傅下午过来。"


def test_web_copy_button_copies_the_draft(page):
    page.get_by_test_id("draft-input").fill("好的，马上到！")
    page.get_by_test_id("check-button").click()
    page.wait_for_function("document.querySelector('[data-testid=verdict]').dataset.verdict === 'pass'")
    page.get_by_test_id("copy-button").click()
    assert page.evaluate("navigator.clipboard.readText()") == "好的，马上到！"
    assert "已复制" in page.locator("#status").inner_text()


def test_web_fits_a_phone_screen(page):
    page.get_by_test_id("draft-input").fill("这个不行。")
    page.get_by_test_id("check-button").click()
    page.get_by_test_id("verdict").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_web_empty_draft_is_explained(page):
    page.get_by_test_id("check-button").click()
    assert "请先输入" in page.locator("#status").inner_text()


# ---- the assistant panel ----------------------------------------------------------------------


def test_web_assistant_reads_the_resident_and_drafts_into_the_checker(page):
    page.get_by_test_id("customer-name").fill("王先生")
    page.get_by_test_id("resident-input").fill("电梯又坏了，打了三次电话都没人理，你们什么态度！")
    page.get_by_test_id("assist-button").click()
    page.get_by_test_id("assist-draft").first.wait_for()
    assert page.get_by_test_id("topic").get_attribute("data-code") == "equipment"
    assert page.get_by_test_id("psychology").get_attribute("data-codes") == "respect"
    assert "没人理" in page.get_by_test_id("psychology").inner_text()  # the resident's words as evidence
    assert page.get_by_test_id("urgent").is_hidden()
    steps = page.locator("[data-testid=next-steps] li")
    assert "二谦" in [steps.nth(i).inner_text() for i in range(steps.count())]
    drafts = page.get_by_test_id("assist-draft")
    assert drafts.count() == 3
    texts = [drafts.nth(i).locator(".text").inner_text() for i in range(3)]
    assert all(t.startswith("王先生") for t in texts) and len(set(texts)) == 3
    assert page.get_by_test_id("conversation").inner_text().startswith("业主：电梯又坏了")
    assert page.get_by_test_id("resident-input").input_value() == ""

    # one click moves a draft into the checker, which passes it
    drafts.nth(1).get_by_test_id("use-draft").click()
    page.wait_for_function("document.querySelector('[data-testid=verdict]').dataset.verdict === 'pass'")
    assert page.get_by_test_id("draft-input").input_value() == texts[1]
    review = page.get_by_test_id("draft-review")
    review.wait_for()
    assert page.get_by_test_id("draft-missing").get_attribute("data-steps") in ("", "explain")

    # a draft of the staff's own is reviewed against the complaint: no apology, no time
    page.get_by_test_id("draft-input").fill("师傅在路上了，您再等等。")
    page.get_by_test_id("check-button").click()
    page.wait_for_function(
        "(document.querySelector('[data-testid=draft-missing]').dataset.steps || '').includes('apologise')"
    )
    missing = page.get_by_test_id("draft-missing").get_attribute("data-steps").split()
    assert {"thank", "apologise", "act"} <= set(missing)

    # what was sent joins the conversation; the next message is read with it
    page.get_by_test_id("draft-input").fill(texts[0])
    page.get_by_test_id("mark-sent").click()
    turns = page.get_by_test_id("turn")
    assert [turns.nth(i).get_attribute("data-role") for i in range(turns.count())] == ["resident", "staff"]
    page.get_by_test_id("resident-input").fill("好的，谢谢")
    page.get_by_test_id("assist-button").click()
    page.wait_for_function("document.querySelectorAll('[data-testid=turn]').length === 3")
    assert page.get_by_test_id("topic").get_attribute("data-code") == "equipment"  # carried from the conversation


def test_web_assistant_flags_an_emergency(page):
    page.get_by_test_id("resident-input").fill("厨房里一股很浓的煤气味，我不敢开灯")
    page.get_by_test_id("assist-button").click()
    urgent = page.get_by_test_id("urgent")
    urgent.wait_for()
    assert urgent.get_attribute("data-kind") == "gas"
    text = urgent.inner_text()
    assert "及时向上级汇报" in text and "先救人报案" in text
    first = page.get_by_test_id("assist-draft").first.locator(".text").inner_text()
    assert "马上" in first or "现在就" in first
    page.get_by_test_id("new-conversation").click()
    assert page.get_by_test_id("conversation").is_hidden()
    assert page.locator("#assist-result").is_hidden()


def test_web_assistant_reports_an_empty_message(page):
    page.get_by_test_id("assist-button").click()
    assert "请先粘贴" in page.locator("#assist-status").inner_text()


def test_web_report_tab_draws_the_survey_chart(page, tmp_path):
    """The 报告 tab: upload an Excel survey, see the chart (a dot and a label per item, inside the
    plot), the 急需改进 items and the table."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["受访者", "电梯维修-重要程度", "电梯维修-满意度", "绿化养护-重要程度", "绿化养护-满意度",
                  "安保巡逻-重要程度", "安保巡逻-满意度", "社区活动-重要程度", "社区活动-满意度", "意见"])
    for r in range(1, 6):
        sheet.append([f"R{r}", 5, 2, 2, 5, 5, 5, 2, 2, "电梯老是坏" if r == 1 else None])
    book.save(tmp_path / "满意度.xlsx")
    page.get_by_test_id("tab-report").click()
    assert page.get_by_test_id("draft-input").is_hidden()
    page.get_by_test_id("survey-file").set_input_files(str(tmp_path / "满意度.xlsx"))
    page.get_by_test_id("survey-run").click()
    page.get_by_test_id("survey-result").wait_for()
    dots = page.locator("[data-testid=survey-chart] [data-item]")
    assert dots.count() == 4
    assert {dots.nth(i).get_attribute("data-quadrant") for i in range(4)} == {"继续保持", "急需改进", "锦上添花", "不合优先"}
    assert page.get_by_test_id("survey-urgent").inner_text().startswith("电梯维修")
    assert page.locator("[data-testid=survey-items] tr[data-item]").count() == 4
    chart = page.locator("[data-testid=survey-chart] svg").bounding_box()
    for i in range(4):
        box = dots.nth(i).bounding_box()
        assert chart["x"] <= box["x"] and box["x"] + box["width"] <= chart["x"] + chart["width"] + 1
    page.get_by_test_id("tab-reply").click()
    assert page.get_by_test_id("draft-input").is_visible()


def test_web_report_tab_explains_what_it_could_not_use(page, tmp_path):
    """Rows it could not use are listed once each with their reason; a file it cannot read at
    all hides the previous result and says why."""
    good = tmp_path / "good.csv"
    good.write_text("受访者,项目,重要程度,满意度\nR1,电梯维修,5,2\nR2,电梯维修,4,2\nR3,绿化养护,2,5\nR3,绿化养护,2,5\nR4,安保巡逻,9,9\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("项目,满意度\n电梯,3\n", encoding="utf-8")
    page.get_by_test_id("tab-report").click()
    page.get_by_test_id("survey-file").set_input_files(str(good))
    page.get_by_test_id("survey-run").click()
    page.get_by_test_id("survey-result").wait_for()
    reasons = page.locator("#survey-errors li").all_inner_texts()
    assert len(reasons) == 2  # the repeated answer and the out-of-range scores
    assert all(r.count("good.csv") == 1 for r in reasons)
    page.get_by_test_id("survey-file").set_input_files(str(bad))
    page.get_by_test_id("survey-run").click()
    page.wait_for_function("document.getElementById('survey-status').textContent.includes('bad.csv')")
    assert page.get_by_test_id("survey-result").is_hidden()
