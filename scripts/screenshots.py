"""Screenshots of the page's five main flows for the README (docs/screenshots/), taken in Debian's
Chromium at a clerk's screen sizes, from a fresh app with an empty data folder.

    .venv/bin/python scripts/screenshots.py [--sizes 1366x768,1440x900] [--out docs/screenshots]

Needs Chromium and the CJK and emoji fonts (scripts/setup.sh --test installs them) and the
vector index (built from corpus/ on first use)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import ui_flows as flows  # noqa: E402
from ui_server import launch_chromium, running_app  # noqa: E402

SHOTS = ("1-draft", "2-edit", "3-check", "4-ask", "5-export")


def ensure_index() -> Path:
    from assistant import config
    from assistant.chat.service import ChatBackend
    from assistant.chat.storage import DraftStore

    backend = ChatBackend(store=DraftStore("sqlite://"))
    if backend.open_retriever() is None:
        raise SystemExit(f"retriever unavailable: {backend.retriever_error}")
    return config.index_dir()


def take(url: str, size: tuple[int, int], out: Path, work: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    width, height = size
    saved: list[Path] = []

    def shot(page, name: str) -> None:
        page.wait_for_timeout(600)  # let the grid finish drawing
        path = out / f"{name}-{width}x{height}.png"
        page.screenshot(path=str(path))
        saved.append(path)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                      accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(flows.STEP_TIMEOUT_MS)
        page.goto(url)
        flows.wait_ready(page)
        timings = flows.Timings()
        flows.draft(page, timings)
        shot(page, SHOTS[0])
        flows.edit(page, timings)
        shot(page, SHOTS[1])
        flows.check_upload(page, timings, work)
        shot(page, SHOTS[2])
        flows.ask(page, timings)
        shot(page, SHOTS[3])
        page.locator("button[role=tab]").filter(has_text="检查结果").first.click()
        flows.export_word(page, timings)
        shot(page, SHOTS[4])
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1366x768,1440x900")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    index = ensure_index()
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="jxmb-shots-") as work, \
                running_app(Path(work) / "data", index) as app:
            for path in take(app.url, size, args.out, Path(work)):
                print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
