"""Ten simultaneous sessions through gradio_client, each drafting a different project: every
session sees only its own draft, and all drafts are saved, each under its own owner."""

from __future__ import annotations

import concurrent.futures

import pytest
from ui_server import chat_index_dir, chat_retriever, running_app, ui_index_dir  # noqa: F401 (fixtures)

from assistant.chat.storage import DraftStore

pytestmark = pytest.mark.slow

SESSIONS = [
    ("2025年中小企业数字化转型培训项目", 30, "培训企业负责人{n}人次"),
    ("2025年农村饮水安全维修养护项目", 80, "维修供水工程{n}处"),
    ("2025年老旧小区改造项目", 500, "改造小区{n}个"),
    ("2025年中小学校舍维修项目", 120, "维修校舍{n}所"),
    ("2025年高标准农田建设项目", 900, "建设高标准农田{n}亩"),
    ("2025年安全生产执法检查项目", 25, "开展执法检查{n}次"),
    ("2025年残疾人康复救助项目", 60, "救助残疾儿童{n}人"),
    ("2025年公共文化服务体系建设项目", 45, "送戏下乡{n}场"),
    ("2025年科技型中小企业培育项目", 150, "培育科技型中小企业{n}家"),
    ("2025年城乡环境卫生整治项目", 200, "清运垃圾{n}吨"),
]


def _value(output) -> object:
    return output.get("data", output) if isinstance(output, dict) else output


def _session(url: str, index: int) -> dict:
    from gradio_client import Client

    name, budget_wan, task = SESSIONS[index]
    client = Client(url, verbose=False)
    count = 100 + index
    # Outputs: message box, browser token, chat, 项目名称, 预算数, 财政资金, 其他资金, 资金用途, 绩效目标,
    # plan, indicators, findings, sources, download, drafts.
    outputs = client.predict(f"{name}，预算{budget_wan}万元，{task.format(n=count)}", None, api_name="/chat")
    token, first_name, first_total = outputs[1], outputs[3], outputs[4]
    outputs = client.predict(f"预算改为{budget_wan + 1}万元", token, api_name="/chat")
    table_text = str(_value(outputs[10]))
    chat_text = str(outputs[2][1:])  # after the greeting, which quotes an example project
    client.close()
    return {"name": name, "first_name": first_name, "first_total": first_total, "second_name": outputs[3],
            "second_total": outputs[4], "table_text": table_text, "chat_text": chat_text, "count": count,
            "budget_wan": budget_wan, "token": token}


def test_ten_sessions_do_not_leak(tmp_path_factory, ui_index_dir):  # noqa: F811
    data_dir = tmp_path_factory.mktemp("ui-concurrency")
    with running_app(data_dir, ui_index_dir) as (url, _seconds, _pid):
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(SESSIONS)) as pool:
            results = list(pool.map(lambda i: _session(url, i), range(len(SESSIONS))))
    for result in results:
        assert result["first_name"] == result["name"] == result["second_name"], result
        assert result["first_total"] == result["budget_wan"] * 10_000
        assert result["second_total"] == (result["budget_wan"] + 1) * 10_000
        assert str(result["count"]) in result["table_text"], result
        others = [s[0] for s in SESSIONS if s[0] != result["name"]]
        assert not any(other in result["table_text"] + result["chat_text"] for other in others)
    assert len({r["token"] for r in results}) == len(SESSIONS)

    store = DraftStore(f"sqlite:///{data_dir / 'drafts.sqlite3'}")
    assert store.count() == len(SESSIONS)
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from assistant.chat.storage import DraftRecord

    with Session(store.engine) as session:
        rows = session.execute(select(DraftRecord.owner, DraftRecord.title)).all()
    assert len({owner for owner, _ in rows}) == len(SESSIONS)
    assert sorted(title for _, title in rows) == sorted(s[0] for s in SESSIONS)


def test_logged_in_users_own_their_drafts(tmp_path_factory, ui_index_dir):  # noqa: F811
    from gradio_client import Client

    data_dir = tmp_path_factory.mktemp("ui-login")
    users = data_dir / "users.txt"
    users.write_text("# name:password\nalice:wonder-1\n", encoding="utf-8")
    env = {"ASSISTANT_USERS_FILE": str(users), "ASSISTANT_USERS": "bob:builder-2"}
    with running_app(data_dir, ui_index_dir, extra_env=env) as (url, _seconds, _pid):
        with pytest.raises(ValueError, match="Could not login"):  # 400 or 401 by gradio version
            Client(url, auth=("alice", "wrong"), verbose=False)
        names = {}
        for user, password, (name, budget, task) in (("alice", "wonder-1", SESSIONS[0]),
                                                     ("bob", "builder-2", SESSIONS[1])):
            client = Client(url, auth=(user, password), verbose=False)
            # The same browser token for both: the login, not the token, decides the owner.
            outputs = client.predict(f"{name}，预算{budget}万元，{task.format(n=50)}", "x" * 32, api_name="/chat")
            names[user] = outputs[3]
            client.close()
    assert names == {"alice": SESSIONS[0][0], "bob": SESSIONS[1][0]}
    store = DraftStore(f"sqlite:///{data_dir / 'drafts.sqlite3'}")
    assert [d.title for d in store.list_drafts("user:alice")] == [SESSIONS[0][0]]
    assert [d.title for d in store.list_drafts("user:bob")] == [SESSIONS[1][0]]
    assert store.count() == 2
