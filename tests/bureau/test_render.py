"""The credit report rendered: text for the terminal and one printable HTML page.

王芳's report of 2025-06-16 (the story of ``test_report.py``: a revolving line overdue in March
and April 2024, a card, a dispute one day past its deadline, a statement, two agreements, the
queries of two years) must show every section in order, with the values that matter. A second
person, whose name and employer were reported as ``<script>alert(1)</script>`` and
``[/red]A&B <b>``, must come out as that text, never as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine

from tests.bureau.test_report import (
    ANT,
    CONTRACT,
    LINE,
    WANG,
    Writer,
    _register,
    _story,
    bank_header,
    checked,
    clock,
)
from tests.conftest import Backend
from zhengxin.bureau.html import by_year, report_html
from zhengxin.bureau.models import Subject, SubjectInfo
from zhengxin.bureau.render import report_text
from zhengxin.bureau.report import CreditReport, ReportService, report_number
from zhengxin.bureau.report_parts import GridCell
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.identity import ResidentId

DAY = date(2025, 6, 16)
SCRIPT = "<script>alert(1)</script>"
MARKUP = "[/red]A&B <b>"
MALLORY = ResidentId.make("510104", date(1999, 9, 9), 77).number

HEADINGS = (
    "个人信用报告 Personal credit report",
    "个人基本信息 Personal information",
    "信息概要 Summary",
    "信贷交易明细 Credit account details",
    "授信协议信息 Credit agreements",
    "本人声明及异议标注 Statements and dispute marks",
    "查询记录 Query records",
)


@dataclass
class Reports:
    wang: CreditReport
    mallory: CreditReport


@pytest.fixture(scope="module")
def reports(module_backend: Backend) -> Reports:
    engine: Engine = module_backend.engine("render")
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        _register(session)
        wang_id = _story(session)[0]
        w = Writer(session)
        mallory = w.subject(MALLORY, SCRIPT)
        session.add(
            SubjectInfo(
                subject_id=mallory.id,
                institution_code=ANT,
                report_date=date(2025, 1, 1),
                report_timing="10",
                employer=MARKUP,
                residence_address=SCRIPT,
                submission_id=w.submission(ANT, "110", date(2025, 1, 1)),
            )
        )
    c = clock(DAY)
    with unit_of_work(engine) as session:
        wang = session.get(Subject, wang_id)
        assert wang is not None
        report = ReportService(session, c).assemble(
            wang, bank_header(c.now()), report_number(c.now(), wang_id, 5), "02 loan approval"
        )
        other = ReportService(session, c).report_for(MALLORY)
    return Reports(checked(report), checked(other))


def squeezed(text: str) -> str:
    """Text without whitespace and panel borders: what stays when a line wraps anywhere."""
    return re.sub(r"[\s│]", "", text)


def shows(text: str, *needles: str) -> bool:
    flat = squeezed(text)
    return all(squeezed(needle) in flat for needle in needles)


def in_order(text: str, parts: tuple[str, ...]) -> list[int]:
    return [text.index(part) for part in parts]


def test_the_text_shows_every_section_in_order_with_its_key_values(reports: Reports) -> None:
    text = report_text(reports.wang)
    positions = in_order(text, HEADINGS)
    assert positions == sorted(positions)
    assert "王芳" in text and WANG not in text and WANG[-4:] in text
    assert shows(
        text,
        "查询机构 asked by 招商银行 (B10211000H0001) · 查询原因 reason 02 贷款审批",
        "婚姻状况 marital 20 已婚",
        "手机号码 phone *******5678",
        "R1 循环贷账户",
        LINE,
        CONTRACT,
        "24-month repayment grid",
        "5-year history",
        "2024-03 1,200; 2024-04 2,500",
        "40 收回逾期款项",
        "11 信用卡因调整账单日本月不出单",
        "异议标注 under dispute since 2025-05-26",
        "已超期 PAST DEADLINE",
        "2024年3月至4月的逾期系代还人延迟还款所致",
        "※ 2024-11-20 重庆蚂蚁消费金融有限公司: 异议处理结果 dispute closed 2025-01-28: "
        "维持原记录 record stands — 授权书有效",
        "本人查询 self-queries: 2025-05-20 (收费 chargeable), 2025-03-01, 2025-02-01",
    )
    assert "13812345678" not in text
    # The 5-year history, compactly: a row per year, a status character per month.
    assert re.search(r"^│ 2024 NN12NNNNNNNN ", text, re.MULTILINE), text
    assert "2023-05-10" not in text  # the card query of more than two years ago


def test_the_text_shows_reported_text_as_text(reports: Reports) -> None:
    text = report_text(reports.mallory, width=160)
    assert SCRIPT in text and MARKUP in text
    assert "无信贷交易记录 no credit accounts" in text


def test_the_html_page_shows_every_section_with_grids_as_tables(reports: Reports) -> None:
    page = report_html(reports.wang)
    assert page.startswith("<!DOCTYPE html>")
    positions = in_order(page, tuple(h.replace(" ", ' <span class="en">', 1) for h in HEADINGS))
    assert positions == sorted(positions)
    assert page.count('<table class="grid">') == 2 * len(reports.wang.accounts)
    assert '<td class="bad">1</td><td class="bad">2</td>' in page  # March and April 2024
    assert "异议标注 under dispute since 2025-05-26" in page
    assert "已超期 <span" in page
    assert "2024年3月至4月的逾期系代还人延迟还款所致" in page
    assert "*******5678" in page and "13812345678" not in page and WANG not in page
    assert "@media print" in page and "size: A4" in page


def test_the_html_page_stands_alone_without_scripts_or_outside_assets(reports: Reports) -> None:
    for page in (report_html(reports.wang), report_html(reports.mallory)):
        assert "<script" not in page.lower()
        assert not re.search(r"\b(src|href)\s*=|<link|@import|url\(", page, re.IGNORECASE)


def test_the_html_page_escapes_what_records_carry(reports: Reports) -> None:
    page = report_html(reports.mallory)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "[/red]A&amp;B &lt;b&gt;" in page
    assert SCRIPT not in page and "<b>" not in page


def test_grid_cells_fall_into_a_row_per_year() -> None:
    cells = [
        GridCell(month=date(2024, 11, 1), status="N"),
        GridCell(month=date(2024, 12, 1), status="1"),
        GridCell(month=date(2025, 1, 1), status="N"),
    ]
    rows = by_year(cells)
    assert [year for year, _ in rows] == [2024, 2025]
    assert [c.status if c else None for c in rows[0][1]][10:] == ["N", "1"]
    assert rows[1][1][0] is cells[2] and rows[1][1][1:] == [None] * 11
