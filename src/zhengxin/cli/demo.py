"""``zhengxin demo``: the whole chain, narrated, on the embedded storage."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

from rich.console import Console
from rich.rule import Rule
from rich.table import Table

from zhengxin.bureau.ingest import Ingestor
from zhengxin.bureau.render import report_renderable
from zhengxin.bureau.report import ReportService
from zhengxin.furnishing.service import NO_AUTHORIZATION, NOTICE_PENDING
from zhengxin.kernel.clock import add_months
from zhengxin.kernel.db import unit_of_work
from zhengxin.kernel.errors import NotFound, ZhengxinError
from zhengxin.kernel.identity import mask_id
from zhengxin.lender.inquiry import InquiryClient
from zhengxin.pboc import FileName, read_submission
from zhengxin.pboc.feedback import read_feedback
from zhengxin.pboc.validator import check_file, feedback_for
from zhengxin.simulation.personas import Persona, cast, crowd
from zhengxin.simulation.world import (
    DOCUMENT_TITLE,
    LENDER_CODE,
    LENDER_NAME,
    CampaignPlan,
    MonthSummary,
    World,
)

SHOWN_IN_FULL = ("overdue", "closer")


def run(console: Console, folder: Path, start: date, months: int, crowd_size: int = 300) -> None:
    """Simulate ``months`` months from ``start`` and print what happened and the reports."""
    plan = upgrade_plan(start)
    world = World.create(folder, start, cast(start) + crowd(start, crowd_size), plan)
    console.print(Rule("Zhengxin demo: consent → lender → 二代 file → bureau → credit report"))
    console.print(
        f"Lender {LENDER_NAME} ({LENDER_CODE}) runs a Huabei-like revolving line "
        "(R1, bill day 1st, due 10th, minimum 10 %).\n"
        "Two bureaus, each its own database: the national one (CRC) and a market bureau "
        f"(Baihang). Clock fixed at {start}; {months} months simulated.\n"
        f"The lender reports nobody without a signed 《{DOCUMENT_TITLE}》. The seven sign it "
        "when they open; the crowd meets it as the service upgrade below. Its version 2 "
        "names the CRC alone: 赵敏 and about a quarter of the crowd sign that one, and "
        "Baihang never hears of them.\n"
        f"  campaign {plan.code}: notice {plan.notice_on}, deadline {plan.deadline}, rollout "
        + ", ".join(f"{percent} % from {day}" for day, percent in plan.stages)
        + ".\n  A late-reached person gets the same grace as the first cohort; after their "
        "deadline an unsigned person cannot spend, but can repay and close.\n"
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
    consent_table = Table(title="Month by month: consent, notices and the furnishing gates")
    for column in (
        "month",
        "signed",
        "purchases refused (unsigned)",
        "closed (objected)",
        "art. 15 notices",
        "held back: unsigned",
        "held back: awaiting notice",
    ):
        consent_table.add_column(column, justify="right")
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
        held = Counter(h.reason for h in summary.held_back)
        consent_table.add_row(
            f"{summary.month:%Y-%m}",
            str(summary.signed),
            str(summary.blocked),
            str(summary.objected),
            str(summary.notices),
            str(held[NO_AUTHORIZATION]),
            str(held[NOTICE_PENDING]),
        )
        accounts = [name for name, _ in summary.files if _record_type(name) == "210"]
        if not first_file and accounts:
            first_file.append(world.outbox / accounts[0])

    last_day = add_months(start, months) - timedelta(days=1)
    world.run_until(last_day, on_month)
    console.print(months_table)
    console.print(consent_table)
    show_consent(console, world, plan)

    if first_file:
        sample = read_submission(first_file[0])
        console.print(Rule(f"The first submission file: {first_file[0].name}"))
        console.print(f"header (50 characters): [bold]{sample.header.render()}[/]")
        for number, text in sample.lines():
            console.print(f"record {number}:")
            console.print(text, markup=False, soft_wrap=True)
            break
        refuse_a_lying_file(console, world, first_file[0])
        check_every_file(console, world)
        largest = max(
            (p for p in _submissions(world) if _record_type(p.name) == "210"),
            key=lambda path: path.stat().st_size,
        )
        answer_a_broken_file(console, world, largest)

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
            try:
                report = reports.report_for(world.id_number(p))
            except NotFound:
                outcomes.setdefault("never authorized: not at the bureau", Counter())["-"] += 1
                continue
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
        f"\nDatabases and files are in {folder}/ (lender.sqlite3, crc.sqlite3, "
        "baihang.sqlite3, outbox/<BUREAU>/)."
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


def check_every_file(console: Console, world: World) -> None:
    """Every file the lender furnished, checked against every rule of the interface."""
    files = _submissions(world)
    records = passed = 0
    codes: Counter[str] = Counter()
    for path in files:
        check = check_file(path)
        for result in check.records():
            records += 1
            passed += not result.errors
            codes.update(e.code for e in result.errors)
        codes.update(e.code for e in check.file_errors)
    console.print(Rule("The 二代 interface: every furnished file against every rule"))
    console.print(
        f"{len(files)} files, {records} records: {passed} pass all the rules of records 110, "
        f"220 and 210 (§3-§6: segments by report-timing code and account type, items, codes, "
        f"dates, amounts), {records - passed} do not"
        + (f" ({', '.join(f'{c} x{n}' for c, n in codes.most_common())})" if codes else "")
        + ".\n(`zhengxin pboc validate FILE` checks one file; `--json` for machines.)"
    )
    answers = sorted(world.outbox.glob("*/feedback/*.txt"))
    flags = Counter(path.stem[-1] for path in answers)
    console.print(
        "Each bureau answered each file with its feedback file: "
        f"{len(answers)} in outbox/<BUREAU>/feedback/ "
        f"({', '.join(f'flag {flag}: {n}' for flag, n in sorted(flags.items()))})."
    )


def answer_a_broken_file(console: Console, world: World, source: Path) -> None:
    """A file with two broken records, the errors the validator finds, and the feedback file
    the bureau returns for it, read back as the furnisher reads it."""
    original = read_submission(source)
    first_line, *lines = source.read_bytes().decode("utf-8").split("\r\n")
    if len(lines) < 3:
        return
    lines[0] = re.sub(r"<AcctBal>[0-9]+</AcctBal>", "<AcctBal>5,000</AcctBal>", lines[0], count=1)
    lines[2] = re.sub(r"<LatRpyDate>[^<]*</LatRpyDate>", "", lines[2], count=1)
    name = FileName(original.name.institution, original.name.file_date, "210", "901")
    folder = world.outbox.parent / "edited"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name.render()
    # A copy edited by hand (the records are the ones already furnished through the gates).
    path.write_bytes("\r\n".join([first_line, *lines]).encode("utf-8"))
    created = datetime.combine(original.name.file_date, time(23, 30))
    console.print(
        f"\nA hand-edited copy, {path.name}: record 1 with the balance written '5,000', "
        "record 3 without its LatRpyDate. The bureau's answer:"
    )
    answers = world.bureau_outbox("CRC") / "feedback"
    answer = feedback_for(check_file(path), answers, created + timedelta(minutes=5))
    feedback = read_feedback(answer)
    header = feedback.header
    console.print(
        f"  feedback file {answer.name} (flag {header.flag}: some records loaded), header "
        f"[bold]{header.render()}[/]: {header.accepted} accepted, {header.rejected} rejected"
    )
    for rejected in feedback.rejected():
        for error in rejected.errors:
            console.print(f"  record {rejected.position}: \\[{error.code}] {error.message}")
    console.print(
        "  The furnisher corrects those two records and sends them again; the others landed."
    )


def _submissions(world: World) -> list[Path]:
    """Every file the lender furnished, to every bureau."""
    return sorted(p for p in world.outbox.glob("*/*.txt"))


def _record_type(name: str) -> str:
    return FileName.parse(Path(name).name).record_type


def upgrade_plan(start: date) -> CampaignPlan:
    """The demo's service upgrade: noticed in the third month, widened twice, with a deadline
    three months after the notice."""
    notice = add_months(start, 2)
    return CampaignPlan(
        code="UPGRADE",
        notice_on=notice,
        deadline=add_months(notice, 3) - timedelta(days=1),
        stages=((notice, 30), (add_months(notice, 2), 60), (add_months(notice, 4), 100)),
    )


def show_consent(console: Console, world: World, plan: CampaignPlan) -> None:
    """The campaign's outcome, two notices, and the lender's inquiry gate at work."""
    if world.clock.today() < plan.notice_on:
        console.print(
            f"The service upgrade {plan.code} is noticed on {plan.notice_on}, after the "
            "simulated months: simulate more months to see it."
        )
        return
    with unit_of_work(world.lender_engine) as session:
        lender = world.lender(session)
        progress = lender.consent.progress(plan.code)
        table = Table(title=f"The service upgrade {plan.code} at the end of the story")
        for column in (
            "people with a line",
            "reached",
            "signed",
            "prompted",
            "refused service",
            "closed",
        ):
            table.add_column(column, justify="right")
        table.add_row(
            str(progress.subjects),
            f"{progress.reached} ({progress.percent} % rollout)",
            str(progress.signed),
            str(progress.prompted),
            str(progress.blocked),
            str(progress.closed),
        )
        console.print(table)
        if world.notifier.sent:
            console.print(
                Rule("Art. 15: the subject is told before adverse information is reported")
            )
            for message in world.notifier.sent[:2]:
                console.print(
                    f"{message.sent_at:%Y-%m-%d} {message.channel} → {message.subject_name}: "
                    f"{message.content}"
                )
            console.print(f"… {len(world.notifier.sent)} notices in all, each recorded.\n")

        console.print(Rule("The lender's inquiry gate: a report only under a signed authorization"))
        client = InquiryClient(lender, {"CRC": world.desk()})
        for person, why in _inquiry_examples(world):
            who = f"{person.name} ({why})"
            try:
                answer = client.inquire(world.id_number(person), "CRC", "01")
            except ZhengxinError as exc:
                console.print(f"  {who}: [bold red]\\[{exc.code}][/] {exc.message}")
                continue
            if answer.answered and answer.report is not None:
                accounts = len(answer.report.get("accounts", []))
                console.print(
                    f"  {who}: answered; the report lists {accounts} account(s). The inquiry "
                    "carried the signature's reference, hash and date, and purpose 01."
                )
            else:
                console.print(f"  {who}: the bureau refused [{answer.code}] {answer.message}")
        closer = next((p for p in world.people if p.key == "closer"), None)
        if closer is not None and closer.key in world.accounts:
            console.print(f"\nConsent history of {closer.name}:")
            for event in lender.consent.history(world.id_number(closer)):
                console.print(
                    f"  {event.at:%Y-%m-%d %H:%M} {event.event:8} {event.document}: {event.detail}"
                )


def _inquiry_examples(world: World) -> list[tuple[Persona, str]]:
    by_key = {p.key: p for p in world.people if p.key in world.accounts}
    out = []
    if "full" in by_key:
        out.append((by_key["full"], "signed when opening"))
    never = next(
        (p for p in world.people if p.consent == "never" and p.key in world.accounts), None
    )
    if never is not None:
        out.append((never, "never signed"))
    if "closer" in by_key:
        out.append((by_key["closer"], "closed the line, which ended the authorization"))
    return out
