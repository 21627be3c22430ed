"""``zhengxin lender``: a line's life from the command line, and errors as one line."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

from typer.testing import CliRunner

from zhengxin.cli.main import app
from zhengxin.pboc import FileName, RecordError, RejectedRecord, write_feedback

EXAMPLE = (
    (Path(__file__).parent / "data" / "pboc_examples.txt")
    .read_text(encoding="utf-8")
    .splitlines()[1]
)

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


def test_a_day_with_nothing_to_tell_writes_no_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lender.sqlite3'}"
    code, out = run(db, "furnish", "2025-01-31", "--outbox", str(tmp_path / "out"))
    assert code == 0, out
    assert "nothing to furnish to CRC on 2025-01-31" in out
    assert not list((tmp_path / "out").rglob("*.txt"))


def test_a_feedback_file_is_read_into_remedies(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lender.sqlite3'}"
    assert (
        run(db, "open", "110105199003071239", "张三", "--limit", "5000", "--date", "2025-01-03")[0]
        == 0
    )
    original = FileName("Q10152900H0001", date(2025, 1, 31), "210", "001")
    folder = tmp_path / "feedback"
    clean = write_feedback(folder, original, datetime(2025, 2, 1, 9), 3, [])
    code, out = run(db, "remedy", str(clean), "--date", "2025-02-01", "--outbox", str(tmp_path))
    assert code == 0, out
    assert "nothing to put right" in out

    stranger = EXAMPLE.replace("B10211000H0001R1A0001", "Q10152900H0001R19999999999")
    error = RecordError("ABE001", "AcctMthlyBlgInfSgmt", "AcctBal", "5O00", "not a number")
    rejected = write_feedback(
        folder,
        dataclasses.replace(original, serial="002"),
        datetime(2025, 2, 1, 9),
        2,
        [RejectedRecord.of(2, [error], stranger)],
    )
    code, out = run(db, "remedy", str(rejected), "--date", "2025-02-01", "--outbox", str(tmp_path))
    assert code == 1, out
    assert "Q10152900H0001R19999999999" in out and "person" in out
    assert "holds no account" in out

    code, out = run(db, "remedy", str(tmp_path / "missing.txt"), "--date", "2025-02-01")
    assert code == 2, out
    assert len(out.strip().splitlines()) == 1
