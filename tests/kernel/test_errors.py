"""The one error hierarchy: codes, messages, statuses and plain-data form."""

from __future__ import annotations

import pickle

import pytest

from zhengxin.kernel.errors import (
    ConfigurationError,
    Conflict,
    FileRejected,
    InvalidInput,
    NotFound,
    Refused,
    ZhengxinError,
)

STATUSES = [
    (ZhengxinError, 400),
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (Refused, 403),
    (FileRejected, 422),
    (ConfigurationError, 500),
]


@pytest.mark.parametrize(("cls", "status"), STATUSES)
def test_each_error_has_its_http_status(cls: type[ZhengxinError], status: int) -> None:
    assert cls.status == status
    assert cls("some.code", "a message").status == status


@pytest.mark.parametrize(("cls", "status"), STATUSES)
def test_each_error_carries_code_message_and_details(cls: type[ZhengxinError], status: int) -> None:
    err = cls("inquiry.refused", "no authorisation on file", subject="110***1239", count=2)
    assert err.code == "inquiry.refused"
    assert err.message == "no authorisation on file"
    assert err.details == {"subject": "110***1239", "count": 2}
    assert err.args == ("inquiry.refused", "no authorisation on file")
    assert str(err) == "inquiry.refused: no authorisation on file"
    assert err.as_dict() == {
        "code": "inquiry.refused",
        "message": "no authorisation on file",
        "subject": "110***1239",
        "count": 2,
    }


@pytest.mark.parametrize(("cls", "status"), STATUSES)
def test_each_error_is_caught_as_a_zhengxin_error(cls: type[ZhengxinError], status: int) -> None:
    with pytest.raises(ZhengxinError) as exc:
        raise cls("x.y", "z")
    assert type(exc.value) is cls
    assert isinstance(exc.value, Exception)


def test_subclasses_are_distinct() -> None:
    subclasses = [cls for cls, _ in STATUSES[1:]]
    for cls in subclasses:
        assert issubclass(cls, ZhengxinError)
        for other in subclasses:
            assert issubclass(cls, other) is (cls is other)


def test_without_details_the_dict_has_only_code_and_message() -> None:
    err = NotFound("subject.not_found", "no subject with that ID number")
    assert err.details == {}
    assert err.as_dict() == {
        "code": "subject.not_found",
        "message": "no subject with that ID number",
    }


def test_as_dict_is_a_fresh_copy() -> None:
    err = Conflict("loan.closed", "the loan is closed", loan="L1")
    data = err.as_dict()
    data["loan"] = "L2"
    data["code"] = "other"
    assert err.as_dict() == {"code": "loan.closed", "message": "the loan is closed", "loan": "L1"}


def test_an_error_survives_pickling() -> None:
    err = FileRejected("file.checksum", "the checksum does not match", line=0)
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is FileRejected
    assert copy.code == err.code
    assert copy.message == err.message
    assert copy.details == {"line": 0}
    assert str(copy) == str(err)
