"""Settings, read from the environment (prefix ``ZHENGXIN_``) or given in code.

Each system keeps its own database: the lender's, and one per bureau. By default they are
SQLite files under the data folder (``var/``); in production each is a PostgreSQL URL::

    ZHENGXIN_LENDER_URL=postgresql+psycopg://lender@db/lender
    ZHENGXIN_BUREAU_URL=postgresql+psycopg://crc@db/bureau
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from zhengxin.kernel.errors import ConfigurationError


class Settings(BaseSettings):
    """Where Zhengxin keeps its data."""

    model_config = SettingsConfigDict(env_prefix="ZHENGXIN_", frozen=True)

    data_dir: Path = Field(default=Path("var"), description="folder for SQLite files and outputs")
    lender_url: str | None = Field(default=None, description="the lender's database URL")
    bureau_url: str | None = Field(default=None, description="the bureau's database URL")
    institution: str = Field(
        default="Q10152900H0001", description="the lender's 14-character institution code"
    )
    simulation: bool = Field(
        default=False,
        description="let commands stand on another day (--on): for demos and tests only, since "
        "the day decides which authorizations hold, what a self-query costs and what is purged",
    )
    products: Path | None = Field(
        default=None, description="a TOML file of products replacing the lender's defaults"
    )

    def database_url(self, system: str) -> str:
        """The URL for ``system`` ("lender" or "bureau"), defaulting to SQLite in ``data_dir``."""
        urls = {"lender": self.lender_url, "bureau": self.bureau_url}
        if system not in urls:
            raise ConfigurationError(
                "settings.system", f"no database is configured for {system!r}; use lender or bureau"
            )
        explicit = urls[system]
        if explicit:
            return explicit
        return f"sqlite:///{(self.data_dir / f'{system}.sqlite3').as_posix()}"

    @property
    def outbox(self) -> Path:
        """Where the lender writes the submission files it furnishes."""
        return self.data_dir / "outbox"

    @property
    def feedback_dir(self) -> Path:
        """Where the bureau writes the feedback files it returns."""
        return self.data_dir / "feedback"
