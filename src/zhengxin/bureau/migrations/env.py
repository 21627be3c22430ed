"""Alembic environment for the bureau's database."""

from zhengxin.bureau.models import BureauBase
from zhengxin.kernel.db import run_migrations

run_migrations(BureauBase.metadata)
