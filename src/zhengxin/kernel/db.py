"""Storage: engines, units of work and migrations, the same on SQLite and PostgreSQL.

Services never commit. The caller (a CLI command, a request, a job) opens a unit of work with
:func:`unit_of_work`; it commits when the block ends normally and rolls everything back when it
raises, so a failed operation leaves the database as it was.
"""

from __future__ import annotations

import importlib.resources
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from zhengxin.kernel.errors import ConfigurationError

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names every schema uses, so that migrations name them the same on each backend."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL mode, foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigurationError("db.url", f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so that a unit
        # of work is one real transaction. IMMEDIATE takes the write lock up front, so two
        # writers queue (busy_timeout) instead of both reading a balance and one failing to
        # upgrade its lock: the SQLite counterpart of SELECT ... FOR UPDATE.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, **kwargs)
    raise ConfigurationError(
        "db.backend",
        f"unsupported database {parsed.get_backend_name()!r}; use sqlite or postgresql",
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_FACTORIES: weakref.WeakKeyDictionary[Engine, sessionmaker[Session]] = weakref.WeakKeyDictionary()


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception."""
    factory = _FACTORIES.get(engine)
    if factory is None:
        factory = _FACTORIES[engine] = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


def run_migrations(target_metadata: MetaData) -> None:
    """The body of every ``env.py``: migrate the connection the caller handed to Alembic."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise ConfigurationError(
            "db.migrate", "migrations run through zhengxin.kernel.db.migrate, not the alembic CLI"
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def migrate(engine: Engine, migrations_package: str, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision`` with the package's Alembic scripts."""
    location = importlib.resources.files(migrations_package)
    config = Config()
    config.set_main_option("script_location", str(location))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
