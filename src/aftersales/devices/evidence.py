"""The exchange evidence a customer shows (三包 for phones), read from a request body into
the warranty engine's Evidence. Every key is optional; a bad value is a 422 naming
``evidence.<key>``, an unknown key a 422 naming ``evidence``."""
from __future__ import annotations

from dataclasses import fields
from datetime import date

from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed

from . import warranty

BOOLS = ("invoice", "warranty_card", "card_altered", "casing_wear")
OPTIONAL_BOOLS = ("invoice_stamped", "network_label", "imei_label")
TEXTS = {"card_serial": 40, "card_model": 40, "invoice_model": 40, "invoice_imei": 15,
         "invoice_seller": 120}
DATES = ("invoice_date", "card_date")
KEYS = {f.name for f in fields(warranty.Evidence)}


def parse_evidence(raw: object, *, base: dict | None = None,
                   field: str = "evidence") -> warranty.Evidence:
    """``base`` holds what the records already say (invoice and card on file); the
    request's keys override it."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationFailed(_("The evidence must be an object."), field=field)
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise ValidationFailed(_("Unknown evidence field: %(name)s.") % {"name": unknown[0]},
                               field=field)
    values = dict(base or {})
    for key, value in raw.items():
        name = f"{field}.{key}"
        if key in BOOLS:
            if not isinstance(value, bool):
                raise ValidationFailed(_("Must be true or false."), field=name)
        elif key in OPTIONAL_BOOLS:
            if value is not None and not isinstance(value, bool):
                raise ValidationFailed(_("Must be true, false or absent."), field=name)
        elif key in DATES:
            value = _date(value, name)
        else:
            value = _text(value, name, TEXTS[key])
        values[key] = value
    return warranty.Evidence(**values)


def _date(value: object, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationFailed(_("A date is written YYYY-MM-DD."), field=name)


def _text(value: object, name: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed(_("Must be text."), field=name)
    value = value.strip()
    if len(value) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=name)
    return value or None
