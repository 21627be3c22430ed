"""Settings from the environment: where each system keeps its data."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from zhengxin.kernel.settings import Settings

LENDER_PG = "postgresql+psycopg://lender@db/lender"
BUREAU_PG = "postgresql+psycopg://crc@db/bureau"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ZHENGXIN_DATA_DIR", "ZHENGXIN_LENDER_URL", "ZHENGXIN_BUREAU_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_keep_everything_in_var() -> None:
    settings = Settings()
    assert settings.data_dir == Path("var")
    assert settings.lender_url is None
    assert settings.bureau_url is None
    assert settings.database_url("lender") == "sqlite:///var/lender.sqlite3"
    assert settings.database_url("bureau") == "sqlite:///var/bureau.sqlite3"
    assert settings.outbox == Path("var/outbox")
    assert settings.feedback_dir == Path("var/feedback")


def test_data_dir_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ZHENGXIN_DATA_DIR", str(tmp_path / "data"))
    settings = Settings()
    assert settings.data_dir == tmp_path / "data"
    # an absolute path gives SQLite's four-slash URL
    assert (
        settings.database_url("lender")
        == f"sqlite:///{(tmp_path / 'data').as_posix()}/lender.sqlite3"
    )
    assert settings.database_url("lender").startswith("sqlite:////")
    assert settings.outbox == tmp_path / "data" / "outbox"
    assert settings.feedback_dir == tmp_path / "data" / "feedback"


def test_a_relative_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHENGXIN_DATA_DIR", "run/demo")
    settings = Settings()
    assert settings.data_dir == Path("run/demo")
    assert settings.database_url("bureau") == "sqlite:///run/demo/bureau.sqlite3"


def test_lender_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHENGXIN_LENDER_URL", LENDER_PG)
    settings = Settings()
    assert settings.lender_url == LENDER_PG
    assert settings.database_url("lender") == LENDER_PG
    assert settings.database_url("bureau") == "sqlite:///var/bureau.sqlite3"


def test_bureau_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHENGXIN_BUREAU_URL", BUREAU_PG)
    settings = Settings()
    assert settings.database_url("bureau") == BUREAU_PG
    assert settings.database_url("lender") == "sqlite:///var/lender.sqlite3"


def test_an_empty_url_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHENGXIN_LENDER_URL", "")
    assert Settings().database_url("lender") == "sqlite:///var/lender.sqlite3"


def test_variables_without_the_prefix_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", "elsewhere")
    monkeypatch.setenv("LENDER_URL", LENDER_PG)
    settings = Settings()
    assert settings.data_dir == Path("var")
    assert settings.lender_url is None


def test_arguments_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ZHENGXIN_DATA_DIR", "from-env")
    monkeypatch.setenv("ZHENGXIN_LENDER_URL", LENDER_PG)
    settings = Settings(data_dir=tmp_path, lender_url="sqlite:///:memory:")
    assert settings.data_dir == tmp_path
    assert settings.database_url("lender") == "sqlite:///:memory:"
    assert settings.outbox == tmp_path / "outbox"


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.data_dir = Path("elsewhere")  # type: ignore[misc]
    assert settings.data_dir == Path("var")
