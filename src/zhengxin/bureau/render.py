"""The credit report as text for the terminal (rich), in Chinese with English labels.

Every section of :class:`~zhengxin.bureau.report.CreditReport` in the report's order: header
and query, personal information, summary, credit account details (with the 24-month grid and
the 5-year history, a row per year), credit agreements, statements and dispute marks, query
records. JSON is :func:`zhengxin.bureau.report.report_json`; HTML is
:func:`zhengxin.bureau.html.report_html`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from zhengxin.bureau.report import CreditReport
from zhengxin.bureau.report_parts import (
    AccountSection,
    AgreementSection,
    DisputeView,
    Identity,
    QueryHeader,
    QueryRecords,
    StatementView,
    Summary,
)
from zhengxin.kernel.clock import CHINA

_STATUS_STYLE = {
    "N": "green",
    "*": "dim",
    "M": "yellow",
    "C": "cyan",
    "G": "cyan",
    "/": "dim",
}
LEGEND = (
    "状态 legend: N paid as agreed · * nothing due · M paid late within the month · "
    "1-7 overdue 1-30 … >180 days · B bad debt · D paid by guarantor · Z settled with assets · "
    "C closed · G ended · / open, not reported"
)
NONE = "-"


def _yuan(amount: int | None) -> str:
    return NONE if amount is None else f"{amount:,}"


def _day(day: date | None) -> str:
    return NONE if day is None else day.isoformat()


def _coded(code: str | None, label: str | None) -> str:
    """A code with its label: ``20 已婚``; ``-`` when nothing was reported."""
    if code is None:
        return NONE
    return f"{code} {label}" if label else code


def _heading(chinese: str, english: str) -> Text:
    return Text(f"\n{chinese} {english}", style="bold underline")


def _status_cell(status: str | None) -> Text:
    if status is None:
        return Text(" ")
    return Text(status, style=_STATUS_STYLE.get(status, "bold red"))


def _year_grid(cells: Iterable[tuple[date, str | None]], compact: bool = False) -> Table:
    """Months as the report prints them: a row per year, a column per month."""
    table = Table(box=None, padding=(0, 0 if compact else 1), pad_edge=False)
    table.add_column("", style="dim", no_wrap=True)
    for month in range(1, 13):
        table.add_column(
            f"{month:02d}" if not compact else f"{month % 10}",
            justify="center",
            header_style="dim",
            no_wrap=True,
        )
    by_month = {(m.year, m.month): status for m, status in cells}
    years = sorted({year for year, _ in by_month})
    for year in years:
        table.add_row(
            f"{year} " if compact else str(year),
            *[_status_cell(by_month.get((year, m))) for m in range(1, 13)],
        )
    return table


def grid_table(section: AccountSection) -> Table:
    """The 24-month grid as the report prints it: a row per year, a column per month."""
    return _year_grid((c.month, c.status) for c in section.grid)


def five_year_table(section: AccountSection) -> Table:
    """The 5-year history compactly: status characters per month, a row per year."""
    return _year_grid(((c.month, c.status) for c in section.five_year), compact=True)


def _add_row(table: Table, *cells: str | Text) -> None:
    """Add a row whose text is taken as is: reported names and addresses are not markup."""
    table.add_row(*[Text(c) if isinstance(c, str) else c for c in cells])


def _table(first: str, *numbers: str) -> Table:
    """A table whose first column names the row and the others hold figures."""
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    table.add_column(first, no_wrap=True)
    for title in numbers:
        table.add_column(title, justify="right", no_wrap=True)
    return table


def _facts(rows: Sequence[tuple[str, str]]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for i in range(0, len(rows), 2):
        pair = [*rows[i], *(rows[i + 1] if i + 1 < len(rows) else ("", ""))]
        _add_row(table, *pair)
    return table


def header_block(report: CreditReport) -> RenderableType:
    q: QueryHeader = report.query
    head = Text()
    head.append("个人信用报告 Personal credit report", style="bold")
    head.append(f"   报告编号 No. {report.report_number}\n")
    head.append(
        f"报告时间 generated {report.generated_at.astimezone(CHINA):%Y-%m-%d %H:%M} (UTC+8)"
        f" · 报告日期 as of {report.report_date}\n"
    )
    who = q.institution_name + (f" ({q.institution_code})" if q.institution_code else "")
    reason = f"{q.reason} {q.reason_label}" if q.reason else q.reason_label
    head.append(
        f"查询机构 asked by {who} · 查询原因 reason {reason} · "
        f"查询时间 asked {q.asked_at.astimezone(CHINA):%Y-%m-%d %H:%M}"
    )
    return head


def identity_block(identity: Identity) -> RenderableType:
    line = Text(
        f"姓名 name {identity.name} · 证件 ID {identity.id_number_masked} "
        f"({identity.id_type} {identity.id_type_label})"
    )
    p = identity.personal
    if p is None:
        return Group(line, Text("无个人基本信息 no personal information reported", style="dim"))
    facts = _facts(
        [
            ("性别 sex", _coded(p.sex, p.sex_label)),
            ("出生日期 born", _day(p.birth_date)),
            ("国籍 nationality", _coded(p.nationality, p.nationality_label)),
            ("婚姻状况 marital", _coded(p.marital_status, p.marital_status_label)),
            ("学历 education", _coded(p.education, p.education_label)),
            ("学位 degree", _coded(p.degree, p.degree_label)),
            ("就业状况 employment", _coded(p.employment_status, p.employment_status_label)),
            ("工作单位 employer", p.employer or NONE),
            ("职业 occupation", _coded(p.occupation, p.occupation_label)),
            ("居住状况 residence", _coded(p.residence_status, p.residence_status_label)),
            ("居住地址 address", p.residence_address or NONE),
            ("通讯地址 mailing", p.mailing_address or NONE),
            ("手机号码 phone", p.phone_masked or NONE),
        ]
    )
    source = Text(
        f"信息来源 reported by {p.reported_by_name} ({p.reported_by_code}) on {p.reported_on}",
        style="dim",
    )
    return Group(line, facts, source)


def summary_block(s: Summary) -> RenderableType:
    totals = Text(
        f"信贷账户 accounts {s.accounts} (未结清 open {s.open_accounts}, 已关闭 closed "
        f"{s.closed_accounts}) · 当前逾期账户 overdue now {s.overdue_accounts} · "
        f"授信总额 total limit {_yuan(s.total_credit_limit_yuan)} · 余额 total balance "
        f"{_yuan(s.total_balance_yuan)} · 5年内逾期月数 overdue months (5 years) "
        f"{s.months_overdue}"
    )
    types = _table(
        "账户类型 type",
        "账户数 accounts",
        "未结清 open",
        "已关闭 closed",
        "授信总额 limit",
        "余额 balance",
    )
    for t in s.by_type:
        _add_row(
            types,
            f"{t.account_type} {t.account_type_label}",
            str(t.accounts),
            str(t.open_accounts),
            str(t.closed_accounts),
            _yuan(t.total_credit_limit_yuan),
            _yuan(t.total_balance_yuan),
        )
    overdue = _table(
        "逾期汇总 overdue (5 years)",
        "账户数 accounts",
        "月份数 months",
        "单月最高 highest",
        "最长期数 longest",
    )
    for o in s.overdue:
        _add_row(
            overdue,
            f"{o.account_type} {o.account_type_label}",
            str(o.accounts),
            str(o.months),
            _yuan(o.highest_month_overdue_yuan),
            str(o.longest_overdue_periods),
        )
    a = s.agreements
    others = Text(
        f"呆账 bad debt: {s.bad_debt.accounts} 账户 accounts, 余额 balance "
        f"{_yuan(s.bad_debt.balance_yuan)}\n"
        f"授信协议 agreements: {a.agreements} (有效 in force {a.in_force}), 总额度 total limit "
        f"{_yuan(a.total_limit_yuan)}, 最高额度 highest {_yuan(a.highest_limit_yuan)}"
    )
    queries = _table(
        "查询次数 queries",
        "机构 all",
        "01 贷后",
        "02 贷款",
        "03 信用卡",
        "26 额度",
        "其他 other",
        "本人 self",
    )
    windows = (
        ("最近1个月 1 month", s.queries_last_month),
        ("最近2年 2 years", s.queries_last_two_years),
    )
    for name, c in windows:
        _add_row(
            queries,
            name,
            str(c.institutional),
            str(c.post_loan),
            str(c.loan_approval),
            str(c.card_approval),
            str(c.limit_approval),
            str(c.other),
            str(c.self_queries),
        )
    since = Text(" · ".join(f"{name} since {c.since}" for name, c in windows), style="dim")
    return Group(totals, types, overdue, others, queries, since)


def account_block(index: int, section: AccountSection) -> RenderableType:
    lines = Text()
    lines.append(f"{index}. {section.institution_name} ", style="bold")
    lines.append(f"({section.institution_code}) · {section.account_type} ")
    lines.append(f"{section.account_type_label} · 账户 {section.account_code}")
    facts = _facts(
        [
            ("业务种类 business", _coded(section.business_detail, section.business_detail_label)),
            ("开立日期 opened", _day(section.open_date)),
            ("币种 currency", section.currency or NONE),
            ("授信额度 limit", _yuan(section.credit_limit_yuan)),
            ("借款金额 loan", _yuan(section.loan_amount_yuan)),
            ("到期日期 due", _day(section.due_date)),
            ("还款方式 repay mode", _coded(section.repay_mode, section.repay_mode_label)),
            ("还款频率 frequency", _coded(section.repay_frequency, section.repay_frequency_label)),
            ("担保方式 guarantee", _coded(section.guarantee_mode, section.guarantee_mode_label)),
            ("授信协议 agreement", section.agreement_code or NONE),
            ("关闭日期 closed", _day(section.close_date)),
        ]
    )
    parts: list[RenderableType] = [lines, facts]
    status = section.status
    if status is not None:
        parts.append(
            Text(
                f"   截至 {status.reported_on} 最新表现 latest status ({status.report_timing} "
                f"{status.report_timing_label}): 账户状态 {status.account_status_label} · "
                f"余额 balance {_yuan(status.balance_yuan)} · 五级分类 "
                f"{status.five_category_label or NONE} · 还款状态 "
                f"{status.repayment_status or NONE} · 逾期 overdue "
                f"{_yuan(status.overdue_total_yuan)}"
            )
        )
    latest = section.latest
    if latest is not None:
        parts.append(
            Text(
                f"   最近一次月度表现 latest month {latest.month:%Y-%m}: "
                f"账户状态 {latest.account_status_label} · 余额 balance "
                f"{_yuan(latest.balance_yuan)} · 五级分类 {latest.five_category} "
                f"{latest.five_category_label} · 当前还款状态 {latest.repayment_status} · "
                f"当前逾期总额 overdue {_yuan(latest.overdue_total_yuan)}\n"
                f"   本月应还 due {_yuan(latest.due_yuan)} · 本月实还 repaid "
                f"{_yuan(latest.repaid_yuan)} · 最近一次还款 last repaid "
                f"{latest.last_repayment_date}"
            )
        )
    parts.append(
        Text(
            f"   {section.grid_start:%Y-%m} — {section.grid_end:%Y-%m} 的还款记录 "
            "(24-month repayment grid)",
            style="bold",
        )
    )
    parts.append(grid_table(section))
    parts.append(
        Text(
            f"   {section.five_year_start:%Y-%m} — {section.five_year_end:%Y-%m} "
            "最近5年历史表现 (5-year history)",
            style="bold",
        )
    )
    parts.append(five_year_table(section))
    amounts = [c for c in section.five_year if c.overdue_total_yuan]
    if amounts:
        parts.append(
            Text(
                "   逾期总额 overdue amounts: "
                + "; ".join(f"{c.month:%Y-%m} {_yuan(c.overdue_total_yuan)}" for c in amounts)
            )
        )
    for t in section.special_transactions:
        parts.append(
            Text(
                f"   特殊交易 special transaction {t.reported_on}: {t.report_timing} "
                f"{t.report_timing_label} · 还款 repaid {_yuan(t.last_repayment_yuan)} on "
                f"{_day(t.last_repayment_date)} · 余额 balance {_yuan(t.balance_yuan)}"
            )
        )
    for e in section.special_events:
        parts.append(
            Text(f"   特殊事件 special event {e.month:%Y-%m}: {e.event_type} {e.event_type_label}")
        )
    for mark in section.dispute_marks:
        month = f" ({mark.month:%Y-%m})" if mark.month else ""
        parts.append(Text(f"   {mark.text}{month}", style="bold magenta"))
    for statement in section.statements:
        parts.append(Text(f"   本人声明 statement: {statement.text}", style="magenta"))
    return Group(*parts)


def agreements_block(agreements: Sequence[AgreementSection]) -> RenderableType:
    if not agreements:
        return Text("无授信协议 no credit agreements")
    return Group(
        *(
            Text(
                f"{i}. {a.institution_name} ({a.institution_code}) · 协议 contract "
                f"{a.contract_code} · 额度类型 {_coded(a.limit_type, a.limit_type_label)} · "
                f"额度 limit {_yuan(a.limit_yuan)} {a.currency or ''} · 生效 effective "
                f"{_day(a.effective_date)} · 到期 expiry {_day(a.expiry_date)} · 状态 status "
                f"{_coded(a.status, a.status_label)}"
            )
            for i, a in enumerate(agreements, start=1)
        )
    )


def statements_block(
    statements: Sequence[StatementView], disputes: Sequence[DisputeView]
) -> RenderableType:
    parts: list[RenderableType] = []
    if not statements and not disputes:
        return Text("无本人声明或异议标注 no statements or disputes")
    for s in statements:
        where = f" (账户 account {s.account_code})" if s.account_code else ""
        parts.append(
            Text(
                f"本人声明 statement {s.statement_type} {s.statement_type_label}{where}, "
                f"added {s.added_on}: {s.text}"
            )
        )
    for d in disputes:
        flag = " · 已超期 PAST DEADLINE" if d.past_deadline else ""
        outcome = f" · 结果 outcome {d.outcome_label}" if d.outcome_label else ""
        note = f" — {d.outcome_note}" if d.outcome_note else ""
        parts.append(
            Text(
                f"异议 dispute {d.dispute_type} {d.dispute_type_label}: {d.about} · "
                f"filed {d.filed_on} · 期限 deadline {d.deadline} · 状态 {d.status_label}"
                f"{outcome}{note}{flag}",
                style="bold red" if d.past_deadline else "",
            )
        )
    return Group(*parts)


def queries_block(records: QueryRecords) -> RenderableType:
    parts: list[RenderableType] = [Text(f"自 since {records.since}", style="dim")]
    if records.institutional:
        table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
        for title in ("查询日期 date", "机构类型 kind", "查询机构 institution", "查询原因 reason"):
            table.add_column(title)
        for r in records.institutional:
            name = r.institution_name + (" ※" if r.dispute_mark else "")
            _add_row(
                table,
                str(r.asked_on),
                r.institution_kind_label,
                name,
                f"{r.reason} {r.reason_label}" if r.reason else r.reason_label,
            )
        parts.append(table)
        parts.extend(
            Text(f"※ {r.asked_on} {r.institution_name}: {r.dispute_mark.text}", style="magenta")
            for r in records.institutional
            if r.dispute_mark is not None
        )
    else:
        parts.append(Text("机构查询 institutional queries: 无 none"))
    selfs = (
        ", ".join(
            f"{q.asked_on}" + (" (收费 chargeable)" if q.chargeable else "")
            for q in records.self_queries
        )
        or "无 none"
    )
    parts.append(Text(f"本人查询 self-queries: {selfs}"))
    return Group(*parts)


def report_renderable(report: CreditReport) -> RenderableType:
    """The whole report as a rich renderable, in Chinese with English labels."""
    parts: list[RenderableType] = [header_block(report)]
    parts += [_heading("个人基本信息", "Personal information"), identity_block(report.identity)]
    parts += [_heading("信息概要", "Summary"), summary_block(report.summary)]
    parts.append(_heading("信贷交易明细", "Credit account details"))
    if not report.accounts:
        parts.append(Text("无信贷交易记录 no credit accounts"))
    for index, section in enumerate(report.accounts, start=1):
        parts.append(account_block(index, section))
    parts += [_heading("授信协议信息", "Credit agreements"), agreements_block(report.agreements)]
    parts += [
        _heading("本人声明及异议标注", "Statements and dispute marks"),
        statements_block(report.statements, report.disputes),
    ]
    parts += [_heading("查询记录", "Query records"), queries_block(report.query_records)]
    parts.append(Text(LEGEND, style="dim"))
    return Panel(Group(*parts), expand=False)


def report_text(report: CreditReport, width: int = 110) -> str:
    """The report as plain text (no colour), for files and tests."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    console.print(report_renderable(report))
    return buffer.getvalue()
