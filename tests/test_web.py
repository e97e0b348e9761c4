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


def test_web_apply_one_suggestion_with_emoji_before_it(page):
    page.get_by_test_id("draft-input").fill("😊😊您好，师傅可能下午过来。")
    page.get_by_test_id("check-button").click()
    page.get_by_test_id("verdict").wait_for()
    assert page.get_by_test_id("verdict").get_attribute("data-verdict") == "warn"
    assert page.get_by_test_id("finding").first.get_attribute("data-category") == "D4"
    page.get_by_test_id("apply-suggestion").first.click()
    page.wait_for_function("document.querySelector('[data-testid=verdict]').dataset.verdict === 'pass'")
    assert page.get_by_test_id("draft-input").input_value() == "😊😊您好，师傅预计下午过来。"


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
