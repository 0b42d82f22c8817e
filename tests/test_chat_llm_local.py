"""The chat's LLM path with the real embedded model (slow): a message the rules cannot read goes
to the LLM, comes back as the same actions, is shown before it runs, and runs after 「确定」; the
fixed system prompt is processed once and then reused from the server's prompt cache."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from chat_phrasings import TABLES

from assistant.chat.llm_tools import ChatPlan, build_messages, warm_up
from assistant.chat.service import ChatBackend, ChatService
from assistant.chat.storage import DraftStore
from assistant.llm.client import LLMSettings, make_chat_model
from assistant.parsers import load_path

pytestmark = pytest.mark.slow


def test_the_local_model_reads_what_the_rules_cannot(real_server, tmp_path):
    model = make_chat_model(LLMSettings(base_url=real_server.base_url, model=real_server.model, timeout=900,
                                        max_retries=0), max_tokens=200)
    backend = ChatBackend(store=DraftStore(f"sqlite:///{tmp_path / 'd.sqlite3'}"), open_retriever=False, llm=model,
                          llm_timeout=900)
    chat = ChatService(backend, "user:llm", markdown=False)
    chat.start_from_table(load_path(TABLES["training"][0]).tables[0])
    table = chat.table
    warm = warm_up(model)
    start = time.perf_counter()
    reply = chat.handle("出勤那一项我想弄成九十七")
    turn = time.perf_counter() - start
    print(f"\n[chat-llm] system prompt warm-up {warm:.1f} s, one chat turn {turn:.1f} s")
    assert reply.table == table  # nothing runs before a yes
    assert reply.action == "confirm", reply.text
    assert "「参训人员出勤率」：指标值 ≥95% → ≥97%" in reply.text and "确定" in reply.text
    done = chat.handle("确定")
    assert next(i for i in done.table.indicators if i.level3 == "参训人员出勤率").value == "≥97%"
    assert [i.value for i in done.table.indicators if i.level3 != "参训人员出勤率"] == [
        i.value for i in table.indicators if i.level3 != "参训人员出勤率"]

    # The fixed prompt was reused: the server processed only the new tokens of the user turn.
    system, user = build_messages("满意度那栏搞成九十六吧", done.table)
    body = {"model": real_server.model, "temperature": 0, "max_tokens": 1, "response_format": {"type": "json_object"},
            "messages": [{"role": "system", "content": system.content}, {"role": "user", "content": user.content}]}
    request = urllib.request.Request(f"{real_server.base_url}/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    timings = json.loads(urllib.request.urlopen(request, timeout=900).read()).get("timings", {})
    print(f"[chat-llm] cached prompt tokens {timings.get('cache_n')}, new {timings.get('prompt_n')}")
    assert timings.get("cache_n", 0) > 1000 and timings.get("prompt_n", 10**6) < 400
    assert ChatPlan.model_json_schema()["properties"]["actions"]
