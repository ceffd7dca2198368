"""Messages of the follow-up through the outbox, each once (a dedupe key per cause)."""
from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from aftersales.network.models import User
from aftersales.notifications.services import queue_notification


def sales_staff_for(customer) -> list[User]:
    """The customer's account owner, else the sales staff of the customer's service point,
    else the network-wide (HQ) sales staff."""
    owner = customer.account_owner
    if owner is not None and owner.is_active:
        return [owner]
    sales = User.objects.filter(role=User.Role.SALES, is_active=True)
    own = list(sales.filter(service_point_id=customer.service_point_id)) \
        if customer.service_point_id else []
    return own or list(sales.filter(service_point__isnull=True))


def tell_staff(users, *, kind: str, key: str, subject: str, body: str, ticket=None) -> int:
    """E-mail (else SMS) to each staff member, once per (kind, key, person)."""
    sent = 0
    for user in users:
        if user.email:
            channel, recipient = "email", user.email
        elif user.phone:
            channel, recipient = "sms", user.phone
        else:
            continue
        queue_notification(channel=channel, recipient=recipient, subject=subject, body=body,
                           ticket=ticket, kind=kind,
                           dedupe_key=f"{kind}:{key}:u{user.pk}"[:120])
        sent += 1
    return sent


def tell_customer(customer, *, kind: str, key: str, subject: str, body: str,
                  ticket=None) -> int:
    """SMS to the archive's phone and e-mail when there is one, once per (kind, key)."""
    sent = 0
    for channel, recipient in (("sms", customer.phone), ("email", customer.email)):
        if not recipient:
            continue
        queue_notification(channel=channel, recipient=recipient, subject=subject, body=body,
                           ticket=ticket, kind=kind,
                           dedupe_key=f"{kind}:{key}:{channel}"[:120])
        sent += 1
    return sent


def in_site_language():
    """Messages are written in the site's language (zh-hans), whoever triggered them."""
    return translation.override(settings.LANGUAGE_CODE)


def staff_with_roles(*roles: str) -> list[User]:
    return list(User.objects.filter(Q(role__in=roles), is_active=True).order_by("pk"))
