"""Record 210: one test per error code of the 210 rule file (§8.4), each from a valid line.

Every code test starts from a line the validator accepts (checked first), breaks one rule of
the specification and checks that the expected (code, tag) pair is among the errors, with the
value where the specification names it. Then: the five-error cap (§1.5), unreadable lines
(ABR000, §1.5), an invalid AcctType (§1.4, consequence 2), the text comparison of zero checks
(§4.6 item 1), full-width digits (§1.1), and a check that no code of the book or of §8.4 goes
untested.

Lines are built as plain dictionaries (segment → item → text, repeated elements as lists) and
written as XML here, independently of the package's reader and writer.
"""

from __future__ import annotations

import copy
import functools
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from zhengxin.pboc.rules import FileContext
from zhengxin.pboc.rules210_perf import BOOK
from zhengxin.pboc.validator import check_line

LINES = (Path(__file__).parents[1] / "data" / "section10.txt").read_text("utf-8").splitlines()
INSTITUTION = "B10211000H0001"
CONTEXT = FileContext("210", date(2024, 9, 30), INSTITUTION)

B, C, D, E, F = (
    "AcctBsSgmt",
    "AcctBsInfSgmt",
    "RltRepymtInfSgmt",
    "MotgaCltalCtrctInfSgmt",
    "AcctCredSgmt",
)
G, H, I, J, K = (  # noqa: E741 (the official segment marks)
    "OrigCreditorInfSgmt",
    "AcctMthlyBlgInfSgmt",
    "SpecPrdSgmt",
    "AcctDbtInfSgmt",
    "AcctSpecTrstDspnSgmt",
)
GROUPS = {D: "RltRepymtInf", E: "CccInf", K: "CagOfTrdInf"}
"""The repeated element of each segment that has one (§2.3)."""

_INDEX_8_4 = """
    ABD000 ABE000 ABE001 ABE002 ABE003 ABE004 ABE007 ABE008 ABE010 ABE011 ABR000 ABR001 BLD000
    BLE001 BLE002 BLE003 BLE004 BLE005 BLE006 BLE007 BLE008 BLE009 BLE010 BLE011 BLE012 BLE013
    BLE014 BLE015 BLE016 BLE017 BLE018 BLE019 BLE020 BLE022 BLE023 BLE025 BLE026 BLE027 BLE028
    BLE030 BLE031 BLE034 BLE035 BLE037 BLE038 BLE039 BLE040 BLE041 BLE042 BLE043 BLE046 BLE048
    BLE050 BLR000 BLR001 BLR002 BLR003 BLR006 BLR007 BLR008 BLR009 BLR010 BLR011 BLR012 BLR013
    BLR014 BLR015 BLR029
    """
SECTION_8_4 = frozenset(_INDEX_8_4.split())
"""The 68 codes of the 210 rule file (§8.4)."""

Record = dict[str, dict[str, Any]]
Found = list[tuple[str, str, str | None]]


# --- building lines ----------------------------------------------------------------------


def parse(line: str) -> Record:
    """A line as segment → item → text; repeated elements as a list under their tag."""
    record: Record = {}
    for segment in ET.fromstring(line)[0]:
        items: dict[str, Any] = {}
        for child in segment:
            if len(child):
                items.setdefault(child.tag, []).append({g.tag: g.text or "" for g in child})
            else:
                items[child.tag] = child.text or ""
        record[segment.tag] = items
    return record


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(record: Record) -> str:
    """The record as one body line."""
    out = ["<Document><InAcctInf>"]
    for segment, items in record.items():
        out.append(f"<{segment}>")
        for tag, value in items.items():
            if isinstance(value, list):
                for element in value:
                    inner = "".join(f"<{t}>{_xml(v)}</{t}>" for t, v in element.items())
                    out.append(f"<{tag}>{inner}</{tag}>")
            else:
                out.append(f"<{tag}>{_xml(value)}</{tag}>")
        out.append(f"</{segment}>")
    out.append("</InAcctInf></Document>")
    return "".join(out)


def edit(record: Record, segment: str, **items: str | None) -> Record:
    """A copy with items of ``segment`` set (``None`` removes the tag); creates the segment."""
    new = copy.deepcopy(record)
    found = new.setdefault(segment, {})
    for tag, text in items.items():
        if text is None:
            found.pop(tag, None)
        else:
            found[tag] = text
    return new


def edit_element(record: Record, segment: str, index: int, **items: str | None) -> Record:
    """A copy with items of the ``index``-th repeated element of ``segment`` set."""
    new = copy.deepcopy(record)
    element = new[segment][GROUPS[segment]][index]
    for tag, text in items.items():
        if text is None:
            element.pop(tag, None)
        else:
            element[tag] = text
    return new


def with_segment(record: Record, segment: str, items: dict[str, Any]) -> Record:
    """A copy with ``segment`` added (or replaced)."""
    new = copy.deepcopy(record)
    new[segment] = copy.deepcopy(items)
    return new


def without(record: Record, *segments: str) -> Record:
    """A copy without ``segments``."""
    new = copy.deepcopy(record)
    for segment in segments:
        del new[segment]
    return new


# --- checking ----------------------------------------------------------------------------


def errors(record: Record | str, context: FileContext = CONTEXT, cap: int = 100) -> Found:
    line = record if isinstance(record, str) else render(record)
    return [(e.code, e.tag, e.value) for e in check_line(line, "210", context, cap=cap)]


_UNSET: Any = object()
_ASSERTED: set[str] = set()
COVERED: dict[str, str] = {}
"""Code → the test that breaks its rule."""


def assert_valid(record: Record, context: FileContext = CONTEXT) -> None:
    assert errors(record, context) == []


def assert_breaks(
    base: Record,
    broken: Record,
    code: str,
    tag: str,
    value: str | None = _UNSET,
    context: FileContext = CONTEXT,
) -> Found:
    """``base`` is valid and ``broken`` reports (code, tag[, value])."""
    assert_valid(base, context)
    found = errors(broken, context)
    assert (code, tag) in [(c, t) for c, t, _ in found], found
    if value is not _UNSET:
        assert (code, tag, value) in found, found
    _ASSERTED.add(code)
    return found


def covers(code: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Mark the test of ``code``; it fails unless it asserts ``code`` through assert_breaks."""

    def mark(test: Callable[[], None]) -> Callable[[], None]:
        assert code not in COVERED, f"{code} is covered twice"
        COVERED[code] = test.__name__

        @functools.wraps(test)
        def run() -> None:
            _ASSERTED.clear()
            test()
            assert code in _ASSERTED, f"{test.__name__} never asserted {code}"

        return run

    return mark


# --- valid base lines --------------------------------------------------------------------

R1_NEW = parse(LINES[0])
"""§10.1: a revolving loan opened 2024-06-01, reported at code 10 on 06-05."""
R1_MONTHLY = parse(LINES[1])
"""§10.2: the same account at code 30, overdue 1-30 days."""
R1_CLOSED = parse(LINES[2])
"""§10.3: the same account closed (code 20) on 2024-09-10."""
D1_MONTHLY = parse(LINES[3])
"""§10.4: a 24-instalment D1 at code 30 with its basic segment (Flag 0)."""
R1_AT_31 = edit(R1_NEW, B, RptDateCode="31")
R1_AT_32 = edit(R1_CLOSED, B, RptDateCode="32")
D1_NEW = edit(parse(LINES[9]), C, RepayMode="11", RepayFreqcy="03", RepayPrd="12")
"""§10.10 made an instalment loan: a new D1 (code 10, Flag 0) with blank SettDate."""

GUARANTOR = {
    "InfoIDType": "1",
    "ArlpName": "王五",
    "ArlpCertType": "10",
    "ArlpCertNum": "110105198501011234",
    "ArlpType": "2",
    "ArlpAmt": "50000",
    "WartySign": "0",
    "MaxGuarMcc": "B10211000H0001GC0001",
}
D1_GUARANTEED = with_segment(
    edit(D1_NEW, C, GuarMode="3"), D, {"RltRepymtNm": "1", "RltRepymtInf": [GUARANTOR]}
)
"""A new D1 with guarantee (GuarMode 3), so RltRepymtInfSgmt with one guarantor."""

D1_MORTGAGE = with_segment(
    edit(
        D1_NEW,
        C,
        BusiDtlLines="11",
        GuarMode="2",
        LoanConCode="B10211000H0001HT0001",
        FirstHouLoanFlag="01",
    ),
    E,
    {"CcNm": "1", "CccInf": [{"Ccc": "B10211000H0001CC0001"}]},
)
"""A new housing loan (BusiDtlLines 11) with its mortgage contract segment."""

TRADE = {
    "ChanTranType": "4",
    "TranDate": "2024-07-10",
    "TranAmt": "10000",
    "DueTranMon": "0",
    "DetInfo": "",
}
D1_SPECIAL_TRADE = with_segment(
    D1_MONTHLY, K, {"CagOfTrdNm": "1", "CagOfTrdInf": [copy.deepcopy(TRADE)]}
)
"""§10.4 with a partial prepayment in AcctSpecTrstDspnSgmt."""

R2_MONTHLY: Record = {
    B: {
        "InfRecType": "210",
        "AcctType": "R2",
        "AcctCode": "B10211000H0001R2C0001",
        "RptDate": "2024-08-01",
        "RptDateCode": "30",
        "Name": "张三",
        "IDType": "10",
        "IDNum": "110105199003071239",
        "MngmtOrgCode": INSTITUTION,
    },
    C: {
        "BusiLines": "2",
        "BusiDtlLines": "81",
        "OpenDate": "2023-01-10",
        "Cy": "CNY",
        "AcctCredLine": "50000",
        "DueDate": "2028-01-31",
        "ApplyBusiDist": "110105",
        "GuarMode": "4",
        "OthRepyGuarWay": "0",
        "AssetTrandFlag": "0",
        "FundSou": "1",
        "LoanForm": "1",
        "CreditID": "1234",
    },
    H: {
        "Month": "2024-07",
        "SettDate": "2024-07-20",
        "AcctStatus": "1",
        "AcctBal": "3000",
        "PridAcctBal": "2500",
        "UsedAmt": "3000",
        "NotIsuBal": "0",
        "RemRepPrd": "0",
        "FiveCate": "1",
        "FiveCateAdjDate": "2023-01-10",
        "RpyStatus": "N",
        "RpyPrct": "100",
        "OverdPrd": "0",
        "TotOverd": "0",
        "CurRpyAmt": "2500",
        "ActRpyAmt": "2500",
        "LatRpyDate": "2024-07-18",
        "CloseDate": "",
    },
}
"""A credit card (R2, BusiDtlLines 81) at code 30 with its basic segment."""
R2_NOTHING_DUE = edit(
    R2_MONTHLY,
    H,
    AcctBal="0",
    PridAcctBal="0",
    UsedAmt="0",
    RpyStatus="*",
    RpyPrct="",
    CurRpyAmt="0",
    ActRpyAmt="0",
)
"""The card in a month without use (RpyStatus ``*``): zeros and a blank RpyPrct."""
SPECIAL_LINE = {
    "SpecLine": "50000",
    "SpecEfctDate": "2024-03-01",
    "SpecEndDate": "2025-03-01",
    "UsedInstAmt": "20000",
}
R2_SPECIAL = with_segment(R2_MONTHLY, I, SPECIAL_LINE)
"""The card with a large special instalment line (SpecPrdSgmt)."""
R2_CLOSED_SPECIAL: Record = {
    B: {**R2_MONTHLY[B], "RptDate": "2024-09-12", "RptDateCode": "20"},
    H: {
        **R2_MONTHLY[H],
        "Month": "2024-09",
        "SettDate": "2024-09-10",
        "AcctStatus": "4",
        "AcctBal": "0",
        "PridAcctBal": "0",
        "UsedAmt": "0",
        "FiveCateAdjDate": "2024-09-10",
        "RpyStatus": "C",
        "CurRpyAmt": "0",
        "ActRpyAmt": "3000",
        "LatRpyDate": "2024-09-10",
        "CloseDate": "2024-09-10",
    },
    I: dict(SPECIAL_LINE),
}
"""The card cancelled (code 20, AcctStatus 4) on 2024-09-10, with its special line."""

R3_MONTHLY: Record = {
    B: {
        **R2_MONTHLY[B],
        "AcctType": "R3",
        "AcctCode": "B10211000H0001R3Q0001",
    },
    H: {
        "Month": "2024-07",
        "SettDate": "2024-07-20",
        "AcctStatus": "1",
        "AcctBal": "1000",
        "FiveCate": "2",
        "FiveCateAdjDate": "2024-07-31",
        "RpyStatus": "1",
        "OvedrawBaOve180": "0",
        "ActRpyAmt": "0",
        "LatRpyDate": "2024-06-20",
        "CloseDate": "",
    },
}
"""A semi-credit card (R3) at code 30, overdrawn 1-30 days."""

R4_NEW: Record = {
    B: {**R1_NEW[B], "AcctType": "R4", "AcctCode": "B10211000H0001R4S0001"},
    C: {
        "BusiLines": "1",
        "BusiDtlLines": "91",
        "OpenDate": "2024-06-01",
        "Cy": "CNY",
        "LoanAmt": "10000",
        "DueDate": "2025-06-01",
        "RepayMode": "11",
        "RepayFreqcy": "03",
        "RepayPrd": "12",
        "ApplyBusiDist": "110105",
        "GuarMode": "4",
        "OthRepyGuarWay": "0",
        "AssetTrandFlag": "0",
        "FundSou": "1",
        "LoanForm": "1",
    },
    F: {"Mcc": "B10211000H0001CRL0001"},
    H: {
        **D1_NEW[H],
        "Month": "2024-06",
        "AcctBal": "10000",
        "RemRepPrd": "12",
        "FiveCateAdjDate": "2024-06-01",
        "LatRpyDate": "2024-06-01",
    },
}
"""A new sub-account (R4, code 10) drawn under the revolving line of §10.1."""

C1_NEW: Record = {
    B: {
        **R1_NEW[B],
        "AcctType": "C1",
        "AcctCode": "B10211000H0001C1D0001",
    },
    C: {
        "BusiLines": "5",
        "BusiDtlLines": "A1",
        "OpenDate": "2024-06-01",
        "Cy": "CNY",
        "LoanAmt": "80000",
    },
    G: {
        "InitCredName": "某某银行股份有限公司",
        "InitCredOrgNm": "",
        "OrigDbtCate": "1",
        "InitRpySts": "7",
    },
    J: {
        "AcctStatus": "1",
        "AcctBal": "80000",
        "LatRpyAmt": "0",
        "LatRpyDate": "2024-06-01",
        "CloseDate": "",
    },
}
"""A collection account (C1) taken over on 2024-06-01, reported at code 10."""
C1_ENDED: Record = {
    B: {**C1_NEW[B], "RptDate": "2024-09-12", "RptDateCode": "20"},
    J: {
        "AcctStatus": "2",
        "AcctBal": "0",
        "LatRpyAmt": "80000",
        "LatRpyDate": "2024-09-10",
        "CloseDate": "2024-09-10",
    },
}
"""The collection account ended (status 2) on 2024-09-10, reported at code 20."""

D1_RECOVERY: Record = {
    B: {**D1_MONTHLY[B], "RptDate": "2024-08-20", "RptDateCode": "40"},
    J: {
        "AcctStatus": "1",
        "AcctBal": "40000",
        "FiveCate": "1",
        "FiveCateAdjDate": "2024-07-31",
        "RemRepPrd": "12",
        "RpyStatus": "N",
        "OverdPrd": "0",
        "TotOverd": "0",
        "LatRpyAmt": "5000",
        "LatRpyDate": "2024-08-20",
        "CloseDate": "",
    },
}
"""The D1 of §10.4 recovering an overdue amount on its report date (code 40)."""

BASES = {
    "R1_NEW": R1_NEW,
    "R1_MONTHLY": R1_MONTHLY,
    "R1_CLOSED": R1_CLOSED,
    "R1_AT_31": R1_AT_31,
    "R1_AT_32": R1_AT_32,
    "D1_MONTHLY": D1_MONTHLY,
    "D1_NEW": D1_NEW,
    "D1_GUARANTEED": D1_GUARANTEED,
    "D1_MORTGAGE": D1_MORTGAGE,
    "D1_SPECIAL_TRADE": D1_SPECIAL_TRADE,
    "D1_RECOVERY": D1_RECOVERY,
    "R2_MONTHLY": R2_MONTHLY,
    "R2_NOTHING_DUE": R2_NOTHING_DUE,
    "R2_SPECIAL": R2_SPECIAL,
    "R2_CLOSED_SPECIAL": R2_CLOSED_SPECIAL,
    "R3_MONTHLY": R3_MONTHLY,
    "R4_NEW": R4_NEW,
    "C1_NEW": C1_NEW,
    "C1_ENDED": C1_ENDED,
}


@pytest.mark.parametrize("name", BASES)
def test_each_base_line_is_valid(name: str) -> None:
    assert errors(BASES[name]) == []


def test_the_first_four_examples_read_back_verbatim() -> None:
    for number in range(4):
        assert render(parse(LINES[number])) == LINES[number]


# --- ABD / ABE / ABR ---------------------------------------------------------------------


@covers("ABD000")
def test_ABD000_mandatory_tag_missing() -> None:
    assert_breaks(R1_NEW, edit(R1_NEW, B, Name=None), "ABD000", "Name", None)
    # ActRpyAmt's account-type rule reports ABD000, not BLD000 (§3.8 item 22).
    assert_breaks(D1_MONTHLY, edit(D1_MONTHLY, H, ActRpyAmt=None), "ABD000", "ActRpyAmt", None)
    # A guarantor must carry WartySign (§3.4).
    broken = edit_element(D1_GUARANTEED, D, 0, WartySign=None)
    assert_breaks(D1_GUARANTEED, broken, "ABD000", "WartySign", None)


@covers("ABE000")
def test_ABE000_required_value_blank() -> None:
    assert_breaks(R1_NEW, edit(R1_NEW, B, Name=""), "ABE000", "Name", "")
    assert_breaks(R1_MONTHLY, edit(R1_MONTHLY, H, AcctBal="   "), "ABE000", "AcctBal", "")


@covers("ABE001")
def test_ABE001_wrong_format_or_code() -> None:
    assert_breaks(R1_MONTHLY, edit(R1_MONTHLY, H, AcctBal="12a"), "ABE001", "AcctBal", "12a")
    assert_breaks(R1_MONTHLY, edit(R1_MONTHLY, H, AcctStatus="9"), "ABE001", "AcctStatus", "9")
    # RepayMode 11 is a D1/R4 mode, not an R1 mode (§3.3 item 9, §4.6 item 5).
    assert_breaks(R1_NEW, edit(R1_NEW, C, RepayMode="11"), "ABE001", "RepayMode", "11")
    # BusiDtlLines must be a sub-code of BusiLines; reported with tag 0000 (§3.3 item 2).
    assert_breaks(R1_NEW, edit(R1_NEW, C, BusiDtlLines="81"), "ABE001", "0000")


@covers("ABE002")
def test_ABE002_identifier_prefix_of_another_institution() -> None:
    code = "B10211000H0002R1A0001"
    assert_breaks(R1_NEW, edit(R1_NEW, B, AcctCode=code), "ABE002", "AcctCode", code)
    mcc = "B10211000H0009CRL0001"
    assert_breaks(R1_NEW, edit(R1_NEW, F, Mcc=mcc), "ABE002", "Mcc", mcc)


@covers("ABE003")
def test_ABE003_managing_institution_not_registered() -> None:
    other = "B10211000H0002"
    broken = edit(R1_NEW, B, MngmtOrgCode=other)
    assert_breaks(R1_NEW, broken, "ABE003", "MngmtOrgCode", other)


@covers("ABE004")
def test_ABE004_identity_number_check_character() -> None:
    wrong = "110105199003071238"  # the GB 11643 check character is 9
    assert_breaks(R1_NEW, edit(R1_NEW, B, IDNum=wrong), "ABE004", "IDNum")
    broken = edit_element(D1_GUARANTEED, D, 0, ArlpCertNum="110105198501011235")
    assert_breaks(D1_GUARANTEED, broken, "ABE004", "ArlpCertNum", "110105198501011235")


@covers("ABE007")
def test_ABE007_date_later_than_report_date() -> None:
    broken = edit(R1_MONTHLY, H, LatRpyDate="2024-08-02")
    assert_breaks(R1_MONTHLY, broken, "ABE007", "LatRpyDate", "2024-08-02")


@covers("ABE008")
def test_ABE008_date_out_of_range() -> None:
    broken = edit(R1_MONTHLY, H, LatRpyDate="1900-12-31")
    assert_breaks(R1_MONTHLY, broken, "ABE008", "LatRpyDate", "1900-12-31")


@covers("ABE010")
def test_ABE010_count_differs_from_elements() -> None:
    broken = edit(D1_GUARANTEED, D, RltRepymtNm="2")
    assert_breaks(D1_GUARANTEED, broken, "ABE010", "RltRepymtNm", "2")
    assert_breaks(D1_MORTGAGE, edit(D1_MORTGAGE, E, CcNm="2"), "ABE010", "CcNm", "2")
    broken = edit(D1_SPECIAL_TRADE, K, CagOfTrdNm="2")
    assert_breaks(D1_SPECIAL_TRADE, broken, "ABE010", "CagOfTrdNm", "2")


@covers("ABE011")
def test_ABE011_duplicate_repeated_elements() -> None:
    two = {"RltRepymtNm": "2", "RltRepymtInf": [GUARANTOR, GUARANTOR]}
    assert_breaks(D1_GUARANTEED, with_segment(D1_GUARANTEED, D, two), "ABE011", "RltRepymtNm")
    contracts = {"CcNm": "2", "CccInf": [{"Ccc": "B10211000H0001CC0001"}] * 2}
    assert_breaks(D1_MORTGAGE, with_segment(D1_MORTGAGE, E, contracts), "ABE011", "CcNm")
    trades = {"CagOfTrdNm": "2", "CagOfTrdInf": [TRADE, {**TRADE, "TranAmt": "500"}]}
    broken = with_segment(D1_SPECIAL_TRADE, K, trades)
    assert_breaks(D1_SPECIAL_TRADE, broken, "ABE011", "CagOfTrdNm")


@covers("ABR000")
def test_ABR000_unknown_tag() -> None:
    broken = edit(R1_MONTHLY, B, Remark="x")
    found = assert_breaks(R1_MONTHLY, broken, "ABR000", "0000")
    assert [(c, t) for c, t, _ in found] == [("ABR000", "0000")]


@covers("ABR001")
def test_ABR001_report_date_after_file_date() -> None:
    broken = edit(R1_CLOSED, B, RptDate="2024-10-01")
    assert_breaks(R1_CLOSED, broken, "ABR001", "RptDate", "2024-10-01")


@covers("BLD000")
def test_BLD000_item_presence_by_account_type() -> None:
    # §10.6: LoanAmt is only for D1/R4/C1.
    assert_breaks(R1_NEW, parse(LINES[5]), "BLD000", "LoanAmt", "20000")
    assert_breaks(R1_NEW, edit(R1_NEW, C, AcctCredLine=None), "BLD000", "AcctCredLine", None)
    broken = edit(R2_MONTHLY, H, PridAcctBal=None)
    assert_breaks(R2_MONTHLY, broken, "BLD000", "PridAcctBal", None)


# --- BLE: item logic ---------------------------------------------------------------------


@covers("BLE001")
def test_BLE001_closed_account_without_close_date() -> None:
    assert_breaks(R1_CLOSED, edit(R1_CLOSED, H, CloseDate=""), "BLE001", "CloseDate", "")


@covers("BLE002")
def test_BLE002_ratio_filled_when_nothing_due() -> None:
    broken = edit(R2_NOTHING_DUE, H, RpyPrct="100")
    assert_breaks(R2_NOTHING_DUE, broken, "BLE002", "RpyPrct", "100")


@covers("BLE003")
def test_BLE003_guarantor_without_amount() -> None:
    broken = edit_element(D1_GUARANTEED, D, 0, ArlpAmt="")
    assert_breaks(D1_GUARANTEED, broken, "BLE003", "ArlpAmt", "")


@covers("BLE004")
def test_BLE004_closed_account_still_overdue() -> None:
    assert_breaks(R1_CLOSED, edit(R1_CLOSED, H, OverdPrd="1"), "BLE004", "OverdPrd", "1")
    assert_breaks(R1_CLOSED, edit(R1_CLOSED, H, TotOverd="100"), "BLE004", "TotOverd", "100")


@covers("BLE005")
def test_BLE005_date_before_open_date() -> None:
    broken = edit(D1_MONTHLY, H, FiveCateAdjDate="2023-07-14")
    assert_breaks(D1_MONTHLY, broken, "BLE005", "OpenDate")
    broken = edit_element(D1_SPECIAL_TRADE, K, 0, TranDate="2023-07-14")
    assert_breaks(D1_SPECIAL_TRADE, broken, "BLE005", "OpenDate")


@covers("BLE006")
def test_BLE006_special_line_after_close_date() -> None:
    broken = edit(R2_CLOSED_SPECIAL, I, SpecEfctDate="2024-09-11")
    assert_breaks(R2_CLOSED_SPECIAL, broken, "BLE006", "CloseDate")


@covers("BLE007")
def test_BLE007_special_line_ends_before_it_starts() -> None:
    broken = edit(R2_SPECIAL, I, SpecEndDate="2024-02-01")
    assert_breaks(R2_SPECIAL, broken, "BLE007", "SpecEfctDate", "2024-03-01")


@covers("BLE008")
def test_BLE008_new_account_reported_too_late() -> None:
    # §10.7: OpenDate 35 days before RptDate at code 10.
    broken = edit(R1_NEW, C, OpenDate="2024-05-01", DueDate="2025-04-30")
    assert render(edit(broken, B, AcctCode="B10211000H0001R1A0004")) == LINES[6]
    assert_breaks(R1_NEW, broken, "BLE008", "RptDate")


@covers("BLE009")
def test_BLE009_due_date_before_open_date() -> None:
    assert_breaks(R1_NEW, edit(R1_NEW, C, DueDate="2024-05-31"), "BLE009", "0000")


@covers("BLE010")
def test_BLE010_closure_reported_too_late() -> None:
    day = "2024-08-10"  # more than 29 days before RptDate 2024-09-12
    broken = edit(
        R1_CLOSED,
        H,
        Month="2024-08",
        SettDate=day,
        FiveCateAdjDate=day,
        LatRpyDate=day,
        CloseDate=day,
    )
    assert_breaks(R1_CLOSED, broken, "BLE010", "RptDate")


@covers("BLE011")
def test_BLE011_close_date_before_last_repayment() -> None:
    broken = edit(R1_CLOSED, H, CloseDate="2024-09-09")
    assert_breaks(R1_CLOSED, broken, "BLE011", "CloseDate", "2024-09-09")


@covers("BLE012")
def test_BLE012_settlement_date_outside_month() -> None:
    broken = edit(R1_MONTHLY, H, SettDate="2024-06-25")
    assert_breaks(R1_MONTHLY, broken, "BLE012", "SettDate", "2024-06-25")


@covers("BLE013")
def test_BLE013_bad_debt_without_overdue_amount() -> None:
    broken = edit(D1_MONTHLY, H, AcctStatus="41")
    assert_breaks(D1_MONTHLY, broken, "BLE013", "TotOverd", "0")


@covers("BLE014")
def test_BLE014_card_not_activated() -> None:
    broken = edit(R2_MONTHLY, H, AcctStatus="6")
    assert_breaks(R2_MONTHLY, broken, "BLE014", "AcctBal", "3000")
    assert_breaks(R2_MONTHLY, broken, "BLE014", "RpyStatus", "N")


@covers("BLE015")
def test_BLE015_nothing_due_but_amounts() -> None:
    assert_breaks(R1_NEW, edit(R1_NEW, H, CurRpyAmt="100"), "BLE015", "CurRpyAmt", "100")
    broken = edit(R2_NOTHING_DUE, H, PridAcctBal="100")
    assert_breaks(R2_NOTHING_DUE, broken, "BLE015", "PridAcctBal", "100")


@covers("BLE016")
def test_BLE016_recovery_closes_the_account() -> None:
    broken = edit(D1_RECOVERY, J, AcctStatus="3")
    assert_breaks(D1_RECOVERY, broken, "BLE016", "0000")


@covers("BLE017")
def test_BLE017_paid_as_due_but_overdue_periods() -> None:
    assert_breaks(D1_MONTHLY, edit(D1_MONTHLY, H, OverdPrd="1"), "BLE017", "OverdPrd", "1")


@covers("BLE018")
def test_BLE018_recovery_paid_as_due_but_overdue_amount() -> None:
    broken = edit(D1_RECOVERY, J, TotOverd="500")
    assert_breaks(D1_RECOVERY, broken, "BLE018", "TotOverd", "500")


@covers("BLE019")
def test_BLE019_overdue_status_without_overdue_amount() -> None:
    # §10.8
    broken = edit(R1_MONTHLY, H, TotOverd="0", OverdPrinc="0")
    assert render(broken) == LINES[7]
    assert_breaks(R1_MONTHLY, broken, "BLE019", "TotOverd", "0")


@covers("BLE020")
def test_BLE020_overdue_principal_above_total() -> None:
    assert_breaks(R1_MONTHLY, edit(R1_MONTHLY, H, OverdPrinc="600"), "BLE020", "0000")


@covers("BLE022")
def test_BLE022_old_overdraft_above_balance() -> None:
    broken = edit(R3_MONTHLY, H, OvedrawBaOve180="2000")
    assert_breaks(R3_MONTHLY, broken, "BLE022", "OvedrawBaOve180", "2000")


@covers("BLE023")
def test_BLE023_semi_credit_card_nothing_due_with_balance() -> None:
    broken = edit(R3_MONTHLY, H, RpyStatus="*")
    assert_breaks(R3_MONTHLY, broken, "BLE023", "AcctBal", "1000")


@covers("BLE025")
def test_BLE025_semi_credit_card_overdue_without_balance() -> None:
    assert_breaks(R3_MONTHLY, edit(R3_MONTHLY, H, AcctBal="0"), "BLE025", "AcctBal", "0")


@covers("BLE026")
def test_BLE026_closed_account_with_balance() -> None:
    assert_breaks(R1_CLOSED, edit(R1_CLOSED, H, AcctBal="100"), "BLE026", "AcctBal", "100")


@covers("BLE027")
def test_BLE027_ended_collection_with_balance() -> None:
    assert_breaks(C1_ENDED, edit(C1_ENDED, J, AcctBal="100"), "BLE027", "AcctBal", "100")


@covers("BLE028")
def test_BLE028_aggregated_mode_not_monthly() -> None:
    aggregated = edit(R4_NEW, C, RepayMode="90")
    broken = edit(aggregated, C, RepayFreqcy="04")
    assert_breaks(aggregated, broken, "BLE028", "RepayFreqcy", "04")


@covers("BLE030")
def test_BLE030_closed_account_paid_as_due() -> None:
    # §10.9
    broken = edit(R1_CLOSED, H, RpyStatus="N")
    assert render(broken) == LINES[8]
    assert_breaks(R1_CLOSED, broken, "BLE030", "RpyStatus", "N")


@covers("BLE031")
def test_BLE031_card_id_not_four_digits() -> None:
    assert_breaks(R2_MONTHLY, edit(R2_MONTHLY, C, CreditID="12AB"), "BLE031", "CreditID", "12AB")
    assert errors(edit(R2_MONTHLY, C, CreditID="NULL")) == []
    assert errors(edit(R2_MONTHLY, C, CreditID="MULT")) == []


@covers("BLE034")
def test_BLE034_recovery_status_not_n() -> None:
    assert_breaks(D1_RECOVERY, edit(D1_RECOVERY, J, RpyStatus="M"), "BLE034", "RpyStatus", "M")


@covers("BLE035")
def test_BLE035_business_line_does_not_fit_account_type() -> None:
    assert_breaks(R2_MONTHLY, edit(R2_MONTHLY, C, BusiLines="1"), "BLE035", "BusiLines", "1")
    broken = edit(C1_NEW, C, BusiLines="1")
    assert_breaks(C1_NEW, broken, "BLE035", "BusiLines", "1")


@covers("BLE037")
def test_BLE037_closing_report_of_an_open_account() -> None:
    assert_breaks(R1_CLOSED, edit(R1_CLOSED, H, AcctStatus="1"), "BLE037", "AcctStatus", "1")
    assert_breaks(R1_AT_32, edit(R1_AT_32, H, AcctStatus="1"), "BLE037", "AcctStatus", "1")


@covers("BLE038")
def test_BLE038_bullet_loan_with_periods() -> None:
    # §10.10
    broken = edit(D1_NEW, C, RepayMode="21", RepayFreqcy="07")
    assert render(edit(broken, H, RemRepPrd="1")) == LINES[9]
    assert_breaks(D1_NEW, broken, "BLE038", "RepayPrd", "12")
    assert_breaks(D1_MONTHLY, edit(D1_MONTHLY, C, RepayMode="21"), "BLE038", "RepayPrd", "24")


@covers("BLE039")
def test_BLE039_month_far_from_report_date() -> None:
    assert_breaks(R1_MONTHLY, edit(R1_MONTHLY, B, RptDate="2024-09-15"), "BLE039", "RptDate")


@covers("BLE040")
def test_BLE040_recovery_not_on_report_date() -> None:
    broken = edit(D1_RECOVERY, J, LatRpyDate="2024-08-19")
    assert_breaks(D1_RECOVERY, broken, "BLE040", "LatRpyDate", "2024-08-19")


@covers("BLE041")
def test_BLE041_co_obligor_is_the_borrower() -> None:
    borrower = D1_GUARANTEED[B]["IDNum"]
    broken = edit_element(D1_GUARANTEED, D, 0, ArlpCertNum=borrower)
    assert_breaks(D1_GUARANTEED, broken, "BLE041", "0000")


@covers("BLE042")
def test_BLE042_non_monthly_close_date_before_last_repayment() -> None:
    broken = edit(C1_ENDED, J, CloseDate="2024-09-09")
    assert_breaks(C1_ENDED, broken, "BLE042", "CloseDate", "2024-09-09")


@covers("BLE043")
def test_BLE043_ended_collection_without_close_date() -> None:
    assert_breaks(C1_ENDED, edit(C1_ENDED, J, CloseDate=""), "BLE043", "CloseDate", "")


@covers("BLE046")
def test_BLE046_no_special_transactions() -> None:
    broken = edit(D1_SPECIAL_TRADE, K, CagOfTrdNm="0")
    assert_breaks(D1_SPECIAL_TRADE, broken, "BLE046", "CagOfTrdNm", "0")


@covers("BLE048")
def test_BLE048_guarantor_items_blank() -> None:
    broken = edit_element(D1_GUARANTEED, D, 0, WartySign="")
    assert_breaks(D1_GUARANTEED, broken, "BLE048", "WartySign", "")
    broken = edit_element(D1_GUARANTEED, D, 0, MaxGuarMcc="")
    assert_breaks(D1_GUARANTEED, broken, "BLE048", "MaxGuarMcc", "")


@covers("BLE050")
def test_BLE050_housing_loan_items() -> None:
    broken = edit(D1_MORTGAGE, C, FirstHouLoanFlag=None)
    assert_breaks(D1_MORTGAGE, broken, "BLE050", "FirstHouLoanFlag", None)
    code = "B10211000H0001HT0002"
    broken = edit(D1_MONTHLY, C, LoanConCode=code)
    assert_breaks(D1_MONTHLY, broken, "BLE050", "LoanConCode", code)


# --- BLR: segment presence ---------------------------------------------------------------


@covers("BLR000")
def test_BLR000_segment_required_for_a_new_account() -> None:
    # §10.5
    assert_breaks(R1_NEW, without(R1_NEW, F), "BLR000", F)
    assert_breaks(C1_NEW, without(C1_NEW, G), "BLR000", G)
    assert_breaks(C1_NEW, without(C1_NEW, J), "BLR000", J)


@covers("BLR001")
def test_BLR001_segment_forbidden_for_a_new_account() -> None:
    credit = {"Mcc": "B10211000H0001CRL0001"}
    assert_breaks(D1_NEW, with_segment(D1_NEW, F, credit), "BLR001", F)  # Flag 0
    assert_breaks(C1_NEW, with_segment(C1_NEW, F, credit), "BLR001", F)
    broken = with_segment(R1_NEW, K, D1_SPECIAL_TRADE[K])
    assert_breaks(R1_NEW, broken, "BLR001", K)


@covers("BLR002")
def test_BLR002_first_report_of_an_existing_account() -> None:
    assert_breaks(R1_AT_31, without(R1_AT_31, C), "BLR002", C)
    assert_breaks(R1_AT_31, without(R1_AT_31, F), "BLR002", F)
    # A collection account cannot be reported at code 31 (reported on AcctType).
    broken = edit(C1_NEW, B, RptDateCode="31")
    assert_breaks(C1_NEW, broken, "BLR002", "AcctType", "C1")


@covers("BLR003")
def test_BLR003_segment_forbidden_at_code_31() -> None:
    broken = with_segment(R1_AT_31, G, C1_NEW[G])
    assert_breaks(R1_AT_31, broken, "BLR003", G)


@covers("BLR006")
def test_BLR006_monthly_settlement() -> None:
    assert_breaks(R1_MONTHLY, without(R1_MONTHLY, H), "BLR006", H)
    broken = edit(C1_NEW, B, RptDateCode="30")
    assert_breaks(C1_NEW, broken, "BLR006", "AcctType", "C1")


@covers("BLR007")
def test_BLR007_segment_forbidden_at_code_30() -> None:
    credit = {"Mcc": "B10211000H0001CRL0001"}
    assert_breaks(D1_MONTHLY, with_segment(D1_MONTHLY, F, credit), "BLR007", F)  # Flag 0
    broken = with_segment(R1_MONTHLY, J, D1_RECOVERY[J])
    assert_breaks(R1_MONTHLY, broken, "BLR007", J)


@covers("BLR008")
def test_BLR008_recovery() -> None:
    assert_breaks(D1_RECOVERY, without(D1_RECOVERY, J), "BLR008", J)
    broken = edit(D1_RECOVERY, B, AcctType="R3")
    assert_breaks(D1_RECOVERY, broken, "BLR008", "AcctType", "R3")


@covers("BLR009")
def test_BLR009_segment_forbidden_in_a_recovery() -> None:
    broken = with_segment(D1_RECOVERY, H, D1_MONTHLY[H])
    assert_breaks(D1_RECOVERY, broken, "BLR009", H)
    broken = with_segment(D1_RECOVERY, C, D1_MONTHLY[C])
    assert_breaks(D1_RECOVERY, broken, "BLR009", C)


@covers("BLR010")
def test_BLR010_segment_required_at_closure() -> None:
    assert_breaks(R1_CLOSED, without(R1_CLOSED, H), "BLR010", H)
    assert_breaks(C1_ENDED, without(C1_ENDED, J), "BLR010", J)


@covers("BLR011")
def test_BLR011_segment_forbidden_at_closure() -> None:
    assert_breaks(R1_CLOSED, with_segment(R1_CLOSED, G, C1_NEW[G]), "BLR011", G)
    assert_breaks(C1_ENDED, with_segment(C1_ENDED, H, R1_CLOSED[H]), "BLR011", H)


@covers("BLR012")
def test_BLR012_closure_at_month_end() -> None:
    assert_breaks(R1_AT_32, without(R1_AT_32, H), "BLR012", H)
    broken = edit(C1_ENDED, B, RptDateCode="32")
    assert_breaks(C1_ENDED, broken, "BLR012", "AcctType", "C1")


@covers("BLR013")
def test_BLR013_segment_forbidden_at_code_32() -> None:
    assert_breaks(R1_AT_32, with_segment(R1_AT_32, G, C1_NEW[G]), "BLR013", G)


@covers("BLR014")
def test_BLR014_guaranteed_account_without_guarantors() -> None:
    assert_breaks(D1_GUARANTEED, without(D1_GUARANTEED, D), "BLR014", D)


@covers("BLR015")
def test_BLR015_other_guarantee_code_2() -> None:
    # Code 2 is not an OthRepyGuarWay code: ABE001 and BLR015 together (§3.4).
    broken = edit(D1_NEW, C, OthRepyGuarWay="2")
    assert_breaks(D1_NEW, broken, "BLR015", D)
    assert_breaks(D1_NEW, broken, "ABE001", "OthRepyGuarWay", "2")


@covers("BLR029")
def test_BLR029_base_segment_missing() -> None:
    assert_breaks(R1_MONTHLY, without(R1_MONTHLY, B), "BLR029", B)


# --- the model around the rules ----------------------------------------------------------


def test_the_cap_of_five_errors_keeps_the_first_five_in_evaluation_order() -> None:
    broken = edit(R1_NEW, B, Name="", IDType="", MngmtOrgCode="B10211000H0002")
    broken = edit(broken, C, Cy="XXX", GuarMode="8")
    broken = edit(broken, H, AcctBal="x", FiveCate="0")
    assert_valid(R1_NEW)
    every = errors(broken)
    assert len(every) > 5
    capped = [(e.code, e.tag, e.value) for e in check_line(render(broken), "210", CONTEXT)]
    assert capped == every[:5]
    assert [(c, t) for c, t, _ in capped] == [
        ("ABE000", "Name"),
        ("ABE000", "IDType"),
        ("ABE003", "MngmtOrgCode"),
        ("ABE001", "Cy"),
        ("ABE001", "GuarMode"),
    ]


_R1_LINE = LINES[1]


@pytest.mark.parametrize(
    "line",
    [
        _R1_LINE.replace("<Name>张三</Name>", "<Name>张三</Name><Nickname>三</Nickname>"),
        _R1_LINE.replace("</InAcctInf>", "<OtherSgmt><X>1</X></OtherSgmt></InAcctInf>"),
        _R1_LINE.replace("</AcctBal>", "</AcctBalance>"),
        _R1_LINE.replace("<CloseDate></CloseDate>", "<CloseDate>"),
        _R1_LINE.replace("InAcctInf", "InBasInf"),
        " " + _R1_LINE,
        _R1_LINE + " ",
        _R1_LINE.replace("</AcctBsSgmt>", "</AcctBsSgmt><AcctBsSgmt></AcctBsSgmt>"),
        _R1_LINE.replace("</Name>", "</Name><Name>李</Name>"),
        "",
    ],
    ids=[
        "unknown-item",
        "unknown-segment",
        "mismatched-tag",
        "unclosed-tag",
        "wrong-root",
        "leading-space",
        "trailing-space",
        "duplicated-segment",
        "duplicated-item",
        "empty",
    ],
)
def test_an_unreadable_line_gives_exactly_one_ABR000_with_tag_0000(line: str) -> None:
    assert errors(_R1_LINE) == []
    assert [(c, t) for c, t, _ in errors(line)] == [("ABR000", "0000")]


def test_record_type_211_in_a_210_file_is_ABR000() -> None:
    line = _R1_LINE.replace("<InfRecType>210</InfRecType>", "<InfRecType>211</InfRecType>")
    assert [(c, t) for c, t, _ in errors(line)] == [("ABR000", "0000")]


@pytest.mark.parametrize("name", ["R1_NEW", "D1_MONTHLY", "C1_NEW", "R2_MONTHLY", "D1_RECOVERY"])
def test_an_invalid_account_type_gives_only_ABE001_on_AcctType(name: str) -> None:
    """§1.4 consequence 2: every account-type-dependent presence check is skipped."""
    base = BASES[name]
    assert errors(base) == []
    assert errors(edit(base, B, AcctType="ZZ")) == [("ABE001", "AcctType", "ZZ")]


@pytest.mark.parametrize(
    ("base", "segment", "tag", "code", "changes"),
    [
        ("R1_CLOSED", H, "OverdPrd", "BLE004", {}),
        ("R2_NOTHING_DUE", H, "OverdPrd", "BLE014", {"AcctStatus": "6"}),
        ("R1_NEW", H, "CurRpyAmt", "BLE015", {}),
        ("D1_MONTHLY", H, "OverdPrd", "BLE017", {}),
        ("D1_RECOVERY", J, "TotOverd", "BLE018", {}),
        ("R1_CLOSED", H, "AcctBal", "BLE026", {}),
        ("C1_ENDED", J, "AcctBal", "BLE027", {}),
        ("D1_NEW", C, "RepayPrd", "BLE038", {"RepayMode": "21", "RepayFreqcy": "07"}),
    ],
)
def test_zero_checks_compare_text_so_00_fails(
    base: str, segment: str, tag: str, code: str, changes: dict[str, str]
) -> None:
    """§4.6 item 1: the zero checks compare the text with ``0``."""
    valid = edit(BASES[base], segment, **{**changes, tag: "0"})
    assert errors(valid) == []
    found = errors(edit(valid, segment, **{tag: "00"}))
    assert (code, tag, "00") in found


def test_full_width_digits_are_read_as_half_width() -> None:
    """§1.1: full-width characters become half-width, then values are trimmed."""
    wide = edit(
        R1_MONTHLY, H, AcctBal="５０００", TotOverd="　５２０　", SettDate="２０２４－０７－２５"
    )
    assert errors(wide) == []
    assert errors(edit(R1_CLOSED, H, AcctBal="０", OverdPrd="０")) == []
    broken = edit(R1_MONTHLY, H, TotOverd="０", OverdPrinc="０")
    assert ("BLE019", "TotOverd", "0") in errors(broken)
    assert ("BLE026", "AcctBal", "100") in errors(edit(R1_CLOSED, H, AcctBal="１００"))


def test_every_code_of_the_book_and_of_section_8_4_has_its_test() -> None:
    assert len(SECTION_8_4) == 68
    assert set(COVERED) == BOOK.codes() | SECTION_8_4
    tests = {name for name in globals() if name.startswith("test_")}
    assert set(COVERED.values()) <= tests


# --- guards found in review: what must NOT be reported, and what must ------------------


def test_a_table_that_depends_on_an_invalid_account_type_is_not_checked() -> None:
    line = edit(edit(R1_MONTHLY, B, AcctType="ZZ"), H, AcctStatus="99", RpyStatus="Q")
    assert errors(line) == [("ABE001", "AcctType", "ZZ")]


def test_a_collection_accounts_monthly_status_is_not_checked_against_a_table() -> None:
    record = edit(C1_NEW, B, RptDateCode="90")
    monthly = {**R1_MONTHLY[H], "AcctStatus": "99"}
    for tag in ("RemRepPrd", "OverdPrd", "TotOverd", "OverdPrinc", "CurRpyAmt", "ActRpyAmt"):
        monthly.pop(tag, None)
    for tag in ("Oved31_60Princ", "Oved61_90Princ", "Oved91_180Princ", "OvedPrinc180"):
        monthly.pop(tag, None)
    found = errors(with_segment(record, H, monthly))
    assert not [f for f in found if f[1] == "AcctStatus"], found


def test_mortgage_items_with_a_blank_business_detail_are_unexpected() -> None:
    broken = edit(D1_MORTGAGE, C, BusiDtlLines="")
    found = errors(broken)
    assert ("BLE050", "LoanConCode") in [(c, t) for c, t, _ in found]
    assert ("BLE050", "FirstHouLoanFlag") in [(c, t) for c, t, _ in found]


def test_special_transactions_need_at_least_one_element_whatever_the_count() -> None:
    segment = {"CagOfTrdNm": "0"}
    found = errors(with_segment(D1_MONTHLY, K, segment))
    assert [(c, t) for c, t, _ in found] == [("BLE046", "CagOfTrdNm"), ("ABD000", "CagOfTrdInf")]
    one = errors(edit(D1_SPECIAL_TRADE, K, CagOfTrdNm="0"))
    assert [(c, t) for c, t, _ in one] == [("BLE046", "CagOfTrdNm"), ("ABE010", "CagOfTrdNm")]


def test_a_persons_id_number_over_20_units_is_a_format_error_not_an_id_error() -> None:
    broken = edit_element(D1_GUARANTEED, D, 0, ArlpCertType="1", ArlpCertNum="A" * 25)
    assert errors(broken) == [("ABE001", "ArlpCertNum", "A" * 25)]
    astral = edit_element(D1_GUARANTEED, D, 0, ArlpName="\U00020000" * 16)
    assert [(c, t) for c, t, _ in errors(astral)] == [("ABE001", "ArlpName")]


def test_a_bad_id_type_of_a_person_is_reported_once() -> None:
    broken = edit_element(D1_GUARANTEED, D, 0, ArlpCertType="ZZ")
    assert [(c, t) for c, t, _ in errors(broken)] == [("ABE001", "ArlpCertType")]


def test_an_iso_week_date_is_not_a_date_for_the_comparisons() -> None:
    broken = edit_element(D1_SPECIAL_TRADE, K, 0, TranDate="2099-W01-1")
    assert errors(broken) == [("ABE001", "TranDate", "2099-W01-1")]
