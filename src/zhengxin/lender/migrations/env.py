"""Alembic environment for the lender's database."""

from zhengxin.kernel.db import run_migrations
from zhengxin.lender.models import LenderBase

run_migrations(LenderBase.metadata)
