"""A submission file is applied whole or not at all; bad files change nothing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import Backend, row_counts
from zhengxin.bureau.ingest import Ingestor
from zhengxin.bureau.models import BureauBase
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.bureau.report import ReportService
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.errors import FileRejected, NotFound, ZhengxinError
from zhengxin.pboc import FileName, write_submission

INSTITUTION = "B10211000H0001"
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "pboc_examples.txt"


def example_lines() -> list[str]:
    """The valid example lines 10.1 and 10.2 of the interface reference."""
    return [line for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line]


def counts(engine: Engine) -> dict[str, int]:
    return row_counts(engine, BureauBase.metadata)


@pytest.fixture
def bureau(backend: Backend) -> Engine:
    engine = backend.engine("bureau")
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        register(
            session,
            FixedClock.on(date(2024, 9, 30)),
            INSTITUTION,
            "示例银行",
            InstitutionKind.BANK,
        )
    return engine


def submit(
    folder: Path, lines: list[str], serial: str = "001", institution: str = INSTITUTION
) -> Path:
    name = FileName(institution, date(2024, 9, 30), "210", serial)
    return write_submission(folder, name, datetime(2024, 9, 30, 23, 0), lines)


def ingest(engine: Engine, path: Path):  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return Ingestor(session, FixedClock.on(date(2024, 9, 30))).ingest(path)


def test_a_good_file_lands_and_the_same_file_again_changes_nothing(
    bureau: Engine, tmp_path: Path
) -> None:
    path = submit(tmp_path, example_lines())
    first = ingest(bureau, path)
    assert (first.records, first.accepted, first.rejected, first.duplicate) == (2, 2, 0, False)
    after_first = counts(bureau)
    assert after_first["account"] == 1 and after_first["account_month"] == 2
    again = ingest(bureau, path)
    assert again.duplicate is True and again.accepted == 0
    assert counts(bureau) == after_first
    renamed = path.with_suffix(".dat")  # the name is the 30 characters; the extension aside
    renamed.write_bytes(path.read_bytes())
    assert ingest(bureau, renamed).duplicate is True
    assert counts(bureau) == after_first


def test_a_header_that_lies_about_the_count_is_rejected_and_nothing_lands(
    bureau: Engine, tmp_path: Path
) -> None:
    path = submit(tmp_path, example_lines())
    raw = path.read_bytes()
    header, body = raw[:50], raw[50:]
    lying = header[:43] + b"0000003"  # the file holds 2 records
    path.write_bytes(lying + body)
    before = counts(bureau)
    with pytest.raises(FileRejected) as err:
        ingest(bureau, path)
    assert err.value.code == "ABH005"
    assert "3" in err.value.message and "2" in err.value.message
    assert counts(bureau) == before


def test_an_unregistered_institution_may_not_submit(bureau: Engine, tmp_path: Path) -> None:
    lines = [line.replace(INSTITUTION, "C99999999H0001") for line in example_lines()]
    path = submit(tmp_path, lines, institution="C99999999H0001")
    before = counts(bureau)
    with pytest.raises(FileRejected) as err:
        ingest(bureau, path)
    assert err.value.code == "ABN004"
    assert counts(bureau) == before


def test_a_broken_record_is_rejected_with_its_line_and_the_rest_lands(
    bureau: Engine, tmp_path: Path
) -> None:
    good, monthly = example_lines()
    broken = monthly.replace("<AcctBal>5000</AcctBal>", "<AcctBal>5,000</AcctBal>")
    unreadable = "<Document><InAcctInf><Nope/></InAcctInf></Document>"
    result = ingest(bureau, submit(tmp_path, [good, broken, unreadable]))
    assert (result.records, result.accepted) == (3, 1)
    assert [(r.line, r.errors[0].code) for r in result.rejections] == [
        (2, "ABE001"),
        (3, "ABR000"),
    ]
    assert counts(bureau)["account_month"] == 1


def test_a_file_name_that_breaks_the_rule_is_rejected(bureau: Engine, tmp_path: Path) -> None:
    path = submit(tmp_path, example_lines())
    renamed = path.with_name("B10211000H0001202409302100001X.txt")
    path.rename(renamed)
    before = counts(bureau)
    with pytest.raises(ZhengxinError) as err:
        ingest(bureau, renamed)
    assert err.value.code == "ABN003"
    assert counts(bureau) == before


def test_a_report_for_an_unknown_person_says_so(bureau: Engine) -> None:
    with pytest.raises(NotFound) as err, unit_of_work(bureau) as session:
        ReportService(session, FixedClock.on(date(2024, 9, 30))).report_for("310115198511204566")
    assert err.value.code == "subject.unknown"
    assert "310115198511204566" not in err.value.message
