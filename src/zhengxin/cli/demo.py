"""``zhengxin demo``: the whole chain, narrated, on the embedded storage."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.rule import Rule
from rich.table import Table

from zhengxin.bureau.ingest import Ingestor
from zhengxin.bureau.render import report_renderable
from zhengxin.bureau.report import ReportService
from zhengxin.kernel.clock import add_months
from zhengxin.kernel.db import unit_of_work
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.kernel.identity import mask_id
from zhengxin.pboc import read_submission
from zhengxin.simulation.personas import cast, crowd
from zhengxin.simulation.world import LENDER_CODE, LENDER_NAME, MonthSummary, World

SHOWN_IN_FULL = ("overdue", "closer")


def run(console: Console, folder: Path, start: date, months: int, crowd_size: int = 300) -> None:
    """Simulate ``months`` months from ``start`` and print what happened and the reports."""
    world = World.create(folder, start, cast(start) + crowd(start, crowd_size))
    console.print(Rule("Zhengxin demo: lender → 二代 file → bureau → credit report"))
    console.print(
        f"Lender {LENDER_NAME} ({LENDER_CODE}) runs a Huabei-like revolving line "
        "(R1, bill day 1st, due 10th, minimum 10 %).\n"
        f"One bureau, its own database. Clock fixed at {start}; {months} months simulated.\n"
    )
    people = Table(title=f"Seven of them, whose reports follow (and {crowd_size} more)")
    for column in ("who", "ID number", "opens", "limit", "story"):
        people.add_column(column)
    for p in world.people:
        people.add_row(p.name, mask_id(world.id_number(p)), str(p.opens_on), str(p.limit), p.story)
    console.print(people)

    months_table = Table(title="Month by month: the lender's books and what the bureau took")
    for column in ("month", "opened", "bills cut", "spent", "repaid", "files → bureau"):
        months_table.add_column(column)
    first_file: list[Path] = []

    def on_month(summary: MonthSummary) -> None:
        records = sum(r.records for _, r in summary.files)
        accepted = sum(r.accepted for _, r in summary.files)
        files = f"{len(summary.files)} files, {accepted}/{records} records accepted"
        months_table.add_row(
            f"{summary.month:%Y-%m}",
            str(summary.opened),
            str(summary.statements),
            str(summary.purchased),
            str(summary.repaid),
            files if summary.files else "-",
        )
        if not first_file and summary.files:
            first_file.append(world.outbox / summary.files[0][0])

    last_day = add_months(start, months) - timedelta(days=1)
    world.run_until(last_day, on_month)
    console.print(months_table)

    if first_file:
        sample = read_submission(first_file[0])
        console.print(Rule(f"The first submission file: {first_file[0].name}"))
        console.print(f"header (50 characters): [bold]{sample.header.render()}[/]")
        for number, text in sample.lines():
            console.print(f"record {number}:")
            console.print(text, markup=False, soft_wrap=True)
            break
        refuse_a_lying_file(console, world, first_file[0])

    with unit_of_work(world.bureau_engine) as session:
        reports = ReportService(session, world.clock)
        grids = Table(title="The bureau's 24-month grids: the seven, and some of the crowd")
        grids.add_column("who")
        grids.add_column("behaviour")
        grids.add_column("months")
        grids.add_column("grid (oldest → newest)", no_wrap=True)
        outcomes: dict[str, Counter[str]] = {}
        shown_from_crowd = 0
        for p in world.people:
            if p.key not in world.accounts:
                continue  # opens after the simulated months
            report = reports.report_for(world.id_number(p))
            for section in report.accounts:
                latest = section.latest.repayment_status if section.latest else "-"
                outcomes.setdefault(
                    p.story if p.key.startswith("crowd") else "the seven", Counter()
                )[latest] += 1
                troubled = any(c.status in ("B", "7", "3") for c in section.grid)
                if p.key.startswith("crowd") and not (troubled and shown_from_crowd < 8):
                    continue
                shown_from_crowd += p.key.startswith("crowd")
                grids.add_row(
                    p.name,
                    p.story if p.key.startswith("crowd") else p.style,
                    f"{section.grid_start:%Y-%m}…{section.grid_end:%Y-%m}",
                    section.grid_text,
                )
        console.print(grids)
        crowd_table = Table(title="Everyone at the bureau: latest repayment status by behaviour")
        crowd_table.add_column("behaviour")
        codes = sorted({code for counter in outcomes.values() for code in counter})
        for code in codes:
            crowd_table.add_column(code, justify="right")
        for behaviour, counter in sorted(outcomes.items()):
            crowd_table.add_row(behaviour, *[str(counter.get(code, "")) for code in codes])
        console.print(crowd_table)
        for p in world.people:
            if p.key in SHOWN_IN_FULL and p.key in world.accounts:
                console.print(Rule(f"Credit report of {p.name}: {p.story}"))
                console.print(report_renderable(reports.report_for(world.id_number(p))))
    console.print(
        f"\nDatabases and files are in {folder}/ (lender.sqlite3, bureau.sqlite3, outbox/)."
    )


def refuse_a_lying_file(console: Console, world: World, source: Path) -> None:
    """Show the bureau refusing a file whose header lies about its record count."""
    raw = source.read_bytes()
    count = int(raw[43:50])
    forged = world.outbox.parent / "forged" / source.name.replace("0010.txt", "9990.txt")
    forged.parent.mkdir(parents=True, exist_ok=True)
    forged.write_bytes(raw[:43] + f"{count + 1:07d}".encode() + raw[50:])
    console.print(
        f"\nA copy of that file whose header claims {count + 1} records instead of {count}:"
    )
    try:
        with unit_of_work(world.bureau_engine) as session:
            Ingestor(session, world.clock).ingest(forged)
    except ZhengxinError as exc:
        console.print(f"  the bureau refuses it: [bold red]\\[{exc.code}][/] {exc.message}")
        console.print("  nothing changed: a file is applied whole or not at all.")
