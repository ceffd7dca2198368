"""Idempotency-Key for writes other than intake (API.md "Additions"): the same key and body
books once and answers the first result; the same key with another body is 409
`idempotency_mismatch`.

`claim` runs inside the caller's write transaction, after its authorization checks. The
unique (scope, key) row decides races: a second request with the key waits on the first's
insert (PostgreSQL) or its whole transaction (SQLite) and then reads the first result."""
from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .errors import Conflict, CoreCode, ValidationFailed
from .models import IdempotentRequest

MAX_KEY_LENGTH = 100


def fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str,
                                     ensure_ascii=False).encode()).hexdigest()


def clean_key(key: str | None) -> str | None:
    key = (key or "").strip() or None
    if key is not None and len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": MAX_KEY_LENGTH},
                               field="Idempotency-Key")
    return key


def claim(*, scope: str, key: str, body: dict) -> tuple[IdempotentRequest, bool]:
    """(record, True) for a first request — store its result with `settle` — or
    (record of the first request, False) for a retry of it."""
    print_ = fingerprint(body)
    existing = IdempotentRequest.objects.filter(scope=scope, key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(scope=scope, key=key,
                                                        fingerprint=print_), True
        except IntegrityError:
            existing = IdempotentRequest.objects.get(scope=scope, key=key)
    if existing.fingerprint != print_:
        raise Conflict(CoreCode.IDEMPOTENCY_MISMATCH,
                       _("This Idempotency-Key was used for a different request."),
                       field="Idempotency-Key")
    return existing, False


def settle(record: IdempotentRequest, *, result_id: int) -> None:
    record.result_id = result_id
    record.save(update_fields=["result_id"])
