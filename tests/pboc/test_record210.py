"""Record 210: golden lines of §10 written from typed records, read back, and read when broken."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from zhengxin.codes import (
    AccountStatus,
    AccountType,
    AssetTransferFlag,
    BusinessDetail,
    BusinessLine,
    Currency,
    FiveCategory,
    FundSource,
    GuaranteeMode,
    IdType,
    LoanForm,
    OtherRepayGuarantee,
    RepaymentFrequency,
    RepaymentMode,
    RepaymentStatus,
    ReportTimingCode,
)
from zhengxin.pboc import (
    SEGMENTS_210,
    AccountRecord,
    BaseSegment,
    BasicInfoSegment,
    CreditLineSegment,
    MonthlySegment,
    NonMonthlySegment,
    OriginalCreditorSegment,
    RecordInvalid,
    RecordUnreadable,
    RelatedParty,
    SpecialInstalmentSegment,
    SpecialTransaction,
    collateral,
    parse_line,
    related_parties,
    special_transactions,
)
from zhengxin.pboc.line import dataclass_attributes

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str) -> str:
    return (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").removesuffix("\n")


def zhang_san(rpt_date: date, code: ReportTimingCode) -> BaseSegment:
    return BaseSegment(
        acct_type=AccountType.R1,
        acct_code="B10211000H0001R1A0001",
        rpt_date=rpt_date,
        rpt_date_code=code,
        name="张三",
        id_type=IdType.RESIDENT_ID,
        id_num="110105199003071239",
        mngmt_org_code="B10211000H0001",
    )


def r1_month(**changes: object) -> MonthlySegment:
    """An R1 monthly segment with every overdue bucket at zero, changed as the test says."""
    zeros = dict.fromkeys(
        [
            "rem_rep_prd",
            "overd_prd",
            "tot_overd",
            "overd_princ",
            "oved31_60_princ",
            "oved61_90_princ",
            "oved91_180_princ",
            "oved_princ180",
            "cur_rpy_amt",
            "act_rpy_amt",
        ],
        0,
    )
    return MonthlySegment(**{**zeros, **changes})  # type: ignore[arg-type]


# §10.1 — a revolving loan opened 2024-06-01 with a ¥20,000 line, reported on 06-05.
E1 = AccountRecord(
    base=zhang_san(date(2024, 6, 5), ReportTimingCode.OPENED),
    basic_info=BasicInfoSegment(
        busi_lines=BusinessLine.LOAN,
        busi_dtl_lines=BusinessDetail.OTHER_CONSUMER,
        open_date=date(2024, 6, 1),
        cy=Currency.CNY,
        acct_cred_line=20000,
        due_date=date(2025, 5, 31),
        repay_mode=RepaymentMode.REVOLVING_PERIODIC,
        repay_freqcy=RepaymentFrequency.MONTHLY,
        apply_busi_dist="110105",
        guar_mode=GuaranteeMode.UNSECURED,
        oth_repy_guar_way=OtherRepayGuarantee.NONE,
        asset_trand_flag=AssetTransferFlag.NOT_TRANSFERRED,
        fund_sou=FundSource.OWN,
        loan_form=LoanForm.NEW,
    ),
    credit_line=CreditLineSegment(mcc="B10211000H0001CRL0001"),
    monthly=r1_month(
        month=date(2024, 6, 1),
        sett_date=date(2024, 6, 5),
        acct_status=AccountStatus.NORMAL,
        acct_bal=0,
        five_cate=FiveCategory.PASS,
        five_cate_adj_date=date(2024, 6, 1),
        rpy_status=RepaymentStatus.NOTHING_DUE,
        lat_rpy_date=date(2024, 6, 1),
    ),
)

# §10.2 — July: ¥5,000 drawn, ¥520 due on 07-25 unpaid, 1-30 days overdue.
E2 = AccountRecord(
    base=zhang_san(date(2024, 8, 1), ReportTimingCode.MONTHLY),
    monthly=r1_month(
        month=date(2024, 7, 1),
        sett_date=date(2024, 7, 25),
        acct_status=AccountStatus.OVERDUE,
        acct_bal=5000,
        five_cate=FiveCategory.SPECIAL_MENTION,
        five_cate_adj_date=date(2024, 7, 31),
        rpy_status=RepaymentStatus.OVERDUE_1_30,
        overd_prd=1,
        tot_overd=520,
        overd_princ=500,
        cur_rpy_amt=520,
        lat_rpy_date=date(2024, 6, 25),
    ),
)

# §10.3 — paid off ¥5,000 on 09-10 and closed the same day.
E3 = AccountRecord(
    base=zhang_san(date(2024, 9, 12), ReportTimingCode.CLOSED),
    monthly=r1_month(
        month=date(2024, 9, 1),
        sett_date=date(2024, 9, 10),
        acct_status=AccountStatus.CLOSED,
        acct_bal=0,
        five_cate=FiveCategory.PASS,
        five_cate_adj_date=date(2024, 9, 10),
        rpy_status=RepaymentStatus.CLOSED,
        act_rpy_amt=5000,
        lat_rpy_date=date(2024, 9, 10),
        close_date=date(2024, 9, 10),
    ),
)

# §10.4 — a ¥100,000 loan in 24 equal instalments of ¥4,500; ¥51,200 left after 12 months.
E4 = AccountRecord(
    base=BaseSegment(
        acct_type=AccountType.D1,
        acct_code="B10211000H0001D1L0001",
        rpt_date=date(2024, 7, 31),
        rpt_date_code=ReportTimingCode.MONTHLY,
        name="李四",
        id_type=IdType.RESIDENT_ID,
        id_num="310115198511204566",
        mngmt_org_code="B10211000H0001",
    ),
    basic_info=BasicInfoSegment(
        busi_lines=BusinessLine.LOAN,
        busi_dtl_lines=BusinessDetail.OTHER_CONSUMER,
        open_date=date(2023, 7, 15),
        cy=Currency.CNY,
        loan_amt=100000,
        flag="0",
        due_date=date(2025, 7, 15),
        repay_mode=RepaymentMode.EQUAL_INSTALMENTS,
        repay_freqcy=RepaymentFrequency.MONTHLY,
        repay_prd=24,
        apply_busi_dist="310115",
        guar_mode=GuaranteeMode.UNSECURED,
        oth_repy_guar_way=OtherRepayGuarantee.NONE,
        asset_trand_flag=AssetTransferFlag.NOT_TRANSFERRED,
        fund_sou=FundSource.OWN,
        loan_form=LoanForm.NEW,
    ),
    monthly=r1_month(
        month=date(2024, 7, 1),
        sett_date=date(2024, 7, 15),
        acct_status=AccountStatus.NORMAL,
        acct_bal=51200,
        rem_rep_prd=12,
        five_cate=FiveCategory.PASS,
        five_cate_adj_date=date(2023, 7, 15),
        rpy_status=RepaymentStatus.PAID_AS_AGREED,
        cur_rpy_amt=4500,
        act_rpy_amt=4500,
        lat_rpy_date=date(2024, 7, 15),
    ),
)

EXAMPLES = {
    "e1_new_r1": E1,
    "e2_monthly_r1_overdue": E2,
    "e3_closed_r1": E3,
    "e4_monthly_d1": E4,
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_typed_record_writes_the_golden_line_byte_for_byte(name: str) -> None:
    assert EXAMPLES[name].to_line() == golden(name)


@pytest.mark.parametrize("name", EXAMPLES)
def test_golden_line_reads_back_to_the_typed_record_and_the_same_line(name: str) -> None:
    record = AccountRecord.from_line(golden(name))
    assert record == EXAMPLES[name]
    assert record.to_line() == golden(name)


@pytest.mark.parametrize("spec", SEGMENTS_210, ids=lambda s: s.tag)
def test_each_table_drives_exactly_its_dataclass_fields_in_order(spec: object) -> None:
    assert spec.attribute_names() == dataclass_attributes(spec.cls)  # type: ignore[attr-defined]
    group = spec.group  # type: ignore[attr-defined]
    if group is not None:
        assert [f.attr for f in group.fields] == dataclass_attributes(group.cls)


def test_blank_mandatory_dates_are_written_as_empty_elements() -> None:
    line = E2.to_line()
    assert "<CloseDate></CloseDate>" in line
    no_settlement = replace(E2, monthly=replace(E2.monthly, sett_date=None))  # type: ignore[type-var]
    assert "<SettDate></SettDate>" in no_settlement.to_line()


def test_reader_accepts_any_element_order_and_self_closing_blanks() -> None:
    line = golden("e2_monthly_r1_overdue")
    base_start, base_end = line.index("<AcctBsSgmt>"), line.index("</AcctBsSgmt>") + 13
    swapped = line.replace("<CloseDate></CloseDate>", "<CloseDate/>")
    base = swapped[base_start:base_end]
    swapped = swapped.replace(base, "").replace("</InAcctInf>", base + "</InAcctInf>")
    assert AccountRecord.from_line(swapped) == E2


def test_full_width_digits_and_surrounding_spaces_are_read_as_plain_values() -> None:
    line = golden("e4_monthly_d1").replace(
        "<AcctBal>51200</AcctBal>", "<AcctBal>５１２００</AcctBal>"
    )
    line = line.replace("<Name>李四</Name>", "<Name>　李四 </Name>")
    raw = parse_line(line)
    assert raw.value("AcctMthlyBlgInfSgmt", "AcctBal") == "51200"
    assert AccountRecord.from_line(line) == E4


def test_text_is_escaped_and_unescaped() -> None:
    record = replace(E3, base=replace(E3.base, name="A&B <C>"))
    line = record.to_line()
    assert "<Name>A&amp;B &lt;C&gt;</Name>" in line
    assert AccountRecord.from_line(line) == record


@pytest.mark.parametrize(
    "line",
    [
        "<Document><InAcctInf></InAcctInf>",
        " " + golden("e3_closed_r1"),
        "<Document><InAcctInf><AcctBsSgmt></InAcctInf></Document>",
        "<Document><InBasInf></InBasInf></Document>",
        "<Document><InAcctInf></InAcctInf><InAcctInf></InAcctInf></Document>",
        golden("e3_closed_r1").replace("<Name>", "<Nickname>x</Nickname><Name>"),
        golden("e3_closed_r1").replace("</InAcctInf>", "<BonusSgmt></BonusSgmt></InAcctInf>"),
        golden("e3_closed_r1").replace(
            "</InAcctInf>", "<AcctCredSgmt><Mcc>A</Mcc></AcctCredSgmt>" * 2 + "</InAcctInf>"
        ),
        golden("e3_closed_r1").replace("<Name>张三</Name>", "<Name>张三</Name><Name>张三</Name>"),
        golden("e3_closed_r1").replace("<Name>张三</Name>", "<Name><b>张三</b></Name>"),
        golden("e3_closed_r1").replace("<InfRecType>210", "<InfRecType>110"),
    ],
    ids=[
        "unterminated",
        "leading-space",
        "broken-xml",
        "wrong-root",
        "two-records",
        "unknown-item",
        "unknown-segment",
        "duplicate-segment",
        "duplicate-item",
        "element-in-item",
        "wrong-record-type",
    ],
)
def test_unparseable_lines_get_a_single_ABR000(line: str) -> None:
    with pytest.raises(RecordUnreadable) as caught:
        AccountRecord.from_line(line)
    assert caught.value.code == "ABR000"


def test_every_conversion_error_of_a_line_is_collected() -> None:
    line = (
        golden("e2_monthly_r1_overdue")
        .replace("<AcctBal>5000</AcctBal>", "<AcctBal>5,000</AcctBal>")
        .replace("<RptDate>2024-08-01</RptDate>", "<RptDate>2024-02-30</RptDate>")
        .replace("<AcctStatus>2</AcctStatus>", "<AcctStatus>Z</AcctStatus>")
        .replace("<SettDate>2024-07-25</SettDate>", "<SettDate>1899-07-25</SettDate>")
        .replace("<Name>张三</Name>", "<Name> </Name>")
        .replace("<FiveCate>2</FiveCate>", "")
    )
    with pytest.raises(RecordInvalid) as caught:
        AccountRecord.from_line(line)
    found = {(e.code, e.segment, e.tag, e.value) for e in caught.value.errors}
    assert found == {
        ("ABE001", "AcctMthlyBlgInfSgmt", "AcctBal", "5,000"),
        ("ABE001", "AcctBsSgmt", "RptDate", "2024-02-30"),
        ("ABE001", "AcctMthlyBlgInfSgmt", "AcctStatus", "Z"),
        ("ABE008", "AcctMthlyBlgInfSgmt", "SettDate", "1899-07-25"),
        ("ABE000", "AcctBsSgmt", "Name", ""),
        ("ABD000", "AcctMthlyBlgInfSgmt", "FiveCate", None),
    }
    assert caught.value.code == "pboc.record_invalid"
    assert len(caught.value.as_dict()["errors"]) == 6


def test_two_bad_fields_give_two_errors() -> None:
    line = (
        golden("e1_new_r1")
        .replace("<AcctCredLine>20000</AcctCredLine>", "<AcctCredLine>-1</AcctCredLine>")
        .replace("<Cy>CNY</Cy>", "<Cy>XXX</Cy>")
    )
    with pytest.raises(RecordInvalid) as caught:
        AccountRecord.from_line(line)
    assert [(e.code, e.tag) for e in caught.value.errors] == [
        ("ABE001", "Cy"),
        ("ABE001", "AcctCredLine"),
    ]


def test_a_record_without_base_segment_is_BLR029() -> None:
    line = golden("e3_closed_r1")
    base = line[line.index("<AcctBsSgmt>") : line.index("</AcctBsSgmt>") + 13]
    with pytest.raises(RecordInvalid) as caught:
        AccountRecord.from_line(line.replace(base, ""))
    assert [e.code for e in caught.value.errors] == ["BLR029"]


def test_writer_reports_every_value_that_does_not_fit() -> None:
    bad = replace(
        E2,
        base=replace(E2.base, acct_code="", name="张" * 31),
        monthly=replace(E2.monthly, acct_bal=-5, month=date(2024, 7, 15)),  # type: ignore[type-var]
    )
    with pytest.raises(RecordInvalid) as caught:
        bad.to_line()
    assert [(e.code, e.tag) for e in caught.value.errors] == [
        ("ABE000", "AcctCode"),
        ("ABE001", "Name"),
        ("ABE001", "Month"),
        ("ABE001", "AcctBal"),
    ]


def test_a_credit_card_record_keeps_its_blank_repayment_ratio() -> None:
    card = replace(
        E2,
        monthly=replace(
            E2.monthly,  # type: ignore[type-var]
            prid_acct_bal=0,
            used_amt=0,
            not_isu_bal=0,
            rpy_prct="",
            overd_princ=None,
            oved31_60_princ=None,
            oved61_90_princ=None,
            oved91_180_princ=None,
            oved_princ180=None,
        ),
    )
    line = card.to_line()
    assert "<RpyStatus>1</RpyStatus><RpyPrct></RpyPrct><OverdPrd>" in line
    assert "OverdPrinc" not in line
    assert AccountRecord.from_line(line) == card


def test_rare_segments_round_trip() -> None:
    """A collection account (C1) taken over on 2024-05-01, with every other segment too."""
    record = AccountRecord(
        base=replace(E4.base, acct_type=AccountType.C1),
        non_monthly=NonMonthlySegment(
            acct_status=AccountStatus.NORMAL,
            acct_bal=30000,
            lat_rpy_amt=0,
            lat_rpy_date=date(2024, 5, 1),
        ),
        related_parties=related_parties(
            [
                RelatedParty(
                    info_id_type="1",
                    arlp_name="王五",
                    arlp_cert_type="10",
                    arlp_cert_num="110105199003071239",
                    arlp_type="2",
                    arlp_amt=30000,
                    warty_sign="0",
                    max_guar_mcc="B10211000H0001G01",
                ),
                RelatedParty(
                    info_id_type="2",
                    arlp_name="某公司",
                    arlp_cert_type="20",
                    arlp_cert_num="91110000000000000X",
                    arlp_type="1",
                ),
            ]
        ),
        collateral=collateral(["B10211000H0001C01", "B10211000H0001C02"]),
        original_creditor=OriginalCreditorSegment(
            init_cred_name="某银行", init_cred_org_nm="", orig_dbt_cate="1", init_rpy_sts="7"
        ),
        special_instalment=SpecialInstalmentSegment(
            spec_line=50000,
            spec_efct_date=date(2024, 1, 1),
            spec_end_date=date(2025, 1, 1),
            used_inst_amt=0,
        ),
        special_transactions=special_transactions(
            [
                SpecialTransaction(
                    chan_tran_type="13", tran_date=date(2024, 5, 1), tran_amt=30000, due_tran_mon=0
                )
            ]
        ),
    )
    line = record.to_line()
    assert "<RltRepymtInfSgmt><RltRepymtNm>2</RltRepymtNm><RltRepymtInf><InfoIDType>1<" in line
    assert "<ArlpAmt></ArlpAmt></RltRepymtInf>" in line
    assert "<CcNm>2</CcNm><CccInf><Ccc>B10211000H0001C01</Ccc></CccInf><CccInf>" in line
    assert "<DetInfo></DetInfo>" in line
    assert AccountRecord.from_line(line) == record
    order = [line.index(f"<{spec.tag}>") for spec in SEGMENTS_210 if f"<{spec.tag}>" in line]
    assert order == sorted(order)
