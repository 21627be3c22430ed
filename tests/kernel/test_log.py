"""Structured event logs, and personal data masked on the way out."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from zhengxin.kernel.log import (
    EventFormatter,
    EventLogger,
    configure,
    get_logger,
    mask_value,
)
from zhengxin.kernel.money import Money

ZHANG = "110105199003071239"
ZHANG_MASKED = "110***********1239"
WITH_X = "44030119951201009X"
WITH_X_MASKED = "440***********009X"
LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}) ([A-Z]+) (.*)$")


class Captured:
    """A logger whose output, formatted by :class:`EventFormatter`, can be read back."""

    def __init__(self, name: str) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(EventFormatter())
        self.base = logging.getLogger(name)
        self.base.addHandler(self.handler)
        self.base.setLevel(logging.INFO)
        self.base.propagate = False
        self.log = get_logger(name)

    def lines(self) -> list[str]:
        return self.stream.getvalue().splitlines()

    def body(self) -> str:
        """The one line written, without its time stamp and level."""
        (line,) = self.lines()
        match = LINE.match(line)
        assert match is not None, line
        return match.group(3)


@pytest.fixture
def captured(request: pytest.FixtureRequest) -> Iterator[Captured]:
    cap = Captured(f"tests.kernel.log.{request.node.name}")
    yield cap
    cap.base.removeHandler(cap.handler)


def test_an_event_is_one_line_with_time_level_event_and_fields(captured: Captured) -> None:
    captured.log.info("loan.opened", loan_id="L-1", limit=Money(500000))
    (line,) = captured.lines()
    match = LINE.match(line)
    assert match is not None, line
    assert match.group(2) == "INFO"
    assert match.group(3) == "loan.opened loan_id=L-1 limit=¥5,000.00"


def test_an_event_without_fields(captured: Captured) -> None:
    captured.log.info("batch.started")
    assert captured.body() == "batch.started"


@pytest.mark.parametrize(
    "key", ["id_number", "idnum", "id_num", "id", "subject_id", "arlp_cert_num"]
)
def test_id_fields_are_masked(captured: Captured, key: str) -> None:
    # a first-generation 15-digit number is masked by its key, not by looking like an 18-digit ID
    captured.log.info("ingest.record", **{key: ZHANG, "other": "110105900307123"})
    captured.log.info("ingest.record", **{key: "110105900307123"})
    assert captured.lines()[0].endswith(f"ingest.record {key}={ZHANG_MASKED} other=110105900307123")
    assert captured.lines()[1].endswith(f"ingest.record {key}=110********7123")
    assert ZHANG not in captured.stream.getvalue()


@pytest.mark.parametrize("key", ["name", "subject_name", "borrower_name"])
def test_name_fields_are_masked(captured: Captured, key: str) -> None:
    captured.log.info("ingest.record", **{key: "张三丰"})
    assert captured.body() == f"ingest.record {key}=张**"
    assert "三丰" not in captured.stream.getvalue()


def test_id_and_name_together(captured: Captured) -> None:
    captured.log.info("ingest.record", id_number=ZHANG, name="张三")
    assert captured.body() == f"ingest.record id_number={ZHANG_MASKED} name=张*"


def test_an_id_field_is_masked_whatever_its_shape(captured: Captured) -> None:
    captured.log.info("ingest.record", id_number="12345", subject_id=WITH_X.lower())
    assert captured.body() == "ingest.record id_number=***** subject_id=440***********009x"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (f"subject {ZHANG} refused", f"subject {ZHANG_MASKED} refused"),
        (f"证件号码{ZHANG}已拒绝", f"证件号码{ZHANG_MASKED}已拒绝"),  # no word boundary in Chinese
        (f"inquiry_{ZHANG}.json", f"inquiry_{ZHANG_MASKED}.json"),
        (f"ID{ZHANG}", f"ID{ZHANG_MASKED}"),
        (f"{ZHANG},{WITH_X}", f"{ZHANG_MASKED},{WITH_X_MASKED}"),
        (WITH_X.lower(), "440***********009x"),
        (f"({ZHANG})", f"({ZHANG_MASKED})"),
    ],
)
def test_an_id_inside_any_other_value_is_masked(captured: Captured, value: str, shown: str) -> None:
    captured.log.warning("inquiry.refused", reason=value)
    assert captured.body() == f"inquiry.refused reason={shown}"
    assert ZHANG not in captured.stream.getvalue()
    assert WITH_X not in captured.stream.getvalue().upper()


@pytest.mark.parametrize(
    "value",
    [
        "12345678901234567",  # 17 digits
        "1234567890123456789",  # 19 digits: an account or card number, not an ID
        "20250301120000000000",
        "¥1,234.56",
        "B10211000H0001",
    ],
)
def test_other_numbers_are_left_alone(captured: Captured, value: str) -> None:
    captured.log.info("file.read", detail=value)
    assert captured.body() == f"file.read detail={value}"


def test_an_id_in_the_event_text_is_masked(captured: Captured) -> None:
    captured.log.error(f"lookup failed for {ZHANG}")
    assert captured.body() == f"lookup failed for {ZHANG_MASKED}"


def test_an_id_in_a_plain_stdlib_message_is_masked(captured: Captured) -> None:
    captured.base.warning("查询%s失败", ZHANG)
    assert captured.body() == f"查询{ZHANG_MASKED}失败"


def test_values_that_are_not_text_are_shown_as_text(captured: Captured) -> None:
    captured.log.info("loan.accrued", days=3, rate=None, closed=False)
    assert captured.body() == "loan.accrued days=3 rate=None closed=False"


@pytest.mark.parametrize(
    ("method", "level"),
    [("info", "INFO"), ("warning", "WARNING"), ("error", "ERROR")],
)
def test_each_level(captured: Captured, method: str, level: str) -> None:
    getattr(captured.log, method)("x.happened", n=1)
    match = LINE.match(captured.lines()[0])
    assert match is not None
    assert match.group(2) == level


def test_debug_is_written_only_when_enabled(captured: Captured) -> None:
    captured.log.debug("x.detail", n=1)
    assert captured.lines() == []
    captured.base.setLevel(logging.DEBUG)
    captured.log.debug("x.detail", n=2)
    assert [LINE.match(line).group(2, 3) for line in captured.lines()] == [  # type: ignore[union-attr]
        ("DEBUG", "x.detail n=2")
    ]


def test_get_logger_wraps_the_named_stdlib_logger() -> None:
    log = get_logger("zhengxin.some.module")
    assert isinstance(log, EventLogger)
    assert log._logger is logging.getLogger("zhengxin.some.module")


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("id_number", ZHANG, ZHANG_MASKED),
        ("id_number", "", ""),
        ("name", "", ""),
        ("name", "张", "张"),
        ("borrower_name", "欧阳娜娜", "欧***"),
        ("note", ZHANG, ZHANG_MASKED),
        ("note", "张三", "张三"),  # a name is only recognised by its key
        ("count", 42, "42"),
        ("amount", Money(-5), "-¥0.05"),
    ],
)
def test_mask_value(key: str, value: object, shown: str) -> None:
    assert mask_value(key, value) == shown


@pytest.fixture
def zhengxin_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger("zhengxin")
    saved = (root.handlers[:], root.level)
    yield root
    root.handlers[:], level = saved
    root.setLevel(level)


def test_configure_sends_masked_events_to_one_handler(zhengxin_logger: logging.Logger) -> None:
    configure(logging.INFO)
    configure(logging.INFO)  # configuring again replaces, never duplicates
    assert len(zhengxin_logger.handlers) == 1
    (handler,) = zhengxin_logger.handlers
    assert isinstance(handler.formatter, EventFormatter)
    assert zhengxin_logger.level == logging.INFO
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    get_logger("zhengxin.test").info("ingest.record", id_number=ZHANG)
    assert stream.getvalue().rstrip("\n").endswith(f"INFO ingest.record id_number={ZHANG_MASKED}")


def test_configure_defaults_to_warnings(zhengxin_logger: logging.Logger) -> None:
    configure()
    assert zhengxin_logger.level == logging.WARNING
