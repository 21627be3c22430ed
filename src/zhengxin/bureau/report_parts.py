"""The sections of a credit report (二代个人信用报告) as typed, frozen values.

The sections follow the report's order (``law-and-products.md`` §2): header with the query,
identity and personal facts, summary, credit account details, credit agreements, statements and
dispute marks, query records. Every field carries a description, so the JSON schema generated
from :class:`CreditReport` (:mod:`zhengxin.bureau.schema`) documents the report itself. Amounts
are whole yuan as the bureau holds them (``*_yuan``); dates are business dates in China;
instants are UTC; codes are the official ones with their Chinese label beside them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- 1. header -----------------------------------------------------------------------------


class QueryHeader(_Part):
    """Who asked for this report, when and why: an institution, the subject (本人查询) or the
    bureau's operator (运营查询)."""

    asked_at: datetime = Field(description="The instant the report was asked for (UTC).")
    institution_code: str | None = Field(
        description="The asking institution's 14-character code; "
        "null for a self-query or the operator."
    )
    institution_name: str = Field(
        description="The asking institution's name; 本人 for a self-query."
    )
    institution_kind: str | None = Field(
        description="The asking institution's kind as registered (bank, consumer_finance, "
        "microloan, other); null for a self-query or the operator."
    )
    reason: str | None = Field(
        description="The query-reason code (查询原因, e.g. 02 贷款审批); "
        "null for a self-query or the operator."
    )
    reason_label: str = Field(description="The query reason in words, e.g. 贷款审批 or 本人查询.")
    self_query: bool = Field(description="Whether the subject asked for their own report.")


# --- 2. identity ----------------------------------------------------------------------------


class PersonalInfo(_Part):
    """The personal facts of the most recent basic-information record (110) any institution
    sent, with the institution and the date it reported them."""

    reported_by_code: str = Field(description="The code of the institution that sent the record.")
    reported_by_name: str = Field(description="The name of the institution that sent the record.")
    reported_on: date = Field(description="The record's report date.")
    sex: str | None = Field(description="性别 code (Gender table).")
    sex_label: str | None = Field(description="性别 in words.")
    birth_date: date | None = Field(description="出生日期.")
    nationality: str | None = Field(description="国籍, ISO 3166-1 alpha-3.")
    nationality_label: str | None = Field(description="国籍 in words.")
    marital_status: str | None = Field(description="婚姻状况 code.")
    marital_status_label: str | None = Field(description="婚姻状况 in words.")
    education: str | None = Field(description="学历 code.")
    education_label: str | None = Field(description="学历 in words.")
    degree: str | None = Field(description="学位 code.")
    degree_label: str | None = Field(description="学位 in words.")
    employment_status: str | None = Field(description="就业状况 code.")
    employment_status_label: str | None = Field(description="就业状况 in words.")
    employer: str | None = Field(description="工作单位, as reported.")
    occupation: str | None = Field(description="职业 code.")
    occupation_label: str | None = Field(description="职业 in words.")
    residence_status: str | None = Field(description="居住状况 code.")
    residence_status_label: str | None = Field(description="居住状况 in words.")
    residence_address: str | None = Field(description="居住地址, as reported.")
    mailing_address: str | None = Field(description="通讯地址, as reported.")
    phone_masked: str | None = Field(
        description="手机号码 with every character but the last 4 hidden."
    )


class Identity(_Part):
    """Who the report is about."""

    name: str = Field(description="The subject's name as last reported.")
    id_type: str = Field(description="个人证件类型 code (IdType table; 10 is the resident ID).")
    id_type_label: str = Field(description="The ID type in words.")
    id_number_masked: str = Field(
        description="The ID number with all but the first 3 and last 4 hidden."
    )
    personal: PersonalInfo | None = Field(
        description="The personal facts of the latest record 110; "
        "null when no institution sent one."
    )


# --- 3. summary -----------------------------------------------------------------------------


class AccountTypeSummary(_Part):
    """The subject's accounts of one account type."""

    account_type: str = Field(description="账户类型 code (D1, R1, R2, R3, R4, C1).")
    account_type_label: str = Field(description="The account type in words.")
    accounts: int = Field(description="Accounts of this type.")
    open_accounts: int = Field(description="Of them, not closed.")
    closed_accounts: int = Field(description="Of them, closed.")
    total_credit_limit_yuan: int = Field(
        description="Sum of the credit limits of the open ones, yuan."
    )
    total_balance_yuan: int = Field(description="Sum of the latest balances, yuan.")


class OverdueSummary(_Part):
    """逾期（透支）信息汇总 for one account type, over the report's last 5 years."""

    account_type: str = Field(description="账户类型 code.")
    account_type_label: str = Field(description="The account type in words.")
    accounts: int = Field(
        description="Accounts of this type with an overdue month (status 1-7) in 5 years."
    )
    months: int = Field(
        description="Overdue months of those accounts in 5 years, counted account by account."
    )
    highest_month_overdue_yuan: int = Field(
        description="单月最高逾期总额: the highest overdue total of a month."
    )
    longest_overdue_periods: int = Field(
        description="最长逾期期数: the most periods overdue in any month."
    )


class BadDebtSummary(_Part):
    """呆账信息汇总: accounts whose latest status is bad debt."""

    accounts: int = Field(
        description="Accounts in bad debt (account status 41/42/51/52 or repayment B)."
    )
    balance_yuan: int = Field(description="Their latest balances together, yuan.")


class AgreementSummary(_Part):
    """授信协议汇总."""

    agreements: int = Field(description="Credit agreements held.")
    in_force: int = Field(description="Of them, not expired (额度状态 other than 2).")
    total_limit_yuan: int = Field(description="Sum of the limits in force, yuan.")
    highest_limit_yuan: int = Field(description="The highest limit in force, yuan (0 when none).")


class QueryCounts(_Part):
    """Answered queries of one window, by reason."""

    since: date = Field(
        description="The window's first day (inclusive); it ends before this report."
    )
    institutional: int = Field(description="Institutional queries answered in the window.")
    post_loan: int = Field(description="Of them, 01 贷后管理 post-loan management.")
    loan_approval: int = Field(description="Of them, 02 贷款审批 loan approval.")
    card_approval: int = Field(description="Of them, 03 信用卡审批 card approval.")
    limit_approval: int = Field(description="Of them, 26 额度审批 limit approval.")
    other: int = Field(description="Of them, every other reason.")
    self_queries: int = Field(description="本人查询: the subject's own queries in the window.")


class Summary(_Part):
    """信息概要: the report in figures."""

    accounts: int = Field(description="Credit accounts shown.")
    open_accounts: int = Field(description="Of them, not closed.")
    closed_accounts: int = Field(description="Of them, closed.")
    overdue_accounts: int = Field(description="Of them, overdue now (latest account status 2).")
    total_credit_limit_yuan: int = Field(
        description="Sum of the credit limits of the open accounts, yuan."
    )
    total_balance_yuan: int = Field(description="Sum of the latest balances, yuan.")
    months_overdue: int = Field(
        description="Overdue months (status 1-7) of all accounts in the last 5 years."
    )
    by_type: tuple[AccountTypeSummary, ...] = Field(description="The accounts by account type.")
    overdue: tuple[OverdueSummary, ...] = Field(
        description="Overdue months by account type, 5 years."
    )
    bad_debt: BadDebtSummary = Field(description="Accounts in bad debt.")
    agreements: AgreementSummary = Field(description="Credit agreements.")
    queries_last_month: QueryCounts = Field(description="Answered queries of the last month.")
    queries_last_two_years: QueryCounts = Field(description="Answered queries of the last 2 years.")


# --- 4. credit account details --------------------------------------------------------------


class GridCell(_Part):
    """One month of the 24-month repayment grid."""

    month: date = Field(description="The month (its first day).")
    status: str | None = Field(
        description="还款状态 code; / when the account was open but nothing was reported; "
        "null outside the account's life or before the report's 5 years."
    )


class FiveYearCell(_Part):
    """One month of the 5-year history: status and overdue amount."""

    month: date = Field(description="The month (its first day).")
    status: str | None = Field(description="还款状态 code, / or null, as in the 24-month grid.")
    overdue_total_yuan: int | None = Field(
        description="逾期总额 that month, yuan; null when none reported."
    )


class MonthView(_Part):
    """最近一次月度表现: the latest month reported."""

    month: date = Field(description="The month (its first day).")
    report_date: date = Field(description="The date the month was reported.")
    account_status: str = Field(description="账户状态 code.")
    account_status_label: str = Field(description="账户状态 in words.")
    balance_yuan: int = Field(description="余额, yuan.")
    five_category: str = Field(description="五级分类 code.")
    five_category_label: str = Field(description="五级分类 in words.")
    repayment_status: str = Field(description="当前还款状态 code.")
    repayment_status_label: str = Field(description="当前还款状态 in words.")
    remaining_periods: int | None = Field(description="剩余还款期数.")
    overdue_periods: int | None = Field(description="当前逾期期数.")
    overdue_total_yuan: int | None = Field(description="当前逾期总额, yuan.")
    due_yuan: int | None = Field(description="本月应还款, yuan.")
    repaid_yuan: int | None = Field(description="本月实还款, yuan.")
    last_repayment_date: date = Field(description="最近一次还款日期.")


class LatestStatus(_Part):
    """截至报告日的最新表现: the latest month or a later non-monthly report."""

    source: Literal["monthly", "event"] = Field(
        description="monthly: the latest month; event: a non-monthly report dated after it."
    )
    reported_on: date = Field(description="The report date of what this status comes from.")
    report_timing: str = Field(
        description="报告时点说明代码 (30 monthly, 40 recovery, 20 closed ...)."
    )
    report_timing_label: str = Field(description="The report timing in words.")
    account_status: str = Field(description="账户状态 code.")
    account_status_label: str = Field(description="账户状态 in words.")
    balance_yuan: int = Field(description="余额, yuan.")
    five_category: str | None = Field(description="五级分类 code.")
    five_category_label: str | None = Field(description="五级分类 in words.")
    repayment_status: str | None = Field(description="还款状态 code.")
    repayment_status_label: str | None = Field(description="还款状态 in words.")
    overdue_total_yuan: int | None = Field(description="逾期总额, yuan.")
    last_repayment_date: date | None = Field(description="最近一次还款日期.")
    close_date: date | None = Field(description="账户关闭日期, when closed.")


class SpecialTransaction(_Part):
    """A non-monthly report on the account (segment J), e.g. 40 收回逾期款项 a recovery."""

    reported_on: date = Field(description="Its report date.")
    report_timing: str = Field(description="报告时点说明代码.")
    report_timing_label: str = Field(description="The report timing in words.")
    account_status: str = Field(description="账户状态 code.")
    account_status_label: str = Field(description="账户状态 in words.")
    balance_yuan: int = Field(description="余额 after it, yuan.")
    repayment_status: str | None = Field(description="还款状态 code.")
    overdue_total_yuan: int | None = Field(description="逾期总额 after it, yuan.")
    last_repayment_yuan: int | None = Field(
        description="最近一次还款金额: the amount repaid, yuan."
    )
    last_repayment_date: date | None = Field(description="最近一次还款日期.")
    close_date: date | None = Field(description="账户关闭日期, when it closed the account.")


class SpecialEventView(_Part):
    """A special event in force on the account (record 215)."""

    event_type: str = Field(description="特殊事件类型 code.")
    event_type_label: str = Field(description="The event in words.")
    month: date = Field(description="The month it concerns (its first day).")
    reported_on: date = Field(description="The date it was reported.")


class DisputeMark(_Part):
    """异议标注: a dispute shown where the disputed record is."""

    dispute_type: str = Field(description="异议事项类型 code.")
    dispute_type_label: str = Field(description="The dispute type in words.")
    month: date | None = Field(description="The month disputed; null for the whole record.")
    filed_on: date = Field(description="The day the subject filed it.")
    status: str = Field(description="open, answered or closed.")
    outcome: str | None = Field(description="The outcome, once closed.")
    outcome_note: str | None = Field(description="The note on the outcome, once closed.")
    text: str = Field(description="The mark as the report prints it.")


class StatementView(_Part):
    """本人声明: a statement of the subject's own."""

    statement_type: str = Field(description="本人声明类型 code.")
    statement_type_label: str = Field(description="The statement type in words.")
    text: str = Field(description="What the subject says.")
    added_on: date = Field(description="The day it was added.")
    institution_code: str | None = Field(
        description="The account's institution; null for the whole report."
    )
    account_code: str | None = Field(
        description="The account it is attached to; null for the whole report."
    )


class AccountSection(_Part):
    """One credit account: base facts, latest status and month, the 24-month and 5-year
    histories, special transactions and events, and marks."""

    institution_code: str = Field(description="业务管理机构: the reporting institution's code.")
    institution_name: str = Field(description="The reporting institution's name.")
    account_code: str = Field(description="账户标识码.")
    account_type: str = Field(description="账户类型 code.")
    account_type_label: str = Field(description="账户类型 in words.")
    business_line: str | None = Field(description="借贷业务大类 code.")
    business_line_label: str | None = Field(description="借贷业务大类 in words.")
    business_detail: str | None = Field(description="借贷业务种类细分 code.")
    business_detail_label: str | None = Field(description="借贷业务种类细分 in words.")
    open_date: date | None = Field(description="开立日期.")
    currency: str | None = Field(description="币种, ISO 4217.")
    credit_limit_yuan: int | None = Field(description="信用额度, yuan.")
    loan_amount_yuan: int | None = Field(description="借款金额, yuan.")
    due_date: date | None = Field(description="到期日期.")
    repay_mode: str | None = Field(description="还款方式 code.")
    repay_mode_label: str | None = Field(description="还款方式 in words.")
    repay_frequency: str | None = Field(description="还款频率 code.")
    repay_frequency_label: str | None = Field(description="还款频率 in words.")
    guarantee_mode: str | None = Field(description="担保方式 code.")
    guarantee_mode_label: str | None = Field(description="担保方式 in words.")
    agreement_code: str | None = Field(
        description="授信协议标识码 of the credit agreement it draws on."
    )
    close_date: date | None = Field(description="账户关闭日期.")
    status: LatestStatus | None = Field(
        description="The latest status; null when nothing is shown."
    )
    latest: MonthView | None = Field(description="The latest month shown; null when none.")
    grid_start: date = Field(description="The 24-month grid's first month.")
    grid_end: date = Field(description="The 24-month grid's last month: the latest month shown.")
    grid: tuple[GridCell, ...] = Field(description="最近24个月还款记录: 24 months, oldest first.")
    five_year_start: date = Field(description="The 5-year history's first month.")
    five_year_end: date = Field(
        description="The 5-year history's last month (the grid's last month)."
    )
    five_year: tuple[FiveYearCell, ...] = Field(
        description="最近5年历史表现: 60 months, oldest first."
    )
    special_transactions: tuple[SpecialTransaction, ...] = Field(
        description="特殊交易: the non-monthly reports, oldest first."
    )
    special_events: tuple[SpecialEventView, ...] = Field(
        description="特殊事件 in force, oldest first."
    )
    dispute_marks: tuple[DisputeMark, ...] = Field(description="异议标注 on this account.")
    statements: tuple[StatementView, ...] = Field(description="本人声明 attached to this account.")

    @property
    def grid_text(self) -> str:
        """The 24-month grid as one line of status characters (blank outside its life)."""
        return "".join(cell.status or " " for cell in self.grid)

    @property
    def five_year_text(self) -> str:
        """The 5-year history as one line of status characters (blank outside its life)."""
        return "".join(cell.status or " " for cell in self.five_year)


# --- 5. credit agreements ------------------------------------------------------------------


class AgreementSection(_Part):
    """授信协议信息: one credit agreement (record 220)."""

    institution_code: str = Field(description="The granting institution's code.")
    institution_name: str = Field(description="The granting institution's name.")
    contract_code: str = Field(description="授信协议标识码.")
    limit_type: str | None = Field(description="授信额度类型 code.")
    limit_type_label: str | None = Field(description="授信额度类型 in words.")
    revolving: bool | None = Field(description="额度循环标志: whether the limit revolves.")
    limit_yuan: int | None = Field(description="授信额度, yuan.")
    currency: str | None = Field(description="币种, ISO 4217.")
    effective_date: date | None = Field(description="生效日期.")
    expiry_date: date | None = Field(description="到期日期.")
    status: str | None = Field(description="额度状态 code.")
    status_label: str | None = Field(description="额度状态 in words.")
    reported_on: date = Field(description="The date it was last reported.")


# --- 6. statements and disputes ------------------------------------------------------------


class DisputeView(_Part):
    """异议: one of the subject's disputes (art. 25) and where it stands."""

    dispute_type: str = Field(description="异议事项类型 code.")
    dispute_type_label: str = Field(description="The dispute type in words.")
    about: str = Field(description="What is disputed, in words.")
    institution_code: str = Field(description="The institution that must answer.")
    institution_name: str = Field(description="Its name.")
    account_code: str | None = Field(description="The account disputed, if an account.")
    month: date | None = Field(description="The month disputed; null for the whole record.")
    inquiry_asked_on: date | None = Field(
        description="The date of the query record disputed, if a query."
    )
    detail: str = Field(description="The subject's own words.")
    filed_on: date = Field(description="The day it was filed.")
    deadline: date = Field(description="The day the answer is due (20 days, art. 25).")
    status: str = Field(description="open, answered or closed.")
    status_label: str = Field(description="The status in words.")
    answered_on: date | None = Field(description="The day the institution answered.")
    outcome: str | None = Field(
        description="The outcome, once closed: corrected, deleted or upheld (the record stands)."
    )
    outcome_label: str | None = Field(description="The outcome in words.")
    outcome_note: str | None = Field(description="The note on the outcome.")
    closed_on: date | None = Field(description="The day it was closed.")
    past_deadline: bool = Field(
        description="Not closed, and the report date is after the deadline."
    )


# --- 7. query records ----------------------------------------------------------------------


class QueryRecord(_Part):
    """机构查询记录: an institution's answered query."""

    asked_on: date = Field(description="查询日期.")
    institution_code: str | None = Field(description="The institution's code.")
    institution_name: str = Field(description="查询机构.")
    institution_kind: str | None = Field(description="The institution's kind as registered.")
    institution_kind_label: str = Field(description="查询机构类型 in words.")
    reason: str | None = Field(description="查询原因 code.")
    reason_label: str = Field(description="查询原因 in words.")
    dispute_mark: DisputeMark | None = Field(
        description="异议标注 when the subject disputes this query."
    )


class SelfQueryRecord(_Part):
    """本人查询记录: the subject's own query."""

    asked_on: date = Field(description="查询日期.")
    chargeable: bool = Field(
        description="Whether it was charged (the third and later of a year, art. 17)."
    )


class QueryRecords(_Part):
    """查询记录 of the last 2 years before this report, newest first."""

    since: date = Field(description="The first day covered.")
    institutional: tuple[QueryRecord, ...] = Field(description="Institutions' answered queries.")
    self_queries: tuple[SelfQueryRecord, ...] = Field(
        description="The subject's own queries, shown apart."
    )


# --- the report ----------------------------------------------------------------------------


class CreditReport(_Part):
    """个人信用报告: a personal credit report as of ``generated_at``."""

    report_number: str = Field(description="报告编号: unique, at most 30 characters.")
    generated_at: datetime = Field(
        description="报告时间: the instant the report was assembled (UTC)."
    )
    report_date: date = Field(description="The business date (China) the report is as of.")
    query: QueryHeader = Field(description="查询信息: who asked, when and why.")
    identity: Identity = Field(description="个人基本信息.")
    summary: Summary = Field(description="信息概要.")
    accounts: tuple[AccountSection, ...] = Field(description="信贷交易明细: the credit accounts.")
    agreements: tuple[AgreementSection, ...] = Field(description="授信协议信息.")
    statements: tuple[StatementView, ...] = Field(
        description="本人声明: every statement not withdrawn."
    )
    disputes: tuple[DisputeView, ...] = Field(description="异议标注: every dispute of the subject.")
    query_records: QueryRecords = Field(description="查询记录.")
