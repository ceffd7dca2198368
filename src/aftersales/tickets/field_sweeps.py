"""Sweeps of money and assets in the field (PRODUCT.md "In the field"), run with the other
sweeps (`aftersales sweep`, Celery beat, the embedded scheduler):

- cash an engineer has held for the hand-over days → an alert to finance and one to the
  engineer's manager, once per payment (the Alert row's unique key is the gate), with an
  e-mail (else SMS) to each; the alert is acknowledged by itself once finance receives
  the money;
- a loaner past its due day → an alert to the manager, once per loan;
- a fee due on the spot and not collected on the completion day → a staff liability on
  the engineer (billing.liability)."""
from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.billing import field_selectors as money
from aftersales.billing import liability
from aftersales.billing.models import FieldMoneyPolicy, HandedOverPayment
from aftersales.core.money import format_money
from aftersales.inventory import field_selectors as loaners
from aftersales.network.models import User
from aftersales.notifications.models import Alert
from aftersales.notifications.services import queue_notification, raise_alert

log = logging.getLogger("aftersales.sweeps")

CASH_KEY = "cash:{payment}:{role}"


def _tell(users, *, ticket, kind: str, key: str, subject: str, body: str) -> None:
    for user in users:
        channel, recipient = ("email", user.email) if user.email else ("sms", user.phone)
        if not recipient:
            continue
        queue_notification(channel=channel, recipient=recipient, subject=subject[:200],
                           body=body, ticket=ticket, kind=kind,
                           dedupe_key=f"{kind}:{key}:u{user.pk}"[:120])


def _staff(role: str, service_point_id: int | None) -> list[User]:
    """The role's staff at the service point, else at head office."""
    users = User.objects.filter(role=role, is_active=True)
    if service_point_id is not None:
        own = list(users.filter(service_point_id=service_point_id))
        if own:
            return own
    return list(users.filter(service_point__isnull=True))


def sweep_cash_overdue(*, now: datetime) -> int:
    """Alert finance and the engineer's manager about money not handed over in time."""
    rows = list(money.cash_overdue(now=now).filter(charge__ticket__isnull=False)[:1000])
    keys = {CASH_KEY.format(payment=e.pk, role=r) for e in rows
            for r in (Alert.Role.FINANCE, Alert.Role.MANAGER)}
    alerted = set(Alert.objects.filter(kind=Alert.Kind.CASH_OVERDUE, key__in=keys)
                  .values_list("key", flat=True))
    done = 0
    for entry in rows:
        if {CASH_KEY.format(payment=entry.pk, role=r)
                for r in (Alert.Role.FINANCE, Alert.Role.MANAGER)} <= alerted:
            continue
        try:
            with transaction.atomic():
                done += _alert_cash(entry, now=now)
        except Exception:
            log.exception("Cash sweep failed on payment %s", entry.pk)
    _acknowledge_handed_over(now=now)
    return done


def _alert_cash(entry, *, now: datetime) -> bool:
    ticket = entry.charge.ticket
    engineer = entry.created_by
    message = _("Cash %(amount)s taken by %(engineer)s on %(day)s is not handed over") % {
        "amount": format_money(-entry.amount), "engineer": engineer.name or engineer.username,
        "day": timezone.localdate(entry.created_at).isoformat()}
    due = money.cash_age(entry, now=now,
                         days=FieldMoneyPolicy.current().handover_days)["due_at"]
    raised = False
    for role, people in ((Alert.Role.FINANCE,
                          _staff(User.Role.FINANCE, engineer.service_point_id)),
                         (Alert.Role.MANAGER,
                          _staff(User.Role.MANAGER, engineer.service_point_id))):
        key = CASH_KEY.format(payment=entry.pk, role=role)
        _alert, created = raise_alert(kind=Alert.Kind.CASH_OVERDUE, ticket=ticket, key=key,
                                      for_role=role, message=message, due_at=due)
        if created:
            raised = True
            _tell(people, ticket=ticket, kind=Alert.Kind.CASH_OVERDUE, key=key,
                  subject=f"[{ticket.number}] {message}",
                  body=f"{message}\n{ticket.number} {entry.customer.name}")
    return raised


def _acknowledge_handed_over(*, now: datetime) -> int:
    """Cash alerts whose money finance has since received are closed by themselves."""
    open_alerts = {a.pk: a.key for a in Alert.objects.filter(
        kind=Alert.Kind.CASH_OVERDUE, acknowledged_at__isnull=True).only("pk", "key")[:2000]}
    by_payment: dict[int, list[int]] = {}
    for pk, key in open_alerts.items():
        try:
            by_payment.setdefault(int(key.split(":")[1]), []).append(pk)
        except (IndexError, ValueError):
            continue
    received = set(HandedOverPayment.objects.filter(entry_id__in=by_payment)
                   .values_list("entry_id", flat=True))
    ids = [pk for payment in received for pk in by_payment[payment]]
    return Alert.objects.filter(pk__in=ids).filter(Q(acknowledged_at__isnull=True)).update(
        acknowledged_at=now) if ids else 0


def sweep_loaners_overdue(*, now: datetime) -> int:
    """A loaner still out after its due day → the manager is alerted, once per loan."""
    today = timezone.localdate(now)
    rows = list(loaners.loans_overdue(today=today)[:1000])
    alerted = set(Alert.objects.filter(kind=Alert.Kind.LOANER_OVERDUE,
                                       key__in=[f"loan:{loan.pk}" for loan in rows])
                  .values_list("key", flat=True))
    done = 0
    for loan in rows:
        key = f"loan:{loan.pk}"
        if key in alerted:
            continue
        message = _("Loaner %(code)s is overdue (due back %(day)s)") % {
            "code": loan.loaner.code, "day": loan.due_on.isoformat()}
        with transaction.atomic():
            _alert, created = raise_alert(kind=Alert.Kind.LOANER_OVERDUE, ticket=loan.ticket,
                                          key=key, for_role=Alert.Role.MANAGER,
                                          message=message)
            if created:
                done += 1
                _tell(_staff(User.Role.MANAGER, loan.loaner.service_point_id),
                      ticket=loan.ticket, kind=Alert.Kind.LOANER_OVERDUE, key=key,
                      subject=f"[{loan.ticket.number}] {message}",
                      body=f"{message}\n{loan.ticket.number} {loan.customer.name}")
    return done


def sweep_uncollected_fees(*, now: datetime) -> int:
    """Fees due on the spot and not collected: a liability on the engineer."""
    return liability.book_uncollected_fees(today=timezone.localdate(now))


FIELD_SWEEPS = {
    "cash_overdue": sweep_cash_overdue,
    "loaners_overdue": sweep_loaners_overdue,
    "uncollected_fees": sweep_uncollected_fees,
}
