"""The console's action forms as the mapping the action's schema parses (the API body has
that shape already): only what a browser form cannot say directly is translated here —
a local date-time, a comma list, the rows of the quote table, an empty optional number."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed

QUOTE_ROWS = 3
_SKIP = {"csrfmiddlewaretoken", "phone"}


def _local_time(text: str) -> str | None:
    parsed = parse_datetime(text or "")
    if parsed is None:
        return text or None
    return (timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed).isoformat()


def _quote_lines(post) -> list[dict]:
    lines = []
    for i in range(QUOTE_ROWS):
        description = post.get(f"line_{i}_description", "").strip()
        sku = post.get(f"line_{i}_sku", "").strip()
        if not description and not sku:
            continue
        prefix = f"lines.{len(lines)}."
        price = post.get(f"line_{i}_unit_price", "").strip()
        try:
            unit_price = Decimal(price) if price else None
        except InvalidOperation:
            raise ValidationFailed(_("Enter an amount."), field=prefix + "unit_price") from None
        try:
            qty = int(post.get(f"line_{i}_qty", "1").strip() or "1")
        except ValueError:
            raise ValidationFailed(_("Enter a whole number."), field=prefix + "qty") from None
        lines.append({"kind": post.get(f"line_{i}_kind", "part"), "description": description,
                      "sku": sku or None, "qty": qty, "unit_price": unit_price})
    return lines


def form_data(action: str, post) -> dict[str, Any]:
    """The posted form of `action` as its schema's input."""
    data: dict[str, Any] = {k: post.get(k, "").strip() for k in post
                            if k not in _SKIP and not k.startswith("line_")}
    for name in ("version", "satisfaction", "warehouse", "engineer", "minutes", "trip_no",
                 "new_imei"):
        if data.get(name) == "":
            data.pop(name)
    if action == "schedule_visit":
        data["at"] = _local_time(data.get("at", ""))
    elif action == "depart":
        if data.get("outcome") == "customer_absent":
            data["at"] = _local_time(data.get("at", ""))
        else:
            data.pop("at", None)
    elif action == "contact":
        data["answered"] = data.get("answered") == "1"
    elif action == "test":
        data["passed"] = data.pop("failed", "") != "1"
    elif action in ("receive", "take_away"):
        data["accessories"] = [a.strip() for a in data.get("accessories", "")
                               .replace("，", ",").split(",") if a.strip()]
    elif action == "quote":
        data["lines"] = _quote_lines(post)
        data["transport"] = data.get("transport") or "0"
    return data
