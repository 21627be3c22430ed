"""``zhengxin lender ...``: the lender's operations from the command line.

Each command is one unit of work on the lender's database (``--db`` or the settings) on the
business date ``--date`` (default: today in China). Amounts are yuan with up to two decimals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from zhengxin.cli.guard import typed_date
from zhengxin.codes import RepaymentMode
from zhengxin.furnishing.service import Furnisher, bureau_outbox
from zhengxin.kernel.clock import Clock, FixedClock, SystemClock, month_end, next_month_start
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.identity import InstitutionCode
from zhengxin.kernel.money import Money
from zhengxin.kernel.settings import Settings
from zhengxin.lender.products import ProductCatalog
from zhengxin.lender.service import LenderService

app = typer.Typer(help="The lender: lines, purchases, repayments, loans, day-end, furnishing.")
loan_app = typer.Typer(help="Cash loans drawn under a line's cash limit.")
app.add_typer(loan_app, name="loan")
console = Console()

Db = Annotated[str | None, typer.Option("--db", help="the lender's database URL")]
On = Annotated[str | None, typer.Option("--date", help="business date YYYY-MM-DD (default today)")]


def _money(text: str) -> Money:
    return Money.yuan(text)


@contextmanager
def service(db: str | None, on: str | None) -> Iterator[LenderService]:
    settings = Settings()
    engine = make_engine(db or settings.database_url("lender"))
    migrate(engine, "zhengxin.lender.migrations")
    clock: Clock = FixedClock.on(typed_date(on)) if on else SystemClock()
    catalog = ProductCatalog.from_file(settings.products) if settings.products else None
    try:
        with unit_of_work(engine) as session:
            yield LenderService(
                session, clock, InstitutionCode.parse(settings.institution), catalog
            )
    finally:
        engine.dispose()


@app.command("open")
def open_line(
    id_number: str,
    name: str,
    limit: Annotated[str, typer.Option(help="credit limit, yuan")],
    cash_limit: Annotated[str | None, typer.Option(help="cash-loan limit, yuan")] = None,
    product: Annotated[str, typer.Option(help="product code")] = "HB01",
    db: Db = None,
    on: On = None,
) -> None:
    """Open a revolving line for a person."""
    with service(db, on) as s:
        line = s.open_line(
            id_number, name, _money(limit), product, _money(cash_limit) if cash_limit else None
        )
        console.print(f"opened {line.account_code} (agreement {line.agreement_code})")


@app.command()
def authorize(
    account: str,
    amount: str,
    merchant: str = "",
    key: str | None = None,
    db: Db = None,
    on: On = None,
) -> None:
    """Place an authorization hold."""
    with service(db, on) as s:
        hold = s.authorize(account, _money(amount), merchant, key)
        console.print(f"hold {hold.id}: {Money(hold.amount_fen)} until {hold.expires_on}")


@app.command()
def capture(hold: int, amount: str | None = None, db: Db = None, on: On = None) -> None:
    """Capture a hold in full, or in part with --amount."""
    with service(db, on) as s:
        entry = s.capture(hold, _money(amount) if amount else None)
        console.print(f"purchase {entry.id}: {Money(entry.amount_fen)}")


@app.command()
def void(hold: int, db: Db = None, on: On = None) -> None:
    """Release a hold."""
    with service(db, on) as s:
        s.void(hold)
        console.print(f"hold {hold} voided")


@app.command()
def purchase(
    account: str,
    amount: str,
    memo: str = "",
    key: str | None = None,
    instalments: Annotated[int | None, typer.Option(help="merchant instalment periods")] = None,
    seller_pays_fee: bool = False,
    db: Db = None,
    on: On = None,
) -> None:
    """Spend on the line (optionally as a merchant instalment)."""
    with service(db, on) as s:
        if instalments:
            entry = s.merchant_instalment(
                account, _money(amount), instalments, seller_pays_fee, memo
            )
        else:
            entry = s.purchase(account, _money(amount), memo, key)
        console.print(f"purchase {entry.id}: {Money(entry.amount_fen)}")


@app.command()
def refund(account: str, amount: str, memo: str = "", db: Db = None, on: On = None) -> None:
    """A merchant's refund."""
    with service(db, on) as s:
        entry = s.refund(account, _money(amount), memo)
        console.print(f"refund {entry.id}: {Money(entry.amount_fen)}")


@app.command()
def repay(account: str, amount: str, key: str | None = None, db: Db = None, on: On = None) -> None:
    """Repay the line."""
    with service(db, on) as s:
        entry = s.repay(account, _money(amount), key)
        console.print(
            f"repayment {entry.id}: {Money(entry.amount_fen)}; owed now {s.owed(s.line(account))}"
        )


@app.command()
def instalment(account: str, periods: int, db: Db = None, on: On = None) -> None:
    """Spread the latest bill over 3/6/9/12 months."""
    with service(db, on) as s:
        plan = s.instalment_bill(account, periods)
        console.print(
            f"plan {plan.id}: {Money(plan.principal_fen)} in {plan.periods} parts, "
            f"fee {Money(plan.fee_fen)}"
        )


@app.command()
def limit(account: str, amount: str, db: Db = None, on: On = None) -> None:
    """Raise or cut the credit limit."""
    with service(db, on) as s:
        line = s.change_limit(account, _money(amount))
        console.print(f"limit {Money(line.limit_fen)}; available {s.available(line)}")


@app.command()
def freeze(account: str, db: Db = None, on: On = None) -> None:
    """Stop new spending on the line."""
    with service(db, on) as s:
        s.freeze(account)
        console.print(f"{account} frozen")


@app.command()
def unfreeze(account: str, db: Db = None, on: On = None) -> None:
    """Allow spending again."""
    with service(db, on) as s:
        s.unfreeze(account)
        console.print(f"{account} open")


@app.command()
def close(account: str, db: Db = None, on: On = None) -> None:
    """Close the line (only when nothing is owed, or queued, as the product says)."""
    with service(db, on) as s:
        line = s.close_line(account)
        state = f"closed on {line.closed_on}" if line.closed_on else "closure queued until payoff"
        console.print(f"{account} {state}")


@app.command("day-end")
def day_end(day: str, db: Db = None) -> None:
    """Run the day-end job for a business date."""
    with service(db, day) as s:
        done = s.run_day_end(typed_date(day, "DAY"))
        console.print(
            f"{done.day}: {done.statements} bills, {done.loan_periods} loan periods, "
            f"{done.holds_expired} holds expired, {done.written_off} written off, "
            f"{done.closed} closed"
        )


@app.command("month-end")
def month_end_file(
    month: Annotated[str, typer.Argument(help="YYYY-MM")],
    outbox: Annotated[Path, typer.Option(help="where to write the 210 file")] = Path("var/outbox"),
    db: Db = None,
) -> None:
    """Furnish every open line's month (record 210, code 30) as a submission file."""
    last = month_end(typed_date(f"{month}-01", "MONTH"))
    with service(db, last.isoformat()) as s:
        furnisher = Furnisher(s, outbox)
        written = furnisher.write(last, furnisher.month_end_records(last))
        console.print(f"{written.path} ({len(written.records)} records)")


@app.command("furnish")
def furnish(
    day: Annotated[str, typer.Argument(help="the business date YYYY-MM-DD")],
    bureau: Annotated[str, typer.Option(help="the bureau the files are for")] = "CRC",
    outbox: Annotated[Path, typer.Option(help="the outbox; files go to OUTBOX/<BUREAU>/")] = Path(
        "var/outbox"
    ),
    db: Db = None,
) -> None:
    """Write everything a day owes a bureau: 110, 220 and 210 files (events, and on a
    month's last day the month end), through the consent and notice gates."""
    when = typed_date(day, "DAY")
    with service(db, day) as s:
        furnisher = Furnisher(s, bureau_outbox(outbox, bureau), bureau)
        written = furnisher.furnish(when)
    for furnished in written:
        console.print(f"{furnished.path} ({len(furnished.records)} records)")
    if not written:
        console.print(f"nothing to furnish to {furnisher.bureau} on {when}")
    if furnisher.held_back:
        reasons = Counter(h.reason for h in furnisher.held_back)
        console.print(
            "held back: " + ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
        )


@app.command("remedy")
def remedy(
    feedback: Annotated[Path, typer.Argument(help="a feedback file the bureau returned")],
    bureau: Annotated[str, typer.Option(help="the bureau that returned it")] = "CRC",
    outbox: Annotated[Path, typer.Option(help="the outbox; files go to OUTBOX/<BUREAU>/")] = Path(
        "var/outbox"
    ),
    on: On = None,
    db: Db = None,
) -> None:
    """Put right each record a feedback file rejected: re-send it rebuilt from the ledger,
    delete and re-send, or say why a person must act. Exits 1 when a person must act."""
    with service(db, on) as s:
        furnisher = Furnisher(s, bureau_outbox(outbox, bureau), bureau)
        done = furnisher.remedy(feedback, s.clock.today())
    if not done.verdicts:
        console.print(f"{feedback.name}: no record was rejected; nothing to put right")
    for verdict in done.verdicts:
        console.print(verdict.describe(), markup=False)
    for furnished in done.files:
        console.print(f"{furnished.path} ({len(furnished.records)} records)")
    if done.needing_a_person():
        raise typer.Exit(1)


@app.command()
def statement(account: str, db: Db = None, on: On = None) -> None:
    """The line's bills."""
    with service(db, on) as s:
        line = s.line(account)
        table = Table(title=f"Bills of {account}")
        for column in ("bill day", "due", "balance", "interest", "fees", "past due", "minimum"):
            table.add_column(column, justify="right")
        for b in s.repo.statements(line.id):
            table.add_row(
                str(b.statement_date),
                str(b.due_date),
                str(Money(b.balance_fen)),
                str(Money(b.interest_fen)),
                str(Money(b.fee_fen)),
                str(Money(b.past_due_fen)),
                str(Money(b.minimum_fen + b.past_due_fen)),
            )
        console.print(table)
        console.print(f"owed now {s.owed(line)}; available {s.available(line)}")


@app.command()
def history(account: str, db: Db = None, on: On = None) -> None:
    """Every entry on the line and the month-by-month status it was reported with."""
    with service(db, on) as s:
        line = s.line(account)
        table = Table(title=f"Entries of {account}")
        for column in ("#", "day", "kind", "amount", "memo"):
            table.add_column(column)
        for e in s.repo.entries(line.id):
            table.add_row(str(e.id), str(e.posted_on), e.kind, str(Money(e.amount_fen)), e.memo)
        console.print(table)
        month = line.opened_on.replace(day=1)
        grid = []
        while month <= s.clock.today():
            grid.append(f"{month:%Y-%m} {s.month_facts(line, month).repayment_status.value}")
            month = next_month_start(month)
        console.print("  ".join(grid))


@loan_app.command("draw")
def loan_draw(
    account: str,
    amount: str,
    periods: int = 12,
    mode: Annotated[
        str, typer.Option(help="11 equal instalments, 13 interest then principal")
    ] = "11",
    db: Db = None,
    on: On = None,
) -> None:
    """Draw a cash loan."""
    with service(db, on) as s:
        loan = s.draw_loan(account, _money(amount), periods, RepaymentMode.parse(mode))
        console.print(
            f"loan {loan.account_code}: {Money(loan.principal_fen)} over {periods} months"
        )


@loan_app.command("repay")
def loan_repay(loan: str, amount: str, db: Db = None, on: On = None) -> None:
    """Repay what is due on a loan (or its whole payoff)."""
    with service(db, on) as s:
        s.repay_loan(loan, _money(amount))
        console.print(f"repaid {amount} on {loan}")


@loan_app.command("payoff")
def loan_payoff(loan: str, db: Db = None, on: On = None) -> None:
    """Quote and pay the loan off in full today."""
    with service(db, on) as s:
        quote = s.payoff_quote(loan)
        s.repay_loan(loan, quote)
        console.print(f"paid off {loan}: {quote}")
