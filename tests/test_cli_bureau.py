"""``zhengxin bureau ingest``: each file applied whole or not at all, and answered with its
feedback file (§2.5), read back as the furnisher reads it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from typer.testing import CliRunner

from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.cli.main import app
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.pboc import FileName, read_feedback, write_submission

runner = CliRunner(env={"COLUMNS": "200"})
EXAMPLES = (Path(__file__).parent / "data" / "section10.txt").read_text("utf-8").splitlines()
INSTITUTION = "B10211000H0001"


def bureau(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bureau.sqlite3'}"
    engine = make_engine(url)
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        register(
            session, FixedClock.on(date(2024, 9, 1)), INSTITUTION, "示例银行", InstitutionKind.BANK
        )
    engine.dispose()
    return url


def submission(folder: Path, lines: list[str], serial: str = "001") -> Path:
    name = FileName(INSTITUTION, date(2024, 9, 30), "210", serial)
    return write_submission(folder, name, datetime(2024, 9, 30, 23, 0), lines)


def test_a_file_with_a_broken_record_lands_and_is_answered(tmp_path: Path) -> None:
    db = bureau(tmp_path)
    broken = EXAMPLES[1].replace("<AcctBal>5000</AcctBal>", "<AcctBal>5,000</AcctBal>")
    path = submission(tmp_path / "in", [EXAMPLES[0], broken, EXAMPLES[2], EXAMPLES[3]])
    out = tmp_path / "answers"
    result = runner.invoke(app, ["bureau", "ingest", str(path), "--db", db, "--feedback", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 records, 3 accepted, 1 rejected (ABE001 x1)" in result.output
    [answer] = list(out.iterdir())
    assert answer.name == "B10211000H00012024093021000013.txt"
    feedback = read_feedback(answer)
    assert (feedback.header.accepted, feedback.header.rejected) == (3, 1)
    [rejected] = list(feedback.rejected())
    assert (rejected.position, rejected.errors[0].code, rejected.line) == (2, "ABE001", broken)


def test_a_clean_file_gets_flag_1_and_a_second_ingest_changes_nothing(tmp_path: Path) -> None:
    db = bureau(tmp_path)
    path = submission(tmp_path, EXAMPLES[:4])
    first = runner.invoke(app, ["bureau", "ingest", str(path), "--db", db])
    assert first.exit_code == 0, first.output
    assert [p.name for p in (tmp_path / "feedback").iterdir()] == [
        "B10211000H00012024093021000011.txt"
    ]
    again = runner.invoke(app, ["bureau", "ingest", str(path), "--db", db])
    assert again.exit_code == 0
    assert "already ingested; nothing changed" in again.output


def test_a_file_whose_header_lies_is_refused_and_answered_with_flag_2(tmp_path: Path) -> None:
    db = bureau(tmp_path)
    path = submission(tmp_path, EXAMPLES[:2])
    data = path.read_bytes()
    path.write_bytes(data[:43] + b"0000003" + data[50:])
    result = runner.invoke(app, ["bureau", "ingest", str(path), "--db", db])
    assert result.exit_code == 1
    assert "refused as a whole [ABH005]" in result.output
    answer = tmp_path / "feedback" / "B10211000H00012024093021000012.txt"
    feedback = read_feedback(answer)
    assert [e.code for e in feedback.file_errors] == ["ABH005"]


def test_worker_processes_give_the_same_answer(tmp_path: Path) -> None:
    db = bureau(tmp_path)
    broken = EXAMPLES[1].replace("<AcctBal>5000</AcctBal>", "<AcctBal>5,000</AcctBal>")
    path = submission(tmp_path / "in", [EXAMPLES[0], broken, EXAMPLES[2], EXAMPLES[3]])
    result = runner.invoke(
        app,
        [
            "bureau",
            "ingest",
            str(path),
            "--db",
            db,
            "--workers",
            "2",
            "--feedback",
            str(tmp_path / "fb"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "4 records, 3 accepted, 1 rejected (ABE001 x1)" in result.output
    bad = runner.invoke(app, ["bureau", "ingest", str(path), "--db", db, "--workers", "-1"])
    assert bad.exit_code == 2
    assert "ingest.workers" in bad.output
