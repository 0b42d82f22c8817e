"""End to end in a real browser: Debian's Chromium driven by Playwright against app.py.

Type a project description, see the draft with no errors, change a value through the chat and
in the grid, export Word and open the downloaded file, keep a screenshot; reload the page (the
last draft opens again and is listed under 我的草稿); upload a table whose text is markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import ui_flows as flows
from playwright.sync_api import expect
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
        flows.wait_ready(page)
        yield page
        context.close()
        browser.close()


def _send(page, text: str, reply: str) -> None:
    """Type a message, send it with 发送, wait until the reply shows `reply`."""
    before = flows.chat_count(page)
    flows.message_box(page).fill(text)
    page.locator("#send").click()
    flows.wait_reply(page, before, reply)


def _project_name(page) -> str:
    return page.get_by_role("textbox", name="项目名称", exact=True).input_value()


def _findings(page) -> str:
    return page.locator("#findings-list").inner_text()


def test_draft_edit_export_in_browser(page, tmp_path):
    import docx

    _send(page, DESCRIPTION, "已根据描述起草")
    assert _project_name(page) == PROJECT
    indicators = page.locator("#indicators")
    indicators.get_by_text("≥200人次").first.wait_for()
    findings = _findings(page)
    assert "检查结果" in findings or "未发现问题" in findings, findings  # the findings list is filled
    assert "❌" not in findings, findings  # no error rows (errors are listed first, marked ❌)
    assert "❌" not in indicators.inner_text()  # nor marked on a row of the grid

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
    cell.wait_for()
    cell.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("≥320人次")
    before = flows.chat_count(page)
    page.keyboard.press("Enter")
    flows.wait_reply(page, before, "已保存表格中的修改")
    assert "≥320人次" in page.locator("#indicators").inner_text()
    assert "≥300人次" not in page.locator("#indicators").inner_text()
    assert "❌" not in _findings(page)


def _draft_options(page):
    """Open 「我的草稿」 and return its options (the list the load event or 刷新 filled)."""
    page.locator("#drafts input").click()
    return page.get_by_role("option", name=re.compile(re.escape(PROJECT)))


def test_my_drafts_survive_a_reload(page):
    page.reload()
    flows.wait_ready(page)
    # The page's load event reopens the last draft: the one the grid edit saved.
    page.locator("#chat").get_by_text(f"已打开草稿《{PROJECT}》").first.wait_for()
    assert _project_name(page) == PROJECT
    flows.grid_has(page, "≥320人次")
    assert "≥300人次" not in page.locator("#indicators").inner_text()
    # ... and it is listed under 「我的草稿」, shown as the open one.
    assert PROJECT in page.locator("#drafts input").input_value()
    option = _draft_options(page).first
    option.wait_for()
    page.keyboard.press("Escape")

    # A new, empty draft; then the saved one again from the list.
    before = flows.chat_count(page)
    page.locator("#new").click()
    page.wait_for_function(f"document.querySelectorAll('#chat .message').length > {before}")
    expect(page.get_by_role("textbox", name="项目名称", exact=True)).to_have_value("", timeout=TIMEOUT_MS)
    assert "≥320人次" not in page.locator("#indicators").inner_text()
    option = _draft_options(page).first
    option.wait_for()
    option.click()
    before = flows.chat_count(page)
    page.locator("#drafts_open").click()
    flows.wait_reply(page, before, "已打开草稿")
    assert _project_name(page) == PROJECT
    flows.grid_has(page, "≥320人次")  # as saved by the grid edit


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
    before = flows.chat_count(page)
    with page.expect_file_chooser() as chooser:
        page.locator("#upload").click()  # 上传表格: one table opens at once, with its findings
    chooser.value.set_files(str(path))
    flows.wait_reply(page, before, "作为当前草稿")
    assert _project_name(page).startswith("<script>")
    assert '<img src=x onerror="window.__xss2=1">' in page.locator("#indicators").inner_text()
    assert page.locator("#indicators img").count() == 0 and page.locator("#findings-list img").count() == 0
    assert page.evaluate("window.__xss2") is None and page.evaluate("window.__xss3") is None
    assert page.locator("#findings-list").get_by_text("❌").count() > 0  # the checker ran on the upload
