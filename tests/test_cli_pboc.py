"""``zhengxin pboc validate/show/feedback``: a furnisher checks a file, reads it, and sees the
bureau's answer."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from typer.testing import CliRunner

from zhengxin.cli.main import app
from zhengxin.pboc import FileName, write_submission
from zhengxin.pboc.feedback import read_feedback

runner = CliRunner(env={"COLUMNS": "200"})
EXAMPLES = (Path(__file__).parent / "data" / "section10.txt").read_text("utf-8").splitlines()
NAME = FileName("B10211000H0001", date(2024, 9, 30), "210", "001")


def submission(folder: Path, lines: list[str]) -> Path:
    return write_submission(folder, NAME, datetime(2024, 9, 30, 23, 0), lines)


def test_a_clean_file_passes_with_exit_status_0(tmp_path: Path) -> None:
    path = submission(tmp_path, EXAMPLES[:4])
    result = runner.invoke(app, ["pboc", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "4 records: 4 pass, 0 with errors" in result.output


def test_every_error_is_printed_with_its_line_and_code_and_the_exit_status_is_1(
    tmp_path: Path,
) -> None:
    path = submission(tmp_path, EXAMPLES)
    result = runner.invoke(app, ["pboc", "validate", str(path)])
    assert result.exit_code == 1
    for line, code in ((5, "BLR000"), (6, "BLD000"), (7, "BLE008"), (10, "BLE038")):
        assert f"line {line} " in result.output
        assert f"[{code}]" in result.output
    assert "10 records: 4 pass, 6 with errors" in result.output


def test_json_output_is_one_document_with_every_finding(tmp_path: Path) -> None:
    path = submission(tmp_path, EXAMPLES)
    result = runner.invoke(app, ["pboc", "validate", "--json", str(path)])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["summary"] == {"records": 10, "accepted": 4, "rejected": 6}
    assert [(f["line"], f["code"], f["tag"]) for f in document["findings"]] == [
        (5, "BLR000", "AcctCredSgmt"),
        (6, "BLD000", "LoanAmt"),
        (7, "BLE008", "RptDate"),
        (8, "BLE019", "TotOverd"),
        (9, "BLE030", "RpyStatus"),
        (10, "BLE038", "RepayPrd"),
    ]
    assert document["findings"][0]["key"] == "B10211000H0001R1A0002"
    assert document["file_errors"] == []


def test_a_header_that_lies_about_the_count_is_a_file_error(tmp_path: Path) -> None:
    path = submission(tmp_path, EXAMPLES[:2])
    data = path.read_bytes()
    path.write_bytes(data[:43] + b"0000003" + data[50:])
    result = runner.invoke(app, ["pboc", "validate", "--json", str(path)])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [e["code"] for e in document["file_errors"]] == ["ABH005"]


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["pboc", "validate", str(tmp_path / "nothing.txt")])
    assert result.exit_code == 2
    assert "[cli.file]" in result.output
    assert "Traceback" not in result.output


def test_a_file_with_a_bad_name_is_refused_as_a_whole(tmp_path: Path) -> None:
    bad = tmp_path / "hello.txt"
    bad.write_text("hello", encoding="utf-8")
    result = runner.invoke(app, ["pboc", "validate", str(bad)])
    assert result.exit_code == 1
    assert "[ABN003]" in result.output


def test_show_prints_records_item_by_item_with_chinese_names(tmp_path: Path) -> None:
    path = submission(tmp_path, EXAMPLES[:3])
    result = runner.invoke(app, ["pboc", "show", str(path), "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "record type 210" in result.output
    assert "AcctBal 余额: 5000" in result.output
    assert "line 2 · passes" in result.output
    assert "1 more" in result.output


def test_feedback_writes_the_bureaus_answer_and_it_reads_back(tmp_path: Path) -> None:
    path = submission(tmp_path / "in", EXAMPLES)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["pboc", "feedback", str(path), "--out", str(out), "--created", "2024-10-01T08:00:00"],
    )
    assert result.exit_code == 0, result.output
    assert "4 accepted, 6 rejected" in result.output
    [answer] = list(out.iterdir())
    assert answer.name == "B10211000H00012024093021000013.txt"
    feedback = read_feedback(answer)
    assert (feedback.header.accepted, feedback.header.rejected) == (4, 6)
    rejected = list(feedback.rejected())
    assert [(r.position, r.errors[0].code) for r in rejected] == [
        (5, "BLR000"),
        (6, "BLD000"),
        (7, "BLE008"),
        (8, "BLE019"),
        (9, "BLE030"),
        (10, "BLE038"),
    ]
    assert rejected[0].line == EXAMPLES[4]


def test_feedback_with_a_bad_time_is_a_clear_error(tmp_path: Path) -> None:
    path = submission(tmp_path, EXAMPLES[:1])
    result = runner.invoke(app, ["pboc", "feedback", str(path), "--created", "yesterday"])
    assert result.exit_code == 2
    assert "[cli.created]" in result.output
    assert list(tmp_path.iterdir()) == [path]
