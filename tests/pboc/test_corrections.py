"""The correction records 212 and 222: typed records, lines and rules.

The stories: in a file of 2024-09-30, ``B10211000H0001`` corrects account ``…R1A0001``'s July
monthly performance (first reported on 2024-08-01: TotOverd was 520, it is 530), other segments
of its D1, R2, R3 and C1 accounts, and the limit of agreement ``…CTR0001`` (¥50,000 → ¥60,000).
Each rule case states what went wrong in one corrected line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengxin.codes import (
    AccountStatus,
    AccountType,
    AgreementStatus,
    CreditLimitType,
    Currency,
    FiveCategory,
    IdType,
    RepaymentStatus,
    RevolvingFlag,
    SegmentMark210,
)
from zhengxin.pboc.corrections import (
    SAMPLE_212,
    SAMPLE_222,
    AccountCorrection,
    AgreementCorrection,
    BaseCorrection,
)
from zhengxin.pboc.errors import RecordInvalid, RecordUnreadable
from zhengxin.pboc.record220 import CreditLimitSegment
from zhengxin.pboc.rules import FileContext, RuleBook
from zhengxin.pboc.rules210_perf import BOOK as BOOK_210
from zhengxin.pboc.rules_corrections import BOOK_212, BOOK_222, BOOKS_CORRECTIONS, CorrectionBook
from zhengxin.pboc.segments import MonthlySegment

FILE_DATE = date(2024, 9, 30)
INSTITUTION = "B10211000H0001"
CONTEXT_212 = FileContext("212", FILE_DATE, INSTITUTION)
CONTEXT_222 = FileContext("222", FILE_DATE, INSTITUTION)


def edit(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


# --- corrected segments, each valid for the account type named ---------------------------

H_R1 = (
    "<AcctMthlyBlgInfSgmt><Month>2024-07</Month><SettDate>2024-07-25</SettDate>"
    "<AcctStatus>2</AcctStatus><AcctBal>5000</AcctBal><RemRepPrd>0</RemRepPrd>"
    "<FiveCate>2</FiveCate><FiveCateAdjDate>2024-07-31</FiveCateAdjDate>"
    "<RpyStatus>1</RpyStatus><OverdPrd>1</OverdPrd><TotOverd>530</TotOverd>"
    "<OverdPrinc>500</OverdPrinc><Oved31_60Princ>0</Oved31_60Princ>"
    "<Oved61_90Princ>0</Oved61_90Princ><Oved91_180Princ>0</Oved91_180Princ>"
    "<OvedPrinc180>0</OvedPrinc180><CurRpyAmt>530</CurRpyAmt><ActRpyAmt>0</ActRpyAmt>"
    "<LatRpyDate>2024-06-25</LatRpyDate><CloseDate></CloseDate></AcctMthlyBlgInfSgmt>"
)
"""R1, July 2024: one instalment of 530 overdue (the corrected values of SAMPLE_212)."""
H_R1_CLOSED = (
    "<AcctMthlyBlgInfSgmt><Month>2024-07</Month><SettDate>2024-07-25</SettDate>"
    "<AcctStatus>3</AcctStatus><AcctBal>0</AcctBal><RemRepPrd>0</RemRepPrd>"
    "<FiveCate>1</FiveCate><FiveCateAdjDate>2024-07-25</FiveCateAdjDate>"
    "<RpyStatus>C</RpyStatus><OverdPrd>0</OverdPrd><TotOverd>0</TotOverd>"
    "<OverdPrinc>0</OverdPrinc><Oved31_60Princ>0</Oved31_60Princ>"
    "<Oved61_90Princ>0</Oved61_90Princ><Oved91_180Princ>0</Oved91_180Princ>"
    "<OvedPrinc180>0</OvedPrinc180><CurRpyAmt>5000</CurRpyAmt><ActRpyAmt>5000</ActRpyAmt>"
    "<LatRpyDate>2024-07-25</LatRpyDate><CloseDate>2024-07-31</CloseDate></AcctMthlyBlgInfSgmt>"
)
"""R1, July 2024: paid off on 07-25, closed on 07-31."""
H_R2 = (
    "<AcctMthlyBlgInfSgmt><Month>2024-07</Month><SettDate>2024-07-25</SettDate>"
    "<AcctStatus>1</AcctStatus><AcctBal>3000</AcctBal><PridAcctBal>3000</PridAcctBal>"
    "<UsedAmt>3000</UsedAmt><NotIsuBal>0</NotIsuBal><RemRepPrd>0</RemRepPrd>"
    "<FiveCate>1</FiveCate><FiveCateAdjDate>2024-07-25</FiveCateAdjDate>"
    "<RpyStatus>N</RpyStatus><RpyPrct>100</RpyPrct><OverdPrd>0</OverdPrd><TotOverd>0</TotOverd>"
    "<CurRpyAmt>3000</CurRpyAmt><ActRpyAmt>3000</ActRpyAmt><LatRpyDate>2024-07-25</LatRpyDate>"
    "<CloseDate></CloseDate></AcctMthlyBlgInfSgmt>"
)
"""R2 (credit card), July 2024: a 3,000 statement paid in full."""
H_R3 = (
    "<AcctMthlyBlgInfSgmt><Month>2024-07</Month><SettDate>2024-07-25</SettDate>"
    "<AcctStatus>1</AcctStatus><AcctBal>2000</AcctBal><FiveCate>1</FiveCate>"
    "<FiveCateAdjDate>2024-07-25</FiveCateAdjDate><RpyStatus>1</RpyStatus>"
    "<OvedrawBaOve180>0</OvedrawBaOve180><ActRpyAmt>0</ActRpyAmt>"
    "<LatRpyDate>2024-06-25</LatRpyDate><CloseDate></CloseDate></AcctMthlyBlgInfSgmt>"
)
"""R3 (semi-credit card), July 2024: overdrawn by 2,000, up to 30 days late."""
C_D1 = (
    "<AcctBsInfSgmt><BusiLines>1</BusiLines><BusiDtlLines>91</BusiDtlLines>"
    "<OpenDate>2023-07-15</OpenDate><Cy>CNY</Cy><LoanAmt>100000</LoanAmt><Flag>0</Flag>"
    "<DueDate>2025-07-15</DueDate><RepayMode>11</RepayMode><RepayFreqcy>03</RepayFreqcy>"
    "<RepayPrd>24</RepayPrd><ApplyBusiDist>310115</ApplyBusiDist><GuarMode>4</GuarMode>"
    "<OthRepyGuarWay>0</OthRepyGuarWay><AssetTrandFlag>0</AssetTrandFlag><FundSou>1</FundSou>"
    "<LoanForm>1</LoanForm></AcctBsInfSgmt>"
)
"""D1: ¥100,000 over 24 equal instalments from 2023-07-15 (§10.4)."""
C_R2 = (
    "<AcctBsInfSgmt><BusiLines>2</BusiLines><BusiDtlLines>81</BusiDtlLines>"
    "<OpenDate>2023-03-01</OpenDate><Cy>CNY</Cy><AcctCredLine>20000</AcctCredLine>"
    "<DueDate>2028-03-01</DueDate><ApplyBusiDist>110105</ApplyBusiDist><GuarMode>4</GuarMode>"
    "<OthRepyGuarWay>0</OthRepyGuarWay><AssetTrandFlag>0</AssetTrandFlag><FundSou>1</FundSou>"
    "<CreditID>1234</CreditID><LoanForm>1</LoanForm></AcctBsInfSgmt>"
)
"""R2: a ¥20,000 credit card opened on 2023-03-01."""
D_GUARANTOR = (
    "<RltRepymtInfSgmt><RltRepymtNm>1</RltRepymtNm><RltRepymtInf><InfoIDType>1</InfoIDType>"
    "<ArlpName>李梅</ArlpName><ArlpCertType>10</ArlpCertType>"
    "<ArlpCertNum>110108198511204020</ArlpCertNum><ArlpType>2</ArlpType>"
    "<ArlpAmt>20000</ArlpAmt><WartySign>0</WartySign>"
    "<MaxGuarMcc>B10211000H0001GUA0001</MaxGuarMcc></RltRepymtInf></RltRepymtInfSgmt>"
)
"""One guarantor for ¥20,000."""
GUARANTOR = D_GUARANTOR[
    D_GUARANTOR.index("<RltRepymtInf>") : D_GUARANTOR.index("</RltRepymtInfSgmt>")
]
E_COLLATERAL = (
    "<MotgaCltalCtrctInfSgmt><CcNm>1</CcNm><CccInf><Ccc>B10211000H0001CCC0001</Ccc></CccInf>"
    "</MotgaCltalCtrctInfSgmt>"
)
F_CREDIT_LINE = "<AcctCredSgmt><Mcc>B10211000H0001CRL0001</Mcc></AcctCredSgmt>"
G_ORIGINAL = (
    "<OrigCreditorInfSgmt><InitCredName>某某银行</InitCredName><InitCredOrgNm></InitCredOrgNm>"
    "<OrigDbtCate>1</OrigDbtCate><InitRpySts>1</InitRpySts></OrigCreditorInfSgmt>"
)
I_SPECIAL = (
    "<SpecPrdSgmt><SpecLine>50000</SpecLine><SpecEfctDate>2024-01-01</SpecEfctDate>"
    "<SpecEndDate>2026-01-01</SpecEndDate><UsedInstAmt>10000</UsedInstAmt></SpecPrdSgmt>"
)
J_D1 = (
    "<AcctDbtInfSgmt><AcctStatus>2</AcctStatus><AcctBal>4000</AcctBal><FiveCate>2</FiveCate>"
    "<FiveCateAdjDate>2024-07-31</FiveCateAdjDate><RemRepPrd>10</RemRepPrd>"
    "<RpyStatus>N</RpyStatus><OverdPrd>0</OverdPrd><TotOverd>0</TotOverd>"
    "<LatRpyAmt>1000</LatRpyAmt><LatRpyDate>2024-08-01</LatRpyDate><CloseDate></CloseDate>"
    "</AcctDbtInfSgmt>"
)
"""D1: 1,000 of arrears recovered on the report date 2024-08-01."""
J_C1 = (
    "<AcctDbtInfSgmt><AcctStatus>2</AcctStatus><AcctBal>0</AcctBal><LatRpyAmt>500</LatRpyAmt>"
    "<LatRpyDate>2024-08-01</LatRpyDate><CloseDate>2024-08-01</CloseDate></AcctDbtInfSgmt>"
)
"""C1: a collection ended on 2024-08-01."""
K_SPECIAL = (
    "<AcctSpecTrstDspnSgmt><CagOfTrdNm>1</CagOfTrdNm><CagOfTrdInf>"
    "<ChanTranType>11</ChanTranType><TranDate>2024-07-10</TranDate><TranAmt>1000</TranAmt>"
    "<DueTranMon>0</DueTranMon><DetInfo></DetInfo></CagOfTrdInf></AcctSpecTrstDspnSgmt>"
)
TRANSACTION = K_SPECIAL[K_SPECIAL.index("<CagOfTrdInf>") : K_SPECIAL.index("</AcctSpecTrst")]
B_BORROWER = (
    "<AcctBsSgmt><Name>张三</Name><IDType>10</IDType><IDNum>110105199003071239</IDNum>"
    "<MngmtOrgCode>B10211000H0001</MngmtOrgCode></AcctBsSgmt>"
)
"""A base correction: the borrower's name, ID and managing institution."""


def line_212(
    *segments: str,
    acct_type: str = "R1",
    mark: str = "H",
    rpt_date: str = "2024-08-01",
    code: str = "B10211000H0001R1A0001",
) -> str:
    """A 212 line correcting ``segments`` (normally one) of account ``code``."""
    return (
        "<Document><InAcctMdfc><BsSgmt><InfRecType>212</InfRecType>"
        f"<ModRecCode>{code}</ModRecCode><RptDate>{rpt_date}</RptDate>"
        f"<AcctType>{acct_type}</AcctType><MdfcSgmtCode>{mark}</MdfcSgmtCode></BsSgmt>"
        f"<MdfcSgmt>{''.join(segments)}</MdfcSgmt></InAcctMdfc></Document>"
    )


D_LIMIT = (
    "<CreditLimSgmt><CreditLimType>10</CreditLimType><LimLoopFlg>1</LimLoopFlg>"
    "<CreditLim>60000</CreditLim><Cy>CNY</Cy><ConEffDate>2024-06-01</ConEffDate>"
    "<ConExpDate>2027-05-31</ConExpDate><ConStatus>1</ConStatus><CreditRest>20000</CreditRest>"
    "<CreditRestCode>B10211000H0001LIM0001</CreditRestCode></CreditLimSgmt>"
)
PERSON = (
    "<CtrctCertRel><BrerType>1</BrerType><CertRelName>李梅</CertRelName>"
    "<CertRelIDType>10</CertRelIDType><CertRelIDNum>110108198511204020</CertRelIDNum>"
    "</CtrctCertRel>"
)
COMPANY = (
    "<CtrctCertRel><BrerType>2</BrerType><CertRelName>深圳某某贸易有限公司</CertRelName>"
    "<CertRelIDType>20</CertRelIDType><CertRelIDNum>914403001922038216</CertRelIDNum>"
    "</CtrctCertRel>"
)
C_CO_OBLIGORS = f"<CtrctCertRelSgmt><BrerNm>2</BrerNm>{PERSON}{COMPANY}</CtrctCertRelSgmt>"
B_AGREEMENT = (
    "<CtrctBsSgmt><Name>张三</Name><IDType>10</IDType><IDNum>110105199003071239</IDNum>"
    "<MngmtOrgCode>B10211000H0001</MngmtOrgCode></CtrctBsSgmt>"
)


def line_222(*segments: str, mark: str = "D", rpt_date: str = "2024-06-05") -> str:
    """A 222 line correcting ``segments`` (normally one) of agreement ``…CTR0001``."""
    return (
        "<Document><InCtrctMdfc><BsSgmt><InfRecType>222</InfRecType>"
        f"<ModRecCode>B10211000H0001CTR0001</ModRecCode><RptDate>{rpt_date}</RptDate>"
        f"<MdfcSgmtCode>{mark}</MdfcSgmtCode></BsSgmt>"
        f"<MdfcSgmt>{''.join(segments)}</MdfcSgmt></InCtrctMdfc></Document>"
    )


def check(book: RuleBook, line: str) -> list[tuple[str, str]]:
    context = CONTEXT_212 if book is BOOK_212 else CONTEXT_222
    return [(e.code, e.tag) for e in book.check(line, context, cap=100)[1]]


# --- typed records and lines -------------------------------------------------------------

JULY_CORRECTED = MonthlySegment(
    month=date(2024, 7, 1),
    sett_date=date(2024, 7, 25),
    acct_status=AccountStatus.OVERDUE,
    acct_bal=5000,
    rem_rep_prd=0,
    five_cate=FiveCategory.SPECIAL_MENTION,
    five_cate_adj_date=date(2024, 7, 31),
    rpy_status=RepaymentStatus.OVERDUE_1_30,
    overd_prd=1,
    tot_overd=530,
    overd_princ=500,
    oved31_60_princ=0,
    oved61_90_princ=0,
    oved91_180_princ=0,
    oved_princ180=0,
    cur_rpy_amt=530,
    act_rpy_amt=0,
    lat_rpy_date=date(2024, 6, 25),
)
MONTHLY_CORRECTION = AccountCorrection(
    mod_rec_code="B10211000H0001R1A0001",
    rpt_date=date(2024, 8, 1),
    acct_type=AccountType.R1,
    segment=JULY_CORRECTED,
)
LIMIT_CORRECTION = AgreementCorrection(
    mod_rec_code="B10211000H0001CTR0001",
    rpt_date=date(2024, 6, 5),
    segment=CreditLimitSegment(
        credit_lim_type=CreditLimitType.REVOLVING_LOAN,
        lim_loop_flg=RevolvingFlag.YES,
        credit_lim=60000,
        cy=Currency.CNY,
        con_eff_date=date(2024, 6, 1),
        con_exp_date=date(2027, 5, 31),
        con_status=AgreementStatus.VALID,
        credit_rest=20000,
        credit_rest_code="B10211000H0001LIM0001",
    ),
)
BORROWER = BaseCorrection(
    name="张三", id_type=IdType.RESIDENT_ID, id_num="110105199003071239", mngmt_org_code=INSTITUTION
)


def test_samples_are_the_hand_written_lines() -> None:
    assert line_212(H_R1) == SAMPLE_212
    assert line_222(D_LIMIT) == SAMPLE_222


@pytest.mark.parametrize(
    ("record", "line"),
    [
        (MONTHLY_CORRECTION, SAMPLE_212),
        (LIMIT_CORRECTION, SAMPLE_222),
        (
            AccountCorrection(
                mod_rec_code="B10211000H0001R1A0001",
                rpt_date=date(2024, 9, 12),
                acct_type=AccountType.R1,
                segment=BORROWER,
            ),
            line_212(B_BORROWER, mark="B", rpt_date="2024-09-12"),
        ),
        (
            AgreementCorrection(
                mod_rec_code="B10211000H0001CTR0001", rpt_date=date(2024, 6, 5), segment=BORROWER
            ),
            line_222(B_AGREEMENT, mark="B"),
        ),
    ],
    ids=["212-H", "222-D", "212-B", "222-B"],
)
def test_golden_round_trip(record: AccountCorrection | AgreementCorrection, line: str) -> None:
    assert record.to_line() == line
    assert type(record).from_line(line) == record
    assert type(record).from_line(line).to_line() == line


def test_the_mark_follows_the_segment() -> None:
    assert MONTHLY_CORRECTION.mdfc_sgmt_code is SegmentMark210.MONTHLY
    assert AccountCorrection.from_line(line_212(B_BORROWER, mark="B")).segment == BORROWER


DAYS = st.dates(date(1901, 1, 1), date(2099, 12, 31))
YUAN = st.integers(0, 10**15 - 1)


@given(
    limit=YUAN,
    rest=st.none() | YUAN,
    starts=DAYS,
    ends=DAYS,
    name=st.text(st.sampled_from("张王李赵梅华 ABCxyz"), min_size=1, max_size=30).map(str.strip),
)
def test_any_correction_round_trips(
    limit: int, rest: int | None, starts: date, ends: date, name: str
) -> None:
    """Whatever the amounts, dates and names, a correction reads back as it was written."""
    segment = CreditLimitSegment(
        credit_lim_type=CreditLimitType.NON_REVOLVING_LOAN,
        lim_loop_flg=RevolvingFlag.NO,
        credit_lim=limit,
        cy=Currency.CNY,
        con_eff_date=starts,
        con_exp_date=ends,
        con_status=AgreementStatus.VALID,
        credit_rest=rest,
        credit_rest_code=None if rest is None else "B10211000H0001LIM0002",
    )
    borrower = BaseCorrection(
        name=name or "张三", id_type=IdType.PASSPORT, id_num="USA12345", mngmt_org_code=INSTITUTION
    )
    for record in (
        AgreementCorrection(mod_rec_code="B10211000H0001CTR0002", rpt_date=ends, segment=segment),
        AccountCorrection(
            mod_rec_code="B10211000H0001D1L0001",
            rpt_date=starts,
            acct_type=AccountType.D1,
            segment=borrower,
        ),
    ):
        assert type(record).from_line(record.to_line()) == record


def test_the_reader_preprocesses_as_everywhere() -> None:
    line = edit(SAMPLE_212, ("<AcctBal>5000<", "<AcctBal> ５０００ <"))
    assert AccountCorrection.from_line(line) == MONTHLY_CORRECTION


def test_a_segment_of_the_other_record_cannot_be_written() -> None:
    wrong = AgreementCorrection(
        mod_rec_code="B10211000H0001CTR0001",
        rpt_date=date(2024, 6, 5),
        segment=JULY_CORRECTED,  # type: ignore[arg-type]
    )
    with pytest.raises(RecordInvalid) as caught:
        wrong.to_line()
    assert [e.code for e in caught.value.errors] == ["ABE001"]


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        (line_212(C_D1), ["ABR000", "BMR001"]),
        (line_212(), ["BMR001"]),
        (line_212(H_R1, F_CREDIT_LINE), ["ABR000"]),
        (line_212(G_ORIGINAL, J_C1, acct_type="C1", mark="J"), ["BMR001"]),
        (
            line_212(edit(B_BORROWER, ("<Name>", "<AcctCode>X</AcctCode><Name>")), mark="B"),
            ["BMR003"],
        ),
        (
            line_222(
                edit(B_AGREEMENT, ("<Name>", "<RptDate>2024-06-05</RptDate><Name>")), mark="B"
            ),
            ["BMR105"],
        ),
        (line_222(C_CO_OBLIGORS), ["BMR101", "BMR101"]),
        (edit(SAMPLE_212, ("<AcctBal>5000<", "<AcctBal>5千<")), ["ABE001"]),
    ],
    ids=[
        "named-missing",
        "empty",
        "extra",
        "G-extra",
        "212-base-item",
        "222-base-item",
        "222-wrong",
        "bad-value",
    ],
)
def test_a_line_that_is_not_one_correction_is_not_typed(line: str, codes: list[str]) -> None:
    kind = AgreementCorrection if "InCtrctMdfc" in line else AccountCorrection
    with pytest.raises(RecordInvalid) as caught:
        kind.from_line(line)
    assert [e.code for e in caught.value.errors] == codes


@pytest.mark.parametrize(
    "line",
    [
        "not XML",
        SAMPLE_212.replace("InAcctMdfc", "InAcctInf"),
        SAMPLE_212.replace("<MdfcSgmt>", "").replace("</MdfcSgmt>", ""),
        SAMPLE_212.replace("<MdfcSgmt>", "<MdfcSgmt><Unknown></Unknown>"),
        SAMPLE_212.replace("</MdfcSgmt>", "</MdfcSgmt><MdfcSgmt></MdfcSgmt>"),
        SAMPLE_212.replace("</MdfcSgmt>", f"{H_R1}</MdfcSgmt>"),
        SAMPLE_212.replace("</BsSgmt>", "</BsSgmt><BsSgmt></BsSgmt>"),
        SAMPLE_212.replace("<MdfcSgmt>", "<MdfcSgmt><CreditLimSgmt></CreditLimSgmt>"),
        SAMPLE_212.replace("<Month>", "<Month><Month>").replace("</Month>", "</Month></Month>"),
        SAMPLE_212.replace(
            "<AcctBal>5000</AcctBal>", "<AcctBal>5000</AcctBal><AcctBal>1</AcctBal>"
        ),
        SAMPLE_212.replace("<MdfcSgmt>", '<MdfcSgmt a="1">'),
        SAMPLE_212[:-3],
    ],
    ids=[
        "text",
        "root",
        "no-wrapper",
        "unknown",
        "two-wrappers",
        "twice",
        "two-bases",
        "220-segment",
        "nested",
        "item-twice",
        "attribute",
        "broken",
    ],
)
def test_an_unreadable_line_is_one_ABR000(line: str) -> None:
    with pytest.raises(RecordUnreadable):
        AccountCorrection.from_line(line)
    key, errors = BOOK_212.check(line, CONTEXT_212)
    assert (key, [(e.code, e.tag) for e in errors]) == ("", [("ABR000", "0000")])


def test_a_correction_of_another_type_is_refused() -> None:
    with pytest.raises(RecordUnreadable):
        AgreementCorrection.from_line(SAMPLE_222.replace(">222<", ">212<"))
    assert check(BOOK_222, SAMPLE_222.replace(">222<", ">223<")) == [("ABR000", "0000")]


# --- rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("book", "line"),
    [
        (BOOK_212, SAMPLE_212),
        (BOOK_212, line_212(B_BORROWER, mark="B")),
        (BOOK_212, line_212(H_R1_CLOSED)),
        (BOOK_212, line_212(H_R2, acct_type="R2", code="B10211000H0001R2C0001")),
        (BOOK_212, line_212(H_R3, acct_type="R3")),
        (BOOK_212, line_212(C_D1, acct_type="D1", mark="C")),
        (BOOK_212, line_212(C_R2, acct_type="R2", mark="C")),
        (BOOK_212, line_212(D_GUARANTOR, mark="D")),
        (BOOK_212, line_212(E_COLLATERAL, mark="E")),
        (BOOK_212, line_212(F_CREDIT_LINE, mark="F")),
        (BOOK_212, line_212(G_ORIGINAL, acct_type="C1", mark="G")),
        (BOOK_212, line_212(I_SPECIAL, acct_type="R2", mark="I")),
        (BOOK_212, line_212(J_D1, acct_type="D1", mark="J")),
        (BOOK_212, line_212(J_C1, acct_type="C1", mark="J")),
        (BOOK_212, line_212(K_SPECIAL, mark="K")),
        (BOOK_222, SAMPLE_222),
        (BOOK_222, line_222(C_CO_OBLIGORS, mark="C")),
        (BOOK_222, line_222(B_AGREEMENT, mark="B")),
    ],
)
def test_valid_corrections_pass(book: RuleBook, line: str) -> None:
    assert check(book, line) == []


@dataclass(frozen=True)
class Case:
    code: str
    tag: str
    story: str
    line: str


def corrected(mark: str, kind: str, segment: str, *changes: tuple[str, str]) -> str:
    """A 212 line correcting segment ``mark`` of a ``kind`` account, edited by ``changes``."""
    return line_212(edit(segment, *changes), acct_type=kind, mark=mark)


def h(*changes: tuple[str, str], segment: str = H_R1, kind: str = "R1") -> str:
    """A 212 line correcting a monthly segment, edited by ``changes``."""
    return corrected("H", kind, segment, *changes)


def limit(*changes: tuple[str, str]) -> str:
    """A 222 line correcting the limit segment, edited by ``changes``."""
    return line_222(edit(D_LIMIT, *changes))


def co_obligors(*changes: tuple[str, str]) -> str:
    """A 222 line correcting the co-obligors segment, edited by ``changes``."""
    return line_222(edit(C_CO_OBLIGORS, *changes), mark="C")


def sends(item: str) -> tuple[str, str]:
    """The change that adds ``item`` before Name in a base correction."""
    return ("<Name>", f"{item}<Name>")


OTHER_INSTITUTION = ("B10211000H0001", "B10211000H0009")

# fmt: off
CASES_212 = [
    # BsSgmt
    Case("ABD000", "ModRecCode", "no ModRecCode",
         edit(SAMPLE_212, ("<ModRecCode>B10211000H0001R1A0001</ModRecCode>", ""))),
    Case("ABD000", "BsSgmt", "no BsSgmt at all",
         f"<Document><InAcctMdfc><MdfcSgmt>{H_R1}</MdfcSgmt></InAcctMdfc></Document>"),
    Case("ABE000", "ModRecCode", "a blank ModRecCode", line_212(H_R1, code=" ")),
    Case("ABE001", "MdfcSgmtCode", "segment mark Z", line_212(H_R1, mark="Z")),
    Case("ABE001", "AcctType", "account type X1", line_212(H_R1, acct_type="X1")),
    Case("ABE002", "ModRecCode", "an account of another institution",
         line_212(H_R1, code="B10211000H0009R1A0001")),
    Case("ABE008", "RptDate", "a report date in 2100", line_212(H_R1, rpt_date="2100-01-01")),
    Case("ABR001", "RptDate", "a report date after the file's",
         line_212(H_R1, rpt_date="2024-10-01")),
    Case("ABR000", "AcctCredSgmt", "the credit-line segment sent with the monthly one",
         line_212(H_R1, F_CREDIT_LINE)),
    Case("BMR001", "AcctMthlyBlgInfSgmt", "mark H, but the credit-line segment sent",
         line_212(F_CREDIT_LINE)),
    Case("BMR001", "OrigCreditorInfSgmt", "mark J of a C1 account, its original creditor too",
         line_212(G_ORIGINAL, J_C1, acct_type="C1", mark="J")),
    Case("BMR003", "AcctCode", "a base correction that changes AcctCode",
         corrected("B", "R1", B_BORROWER, sends("<AcctCode>B10211000H0001R1A0002</AcctCode>"))),
    Case("BMR003", "RptDateCode", "a base correction that sends RptDateCode",
         corrected("B", "R1", B_BORROWER, sends("<RptDateCode>30</RptDateCode>"))),
    Case("BMR005", "MdfcSgmtCode", "a collection account correcting a monthly segment",
         line_212(H_R1, acct_type="C1")),
    Case("BMR005", "MdfcSgmtCode", "a loan correcting the original creditor",
         line_212(G_ORIGINAL, mark="G")),
    Case("BMR005", "MdfcSgmtCode", "a revolving loan correcting a special instalment line",
         line_212(I_SPECIAL, mark="I")),
    # B: base correction
    Case("ABE003", "MngmtOrgCode", "managed by an unknown institution",
         corrected("B", "R1", B_BORROWER, ("<MngmtOrgCode>B10211000H0001", "<MngmtOrgCode>X"))),
    Case("ABE004", "IDNum", "a resident ID with a wrong check digit",
         corrected("B", "R1", B_BORROWER, ("071239<", "071238<"))),
    Case("ABD000", "Name", "a base correction without the name",
         corrected("B", "R1", B_BORROWER, ("<Name>张三</Name>", ""))),
    # C: basic information
    Case("BLD000", "LoanAmt", "an R2 card with a loan amount",
         corrected("C", "R2", C_R2, ("<Cy>CNY</Cy>", "<Cy>CNY</Cy><LoanAmt>5</LoanAmt>"))),
    Case("BLE009", "0000", "due before it opened",
         corrected("C", "D1", C_D1, ("<DueDate>2025", "<DueDate>2022"))),
    Case("BLE028", "RepayFreqcy", "aggregated repayment, weekly",
         corrected("C", "D1", C_D1, ("<RepayMode>11<", "<RepayMode>90<"),
                   ("<RepayFreqcy>03<", "<RepayFreqcy>02<"))),
    Case("BLE031", "CreditID", "a card number with letters",
         corrected("C", "R2", C_R2, ("<CreditID>1234<", "<CreditID>12AB<"))),
    Case("BLE035", "BusiLines", "a credit card in business line 1",
         corrected("C", "R2", C_R2, ("<BusiLines>2<", "<BusiLines>1<"),
                   ("<BusiDtlLines>81<", "<BusiDtlLines>91<"))),
    Case("BLE038", "RepayPrd", "a bullet loan in 24 periods",
         corrected("C", "D1", C_D1, ("<RepayMode>11<", "<RepayMode>21<"))),
    Case("BLE050", "LoanConCode", "a housing loan without its contract",
         corrected("C", "D1", C_D1, ("<BusiDtlLines>91<", "<BusiDtlLines>11<"))),
    # D: related parties
    Case("BLE003", "ArlpAmt", "a guarantor without an amount",
         corrected("D", "R1", D_GUARANTOR, ("<ArlpAmt>20000<", "<ArlpAmt><"))),
    Case("BLE048", "WartySign", "a guarantor without the joint-guarantee flag",
         corrected("D", "R1", D_GUARANTOR, ("<WartySign>0<", "<WartySign><"))),
    Case("ABE010", "RltRepymtNm", "two parties announced, one sent",
         corrected("D", "R1", D_GUARANTOR, ("<RltRepymtNm>1<", "<RltRepymtNm>2<"))),
    Case("ABE011", "RltRepymtNm", "the same guarantor twice",
         corrected("D", "R1", D_GUARANTOR, ("<RltRepymtNm>1<", "<RltRepymtNm>2<"),
                   ("</RltRepymtInfSgmt>", f"{GUARANTOR}</RltRepymtInfSgmt>"))),
    # F: credit line
    Case("ABE002", "Mcc", "a credit line of another institution",
         corrected("F", "R1", F_CREDIT_LINE, OTHER_INSTITUTION)),
    # H: monthly performance
    Case("ABD000", "Month", "no Month", h(("<Month>2024-07</Month>", ""))),
    Case("ABE000", "AcctBal", "a blank balance", h(("<AcctBal>5000<", "<AcctBal><"))),
    Case("ABE001", "AcctStatus", "status 5 is not a card status",
         h(("<AcctStatus>1<", "<AcctStatus>5<"), segment=H_R2, kind="R2")),
    Case("ABE007", "LatRpyDate", "repaid after the report date",
         h(("<LatRpyDate>2024-06-25<", "<LatRpyDate>2024-08-02<"))),
    Case("ABE008", "FiveCateAdjDate", "classified in 2100",
         h(("<FiveCateAdjDate>2024-07-31<", "<FiveCateAdjDate>2100-07-31<"))),
    Case("BLD000", "PridAcctBal", "an R1 account with a statement balance",
         h(("<RemRepPrd>", "<PridAcctBal>1</PridAcctBal><RemRepPrd>"))),
    Case("BLD000", "OverdPrinc", "an R1 account without overdue principal",
         h(("<OverdPrinc>500</OverdPrinc>", ""))),
    Case("BLE001", "CloseDate", "closed without a close date",
         h(("<CloseDate>2024-07-31<", "<CloseDate><"), segment=H_R1_CLOSED)),
    Case("BLE002", "RpyPrct", "an unused card with a repayment ratio",
         h(("<RpyStatus>N<", "<RpyStatus>*<"), ("<PridAcctBal>3000<", "<PridAcctBal>0<"),
           ("<CurRpyAmt>3000<", "<CurRpyAmt>0<"), segment=H_R2, kind="R2")),
    Case("BLE011", "CloseDate", "closed before the last repayment",
         h(("<CloseDate>2024-07-31<", "<CloseDate>2024-07-20<"), segment=H_R1_CLOSED)),
    Case("BLE012", "SettDate", "settled in June for July",
         h(("<SettDate>2024-07-25<", "<SettDate>2024-06-25<"))),
    Case("BLE013", "TotOverd", "written off with nothing overdue",
         h(("<AcctStatus>2<", "<AcctStatus>42<"), ("<RpyStatus>1<", "<RpyStatus>B<"),
           ("<TotOverd>530<", "<TotOverd>0<"), ("<OverdPrinc>500<", "<OverdPrinc>0<"))),
    Case("BLE014", "AcctBal", "a card not yet activated with a balance",
         h(("<AcctStatus>1<", "<AcctStatus>6<"), segment=H_R2, kind="R2")),
    Case("BLE015", "CurRpyAmt", "nothing due, yet an instalment",
         h(("<RpyStatus>N<", "<RpyStatus>*<"), ("<RpyPrct>100<", "<RpyPrct><"),
           segment=H_R2, kind="R2")),
    Case("BLE017", "OverdPrd", "paid as agreed, yet overdue",
         h(("<RpyStatus>1<", "<RpyStatus>N<"))),
    Case("BLE019", "OverdPrd", "overdue by zero periods", h(("<OverdPrd>1<", "<OverdPrd>0<"))),
    Case("BLE020", "0000", "more principal overdue than the total",
         h(("<OverdPrinc>500<", "<OverdPrinc>600<"))),
    Case("BLE022", "OvedrawBaOve180", "an old overdraft above the balance",
         h(("<OvedrawBaOve180>0<", "<OvedrawBaOve180>3000<"), segment=H_R3, kind="R3")),
    Case("BLE023", "AcctBal", "no overdraft, yet a balance",
         h(("<RpyStatus>1<", "<RpyStatus>*<"), segment=H_R3, kind="R3")),
    Case("BLE025", "AcctBal", "overdrawn with no balance",
         h(("<AcctBal>2000<", "<AcctBal>0<"), segment=H_R3, kind="R3")),
    Case("BLE026", "AcctBal", "closed with a balance",
         h(("<AcctBal>0<", "<AcctBal>100<"), segment=H_R1_CLOSED)),
    Case("BLE030", "RpyStatus", "closed, yet paying as agreed",
         h(("<RpyStatus>C<", "<RpyStatus>N<"), segment=H_R1_CLOSED)),
    Case("BLE039", "RptDate", "May's performance in a correction of the 08-01 report",
         h(("<Month>2024-07<", "<Month>2024-05<"), ("<SettDate>2024-07", "<SettDate>2024-05"))),
    # I, J, K
    Case("BLE007", "SpecEfctDate", "a special line that starts after it ends",
         corrected("I", "R2", I_SPECIAL, ("<SpecEndDate>2026-01-01<", "<SpecEndDate>2023-12-31<"))),
    Case("BLE018", "OverdPrd", "a recovery paid as agreed, yet overdue",
         corrected("J", "D1", J_D1, ("<OverdPrd>0<", "<OverdPrd>1<"))),
    Case("BLE027", "AcctBal", "an ended collection with a balance",
         corrected("J", "C1", J_C1, ("<AcctBal>0<", "<AcctBal>100<"))),
    Case("BLE034", "RpyStatus", "a recovery still overdue",
         corrected("J", "D1", J_D1, ("<RpyStatus>N<", "<RpyStatus>1<"))),
    Case("BLE040", "LatRpyDate", "a recovery received before the report date",
         corrected("J", "D1", J_D1, ("<LatRpyDate>2024-08-01<", "<LatRpyDate>2024-07-30<"))),
    Case("BLE042", "CloseDate", "closed before the recovery",
         corrected("J", "C1", J_C1, ("<CloseDate>2024-08-01<", "<CloseDate>2024-07-01<"))),
    Case("BLE043", "CloseDate", "an ended collection without a close date",
         corrected("J", "C1", J_C1, ("<CloseDate>2024-08-01<", "<CloseDate><"))),
    Case("BLE046", "CagOfTrdNm", "no special transaction",
         corrected("K", "R1", K_SPECIAL, ("<CagOfTrdNm>1<", "<CagOfTrdNm>0<"), (TRANSACTION, ""))),
    Case("ABE011", "CagOfTrdNm", "the same transaction twice",
         corrected("K", "R1", K_SPECIAL, ("<CagOfTrdNm>1<", "<CagOfTrdNm>2<"),
                   (TRANSACTION, TRANSACTION * 2))),
]

CASES_222 = [
    Case("ABD000", "Cy", "no currency", limit(("<Cy>CNY</Cy>", ""))),
    Case("ABE000", "CreditLim", "a blank limit", limit(("<CreditLim>60000<", "<CreditLim><"))),
    Case("ABE001", "MdfcSgmtCode", "segment mark E", line_222(D_LIMIT, mark="E")),
    Case("ABE002", "CreditRestCode", "a sub-limit of another institution",
         limit(("<CreditRestCode>B10211000H0001", "<CreditRestCode>B10211000H0009"))),
    Case("ABE003", "MngmtOrgCode", "managed by an unknown institution",
         line_222(edit(B_AGREEMENT, ("<MngmtOrgCode>B10211000H0001", "<MngmtOrgCode>X")),
                  mark="B")),
    Case("ABE004", "CertRelIDNum", "a co-obligor with a wrong check digit",
         co_obligors(("204020<", "204021<"))),
    Case("ABE007", "ConEffDate", "a limit effective after the report date",
         limit(("<ConEffDate>2024-06-01<", "<ConEffDate>2024-06-06<"))),
    Case("ABE008", "ConExpDate", "a limit that expires in 2100",
         limit(("<ConExpDate>2027", "<ConExpDate>2100"))),
    Case("ABE010", "BrerNm", "three co-obligors announced, two sent",
         co_obligors(("<BrerNm>2<", "<BrerNm>3<"))),
    Case("ABE011", "BrerNm", "the same co-obligor twice", co_obligors((COMPANY, PERSON))),
    Case("ABR000", "0000", "a 220 record in a 222 file", SAMPLE_222.replace(">222<", ">220<")),
    Case("ABR001", "RptDate", "a report date after the file's",
         line_222(D_LIMIT, rpt_date="2024-10-01")),
    Case("BCE000", "ConEffDate", "a limit that expires before it starts",
         limit(("<ConExpDate>2027-05-31<", "<ConExpDate>2024-05-31<"))),
    Case("BCE002", "0000", "a company identified by a passport",
         co_obligors(("<CertRelIDType>20<", "<CertRelIDType>2<"))),
    Case("BCE004", "0000", "a sub-limit amount without its code",
         limit(("<CreditRestCode>B10211000H0001LIM0001</CreditRestCode>", ""))),
    Case("BMR101", "CtrctCertRelSgmt", "mark D, the co-obligors sent",
         line_222(C_CO_OBLIGORS)),
    Case("BMR101", "CreditLimSgmt", "mark D, the limit missing", line_222(C_CO_OBLIGORS)),
    Case("BMR101", "CreditLimSgmt", "mark C, the limit sent too",
         line_222(C_CO_OBLIGORS, D_LIMIT, mark="C")),
    Case("BMR105", "ContractCode", "a base correction that changes ContractCode",
         line_222(edit(B_AGREEMENT, sends("<ContractCode>B10211000H0001C2</ContractCode>")),
                  mark="B")),
    Case("BMR105", "InfRecType", "a base correction that sends InfRecType",
         line_222(edit(B_AGREEMENT, sends("<InfRecType>220</InfRecType>")), mark="B")),
]
# fmt: on


@pytest.mark.parametrize("case", CASES_212, ids=lambda c: f"{c.code} {c.story}")
def test_212_rule(case: Case) -> None:
    assert (case.code, case.tag) in check(BOOK_212, case.line)


@pytest.mark.parametrize("case", CASES_222, ids=lambda c: f"{c.code} {c.story}")
def test_222_rule(case: Case) -> None:
    assert (case.code, case.tag) in check(BOOK_222, case.line)


@pytest.mark.parametrize(
    ("book", "cases", "count"), [(BOOK_212, CASES_212, 48), (BOOK_222, CASES_222, 17)]
)
def test_every_code_of_a_book_is_exercised(book: RuleBook, cases: list[Case], count: int) -> None:
    """§8.3: 48 distinct codes in the 212 rule file, 17 in the 222 one."""
    assert len(book.codes()) == count
    assert {case.code for case in cases} == book.codes()


def test_rules_that_compare_with_what_a_correction_lacks_do_not_fire() -> None:
    """A closed account that still shows an overdue period breaks BLE004 in a 210 report; a
    recovery that closes a D1 loan breaks BLE016. Neither applies to a correction (§7.2), nor
    does any BLR rule."""
    overdue_but_closed = edit(H_R1_CLOSED, ("<OverdPrd>0<", "<OverdPrd>1<"))
    closing_recovery = edit(
        J_D1, ("<AcctStatus>2<", "<AcctStatus>3<"), ("<CloseDate><", "<CloseDate>2024-08-01<")
    )
    report_210 = (
        "<Document><InAcctInf><AcctBsSgmt><InfRecType>210</InfRecType><AcctType>{kind}</AcctType>"
        "<AcctCode>B10211000H0001R1A0001</AcctCode><RptDate>2024-08-01</RptDate>"
        "<RptDateCode>30</RptDateCode><Name>张三</Name><IDType>10</IDType>"
        "<IDNum>110105199003071239</IDNum><MngmtOrgCode>B10211000H0001</MngmtOrgCode>"
        "</AcctBsSgmt>{segment}</InAcctInf></Document>"
    )
    context_210 = FileContext("210", FILE_DATE, INSTITUTION)
    for kind, segment, mark, code in (
        ("R1", overdue_but_closed, "H", "BLE004"),
        ("D1", closing_recovery, "J", "BLE016"),
    ):
        found_210 = [
            e.code
            for e in BOOK_210.check(
                report_210.format(kind=kind, segment=segment), context_210, cap=100
            )[1]
        ]
        assert code in found_210
        assert check(BOOK_212, line_212(segment, acct_type=kind, mark=mark)) == []
    every = {code for case in CASES_212 for code, _ in check(BOOK_212, case.line)}
    assert not {code for code in every if code.startswith("BLR")}
    assert not every & {"BLE005", "BLE006", "BLE008", "BLE010", "BLE037", "BLE041"}


def test_monthly_dates_are_compared_with_the_correction_report_date() -> None:
    """BLE039 and ABE007 read RptDate from BsSgmt: the same July segment is fine in a
    correction of the 08-01 report and out of range in one of a 10-01 report."""
    assert check(BOOK_212, line_212(H_R1, rpt_date="2024-09-30")) == [("BLE039", "RptDate")]
    assert ("ABE007", "FiveCateAdjDate") in check(BOOK_212, line_212(H_R1, rpt_date="2024-07-30"))


def test_account_type_decides_the_items_of_the_corrected_segment() -> None:
    """BLD000 follows BsSgmt's AcctType: the R1 segment sent for an R2 card misses the card's
    items and carries the loan's; with an invalid AcctType only ABE001 is reported (§1.4)."""
    as_card = check(BOOK_212, line_212(H_R1, acct_type="R2"))
    assert ("BLD000", "PridAcctBal") in as_card
    assert ("BLD000", "OverdPrinc") in as_card
    assert check(BOOK_212, line_212(H_R1, acct_type="Q9")) == [("ABE001", "AcctType")]


def test_a_base_correction_reports_each_item_it_may_not_carry() -> None:
    everything = edit(
        B_BORROWER,
        (
            "<Name>",
            "<InfRecType>210</InfRecType><AcctType>R1</AcctType>"
            "<AcctCode>B10211000H0001R1A0001</AcctCode><RptDate>2024-08-01</RptDate>"
            "<RptDateCode>30</RptDateCode><Name>",
        ),
    )
    found = check(BOOK_212, line_212(everything, mark="B"))
    assert found == [
        ("BMR003", tag) for tag in ("InfRecType", "AcctType", "AcctCode", "RptDate", "RptDateCode")
    ]


def test_the_key_is_the_corrected_identifier() -> None:
    assert BOOK_222.check(SAMPLE_222, CONTEXT_222)[0] == "B10211000H0001CTR0001"


@pytest.mark.parametrize(
    ("book", "line"),
    [(BOOK_212, case.line) for case in CASES_212]
    + [(BOOK_222, case.line) for case in CASES_222]
    + [(BOOK_212, SAMPLE_212), (BOOK_222, SAMPLE_222)],
)
def test_the_compiled_walk_matches_the_reference(book: CorrectionBook, line: str) -> None:
    context = CONTEXT_212 if book is BOOK_212 else CONTEXT_222
    _, compiled = book.check(line, context, cap=100)
    try:
        raw = book.read(line)
    except RecordUnreadable:
        return
    if raw.value("BsSgmt", "InfRecType") not in (None, book.record_type):
        return
    record = book.record_of(raw, context, cap=100)
    book.walk_interpreted(record)
    assert record.errors == compiled


def test_the_books_are_exposed_by_record_type() -> None:
    assert BOOKS_CORRECTIONS == {"212": BOOK_212, "222": BOOK_222}
    assert all(book.record_type == kind for kind, book in BOOKS_CORRECTIONS.items())
