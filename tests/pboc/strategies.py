"""Hypothesis strategies that build valid record-210 accounts (``pboc-records.md`` §3, §4).

:func:`account_records` draws an :class:`~zhengxin.pboc.record210.AccountRecord` that the
validator accepts without a single error, for every meaningful pair of account type and
report-timing code (:data:`VALID_COMBINATIONS`). Records are valid by construction, never by
filtering:

* one timeline per account, ``OpenDate <= every other date <= RptDate <= FILE_DATE``, with the
  closing date (when there is one) as the upper bound of the dates it must follow (BLE011,
  BLE042) and of those that must precede it (BLE006);
* segments present or absent as §4.1 requires for the pair, decided on the account's basic
  information even when that segment itself is not sent (Flag, BusiDtlLines, GuarMode);
* items present or absent as §4.2 requires for the account type;
* statuses first, then the amounts they demand (§4.3): zeros for a closed account, for ``*``
  and for ``N``/``M``, positive overdue amounts for ``1``-``7`` and for bad debt, overdue
  principal and its buckets within the overdue total.

Records are checked against :data:`CONTEXT`, a file of institution :data:`INSTITUTION` dated
:data:`FILE_DATE`.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from zhengxin.codes import (
    ACCOUNT_STATUSES,
    REPAYMENT_MODES,
    REPAYMENT_STATUSES,
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
from zhengxin.kernel.identity import ResidentId
from zhengxin.pboc.idcheck import credit_code_check, make_uscc, org_code_check_char
from zhengxin.pboc.record210 import AccountRecord
from zhengxin.pboc.rules import FileContext
from zhengxin.pboc.segments import (
    FIRST_HOME_LOAN_FLAGS,
    SPLIT_DRAWDOWN_FLAGS,
    BaseSegment,
    BasicInfoSegment,
    CreditLineSegment,
    MonthlySegment,
    NonMonthlySegment,
)
from zhengxin.pboc.segments_more import (
    JOINT_GUARANTEE_FLAGS,
    ORIGINAL_DEBT_TYPES,
    SPECIAL_TRANSACTION_TYPES,
    TRANSFER_REPAYMENT_STATUSES,
    CollateralSegment,
    OriginalCreditorSegment,
    RelatedPartiesSegment,
    RelatedParty,
    SpecialInstalmentSegment,
    SpecialTransaction,
    SpecialTransactionsSegment,
    collateral,
    related_parties,
    special_transactions,
)

INSTITUTION = "B10211000H0001"
"""The submitting institution: every identifier's prefix (ABE002) and MngmtOrgCode (ABE003)."""
FILE_DATE = date(2035, 12, 31)
"""The file's creation date: no RptDate is later (ABR001)."""
CONTEXT = FileContext("210", FILE_DATE, INSTITUTION)
"""What the validator takes from the file the records would travel in (§2.4)."""

FIRST_REPORT = date(2000, 1, 1)
FIRST_OPENING = date(1995, 1, 1)
LAST_DATE = date(2099, 12, 31)

LOANS = ("D1", "R1", "R2", "R3", "R4")
_FORBIDDEN_PAIRS = {("C1", "30"), ("C1", "31"), ("C1", "32"), ("R3", "40")}
VALID_COMBINATIONS: tuple[tuple[AccountType, ReportTimingCode], ...] = tuple(
    (kind, timing)
    for kind in AccountType
    for timing in ReportTimingCode
    if (kind.value, timing.value) not in _FORBIDDEN_PAIRS
)
"""Every (account type, report-timing code) pair the interface allows (§4.1: BLR002, BLR006,
BLR008 and BLR012 refuse the other four)."""

_OVERDUE = frozenset("1234567")
_NON_INSTALMENT = frozenset({"21", "22", "23", "29"})
_PERIOD_TYPES = ("D1", "R1", "R2", "R4")
_PRINCIPAL_TYPES = ("D1", "R1", "R4")
_BAD_DEBT = frozenset({"41", "42", "51", "52"})
_BORROWER_AREAS = ("110105", "310115", "440305", "510107")
_PARTY_AREAS = ("320102", "330106", "420102", "610113")
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

REQ, OPT, NO = "req", "opt", "no"

# --- small values ------------------------------------------------------------------------

amounts = st.one_of(
    st.integers(min_value=0, max_value=100_000),
    st.integers(min_value=0, max_value=10**15 - 1),
)
positive_amounts = st.integers(min_value=1, max_value=10**12)
periods = st.integers(min_value=0, max_value=999)
_name_chars = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    st.sampled_from("ABCxyz ·-'&<>\""),
)


def text_of(max_size: int) -> st.SearchStrategy[str]:
    """Non-blank text that preprocessing leaves as it is (no full-width, no outer spaces)."""
    return (
        st.text(alphabet=_name_chars, min_size=1, max_size=max_size)
        .map(lambda s: s.strip(" "))
        .filter(bool)
    )


def code_suffix(max_size: int = 46) -> st.SearchStrategy[str]:
    """The part of an identifier after the institution prefix: printable ASCII, no space."""
    alphabet = st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz-_&<>'\"")
    return st.text(alphabet=alphabet, min_size=1, max_size=max_size)


def identifier() -> st.SearchStrategy[str]:
    """An AN..60 identifier of the submitting institution (passes ABE002)."""
    return code_suffix().map(lambda s: INSTITUTION + s)


def dates_between(low: date, high: date) -> st.SearchStrategy[date]:
    """A date in ``[low, high]`` (both inclusive; ``low <= high``)."""
    return st.dates(min_value=low, max_value=high)


def _month_shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return _month_shift(first, 1) - timedelta(days=1)


# --- identities ---------------------------------------------------------------------------


@st.composite
def resident_ids(draw: st.DrawFn, areas: tuple[str, ...] = _BORROWER_AREAS) -> str:
    """A resident ID number (type 10) that passes GB 11643."""
    birth = draw(dates_between(date(1940, 1, 1), date(2005, 12, 31)))
    return ResidentId.make(draw(st.sampled_from(areas)), birth, draw(periods)).number


@st.composite
def borrower_ids(draw: st.DrawFn) -> tuple[IdType, str]:
    """IDType and IDNum of a borrower, well formed for the type (ABE004); mostly resident IDs."""
    kind = draw(
        st.sampled_from(["10"] * 6 + ["1", "2", "5", "6", "8", "9", "20", "A", "B", "C", "X"])
    )
    if kind == "10":
        number = draw(resident_ids())
    elif kind == "2":
        number = "CHN" + draw(st.from_regex(r"[0-9]{1,9}", fullmatch=True))
    elif kind == "5":
        number = "H" + draw(st.from_regex(r"[0-9]{8}|[0-9]{10}", fullmatch=True))
    elif kind == "6":
        number = draw(st.from_regex(r"[0-9]{10}(\([A-Z]\))?", fullmatch=True))
    else:
        number = draw(st.from_regex(r"[0-9]{6,18}", fullmatch=True))
    return IdType(kind), number


@st.composite
def _person_party_id(draw: st.DrawFn) -> tuple[str, str]:
    """A natural person's ID that can never be the borrower's (other areas, prefixes, lengths)."""
    kind = draw(st.sampled_from(["10", "10", "2", "5", "6", "X"]))
    if kind == "10":
        number = draw(resident_ids(_PARTY_AREAS))
    elif kind == "2":
        number = draw(st.sampled_from(["USA", "GBR", "FRA"])) + draw(
            st.from_regex(r"[0-9]{1,9}", fullmatch=True)
        )
    elif kind == "5":
        number = "M" + draw(st.from_regex(r"[0-9]{8}|[0-9]{10}", fullmatch=True))
    elif kind == "6":
        number = draw(st.from_regex(r"[0-9]{11,12}", fullmatch=True))
    else:
        number = "P" + draw(st.from_regex(r"[0-9]{8}", fullmatch=True))
    return kind, number


@st.composite
def organisation_ids(draw: st.DrawFn) -> tuple[str, str]:
    """An organisation's ID of type 10 (中征码), 20 (USCC) or 30 (organisation code)."""
    kind = draw(st.sampled_from(["10", "20", "30"]))
    if kind == "30":
        first8 = draw(st.from_regex(r"[0-9A-Z]{8}", fullmatch=True))
        return kind, first8 + org_code_check_char(first8)
    if kind == "20":
        return kind, draw(usccs())
    first14 = draw(st.from_regex(r"[0-9A-Z]{14}", fullmatch=True))
    return kind, first14 + credit_code_check(first14)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    """A unified social credit code that passes GB 32100."""
    org8 = draw(st.text(alphabet=st.sampled_from(_USCC_CHARS), min_size=8, max_size=8))
    area = draw(st.sampled_from(_PARTY_AREAS))
    return make_uscc("91" + area + org8 + org_code_check_char(org8))


# --- segments -----------------------------------------------------------------------------


def _business_lines(kind: str) -> st.SearchStrategy[tuple[str, str]]:
    if kind == "R2":
        return st.sampled_from([("2", "81"), ("2", "82")])
    if kind == "R3":
        return st.just(("2", "71"))
    if kind == "C1":
        return st.sampled_from([("5", "A1"), ("6", "B1")])
    others = [
        (line, detail.value)
        for detail in BusinessDetail
        for line in ("1", "3", "4")
        if detail.parent.value == line
    ]
    return st.one_of(st.just(("1", "11")), st.sampled_from(others))


@st.composite
def basic_info(draw: st.DrawFn, kind: str, opened: date) -> BasicInfoSegment:
    """AcctBsInfSgmt for the account type, items per §4.2 and BLE009/028/031/035/038/050."""
    line, detail = draw(_business_lines(kind))
    fields: dict[str, object] = {
        "busi_lines": BusinessLine(line),
        "busi_dtl_lines": BusinessDetail(detail),
        "open_date": opened,
        "cy": draw(st.sampled_from([Currency("CNY"), *Currency])),
    }
    if detail == "11":
        fields["loan_con_code"] = draw(text_of(200))
        fields["first_hou_loan_flag"] = draw(st.sampled_from(FIRST_HOME_LOAN_FLAGS))
    if kind in ("R1", "R2", "R3"):
        fields["acct_cred_line"] = draw(amounts)
    else:
        fields["loan_amt"] = draw(amounts)
    if kind == "C1":
        return BasicInfoSegment(**fields)  # type: ignore[arg-type]
    if kind == "D1":
        fields["flag"] = draw(st.sampled_from(SPLIT_DRAWDOWN_FLAGS))
    fields["due_date"] = draw(dates_between(opened, LAST_DATE))
    if kind in ("D1", "R1", "R4"):
        mode = draw(st.sampled_from(sorted(REPAYMENT_MODES[kind])))
        fields["repay_mode"] = RepaymentMode(mode)
        fields["repay_freqcy"] = (
            RepaymentFrequency.MONTHLY
            if mode == "90"
            else draw(st.sampled_from(list(RepaymentFrequency)))
        )
        if kind != "R1":
            fields["repay_prd"] = 0 if mode in _NON_INSTALMENT else draw(periods)
    fields["apply_busi_dist"] = draw(
        st.one_of(st.just(""), st.from_regex(r"[1-8][0-9]{5}", fullmatch=True))
    )
    fields["guar_mode"] = draw(st.sampled_from(list(GuaranteeMode)))
    fields["oth_repy_guar_way"] = draw(st.sampled_from(list(OtherRepayGuarantee)))
    fields["asset_trand_flag"] = draw(st.sampled_from(list(AssetTransferFlag)))
    fields["fund_sou"] = draw(st.sampled_from(list(FundSource)))
    fields["loan_form"] = draw(st.sampled_from(list(LoanForm)))
    if kind in ("R2", "R3"):
        fields["credit_id"] = draw(
            st.one_of(st.sampled_from(["NULL", "MULT"]), st.from_regex(r"[0-9]{4}", fullmatch=True))
        )
    return BasicInfoSegment(**fields)  # type: ignore[arg-type]


@st.composite
def related_party(draw: st.DrawFn) -> RelatedParty:
    """One co-borrower, guarantor or other party (BLE003, BLE048, ABE004, ABE002)."""
    person = draw(st.booleans())
    if person:
        cert_type, cert_num = draw(_person_party_id())
        name = draw(text_of(30))
    else:
        cert_type, cert_num = draw(organisation_ids())
        name = draw(text_of(80))
    arlp_type = draw(st.sampled_from(["1", "2", "9"]))
    if arlp_type == "2":
        amount: int | None = draw(amounts)
        warty: str | None = draw(st.sampled_from(JOINT_GUARANTEE_FLAGS))
        contract: str | None = draw(identifier())
    else:
        amount = draw(st.none() | amounts)
        warty = draw(st.none() | st.just("") | st.sampled_from(JOINT_GUARANTEE_FLAGS))
        contract = draw(st.none() | st.just("") | identifier())
    return RelatedParty(
        info_id_type="1" if person else "2",
        arlp_name=name,
        arlp_cert_type=cert_type,
        arlp_cert_num=cert_num,
        arlp_type=arlp_type,
        arlp_amt=amount,
        warty_sign=warty,
        max_guar_mcc=contract,
    )


def related_parties_segments() -> st.SearchStrategy[RelatedPartiesSegment]:
    """RltRepymtInfSgmt with 0-3 distinct parties and the matching count (ABE010, ABE011)."""
    return st.lists(
        related_party(),
        max_size=3,
        unique_by=lambda p: (p.info_id_type, p.arlp_cert_type, p.arlp_cert_num),
    ).map(related_parties)


def collateral_segments() -> st.SearchStrategy[CollateralSegment]:
    """MotgaCltalCtrctInfSgmt with 0-3 distinct contracts of the institution."""
    return st.lists(identifier(), max_size=3, unique=True).map(collateral)


@st.composite
def original_creditors(draw: st.DrawFn) -> OriginalCreditorSegment:
    """OrigCreditorInfSgmt of a collection account (C1)."""
    return OriginalCreditorSegment(
        init_cred_name=draw(text_of(80)),
        init_cred_org_nm=draw(st.just("") | usccs()),
        orig_dbt_cate=draw(st.sampled_from(ORIGINAL_DEBT_TYPES)),
        init_rpy_sts=draw(st.sampled_from(TRANSFER_REPAYMENT_STATUSES)),
    )


@st.composite
def special_instalments(draw: st.DrawFn, opened: date, last: date) -> SpecialInstalmentSegment:
    """SpecPrdSgmt: the line starts between opening and ``last`` (BLE005/006/007, ABE007)."""
    start = draw(dates_between(opened, last))
    return SpecialInstalmentSegment(
        spec_line=draw(amounts),
        spec_efct_date=start,
        spec_end_date=draw(dates_between(start, min(LAST_DATE, start + timedelta(days=3660)))),
        used_inst_amt=draw(amounts),
    )


@st.composite
def special_transactions_segments(
    draw: st.DrawFn, opened: date, last: date
) -> SpecialTransactionsSegment:
    """AcctSpecTrstDspnSgmt: 1-3 transactions distinct by type and date, dated in
    ``[opened, last]`` (BLE046, ABE010, ABE011, ABE007, BLE005, BLE006)."""
    transaction = st.builds(
        SpecialTransaction,
        chan_tran_type=st.sampled_from(SPECIAL_TRANSACTION_TYPES),
        tran_date=dates_between(opened, last),
        tran_amt=amounts,
        due_tran_mon=periods,
        det_info=st.just("") | text_of(200),
    )
    found = draw(
        st.lists(
            transaction, min_size=1, max_size=3, unique_by=lambda t: (t.chan_tran_type, t.tran_date)
        )
    )
    return special_transactions(found)


def _closed_code(kind: str) -> str:
    return "4" if kind in ("R2", "R3") else "3"


@st.composite
def monthly_segments(
    draw: st.DrawFn, kind: str, timing: str, opened: date, reported: date
) -> MonthlySegment:
    """AcctMthlyBlgInfSgmt of a loan or card (not C1), consistent with its status (§3.8)."""
    closed_code = _closed_code(kind)
    if timing in ("20", "32"):
        status = closed_code  # BLE037
    else:
        status = draw(st.sampled_from(sorted(ACCOUNT_STATUSES[kind])))
    closed = status == closed_code
    dormant = kind in ("R2", "R3") and status == "6"
    bad_debt = status in _BAD_DEBT
    has_overdue = kind in _PERIOD_TYPES
    if closed:
        repayment = draw(st.sampled_from(["C", "G"]))  # BLE030
    elif dormant:
        repayment = "*"  # BLE014
    else:
        choices = sorted(REPAYMENT_STATUSES[kind])
        if bad_debt and has_overdue:  # BLE013 wants TotOverd > 0: not *, N or M
            choices = [c for c in choices if c not in ("*", "N", "M")]
        repayment = draw(st.sampled_from(choices))
    overdue = repayment in _OVERDUE
    nothing_due = repayment == "*"

    if closed or dormant or (kind == "R3" and nothing_due):  # BLE026, BLE014, BLE023
        balance = 0
    elif kind == "R3" and overdue:  # BLE025
        balance = draw(positive_amounts)
    else:
        balance = draw(amounts)

    fields: dict[str, object] = {}
    if has_overdue:
        if closed or dormant or repayment in ("*", "N", "M"):  # BLE004/014/015/017
            overdue_periods, total = 0, 0
        elif overdue:  # BLE019
            overdue_periods = draw(st.integers(min_value=1, max_value=999))
            total = draw(positive_amounts)
        elif bad_debt:  # BLE013
            overdue_periods, total = draw(periods), draw(positive_amounts)
        else:
            overdue_periods, total = draw(periods), draw(amounts)
        fields |= {
            "rem_rep_prd": draw(periods),
            "overd_prd": overdue_periods,
            "tot_overd": total,
            "cur_rpy_amt": 0 if nothing_due else draw(amounts),  # BLE015
        }
        if kind in _PRINCIPAL_TYPES:
            principal = draw(st.integers(min_value=0, max_value=total))  # BLE020
            left = principal
            buckets = []
            for _ in range(4):
                bucket = draw(st.integers(min_value=0, max_value=left))
                buckets.append(bucket)
                left -= bucket
            fields |= {
                "overd_princ": principal,
                "oved31_60_princ": buckets[0],
                "oved61_90_princ": buckets[1],
                "oved91_180_princ": buckets[2],
                "oved_princ180": buckets[3],
            }
    if kind == "R2":
        fields |= {
            "prid_acct_bal": 0 if nothing_due else draw(amounts),  # BLE015
            "used_amt": draw(amounts),
            "not_isu_bal": draw(amounts),
            "rpy_prct": "" if nothing_due else draw(st.just("") | periods),  # BLE002
        }
    if kind == "R3":
        fields["ovedraw_ba_ove180"] = draw(st.integers(min_value=0, max_value=balance))  # BLE022
    fields["act_rpy_amt"] = draw(amounts)

    month = _month_shift(reported.replace(day=1), draw(st.sampled_from([-1, 0, 1])))  # BLE039
    if closed:
        earliest = max(opened, reported - timedelta(days=29)) if timing == "20" else opened
        close_date: date | None = draw(dates_between(earliest, reported))  # BLE001, BLE010
        last = close_date
    else:
        close_date, last = None, reported
    assert last is not None
    low, high = max(opened, month), min(last, _month_end(month))
    settled = draw(st.none() | dates_between(low, high)) if low <= high else None  # BLE012
    return MonthlySegment(
        month=month,
        sett_date=settled,
        acct_status=AccountStatus(status),
        acct_bal=balance,
        five_cate=draw(st.sampled_from(list(FiveCategory))),
        five_cate_adj_date=draw(dates_between(opened, last)),  # BLE005, BLE011, ABE007
        rpy_status=RepaymentStatus(repayment),
        lat_rpy_date=draw(dates_between(opened, last)),
        close_date=close_date,
        **fields,  # type: ignore[arg-type]
    )


@st.composite
def non_monthly_segments(
    draw: st.DrawFn, kind: str, timing: str, opened: date, reported: date
) -> NonMonthlySegment:
    """AcctDbtInfSgmt: a collection account's state, or a recovery received on RptDate (§3.10)."""
    if kind == "C1":
        status = "2" if timing == "20" else draw(st.sampled_from(["1", "2"]))
        ended = status == "2"
        paid = draw(dates_between(opened, reported))
        return NonMonthlySegment(
            acct_status=AccountStatus(status),
            acct_bal=0 if ended else draw(amounts),  # BLE027
            lat_rpy_amt=draw(amounts),
            lat_rpy_date=paid,
            close_date=draw(dates_between(paid, reported)) if ended else None,  # BLE043, BLE042
        )
    allowed = sorted(ACCOUNT_STATUSES[kind] - {_closed_code(kind)})  # BLE016
    status = draw(st.sampled_from(allowed))
    dormant = kind in ("R2", "R3") and status == "6"
    fields: dict[str, object] = {}
    if kind in _PERIOD_TYPES:
        fields |= {"rem_rep_prd": draw(periods), "overd_prd": 0, "tot_overd": 0}  # BLE018
    return NonMonthlySegment(
        acct_status=AccountStatus(status),
        acct_bal=0 if dormant else draw(amounts),  # BLE014
        five_cate=draw(st.sampled_from(list(FiveCategory))),
        five_cate_adj_date=draw(dates_between(opened, reported)),
        rpy_status=RepaymentStatus.PAID_AS_AGREED,  # BLE034
        lat_rpy_amt=draw(amounts),
        lat_rpy_date=reported,  # BLE040
        close_date=None,
        **fields,  # type: ignore[arg-type]
    )


def segment_plan(kind: str, timing: str, info: BasicInfoSegment) -> dict[str, str]:
    """Segments C-K: required, optional or forbidden for this pair and account (§4.1)."""
    loan = kind != "C1"
    guaranteed = REQ if info.guar_mode in ("3", "5") else OPT  # BLR014
    if kind == "D1":
        credit = REQ if info.flag in ("1", "2") else NO
    elif kind == "R2":
        credit = NO if info.busi_dtl_lines == "82" else REQ
    else:
        credit = NO if kind == "C1" else REQ
    maybe_credit = NO if credit == NO else OPT
    card = OPT if kind == "R2" else NO
    if not loan:
        c1 = {
            "10": {"C": REQ, "D": OPT, "G": REQ, "J": REQ, "K": OPT},
            "20": {"C": OPT, "D": OPT, "G": OPT, "J": REQ, "K": OPT},
            "40": {"C": OPT, "D": OPT, "G": OPT, "J": REQ, "K": OPT},
            "90": {"C": OPT, "D": OPT, "G": OPT, "J": OPT, "K": OPT},
        }[timing]
        return {s: c1.get(s, NO) for s in "CDEFGHIJK"}
    if timing == "40":
        return {s: REQ if s == "J" else NO for s in "CDEFGHIJK"}
    first = timing in ("10", "31")
    return {
        "C": REQ if first else OPT,
        "D": guaranteed if first else OPT,
        "E": OPT,
        "F": credit if first else maybe_credit,
        "G": NO,
        "H": OPT if timing == "90" else REQ,
        "I": card,
        "J": NO,
        "K": NO if timing == "10" else OPT,
    }


def pairs_for(
    acct_type: AccountType | str | None = None, timing: ReportTimingCode | str | None = None
) -> list[tuple[AccountType, ReportTimingCode]]:
    """The valid pairs with this account type and this code (``None``: any); ValueError when
    the interface allows none."""
    pairs = [
        (kind, code)
        for kind, code in VALID_COMBINATIONS
        if (acct_type is None or kind == acct_type) and (timing is None or code == timing)
    ]
    if not pairs:
        raise ValueError(f"no valid record 210 for AcctType {acct_type} and RptDateCode {timing}")
    return pairs


@st.composite
def account_records(
    draw: st.DrawFn,
    acct_type: AccountType | str | None = None,
    timing: ReportTimingCode | str | None = None,
) -> AccountRecord:
    """A record 210 that validates clean against :data:`CONTEXT`.

    ``acct_type`` and ``timing`` pin the account type and the report-timing code; either left
    ``None`` is drawn among the pairs of :data:`VALID_COMBINATIONS`.
    """
    kind_code, timing_code = draw(st.sampled_from(pairs_for(acct_type, timing)))
    kind, code = kind_code.value, timing_code.value
    reported = draw(dates_between(FIRST_REPORT, FILE_DATE))
    if code == "10":  # BLE008: reported within 30 days of opening
        opened = draw(dates_between(reported - timedelta(days=29), reported))
    else:
        opened = draw(dates_between(FIRST_OPENING, reported))
    info = draw(basic_info(kind, opened))
    plan = segment_plan(kind, code, info)
    sent = {s: rule == REQ or (rule == OPT and draw(st.booleans())) for s, rule in plan.items()}

    id_type, id_num = draw(borrower_ids())
    base = BaseSegment(
        acct_type=kind_code,
        acct_code=draw(identifier()),
        rpt_date=reported,
        rpt_date_code=timing_code,
        name=draw(text_of(30)),
        id_type=id_type,
        id_num=id_num,
        mngmt_org_code=INSTITUTION,
    )
    monthly = draw(monthly_segments(kind, code, opened, reported)) if sent["H"] else None
    non_monthly = draw(non_monthly_segments(kind, code, opened, reported)) if sent["J"] else None
    last = min(
        d
        for d in (
            reported,
            monthly.close_date if monthly else None,
            non_monthly.close_date if non_monthly else None,
        )
        if d is not None
    )  # BLE006: nothing after either closing date
    return AccountRecord(
        base,
        basic_info=info if sent["C"] else None,
        credit_line=CreditLineSegment(mcc=draw(identifier())) if sent["F"] else None,
        monthly=monthly,
        non_monthly=non_monthly,
        related_parties=draw(related_parties_segments()) if sent["D"] else None,
        collateral=draw(collateral_segments()) if sent["E"] else None,
        original_creditor=draw(original_creditors()) if sent["G"] else None,
        special_instalment=draw(special_instalments(opened, last)) if sent["I"] else None,
        special_transactions=(
            draw(special_transactions_segments(opened, last)) if sent["K"] else None
        ),
    )


def account_lines(
    acct_type: AccountType | str | None = None, timing: ReportTimingCode | str | None = None
) -> st.SearchStrategy[str]:
    """The canonical body lines of :func:`account_records`."""
    return account_records(acct_type, timing).map(AccountRecord.to_line)
