"""The whole chain: the lender's books, 210 files, the bureau's history and the report.

The demo's people live 24 months; every month of every account the bureau holds must equal
what the lender's ledger says about that month, and the stories show in the grids.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import Backend
from zhengxin.bureau.render import report_text
from zhengxin.bureau.report import ReportService
from zhengxin.kernel.clock import add_months
from zhengxin.kernel.db import unit_of_work
from zhengxin.lender.service import LenderService
from zhengxin.simulation.world import World

START = date(2024, 1, 1)


@pytest.fixture(scope="module")
def world(module_backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> World:
    outbox = tmp_path_factory.mktemp("outbox")
    w = World.on(module_backend.engine("lender"), module_backend.engine("bureau"), outbox, START)
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
