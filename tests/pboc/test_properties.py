"""Invariants: any valid R1 monthly record round-trips; no input makes the reader crash."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from zhengxin.codes import (
    AccountStatus,
    AccountType,
    FiveCategory,
    IdType,
    RepaymentStatus,
    ReportTimingCode,
)
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.pboc import AccountRecord, BaseSegment, MonthlySegment, parse_line

GOLDEN = Path(__file__).parent / "golden"
SEEDS = [p.read_text(encoding="utf-8").removesuffix("\n") for p in sorted(GOLDEN.glob("*.txt"))]

amounts = st.integers(min_value=0, max_value=10**9)
periods = st.integers(min_value=0, max_value=999)
days = st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))
months = days.map(lambda d: d.replace(day=1))
names = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=30
)
ascii_codes = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60
)


@st.composite
def r1_monthly_records(draw: st.DrawFn) -> AccountRecord:
    """A revolving-loan monthly report with random amounts, dates and statuses."""
    return AccountRecord(
        base=BaseSegment(
            acct_type=AccountType.R1,
            acct_code=draw(ascii_codes),
            rpt_date=draw(days),
            rpt_date_code=draw(st.sampled_from(ReportTimingCode)),
            name=draw(names),
            id_type=draw(st.sampled_from(IdType)),
            id_num=draw(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True)),
            mngmt_org_code=draw(st.from_regex(r"[0-9A-Z]{14}", fullmatch=True)),
        ),
        monthly=MonthlySegment(
            month=draw(months),
            sett_date=draw(st.none() | days),
            acct_status=draw(st.sampled_from(AccountStatus)),
            acct_bal=draw(amounts),
            rem_rep_prd=draw(periods),
            five_cate=draw(st.sampled_from(FiveCategory)),
            five_cate_adj_date=draw(days),
            rpy_status=draw(st.sampled_from(RepaymentStatus)),
            overd_prd=draw(periods),
            tot_overd=draw(amounts),
            overd_princ=draw(amounts),
            oved31_60_princ=draw(amounts),
            oved61_90_princ=draw(amounts),
            oved91_180_princ=draw(amounts),
            oved_princ180=draw(amounts),
            cur_rpy_amt=draw(amounts),
            act_rpy_amt=draw(amounts),
            lat_rpy_date=draw(days),
            close_date=draw(st.none() | days),
        ),
    )


@given(r1_monthly_records())
def test_every_valid_r1_monthly_record_round_trips(record: AccountRecord) -> None:
    line = record.to_line()
    assert AccountRecord.from_line(line) == record
    assert AccountRecord.from_line(line).to_line() == line


def mutations() -> st.SearchStrategy[str]:
    """Golden lines with a slice replaced by arbitrary text, plus arbitrary text."""

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        seed = draw(st.sampled_from(SEEDS))
        start = draw(st.integers(0, len(seed)))
        end = draw(st.integers(start, min(len(seed), start + 40)))
        return seed[:start] + draw(st.text(max_size=20)) + seed[end:]

    wrapped = st.text().map(lambda t: f"<Document>{t}</Document>")
    return mutate() | wrapped | st.text()


@settings(max_examples=500)
@given(mutations())
@example("<Document><InAcctInf><AcctBsSgmt><Name>\ud800</Name></AcctBsSgmt></InAcctInf></Document>")
@example("<Document><InAcctInf><AcctCredSgmt><Mcc>&#0;</Mcc></AcctCredSgmt></InAcctInf></Document>")
@example("<Document>" + "<a>" * 2000 + "</Document>")
def test_the_reader_raises_only_its_own_errors(line: str) -> None:
    for read in (parse_line, AccountRecord.from_line):
        with contextlib.suppress(ZhengxinError):
            read(line)
