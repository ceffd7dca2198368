"""Payment terms and receivables ageing: pure rules, no Django (docs/rules.md, "Payment").

* A bill up to the on-the-spot limit (default 2,000.00 yuan, inclusive) is due the day the
  job is resolved (or the contract signed); a larger bill is due after the credit days
  (default 15). The two numbers are BillingPolicy rows the caller passes in.
* A debt's age is counted from its due date. The bucket edges are data (AGEING_EDGES):
  `ageing_bucket` reads them for one date and the SQL filter of the finance lists
  (billing.selectors) turns the same rows into due-date ranges.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from aftersales.core.money import to_money

ON_SPOT_LIMIT_DEFAULT = Decimal("2000.00")
CREDIT_DAYS_DEFAULT = 15

#: (bucket, the most days overdue it holds); None = no upper edge. "current" holds the
#: debts not yet overdue (0 days or due in the future). In order, from the youngest.
AGEING_EDGES: tuple[tuple[str, int | None], ...] = (
    ("current", 0),
    ("1_15", 15),
    ("16_60", 60),
    ("60_plus", None),
)
AGEING_BUCKETS = tuple(name for name, _most in AGEING_EDGES)


def _plain_date(value: object, what: str) -> _dt.date:
    if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
        raise TypeError(f"{what}: expected datetime.date, got {type(value).__name__}")
    return value


def due_date(*, total: Decimal, resolved_on: _dt.date,
             on_spot_limit: Decimal = ON_SPOT_LIMIT_DEFAULT,
             credit_days: int = CREDIT_DAYS_DEFAULT) -> _dt.date:
    """Small bills (≤ limit, inclusive) are paid on the spot; larger ones get credit."""
    amount = to_money(total)
    limit = to_money(on_spot_limit)
    _plain_date(resolved_on, "resolved_on")
    if isinstance(credit_days, bool) or not isinstance(credit_days, int) or credit_days < 0:
        raise ValueError(f"credit_days must be a whole number ≥ 0, got {credit_days!r}")
    if amount <= limit:
        return resolved_on
    return resolved_on + _dt.timedelta(days=credit_days)


def ageing_bucket(*, due_on: _dt.date, today: _dt.date) -> str:
    """Receivables ageing: "current" until the due day passes, then by days overdue."""
    overdue = (_plain_date(today, "today") - _plain_date(due_on, "due_on")).days
    for name, most in AGEING_EDGES:
        if most is None or overdue <= most:
            return name
    raise AssertionError("the last ageing bucket has no upper edge")


def bucket_due_range(bucket: str, *, today: _dt.date
                     ) -> tuple[_dt.date | None, _dt.date | None]:
    """The due dates a bucket holds on `today`, as (earliest, latest) inclusive; None is
    open. The same edges as ageing_bucket, for a database filter."""
    fewest = None  # the fewest days overdue of this bucket
    previous_most = None
    for name, most in AGEING_EDGES:
        fewest = None if previous_most is None else previous_most + 1
        if name == bucket:
            latest = None if fewest is None else today - _dt.timedelta(days=fewest)
            earliest = None if most is None else today - _dt.timedelta(days=most)
            if fewest is None:  # "current": not overdue, due today or later
                return today - _dt.timedelta(days=most or 0), None
            return earliest, latest
        previous_most = most
    raise ValueError(f"unknown ageing bucket {bucket!r}")
