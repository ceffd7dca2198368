"""What customers and staff are told about a ticket, through the outbox.

Each function writes outbox rows in the caller's transaction (sent after commit) and is
idempotent: the same event queued twice (by the workflow and by a sweep) is sent once.
Every customer message carries the secret tracking link, which needs no phone number
(ticket numbers are guessable; the secret is not)."""
from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.network.models import User
from aftersales.notifications.services import queue_notification

from . import clocks
from .models import Ticket

STAGES = ("received", "repaired", "shipped_back")


def tracking_link(ticket: Ticket) -> str:
    return f"{settings.PUBLIC_URL}/portal/t/{ticket.tracking_secret}"


def _customer_channels(ticket: Ticket) -> list[tuple[str, str]]:
    """(channel, recipient): SMS to whoever called (else the archive's phone), e-mail when
    the archive has one, WeChat for requests that came in by chat."""
    phone = ticket.contact_phone or ticket.customer.phone
    out = []
    if phone:
        out.append(("sms", phone))
    if ticket.customer.email:
        out.append(("email", ticket.customer.email))
    if ticket.channel == Ticket.Channel.CHAT and phone:
        out.append(("wechat", phone))
    return out


def _tell_customer(ticket: Ticket, *, kind: str, key: str, subject: str, body: str) -> list:
    """Nothing for a provisional record (a web booking whose phone has not confirmed its
    code: the phone may be someone else's); the booking's confirmation tells it then."""
    if ticket.customer.provisional:
        return []
    rows = []
    for channel, recipient in _customer_channels(ticket):
        rows.append(queue_notification(
            channel=channel, recipient=recipient, subject=subject, body=body, ticket=ticket,
            kind=kind, dedupe_key=f"{kind}:{ticket.pk}:{key}:{channel}"[:120]))
    return rows


def notify_ticket_opened(ticket: Ticket) -> list:
    """On intake: the request is received and an engineer will call within the configured
    call-back time (the SLA "contact" row for the ticket's channel)."""
    minutes = clocks.promised_minutes(ticket=ticket)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Service request %(number)s received") % {"number": ticket.number}
        values = {"number": ticket.number, "link": tracking_link(ticket), "minutes": minutes}
        if minutes is None:
            body = _("Your service request %(number)s is received. An engineer will call "
                     "you. Track it here: %(link)s") % values
        else:
            body = _("Your service request %(number)s is received. An engineer will call "
                     "you within %(minutes)d minutes. Track it here: %(link)s") % values
    return _tell_customer(ticket, kind="ticket_opened", key="", subject=subject, body=body)


def notify_appointment(ticket: Ticket, visit) -> list:
    """An appointment agreed (or moved): who comes, and when (local time)."""
    at = timezone.localtime(visit.scheduled_at)
    engineer = visit.engineer or ticket.engineer
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Appointment for %(number)s") % {"number": ticket.number}
        body = _("Engineer %(engineer)s will visit you on %(at)s for service request "
                 "%(number)s. Track it here: %(link)s") % {
            "engineer": engineer.display_name if engineer else _("our engineer"),
            "at": at.strftime("%Y-%m-%d %H:%M"), "number": ticket.number,
            "link": tracking_link(ticket)}
    return _tell_customer(ticket, kind="appointment",
                          key=f"{visit.pk}:{at.strftime('%Y%m%d%H%M')}", subject=subject,
                          body=body)


def notify_late_repair(ticket: Ticket, options: list[str] | tuple[str, ...]) -> list:
    """The bench repair passed its target: the customer is told what they may have."""
    with translation.override(settings.LANGUAGE_CODE):
        offer = {("loaner", "extension"): _("a loaner unit, or a warranty extension by the "
                                            "days of delay"),
                 ("loaner",): _("a loaner unit"),
                 ("extension",): _("a warranty extension by the days of delay")}[
            tuple(options)]
        subject = _("Repair %(number)s is late") % {"number": ticket.number}
        body = _("Sorry: the repair of %(number)s is not done in the promised time. You may "
                 "have %(offer)s; call us to choose. Track it here: %(link)s") % {
            "number": ticket.number, "offer": offer, "link": tracking_link(ticket)}
    return _tell_customer(ticket, kind="late_repair", key="", subject=subject, body=body)


def notify_late_engineer(ticket: Ticket, visit, *, minutes: int) -> list:
    """The engineer will be late for the appointment: the customer is told before it."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Engineer delayed for %(number)s") % {"number": ticket.number}
        body = _("Sorry: our engineer will be about %(minutes)d minutes late for your "
                 "appointment at %(at)s (%(number)s). Track it here: %(link)s") % {
            "minutes": minutes, "number": ticket.number, "link": tracking_link(ticket),
            "at": timezone.localtime(visit.scheduled_at).strftime("%H:%M")}
    return _tell_customer(ticket, kind="late_engineer", key=str(visit.pk), subject=subject,
                          body=body)


def notify_send_in(ticket: Ticket, stage: str) -> list:
    """Send-in progress: the unit was received at the bench, repaired, or shipped back."""
    if stage not in STAGES:
        raise ValueError(f"unknown send-in stage {stage!r}")
    custody = getattr(ticket, "custody", None)
    with translation.override(settings.LANGUAGE_CODE):
        texts = {
            "received": _("We received your unit for service request %(number)s "
                          "(custody label %(label)s)."),
            "repaired": _("The repair of your unit for service request %(number)s is done."),
            "shipped_back": _("Your unit for service request %(number)s is on its way back "
                              "(%(carrier)s %(tracking_no)s)."),
        }
        subject = _("Service request %(number)s: progress") % {"number": ticket.number}
        body = texts[stage] % {
            "number": ticket.number, "label": custody.label if custody else "",
            "carrier": custody.carrier if custody else "",
            "tracking_no": custody.tracking_no if custody else ""}
        body = f"{body} " + _("Track it here: %(link)s") % {"link": tracking_link(ticket)}
    return _tell_customer(ticket, kind=f"send_in_{stage}", key="", subject=subject, body=body)


def notify_staff(users, *, ticket: Ticket, kind: str, key: str, subject: str,
                 body: str) -> list:
    """E-mail (else SMS) to each staff member; once per (kind, ticket, key, person)."""
    rows = []
    for user in users:
        if user.email:
            channel, recipient = "email", user.email
        elif user.phone:
            channel, recipient = "sms", user.phone
        else:
            continue
        rows.append(queue_notification(
            channel=channel, recipient=recipient, subject=subject, body=body, ticket=ticket,
            kind=kind, dedupe_key=f"{kind}:{ticket.pk}:{key}:u{user.pk}"[:120]))
    return rows


def supervisors_of(ticket: Ticket) -> list[User]:
    """The managers of the ticket's service point, else the network-wide (HQ) managers."""
    managers = User.objects.filter(role=User.Role.MANAGER, is_active=True)
    if ticket.service_point_id is not None:
        own = list(managers.filter(service_point_id=ticket.service_point_id))
        if own:
            return own
    return list(managers.filter(service_point__isnull=True))
