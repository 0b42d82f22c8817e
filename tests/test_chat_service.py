"""The chat assistant without Gradio: intents, edits, undo, questions, help, storage."""

from __future__ import annotations

import pytest

from assistant.chat import intents
from assistant.chat.intents import (
    AddIndicator,
    Ask,
    Check,
    DraftProject,
    Export,
    Help,
    RemoveIndicator,
    SetBudget,
    SetHeader,
    SetPlan,
    SetValue,
    Undo,
    parse_message,
)
from assistant.chat.storage import DraftStore, owner_for, valid_token, new_browser_token
from assistant.model import Budget, Indicator, PlanItem, ProjectTable

DESCRIPTION = "2025年中小企业数字化转型培训项目，预算30万元，培训企业负责人200人次，11月底前完成"
OTHER_DESCRIPTION = "2025年农村饮水安全维修养护项目，预算80万元，维修供水工程12处，受益群众5000人"


# --- intents ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message, expected",
    [
        ("把培训人数改为300人次", SetValue(target="培训人数", value="300人次")),
        ("满意度改成≥90%", SetValue(target="满意度", value="≥90%")),
        ("第3行改为≥95%", SetValue(target="第3行", row=2, value="≥95%")),
        ("把验收合格率的依据改为计划标准：验收办法", SetValue(target="验收合格率", field="basis", value="计划标准:验收办法")),
        ("增加一个时效指标：资金支付及时率≥95%", AddIndicator(level2="时效指标", level3="资金支付及时率", value="≥95%")),
        ("添加满意度指标：企业满意度≥95%", AddIndicator(level2="服务对象满意度指标", level3="企业满意度", value="≥95%")),
        ("增加培训合格率98%", AddIndicator(level3="培训合格率", value="98%")),
        ("增加一个时效指标：项目完成时间2025年11月底前",
         AddIndicator(level2="时效指标", level3="项目完成时间", value="2025年11月底前")),
        ("删除‘结果准确性’", RemoveIndicator(target="结果准确性")),
        ("把“结果准确性”删掉", RemoveIndicator(target="结果准确性")),
        ("删除第2行", RemoveIndicator(target="第2行", row=1)),
        ("预算改为50万元", SetBudget(part="total", amount=500000.0)),
        ("预算改为五十万元", SetBudget(part="total", amount=500000.0)),
        ("财政资金改为40万元", SetBudget(part="fiscal", amount=400000.0)),
        ("预算数调整为1.2亿元", SetBudget(part="total", amount=1.2e8)),
        ("6月底支出改为60%", SetPlan(label="6月底", percent=60.0)),
        ("把十月底的支出进度调整为80%", SetPlan(label="10月底", percent=80.0)),
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
    assert parse_message(message) == expected


def test_questions_for_reviewers():
    timely = parse_message("有哪些类似项目的时效指标？")
    assert isinstance(timely, Ask) and timely.mode == "similar" and timely.level2 == "时效指标"
    satisfaction = parse_message("满意度一般定多少？")
    assert isinstance(satisfaction, Ask) and satisfaction.mode == "stats" and satisfaction.topic == "满意度"
    projects = parse_message("有哪些类似项目？")
    assert isinstance(projects, Ask) and projects.mode == "projects"


def test_descriptions_become_drafts():
    assert parse_message(DESCRIPTION) == DraftProject(text=intents.normalise(DESCRIPTION))
    assert isinstance(parse_message("新建项目：旧厂房改为创业孵化基地，预算300万元"), DraftProject)
    assert isinstance(parse_message(OTHER_DESCRIPTION), DraftProject)


def test_amounts_and_labels():
    assert intents.parse_amount_yuan("预算 1,200 元") == 1200.0
    assert intents.parse_amount_yuan("三千五百元") == 3500.0
    assert intents.parse_amount_yuan("一百二十万元") == 1_200_000.0
    assert intents.parse_amount_yuan("没有金额") is None
    assert intents.plan_label("六月末") == "6月底"
    assert intents.plan_label("13月底") is None
    assert intents.split_name_value("资金支付及时率≥95%") == ("资金支付及时率", "≥95%")
    assert intents.split_name_value("5G基站建设数量≥10个") == ("5G基站建设数量", "≥10个")


def test_actions_round_trip_as_json():
    for action in (SetValue(target="x", value="≥1个"), Export(format="docx"), Ask(question="q", topic="满意度")):
        assert intents.ACTION_ADAPTER.validate_python(action.model_dump()) == action


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
