"""The credit report as one printable HTML page (A4), in Chinese with English labels.

The page carries everything it needs: styles inline, no external assets, no JavaScript. The
template (``templates/report.html.j2``) is rendered with autoescaping on, so whatever a record
carries (a name, an employer, a statement's text) is shown as text and never runs as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined

from zhengxin.bureau.report import CreditReport
from zhengxin.kernel.clock import CHINA


class _Cell(Protocol):
    @property
    def month(self) -> date: ...
    @property
    def status(self) -> str | None: ...


def _yuan(amount: int | None) -> str:
    return "-" if amount is None else f"{amount:,}"


def _day(day: date | None) -> str:
    return "-" if day is None else day.isoformat()


def _coded(code: str | None, label: str | None) -> str:
    if code is None:
        return "-"
    return f"{code} {label}" if label else code


def _china(instant: datetime) -> str:
    return f"{instant.astimezone(CHINA):%Y-%m-%d %H:%M}"


def by_year(cells: Iterable[_Cell]) -> list[tuple[int, list[_Cell | None]]]:
    """Grid cells as the report prints them: a row per year, twelve slots (None where the grid
    has no such month)."""
    rows: dict[int, list[_Cell | None]] = {}
    for cell in cells:
        rows.setdefault(cell.month.year, [None] * 12)[cell.month.month - 1] = cell
    return sorted(rows.items())


_ENV = Environment(
    loader=PackageLoader("zhengxin.bureau", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters.update(yuan=_yuan, day=_day, china=_china)
_ENV.globals.update(coded=_coded, by_year=by_year)


def report_html(report: CreditReport) -> str:
    """The report as a complete HTML document."""
    return _ENV.get_template("report.html.j2").render(report=report)
