"""The fit rules (fit.*) over the shipped corpus: every finding, with a reviewer's verdict.

The corpus holds real published tables: a fit finding on one of them is either a real defect
(TP) or a false alarm (FP). The verdicts below were given by reading each row against its
table's name, use and goal; a finding without a verdict is printed as "?" (read it and add one).

    .venv/bin/python bench/bench_fit.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

from assistant import corpus  # noqa: E402
from assistant.checks import lint_table  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "fit.md"
# (project name prefix, 三级指标) -> (verdict, why)
VERDICTS = {
    ("残疾人保障金", "补助资金支付率"): ("TP", "money paid, filed as a 数量 output"),
    ("残疾人保障金", "资金到位率"): ("TP", "money arriving, filed as a 质量 output"),
    ("冀财建【2024】269号", "资金执行率"): ("TP", "budget execution as a 质量 output"),
    ("维稳经费", "资金保障率"): ("TP", "the issue's own example: 资金保障率 as a 数量 output"),
    ("新增规上企业工作经费", "资金到位率"): ("TP", "money arriving as a 质量 output"),
    ("2021年吕梁山护工培训", "巩固脱贫攻坚成果"): (
        "FP", "吕梁山护工 is a poverty-relief training brand; its table does not say so, the rule cannot know"),
}


def main() -> None:
    tables = corpus.load_tables()
    rows = sum(len(t.indicators) for t in tables)
    found = []
    for table in tables:
        for f in lint_table(table):
            if f.rule.startswith("fit."):
                verdict = next((v for (p, n), v in VERDICTS.items() if table.project_name.startswith(p) and f.level3 == n),
                               ("?", "no verdict yet"))
                found.append((f.rule, table.project_name[:24], f.level2 or "", f.level3 or "", *verdict))
    tp = sum(1 for f in found if f[4] == "TP")
    fp = sum(1 for f in found if f[4] == "FP")
    lines = ["# Fit rules over the corpus", "", f"Machine: {describe()}", "",
             f"{len(tables)} real tables, {rows} rows: {len(found)} fit findings, {tp} real defects, {fp} false alarms "
             f"({fp / rows:.1%} of rows).", "",
             "| rule | project | 二级 | 三级 | verdict | why |", "|---|---|---|---|---|---|"]
    lines += [f"| {' | '.join(f)} |" for f in found]
    lines += ["", "Tuning on this corpus removed two other false alarms before this run: a 服务周期 "
              "「2023.07-2024.01」 spanning the project year (a period that contains the project's year is not "
              "another year), and a 疫苗接种率 row in 基本公共卫生服务项目 (public health services include "
              "immunisation). 市民满意度 in a city-wide service is no longer checked (residents are the public)."]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
