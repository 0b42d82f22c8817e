"""End to end in a real browser: Debian's Chromium driven by Playwright against app.py.

Type a project description, see the draft with no errors, change a value through the chat,
export Word and open the downloaded file, and keep a screenshot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from ui_server import CHROMIUM, chat_index_dir, chat_retriever, launch_chromium, running_app, ui_index_dir  # noqa: F401

pytestmark = pytest.mark.slow

DESCRIPTION = "2025年中小企业数字化转型培训项目，预算30万元，培训企业负责人200人次，11月底前完成"
PROJECT = "2025年中小企业数字化转型培训项目"
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, ui_index_dir):  # noqa: F811
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium 未安装：请运行 scripts/setup.sh --test（apt-get install chromium fonts-noto-cjk）")
    with running_app(tmp_path_factory.mktemp("ui-data"), ui_index_dir) as (url, _seconds, _pid):
        yield url


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1600, "height": 1200}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(app_url)
        page.get_by_role("textbox", name="输入消息", exact=True).wait_for()
        yield page
        context.close()
        browser.close()


def _send(page, text: str, expect: str) -> None:
    """Type a message, send it, wait until the chat shows `expect`."""
    count = page.locator("#chat .message").count()
    page.get_by_role("textbox", name="输入消息", exact=True).fill(text)
    page.locator("#send").click()
    page.wait_for_function(f"document.querySelectorAll('#chat .message').length > {count}")
    page.locator("#chat").get_by_text(expect).last.wait_for()


def _project_name(page) -> str:
    return page.get_by_role("textbox", name="项目名称", exact=True).input_value()


def test_draft_edit_export_in_browser(page, tmp_path):
    import docx

    _send(page, DESCRIPTION, "已根据描述起草")
    assert _project_name(page) == PROJECT
    indicators = page.locator("#indicators")
    indicators.get_by_text("≥200人次").first.wait_for()
    findings = page.locator("#findings").inner_text()
    assert "❌" not in findings, findings  # no error rows (errors are listed first, marked ❌)

    _send(page, "把培训人数改为300人次", "已修改")
    indicators.get_by_text("≥300人次").first.wait_for()
    assert "≥200人次" not in indicators.inner_text()

    page.locator("#export_docx").click()
    link = page.locator("#download a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "draft.docx"
    info.value.save_as(saved)
    text = "\n".join(cell.text for table in docx.Document(saved).tables for row in table.rows for cell in row.cells)
    text += "\n".join(p.text for p in docx.Document(saved).paragraphs)
    assert PROJECT in text and "≥300人次" in text

    shot = tmp_path / "assistant.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    print(f"screenshot: {shot}")


def test_script_in_message_is_shown_as_text(page):
    _send(page, '<img src=x onerror="window.__xss=1">', "没有理解")
    assert page.evaluate("window.__xss") is None
    assert page.locator("#chat img[src='x']").count() == 0
    assert re.search(r"<img src=x", page.locator("#chat").inner_text())


def test_edit_a_value_in_the_grid(page):
    cell = page.locator("#indicators").get_by_text("≥300人次").first
    cell.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("≥320人次")
    page.keyboard.press("Enter")
    page.locator("#chat").get_by_text("已保存表格中的修改").last.wait_for()
    assert "≥320人次" in page.locator("#indicators").inner_text()
    assert "❌" not in page.locator("#findings").inner_text()


def test_uploaded_table_with_markup_is_shown_as_text(page, tmp_path):
    import json

    table = {
        "project_name": "<script>window.__xss3=1</script>上传项目",
        "budget": {"total": 100000, "fiscal": 100000, "other": 0},
        "indicators": [{"level1": "产出指标", "level2": "数量指标", "level3": '<img src=x onerror="window.__xss2=1">',
                        "description": "测试", "value": "≥95%", "basis": "计划标准"}],
    }
    path = tmp_path / "上传.json"
    path.write_text(json.dumps([table], ensure_ascii=False), encoding="utf-8")
    page.get_by_text("上传已有表格").click()
    page.locator("#upload input[type=file]").set_input_files(str(path))
    page.get_by_text("已读取").wait_for()
    page.get_by_role("button", name="以此为草稿").click()
    page.locator("#chat").get_by_text("作为当前草稿").last.wait_for()
    assert _project_name(page).startswith("<script>")
    assert '<img src=x onerror="window.__xss2=1">' in page.locator("#indicators").inner_text()
    assert page.locator("#indicators img").count() == 0 and page.locator("#findings img").count() == 0
    assert page.evaluate("window.__xss2") is None and page.evaluate("window.__xss3") is None
    assert page.locator("#findings").get_by_text("❌").count() > 0  # the checker ran on the upload


def test_my_drafts_survive_a_reload(page):
    page.reload()
    page.get_by_role("textbox", name="输入消息", exact=True).wait_for()
    # The page's load event fills the chat greeting and 「我的草稿」 together: wait for it.
    page.wait_for_function("document.querySelectorAll('#chat .message').length > 0")
    assert _project_name(page) == ""
    page.get_by_text("我的草稿").first.click()
    option = page.get_by_role("option", name=re.compile(PROJECT)).first
    for _ in range(3):  # the list comes with the load event; 「刷新」 asks again, as a user would
        page.locator("#drafts input").click()
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            page.get_by_role("button", name="刷新").click()
            page.wait_for_timeout(1_000)
    option.click()
    page.get_by_role("button", name="打开").click()
    page.locator("#chat").get_by_text("已打开草稿").wait_for()
    assert _project_name(page) == PROJECT
    page.locator("#indicators").get_by_text("≥320人次").first.wait_for()  # as saved by the grid edit
