"""Users kept apart (issue 12): the probes that found each defect, repeated against the real app.

Two logged-in users (ASSISTANT_USERS="a:pw1,b:pw2") talk to a real server over HTTP as a browser
does (tests/page_client.py); the markdown probe runs in Chromium; files, limits and messages are
checked through the CLI and the chat service."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import threading
import zipfile
from pathlib import Path

import httpx
import pytest
import ui_flows as flows
from page_client import PageClient
from ui_server import chat_index_dir, chat_retriever, free_port, launch_chromium, running_app, ui_index_dir  # noqa: F401

from assistant.cli import main
from assistant.model import ProjectTable

ROOT = Path(__file__).resolve().parent.parent
CLEAN_JSON = ROOT / "tests" / "data" / "clean_table.json"
USERS = {"a": "pw1", "b": "pw2"}
NAME_A = "甲的项目：城区道路维修"
UPLOADED = "作为当前草稿"  # the chat's words when an uploaded table opens as the draft
slow = pytest.mark.slow


def _table(name: str, **changes) -> dict:
    table = json.loads(CLEAN_JSON.read_text(encoding="utf-8"))
    table = table[0] if isinstance(table, list) else table
    return {**table, "project_name": name, **changes}


def _write_json(path: Path, tables: list[dict]) -> Path:
    path.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    return path


def _chat_text(outputs_chat) -> str:
    return json.dumps(outputs_chat, ensure_ascii=False)


def _download(outputs: list, suffix: str) -> dict:
    """The offered download (FileData) among an event's outputs: the file component's value,
    sent as an update that also shows it under the export buttons."""
    for output in outputs:
        value = output.get("value") if isinstance(output, dict) and output.get("__type__") == "update" else output
        if isinstance(value, dict) and value.get("orig_name", "").endswith(suffix):
            return value
    raise AssertionError(f"no {suffix} download in {outputs!r}")


# --- the app with two users --------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory, ui_index_dir):  # noqa: F811
    data_dir = tmp_path_factory.mktemp("security-data")
    env = {"ASSISTANT_USERS": ",".join(f"{u}:{p}" for u, p in USERS.items())}
    with running_app(data_dir, ui_index_dir, extra_env=env) as started:
        yield started.url, data_dir


def _login(url: str, user: str) -> PageClient:
    return PageClient(url, auth=(user, USERS[user]))


def _start_draft(client: PageClient, path: Path) -> tuple[str, list]:
    """Load the page, upload `path` with 上传表格 (one table: it opens as the draft at once):
    (browser token, outputs)."""
    token = client.call("", None, None, kind="load")[1]
    outputs = client.call("upload", client.upload(path), None, token, kind="upload")
    assert UPLOADED in _chat_text(outputs), outputs
    return token, outputs


@slow
def test_exports_are_served_only_to_their_owner(app, tmp_path):
    url, data_dir = app
    with _login(url, "a") as a, _login(url, "b") as b:
        token, _ = _start_draft(a, _write_json(tmp_path / "a.json", [_table(NAME_A)]))
        outputs = a.call("export_xlsx", None, token)
        download = _download(outputs, ".xlsx")
        own = a.fetch(download["url"])
        assert own.status_code == 200 and own.content[:2] == b"PK"
        assert b.fetch(download["url"]).status_code in (403, 404)  # the Gradio cache copy
        assert httpx.get(download["url"]).status_code in (401, 403, 404)  # anonymous
        # The old, derivable location (a hash of the user name) and whatever is under data/.
        derived = data_dir / "exports" / hashlib.sha256(b"user:a").hexdigest()[:16] / download["orig_name"]
        stored = [p for p in (data_dir / "exports").rglob("*") if p.is_file()]
        assert stored, "the export is kept under data/exports"
        for path in [derived, *stored]:
            assert b.fetch(str(path)).status_code in (403, 404), path
            assert a.fetch(str(path)).status_code in (403, 404), path  # only through the download link
        assert not any("user:a" in str(p) or hashlib.sha256(b"user:a").hexdigest()[:16] in str(p) for p in stored)


@slow
def test_uploads_are_served_and_read_only_for_their_owner(app, tmp_path):
    url, _ = app
    with _login(url, "a") as a, _login(url, "b") as b:
        uploaded = a.upload(_write_json(tmp_path / "a-upload.json", [_table(NAME_A)]))
        assert a.fetch(uploaded["path"]).status_code == 200
        assert b.fetch(uploaded["path"]).status_code in (403, 404)
        # b names a's upload as the input of b's own upload event: b must not get its content.
        token = b.call("", None, None, kind="load")[1]
        outputs = b.call("upload", uploaded, None, token, kind="upload")
        assert NAME_A not in json.dumps(outputs, ensure_ascii=False)


@slow
def test_another_users_session_hash_gives_a_fresh_session(app, tmp_path):
    url, data_dir = app
    with _login(url, "a") as a, _login(url, "b") as b:
        token_a, _ = _start_draft(a, _write_json(tmp_path / "a.json", [_table(NAME_A)]))
        outputs = b.call("send", "项目名称改为乙改的名字", None, None, session_hash=a.session_hash)
        seen_by_b = json.dumps(outputs, ensure_ascii=False)
        assert NAME_A not in seen_by_b and "乙改的名字" not in outputs[4]
        drafts = b.call("刷新", None, None, session_hash=a.session_hash)
        assert NAME_A not in json.dumps(drafts, ensure_ascii=False)
        # a's session is untouched: same draft, same history.
        outputs = a.call("send", "检查一下", None, token_a)
        assert outputs[4] == NAME_A and UPLOADED in _chat_text(outputs[3])
    from assistant.chat.storage import DraftStore

    store = DraftStore(f"sqlite:///{data_dir / 'drafts.sqlite3'}")
    titles_a = [d.title for d in store.list_drafts("user:a")]  # (other tests of the module add a's drafts)
    assert NAME_A in titles_a and not any("乙改的名字" in t for t in titles_a)


class _Sink(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Sink.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args):
        pass


@slow
def test_injected_markdown_makes_no_link_or_image_in_the_browser(app, tmp_path):
    """Plan labels and indicator values from an uploaded file, echoed by the chat, stay text: no
    <a> or <img> appears and the browser sends nothing to the URLs they name."""
    from playwright.sync_api import sync_playwright

    url, _ = app
    port = free_port()
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    evil = f"http://127.0.0.1:{port}"
    table = _table("注入测试项目", spending_plan=[
        {"label": f"[点此下载修正版]({evil}/evil)", "percent": 30},
        {"label": f"![t]({evil}/track.png)", "percent": 50},
        {"label": "12月底", "percent": 100}])
    table["indicators"][0]["value"] = f"详见{evil}/finding"
    path = _write_json(tmp_path / "inject.json", [table])
    with _login(url, "a") as a, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        host = url.split("//", 1)[1].split(":", 1)[0]
        context.add_cookies([{"name": k, "value": v, "domain": host, "path": "/"} for k, v in a.http.cookies.items()])
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.set_default_timeout(60_000)
        page.goto(url)
        flows.wait_ready(page)
        before = flows.chat_count(page)
        with page.expect_file_chooser() as chooser:
            page.locator("#upload").click()  # 上传表格: one table opens as the draft at once
        chooser.value.set_files(str(path))
        flows.wait_reply(page, before, UPLOADED)
        for message, reply in (("6月底支出改为60%", "资金支出计划：6月底"), ("检查一下", "检查结果")):
            before = flows.chat_count(page)
            flows.message_box(page).fill(message)
            page.locator("#send").click()
            flows.wait_reply(page, before, reply)
        page.wait_for_timeout(1500)
        chat = page.locator("#chat")
        text = chat.inner_text()
        links = page.locator(f"a[href*='{port}']").count()  # in the chat or anywhere on the page
        images = page.locator(f"img[src*='{port}']").count()
        browser.close()
    sink.shutdown()
    assert "点此下载修正版" in text and f"127.0.0.1:{port}/finding" in text  # shown, as text
    assert links == 0 and images == 0
    assert _Sink.hits == [] and not [r for r in requests if f":{port}" in r]


# --- limits -----------------------------------------------------------------------------------


def _service(tmp_path):
    from assistant.chat.service import ChatBackend, ChatService
    from assistant.chat.storage import DraftStore

    return ChatService(ChatBackend(store=DraftStore(f"sqlite:///{tmp_path}/drafts.sqlite3"), open_retriever=False, llm=False),
                       "user:a")


def test_upload_workers_start_apart_from_the_reading_limit():
    """Workers started ahead (as the page does after its first load) read a file; a read over
    its limit is refused in Chinese and the next upload still works (a fresh pool)."""
    from assistant import limits

    limits.start_upload_workers()
    assert limits.read_upload(CLEAN_JSON).tables
    with pytest.raises(limits.LimitError) as refused:
        limits.read_upload(CLEAN_JSON, seconds=0.0001)
    assert "秒内未能读完" in refused.value.message and "clean_table.json" in str(refused.value)
    assert limits.read_upload(CLEAN_JSON).tables


def test_upload_limits_have_chinese_messages(tmp_path):
    service = _service(tmp_path)
    big = _table("超长指标表")
    big["indicators"] = [dict(big["indicators"][0], level3=f"指标{i}") for i in range(1000)]
    result = service.open_upload(_write_json(tmp_path / "rows.json", [big]))
    assert not result.ok and "指标" in result.message and "300" in result.message, result.message
    result = service.open_upload(_write_json(tmp_path / "tables.json", [_table(f"表{i}") for i in range(101)]))
    assert not result.ok and "项目表过多" in result.message and "50" in result.message, result.message
    long_text = _table("超长文字", fund_use="很" * 1_200_000)
    result = service.open_upload(_write_json(tmp_path / "chars.json", [long_text]))
    assert not result.ok and "字" in result.message, result.message
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("绩效目标")
    for i in range(6_000):
        sheet.append(["产出指标", "数量指标", f"指标{i}", f"≥{i}个"])
    book.save(tmp_path / "rows.xlsx")
    result = service.open_upload(tmp_path / "rows.xlsx")
    assert not result.ok and "行数过多" in result.message, result.message
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = service.open_upload(deep)
    assert not result.ok and "嵌套" in result.message, result.message
    assert service.table is None


def test_chat_edits_cannot_grow_a_table_past_the_limit(tmp_path):
    service = _service(tmp_path)
    table = ProjectTable.model_validate(_table("小表"))
    service.session.uploaded = [table]
    service.start_from_uploaded(0)
    rows = [[str(i + 1), "产出指标", "数量指标", f"指标{i}", "描述", "≥1个", "计划标准"] for i in range(5000)]
    reply = service.apply_rows(rows)
    assert "300" in reply.text and len(service.table.indicators) == len(table.indicators)


def test_draft_list_does_not_read_whole_tables(tmp_path):
    from sqlalchemy import event

    from assistant.chat.storage import DraftStore

    store = DraftStore(f"sqlite:///{tmp_path}/drafts.sqlite3")
    table = ProjectTable.model_validate(_table("列表测试"))
    store.save("user:a", table)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    drafts = store.list_drafts("user:a")
    assert [(d.title, d.indicators) for d in drafts] == [("列表测试", len(table.indicators))]
    assert statements and not any("table_json" in s for s in statements), statements


# --- files and messages through the CLI ---------------------------------------------------------


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def deep_json(tmp_path) -> Path:
    path = tmp_path / "d.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["parse", "lint"])
def test_deep_json_gives_a_chinese_message(capsys, deep_json, command):
    code, out, err = _cli(capsys, command, str(deep_json))
    assert code != 0 and "嵌套" in out + err and "Recursion" not in out + err, out + err


def test_ingest_skips_a_deep_json_and_adds_the_good_files(capsys, tmp_path, deep_json, monkeypatch):
    corpus = tmp_path / "corpus"
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    folder = tmp_path / "in"
    folder.mkdir()
    deep_json.rename(folder / "bad.json")
    _write_json(folder / "good1.json", [_table("好表一")])
    _write_json(folder / "good2.json", [_table("好表二")])
    code, out, err = _cli(capsys, "ingest", "--no-index", str(folder))
    assert code == 1 and "bad.json" in err and "嵌套" in err, err
    assert sorted(p.name for p in (corpus / "tables").glob("*.json")) == ["good1.json", "good2.json"], out


def test_absurd_budget_message_shows_the_number(capsys):
    code, out, err = _cli(capsys, "draft", "--no-llm", "--name", "X", "--budget", "1e30", "--usage", "x")
    assert code != 0
    assert "{value" not in out + err and "1,000,000,000,000,000,019,884,624,838,656.00" in out + err, out + err


def test_budget_mismatch_message_shows_the_numbers(capsys, tmp_path):
    brief = tmp_path / "b.json"
    brief.write_text(json.dumps({"name": "X", "budget": 300000, "fiscal": 100000, "other": 100000, "usage": "x"}),
                     encoding="utf-8")
    code, out, err = _cli(capsys, "draft", "--no-llm", "--brief", str(brief))
    assert code != 0
    assert "{fiscal" not in out + err and "100,000.00 + 其他资金 100,000.00 ≠ 预算数 300,000.00" in out + err


BIDI = "\u202e\u202a\u2066\u200f"


def test_bidi_controls_are_stripped_from_names(capsys, tmp_path, monkeypatch, ui_index_dir):  # noqa: F811
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(ui_index_dir))
    path = _write_json(tmp_path / "bidi.json", [_table(f"{BIDI[0]}目项路道{BIDI[1:]}")])
    code, out, _ = _cli(capsys, "parse", "--json", str(path))
    assert code == 0 and not any(c in out for c in BIDI)
    assert json.loads(out)[0]["project_name"] == "目项路道"
    code, out, _ = _cli(capsys, "draft", "--no-llm", "--json", "--name", f"{BIDI[0]}道路维修", "--budget", "300000",
                        "--usage", "维修道路10公里")
    assert code == 0 and not any(c in out for c in BIDI), out


def test_symlink_loop_has_its_own_message(capsys, tmp_path):
    os.symlink(tmp_path / "loop2.json", tmp_path / "loop1.json")
    os.symlink(tmp_path / "loop1.json", tmp_path / "loop2.json")
    code, _, err = _cli(capsys, "parse", str(tmp_path / "loop1.json"))
    assert code != 0 and "文件不存在" not in err and "循环" in err, err


def test_deeply_nested_docx_has_a_chinese_message(capsys, tmp_path):
    import docx

    base, deep = tmp_path / "base.docx", tmp_path / "deep.docx"
    document = docx.Document()
    document.add_paragraph("x")
    document.save(base)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(deep, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:sdt><w:sdtContent>" * 3000
                                    + b"</w:sdtContent></w:sdt>" * 3000)
            target.writestr(info, data)
    code, _, err = _cli(capsys, "parse", str(deep))
    assert code != 0 and "嵌套" in err and "Excessive" not in err and "XML_PARSE_HUGE" not in err, err


def test_export_refuses_to_replace_its_own_source(capsys, tmp_path):
    path = _write_json(tmp_path / "X.json", [_table("自我覆盖")])
    before = path.read_bytes()
    code, _, err = _cli(capsys, "export", str(path), "--to", str(path), "--force")
    assert code != 0 and "输入" in err, err
    assert path.read_bytes() == before


# --- without login: the browser token and the browser's cookie decide -------------------------


@pytest.fixture(scope="module")
def open_app(tmp_path_factory, ui_index_dir):  # noqa: F811
    data_dir = tmp_path_factory.mktemp("security-open")
    with running_app(data_dir, ui_index_dir, extra_env={"ASSISTANT_USERS": ""}) as started:
        yield started.url, data_dir


@slow
def test_without_login_session_and_files_stay_with_their_browser(open_app, tmp_path):
    url, _ = open_app
    with PageClient(url) as first, PageClient(url) as other:
        token, _ = _start_draft(first, _write_json(tmp_path / "a.json", [_table(NAME_A)]))
        outputs = first.call("export_json", None, token)
        download = _download(outputs, ".json")
        assert first.fetch(download["url"]).status_code == 200
        assert other.fetch(download["url"]).status_code in (403, 404)
        outputs = other.call("send", "项目名称改为乙改的名字", None, None, session_hash=first.session_hash)
        assert NAME_A not in json.dumps(outputs, ensure_ascii=False)
        outputs = first.call("send", "检查一下", None, token)
        assert outputs[4] == NAME_A
