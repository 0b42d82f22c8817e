"""The chat assistant without Gradio: intents, edits, undo, questions, help, storage."""

from __future__ import annotations

import pytest
from ui_server import chat_index_dir, chat_retriever  # noqa: F401 (session fixtures)

from assistant.chat import edits, intents
from assistant.chat.actions import (
    ACTION_ADAPTER,
    AddIndicator,
    Ask,
    Check,
    Draft,
    Export,
    Help,
    PlanPoint,
    Remove,
    SetBudget,
    SetHeader,
    SetPlan,
    SetValue,
    Undo,
)
from assistant.chat.intents import parse_message
from assistant.chat.service import ChatBackend, ChatService
from assistant.chat.storage import DraftStore, new_browser_token, owner_for, valid_token
from assistant.chat.view import indicator_rows
from assistant.model import Budget, Indicator, PlanItem, ProjectTable

DESCRIPTION = "2025年中小企业数字化转型培训项目，预算30万元，培训企业负责人200人次，11月底前完成"
OTHER_DESCRIPTION = "2025年农村饮水安全维修养护项目，预算80万元，维修供水工程12处，受益群众5000人"


# --- intents ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message, expected",
    [
        ("把培训人数改为300人次", SetValue(target="培训人数", value="300人次")),
        ("满意度改成≥90%", SetValue(target="满意度", value="≥90%")),
        ("第3行改为≥95%", SetValue(target="第3行", row=3, value="≥95%")),
        ("把验收合格率的依据改为计划标准：验收办法", SetValue(target="验收合格率", field="basis", value="计划标准：验收办法")),
        ("满意度改成≥９０％", SetValue(target="满意度", value="≥90%")),
        ("项目名称改为XX工程（一期）", SetHeader(field="project_name", value="XX工程（一期）")),
        ("增加一个时效指标：资金支付及时率≥95%", AddIndicator(level2="时效指标", level3="资金支付及时率", value="≥95%")),
        ("添加满意度指标：企业满意度≥95%", AddIndicator(level2="服务对象满意度指标", level3="企业满意度", value="≥95%")),
        ("增加培训合格率98%", AddIndicator(level3="培训合格率", value="98%")),
        ("增加一个时效指标：项目完成时间2025年11月底前",
         AddIndicator(level2="时效指标", level3="项目完成时间", value="2025年11月底前")),
        ("删除‘结果准确性’", Remove(target="结果准确性")),
        ("把“结果准确性”删掉", Remove(target="结果准确性")),
        ("删除第2行", Remove(target="第2行", row=2)),
        ("预算改为50万元", SetBudget(total=500000.0)),
        ("预算改为五十万元", SetBudget(total=500000.0)),
        ("财政资金改为40万元", SetBudget(fiscal=400000.0)),
        ("预算数调整为1.2亿元", SetBudget(total=1.2e8)),
        ("6月底支出改为60%", SetPlan(points=[PlanPoint(label="6月底", percent=60.0)])),
        ("把十月底的支出进度调整为80%", SetPlan(points=[PlanPoint(label="10月底", percent=80.0)])),
        ("项目名称改为2025年企业培训项目", SetHeader(field="project_name", value="2025年企业培训项目")),
        ("资金用途改为用于企业负责人培训", SetHeader(field="fund_use", value="用于企业负责人培训")),
        ("新增企业数量改为10家", SetValue(target="新增企业数量", value="10家")),
        ("撤销", Undo()),
        ("撤销一下", Undo()),
        ("检查一下", Check()),
        ("帮我检查一下这个表", Check()),
        ("导出Word", Export(format="docx")),
        ("导出 excel 文件", Export(format="xlsx")),
        ("导出JSON", Export(format="json")),
        ("你能做什么", Help()),
        ("帮助", Help()),
        ("今天天气怎么样", Help(unknown=True)),
        ("<script>alert(1)</script>", Help(unknown=True)),
    ],
)
def test_parse_message(message, expected):
    assert parse_message(message).model_dump(exclude={"said"}) == expected.model_dump(exclude={"said"})


def test_questions_for_reviewers():
    timely = parse_message("有哪些类似项目的时效指标？")
    assert isinstance(timely, Ask) and timely.mode == "similar" and timely.level2 == "时效指标"
    satisfaction = parse_message("满意度一般定多少？")
    assert isinstance(satisfaction, Ask) and satisfaction.mode == "stats" and satisfaction.topic == "满意度"
    projects = parse_message("有哪些类似项目？")
    assert isinstance(projects, Ask) and projects.mode == "projects"


def test_descriptions_become_drafts():
    assert parse_message(DESCRIPTION) == Draft(text=intents.normalise(DESCRIPTION))
    assert isinstance(parse_message("新建项目：旧厂房改为创业孵化基地，预算300万元"), Draft)
    assert isinstance(parse_message(OTHER_DESCRIPTION), Draft)
    # No 项目/工程 in it: the drafter's project types recognise the kind of work.
    assert isinstance(parse_message("2026年城区雨污管网清淤疏通服务，预算65万元，清淤管网45公里，5月底完成"), Draft)
    assert not isinstance(parse_message("预算改为65万元，清淤管网改成50公里"), Draft)


def test_amounts_and_labels():
    assert parse_message("预算 1,200 元").total == 1200.0
    assert parse_message("预算三千五百元").total == 3500.0
    assert parse_message("预算一百二十万元").total == 1_200_000.0
    assert parse_message("预算改为55w").total == 550_000.0
    assert parse_message("六月末支出60%").points == [PlanPoint(label="6月底", percent=60.0)]
    assert parse_message("13月底支出60%") == Help(unknown=True)
    assert intents.split_name_value("资金支付及时率≥95%") == ("资金支付及时率", "≥95%")
    assert intents.split_name_value("5G基站建设数量≥10个") == ("5G基站建设数量", "≥10个")


def test_actions_round_trip_as_json():
    for action in (SetValue(target="x", value="≥1个"), Export(format="docx"), Ask(question="q", topic="满意度")):
        assert ACTION_ADAPTER.validate_python(action.model_dump()) == action


# --- storage ----------------------------------------------------------------------------------


def _table(name: str, value: str = "≥1个") -> ProjectTable:
    return ProjectTable(project_name=name, budget=Budget(total=100.0, fiscal=100.0, other=0.0),
                        spending_plan=[PlanItem(label="12月底", percent=100.0)],
                        indicators=[Indicator(level1="产出指标", level2="数量指标", level3="培训人次", value=value)])


@pytest.fixture
def store(tmp_path):
    return DraftStore(f"sqlite:///{tmp_path / 'drafts.sqlite3'}")


def test_storage_isolates_owners(store):
    alice, bob = "user:alice", "user:bob"
    a_id = store.save(alice, _table("甲项目"))
    b_id = store.save(bob, _table("乙项目"))
    assert [d.title for d in store.list_drafts(alice)] == ["甲项目"]
    assert [d.title for d in store.list_drafts(bob)] == ["乙项目"]
    assert store.load(bob, a_id) is None and store.load(alice, b_id) is None
    assert store.delete(bob, a_id) is False
    # Saving with someone else's id never overwrites their draft: a new one is created.
    new_id = store.save(bob, _table("乙偷改"), draft_id=a_id)
    assert new_id != a_id
    assert store.load(alice, a_id).table.project_name == "甲项目"
    assert store.count(alice) == 1 and store.count(bob) == 2


def test_storage_updates_and_orders(store):
    owner = "browser:" + new_browser_token()
    first = store.save(owner, _table("一"))
    second = store.save(owner, _table("二"))
    assert store.save(owner, _table("一（改）", "≥5个"), draft_id=first) == first
    listed = store.list_drafts(owner)
    assert [d.id for d in listed] == [first, second]
    loaded = store.load(owner, first)
    assert loaded.table.indicators[0].value == "≥5个" and loaded.table.indicators[0].parsed.number == 5
    assert loaded.updated_at.tzinfo is not None


def test_owner_tokens():
    token = new_browser_token()
    assert valid_token(token)
    assert owner_for(None, token) == f"browser:{token}"
    assert owner_for("alice", token) == "user:alice"
    assert owner_for(None, "../../etc/passwd") is None
    assert not valid_token("short")


# --- the service ------------------------------------------------------------------------------


@pytest.fixture
def backend(store):
    """Drafting from the built-in catalogue only (no retriever), no LLM."""
    return ChatBackend(store=store, open_retriever=False, llm=False)


@pytest.fixture
def chat(backend):
    return ChatService(backend, "user:alice")


def _errors(findings) -> list:
    return [f for f in findings if f.severity == "error"]


def _row(table, name_part: str):
    return next(i for i in table.indicators if name_part in i.level3)


def test_description_drafts_a_clean_table(chat, store):
    reply = chat.handle(DESCRIPTION)
    assert reply.action == "draft" and reply.changed
    table = reply.table
    assert table.project_name == "2025年中小企业数字化转型培训项目"
    assert table.budget.total == 300_000
    assert any(i.value == "≥200人次" for i in table.indicators)
    assert not _errors(reply.findings), reply.findings
    assert "已根据描述起草" in reply.text and "检查通过" in reply.text
    assert store.load("user:alice", reply.draft_id).table == table
    assert chat.history[-2] == {"role": "user", "content": DESCRIPTION}


def test_change_value_keeps_operator_and_updates_what_follows(chat, store):
    chat.handle(DESCRIPTION)
    before = chat.table
    reply = chat.handle("把培训人数改为300人次")
    assert reply.action == "set_value", reply.text
    row = next(i for i in reply.table.indicators if i.parsed.unit == "人次" and i.level2 == "数量指标")
    assert row.value == "≥300人次" and row.parsed.number == 300
    assert "200人次" not in row.description + row.basis
    unit_costs = [i for i in reply.table.indicators if (i.parsed.unit or "").endswith("/人次")]
    for old, new in zip([i for i in before.indicators if (i.parsed.unit or "").endswith("/人次")], unit_costs):
        assert new.parsed.number == pytest.approx(old.parsed.number * 200 / 300, abs=0.01)
    assert not _errors(reply.findings)
    assert store.load("user:alice", reply.draft_id).table == reply.table

    reply = chat.handle("满意度改成≥90%")
    assert _row(reply.table, "满意度").value == "≥90%"


def test_ambiguous_and_unknown_targets_ask_back(chat):
    chat.handle(DESCRIPTION)
    chat.handle("增加满意度指标：企业负责人满意度≥95%")
    table = chat.table
    reply = chat.handle("满意度改成≥90%")
    assert reply.action == "clarify" and not reply.changed
    assert "可能指" in reply.text and reply.table == table
    reply = chat.handle("把火箭发射次数改为3次")
    assert "没有找到" in reply.text and reply.table == table
    reply = chat.handle("第99行改为≥90%")
    assert "没有第 99 行" in reply.text


def test_add_remove_and_undo(chat):
    chat.handle(DESCRIPTION)
    original = chat.table
    reply = chat.handle("增加一个时效指标：资金支付及时率≥95%")
    rows = reply.table.indicators
    added = next(i for i, r in enumerate(rows) if r.level3 == "资金支付及时率")
    assert rows[added].level1 == "产出指标" and rows[added].level2 == "时效指标"
    assert rows[added - 1].level2 == "时效指标"  # placed inside its category
    assert not _errors(reply.findings)

    reply = chat.handle("删除‘资金支付及时率’")
    assert reply.action == "remove" and reply.table == original
    assert chat.handle("撤销").table.indicators[added].level3 == "资金支付及时率"
    assert chat.handle("撤销").table == original
    chat.handle("撤销")  # back before the draft
    assert chat.table is None
    assert "没有可以撤销" in chat.handle("撤销").text


def test_budget_and_spending_plan(chat):
    chat.handle(DESCRIPTION)
    reply = chat.handle("预算改为50万元")
    assert (reply.table.budget.total, reply.table.budget.fiscal, reply.table.budget.other) == (500_000, 500_000, 0)
    cost = [i for i in reply.table.indicators if i.level2 == "成本指标" and i.parsed.unit == "万元"]
    assert cost and all(i.parsed.number == 50 for i in cost)
    assert not _errors(reply.findings)

    reply = chat.handle("6月底支出改为60%")
    plan = {p.label: p.percent for p in reply.table.spending_plan}
    assert plan["6月底"] == 60
    assert "应在 0% 到 100% 之间" in chat.handle("6月底支出改为120%").text

    reply = chat.handle("10月底支出改为40%")  # below 6月底: the checker says so
    assert any(f.severity in ("error", "warning") and "支出" in f.message for f in reply.findings)


def test_header_and_grid_edits(chat):
    chat.handle(DESCRIPTION)
    reply = chat.handle("项目名称改为2025年企业数字化培训项目")
    assert reply.table.project_name == "2025年企业数字化培训项目"

    rows = indicator_rows(chat.table)
    assert rows[1][1] == ""  # 一级 shown once per group
    rows[0][5] = "≥250人次"
    reply = chat.apply_rows(rows)
    assert reply.table.indicators[0].value == "≥250人次"
    assert [i.level2 for i in reply.table.indicators] == [i.level2 for i in chat.session.undo_stack[-1].table.indicators]
    turns = len(chat.history)
    unchanged = chat.apply_rows(indicator_rows(chat.table))
    assert not unchanged.changed and len(chat.history) == turns  # no chat noise for an unchanged grid

    t = chat.table
    plan = [[p.label, p.percent] for p in t.spending_plan]
    reply = chat.apply_header(t.project_name, 300_000, 200_000, 50_000, t.fund_use, t.goal, plan)
    assert any(f.severity == "error" and f.row is None for f in reply.findings)  # 预算数 ≠ 财政 + 其他


def test_edits_without_a_draft_explain(chat):
    for message in ("把培训人数改为300人次", "检查一下", "导出Word", "预算改为50万元"):
        assert "还没有草稿" in chat.handle(message).text


def test_unknown_message_lists_what_it_can_do_and_escapes(chat):
    reply = chat.handle("<b onmouseover=alert(1)>你好</b>")
    assert reply.action == "help"
    assert "描述新项目" in reply.text and "导出Word" in reply.text
    assert "<b" not in reply.text and "&lt;b" in reply.text
    assert "<b" not in chat.history[-2]["content"]


def test_check_and_export(chat, tmp_path):
    import docx
    import openpyxl

    from assistant.parsers import load_path

    chat.handle(DESCRIPTION)
    assert "检查通过" in chat.handle("检查一下").text
    files = {fmt: chat.handle(f"导出{fmt}").file for fmt in ("Word", "Excel", "JSON")}
    for path in files.values():
        assert path.is_file() and path.stat().st_size > 0
        assert "exports" in path.parts
    text = "".join(c.text for t in docx.Document(files["Word"]).tables for r in t.rows for c in r.cells)
    assert "2025年中小企业数字化转型培训项目" in text
    assert openpyxl.load_workbook(files["Excel"]).active.max_row > 5
    back = load_path(files["JSON"]).tables[0]
    assert [i.value for i in back.indicators] == [i.value for i in chat.table.indicators]


def test_owners_never_see_each_other(backend, store):
    alice, bob = ChatService(backend, "user:alice"), ChatService(backend, "browser:" + new_browser_token())
    a = alice.handle(DESCRIPTION)
    b = bob.handle(OTHER_DESCRIPTION)
    assert [d.title for d in alice.list_drafts()] == [a.table.project_name]
    assert [d.title for d in bob.list_drafts()] == [b.table.project_name]
    reply = bob.restore(a.draft_id)
    assert "没有找到这份草稿" in reply.text and bob.table == b.table
    bob.handle("预算改为99万元")
    assert store.load("user:alice", a.draft_id).table.budget.total == 300_000


def test_drafts_persist_across_service_instances(tmp_path):
    url = f"sqlite:///{tmp_path / 'persist.sqlite3'}"
    first = ChatService(ChatBackend(store=DraftStore(url), open_retriever=False, llm=False), "user:carol")
    first.handle(DESCRIPTION)
    first.handle("把培训人数改为300人次")
    saved = first.table

    later = ChatService(ChatBackend(store=DraftStore(url), open_retriever=False, llm=False), "user:carol")
    drafts = later.list_drafts()
    assert len(drafts) == 1 and drafts[0].title == saved.project_name
    reply = later.restore(drafts[0].id)
    assert reply.table == saved and "已打开草稿" in reply.text
    later.handle("预算改为40万元")
    assert len(later.list_drafts()) == 1  # the restored draft is updated, not copied


def test_upload_check_and_start(chat, tmp_path):
    import json

    table = _table("上传的项目", "提高")  # a vague value: the checker must object
    path = tmp_path / "upload.json"
    path.write_text(json.dumps([table.to_json_dict()], ensure_ascii=False), encoding="utf-8")
    result = chat.open_upload(path, "../../../etc/上传.json")
    assert result.ok and result.titles and "上传.json" in result.message
    reply = chat.check_uploaded(0)
    assert _errors(reply.findings) and chat.table is None
    reply = chat.start_from_uploaded(0)
    assert reply.table.project_name == "上传的项目" and _errors(reply.findings)

    bad = tmp_path / "x.exe"
    bad.write_bytes(b"MZ")
    assert "不支持的文件类型" in chat.open_upload(bad, "x.exe").message
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    assert "文件过大" in chat.open_upload(big, "big.txt").message
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    assert "无法读取文件" in chat.open_upload(broken, "broken.docx").message


def test_uploaded_file_lands_under_the_owner_folder(chat, tmp_path):
    path = tmp_path / "t.json"
    path.write_text('[{"project_name": "甲", "indicators": []}]', encoding="utf-8")
    chat.open_upload(path, "..\\..\\evil.json")
    from assistant import config

    stored = list((config.data_dir() / "uploads").rglob("*.json"))
    assert stored and all(config.data_dir() in p.parents for p in stored)
    assert all(p.name == "evil.json" for p in stored)


def test_row_matching_and_number_following():
    table = _table("甲", "≥200人次")
    table.indicators += [
        Indicator(level1="满意度指标", level2="服务对象满意度指标", level3="服务对象满意度", value="≥95%"),
        Indicator(level1="满意度指标", level2="服务对象满意度指标", level3="企业满意度", value="≥95%"),
    ]
    assert edits.find_row(table, "企业满意度").index == 2
    ambiguous = edits.find_row(table, "满意度")
    assert ambiguous.index is None and set(ambiguous.candidates) == {1, 2}
    assert edits.find_row(table, "培训人数", value="300人次").index == 0
    assert edits.find_row(table, "培训人数", value="3家").problem.key == "unit_mismatch"  # never a wrong row
    row = Indicator(level1="产出指标", level2="数量指标", level3="培训人次", value="≥280人次")
    assert edits.complete_value(row, "300人次", 2025)[:2] == ("≥300人次", None)
    assert edits.complete_value(row, "=300人次", 2025)[:2] == ("=300人次", None)
    assert edits.complete_value(row, "不少于三百", 2025)[:2] == ("≥300人次", None)
    assert edits.budget_after(Budget(total=100, fiscal=80, other=20), total=150)[0] == Budget(total=150, fiscal=130, other=20)
    assert edits.budget_after(Budget(total=100, fiscal=80, other=20), other=50)[0] == Budget(total=130, fiscal=80, other=50)
    assert edits.replace_number("共12处，112处不变", "12处", "15处") == "共15处，112处不变"


# --- questions (real retrieval) ---------------------------------------------------------------


@pytest.fixture
def asking(store, chat_retriever):
    return ChatService(ChatBackend(store=store, retriever=chat_retriever, llm=False), "user:reviewer")


def test_similar_timeliness_indicators_with_sources(asking):
    reply = asking.handle("有哪些类似项目的时效指标？")
    assert reply.action == "ask" and reply.sources
    assert all(s["kind"] == "indicator" and s["source"]["file"] for s in reply.sources)
    assert "第" in reply.text and "行" in reply.text  # 项目名称（单位，年度，第N行）
    from assistant.checks import canonical_level2

    assert all(canonical_level2(s["level2"]) == "时效指标" for s in reply.sources)


def test_usual_satisfaction_target_from_statistics(asking):
    reply = asking.handle("满意度一般定多少？")
    assert "≥95%" in reply.text and "张表" in reply.text
    assert reply.sources and all(s["source"]["file"] for s in reply.sources)


def test_similar_projects_and_drafting_with_retrieval(asking):
    reply = asking.handle(DESCRIPTION)
    assert not _errors(reply.findings)
    rows = [s for s in reply.sources if s["kind"] == "draft"]
    assert rows  # each row's provenance
    # A similar project is listed only when the draft uses one of its rows (no citation for show).
    cited = " ".join(s["source"] for s in rows)
    assert all(s["project_name"] in cited for s in reply.sources if s["kind"] == "project")
    projects = asking.handle("有哪些类似项目？")
    assert projects.sources and all(s["kind"] == "project" for s in projects.sources)


# --- with an LLM endpoint (a tiny OpenAI-compatible server on loopback) -----------------------


class _FakeOpenAI:
    """Answers /v1/chat/completions with a fixed JSON text, optionally after a delay."""

    def __init__(self, answer: dict, delay: float = 0.0) -> None:
        import http.server
        import json
        import threading
        import time

        fake = self
        self.requests: list[dict] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                time.sleep(delay)
                payload = json.dumps({
                    "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body["model"],
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": json.dumps(answer, ensure_ascii=False)}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def llm_env(monkeypatch):
    def configure(url: str) -> None:
        monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", url)
        monkeypatch.setenv("ASSISTANT_LLM_MODEL", "test-model")
        monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "5")
        monkeypatch.delenv("ASSISTANT_LLM_LOCAL", raising=False)

    return configure


def _llm_chat(store, timeout: float = 5.0) -> ChatService:
    backend = ChatBackend(store=store, open_retriever=False, llm_timeout=timeout, draft_with_llm=False)
    assert backend.llm_enabled
    chat = ChatService(backend, "user:llm")
    assert chat.handle(DESCRIPTION).action == "draft"  # a description is read by the rules
    return chat


def test_llm_turns_free_text_into_the_same_actions(store, llm_env):
    fake = _FakeOpenAI({"actions": [{"kind": "set_budget", "total": 600000},
                                    {"kind": "clarify", "question": "还需要调整<b>支出计划</b>吗？"}]})
    try:
        llm_env(fake.url)
        chat = _llm_chat(store)
        reply = chat.handle("钱不够，麻烦帮我把总的盘子调大到六十个w")
        assert reply.action == "confirm" and reply.table.budget.total == 300_000  # shown first, not yet run
        assert "600,000.00" in reply.text and "确定" in reply.text
        reply = chat.handle("确定")
        assert reply.table.budget.total == 600_000
        assert "还需要调整" in reply.text and "<b>" not in reply.text
        cost = [i for i in reply.table.indicators if i.level2 == "成本指标" and i.parsed.unit == "万元"]
        assert cost and all(i.parsed.number == 60 for i in cost)  # the same edit path as the rules
        assert not [f for f in reply.findings if f.severity == "error"]
        sent = fake.requests[-1]
        assert "钱不够" in sent["messages"][-1]["content"] and "response_format" in sent
    finally:
        fake.close()


def test_llm_unreachable_falls_back_to_rules(store, llm_env):
    from ui_server import free_port

    llm_env(f"http://127.0.0.1:{free_port()}/v1")
    chat = _llm_chat(store)
    reply = chat.handle("钱不够，帮我把总的盘子调大")
    assert "大模型暂时不可用" in reply.text and "描述新项目" in reply.text
    assert reply.table.budget.total == 300_000
    assert chat.handle("预算改为60万元").table.budget.total == 600_000  # rules still work


def test_llm_timeout_gives_a_clear_message(store, llm_env):
    fake = _FakeOpenAI({"actions": [{"kind": "undo"}]}, delay=3.0)
    try:
        llm_env(fake.url)
        chat = _llm_chat(store, timeout=0.5)
        reply = chat.handle("随便改改吧")
        assert "没有回应" in reply.text and "描述新项目" in reply.text
        assert chat.table is not None  # the undo never happened
    finally:
        fake.close()


# --- login ------------------------------------------------------------------------------------


def test_users_from_file_and_environment(tmp_path):
    import hashlib
    import json

    from assistant.chat.auth import UsersError, load_users, make_auth

    lines = tmp_path / "users.txt"
    lines.write_text("# comment\nalice:pw:with:colons\n\nbob:sha256:" + hashlib.sha256(b"secret").hexdigest() + "\n",
                     encoding="utf-8")
    users = load_users({"ASSISTANT_USERS_FILE": str(lines), "ASSISTANT_USERS": "carol:c1, dave:d2"})
    assert set(users) == {"alice", "bob", "carol", "dave"}
    auth = make_auth(users)
    assert auth("alice", "pw:with:colons") and auth("bob", "secret") and auth("dave", "d2")
    assert not auth("alice", "pw") and not auth("bob", "sha256:x") and not auth("eve", "")

    as_json = tmp_path / "users.json"
    as_json.write_text(json.dumps([{"username": "erin", "password": "e"}]), encoding="utf-8")
    assert load_users({"ASSISTANT_USERS_FILE": str(as_json)}) == {"erin": "e"}
    assert make_auth(load_users({})) is None  # no users: no login
    with pytest.raises(UsersError):
        load_users({"ASSISTANT_USERS_FILE": str(tmp_path / "missing.txt")})
