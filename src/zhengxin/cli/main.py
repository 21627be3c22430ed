"""``zhengxin``: the command line. Every command is a thin face over a service.

A :class:`ZhengxinError` is printed as ``error [code]: message`` and exits with status 2;
no command shows a stack trace for bad input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, TaskID

from zhengxin.bureau.ingest import Ingestor, answer, refusal
from zhengxin.cli import bureau as bureau_cli
from zhengxin.cli import consent as consent_cli
from zhengxin.cli import demo as demo_module
from zhengxin.cli import lender as lender_cli
from zhengxin.cli import pboc as pboc_cli
from zhengxin.cli.guard import guard_all, guarded
from zhengxin.kernel.clock import SystemClock
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.errors import FileRejected, InvalidInput
from zhengxin.kernel.settings import Settings

app = typer.Typer(
    name="zhengxin",
    help="Zhengxin (征信): an open credit-reporting system.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
bureau_app = bureau_cli.app
app.add_typer(bureau_app, name="bureau")
app.add_typer(lender_cli.app, name="lender")
lender_cli.app.add_typer(consent_cli.app, name="consent")
app.add_typer(pboc_cli.app, name="pboc")
console = Console()


@app.command()
@guarded
def demo(
    months: Annotated[int, typer.Option(help="how many months to simulate", min=2, max=60)] = 24,
    start: Annotated[str, typer.Option(help="first simulated day, YYYY-MM-DD")] = "2024-01-01",
    folder: Annotated[Path, typer.Option(help="where the demo keeps its databases")] = Path(
        "var/demo"
    ),
    crowd: Annotated[int, typer.Option(help="synthetic users besides the seven", min=0)] = 300,
) -> None:
    """Run the whole chain for a handful of synthetic people over simulated months."""
    try:
        first_day = date.fromisoformat(start)
    except ValueError:
        raise InvalidInput(
            "demo.start", f"--start must be a date YYYY-MM-DD; got {start!r}"
        ) from None
    demo_module.run(console, folder, first_day, months, crowd)


@bureau_app.command("ingest")
@guarded
def bureau_ingest(
    files: Annotated[list[Path], typer.Argument(help="210 submission files")],
    db: Annotated[str | None, typer.Option(help="the bureau's database URL")] = None,
    feedback: Annotated[
        Path | None, typer.Option(help="folder for the feedback files (default: beside each file)")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="processes that check records while this one writes (0: none)")
    ] = 0,
) -> None:
    """Check and apply submission files, each whole or not at all, and answer each with its
    feedback file. Exit status 1 when a file was refused as a whole."""
    engine = make_engine(db or Settings().database_url("bureau"))
    migrate(engine, "zhengxin.bureau.migrations")
    clock = SystemClock()
    refused = False
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))
        for path in files:
            folder = feedback or path.parent / "feedback"
            records = progress.add_task(f"{escape(path.name)}: records", total=None)
            try:
                with unit_of_work(engine) as session:
                    ingestor = Ingestor(session, clock, workers=workers)
                    result = ingestor.ingest(path, _shown(progress, records))
            except FileRejected as exc:
                refused = True
                written = refusal(path, exc, folder, clock.now())
                where = f"; feedback: {written}" if written else ""
                console.print(
                    f"{escape(path.name)}: refused as a whole "
                    f"{escape(f'[{exc.code}]')} {escape(exc.message)}{where}"
                )
                progress.remove_task(records)
                progress.advance(task)
                continue
            progress.remove_task(records)
            progress.advance(task)
            if result.duplicate:
                console.print(f"{escape(path.name)}: already ingested; nothing changed")
                continue
            answered = answer(result, folder, clock.now())
            codes = Counter(e.code for r in result.rejections for e in r.errors)
            by_code = ", ".join(f"{code} x{n}" for code, n in sorted(codes.items()))
            console.print(
                f"{escape(path.name)}: {result.records} records, {result.accepted} accepted, "
                f"{result.rejected} rejected"
                + (f" ({by_code})" if by_code else "")
                + f"; feedback: {answered}"
            )
    if refused:
        raise typer.Exit(1)


def _shown(progress: Progress, task: TaskID) -> Callable[[int], None]:
    """Show the records done so far on a progress task."""

    def show(done: int) -> None:
        progress.update(task, completed=done)

    return show


guard_all(lender_cli.app)
guard_all(lender_cli.loan_app)
guard_all(consent_cli.app)
guard_all(pboc_cli.app)
for _bureau in (
    bureau_cli.app,
    bureau_cli.authorization_app,
    bureau_cli.dispute_app,
    bureau_cli.audit_app,
):
    guard_all(_bureau)


def main() -> None:
    app()
