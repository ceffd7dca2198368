"""The periodic sweeps (PRODUCT.md "Response and resolution targets", "Follow-up").

Each sweep finds what fell due with one indexed query, then handles every ticket in its
own transaction. The gate is an `Alert` row, unique per (kind, ticket, key): the ticket
event, the escalation and the staff messages are written only by the run that created
the alert, so running a sweep twice (or two runs at once) does nothing twice.

Run by Celery beat in production (`run_sweeps_task` every minute), by the in-process
scheduler of `aftersales serve` in embedded mode, or once by `aftersales sweep` (cron).
See docs/background-work.md.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from aftersales.contracts.models import Contract
from aftersales.core.api import sweep_expired_tokens
from aftersales.core.errors import DomainError
from aftersales.core.throttle import sweep_expired_counters
from aftersales.notifications.models import Alert, SweepPolicy
from aftersales.notifications.services import raise_alert, retry_pending_notifications
from aftersales.notifications.webhooks import retry_due_webhooks

from . import events, remedies, services
from .field_sweeps import FIELD_SWEEPS
from .inbound_mail import fetch_mail
from .models import FollowUp, LateRepairOffer, Ticket, TicketEvent, TicketPolicy
from .notifications import notify_late_repair, notify_staff, supervisors_of
from .workflow import OPEN

log = logging.getLogger("aftersales.sweeps")

K = Alert.Kind


def _overdue(now: datetime):
    """Open tickets with some clock due by `now`: every unmet clock's due is at or after the
    ticket's `sla_next_due` (clocks.refresh keeps it the earliest), so the breach sweeps
    start from that column's index range — the overdue backlog — instead of testing every
    open ticket's clocks one by one (a million open tickets in a national network)."""
    return Ticket.objects.select_related("customer").filter(sla_next_due__lte=now,
                                                            status__in=OPEN)


def _not_alerted(qs, kind: str, key: str = ""):
    return qs.filter(~Exists(Alert.objects.filter(ticket=OuterRef("pk"), kind=kind, key=key)))


def _each(rows, handle) -> int:
    """Handle each row in its own transaction; one bad row does not stop the others."""
    done = 0
    for row in rows:
        try:
            with transaction.atomic():
                done += bool(handle(row))
        except DomainError as exc:  # the ticket moved on meanwhile (e.g. resolved)
            log.info("Sweep skipped %s: %s", row, exc.message)
        except Exception:
            log.exception("Sweep failed on %s", row)
    return done


def _alert_and_tell(ticket: Ticket, *, kind: str, due: datetime | None, now: datetime,
                    message: str, key: str = "", for_role: str = Alert.Role.MANAGER,
                    tell: bool = True) -> bool:
    alert, created = raise_alert(kind=kind, ticket=ticket, key=key, for_role=for_role,
                                 message=message, due_at=due)
    if not created:
        return False
    events.record(ticket=ticket, action=kind, actor=None, at=now, from_status=ticket.status,
                  to_status=ticket.status,
                  data={"alert": alert.pk, "due": due.isoformat() if due else None})
    if tell:
        notify_staff(supervisors_of(ticket), ticket=ticket, kind=kind, key=key,
                     subject=f"[{ticket.number}] {message}",
                     body=f"{message}\n{ticket.number} {ticket.customer.name}: "
                          f"{ticket.summary}")
    return True


def sweep_response_overdue(*, now: datetime) -> int:
    """First response overdue (10 min by default) → the manager is told."""
    rows = _not_alerted(_overdue(now).filter(
        responded_at__isnull=True, respond_due__isnull=False, respond_due__lte=now),
        K.RESPONSE_OVERDUE)

    def handle(ticket: Ticket) -> bool:
        if not _alert_and_tell(ticket, kind=K.RESPONSE_OVERDUE, due=ticket.respond_due,
                               now=now, message=_("First response overdue")):
            return False
        _mark_breached(ticket, target="respond", due=ticket.respond_due, now=now)
        return True
    return _each(rows, handle)


def _mark_breached(ticket: Ticket, *, target: str, due: datetime, now: datetime) -> None:
    """The breach counts from now (reports, the breached filter), not only once the clock
    is finally met or the ticket closed."""
    events.sla_breached(ticket=ticket, target=target, due=due, at=now)
    Ticket.objects.filter(pk=ticket.pk, sla_breached=False).update(sla_breached=True)


#: The clocks the breach sweep watches, with the manager's message. The first response
#: has its own sweep (above); the phone escalation escalates instead.
BREACH_CLOCKS = {
    "onsite": _lazy("On-site time missed"),
    "resolve": _lazy("Resolution time missed"),
    "contact": _lazy("Promised engineer call-back missed"),
    "reply": _lazy("Engineer's first reply overdue"),
    "answer": _lazy("Severe problem not answered in time"),
}


def sweep_clock_breaches(*, now: datetime) -> int:
    """Every other promised clock of an open ticket that passed its due unmet: its breach
    event, the ticket counted as breached, and one alert to the manager, once per clock."""
    done = 0
    for name, message in BREACH_CLOCKS.items():
        rows = _not_alerted(_overdue(now).filter(
            **{f"{name}_due__isnull": False, f"{name}_due__lt": now,
               f"{name}_met_at__isnull": True}), K.CLOCK_OVERDUE, key=name)

        def handle(ticket: Ticket, name: str = name, message=message) -> bool:
            due = getattr(ticket, f"{name}_due")
            if not _alert_and_tell(ticket, kind=K.CLOCK_OVERDUE, due=due, now=now, key=name,
                                   message=str(message)):
                return False
            _mark_breached(ticket, target=name, due=due, now=now)
            if name == "resolve" and ticket.mode == Ticket.Mode.SEND_IN:
                _offer_late_remedy(ticket, due=due, now=now)
            return True
        done += _each(rows, handle)
    return done


def _offer_late_remedy(ticket: Ticket, *, due: datetime, now: datetime) -> None:
    """A bench repair past its target: the customer is offered a loaner or a warranty
    extension by the days of delay (as the policy says), once."""
    options = list(remedies.offered(TicketPolicy.current().late_repair_remedy))
    offer, created = LateRepairOffer.objects.get_or_create(
        ticket=ticket, defaults={"due_at": due, "offered_at": now, "options": options})
    if not created:
        return
    events.record(ticket=ticket, action="late_repair_offer", actor=None, at=now,
                  from_status=ticket.status, to_status=ticket.status,
                  data={"options": options, "due": due.isoformat()})
    notify_late_repair(ticket, options)


def sweep_phone_escalations(*, now: datetime) -> int:
    """Phone/remote support not solved within 4 h → escalated to the supervisor, who
    decides on an on-site visit."""
    rows = _not_alerted(_overdue(now).filter(
        mode=Ticket.Mode.REMOTE, escalated_at__isnull=True, resolved_at__isnull=True,
        escalate_due__isnull=False, escalate_due__lte=now),
        K.PHONE_ESCALATION)

    def handle(ticket: Ticket) -> bool:
        message = _("Not solved by phone in time: decide on an on-site visit")
        if not _alert_and_tell(ticket, kind=K.PHONE_ESCALATION, due=ticket.escalate_due,
                               now=now, message=message, tell=False):
            return False
        # the workflow's escalate action tells the supervisors itself
        services.escalate(actor=None, ticket=ticket, reason=message)
        return True
    return _each(rows, handle)


def _backup_contract(ticket: Ticket, today) -> Contract | None:
    contracts = (Contract.objects.filter(
        customer_id=ticket.customer_id, kind=Contract.Kind.ANNUAL,
        status=Contract.Status.ACTIVE, backup_device=True, starts_on__lte=today,
        ends_on__gte=today).prefetch_related("devices"))
    for contract in contracts:
        covered = {d.pk for d in contract.devices.all()}
        if not covered or ticket.device_id in covered:
            return contract
    return None


def sweep_backup_devices(*, now: datetime) -> int:
    """Annual-contract customers with a backup device: a fault not fixed within 48 h →
    the manager sends a backup unit."""
    hours = SweepPolicy.current().backup_device_after_hours
    today = timezone.localdate(now)
    with_contract = Contract.objects.filter(
        customer=OuterRef("customer"), kind=Contract.Kind.ANNUAL,
        status=Contract.Status.ACTIVE, backup_device=True, starts_on__lte=today,
        ends_on__gte=today)
    rows = _not_alerted(Ticket.objects.select_related("customer").filter(
        Exists(with_contract), resolved_at__isnull=True, status__in=OPEN,
        created_at__lte=now - timedelta(hours=hours)), K.BACKUP_DEVICE)

    def handle(ticket: Ticket) -> bool:
        contract = _backup_contract(ticket, today)
        if contract is None:
            return False
        return _alert_and_tell(
            ticket, kind=K.BACKUP_DEVICE, due=ticket.created_at + timedelta(hours=hours),
            now=now, message=_("Backup device due (contract %(number)s)")
            % {"number": contract.number})
    return _each(rows, handle)


CALLBACK_BATCH = 1000


def sweep_callbacks_due(*, now: datetime) -> int:
    """Callbacks (回访) that fell due → onto the agents' callback list (alerts for agents).

    Those already listed are left out in the query itself, before the batch is cut, so a
    backlog larger than one batch is worked off batch by batch (never stuck on the oldest
    thousand)."""
    listed = Alert.objects.filter(kind=K.CALLBACK_DUE, ticket=OuterRef("ticket"),
                                  key=Cast(OuterRef("pk"), output_field=CharField()))
    pending = (FollowUp.objects.select_related("ticket", "ticket__customer")
               .filter(done_at__isnull=True, due_at__lte=now)
               .exclude(ticket__status=Ticket.Status.CANCELLED)
               .filter(~Exists(listed)).order_by("due_at"))

    def handle(follow_up: FollowUp) -> bool:
        return _alert_and_tell(follow_up.ticket, kind=K.CALLBACK_DUE, due=follow_up.due_at,
                               now=now, message=_("Callback due"), key=str(follow_up.pk),
                               for_role=Alert.Role.AGENT, tell=False)

    done = 0
    while True:
        batch = list(pending[:CALLBACK_BATCH])
        if not batch:
            return done
        listed_now = _each(batch, handle)
        done += listed_now
        if listed_now == 0:  # every row of the batch failed: leave them to the next run
            return done


def sweep_quotes_waiting(*, now: datetime) -> int:
    """A quote the customer has not decided on within SweepPolicy.quote_waiting_hours →
    the manager is told (once per quote: the key is the event that sent it)."""
    hours = SweepPolicy.current().quote_waiting_hours
    sent = (TicketEvent.objects.filter(to_status=Ticket.Status.AWAITING_APPROVAL,
                                       ticket__status=Ticket.Status.AWAITING_APPROVAL)
            .exclude(from_status=Ticket.Status.AWAITING_APPROVAL)
            .filter(at__lte=now - timedelta(hours=hours))
            .select_related("ticket", "ticket__customer").order_by("ticket_id", "-at", "-id"))
    latest: dict[int, TicketEvent] = {}
    for event in sent:
        latest.setdefault(event.ticket_id, event)
    raised = set(Alert.objects.filter(kind=K.QUOTE_WAITING, ticket_id__in=list(latest))
                 .values_list("key", flat=True))

    def handle(event: TicketEvent) -> bool:
        return _alert_and_tell(event.ticket, kind=K.QUOTE_WAITING, key=str(event.pk),
                               due=event.at + timedelta(hours=hours), now=now,
                               message=_("The customer has not decided on the quote"))
    return _each([e for e in latest.values() if str(e.pk) not in raised], handle)


SWEEPS = {
    "response_overdue": sweep_response_overdue,
    "clock_breaches": sweep_clock_breaches,
    "phone_escalations": sweep_phone_escalations,
    "backup_devices": sweep_backup_devices,
    "callbacks_due": sweep_callbacks_due,
    "quotes_waiting": sweep_quotes_waiting,
    "expired_tokens": sweep_expired_tokens,  # API tokens past their expiry
    "rate_counters": sweep_expired_counters,  # ended windows of the shared counters
    **FIELD_SWEEPS,  # cash not handed over, loaners overdue, fees not collected
}


def run_sweeps(*, now: datetime | None = None) -> dict[str, int]:
    """Every sweep once, then a retry of unsent messages; returns what each one did."""
    now = now or timezone.now()
    done = {name: sweep(now=now) for name, sweep in SWEEPS.items()}
    done["notifications_retried"] = retry_pending_notifications(now=now)
    done["webhooks_retried"] = retry_due_webhooks(now=now)
    return done


def fetch_mail_if_configured() -> dict[str, int]:
    """Read the service mailbox once when one is configured (AFTERSALES_IMAP_HOST)."""
    if not settings.IMAP_HOST:
        return {}
    summary = fetch_mail(host=settings.IMAP_HOST, port=settings.IMAP_PORT,
                         user=settings.IMAP_USER, password=settings.IMAP_PASSWORD,
                         use_ssl=settings.IMAP_SSL, mailbox=settings.IMAP_MAILBOX)
    return {"tickets": summary.tickets, "replies": summary.replies,
            "unknown": summary.unknown, "failed": summary.failed}


class EmbeddedScheduler(threading.Thread):
    """Embedded mode (no broker): runs the sweeps every `interval` seconds in a daemon
    thread of the serving process. A run that fails is logged; the next one runs anyway."""

    def __init__(self, *, interval: float, mail_interval: float | None = None):
        super().__init__(name="aftersales-sweeps", daemon=True)
        self.interval = interval
        self.mail_interval = mail_interval
        self.mail_due = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            close_old_connections()
            try:
                self.run_once()
                self.fetch_mail_when_due()
            finally:
                connections.close_all()  # no connection is held between runs (or forks)

    def fetch_mail_when_due(self) -> None:
        if not self.mail_interval or time.monotonic() < self.mail_due:
            return
        self.mail_due = time.monotonic() + self.mail_interval
        try:
            fetch_mail_if_configured()
        except Exception:
            log.exception("Reading the service mailbox failed")

    def run_once(self) -> dict[str, int] | None:
        try:
            done = run_sweeps()
        except Exception:
            log.exception("Sweeps failed")
            return None
        if any(done.values()):
            log.info("Sweeps: %s", done)
        return done

    def stop(self) -> None:
        self.stopped.set()


def start_embedded_scheduler(*, interval: float,
                             mail_interval: float | None = None) -> EmbeddedScheduler:
    scheduler = EmbeddedScheduler(interval=interval, mail_interval=mail_interval)
    scheduler.start()
    return scheduler
