"""Identity without accounts: a one-time code sent to a phone proves the person holds it;
the browser then remembers the confirmed phone for the policy's days in a signed cookie.

Codes are six digits, kept only as a keyed hash (HMAC with the server's secret), valid
for the policy's minutes, void after the policy's number of wrong tries, used once; a new
code voids the earlier ones of that phone. The text goes out through the notifications
outbox (SMS). Nothing here tells whether a phone is in the archive. The limits per phone
and per client address on asking for codes are the security side's (portal.ratelimit)."""
from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.core.validation import clean_phone
from aftersales.notifications.services import queue_notification

from .errors import PortalCode
from .models import PhoneCode, PortalPolicy

COOKIE = "portal_phone"
COOKIE_SALT = "aftersales.portal.identity"
PURPOSES = ("identity", "booking")


def _hash(*, phone: str, purpose: str, code: str) -> str:
    return salted_hmac("aftersales.portal.code", f"{purpose}:{phone}:{code}",
                       algorithm="sha256").hexdigest()


def _wrong():
    return ValidationFailed(_("The code is wrong or has expired. Ask for a new one."),
                            field="code", code=PortalCode.INVALID_CODE)


@transaction.atomic
def send_code(*, phone: str, purpose: str = "identity") -> PhoneCode:
    """Make a new code for the phone and queue the SMS that carries it."""
    if purpose not in PURPOSES:
        raise ValidationFailed(_("Unknown value."), field="purpose")
    phone = clean_phone(phone, mobile_only=True)
    policy = PortalPolicy.current()
    now = timezone.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    PhoneCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True,
                             expires_at__gt=now).update(expires_at=now)
    row = PhoneCode.objects.create(
        phone=phone, purpose=purpose, code_hash=_hash(phone=phone, purpose=purpose, code=code),
        expires_at=now + timedelta(minutes=policy.code_valid_minutes))
    with translation.override(settings.LANGUAGE_CODE):
        body = _("Your verification code is %(code)s, valid for %(minutes)d minutes. Do not "
                 "tell it to anyone.") % {"code": code, "minutes": policy.code_valid_minutes}
    queue_notification(channel="sms", recipient=phone, body=body, kind="portal_code",
                       dedupe_key=f"portal_code:{row.pk}")
    return row


def confirm_code(*, phone: str, code: str, purpose: str = "identity") -> str:
    """The phone (national digits) when `code` is its latest live code; else 422 on `code`.
    A wrong try counts against the code even though the request is refused."""
    phone = clean_phone(phone, mobile_only=True)
    text = "".join((code or "").split())
    now = timezone.now()
    policy = PortalPolicy.current()
    with transaction.atomic():
        row = (PhoneCode.objects.select_for_update()
               .filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now,
                       attempts__lt=policy.code_max_attempts).order_by("-id").first())
        if row is None:
            raise _wrong()
        good = hmac.compare_digest(row.code_hash,
                                   _hash(phone=phone, purpose=purpose, code=text))
        if good:
            PhoneCode.objects.filter(pk=row.pk).update(used_at=now)
            return phone
        PhoneCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    raise _wrong()


# -- the browser's remembered phone ------------------------------------------------------


def remember(response, *, phone: str, secure: bool = False) -> None:
    """Keep the confirmed phone on this browser (signed, HttpOnly) for the policy's days."""
    days = PortalPolicy.current().identity_days
    value = signing.dumps({"phone": phone}, salt=COOKIE_SALT)
    response.set_cookie(COOKIE, value, max_age=days * 86400, httponly=True, samesite="Lax",
                        secure=secure)


def remembered_phone(request) -> str | None:
    """The phone this browser confirmed within the policy's days, else None."""
    value = request.COOKIES.get(COOKIE)
    if not value:
        return None
    days = PortalPolicy.current().identity_days
    try:
        data = signing.loads(value, salt=COOKIE_SALT, max_age=days * 86400)
    except signing.BadSignature:
        return None
    phone = data.get("phone") if isinstance(data, dict) else None
    return phone if isinstance(phone, str) and phone.isdigit() else None


def forget(response) -> None:
    response.delete_cookie(COOKIE, samesite="Lax")
