"""The migrations build exactly the schema the models declare, on each backend."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

from tests.conftest import Backend
from zhengxin.bureau.models import BureauBase
from zhengxin.kernel.db import migrate
from zhengxin.lender.models import LenderBase


@pytest.mark.parametrize(
    ("package", "metadata"),
    [
        ("zhengxin.lender.migrations", LenderBase.metadata),
        ("zhengxin.bureau.migrations", BureauBase.metadata),
    ],
)
def test_migrations_match_the_models(backend: Backend, package: str, metadata: MetaData) -> None:
    engine = backend.engine("schema")
    migrate(engine, package)
    migrate(engine, package)  # running again at head changes nothing
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
