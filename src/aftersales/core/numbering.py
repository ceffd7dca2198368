"""Readable unique numbers, safe under concurrency on SQLite and PostgreSQL."""
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Sequence


@transaction.atomic
def next_value(*, name: str, period: str = "") -> int:
    try:
        with transaction.atomic():
            Sequence.objects.get_or_create(name=name, period=period)
    except IntegrityError:  # created by a concurrent caller: fine, it exists now
        pass
    # The UPDATE takes the row lock; reading it back in the same transaction sees our value.
    Sequence.objects.filter(name=name, period=period).update(value=F("value") + 1)
    return Sequence.objects.get(name=name, period=period).value


def next_number(*, prefix: str, period: str = "", width: int = 6) -> str:
    value = next_value(name=prefix, period=period)
    sep = "-" if period else ""
    return f"{prefix}{period}{sep}{value:0{width}d}"
