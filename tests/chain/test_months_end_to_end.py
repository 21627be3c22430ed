"""The whole chain: the lender's books, 110/220/210 files, the bureaus' history and the report.

The demo's people live 24 months; every month of every account the national bureau holds must
equal what the lender's ledger says about that month, the stories show in the grids, and each
person's records reach exactly the bureaus their authorization names.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import Backend
from zhengxin.bureau.render import report_text
from zhengxin.bureau.report import ReportService
from zhengxin.kernel.clock import add_months
from zhengxin.kernel.db import unit_of_work
from zhengxin.kernel.errors import NotFound
from zhengxin.lender.models import FurnishedFile
from zhengxin.lender.service import LenderService
from zhengxin.pboc import check_file
from zhengxin.simulation.world import World

START = date(2024, 1, 1)


@pytest.fixture(scope="module")
def world(module_backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> World:
    outbox = tmp_path_factory.mktemp("outbox")
    bureaus = {code: module_backend.engine(code.lower()) for code in ("CRC", "BAIHANG")}
    w = World.on(module_backend.engine("lender"), bureaus, outbox, START)
    files = []
    w.run_until(date(2025, 12, 31), lambda month: files.extend(month.files))
    assert files, "the lender furnished nothing"
    assert all(r.rejected == 0 and r.accepted == r.records for _, r in files)
    return w


def grid(world: World, key: str) -> dict[str, str | None]:
    person = next(p for p in world.people if p.key == key)
    with unit_of_work(world.bureau_engine) as session:
        report = ReportService(session, world.clock).report_for(world.id_number(person))
    (account,) = report.accounts
    return {f"{c.month:%Y-%m}": c.status for c in account.grid}


def test_the_bureau_history_equals_the_lender_ledger_month_by_month(world: World) -> None:
    compared = 0
    with unit_of_work(world.lender_engine) as ls, unit_of_work(world.bureau_engine) as bs:
        lender = LenderService(ls, world.clock, world.institution)
        reports = ReportService(bs, world.clock)
        for person in world.people:
            line = lender.line(world.accounts[person.key])
            report = reports.report_for(world.id_number(person))
            (account,) = report.accounts
            assert account.account_code == line.account_code
            assert account.open_date == line.opened_on
            assert account.credit_limit_yuan == line.limit_fen // 100
            month = line.opened_on.replace(day=1)
            last = (line.closed_on or date(2025, 12, 31)).replace(day=1)
            cells = {c.month: c.status for c in account.grid}
            while month <= last:
                if month in cells:
                    assert cells[month] == lender.month_facts(line, month).repayment_status, (
                        person.name,
                        month,
                    )
                    compared += 1
                month = add_months(month, 1)
    assert compared > 80


def test_an_overdue_spell_shows_in_the_grid_in_the_months_it_happened(world: World) -> None:
    g = grid(world, "overdue")
    assert [g["2024-09"], g["2024-10"], g["2024-11"], g["2024-12"], g["2025-01"]] == [
        "N",
        "1",
        "2",
        "3",
        "M",
    ]
    assert g["2025-02"] == "N"


def test_the_grid_holds_only_the_months_an_account_lived(world: World) -> None:
    newcomer = grid(world, "newcomer")  # opened 2025-06-11
    assert newcomer["2025-05"] is None and newcomer["2025-06"] is not None
    assert all(status is None for month, status in newcomer.items() if month < "2025-06")
    closer = grid(world, "closer")  # closed 2025-06-15
    assert closer["2025-06"] == "C"
    assert "2025-07" not in closer  # the grid ends with the last month reported
    dormant = grid(world, "dormant")
    assert {s for m, s in dormant.items() if m >= "2024-05"} == {"*"}
    late = grid(world, "late")
    assert "M" in late.values() and "1" not in late.values()


def test_the_report_reads_as_text(world: World) -> None:
    person = next(p for p in world.people if p.key == "overdue")
    with unit_of_work(world.bureau_engine) as session:
        text = report_text(ReportService(session, world.clock).report_for(world.id_number(person)))
    assert "个人信用报告" in text
    assert "李娜" in text
    assert world.id_number(person) not in text  # the ID is masked
    assert "R1 循环贷账户" in text
    assert "24-month repayment grid" in text


def test_each_person_reaches_exactly_the_bureaus_they_authorized(world: World) -> None:
    assert sorted(world.crc_only) == ["dormant"]  # 赵敏 signed the version naming the CRC alone
    for person in world.people:
        id_number = world.id_number(person)
        for bureau, engine in world.bureaus.items():
            expected = bureau == "CRC" or person.key not in world.crc_only
            with unit_of_work(engine) as session:
                try:
                    ReportService(session, world.clock).report_for(id_number)
                    known = True
                except NotFound:
                    known = False
            assert known == expected, (person.name, bureau)
            sent = any(
                id_number in path.read_text(encoding="utf-8")
                for path in world.bureau_outbox(bureau).glob("*.txt")
            )
            assert sent == expected, (person.name, bureau)


def test_every_file_passes_every_rule_and_a_day_opens_with_its_110_and_220(world: World) -> None:
    order = {"110": 0, "220": 1, "210": 2}
    with unit_of_work(world.lender_engine) as session:
        written = session.scalars(select(FurnishedFile).order_by(FurnishedFile.id)).all()
        by_day: dict[tuple[str, date], list[str]] = {}
        for row in written:
            by_day.setdefault((row.bureau, row.file_date), []).append(row.record_type)
    assert {row.bureau for row in written} == set(world.bureaus)
    assert {row.record_type for row in written} == set(order)
    for (bureau, day), kinds in by_day.items():
        ranks = [order[kind] for kind in kinds]
        assert ranks == sorted(ranks), (bureau, day, kinds)
    for bureau in world.bureaus:
        paths = sorted(world.bureau_outbox(bureau).glob("*.txt"))
        assert len(paths) == sum(1 for row in written if row.bureau == bureau)
        for path in paths:
            check = check_file(path)
            assert check.ok and all(not result.errors for result in check.records()), path.name
