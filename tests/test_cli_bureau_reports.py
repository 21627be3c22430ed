"""``zhengxin bureau report / self-report / authorization / dispute / audit``: the bureau's
faces for reading a report under the law, as an operator types them.

The story: 示例银行 (B10211000H0001) reported 张三's revolving line (R1, overdue in 2025-02,
repaid in March). On 2025-04-02 it asks for his report for a mortgage (02) without his
signature and is refused; it lodges the signature and asks again; 张三 reads his own report,
disputes February, the bank confirms it, the bureau closes the dispute; the audit chain holds
until someone edits a line.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from tests.bureau.test_load import CLOCK, INSTITUTION, PEOPLE, code_of, record, submit
from zhengxin.bureau.audit import entry_hash
from zhengxin.bureau.ingest import Ingestor
from zhengxin.bureau.models import AuditEntry, AuditHead
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.cli.main import app
from zhengxin.kernel.db import make_engine, migrate, unit_of_work

runner = CliRunner(env={"COLUMNS": "200", "ZHENGXIN_SIMULATION": "1"})
ZHANG_SAN = PEOPLE[0][1]
SCHEMA = json.loads((Path(__file__).parents[1] / "docs" / "report.schema.json").read_text())
ON = ["--on", "2025-04-02"]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'bureau.sqlite3'}"
    engine = make_engine(url)
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        register(session, CLOCK, INSTITUTION, "示例银行", InstitutionKind.BANK)
    lines = [
        record("R1A0001", date(2025, 1, 31), "31"),
        record("R1A0001", date(2025, 2, 28), overdue=True),
        record("R1A0001", date(2025, 3, 31)),
    ]
    with unit_of_work(engine) as session:
        Ingestor(session, CLOCK).ingest(submit(tmp_path, lines))
    engine.dispose()
    return url


def run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["bureau", *args, "--db", db])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def lodge(db: str) -> None:
    code, out = run(
        db,
        "authorization",
        "lodge",
        ZHANG_SAN,
        "张三",
        "--as",
        INSTITUTION,
        "--ref",
        "MTG-0001",
        "--sha256",
        "ab" * 32,
        "--signed",
        "2025-04-01",
        "--purposes",
        "02",
        *ON,
    )
    assert code == 0, out


def test_a_mortgage_query_is_refused_without_a_signature_and_answered_with_one(
    db: str, tmp_path: Path
) -> None:
    ask = ["report", ZHANG_SAN, "--as", INSTITUTION, "--reason", "02", *ON]
    code, out = run(db, *ask)
    assert code == 1
    assert "refused [inquiry.no_authorization]" in out
    code, out = run(db, *ask, "--auth", "MTG-0001")
    assert code == 1 and "[inquiry.no_authorization_hash]" in out
    ask += ["--sha256", "ab" * 32]
    code, out = run(db, *ask, "--auth", "MTG-0001")
    assert code == 1 and "[inquiry.authorization_unknown]" in out

    lodge(db)
    code, out = run(db, *ask, "--auth", "MTG-0001")
    assert code == 0, out
    assert "个人信用报告" in out and code_of("R1A0001") in out

    code, out = run(db, *ask, "--auth", "MTG-0001", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    assert report["query"]["reason"] == "02"

    page = tmp_path / "report.html"
    code, out = run(db, *ask, "--auth", "MTG-0001", "--format", "html", "--out", str(page))
    assert code == 0, out
    assert "<html" in page.read_text("utf-8")

    code, out = run(db, "inquiries", ZHANG_SAN, "--why", "a complaint about a query")
    assert code == 0
    assert out.count("refused") == 3 and out.count("answered") == 3


def test_the_third_self_report_of_a_year_says_it_is_chargeable(db: str) -> None:
    outputs = [run(db, "self-report", ZHANG_SAN, "--on", day)[1] for day in ("2025-04-02",) * 3]
    assert ["chargeable" in out for out in outputs] == [False, False, True]


def test_a_dispute_from_filing_to_outcome(db: str) -> None:
    code, out = run(
        db,
        "dispute",
        "file",
        ZHANG_SAN,
        "--type",
        "02",
        "--institution",
        INSTITUTION,
        "--account",
        code_of("R1A0001"),
        "--month",
        "2025-02",
        "--detail",
        "我按时还款了",
        *ON,
    )
    assert code == 0, out
    assert "2025-04-22" in out  # 20 days to answer
    code, out = run(db, "dispute", "tasks", "--as", INSTITUTION, *ON)
    assert code == 0 and "否认逾期" in out and "2025-02" in out
    code, out = run(db, "dispute", "close", "1", *ON)
    assert code == 2 and "[dispute.unanswered]" in out
    code, out = run(db, "dispute", "overdue", "--on", "2025-04-23")
    assert code == 1 and "dispute 1" in out
    code, out = run(db, "dispute", "answer", "1", "--as", INSTITUTION, "--note", "逾期属实", *ON)
    assert code == 0, out
    code, out = run(db, "dispute", "close", "1", "--note", "经核实，记录无误", *ON)
    assert code == 0 and "upheld" in out
    code, out = run(
        db, "dispute", "statement", ZHANG_SAN, "--type", "05", "--text", "家人代还延迟", *ON
    )
    assert code == 0, out
    code, out = run(db, "self-report", ZHANG_SAN, *ON)
    assert "家人代还延迟" in out


def test_the_audit_chain_is_verified_and_an_edited_line_is_caught(db: str, tmp_path: Path) -> None:
    lodge(db)
    assert run(db, "report", ZHANG_SAN, "--as", INSTITUTION, "--reason", "02", "--auth",
               "MTG-0001", "--sha256", "ab" * 32, *ON)[0] == 0  # fmt: skip
    code, out = run(db, "audit", "verify")
    assert code == 0 and "intact" in out
    code, out = run(db, "audit", "log")  # the ingested file was a write of personal data
    assert code == 0 and "submission" in out and INSTITUTION in out
    code, out = run(db, "audit", "readers", ZHANG_SAN)
    assert code == 0 and "示例银行" in out
    code, published = run(db, "audit", "head")
    assert code == 0
    anchor = published.strip()
    assert run(db, "audit", "verify", "--anchor", anchor)[0] == 0

    with sqlite3.connect(tmp_path / "bureau.sqlite3") as raw:
        raw.execute("UPDATE audit_log SET why = 'nothing to see' WHERE seq = 1")
    code, out = run(db, "audit", "verify")
    assert code == 1
    assert "BROKEN" in out and "line 1" in out


def test_a_log_rewritten_head_and_all_is_caught_by_a_published_anchor(
    db: str, tmp_path: Path
) -> None:
    lodge(db)
    code, published = run(db, "audit", "head")
    seq, digest = published.strip().split(":")
    # Someone with the database rewrites the last line, hashes it again and moves the head.
    engine = make_engine(db)
    with unit_of_work(engine) as session:
        line = session.get(AuditEntry, int(seq))
        assert line is not None
        line.why = "nothing to see"
        line.hash = entry_hash(
            line.seq, line.at, line.actor, line.action, line.subject_id, line.what, line.why,
            line.prev_hash,
        )  # fmt: skip
        session.execute(update(AuditHead).values(hash=line.hash))
    engine.dispose()
    code, out = run(db, "audit", "verify")
    assert code == 0  # the chain alone cannot tell
    code, out = run(db, "audit", "verify", "--anchor", f"{seq}:{digest}")
    assert code == 1 and "anchor_mismatch" in out
    code, out = run(db, "audit", "verify", "--anchor", f"999:{digest}")
    assert code == 1 and "anchor_missing" in out
    code, out = run(db, "audit", "verify", "--anchor", "1:abc")
    assert code == 2 and "[cli.anchor]" in out


def test_a_report_that_cannot_be_written_is_not_asked_for(db: str, tmp_path: Path) -> None:
    for out in (["--out", str(tmp_path / "x.txt")], ["--format", "json", "--out", "/no/such/x"]):
        code, text = run(db, "self-report", ZHANG_SAN, *out, *ON)
        assert code == 2 and ("[cli.format]" in text or "[cli.out]" in text)
    assert ["chargeable" in run(db, "self-report", ZHANG_SAN, *ON)[1] for _ in range(3)] == [
        False,
        False,
        True,
    ]


def test_outside_a_simulation_nobody_may_pick_the_legal_day(db: str) -> None:
    plain = CliRunner(env={"COLUMNS": "200"})
    for args in (["self-report", ZHANG_SAN], ["purge"]):
        result = plain.invoke(app, ["bureau", *args, "--on", "2030-01-01", "--db", db])
        assert result.exit_code == 2 and "[cli.on]" in result.output
    assert plain.invoke(app, ["bureau", "self-report", ZHANG_SAN, "--db", db]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["self-report", ZHANG_SAN, "--format", "pdf"], "[cli.format]"),
        (["self-report", ZHANG_SAN, "--on", "2025-13-01"], "[cli.date]"),
        (["register", "B10211000H0002", "X", "--kind", "pawnshop"], "[institution.kind]"),
        (["dispute", "file", ZHANG_SAN, "--type", "99"], "[code.DisputeType]"),
        (["dispute", "close", "99999999999999999999"], "Invalid value"),
    ],
)
def test_bad_input_is_a_one_line_error(db: str, args: list[str], error: str) -> None:
    code, out = run(db, *args)
    assert code == 2
    assert error in out
