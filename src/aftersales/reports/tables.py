"""A report is a table: named columns (a key for the JSON, a label for the Excel header)
and rows. The JSON and the Excel are written from the same rows, so their figures are
equal; the Excel's headers are Chinese (the site's language) whoever asks."""
from __future__ import annotations

import calendar
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone, translation

from .excel import workbook_response


@dataclass
class Table:
    title: object
    columns: list[tuple[str, object]]
    rows: list[dict]
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"rows": self.rows, **self.extra}

    def as_xlsx(self, filename: str):
        with translation.override(settings.LANGUAGE_CODE):
            return workbook_response(
                title=str(self.title), filename=filename,
                headers=[str(label) for _key, label in self.columns],
                rows=[[_cell(row.get(key)) for key, _label in self.columns]
                      for row in self.rows])


def _cell(value):
    if value is None or isinstance(value, (int, Decimal, str)):
        return value
    return str(value)


@dataclass(frozen=True)
class Period:
    """Business dates [since, until] (Asia/Shanghai) and the filters every report takes."""

    since: date
    until: date
    model: str | None = None
    service_point: int | None = None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.since, time.min, tzinfo=timezone.get_current_timezone())

    @property
    def end(self) -> datetime:
        return datetime.combine(self.until + timedelta(days=1), time.min,
                                tzinfo=timezone.get_current_timezone())


def year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def median(values: list, places: str) -> Decimal | None:
    """The median to the given places (half-up), None when there are no values."""
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(Decimal(places),
                                                            rounding=ROUND_HALF_UP)


def mean(values: list, places: str) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal(places),
                                                                  rounding=ROUND_HALF_UP)
