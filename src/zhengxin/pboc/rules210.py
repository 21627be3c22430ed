"""The rules of record 210 个人借贷账户信息记录 that its declarations do not already imply (§3, §4).

Each rule is a small function, registered on the node of the rule tree it belongs to, with its
official code; its docstring is the message a furnisher reads. Rules pass vacuously when what
they compare is absent, blank or not a valid value (§1.3), and the conditions that guard them
are the resolved plain-language conditions of §1.4: a rule about the basic segment's items
(Flag, BusiDtlLines, GuarMode, OpenDate) does not fire when that segment is not in the record.

Two faithful quirks (§4.6): zero checks compare text with ``0`` (``00`` fails), and the
"closed" sets keep the rule file's dead codes (``31``, ``41``, ``7``). One deliberate
difference: where the client's engine would throw on a non-numeric TotOverd (BLE019, §4.6 item 4)
and report ABR000, this one reports the ABE001 of the item alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from zhengxin.codes import (
    PARTY_ORGANISATION_ID_TYPES,
    AccountType,
    BusinessDetail,
    IdType,
    ReportTimingCode,
)
from zhengxin.pboc.errors import MULTI_ITEM_TAG
from zhengxin.pboc.fields import utf16_length
from zhengxin.pboc.idcheck import organisation_id_ok, personal_id_ok
from zhengxin.pboc.record210 import ROOT_210, SEGMENTS_210
from zhengxin.pboc.rules import Record, RuleBook
from zhengxin.pboc.rules_common import (
    institution_rule,
    not_after_file_rule,
    prefix_ok,
    prefix_rule,
)
from zhengxin.pboc.segments import RECORD_TYPE_210

B, C, D, E, F, G = (
    "AcctBsSgmt",
    "AcctBsInfSgmt",
    "RltRepymtInfSgmt",
    "MotgaCltalCtrctInfSgmt",
    "AcctCredSgmt",
    "OrigCreditorInfSgmt",
)
H, I, J, K = "AcctMthlyBlgInfSgmt", "SpecPrdSgmt", "AcctDbtInfSgmt", "AcctSpecTrstDspnSgmt"  # noqa: E741 (the official segment marks)

_C_ORDER = (
    *("BusiLines", "BusiDtlLines", "OpenDate", "Cy", "AcctCredLine", "LoanAmt", "Flag"),
    *("DueDate", "RepayMode", "RepayFreqcy", "RepayPrd", "ApplyBusiDist", "GuarMode"),
    *("OthRepyGuarWay", "AssetTrandFlag", "FundSou", "CreditID", "LoanForm", "LoanConCode"),
    "FirstHouLoanFlag",
)

BOOK = RuleBook(
    RECORD_TYPE_210,
    ROOT_210,
    SEGMENTS_210,
    key_item=(B, "AcctCode"),
    acct_type_item=(B, "AcctType"),
    acct_types=frozenset(t.value for t in AccountType),
    item_order={C: _C_ORDER},
    timing_item=(B, "RptDateCode"),
    timings=frozenset(t.value for t in ReportTimingCode),
)
"""The rule book of record 210."""

LOANS = frozenset({"D1", "R1", "R2", "R3", "R4"})
_NOT_RECOVERED = frozenset({"D1", "R1", "R2", "R4"})
_OVERDUE = frozenset("1234567")
_CLOSED_H = {"D1": {"3", "31"}, "R1": {"3", "31"}, "R4": {"3", "31"}, "R2": {"4", "41"}}
_CLOSED_H["R3"] = _CLOSED_H["R2"]
_CLOSED_J = {"D1": {"3", "31"}, "R1": {"3", "31"}, "R4": {"3", "31"}, "R2": {"4", "7"}}
_CLOSED_J |= {"R3": _CLOSED_J["R2"], "C1": {"2"}}
_BAD_DEBT = {"D1": {"41", "42"}, "R1": {"41", "42"}, "R4": {"41", "42"}, "R2": {"51", "52"}}
_BAD_DEBT["R3"] = _BAD_DEBT["R2"]


def _timing(record: Record) -> str | None:
    return record.text(B, "RptDateCode")


def _rpt_date(record: Record) -> date | None:
    value: date | None = record.value(B, "RptDate")
    return value


def _closed(record: Record, segment: str) -> bool:
    """AcctStatus of ``segment`` is the closed code of the account type."""
    kind = record.acct_type
    status = record.text(segment, "AcctStatus")
    table = _CLOSED_H if segment == H else _CLOSED_J
    return kind is not None and status is not None and status in table.get(kind, ())


def _status_is(record: Record, segment: str, *codes: str) -> bool:
    return record.text(segment, "RpyStatus") in codes


_ZERO_OK = frozenset({None, "", "0"})
"""Texts a zero check accepts: absent or blank (vacuous, §1.3) or exactly ``0`` (string
equality, §4.6 item 1: ``00`` fails)."""


def _zero(record: Record, segment: str, tag: str) -> bool:
    """The zero check of §4.6 item 1 on one item."""
    return record.text(segment, tag) in _ZERO_OK


def _not_before(record: Record, segment: str, tag: str, other: date | None, days: int = 0) -> bool:
    value: date | None = record.value(segment, tag)
    return value is None or other is None or value >= other + timedelta(days=days)


def _not_after(record: Record, segment: str, tag: str, other: date | None) -> bool:
    value: date | None = record.value(segment, tag)
    return value is None or other is None or value <= other


def _open_date(record: Record) -> date | None:
    value: date | None = record.value(C, "OpenDate")
    return value


# --- segment presence (§4.1) --------------------------------------------------------------


def _presence(
    segment: str,
    code: str,
    timing: str,
    types: frozenset[str] | set[str],
    required: bool,
    also: str = "",
) -> None:
    """Declare "segment required (or forbidden) at ``timing`` for ``types``".

    ``also`` adds the basic-segment condition of §4.1: ``flag12``/``flag0`` (D1's Flag) or
    ``not82``/``is82`` (R2's BusiDtlLines); undecided when the basic segment is absent.
    """
    wanted = frozenset(types)

    def scope(found: str | None, kind: str | None) -> bool:
        return found == timing and kind in wanted

    def applies(record: Record) -> bool:
        if not also:
            return True
        if also.startswith("flag"):
            flag = record.text(C, "Flag")
            return flag in (("1", "2") if also == "flag12" else ("0",))
        detail = record.text(C, "BusiDtlLines")
        if not detail:
            return False
        return (detail == BusinessDetail.SPECIAL_INSTALMENT_CARD) == (also == "is82")

    def test(record: Record) -> bool:
        return not applies(record) or record.has(segment) == required

    verb = "is required" if required else "must not be sent"
    kinds = "/".join(sorted(wanted))
    extra = {
        "": "",
        "flag12": " with Flag 1 or 2",
        "flag0": " with Flag 0",
        "not82": " unless BusiDtlLines is 82",
        "is82": " with BusiDtlLines 82",
    }[also]
    test.__doc__ = f"{segment} {verb} for {kinds}{extra} at report-timing code {timing} (§4.1)."
    BOOK.on_segment(segment, code, scope=scope, needs=(C,) if also else ())(test)


def _timing_table(
    timing: str, required: str, forbidden: str, rows: dict[str, tuple[set[str], set[str]]]
) -> None:
    for segment, (needed, refused) in rows.items():
        if needed:
            _presence(segment, required, timing, needed, True)
        if refused:
            _presence(segment, forbidden, timing, refused, False)


@BOOK.on_segment(B, "BLR029")
def _base_present(record: Record) -> bool:
    """Every record 210 needs its base segment AcctBsSgmt (§3.2)."""
    return record.has(B)


@BOOK.on_segment(B, "ABE004", "IDNum")
def _borrower_id(record: Record) -> bool:
    """IDNum is not a well-formed number for its IDType (§1.8)."""
    kind, number = record.text(B, "IDType"), record.text(B, "IDNum")
    return not kind or not number or personal_id_ok(kind, number)


_ALL = {"D1", "R1", "R2", "R3", "R4", "C1"}
_D_TO_R4 = set(LOANS)
_presence(C, "BLR000", "10", _ALL, True)
_presence(C, "BLR002", "31", _ALL, True)
_presence(C, "BLR009", "40", _NOT_RECOVERED, False)
_presence(D, "BLR009", "40", _NOT_RECOVERED, False)
_presence(E, "BLR001", "10", {"C1"}, False)
_presence(E, "BLR011", "20", {"C1"}, False)
_presence(E, "BLR009", "40", _ALL, False)
for _timing_code, _req, _no in (("10", "BLR000", "BLR001"), ("31", "BLR002", "BLR003")):
    _presence(F, _req, _timing_code, {"D1"}, True, "flag12")
    _presence(F, _no, _timing_code, {"D1"}, False, "flag0")
    _presence(F, _req, _timing_code, {"R1", "R3", "R4"}, True)
    _presence(F, _req, _timing_code, {"R2"}, True, "not82")
    _presence(F, _no, _timing_code, {"R2"}, False, "is82")
_presence(F, "BLR001", "10", {"C1"}, False)
for _timing_code, _no in (("20", "BLR011"), ("30", "BLR007"), ("32", "BLR013")):
    _presence(F, _no, _timing_code, {"D1"}, False, "flag0")
    _presence(F, _no, _timing_code, {"R2"}, False, "is82")
_presence(F, "BLR011", "20", {"C1"}, False)
_presence(F, "BLR009", "40", _ALL, False)
_presence(G, "BLR000", "10", {"C1"}, True)
for _timing_code, _no in (
    ("10", "BLR001"),
    ("20", "BLR011"),
    ("30", "BLR007"),
    ("31", "BLR003"),
    ("32", "BLR013"),
):
    _presence(G, _no, _timing_code, _D_TO_R4, False)
_presence(G, "BLR009", "40", _NOT_RECOVERED, False)
_timing_table("10", "BLR000", "BLR001", {H: (_D_TO_R4, {"C1"})})
_timing_table("20", "BLR010", "BLR011", {H: (_D_TO_R4, {"C1"})})
_timing_table("30", "BLR006", "BLR007", {H: (_D_TO_R4, set())})
_timing_table("31", "BLR002", "BLR003", {H: (_D_TO_R4, set())})
_timing_table("32", "BLR012", "BLR013", {H: (_D_TO_R4, set())})
_presence(H, "BLR009", "40", _ALL, False)
for _timing_code, _no in (
    ("10", "BLR001"),
    ("20", "BLR011"),
    ("30", "BLR007"),
    ("31", "BLR003"),
    ("32", "BLR013"),
):
    _presence(I, _no, _timing_code, {"D1", "R1", "R3", "R4"}, False)
_presence(I, "BLR001", "10", {"C1"}, False)
_presence(I, "BLR011", "20", {"C1"}, False)
_presence(I, "BLR009", "40", _ALL, False)
_presence(J, "BLR000", "10", {"C1"}, True)
_presence(J, "BLR010", "20", {"C1"}, True)
for _timing_code, _no in (
    ("10", "BLR001"),
    ("20", "BLR011"),
    ("30", "BLR007"),
    ("31", "BLR003"),
    ("32", "BLR013"),
):
    _presence(J, _no, _timing_code, _D_TO_R4, False)
_presence(J, "BLR008", "40", _ALL - {"R3"}, True)
_presence(K, "BLR001", "10", _D_TO_R4, False)
_presence(K, "BLR009", "40", _NOT_RECOVERED, False)


def _guarantee_needed(record: Record, trigger: str) -> bool:
    if _timing(record) not in ("10", "31") or not record.has(C):
        return False
    if trigger == "guar":
        return record.acct_type in LOANS and record.text(C, "GuarMode") in ("3", "5")
    return record.acct_type in LOANS and record.text(C, "OthRepyGuarWay") == "2"


@BOOK.on_segment(D, "BLR014", needs=(C,))
def _guarantors_sent(record: Record) -> bool:
    """A guaranteed account (GuarMode 3 or 5) must send RltRepymtInfSgmt when it is first
    reported (codes 10 and 31)."""
    return not _guarantee_needed(record, "guar") or record.has(D)


@BOOK.on_segment(D, "BLR015", needs=(C,))
def _other_guarantee_sent(record: Record) -> bool:
    """OthRepyGuarWay 2 requires RltRepymtInfSgmt when the account is first reported."""
    return not _guarantee_needed(record, "other") or record.has(D)


# --- B: base segment ---------------------------------------------------------------------


def _type_at(code: str, kind: str, timing: str) -> None:
    def test(record: Record) -> bool:
        return False

    test.__doc__ = f"AcctType {kind} cannot be reported with report-timing code {timing} (§4.1)."
    BOOK.on_item(B, "AcctType", code, scope=lambda t, k: t == timing and k == kind)(test)


_type_at("BLR002", "C1", "31")
_type_at("BLR006", "C1", "30")
_type_at("BLR012", "C1", "32")
_type_at("BLR008", "R3", "40")


prefix_rule(BOOK, B, "AcctCode")
not_after_file_rule(BOOK, B)
institution_rule(BOOK, B, "MngmtOrgCode")


# --- C: basic information ----------------------------------------------------------------


@BOOK.on_item(C, "BusiLines", "BLE035")
def _business_line(record: Record) -> bool:
    """BusiLines must be 2 (cards) for R2/R3, and 5 or 6 for a collection account C1."""
    line = record.text(C, "BusiLines")
    if not line:
        return True
    if record.acct_type in ("R2", "R3"):
        return line == "2"
    if record.acct_type == "C1":
        return line in ("5", "6")
    return True


@BOOK.on_item(C, "BusiDtlLines", "ABE001", MULTI_ITEM_TAG)
def _business_detail(record: Record) -> bool:
    """BusiDtlLines is not a sub-code of BusiLines (§9.3)."""
    line, detail = record.value(C, "BusiLines"), record.text(C, "BusiDtlLines")
    if line is None or not detail:
        return True
    found = BusinessDetail._value2member_map_.get(detail)
    return isinstance(found, BusinessDetail) and found.parent == line


@BOOK.on_item(C, "OpenDate", "ABE007")
def _opened_by_report(record: Record) -> bool:
    """OpenDate is later than RptDate."""
    return _not_after(record, C, "OpenDate", _rpt_date(record))


@BOOK.on_item(C, "OpenDate", "BLE008", "RptDate", scope=lambda t, k: t == "10")
def _new_account_on_time(record: Record) -> bool:
    """A new account (code 10) must be reported within 30 days of opening: OpenDate ≥ RptDate
    − 29 days."""
    rpt = _rpt_date(record)
    return _not_before(record, C, "OpenDate", rpt, -29)


@BOOK.on_item(C, "DueDate", "BLE009", MULTI_ITEM_TAG)
def _due_after_open(record: Record) -> bool:
    """DueDate is earlier than OpenDate."""
    return _not_before(record, C, "DueDate", _open_date(record))


@BOOK.on_item(C, "RepayFreqcy", "BLE028")
def _aggregated_monthly(record: Record) -> bool:
    """RepayFreqcy must be 03 (monthly) when RepayMode is 90 (aggregated)."""
    return record.text(C, "RepayMode") != "90" or record.text(C, "RepayFreqcy") in (None, "", "03")


@BOOK.on_item(C, "RepayPrd", "BLE038")
def _bullet_has_no_periods(record: Record) -> bool:
    """RepayPrd must be 0 for a non-instalment RepayMode (21, 22, 23, 29)."""
    if record.text(C, "RepayMode") not in ("21", "22", "23", "29"):
        return True
    return _zero(record, C, "RepayPrd")


@BOOK.on_item(C, "CreditID", "BLE031")
def _card_id(record: Record) -> bool:
    """CreditID must be 4 digits, NULL or MULT."""
    text = record.text(C, "CreditID")
    return not text or text in ("NULL", "MULT") or (len(text) == 4 and text.isdigit())


# --- D: related parties ------------------------------------------------------------------


def _count(record: Record, segment: str, tag: str) -> int | None:
    value: int | None = record.value(segment, tag)
    return value


def _group_rules(segment: str, count_tag: str, element: str, keys: tuple[str, ...]) -> None:
    def present(record: Record) -> bool:
        count = _count(record, segment, count_tag)
        if count is None:
            return True
        return (count > 0) == bool(record.groups(segment))

    present.__doc__ = f"{element} elements must be sent exactly when {count_tag} is above 0."
    BOOK.on_group(segment, "ABD000", element)(present)

    def size(record: Record) -> bool:
        count, elements = _count(record, segment, count_tag), record.groups(segment)
        return count is None or not elements or count == len(elements)

    size.__doc__ = f"{count_tag} differs from the number of {element} elements."
    BOOK.on_group(segment, "ABE010", count_tag)(size)

    def distinct(record: Record) -> bool:
        seen = [tuple(e.get(k) for k in keys) for e in record.groups(segment)]
        return len(seen) == len(set(seen))

    distinct.__doc__ = f"two {element} elements share {' + '.join(keys)}."
    BOOK.on_group(segment, "ABE011", count_tag)(distinct)


_group_rules(D, "RltRepymtNm", "RltRepymtInf", ("InfoIDType", "ArlpCertType", "ArlpCertNum"))


@BOOK.on_group(D, "BLE041", MULTI_ITEM_TAG)
def _co_obligor_not_borrower(record: Record) -> bool:
    """A natural-person related party repeats the borrower's own IDType and IDNum."""
    own = (record.text(B, "IDType"), record.text(B, "IDNum"))
    return not any(
        e.get("InfoIDType") == "1" and (e.get("ArlpCertType"), e.get("ArlpCertNum")) == own
        for e in record.groups(D)
    )


_PERSON_ID_TYPES = frozenset(t.value for t in IdType)


@BOOK.on_element(D, "ArlpName", "ABE001")
def _party_name_length(record: Record, element: Mapping[str, str]) -> bool:
    """A natural person's ArlpName has at most 30 characters (ANC..30)."""
    name = element.get("ArlpName")
    if element.get("InfoIDType") != "1" or not name:
        return True
    size = utf16_length(name)  # beyond the declared ANC..80 the format check reports it once
    return size <= 30 or size > BOOK.spec(D, "ArlpName").length


@BOOK.on_element(D, "ArlpCertType", "ABE001")
def _party_id_type(record: Record, element: Mapping[str, str]) -> bool:
    """ArlpCertType is not a personal ID type (person) or 10/20/30 (organisation)."""
    kind, text = element.get("InfoIDType"), element.get("ArlpCertType")
    if not text:
        return True
    if kind == "1":
        return text in _PERSON_ID_TYPES
    if kind == "2":
        return text in PARTY_ORGANISATION_ID_TYPES
    return True


@BOOK.on_element(D, "ArlpCertNum", "ABE001")
def _party_number_length(record: Record, element: Mapping[str, str]) -> bool:
    """A natural person's ArlpCertNum has at most 20 characters (ANC..20)."""
    number = element.get("ArlpCertNum")
    if element.get("InfoIDType") != "1" or not number:
        return True
    size = utf16_length(number)  # beyond the declared ANC..40 the format check reports it once
    return size <= 20 or size > BOOK.spec(D, "ArlpCertNum").length


@BOOK.on_element(D, "ArlpCertNum", "ABE004")
def _party_id(record: Record, element: Mapping[str, str]) -> bool:
    """ArlpCertNum is not a well-formed number for its ArlpCertType (§1.8)."""
    kind, number = element.get("ArlpCertType"), element.get("ArlpCertNum")
    if not kind or not number:
        return True
    if element.get("InfoIDType") == "1":
        return personal_id_ok(kind, number)
    if element.get("InfoIDType") == "2":
        return organisation_id_ok(kind, number)
    return True


@BOOK.on_element(D, "ArlpAmt", "BLE003")
def _guarantor_amount(record: Record, element: Mapping[str, str]) -> bool:
    """A guarantor (ArlpType 2) must state ArlpAmt."""
    return element.get("ArlpType") != "2" or element.get("ArlpAmt", "x") != ""


def _guarantor_item(tag: str) -> None:
    def tag_present(record: Record, element: Mapping[str, str]) -> bool:
        return element.get("ArlpType") != "2" or tag in element

    tag_present.__doc__ = f"A guarantor (ArlpType 2) must carry {tag}."
    BOOK.on_element(D, tag, "ABD000")(tag_present)

    def filled(record: Record, element: Mapping[str, str]) -> bool:
        return element.get("ArlpType") != "2" or element.get(tag) != ""

    filled.__doc__ = f"A guarantor (ArlpType 2) must fill in {tag}."
    BOOK.on_element(D, tag, "BLE048")(filled)


_guarantor_item("WartySign")
_guarantor_item("MaxGuarMcc")


@BOOK.on_element(D, "MaxGuarMcc", "ABE002")
def _guarantee_contract_prefix(record: Record, element: Mapping[str, str]) -> bool:
    """MaxGuarMcc's first 14 characters must be a data-provider code of the submitter (§1.7)."""
    return prefix_ok(record, element.get("MaxGuarMcc"))


# --- E, F: collateral, credit line -------------------------------------------------------

_group_rules(E, "CcNm", "CccInf", ("Ccc",))


@BOOK.on_element(E, "Ccc", "ABE002")
def _collateral_prefix(record: Record, element: Mapping[str, str]) -> bool:
    """Ccc's first 14 characters must be a data-provider code of the submitter (§1.7)."""
    return prefix_ok(record, element.get("Ccc"))


prefix_rule(BOOK, F, "Mcc")
