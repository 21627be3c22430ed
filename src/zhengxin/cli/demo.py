"""``zhengxin demo``: the whole chain, narrated, on the embedded storage."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from sqlalchemy import func, select

from zhengxin.bureau.ingest import Ingestor
from zhengxin.bureau.models import (
    Account,
    AccountEvent,
    AccountMonth,
    Agreement,
    Subject,
    SubjectInfo,
    Submission,
)
from zhengxin.bureau.render import report_renderable
from zhengxin.bureau.report import ReportService
from zhengxin.cli.demo_law import show_law
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
    faulty = add_months(start, 10) - timedelta(days=1)
    if months > 10:
        world.faults[faulty] = FAULTY_EVERY
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

    months_table = Table(
        title="Month by month: the lender's books and what each bureau took (records accepted)"
    )
    for column in ("month", "opened", "bills cut", "spent", "repaid", "files → bureaus"):
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
    summaries: list[MonthSummary] = []

    def on_month(summary: MonthSummary) -> None:
        summaries.append(summary)
        files = " · ".join(
            f"{bureau} {len(took)} files {sum(r.accepted for r in took):,}/"
            f"{sum(r.records for r in took):,}"
            for bureau in world.bureaus
            if (took := [r for name, r in summary.files if name.startswith(f"{bureau}/")])
        )
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
    show_furnishing(console, world)
    show_faulty_export(console, summaries, faulty)

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
    show_law(console, world, folder)
    console.print(
        f"\nDatabases and files are in {folder}/ (lender.sqlite3, crc.sqlite3, "
        "baihang.sqlite3, outbox/<BUREAU>/)."
    )


FAULTY_EVERY = 40
_TIMING = re.compile(r"<RptDateCode>(\d\d)</RptDateCode>")
_ACCOUNT_TYPE = re.compile(r"<AcctType>(\w\w)</AcctType>")


def show_furnishing(console: Console, world: World) -> None:
    """What the lender told each bureau, by record type and report-timing code, and what each
    bureau holds as a result."""
    told = Table(title="What the lender furnished to each bureau (records)")
    held = Table(title="What each bureau holds (its own database)")
    for column in ("bureau", "files", "110 / 220", "210 R1 / R4", "210 by report-timing code"):
        told.add_column(column)
    models = (Subject, SubjectInfo, Agreement, Account, AccountMonth, AccountEvent, Submission)
    held.add_column("bureau")
    for title in ("people", "110 facts", "220", "accounts", "months", "40s", "files"):
        held.add_column(title, justify="right")
    for bureau, engine in world.bureaus.items():
        by_type: Counter[str] = Counter()
        timings: Counter[str] = Counter()
        accounts: Counter[str] = Counter()
        files = [p for p in _submissions(world) if p.parent.name == bureau]
        for path in files:
            kind = _record_type(path.name)
            text = path.read_text(encoding="utf-8")
            by_type[kind] += text.count("\n<Document>")
            if kind == "210":
                timings.update(_TIMING.findall(text))
                accounts.update(_ACCOUNT_TYPE.findall(text))
        told.add_row(
            bureau,
            str(len(files)),
            f"{by_type['110']:,} / {by_type['220']:,}",
            f"{accounts['R1']:,} / {accounts['R4']:,}",
            "  ".join(
                f"{code}: {timings[code]:,}" for code in ("10", "30", "31", "40", "20", "32")
            ),
        )
        with unit_of_work(engine) as session:
            counts = [session.scalar(select(func.count()).select_from(m)) or 0 for m in models]
        held.add_row(bureau, *(f"{n:,}" for n in counts))
    console.print(told)
    console.print(held)
    console.print(
        "Codes: 10 opened, 30 month end, 31 first report at a month end of an account that "
        "existed before its holder signed, 40 the day a repayment clears what was overdue, "
        "20 closed, 32 closed on a month's last day. Each person's records went only to the "
        "bureaus their signature names."
    )


def show_faulty_export(console: Console, summaries: list[MonthSummary], day: date) -> None:
    """The month whose CRC file a faulty export damaged: what the bureau rejected, and how the
    lender put it right from its ledger the next morning."""
    month = next((m for m in summaries if m.damaged), None)
    if month is None:
        return
    after = next((m for m in summaries if m.month > month.month and m.remedied), None)
    console.print(Rule(f"A faulty export on {day}: rejected, rebuilt from the ledger, re-sent"))
    rejected = [rej for name, r in month.files if name.startswith("CRC/") for rej in r.rejections]
    codes = Counter(e.code for rej in rejected for e in rej.errors)
    console.print(
        f"The export damaged {month.damaged} records of the CRC's month-end file (an amount "
        "written with a unit, an ID number missing a digit). The CRC loaded the rest and "
        f"rejected {len(rejected)}: "
        + ", ".join(f"{code} x{n}" for code, n in codes.most_common())
        + "."
    )
    if after is None:
        return
    for remedied in after.remedied:
        verdicts = Counter(v.remedy.value for v in remedied.verdicts)
        console.print(
            f"The next morning the lender read {remedied.feedback.name}: "
            + ", ".join(f"{n} {what}" for what, n in verdicts.items())
        )
        for verdict in remedied.verdicts[:3]:
            console.print(f"  {verdict.describe()}")
        for furnished in remedied.files:
            result = next(
                (r for name, r in after.files if name.endswith(furnished.path.name)), None
            )
            if result is not None:
                console.print(
                    f"  re-sent in {furnished.path.name}: {result.accepted} accepted, "
                    f"{result.rejected} rejected"
                )
        people = remedied.needing_a_person()
        console.print(
            f"  {len(people)} need a person"
            if people
            else "  none needs a person: the bureau's history for those months now equals the "
            "ledger's."
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
