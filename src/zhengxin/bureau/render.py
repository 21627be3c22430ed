"""Renderings of a :class:`~zhengxin.bureau.report.CreditReport`. Text for the terminal here."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from zhengxin.bureau.report import AccountSection, CreditReport
from zhengxin.codes import IdType
from zhengxin.kernel.clock import CHINA

_STATUS_STYLE = {
    "N": "green",
    "*": "dim",
    "M": "yellow",
    "C": "cyan",
    "G": "cyan",
    "/": "dim",
}


_ID_NAMES = {IdType.RESIDENT_ID.value: "居民身份证 resident ID"}


def _yuan(amount: int | None) -> str:
    return "-" if amount is None else f"{amount:,}"


def _status_cell(status: str | None) -> Text:
    if status is None:
        return Text(" ")
    style = _STATUS_STYLE.get(status, "bold red")
    return Text(status, style=style)


def grid_table(section: AccountSection) -> Table:
    """The 24-month grid as the report prints it: a row per year, a column per month."""
    table = Table(box=None, padding=(0, 1), pad_edge=False)
    table.add_column("", style="dim", no_wrap=True)
    for month in range(1, 13):
        table.add_column(f"{month:02d}", justify="center", header_style="dim", no_wrap=True)
    by_month = {(c.month.year, c.month.month): c.status for c in section.grid}
    for year in range(section.grid_start.year, section.grid_end.year + 1):
        table.add_row(
            str(year),
            *[_status_cell(by_month.get((year, m))) for m in range(1, 13)],
        )
    return table


def account_block(index: int, section: AccountSection) -> RenderableType:
    latest = section.latest
    lines = Text()
    lines.append(f"{index}. {section.institution_name} ", style="bold")
    lines.append(f"({section.institution_code}) · {section.account_type} ")
    lines.append(f"{section.account_type_label} · 账户 {section.account_code}\n")
    lines.append(
        f"   开立 opened {section.open_date or '-'} · 授信额度 limit "
        f"{_yuan(section.credit_limit_yuan)} {section.currency or ''}"
    )
    if section.close_date:
        lines.append(f" · 关闭 closed {section.close_date}")
    lines.append("\n")
    if latest is not None:
        lines.append(
            f"   最近一次月度表现 latest month {latest.month:%Y-%m}: "
            f"账户状态 {latest.account_status_label} · 余额 balance {_yuan(latest.balance_yuan)}"
            f" · 五级分类 {latest.five_category} · 当前还款状态 {latest.repayment_status}"
            f" · 当前逾期总额 overdue {_yuan(latest.overdue_total_yuan)}\n"
            f"   本月应还 due {_yuan(latest.due_yuan)} · 本月实还 repaid "
            f"{_yuan(latest.repaid_yuan)} · 最近一次还款 last repaid {latest.last_repayment_date}\n"
        )
    lines.append(
        f"   {section.grid_start:%Y-%m} — {section.grid_end:%Y-%m} 的还款记录 "
        "(24-month repayment grid)",
        style="bold",
    )
    return Group(lines, grid_table(section))


def report_renderable(report: CreditReport) -> RenderableType:
    """The whole report as a rich renderable, in Chinese with English labels."""
    head = Text()
    head.append("个人信用报告 Personal credit report", style="bold")
    head.append(f"   报告编号 No. {report.report_number}\n")
    head.append(
        f"报告时间 generated {report.generated_at.astimezone(CHINA):%Y-%m-%d %H:%M} (UTC+8)\n"
    )
    head.append(
        f"姓名 name {report.name} · 证件 ID {report.id_number_masked} "
        f"({_ID_NAMES.get(report.id_type) or IdType(report.id_type).label})\n"
    )
    s = report.summary
    summary = Text(
        f"信贷账户 accounts {s.accounts} (未结清 open {s.open_accounts}, 已关闭 closed "
        f"{s.closed_accounts}) · 当前逾期账户 overdue now {s.overdue_accounts} · "
        f"授信总额 total limit {_yuan(s.total_credit_limit_yuan)} · 余额 total balance "
        f"{_yuan(s.total_balance_yuan)} · 24个月内逾期月数 overdue months {s.months_ever_overdue}"
    )
    parts: list[RenderableType] = [head, Text("信息概要 Summary", style="bold underline"), summary]
    parts.append(Text("\n信贷交易明细 Credit account details", style="bold underline"))
    if not report.accounts:
        parts.append(Text("无信贷交易记录 no credit accounts"))
    for index, section in enumerate(report.accounts, start=1):
        parts.append(account_block(index, section))
    parts.append(
        Text(
            "状态 legend: N paid as agreed · * nothing due · M paid late within the month · "
            "1-7 overdue 1-30 … >180 days · B bad debt · C closed · / open, not reported",
            style="dim",
        )
    )
    return Panel(Group(*parts), expand=False)


def report_text(report: CreditReport, width: int = 110) -> str:
    """The report as plain text (no colour), for files and tests."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    console.print(report_renderable(report))
    return buffer.getvalue()
