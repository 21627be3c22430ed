"""What the furnisher does with each record the bureau refused (the feedback's rejected lines).

The ledger here is the interface reference's own example account (an R1 line opened on
2024-06-01 and reported on 06-05): its opening record, and its month-end record re-dated for
whatever month the remedy asks.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from zhengxin.codes import AccountStatus, RepaymentStatus, ReportTimingCode
from zhengxin.furnishing.corrections import (
    Remedy,
    base_correction,
    identifier_change,
    remedies,
    verdict,
)
from zhengxin.kernel.clock import month_end
from zhengxin.kernel.errors import InvalidInput
from zhengxin.pboc import AccountRecord, FileContext, RejectedRecord, check_line
from zhengxin.pboc.errors import RecordError

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "pboc_examples.txt"
LINES = [line for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line]
OPENING = AccountRecord.from_line(LINES[0])
MONTHLY = AccountRecord.from_line(LINES[1])
CODE = OPENING.base.acct_code
INSTITUTION = OPENING.base.mngmt_org_code
CONTEXT = FileContext("210", date(2024, 9, 30), INSTITUTION)


class ReferenceLedger:
    """The example account as a ledger would rebuild it: any timing, any date."""

    def __init__(
        self, known: frozenset[str] = frozenset({CODE}), opened: date | None = None
    ) -> None:
        self.known = known
        self.opened = opened  # as if the account had opened that day, not in June
        self.asked: list[tuple[str, str, date]] = []

    def rebuild(self, account_code: str, timing: str, report_date: date) -> AccountRecord | None:
        self.asked.append((account_code, timing, report_date))
        if account_code not in self.known:
            return None
        if self.opened is not None and report_date < self.opened:
            raise InvalidInput("furnishing.before_opening", f"opened on {self.opened}")
        code = ReportTimingCode(timing)
        if code is ReportTimingCode.OPENED:
            if self.opened is not None:
                return _opened_on(self.opened)
            return OPENING  # the opening is reported once, on its own day
        base = dataclasses.replace(MONTHLY.base, rpt_date=report_date, rpt_date_code=code)
        assert MONTHLY.monthly is not None
        month = report_date.replace(day=1)
        monthly = dataclasses.replace(
            MONTHLY.monthly,
            month=month,
            sett_date=None,
            five_cate_adj_date=min(MONTHLY.monthly.five_cate_adj_date, report_date),
            lat_rpy_date=min(MONTHLY.monthly.lat_rpy_date, report_date),
        )
        if code is ReportTimingCode.CLOSED:
            closed = dataclasses.replace(
                monthly,
                acct_status=AccountStatus.CLOSED,
                acct_bal=0,
                rpy_status=RepaymentStatus.CLOSED,
                overd_prd=0,
                tot_overd=0,
                overd_princ=0,
                oved31_60_princ=0,
                oved61_90_princ=0,
                oved91_180_princ=0,
                oved_princ180=0,
                close_date=report_date,
            )
            return dataclasses.replace(MONTHLY, base=base, monthly=closed)
        if code is ReportTimingCode.FIRST_MONTHLY:
            return dataclasses.replace(
                MONTHLY,
                base=base,
                basic_info=OPENING.basic_info,
                credit_line=OPENING.credit_line,
                monthly=monthly,
            )
        return dataclasses.replace(MONTHLY, base=base, monthly=monthly)


def _opened_on(day: date) -> AccountRecord:
    assert OPENING.basic_info is not None and OPENING.monthly is not None
    return dataclasses.replace(
        OPENING,
        base=dataclasses.replace(OPENING.base, rpt_date=day),
        basic_info=dataclasses.replace(OPENING.basic_info, open_date=day),
        monthly=dataclasses.replace(
            OPENING.monthly,
            month=day.replace(day=1),
            sett_date=day,
            five_cate_adj_date=day,
            lat_rpy_date=day,
        ),
    )


def refused(line: str, *codes: str, position: int = 1) -> RejectedRecord:
    errors = [RecordError(code, "AcctBsSgmt", "AcctCode", None, f"{code} found") for code in codes]
    return RejectedRecord.of(position, errors, line)


def damaged(line: str) -> str:
    """The month-end line as a faulty export wrote it: the balance mangled."""
    return line.replace("<AcctBal>5000</AcctBal>", "<AcctBal>5O00</AcctBal>")


def month_line(day: date) -> str:
    record = ReferenceLedger().rebuild(CODE, "30", day)
    assert record is not None
    return record.to_line()


def test_a_record_the_export_damaged_is_rebuilt_from_the_ledger_and_sent_again() -> None:
    good = month_line(date(2024, 8, 31))
    bad = damaged(good)
    assert check_line(bad, "210", CONTEXT)

    answer = verdict(refused(bad, "ABE001"), ReferenceLedger(), CONTEXT)

    assert answer.remedy is Remedy.RESEND
    assert [r.to_line() for r in answer.records] == [good]
    assert not check_line(answer.records[0].to_line(), "210", CONTEXT)


def test_a_record_the_ledger_gives_back_unchanged_needs_a_person() -> None:
    line = month_line(date(2024, 8, 31))
    answer = verdict(refused(line, "ABE004"), ReferenceLedger(), CONTEXT)

    assert answer.remedy is Remedy.PERSON
    assert answer.records == ()
    assert "ABE004" in answer.describe() and CODE in answer.describe()


def test_an_account_the_lender_does_not_hold_needs_a_person() -> None:
    line = damaged(month_line(date(2024, 8, 31)))
    answer = verdict(refused(line, "ABE001"), ReferenceLedger(known=frozenset()), CONTEXT)

    assert answer.remedy is Remedy.PERSON
    assert "holds no account" in answer.reason


def test_a_superseded_month_needs_nothing() -> None:
    answer = verdict(refused(month_line(date(2024, 8, 31)), "BLR027"), ReferenceLedger(), CONTEXT)

    assert answer.remedy is Remedy.NOTHING
    assert answer.records == ()


def test_an_account_the_bureau_has_not_met_gets_its_first_report_then_the_record() -> None:
    day = date(2024, 9, 15)
    line = month_line(date(2024, 8, 31)).replace("2024-08-31", "2024-09-15")
    ledger = ReferenceLedger()

    answer = verdict(refused(line, "BLR004"), ledger, CONTEXT)

    assert answer.remedy is Remedy.FIRST_REPORT
    first, then = answer.records
    assert first.base.rpt_date_code is ReportTimingCode.FIRST_MONTHLY
    assert first.base.rpt_date == date(2024, 8, 31)
    assert first.basic_info is not None and first.credit_line is not None
    assert then.base.rpt_date == day
    for record in answer.records:
        assert not check_line(record.to_line(), "210", CONTEXT)


def test_an_account_held_under_another_type_is_deleted_whole_and_its_history_sent_again() -> None:
    line = month_line(date(2024, 8, 31))
    answer = verdict(refused(line, "BLR019"), ReferenceLedger(), CONTEXT)

    assert answer.remedy is Remedy.DELETE_AND_RESEND
    assert [d.del_rec_code for d in answer.deletions] == [CODE]
    timings = [(r.base.rpt_date_code.value, r.base.rpt_date) for r in answer.records]
    assert timings == [
        ("10", date(2024, 6, 5)),
        ("30", date(2024, 6, 30)),
        ("30", date(2024, 7, 31)),
        ("30", date(2024, 8, 31)),
    ]


def test_a_retired_code_and_a_record_after_closure_need_a_person() -> None:
    line = month_line(date(2024, 8, 31))
    for code in ("ABE012", "BLR020"):
        answer = verdict(refused(line, code), ReferenceLedger(), CONTEXT)
        assert answer.remedy is Remedy.PERSON, code


def test_an_unreadable_line_needs_a_person() -> None:
    answer = verdict(refused("<Document><InAcct", "ABR000"), ReferenceLedger(), CONTEXT)

    assert answer.remedy is Remedy.PERSON
    assert "cannot be read back" in answer.reason


def test_every_rejected_record_of_a_feedback_gets_a_verdict_in_order() -> None:
    lines = [damaged(month_line(month_end(date(2024, m, 1)))) for m in (6, 7, 8)]
    rejected = [refused(line, "ABE001", position=n) for n, line in enumerate(lines, 2)]

    answers = list(remedies(rejected, ReferenceLedger(), CONTEXT))

    assert [a.position for a in answers] == [2, 3, 4]
    assert all(a.remedy is Remedy.RESEND for a in answers)


def test_a_corrected_name_and_a_renumbered_account_pass_their_rules() -> None:
    correction = base_correction(MONTHLY, "张三丰", "10", MONTHLY.base.id_num)
    assert "<MdfcSgmtCode>B</MdfcSgmtCode>" in correction
    assert "<Name>张三丰</Name>" in correction
    assert check_line(correction, "212", FileContext("212", date(2024, 9, 30), INSTITUTION)) == []

    change = identifier_change(CODE, CODE + "X")
    assert check_line(change, "211", FileContext("211", date(2024, 9, 30), INSTITUTION)) == []


def test_a_closure_the_bureau_never_met_goes_back_as_a_closure_after_the_first_report() -> None:
    closure = ReferenceLedger().rebuild(CODE, "20", date(2024, 9, 12))
    assert closure is not None and not check_line(closure.to_line(), "210", CONTEXT)

    answer = verdict(refused(closure.to_line(), "BLR004"), ReferenceLedger(), CONTEXT)

    assert answer.remedy is Remedy.FIRST_REPORT
    assert [(r.base.rpt_date_code.value, r.base.rpt_date) for r in answer.records] == [
        ("31", date(2024, 8, 31)),
        ("20", date(2024, 9, 12)),
    ]


def test_an_account_opened_this_month_goes_back_with_its_opening() -> None:
    ledger = ReferenceLedger(opened=date(2024, 9, 3))
    closure = ledger.rebuild(CODE, "20", date(2024, 9, 12))
    assert closure is not None

    answer = verdict(refused(closure.to_line(), "BLR005"), ledger, CONTEXT)

    assert answer.remedy is Remedy.FIRST_REPORT, answer.reason
    assert [(r.base.rpt_date_code.value, r.base.rpt_date) for r in answer.records] == [
        ("10", date(2024, 9, 3)),
        ("20", date(2024, 9, 12)),
    ]
    for record in answer.records:
        assert not check_line(record.to_line(), "210", CONTEXT)


def test_a_record_the_ledger_cannot_rebuild_needs_a_person_and_stops_nothing_else() -> None:
    ledger = ReferenceLedger(opened=date(2024, 9, 3))
    early = damaged(month_line(date(2024, 8, 31)))

    answers = list(
        remedies(
            [refused(early, "ABE001", position=2), refused(early, "BLR027", position=3)],
            ledger,
            CONTEXT,
        )
    )

    assert [a.remedy for a in answers] == [Remedy.PERSON, Remedy.NOTHING]
    assert "cannot rebuild" in answers[0].reason
