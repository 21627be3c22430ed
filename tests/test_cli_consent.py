"""``zhengxin lender consent``: documents, signatures and campaigns from the command line."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from zhengxin.cli.main import app
from zhengxin.kernel.identity import ResidentId

runner = CliRunner(env={"COLUMNS": "200"})
ZHANG = "110105199003071239"
LI = ResidentId.make("310104", date(1985, 6, 15), 27).number
TEXT_V1 = "本人同意贵机构向中国人民银行征信中心及百行征信查询、报送本人的信用信息。\n"
TEXT_V2 = "本人同意贵机构向征信机构查询、报送本人的信用信息，直至本人的最后一个账户关闭。\n"
TABLES = ("signature", "authorization_document", "campaign", "campaign_stage", "subject")


def run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["lender", "consent", *args, "--db", db])
    return result.exit_code, result.output


def open_line(db: str, id_number: str, name: str, on: str) -> None:
    result = runner.invoke(
        app, ["lender", "open", id_number, name, "--limit", "5000", "--date", on, "--db", db]
    )
    assert result.exit_code == 0, result.output


def publish(db: str, tmp_path: Path, version: int, body: str, on: str) -> str:
    path = tmp_path / f"auth-v{version}.txt"
    path.write_text(body, encoding="utf-8")
    code, out = run(
        db,
        "publish",
        "AUTH",
        str(version),
        "--title",
        "个人信用信息查询及报送授权书",
        "--text-file",
        str(path),
        "--scope",
        "both",
        "--bureau",
        "CRC",
        "--bureau",
        "BAIHANG",
        "--date",
        on,
    )
    assert code == 0, out
    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert f"AUTH v{version}" in out and sha in out
    return sha


def row(out: str, first: str) -> str:
    return next(line for line in out.splitlines() if line.strip("│ ").startswith(first))


def counts(db: str) -> dict[str, int]:
    engine = create_engine(db)
    try:
        with engine.connect() as connection:
            return {
                table: connection.execute(text(f"select count(*) from {table}")).scalar_one()
                for table in TABLES
            }
    finally:
        engine.dispose()


def test_a_document_signed_and_a_campaign_rolled_out(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lender.sqlite3'}"
    sha1 = publish(db, tmp_path, 1, TEXT_V1, "2025-01-02")

    code, out = run(db, "show", "AUTH", "--date", "2025-01-02")
    assert code == 0, out
    assert TEXT_V1.strip() in out and f"sha256 {sha1}" in out
    code, out = run(db, "documents")
    assert code == 0, out
    assert sha1[:12] in row(out, "AUTH") and "BAIHANG,CRC" in row(out, "AUTH")

    open_line(db, ZHANG, "张三", "2025-01-03")
    code, out = run(
        db, "sign", ZHANG, "张三", "AUTH", "1", "--sha256", sha1, "--date", "2025-01-03"
    )
    assert code == 0, out
    assert "SIG0000000001" in out

    code, out = run(db, "history", ZHANG, "--date", "2025-01-04")
    assert code == 0, out
    assert "signed" in row(out, "2025-01-03") and "SIG0000000001" in out

    code, out = run(db, "status", ZHANG, "--date", "2025-01-04")
    assert code == 0, out
    assert row(out, "CRC").count("in force SIG0000000001") == 2
    assert row(out, "BAIHANG").count("in force") == 2
    assert "in force" not in row(out, "PUDAO")
    assert "no open prompts" in out

    sha2 = publish(db, tmp_path, 2, TEXT_V2, "2025-01-20")
    code, out = run(
        db,
        "campaign-start",
        "UPGRADE",
        "--document",
        "AUTH",
        "--version",
        "2",
        "--notice",
        "2025-02-01",
        "--deadline",
        "2025-03-01",
        "--percent",
        "50",
        "--date",
        "2025-01-20",
    )
    assert code == 0, out
    assert "campaign UPGRADE" in out and "50 %" in out
    code, out = run(
        db,
        "campaign-widen",
        "UPGRADE",
        "--percent",
        "100",
        "--effective",
        "2025-02-10",
        "--date",
        "2025-01-20",
    )
    assert code == 0, out
    assert "100 % from 2025-02-10" in out

    code, out = run(db, "campaign-progress", "UPGRADE", "--date", "2025-02-15")
    assert code == 0, out
    assert "100 % rollout; 1 subjects, 1 reached, 0 signed, 1 prompted, 0 blocked" in out
    code, out = run(db, "status", ZHANG, "--date", "2025-02-15")
    assert code == 0, out
    assert "prompted" in row(out, "UPGRADE")

    code, out = run(db, "campaign-progress", "UPGRADE", "--date", "2025-04-01")
    assert code == 0, out
    assert "1 reached, 0 signed, 0 prompted, 1 blocked" in out
    code, out = run(db, "status", ZHANG, "--date", "2025-04-01")
    assert "blocked" in row(out, "UPGRADE")

    code, out = run(
        db, "sign", ZHANG, "张三", "AUTH", "2", "--sha256", sha2, "--date", "2025-04-02"
    )
    assert code == 0, out
    assert "SIG0000000002" in out
    code, out = run(db, "campaign-progress", "UPGRADE", "--date", "2025-04-02")
    assert "1 reached, 1 signed, 0 prompted, 0 blocked" in out
    code, out = run(db, "status", ZHANG, "--date", "2025-04-02")
    assert "no open prompts" in out
    assert row(out, "CRC").count("in force SIG0000000002") == 2


def test_bad_input_is_one_line_with_a_code_and_changes_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'lender.sqlite3'}"
    sha = publish(db, tmp_path, 1, TEXT_V1, "2025-01-02")
    open_line(db, ZHANG, "张三", "2025-01-03")
    code, out = run(db, "sign", ZHANG, "张三", "AUTH", "1", "--sha256", sha, "--date", "2025-01-03")
    assert code == 0, out
    before = counts(db)
    assert before["signature"] == 1 and before["authorization_document"] == 1

    cases = [
        (
            "consent.unknown_document",
            ["sign", LI, "李四", "AUTH", "2", "--sha256", sha, "--date", "2025-01-04"],
        ),
        (
            "consent.hash_mismatch",
            ["sign", LI, "李四", "AUTH", "1", "--sha256", "0" * 64, "--date", "2025-01-04"],
        ),
        (
            "consent.already_signed",
            ["sign", ZHANG, "张三", "AUTH", "1", "--sha256", sha, "--date", "2025-01-04"],
        ),
        (
            "campaign.deadline_before_notice",
            [
                "campaign-start",
                "UPGRADE",
                "--document",
                "AUTH",
                "--version",
                "1",
                "--notice",
                "2025-03-01",
                "--deadline",
                "2025-02-01",
                "--percent",
                "10",
                "--date",
                "2025-01-04",
            ],
        ),
        (
            "cli.file",
            [
                "publish",
                "AUTH",
                "2",
                "--title",
                "授权书",
                "--text-file",
                str(tmp_path / "missing.txt"),
                "--bureau",
                "CRC",
            ],
        ),
    ]
    for error, args in cases:
        code, out = run(db, *args)
        assert code == 2, (error, out)
        assert f"[{error}]" in out, out
        assert "Traceback" not in out
        assert len(out.strip().splitlines()) == 1, out
        assert counts(db) == before, error
