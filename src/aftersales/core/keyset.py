"""Keyset pagination: the page after (or before) a row is found from that row's values of
the list's ordering, never by OFFSET, so the thousandth page costs what the first costs
(the database walks the ordering's index from the cursor and stops after one page).

A cursor is opaque to clients: base64url of JSON `["a" | "b", [values…]]` — after or
before the row whose ordering values these are. The queryset's ordering must end with its
primary key (`id`/`-id`/`pk`), which makes every position unique, and the ordering's
fields must not be NULL on the listed rows (the lists that use it guarantee that).
"""
from __future__ import annotations

import base64
import binascii
import json
import operator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .errors import ValidationFailed

AFTER, BEFORE = "a", "b"


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    next_cursor: str | None  # the page after this one, if there is one
    previous_cursor: str | None  # the page before it, if there is one


def ordering_of(qs: QuerySet) -> list[tuple[str, bool]]:
    """[(field, descending)] of the queryset's ordering; it must end with the primary key."""
    fields = []
    for item in qs.query.order_by:
        if not isinstance(item, str):
            raise ValueError("keyset pages need an ordering by plain field names")
        name = item.lstrip("-")
        fields.append(("id" if name == "pk" else name, item.startswith("-")))
    if not fields or fields[-1][0] not in ("id", qs.model._meta.pk.name):
        raise ValueError("keyset pages need an ordering that ends with the primary key")
    return fields


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode(direction: str, values: list) -> str:
    raw = json.dumps([direction, [_plain(v) for v in values]], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_of(row, ordering: list[tuple[str, bool]], direction: str = AFTER) -> str:
    return encode(direction, [getattr(row, name) for name, _desc in ordering])


def decode(token: str, qs: QuerySet, ordering: list[tuple[str, bool]]) -> tuple[str, list]:
    """(direction, values as the fields' Python types); a cursor that does not fit → 422."""
    refused = ValidationFailed(_("Not a valid cursor."), field="cursor")
    try:
        raw = base64.urlsafe_b64decode((token or "") + "=" * (-len(token or "") % 4))
        direction, values = json.loads(raw.decode())
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise refused from None
    if direction not in (AFTER, BEFORE) or not isinstance(values, list) \
            or len(values) != len(ordering) or any(v is None for v in values):
        raise refused
    typed = []
    for (name, _desc), value in zip(ordering, values, strict=True):
        if isinstance(value, list | dict):
            raise refused
        try:
            typed.append(qs.model._meta.get_field(name).to_python(value))
        except (ValidationError, ValueError, TypeError):
            raise refused from None
    return direction, typed


def _beyond(ordering: list[tuple[str, bool]], values: list, *, forward: bool) -> Q:
    """Rows after (forward) or before the position `values` in the ordering: the
    lexicographic comparison written as (a > x) OR (a = x AND b > y) OR …"""
    parts = []
    equal = Q()
    for (name, descending), value in zip(ordering, values, strict=True):
        later = "lt" if descending == forward else "gt"
        parts.append(equal & Q(**{f"{name}__{later}": value}))
        equal &= Q(**{name: value})
    return reduce(operator.or_, parts)


def _reversed(ordering: list[tuple[str, bool]]) -> list[str]:
    return [name if descending else f"-{name}" for name, descending in ordering]


def page(qs: QuerySet, *, size: int, cursor: str | None = None,
         offset: int = 0) -> KeysetPage:
    """One page of `size` rows in one query (one row more is read to know whether another
    page follows). Without a cursor the page starts at `offset` (0: the first page; a
    larger offset is the old page-number way in, kept for links made before cursors)."""
    ordering = ordering_of(qs)
    if cursor:
        direction, values = decode(cursor, qs, ordering)
        forward = direction == AFTER
        scoped = qs.filter(_beyond(ordering, values, forward=forward))
        if forward:
            rows = list(scoped[:size + 1])
            more_after, more_before = len(rows) > size, True
            rows = rows[:size]
        else:
            rows = list(scoped.order_by(*_reversed(ordering))[:size + 1])
            more_after, more_before = True, len(rows) > size
            rows = rows[:size][::-1]
    else:
        rows = list(qs[offset:offset + size + 1])
        more_after, more_before = len(rows) > size, offset > 0
        rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_cursor=cursor_of(rows[-1], ordering, AFTER) if rows and more_after else None,
        previous_cursor=cursor_of(rows[0], ordering, BEFORE) if rows and more_before else None)
