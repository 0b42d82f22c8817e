"""The five main flows of the page, as a person does them in Chromium: draft from a description,
edit by chat and in the grid, check an uploaded table, ask a reviewer question, export Word.

Used by the browser tests, the UI benchmark (bench/bench_ui.py: each step timed from the action
to the moment its result is on screen) and the screenshot script (scripts/screenshots.py)."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTION = ("2026年中小企业数字化转型培训项目，预算50万元，培训企业200家、培训企业管理人员600人次，"
               "10月底前完成")
PROJECT = "2026年中小企业数字化转型培训项目"
CHAT_EDIT = "把企业管理人员培训人次改为800人次"
GRID_VALUE = "≥210家"  # typed into the grid over 培训企业数量's ≥200家
UPLOAD_SOURCE = ROOT / "corpus" / "sources" / "016.json"  # a published table with vague values
UPLOAD_NAME = "吕梁山护工培训绩效目标表.json"
UPLOAD_PROJECT = "2021年吕梁山护工培训"
QUESTION = "有哪些类似项目的时效指标？"
STEP_TIMEOUT_MS = 120_000


@dataclass
class Timings:
    """Seconds per step, in the order run."""

    steps: dict[str, float] = field(default_factory=dict)

    def measure(self, name: str, act: Callable[[], None], done: Callable[[], None]) -> None:
        start = time.perf_counter()
        act()
        done()
        self.steps[name] = time.perf_counter() - start


def message_box(page):
    return page.get_by_role("textbox", name="输入消息", exact=True)


def chat_count(page) -> int:
    return page.locator("#chat .message").count()


def wait_reply(page, before: int, expect: str) -> None:
    """Until the chat has a new message containing `expect`."""
    page.wait_for_function(f"document.querySelectorAll('#chat .message').length > {before}",
                           timeout=STEP_TIMEOUT_MS)
    page.locator("#chat .message").last.get_by_text(expect).first.wait_for(timeout=STEP_TIMEOUT_MS)


def send(page, text: str, expect: str, timings: Timings | None = None, name: str = "") -> None:
    """Type a message and press Enter (as a person sends); wait for the reply."""
    box = message_box(page)
    box.fill(text)
    before = chat_count(page)
    timings = timings or Timings()
    timings.measure(name or text, lambda: box.press("Enter"), lambda: wait_reply(page, before, expect))


def wait_ready(page) -> None:
    """The page is usable: the message box and the greeting are shown."""
    message_box(page).wait_for(timeout=STEP_TIMEOUT_MS)
    page.wait_for_function("document.querySelectorAll('#chat .message').length > 0", timeout=STEP_TIMEOUT_MS)


def grid_cell(page, row: int, col: int):
    return page.locator(f'#indicators [data-testid="cell-{row}-{col}"]')


def grid_has(page, text: str) -> None:
    page.locator("#indicators").get_by_text(text).first.wait_for(timeout=STEP_TIMEOUT_MS)


def draft(page, timings: Timings) -> None:
    send(page, DESCRIPTION, "已根据描述起草", timings, "draft from a description")
    grid_has(page, "≥200家")


def edit(page, timings: Timings) -> None:
    send(page, CHAT_EDIT, "已修改", timings, "edit by chat")
    grid_has(page, "≥800人次")
    cell = page.locator("#indicators").get_by_text("≥200家").first
    cell.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type(GRID_VALUE)
    before = chat_count(page)
    timings.measure("edit in the grid", lambda: page.keyboard.press("Enter"),
                    lambda: wait_reply(page, before, "已保存表格中的修改"))
    grid_has(page, GRID_VALUE)


def check_upload(page, timings: Timings, folder: Path) -> None:
    path = folder / UPLOAD_NAME
    shutil.copyfile(UPLOAD_SOURCE, path)
    before = chat_count(page)

    def choose() -> None:
        with page.expect_file_chooser() as chooser:
            page.locator("#upload").click()
        chooser.value.set_files(str(path))

    timings.measure("check an uploaded table", choose,
                    lambda: (wait_reply(page, before, "作为当前草稿"),
                             page.locator("#indicators").get_by_text("❌").first.wait_for(timeout=STEP_TIMEOUT_MS)))
    first = page.locator("#findings-list li[data-row]").first
    row = int(first.get_attribute("data-row"))
    timings.measure("click a finding (its row selected)", first.click,
                    lambda: page.locator("#indicators .jx-picked").first.wait_for(timeout=STEP_TIMEOUT_MS))
    assert grid_cell(page, row, 3).count() == 1


def ask(page, timings: Timings) -> None:
    send(page, QUESTION, "相关的指标", timings, "ask a reviewer question")
    page.locator("#sources-tab-button, button[role=tab]").filter(has_text="引用来源").first.click()
    page.locator("#sources [role=gridcell]").filter(has_text="第").first.wait_for(timeout=STEP_TIMEOUT_MS)


def export_word(page, timings: Timings) -> None:
    timings.measure("export Word (download shown)", lambda: page.locator("#export_docx").click(),
                    lambda: page.locator("#download a").first.wait_for(timeout=STEP_TIMEOUT_MS))


def in_viewport(page, selector: str) -> bool:
    """Whether the first element matching `selector` is wholly inside the window."""
    return page.evaluate(
        """(sel) => { const e = document.querySelector(sel); if (!e) return false;
        const b = e.getBoundingClientRect();
        return b.width > 0 && b.top >= 0 && b.left >= 0 && b.bottom <= window.innerHeight && b.right <= window.innerWidth; }""",
        selector)


def rows_in_viewport(page) -> int:
    """Indicator rows wholly visible in the window."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#indicators [role=row].virtual-row')).filter((r) => {
        const b = r.getBoundingClientRect(); return b.height > 0 && b.top >= 0 && b.bottom <= window.innerHeight; }).length""")
