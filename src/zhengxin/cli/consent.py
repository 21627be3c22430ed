"""``zhengxin lender consent ...``: authorization documents, signatures and campaigns.

Each command is one unit of work on the lender's database (``--db`` or the settings) on the
business date ``--date`` (default: today in China), like the other ``lender`` commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zhengxin.cli.guard import typed_date
from zhengxin.cli.lender import Db, On, service
from zhengxin.codes import Bureau
from zhengxin.kernel.clock import CHINA, business_date, stored_instant
from zhengxin.kernel.errors import InvalidInput
from zhengxin.lender.consent import Scope, reference_of
from zhengxin.lender.models import AuthorizationDocument

app = typer.Typer(help="Authorization documents (授权书), signatures and the service upgrade.")
console = Console()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("cli.file", f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise InvalidInput("cli.file", f"cannot read {path}: {exc.strerror or exc}") from None


def _validity(document: AuthorizationDocument) -> str:
    months = document.validity_months
    return f"{months} months" if months else "until closure"


@app.command("publish")
def publish(
    code: str,
    version: int,
    title: Annotated[str, typer.Option(help="the document's title")],
    text_file: Annotated[Path, typer.Option("--text-file", help="the whole text, UTF-8")],
    scope: Annotated[str, typer.Option(help="query, report or both")] = "both",
    bureau: Annotated[
        list[str] | None, typer.Option("--bureau", help="a bureau it covers (repeatable)")
    ] = None,
    validity_months: Annotated[
        int | None, typer.Option(help="how long a signature lasts (default: until closure)")
    ] = None,
    db: Db = None,
    on: On = None,
) -> None:
    """Publish a new version of an authorization document."""
    text = _read_text(text_file)
    with service(db, on) as s:
        document = s.consent.publish(
            code, version, title, text, scope, bureau or [], validity_months
        )
        console.print(
            f"published {document.code} v{document.version} sha256 {document.sha256}",
            markup=False,
        )


@app.command("documents")
def documents(db: Db = None, on: On = None) -> None:
    """Every published version of every document."""
    with service(db, on) as s:
        table = Table(title="Authorization documents")
        for column in (
            "code",
            "version",
            "title",
            "scope",
            "bureaus",
            "validity",
            "sha256",
            "published",
        ):
            table.add_column(column)
        for d in s.consent.documents():
            table.add_row(
                escape(d.code),
                str(d.version),
                escape(d.title),
                d.scope,
                d.bureaus,
                _validity(d),
                d.sha256[:12],
                str(business_date(stored_instant(d.published_at))),
            )
        console.print(table)


@app.command("show")
def show(
    code: str,
    version: Annotated[int | None, typer.Option(help="a version (default: the latest)")] = None,
    db: Db = None,
    on: On = None,
) -> None:
    """Print a document's whole text and its SHA-256: what a subject is shown before signing."""
    with service(db, on) as s:
        d = s.consent.document(code, version)
        typer.echo(f"{d.code} v{d.version} 《{d.title}》")
        typer.echo(f"scope {d.scope}; bureaus {d.bureaus}; validity {_validity(d)}")
        typer.echo("")
        typer.echo(d.text, nl=not d.text.endswith("\n"))
        typer.echo("")
        typer.echo(f"sha256 {d.sha256}")


@app.command("sign")
def sign(
    id_number: str,
    name: str,
    code: str,
    version: int,
    sha256: Annotated[str, typer.Option("--sha256", help="the SHA-256 of the text shown")],
    channel: Annotated[str, typer.Option(help="app, web, sms, paper or counter")] = "app",
    db: Db = None,
    on: On = None,
) -> None:
    """Record a subject's signature of one document version."""
    with service(db, on) as s:
        signature = s.consent.sign(id_number, name, code, version, sha256, channel)
        ref = reference_of(signature, s.consent.document(code, version))
        console.print(f"signed {ref.document}: {ref.reference}", markup=False)


@app.command("history")
def history(id_number: str, db: Db = None, on: On = None) -> None:
    """A subject's signatures, revocations and lapses, in time order."""
    with service(db, on) as s:
        table = Table(title="Consent history")
        for column in ("at", "event", "document", "detail"):
            table.add_column(column)
        for e in s.consent.history(id_number):
            table.add_row(
                f"{e.at.astimezone(CHINA):%Y-%m-%d %H:%M:%S}",
                e.event,
                escape(e.document),
                escape(e.detail),
            )
        console.print(table)


@app.command("status")
def status(id_number: str, db: Db = None, on: On = None) -> None:
    """Which authorizations are in force now, bureau by bureau, and the open prompts."""
    with service(db, on) as s:
        subject = s.consent.subject(id_number)
        held = s.consent.valid_signatures(subject.id, s.clock.now())
        table = Table(title="Authorizations in force")
        for column in ("bureau", "query", "report"):
            table.add_column(column)
        for bureau in Bureau:
            cells = []
            for scope in (Scope.QUERY, Scope.REPORT):
                found = next((h.reference for h in held if h.covers(scope, bureau.value)), None)
                cells.append(f"in force {found.reference} ({found.document})" if found else "none")
            table.add_row(bureau.value, *cells)
        console.print(table)
        prompts = s.consent.prompts(subject.id)
        if not prompts:
            console.print("no open prompts")
            return
        asks = Table(title="Open prompts")
        for column in ("campaign", "document", "title", "reached", "deadline", "state"):
            asks.add_column(column)
        for p in prompts:
            asks.add_row(
                escape(p.campaign),
                escape(p.document),
                escape(p.title),
                str(p.reached_on),
                str(p.deadline),
                "blocked" if p.blocked else "prompted",
            )
        console.print(asks)


@app.command("campaign-start")
def campaign_start(
    code: str,
    document: Annotated[str, typer.Option(help="the document code to sign")],
    version: Annotated[int, typer.Option(help="the document version")],
    notice: Annotated[str, typer.Option(help="notice date YYYY-MM-DD")],
    deadline: Annotated[str, typer.Option(help="deadline YYYY-MM-DD")],
    percent: Annotated[int, typer.Option(help="share of subjects reached, 1-100")],
    db: Db = None,
    on: On = None,
) -> None:
    """Start a service-upgrade campaign for one document version."""
    with service(db, on) as s:
        campaign = s.consent.start_campaign(
            code,
            document,
            version,
            typed_date(notice, "--notice"),
            typed_date(deadline, "--deadline"),
            percent,
        )
        console.print(
            f"campaign {campaign.code}: {document} v{version}, {percent} % from "
            f"{campaign.notice_on}, deadline {campaign.deadline}",
            markup=False,
        )


@app.command("campaign-widen")
def campaign_widen(
    code: str,
    percent: Annotated[int, typer.Option(help="the new share of subjects reached, 1-100")],
    effective: Annotated[
        str | None, typer.Option(help="first day of the new stage YYYY-MM-DD (default today)")
    ] = None,
    db: Db = None,
    on: On = None,
) -> None:
    """Widen a campaign's rollout; it only grows."""
    with service(db, on) as s:
        stage = s.consent.widen(
            code, percent, typed_date(effective, "--effective") if effective else None
        )
        console.print(f"campaign {code}: {stage.percent} % from {stage.effective_on}", markup=False)


@app.command("campaign-progress")
def campaign_progress(code: str, db: Db = None, on: On = None) -> None:
    """Where a campaign stands on the business date."""
    with service(db, on) as s:
        p = s.consent.progress(code)
        console.print(
            f"campaign {p.campaign} on {s.clock.today()}: {p.percent} % rollout; "
            f"{p.subjects} subjects, {p.reached} reached, {p.signed} signed, "
            f"{p.prompted} prompted, {p.blocked} blocked, {p.closed} closed",
            markup=False,
        )
