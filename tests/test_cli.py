"""The command line: the demo runs, and bad input gets a one-line error with its code."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from zhengxin.cli.main import app

runner = CliRunner(env={"COLUMNS": "200"})


def test_the_demo_prints_a_report_with_the_grid(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--months", "6", "--folder", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "个人信用报告" in result.output
    assert "24-month repayment grid" in result.output
    assert "ABH005" in result.output  # the forged file is refused
    assert (tmp_path / "demo" / "crc.sqlite3").exists()
    assert (tmp_path / "demo" / "baihang.sqlite3").exists()
    assert "Art. 18" in result.output and "inquiry.no_authorization" in result.output
    schema = json.loads((Path(__file__).parents[1] / "docs" / "report.schema.json").read_text())
    written = sorted((tmp_path / "demo" / "reports").glob("*.json"))
    assert written
    for report in written:
        jsonschema.validate(json.loads(report.read_text(encoding="utf-8")), schema)


def test_a_report_for_a_mistyped_id_number_is_a_clear_error(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'bureau.sqlite3'}"
    ask = ["report", "110105199003071238", "--as", "B10211000H0001", "--reason", "02"]
    result = runner.invoke(app, ["bureau", *ask, "--db", db])
    assert result.exit_code == 2
    assert "[id.check_digit]" in result.output
    assert "Traceback" not in result.output


def test_a_self_report_for_someone_unknown_says_so(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'bureau.sqlite3'}"
    result = runner.invoke(app, ["bureau", "self-report", "110105199003071239", "--db", db])
    assert result.exit_code == 2
    assert "[subject.unknown]" in result.output


def test_ingesting_a_file_with_a_bad_name_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-submission.txt"
    bad.write_text("hello", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'bureau.sqlite3'}"
    result = runner.invoke(app, ["bureau", "ingest", str(bad), "--db", db])
    assert result.exit_code == 1
    assert "refused as a whole [ABN003]" in result.output
    assert not (tmp_path / "feedback").exists()  # no name to answer to


def test_the_demo_refuses_a_bad_start_date(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--start", "2024-13-01", "--folder", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_a_demo_shorter_than_the_upgrade_runs_and_says_so(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["demo", "--months", "2", "--crowd", "5", "--folder", str(tmp_path / "demo")]
    )
    assert result.exit_code == 0, result.output
    assert "after the simulated months" in result.output
    # every ingested file was answered, by the bureau it went to
    assert (tmp_path / "demo" / "outbox" / "CRC" / "feedback").is_dir()
