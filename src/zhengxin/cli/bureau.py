"""``zhengxin bureau ...``: reports under authorization, self-queries, disputes, retention and
the audit log. Thin faces over the bureau's services; every command owns its transaction.

Commands that depend on the day (which authorizations hold, deadlines, retention, the free
self-queries of a year) use today. In a simulation (``ZHENGXIN_SIMULATION=1``: demos and
tests) they take ``--on YYYY-MM-DD`` to stand on another day; anywhere else ``--on`` is
refused, since it would let a caller pick the legal day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zhengxin.bureau.audit import Actor, AuditLog, head, verify
from zhengxin.bureau.disputes import DisputeAnswer, DisputeDesk
from zhengxin.bureau.html import report_html
from zhengxin.bureau.inquiries import Answer, Ask, AuthorizationFiling, InquiryDesk
from zhengxin.bureau.people import known_subject
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.bureau.render import report_renderable
from zhengxin.bureau.report import report_json
from zhengxin.bureau.repository import BureauRepository
from zhengxin.bureau.retention import purge
from zhengxin.bureau.schema import write_schema
from zhengxin.cli.guard import typed_date
from zhengxin.codes import IdType
from zhengxin.kernel.clock import CHINA, Clock, FixedClock, SystemClock, stored_instant
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.identity import mask_id
from zhengxin.kernel.settings import Settings

app = typer.Typer(
    help="The bureau: ingest submission files, answer inquiries, disputes, retention, audit."
)
authorization_app = typer.Typer(help="Authorizations institutions lodge for their queries.")
dispute_app = typer.Typer(help="Disputes (art. 25) and subjects' statements.")
audit_app = typer.Typer(help="The tamper-evident audit log (art. 22).")
app.add_typer(authorization_app, name="authorization")
app.add_typer(dispute_app, name="dispute")
app.add_typer(audit_app, name="audit")
console = Console()

Db = Annotated[str | None, typer.Option(help="the bureau's database URL")]
On = Annotated[str | None, typer.Option(help="stand on this day, YYYY-MM-DD")]
Format = Annotated[str, typer.Option("--format", help="text, json or html")]
Out = Annotated[Path | None, typer.Option(help="write the report to this file")]
FORMATS = ("text", "json", "html")
MAX_ID = 2**31 - 1


@dataclass
class Desk:
    """One command's view of the bureau: its session and clock."""

    session: Session
    clock: Clock


@contextmanager
def desk(db: str | None, on: str | None, snapshot: bool = False) -> Iterator[Desk]:
    """The bureau's session for one command. ``snapshot``: read one consistent state (on
    PostgreSQL a repeatable-read transaction), for walks that must not see later writes."""
    settings = Settings()
    if on and not settings.simulation:
        raise InvalidInput(
            "cli.on",
            "--on stands on another day, which decides what the law allows; it is for "
            "simulations only (set ZHENGXIN_SIMULATION=1)",
        )
    clock: Clock = FixedClock.on(typed_date(on, "--on")) if on else SystemClock()
    engine: Engine = make_engine(db or settings.database_url("bureau"))
    try:
        migrate(engine, "zhengxin.bureau.migrations")
        if snapshot and engine.dialect.name == "postgresql":
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with unit_of_work(engine) as session:
            yield Desk(session, clock)
    finally:
        engine.dispose()


def _show(answer: Answer, form: str, out: Path | None) -> None:
    report = answer.report
    assert report is not None
    if form == "json":
        text = report_json(report)
    elif form == "html":
        text = report_html(report)
    else:
        text = ""
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as failed:
            raise InvalidInput(
                "cli.out", f"cannot write the report to {out}: {failed.strerror}"
            ) from None
        console.print(f"report {report.report_number} written to {escape(str(out))}")
    elif form == "text":
        console.print(report_renderable(report))
    else:
        typer.echo(text)


def _output(form: str, out: Path | None) -> None:
    """Check where the report goes before asking for it: a report asked for is an inquiry
    recorded (and perhaps a self-query charged) whether or not it can then be written."""
    if form not in FORMATS:
        raise InvalidInput("cli.format", f"--format is one of {', '.join(FORMATS)}; got {form!r}")
    if out is None:
        return
    if form == "text":
        raise InvalidInput("cli.format", "--out writes json or html; choose --format")
    if not out.parent.is_dir():
        raise InvalidInput("cli.out", f"there is no folder {out.parent} to write the report in")
    if out.is_dir():
        raise InvalidInput("cli.out", f"{out} is a folder; name a file")


@app.command("register")
def register_institution(
    code: Annotated[str, typer.Argument(help="the 14-character institution code")],
    name: Annotated[str, typer.Argument(help="the registered name")],
    kind: Annotated[str, typer.Option(help="bank, consumer_finance, microloan or other")],
    db: Db = None,
    on: On = None,
) -> None:
    """Register an institution with the bureau."""
    try:
        parsed = InstitutionKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in InstitutionKind)
        raise InvalidInput(
            "institution.kind", f"{kind!r} is not a kind; use one of {kinds}"
        ) from None
    with desk(db, on) as d:
        row = register(d.session, d.clock, code, name, parsed)
        purposes = ", ".join(p.value for p in sorted(parsed.query_purposes)) or "none"
        console.print(
            f"registered {row.code} {escape(row.name)} ({row.kind}); may query for {purposes}"
        )


@app.command("report")
def report(
    id_number: Annotated[str, typer.Argument(help="the subject's resident ID number")],
    institution: Annotated[str, typer.Option("--as", help="the institution asking")],
    reason: Annotated[str, typer.Option(help="the purpose: a query-reason code, e.g. 02")],
    auth: Annotated[
        str | None, typer.Option(help="the reference of the subject's lodged authorization")
    ] = None,
    sha256: Annotated[
        str | None, typer.Option(help="the SHA-256 of the text the subject signed")
    ] = None,
    form: Format = "text",
    out: Out = None,
    db: Db = None,
    on: On = None,
) -> None:
    """An institution's inquiry: the report, or the refusal with its code (exit 1)."""
    _output(form, out)
    with desk(db, on) as d:
        answer = InquiryDesk(d.session, d.clock).ask(
            Ask(institution, id_number, reason, auth, sha256)
        )
    if not answer.answered:
        console.print(
            f"[bold red]refused[/] {escape(f'[{answer.code}]')}: {escape(answer.message)}\n"
            f"(inquiry {answer.inquiry_id} is recorded, and so is this refusal in the audit log)"
        )
        raise typer.Exit(1)
    _show(answer, form, out)


@app.command("self-report")
def self_report(
    id_number: Annotated[str, typer.Argument(help="your resident ID number")],
    form: Format = "text",
    out: Out = None,
    db: Db = None,
    on: On = None,
) -> None:
    """Your own report (本人查询): two a year are free, the third and later are chargeable."""
    _output(form, out)
    with desk(db, on) as d:
        answer = InquiryDesk(d.session, d.clock).self_query(id_number)
    if answer.chargeable:
        console.print("[yellow]this is your third or later report this year: it is chargeable[/]")
    _show(answer, form, out)


@app.command("inquiries")
def inquiries(
    id_number: Annotated[str, typer.Argument(help="the subject's resident ID number")],
    why: Annotated[str, typer.Option(help="why you read it (kept in the audit log)")],
    db: Db = None,
) -> None:
    """Every inquiry about a subject, refusals included (the operator's view, audited)."""
    with desk(db, None) as d:
        rows = InquiryDesk(d.session, d.clock).history(id_number, why)
        table = Table("id", "asked (UTC+8)", "who", "purpose", "authorization", "outcome")
        for row in rows:
            table.add_row(
                str(row.id),
                f"{stored_instant(row.asked_at).astimezone(CHINA):%Y-%m-%d %H:%M}",
                row.institution_code or "本人 self",
                row.purpose or "-",
                row.authorization_ref or "-",
                row.outcome
                + (f" {row.refusal_code}" if row.refusal_code else "")
                + (" (chargeable)" if row.chargeable else ""),
            )
    console.print(table)


@app.command("purge")
def purge_command(db: Db = None, on: On = None) -> None:
    """Delete adverse information 5 years after it ended (art. 16)."""
    with desk(db, on) as d:
        done = purge(d.session, d.clock)
    console.print(
        f"purged {done.months} months and {done.events} events of {done.accounts} accounts"
    )


@app.command("schema")
def schema(
    out: Annotated[Path, typer.Argument(help="where to write the JSON schema")] = Path(
        "docs/report.schema.json"
    ),
) -> None:
    """Write the credit report's JSON schema, generated from the report's model."""
    write_schema(out)
    console.print(f"schema written to {escape(str(out))}")


# -- authorizations ---------------------------------------------------------------------------


@authorization_app.command("lodge")
def lodge(
    id_number: Annotated[str, typer.Argument(help="the subject's resident ID number")],
    name: Annotated[str, typer.Argument(help="the subject's name")],
    institution: Annotated[str, typer.Option("--as", help="the institution holding it")],
    ref: Annotated[str, typer.Option(help="its reference, as inquiries will quote it")],
    sha256: Annotated[str, typer.Option(help="the SHA-256 of the text signed")],
    signed: Annotated[str, typer.Option(help="the signing date, YYYY-MM-DD")],
    purposes: Annotated[str, typer.Option(help="query-reason codes it covers, e.g. 02,01")],
    scope: Annotated[str, typer.Option(help="query, report or both")] = "query",
    document: Annotated[str, typer.Option(help="the document's title and version")] = "",
    until: Annotated[str | None, typer.Option(help="last day it is valid")] = None,
    db: Db = None,
    on: On = None,
) -> None:
    """Lodge a subject's signed authorization."""
    filing = AuthorizationFiling(
        institution_code=institution,
        reference=ref,
        id_number=id_number,
        name=name,
        document=document or ref,
        document_sha256=sha256,
        signed_on=typed_date(signed, "--signed"),
        scope=scope,
        purposes=tuple(p.strip() for p in purposes.split(",") if p.strip()),
        valid_until=typed_date(until, "--until") if until else None,
    )
    with desk(db, on) as d:
        row = InquiryDesk(d.session, d.clock).lodge(filing)
        console.print(
            f"authorization {escape(row.reference)} lodged for {mask_id(row.id_number)} "
            f"({row.scope}, purposes {row.purposes})"
        )


@authorization_app.command("revoke")
def revoke(
    ref: Annotated[str, typer.Argument(help="the authorization's reference")],
    institution: Annotated[str, typer.Option("--as", help="the institution holding it")],
    db: Db = None,
    on: On = None,
) -> None:
    """The subject withdrew an authorization: from today it covers nothing."""
    with desk(db, on) as d:
        row = InquiryDesk(d.session, d.clock).revoke(institution, ref)
        console.print(f"authorization {escape(row.reference)} revoked on {row.revoked_on}")


# -- disputes -------------------------------------------------------------------------------


@dispute_app.command("file")
def file_dispute(
    id_number: Annotated[str, typer.Argument(help="your resident ID number")],
    kind: Annotated[str, typer.Option("--type", help="dispute type: 01-05")],
    institution: Annotated[
        str | None, typer.Option(help="the institution that reported the account")
    ] = None,
    account: Annotated[str | None, typer.Option(help="the account code disputed")] = None,
    month: Annotated[str | None, typer.Option(help="the month disputed, YYYY-MM")] = None,
    inquiry: Annotated[
        int | None, typer.Option(help="the inquiry disputed (type 04)", min=1, max=MAX_ID)
    ] = None,
    detail: Annotated[str, typer.Option(help="what is wrong, in your words")] = "",
    db: Db = None,
    on: On = None,
) -> None:
    """Dispute a record or a query record; it is marked on your report at once."""
    first = typed_date(f"{month}-01", "--month") if month else None
    with desk(db, on) as d:
        row = DisputeDesk(d.session, d.clock).file(
            id_number,
            kind,
            institution_code=institution,
            account_code=account,
            month=first,
            inquiry_id=inquiry,
            detail=detail,
        )
        console.print(
            f"dispute {row.id} filed on {row.filed_on}; {row.institution_code} must answer and "
            f"the bureau close it by {row.deadline}"
        )


@dispute_app.command("tasks")
def dispute_tasks(
    institution: Annotated[str, typer.Option("--as", help="the institution answering")],
    everything: Annotated[bool, typer.Option("--all", help="closed ones too")] = False,
    db: Db = None,
    on: On = None,
) -> None:
    """The disputes an institution must answer."""
    with desk(db, on) as d:
        tasks = DisputeDesk(d.session, d.clock).tasks(institution, include_closed=everything)
        table = Table("id", "type", "account", "month", "filed", "deadline", "days left", "status")
        for t in tasks:
            table.add_row(
                str(t.dispute_id),
                f"{t.dispute_type} {t.dispute_type_label}",
                t.account_code or f"inquiry {t.inquiry_id}",
                f"{t.month:%Y-%m}" if t.month else "-",
                str(t.filed_on),
                str(t.deadline),
                str(t.days_left),
                t.status,
            )
    console.print(table)


@dispute_app.command("answer")
def dispute_answer(
    dispute_id: Annotated[int, typer.Argument(help="the dispute", min=1, max=MAX_ID)],
    institution: Annotated[str, typer.Option("--as", help="the institution answering")],
    note: Annotated[str, typer.Option(help="what the institution found")],
    corrected: Annotated[
        str | None,
        typer.Option(help="the correction file (212/213/214) sent; omit to confirm the record"),
    ] = None,
    db: Db = None,
    on: On = None,
) -> None:
    """The institution's answer: the record confirmed, or corrected by a file it sent."""
    verdict = DisputeAnswer.CORRECTED if corrected else DisputeAnswer.CONFIRMED
    with desk(db, on) as d:
        row = DisputeDesk(d.session, d.clock).answer(
            dispute_id, institution, verdict, note, corrected
        )
        console.print(f"dispute {row.id} answered: {row.answer}")


@dispute_app.command("close")
def dispute_close(
    dispute_id: Annotated[int, typer.Argument(help="the dispute", min=1, max=MAX_ID)],
    note: Annotated[str, typer.Option(help="the bureau's written answer to the subject")] = "",
    db: Db = None,
    on: On = None,
) -> None:
    """The bureau closes an answered dispute with its outcome."""
    with desk(db, on) as d:
        row = DisputeDesk(d.session, d.clock).close(dispute_id, note)
        console.print(f"dispute {row.id} closed on {row.closed_on}: {row.outcome}")


@dispute_app.command("overdue")
def dispute_overdue(db: Db = None, on: On = None) -> None:
    """Disputes not closed within 20 days (exit 1 when there are any)."""
    with desk(db, on) as d:
        late = DisputeDesk(d.session, d.clock).past_deadline()
        for row in late:
            console.print(
                f"dispute {row.id} ({row.institution_code}, {row.status}) was due {row.deadline}"
            )
    if late:
        raise typer.Exit(1)
    console.print("no dispute is past its deadline")


@dispute_app.command("statement")
def statement(
    id_number: Annotated[str, typer.Argument(help="your resident ID number")],
    kind: Annotated[str, typer.Option("--type", help="statement type: 01-06")],
    text: Annotated[str, typer.Option(help="the statement, as the report will show it")],
    institution: Annotated[str | None, typer.Option(help="the account's institution")] = None,
    account: Annotated[str | None, typer.Option(help="the account it is about")] = None,
    db: Db = None,
    on: On = None,
) -> None:
    """Add your statement (本人声明); every report shows it."""
    with desk(db, on) as d:
        row = DisputeDesk(d.session, d.clock).add_statement(
            id_number, kind, text, institution_code=institution, account_code=account
        )
        console.print(f"statement {row.id} added")


# -- audit ------------------------------------------------------------------------------------


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise InvalidInput(
            "cli.anchor", f"an anchor is LINE:HASH as `audit head` prints it; got {text!r}"
        )
    return int(seq), digest.lower()


@audit_app.command("head")
def audit_head(db: Db = None) -> None:
    """Print the chain's last line and hash (LINE:HASH), to publish outside the database."""
    with desk(db, None) as d:
        seq, digest = head(d.session)
    typer.echo(f"{seq}:{digest}")


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[
        list[str] | None,
        typer.Option(help="a published LINE:HASH (from `audit head`) the log must still hold"),
    ] = None,
    db: Db = None,
) -> None:
    """Check the audit chain: exit 1 and name every line edited, missing or out of place."""
    anchors = dict(_anchor(a) for a in anchor or [])
    with desk(db, None, snapshot=True) as d:
        verdict = verify(d.session, anchors=anchors)
    if verdict.ok:
        console.print(f"audit chain intact: {verdict.entries} lines, head at {verdict.head_seq}")
        return
    for problem in verdict.problems:
        where = f"line {problem.seq}" if problem.seq is not None else "log"
        console.print(f"[bold red]{problem.kind}[/] {where}: {escape(problem.message)}")
    console.print(f"audit chain BROKEN: {len(verdict.problems)} problem(s)")
    raise typer.Exit(1)


@audit_app.command("readers")
def audit_readers(
    id_number: Annotated[str, typer.Argument(help="your resident ID number")],
    db: Db = None,
) -> None:
    """Every institution (and you) that read your data, oldest first."""
    with desk(db, None) as d:
        subject = known_subject(BureauRepository(d.session), IdType.RESIDENT_ID.value, id_number)
        readings = AuditLog(d.session, d.clock).readers(subject.id, shown_to=Actor.SUBJECT.value)
        table = Table("when (UTC+8)", "who", "what", "why")
        for r in readings:
            table.add_row(
                f"{stored_instant(r.at).astimezone(CHINA):%Y-%m-%d %H:%M}",
                f"{r.actor_name} ({r.actor})" if r.actor_name != r.actor else r.actor,
                r.what,
                r.why,
            )
    console.print(table)


@audit_app.command("log")
def audit_log(
    limit: Annotated[int, typer.Option(help="how many lines, newest first", min=1)] = 20,
    db: Db = None,
) -> None:
    """The newest lines of the audit log."""
    with desk(db, None) as d:
        table = Table("seq", "at (UTC+8)", "actor", "action", "subject", "what", "why")
        for e in AuditLog(d.session, d.clock).entries(limit=limit):
            table.add_row(
                str(e.seq),
                f"{stored_instant(e.at).astimezone(CHINA):%Y-%m-%d %H:%M}",
                e.actor,
                e.action,
                str(e.subject_id or "-"),
                e.what,
                e.why,
            )
    console.print(table)
