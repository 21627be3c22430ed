"""``zhengxin lender``: a line's life from the command line, and errors as one line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from zhengxin.cli.main import app

runner = CliRunner(env={"COLUMNS": "200"})
LINE = "Q10152900H0001R10000000001"


def run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["lender", *args, "--db", db])
    return result.exit_code, result.output


def test_a_line_from_opening_to_its_bill_and_a_loan(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lender.sqlite3'}"
    code, out = run(
        db,
        "open",
        "110105199003071239",
        "张三",
        "--limit",
        "5000",
        "--cash-limit",
        "10000",
        "--date",
        "2025-01-03",
    )
    assert code == 0, out
    assert LINE in out
    assert run(db, "purchase", LINE, "1200.50", "--date", "2025-01-15")[0] == 0
    code, out = run(db, "day-end", "2025-02-01")
    assert code == 0 and "1 bills" in out
    code, out = run(db, "statement", LINE, "--date", "2025-02-02")
    assert "¥120.05" in out and "¥1,200.50" in out
    code, out = run(db, "loan", "draw", LINE, "3000", "--periods", "6", "--date", "2025-02-02")
    assert code == 0 and "R40000000001" in out
    code, out = run(db, "month-end", "2025-01", "--outbox", str(tmp_path / "out"))
    assert code == 0, out
    assert len(list((tmp_path / "out").glob("*.txt"))) == 1


def test_bad_input_is_one_line_with_a_code(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lender.sqlite3'}"
    code, out = run(db, "open", "110105199003071238", "张三", "--limit", "5000")
    assert code == 2 and "[id.check_digit]" in out and "Traceback" not in out
    code, out = run(db, "purchase", "Q10152900H0001R19999999999", "5")
    assert code == 2 and "[line.unknown]" in out
    code, out = run(db, "day-end", "2025-02-30")
    assert code == 2 and "[cli.date]" in out
    code, out = run(db, "open", "110105199003071239", "张三", "--limit", "12.345")
    assert code == 2 and "[money.syntax]" in out
