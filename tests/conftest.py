"""Fixtures shared by the whole suite: storage on both backends.

Every test that takes ``backend`` runs twice, once on SQLite and once on PostgreSQL. The
PostgreSQL server is started once per session from the server binaries and stopped at the end.
Where the binaries are missing the PostgreSQL runs are skipped with one clear reason, except
under ``CI=true``, where a missing server is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, func, select
from sqlalchemy.orm import Session

from tests.pgserver import PostgresServer, find_bin_dir
from zhengxin.kernel.db import make_engine

MISSING_PG = (
    "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found, so the PostgreSQL "
    "storage tests did not run; install the Debian package 'postgresql' to run them"
)


def _uses_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return False
    return "postgresql" in (
        callspec.params.get("backend"),
        callspec.params.get("module_backend"),
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without server binaries: deselect the PostgreSQL runs and say so once (fail under CI)."""
    if find_bin_dir() is not None:
        return
    if os.environ.get("CI") == "true":
        pytest.exit("CI=true but " + MISSING_PG, returncode=1)
    skipped = [item for item in items if _uses_postgres(item)]
    if skipped:
        items[:] = [item for item in items if not _uses_postgres(item)]
        config.hook.pytest_deselected(items=skipped)
        config.stash[_SKIPPED_PG] = len(skipped)


_SKIPPED_PG = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    count = terminalreporter.config.stash.get(_SKIPPED_PG, 0)
    if count:
        terminalreporter.write_line(f"SKIPPED {count} tests: {MISSING_PG}", yellow=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        yield None
        return
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def row_counts(engine: Engine, metadata: MetaData) -> dict[str, int]:
    """How many rows each table of ``metadata`` holds: a failed operation must not change it."""
    with Session(engine) as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in metadata.sorted_tables
        }


@dataclass
class Backend:
    """One storage backend; :meth:`engine` gives a fresh, empty database on it."""

    name: str
    _factory: Callable[[str], str]
    _cleanup: list[Callable[[], None]] = field(default_factory=list)

    def url(self, label: str) -> str:
        return self._factory(label)

    def engine(self, label: str) -> Engine:
        engine = make_engine(self.url(label))
        self._cleanup.append(engine.dispose)
        return engine


def _backend(kind: str, folder: Path, server: PostgresServer | None) -> Iterator[Backend]:
    if kind == "sqlite":
        b = Backend("sqlite", lambda label: f"sqlite:///{folder / label}.sqlite3")
        yield b
        for dispose in b._cleanup:
            dispose()
        return
    if server is None:
        pytest.skip(MISSING_PG)
    urls: list[str] = []

    def factory(label: str) -> str:
        urls.append(server.new_database(label))
        return urls[-1]

    b = Backend("postgresql", factory)
    yield b
    for dispose in b._cleanup:
        dispose()
    for url in urls:
        server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: PostgresServer | None
) -> Iterator[Backend]:
    """A storage backend for one test."""
    yield from _backend(request.param, tmp_path, postgres_server)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_backend(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_server: PostgresServer | None,
) -> Iterator[Backend]:
    """A storage backend shared by the tests of one module (for expensive set-ups)."""
    yield from _backend(request.param, tmp_path_factory.mktemp("storage"), postgres_server)
