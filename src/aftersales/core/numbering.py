"""Readable unique numbers, safe under concurrency on SQLite and PostgreSQL."""
from django.db import IntegrityError, connection, transaction

from .models import Sequence


def _increment(name: str, period: str) -> int | None:
    """One statement: bump the counter and read it back (the UPDATE holds the row lock until
    the caller's transaction ends, so two callers never get the same value)."""
    table = Sequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET "value" = "value" + 1 '
                       'WHERE "name" = %s AND "period" = %s RETURNING "value"', [name, period])
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic(savepoint=False)  # no round trips for a savepoint while the row is held
def next_value(*, name: str, period: str = "") -> int:
    value = _increment(name, period)
    if value is not None:
        return value
    # the first number of this (name, period): create the counter, then count
    try:
        with transaction.atomic():
            Sequence.objects.create(name=name, period=period)
    except IntegrityError:  # created by a concurrent caller: fine, it exists now
        pass
    return _increment(name, period)


def next_number(*, prefix: str, period: str = "", width: int = 6) -> str:
    value = next_value(name=prefix, period=period)
    sep = "-" if period else ""
    return f"{prefix}{period}{sep}{value:0{width}d}"
