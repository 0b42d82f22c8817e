"""What a person sees on the page, in Chromium at a clerk's screen size: Chinese only (Gradio's own
menus and tooltips included) whatever the browser's language, at least 8 indicator rows in view
at 1366×768, Enter sends and Shift+Enter breaks the line, a finding marks its row and clicking it
selects the row, the download appears in view where 导出 was pressed, the grid has no column
operations or sorting, and a reload opens the last draft."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import ui_flows as flows
from ui_server import CHROMIUM, chat_index_dir, chat_retriever, launch_chromium, running_app, ui_index_dir  # noqa: F401

pytestmark = pytest.mark.slow

# Latin words a Chinese page may show: the export formats, file suffixes, units, the data itself.
ALLOWED_LATIN = {"word", "excel", "json", "docx", "xlsx", "txt", "csv", "tsv", "enter", "shift", "kb", "mb", "gb"}
WORD = re.compile(r"[A-Za-z]{2,}")
VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
    if (el.closest('[aria-hidden="true"], script, style, #chat .message, [role="gridcell"], #findings-list')) continue;
    out.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label]')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || el.closest('[aria-hidden="true"]')) continue;
    for (const name of ['title', 'placeholder']) if (el.getAttribute(name)) out.push(el.getAttribute(name));
  }
  return out;
}"""


def english(page) -> list[str]:
    """Visible strings (text, tooltips, placeholders) with Latin words other than the allowed ones.
    Chat messages, grid cells and findings are the user's and the corpus's own text: skipped."""
    found = []
    for text in page.evaluate(VISIBLE_TEXT_JS):
        words = {w.lower() for w in WORD.findall(text)} - ALLOWED_LATIN
        if words and not re.search(r"\.(docx|xlsx|json|txt)\b", text):
            found.append(text)
    return sorted(set(found))


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, ui_index_dir):  # noqa: F811
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium 未安装：请运行 scripts/setup.sh --test（apt-get install chromium fonts-noto-cjk）")
    with running_app(tmp_path_factory.mktemp("page-data"), ui_index_dir) as app:
        yield app.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def _page(browser, url: str, locale: str, size=(1366, 768), state=None):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=locale,
                                  accept_downloads=True, storage_state=state)
    page = context.new_page()
    page.set_default_timeout(flows.STEP_TIMEOUT_MS)
    page.goto(url)
    flows.wait_ready(page)
    return context, page


def _open_menus(page) -> list[str]:
    """The texts of the grid's cell menu (a body cell) and the header cell's menu, if any."""
    texts = []
    cell = flows.grid_cell(page, 1, 3)
    cell.click()
    button = cell.locator(".cell-menu-button")
    if button.count():
        button.first.click()
        texts.append(page.locator(".cell-menu").inner_text())
        page.keyboard.press("Escape")
    header = page.locator("#indicators [role=columnheader]").nth(3)
    header.hover()
    if header.locator(".cell-menu-button").is_visible():
        header.locator(".cell-menu-button").click()
        texts.append(page.locator(".cell-menu").inner_text())
        page.keyboard.press("Escape")
    return texts


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_chinese_only_and_the_work_in_view(browser, app_url, locale, tmp_path):
    context, page = _page(browser, app_url, locale)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert english(page) == [], english(page)

    box = flows.message_box(page)  # Shift+Enter breaks the line, Enter sends
    box.fill("第一行")
    box.press("Shift+Enter")
    box.type("第二行")
    assert box.input_value() == "第一行\n第二行"
    box.fill("")
    timings = flows.Timings()
    flows.draft(page, timings)  # typed and sent with Enter
    assert box.input_value() == ""
    assert flows.rows_in_viewport(page) >= 8, flows.rows_in_viewport(page)

    menus = _open_menus(page)
    assert menus, "the row menu (增删行) is there"
    assert any("添加" in m or "新增" in m or "行" in m for m in menus), menus
    for text in menus:
        assert not re.search(r"列|排序|筛选", text), text  # no column operations, no sorting or filters
        assert not WORD.search(text), text
    flows.check_upload(page, timings, tmp_path)  # a published table with vague values
    marked = page.locator("#indicators [role=gridcell][data-col='0']").filter(has_text="❌")
    assert marked.count() > 0  # a finding's row is marked on the row itself
    assert english(page) == [], english(page)
    flows.export_word(page, timings)
    assert flows.in_viewport(page, "#download a"), "the download is in view where 导出 was pressed"
    assert english(page) == [], english(page)
    context.close()


def test_a_finding_selects_its_row_and_a_reload_opens_the_last_draft(browser, app_url, tmp_path):
    context, page = _page(browser, app_url, "zh-CN", size=(1440, 900))
    timings = flows.Timings()
    flows.draft(page, timings)
    flows.edit(page, timings)
    changed = page.locator("#indicators [role=gridcell][data-col='0']").filter(has_text="✎")
    assert changed.count() >= 1  # the row the grid edit changed is marked
    flows.check_upload(page, timings, tmp_path)
    item = page.locator("#findings-list li[data-row]").nth(2)
    row = int(item.get_attribute("data-row"))
    item.click()
    picked = page.locator("#indicators .jx-picked")
    picked.wait_for()
    assert picked.locator(f'[data-testid="cell-{row}-3"]').count() == 1
    assert flows.in_viewport(page, f'#indicators [data-testid="cell-{row}-3"]')
    assert "--fix" not in page.locator("body").inner_text()  # worded for the page, not the command line

    state = context.storage_state()
    context.close()
    context, page = _page(browser, app_url, "zh-CN", state=state)  # the same browser, opened again
    page.locator("#chat").get_by_text("已打开草稿").first.wait_for()
    assert page.get_by_role("textbox", name="项目名称", exact=True).input_value() == flows.UPLOAD_PROJECT
    flows.grid_has(page, "12500名")
    context.close()
