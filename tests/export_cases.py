"""Helpers and awkward tables shared by the export tests (tests/test_export*.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.export.docx_booklet import write_docx
from assistant.export.xlsx_workbook import write_xlsx
from assistant.model import Budget, Indicator, PlanItem, ProjectTable, Source
from assistant.parsers.docx_tables import parse_docx
from assistant.parsers.xlsx_rows import parse_xlsx

TEXT_FIELDS = ("project_name", "department", "fund_use", "goal")
INDICATOR_TEXT_FIELDS = ("level1", "level2", "level3", "description", "value", "basis")
NON_GBK = "😀𠀀㊣🏛️"  # emoji, CJK Extension B, a circled ideograph, an emoji sequence
LONG = 5000


def round_trip(tables: list[ProjectTable], path: Path, **kwargs) -> list[ProjectTable]:
    """Write with our .docx or .xlsx writer (by the suffix), read back with the matching parser."""
    write, parse = (write_docx, parse_docx) if path.suffix == ".docx" else (write_xlsx, parse_xlsx)
    write(tables, path, **kwargs)
    return parse(path, Source(file=path.name, format=path.suffix[1:])).tables


def dump(tables: list[ProjectTable]) -> list[dict]:
    return [t.model_dump(exclude={"source"}) for t in tables]


def counts(tables: list[ProjectTable]) -> tuple[int, int, int]:
    """(tables, indicators, characters of all texts): what a round trip must keep."""
    chars = 0
    for t in tables:
        chars += sum(len(getattr(t, f)) for f in TEXT_FIELDS) + len(t.project_code or "")
        chars += sum(len(getattr(i, f)) for i in t.indicators for f in INDICATOR_TEXT_FIELDS)
    return len(tables), sum(len(t.indicators) for t in tables), chars


def _indicators(tag: str, value: str = "≥95%") -> list[Indicator]:
    return [
        Indicator(level1="产出指标", level2="数量指标", level3=f"{tag}数量", description="描述", value="≥10家", basis="计划标准"),
        Indicator(level1="产出指标", level2="数量指标", level3=f"{tag}次数", description="", value="=300天", basis=""),
        Indicator(level1="产出指标", level2="质量指标", level3=f"{tag}合格率", description="验收", value=value, basis="行业标准"),
        Indicator(level1="效益指标", level2="社会效益指标", level3=f"{tag}效益", description="", value="明显提升", basis=""),
        Indicator(level1="满意度指标", level2="服务对象满意度指标", level3="满意度", description="问卷", value="≥90百分比", basis="历史标准"),
    ]


def stress_tables() -> list[ProjectTable]:
    """Line breaks, 5,000-character texts, characters outside GBK, formula-like values, tabs."""
    plan = [PlanItem(label="3月底", percent=12.5), PlanItem(label="6月底", percent=50),
            PlanItem(label="10月底", percent=None), PlanItem(label="12月底", percent=100)]
    breaks = ProjectTable(
        project_code="13022925P00X", project_name="换行\n项目", department="某局\n本级", year=2025,
        budget=Budget(total=1234.5, fiscal=1000, other=234.5), fund_use="第一行\n第二行\n\n第四行",
        spending_plan=plan, goal="1.目标一；\n2.目标二。\t（含制表符）",
        indicators=_indicators("换行") + [Indicator(level1="产出指标", level2="时效指标", level3="完成\n时间", description="多行\n描述", value="2025年\n12月底前", basis="依据\n文件")],
    )
    long_text = ("长文本" * LONG)[:LONG]
    long = ProjectTable(
        project_name="长文本项目", year=2025, budget=Budget(total=0.01, fiscal=None, other=0),
        fund_use=long_text, goal=long_text, spending_plan=plan[:2],
        indicators=_indicators("长") + [Indicator(level1="产出指标", level2="质量指标", level3="长值", description=long_text, value=long_text, basis=long_text)],
    )
    non_gbk = ProjectTable(
        project_code=f"编码{NON_GBK}", project_name=f"生僻字{NON_GBK}项目", department=f"单位{NON_GBK}", year=2024,
        budget=Budget(total=100000000.0, fiscal=99999999.99, other=0.01), fund_use=f"用途{NON_GBK}", goal=f"目标{NON_GBK}",
        spending_plan=plan * 2,  # eight plan items: two rows of labels and percents
        indicators=_indicators(NON_GBK, value=f"≥95{NON_GBK}") + [
            Indicator(level1=f"产出{NON_GBK}", level2=f"数量{NON_GBK}", level3=NON_GBK, description=NON_GBK, value=f"{NON_GBK}以上", basis=NON_GBK),
        ],
    )
    formulas = ProjectTable(
        project_name="公式样的值", year=2025,
        indicators=[
            Indicator(level1="产出指标", level2="数量指标", level3=f"指标{n}", value=value)
            for n, value in enumerate(["=SUM(A1:A3)", "+5%", "-3", "@x", "28.40/株", "0.00%", "05", "≥1.5e3", " ≥95% ", "100", "1,000人"])
        ],
    )
    return [breaks, long, non_gbk, formulas]


def minimal_table() -> ProjectTable:
    """No code, no plan, no budget, no year, no unit, no goal."""
    return ProjectTable(project_name="无编码无预算项目", indicators=[Indicator(level3="仅有三级指标")])


def twenty_projects(seed_tables: list[ProjectTable]) -> list[ProjectTable]:
    tables = []
    for n in range(20):
        base = seed_tables[n % len(seed_tables)]
        tables.append(base.model_copy(update={"project_name": f"{base.project_name}（第{n + 1}份）"}, deep=True))
    return tables


def libreoffice(component: str = "writer") -> str:
    """The soffice binary able to open `component` files; skips the test when it is not installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) 未安装，跳过转换检查：apt-get install libreoffice-writer-nogui")
    program = Path(os.path.realpath(soffice)).parent
    if component == "calc" and not (program / "libsclo.so").exists():
        pytest.skip("LibreOffice Calc 未安装，跳过 .xlsx 转换检查：apt-get install libreoffice-calc-nogui")
    return soffice


def convert_to_pdf(path: Path, outdir: Path, component: str = "writer") -> Path:
    """Convert with LibreOffice headless (private profile) and return the PDF, which must exist."""
    soffice = libreoffice(component)
    profile = outdir / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=240,
    )
    pdf = outdir / f"{path.stem}.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 1000, f"LibreOffice did not convert {path.name}"
    return pdf


def pdf_text(pdf: Path) -> str:
    """The PDF's text via pdftotext when installed, else ''."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return ""
    return subprocess.run([tool, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
