from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from tests.conftest import Backend, row_counts
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.identity import InstitutionCode
from zhengxin.lender.models import LenderBase
from zhengxin.lender.notices import MemoryNotifier
from zhengxin.lender.products import ProductCatalog
from zhengxin.lender.service import LenderService

INSTITUTION = InstitutionCode("Q10152900H0001")
ZHANG_SAN = "110105199003071239"


class Lender:
    """A lender on a fresh database, with a clock the test moves."""

    def __init__(
        self, engine: Engine, clock: FixedClock, catalog: ProductCatalog | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.catalog = catalog
        self.notifier = MemoryNotifier()

    @contextmanager
    def service(self) -> Iterator[LenderService]:
        with unit_of_work(self.engine) as session:
            yield LenderService(session, self.clock, INSTITUTION, self.catalog, self.notifier)

    def on(self, day: date) -> Lender:
        """Move to ``day``, running the bill-day job for every day passed on the way."""
        current = self.clock.today()
        while current < day:
            current += timedelta(days=1)
            self.clock.set_date(current)
            with self.service() as lender:
                lender.run_day_end(current)
        return self

    def row_counts(self) -> dict[str, int]:
        return row_counts(self.engine, LenderBase.metadata)


@pytest.fixture
def lender(backend: Backend) -> Lender:
    engine = backend.engine("lender")
    migrate(engine, "zhengxin.lender.migrations")
    return Lender(engine, FixedClock.on(date(2025, 1, 1)))
