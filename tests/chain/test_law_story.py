"""Reading a person's report under the law, over the demo's history.

The world lives 24 months (2024-01 to 2025-12) as the demo's does: the seven and a crowd under
the service upgrade. Then the demo's story plays on the CRC (see
:mod:`zhengxin.simulation.lawful`): 李娜, who missed three bills in 2024, is asked about by a
bank without and then with her signature, reads her own report three times, disputes the first
month of her overdue spell and has it corrected, and five years after the spell ended it leaves
her report and the purge deletes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from tests.conftest import Backend
from zhengxin.bureau.audit import Action, AuditLog
from zhengxin.bureau.models import Account, AccountMonth, Authorization, Inquiry
from zhengxin.bureau.report import CreditReport, ReportService
from zhengxin.bureau.repository import BureauRepository
from zhengxin.cli.demo import upgrade_plan
from zhengxin.codes import RepaymentStatus
from zhengxin.kernel.clock import FixedClock, add_months
from zhengxin.kernel.db import unit_of_work
from zhengxin.simulation.lawful import LawStory, run_story
from zhengxin.simulation.personas import cast, crowd
from zhengxin.simulation.world import BANK_CODE, LENDER_CODE, World

START = date(2024, 1, 1)
LAST = date(2025, 12, 31)
SCHEMA = json.loads(
    (Path(__file__).parents[2] / "docs" / "report.schema.json").read_text(encoding="utf-8")
)
ADVERSE = frozenset(s.value for s in RepaymentStatus if s.is_adverse)


@dataclass
class Told:
    world: World
    story: LawStory
    grid_before_story: dict[date, str | None]
    held_before_story: dict[date, str]
    everyone: list[CreditReport]


@pytest.fixture(scope="module")
def told(module_backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Told:
    bureaus = {code: module_backend.engine(code.lower()) for code in ("CRC", "BAIHANG")}
    world = World.on(
        module_backend.engine("lender"),
        bureaus,
        tmp_path_factory.mktemp("outbox"),
        START,
        cast(START) + crowd(START, 30),
    )
    world.campaign = upgrade_plan(START)
    world.run_until(LAST)
    person = next(p for p in world.people if p.key == "overdue")
    with unit_of_work(world.bureaus["CRC"]) as s:
        reports = ReportService(s, world.clock)
        mine = reports.report_for(world.id_number(person))
        (line,) = [a for a in mine.accounts if a.account_type == "R1"]
        grid = {c.month: c.status for c in line.grid}
        account = BureauRepository(s).account(line.institution_code, line.account_code)
        assert account is not None
        held = {m.month: m.repayment_status for m in BureauRepository(s).months_of(account.id)}
        everyone = [
            reports.report_for(world.id_number(p))
            for p in world.people
            if BureauRepository(s).subject("10", world.id_number(p)) is not None
        ]
    return Told(world, run_story(world), grid, held, everyone)


def test_the_overdue_spell_shows_in_the_24_month_grid_with_its_codes_and_months(
    told: Told,
) -> None:
    grid = told.grid_before_story
    assert len(grid) == 24 and min(grid) == date(2024, 1, 1) and max(grid) == date(2025, 12, 1)
    overdue = {month: code for month, code in grid.items() if code in ADVERSE}
    # She stops paying in autumn 2024 and catches up before Christmas: three bills missed,
    # each month one band deeper, and nothing adverse before or after.
    assert list(overdue.values()) == ["1", "2", "3"]
    months = sorted(overdue)
    assert months == [add_months(months[0], i) for i in range(3)]
    assert date(2024, 9, 1) <= months[0] and months[-1] <= date(2024, 12, 1)
    # The grid is the bureau's history, month for month.
    assert {m: c for m, c in grid.items() if c not in (None, "/")} == {
        m: c for m, c in told.held_before_story.items() if m >= date(2024, 1, 1)
    }


def test_the_spell_leaves_the_report_exactly_five_years_after_it_ended(told: Told) -> None:
    story = told.story
    spell = story.spell
    assert spell is not None and spell.ended_on is not None
    assert date(2024, 12, 1) <= spell.ended_on <= date(2025, 1, 31)
    assert spell.expires_on == add_months(spell.ended_on, 60)

    def adverse(report: CreditReport | None) -> list[str]:
        assert report is not None
        return [c.status for a in report.accounts for c in a.grid if c.status in ADVERSE]

    assert adverse(story.before_expiry) == ["2", "3"]  # the corrected first month is N
    assert adverse(story.after_expiry) == []
    assert story.purged is not None and story.purged.months >= 2
    with unit_of_work(told.world.bureaus["CRC"]) as s:
        statuses = s.scalars(
            select(AccountMonth.repayment_status)
            .join(Account, Account.id == AccountMonth.account_id)
            .where(Account.account_code == story.disputed_account)
        ).all()
    assert statuses and not set(statuses) & ADVERSE


def test_a_query_without_authorization_is_refused_audited_and_never_in_the_query_records(
    told: Told,
) -> None:
    story = told.story
    assert (story.refused.answered, story.refused.code) == (False, "inquiry.no_authorization")
    assert story.answered.answered
    with unit_of_work(told.world.bureaus["CRC"]) as s:
        refused = s.get(Inquiry, story.refused.inquiry_id)
        assert refused is not None and refused.outcome == "refused"
        subject = BureauRepository(s).subject("10", story.id_number)
        assert subject is not None
        lines = AuditLog(s, FixedClock.on(LAST)).entries(subject_id=subject.id)
        assert any(
            e.actor == BANK_CODE
            and e.action == Action.WRITE.value
            and "inquiry.no_authorization" in e.what
            for e in lines
        )
    for report in story.reports:  # only the answered inquiry, once, in every later report
        records = [(r.institution_code, r.reason) for r in report.query_records.institutional]
        assert records in ([], [(BANK_CODE, "02")])
    latest = story.corrected
    assert latest is not None
    assert [r.institution_code for r in latest.query_records.institutional] == [BANK_CODE]


def test_the_third_self_query_of_the_year_is_chargeable(told: Told) -> None:
    assert [a.chargeable for a in told.story.self_queries] == [False, False, True]
    latest = told.story.corrected
    assert latest is not None
    assert len(latest.query_records.self_queries) >= 3


def test_a_dispute_is_marked_at_once_and_a_correction_changes_the_history(told: Told) -> None:
    story = told.story
    month = story.disputed_month
    assert month is not None and told.grid_before_story[month] == "1"
    assert story.marked is not None
    (section,) = [a for a in story.marked.accounts if a.account_code == story.disputed_account]
    assert [(m.month, m.status) for m in section.dispute_marks] == [(month, "open")]
    assert {c.month: c.status for c in section.grid}[month] == "1"  # not changed by the mark

    assert story.correction_result is not None and story.correction_result.accepted == 1
    assert story.closed is not None and story.closed.outcome == "corrected"
    assert story.corrected is not None
    (after,) = [a for a in story.corrected.accounts if a.account_code == story.disputed_account]
    assert {c.month: c.status for c in after.grid}[month] == "N"
    assert [m.status for m in after.dispute_marks] == ["closed"]
    assert [s.text for s in story.corrected.statements] == [story.statement.text]  # type: ignore[union-attr]


def test_the_audit_chain_holds_and_she_sees_who_read_her_data(told: Told) -> None:
    story = told.story
    assert story.audit is not None and story.audit.ok, story.audit
    readers = [r.actor for r in story.readers]
    assert readers.count(BANK_CODE) == 1  # the refused attempt read nothing
    assert readers.count("subject") >= 5


def test_every_report_validates_against_the_published_schema(told: Told) -> None:
    reports = told.everyone + told.story.reports
    assert len(reports) > 10
    for report in reports:
        jsonschema.validate(json.loads(report.model_dump_json()), SCHEMA)


def test_a_closed_line_leaves_no_authorization_in_force_at_the_bureaus(told: Told) -> None:
    """Everyone whose line closed (陈静 and the crowd's closers) had their signature revoked
    at every bureau it was lodged with; the others' signatures cover only what the text
    names (02, 26, 01)."""
    world = told.world
    closed = {world.id_number(p) for p in world.people if p.closes_on and p.closes_on <= LAST}
    assert closed
    for engine in world.bureaus.values():
        with unit_of_work(engine) as s:
            lodged = s.scalars(
                select(Authorization).where(Authorization.institution_code == LENDER_CODE)
            ).all()
        assert lodged
        for row in lodged:
            assert (row.revoked_on is not None) == (row.id_number in closed), row.id_number
            assert row.purposes == "01,02,26"
