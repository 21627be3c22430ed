"""The demo's last part: reading a person's report under the law (see
:mod:`zhengxin.simulation.lawful` for the story), narrated."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table

from zhengxin.bureau.html import report_html
from zhengxin.bureau.render import report_renderable
from zhengxin.bureau.report import CreditReport, report_json
from zhengxin.bureau.retention import ADVERSE_REPAYMENT_STATUSES, RETENTION_YEARS
from zhengxin.kernel.clock import CHINA, stored_instant
from zhengxin.simulation.lawful import BANK_REFERENCE, LawStory, run_story
from zhengxin.simulation.world import BANK_CODE, BANK_NAME, World


def adverse_months(report: CreditReport | None) -> int:
    """Months of the 24-month grids a report shows with an adverse status."""
    if report is None:
        return 0
    return sum(1 for a in report.accounts for c in a.grid if c.status in ADVERSE_REPAYMENT_STATUSES)


def show_law(console: Console, world: World, folder: Path) -> LawStory:
    """Play the story and tell it."""
    story = run_story(world)
    who = story.person.name

    console.print(Rule("Art. 18: a bank's mortgage inquiry needs the subject's signature"))
    refused = story.refused
    console.print(
        f"{BANK_NAME} ({BANK_CODE}) asks the CRC for {who}'s report, purpose 02 贷款审批, "
        f"with no authorization: [bold red]refused \\[{refused.code}][/] {escape(refused.message)}"
        f"\n  The attempt is inquiry {refused.inquiry_id} in the bureau's records and a line in "
        "its audit log; it will never appear in her query records."
    )
    answered = story.answered
    if answered.report is not None:
        report = answered.report
        console.print(
            f"{who} signs the bank's authorization; the bank lodges it as {BANK_REFERENCE} and "
            f"asks again: answered, report {report.report_number}, "
            f"{len(report.accounts)} account(s), {report.summary.months_overdue} overdue "
            f"month(s) in the grids, {len(report.query_records.institutional)} earlier "
            "institutional query record(s)."
        )

    console.print(Rule("Art. 17: two free self-queries a year"))
    for number, answer in enumerate(story.self_queries, start=1):
        assert answer.report is not None
        asked = stored_instant(answer.report.generated_at).astimezone(CHINA)
        charge = "[yellow]chargeable[/]" if answer.chargeable else "free"
        console.print(f"  self-query {number} on {asked:%Y-%m-%d}: {charge}")

    if story.filed is not None and story.closed is not None:
        _show_dispute(console, story)

    if story.corrected is not None:
        console.print(Rule(f"{who}'s credit report after the dispute (本人查询)"))
        console.print(report_renderable(story.corrected))

    _show_retention(console, story)
    _show_audit(console, story)

    reports = folder / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    final = story.corrected or story.answered.report
    if final is not None:
        (reports / f"{final.report_number}.json").write_text(report_json(final), "utf-8")
        (reports / f"{final.report_number}.html").write_text(report_html(final), "utf-8")
        console.print(
            f"\nHer report as JSON (schema: docs/report.schema.json) and as a printable page: "
            f"{reports}/{final.report_number}.json and .html"
        )
    return story


def _show_dispute(console: Console, story: LawStory) -> None:
    filed, closed = story.filed, story.closed
    assert filed is not None and closed is not None
    month = f"{story.disputed_month:%Y-%m}" if story.disputed_month else "-"
    console.print(Rule("Art. 25: a dispute, marked at once, answered within 20 days"))
    console.print(
        f"On {filed.filed_on} {story.person.name} disputes {month} of account "
        f"{story.disputed_account} (02 否认逾期): {escape(filed.detail)}\n"
        f"  deadline {filed.deadline}; her report at once shows: "
        + "; ".join(
            m.text for a in (story.marked.accounts if story.marked else ()) for m in a.dispute_marks
        )
    )
    table = Table(title=f"What {filed.institution_code} sees: its dispute tasks")
    for column in ("dispute", "type", "account", "month", "deadline", "days left"):
        table.add_column(column, no_wrap=True)
    table.add_column("as the bureau holds it")
    for task in story.tasks:
        shown = ("repayment_status", "overdue_total_yuan", "report_date")
        held = ", ".join(f"{k}={task.held[k]}" for k in shown if k in task.held)
        table.add_row(
            str(task.dispute_id),
            f"{task.dispute_type} {task.dispute_type_label}",
            task.account_code or "-",
            f"{task.month:%Y-%m}" if task.month else "-",
            str(task.deadline),
            str(task.days_left),
            escape(held),
        )
    console.print(table)
    result = story.correction_result
    if story.correction is not None and result is not None:
        console.print(
            f"The lender finds the payment arrived on the due day and sends a 212 correcting "
            f"that month's H segment: {story.correction.name}, "
            f"{result.accepted}/{result.records} accepted."
        )
    console.print(
        f'It answers "{closed.answer}" naming the file; on {closed.closed_on} the bureau '
        f"closes the dispute: outcome [bold]{closed.outcome}[/] — "
        f"{escape(closed.outcome_note or '')}"
    )
    before = _grid(story.marked, story.disputed_account)
    after = _grid(story.corrected, story.disputed_account)
    console.print(f"  24-month grid before: {before}\n  24-month grid after:  {after}")
    if story.statement is not None:
        console.print(f"She adds a statement (本人声明): {escape(story.statement.text)}")


def _grid(report: CreditReport | None, account: str) -> str:
    if report is None:
        return "-"
    for section in report.accounts:
        if section.account_code == account:
            return "".join(c.status or "." for c in section.grid)
    return "-"


def _show_retention(console: Console, story: LawStory) -> None:
    spell = story.spell
    console.print(Rule(f"Art. 16: adverse information is kept {RETENTION_YEARS} years"))
    if spell is None or spell.expires_on is None:
        console.print("Her adverse spell has not ended: it stays on the report until it does.")
        return
    console.print(
        f"Her adverse spell ran {spell.first_month:%Y-%m} to {spell.last_month:%Y-%m} and ended "
        f"on {spell.ended_on}; it expires on {spell.expires_on}.\n"
        f"  report of the day before: {adverse_months(story.before_expiry)} adverse month(s) "
        f"in the 24-month grid; report of {spell.expires_on}: "
        f"{adverse_months(story.after_expiry)}."
    )
    if story.purged is not None:
        p = story.purged
        console.print(
            f"  The purge job on {spell.expires_on} deletes {p.months} months and {p.events} "
            f"events of {p.accounts} accounts across the CRC (hers and everyone else's that "
            "expired), each deletion an audit line."
        )


def _show_audit(console: Console, story: LawStory) -> None:
    console.print(Rule("Art. 22: every read leaves a trace the subject can see"))
    verdict = story.audit
    if verdict is not None:
        state = "[green]intact[/]" if verdict.ok else "[bold red]BROKEN[/]"
        console.print(
            f"zhengxin bureau audit verify: chain {state}, {verdict.entries} lines, head at line "
            f"{verdict.head_seq}."
        )
    table = Table(title=f"Who read {story.person.name}'s data (zhengxin bureau audit readers)")
    for column in ("when (UTC+8)", "who", "what", "why"):
        table.add_column(column)
    for r in story.readers:
        table.add_row(
            f"{stored_instant(r.at).astimezone(CHINA):%Y-%m-%d %H:%M}",
            r.actor_name,
            escape(r.what),
            escape(r.why),
        )
    console.print(table)
