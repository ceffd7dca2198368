"""Recalls (召回), patch/upgrade notices and preventive rounds by model and a serial range
or list (capability 14). A recall or a preventive round opens one ticket per unit in the
field (owned: not replaced, not taken back); every owner is told. Progress per unit:
reached (told), done (ticket resolved, or marked done for a notice), refused."""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import Conflict, DomainError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.scoping import require_role
from aftersales.core.validation import clean_required
from aftersales.devices.models import Device
from aftersales.inventory.models import ReturnedUnit
from aftersales.network.models import User
from aftersales.tickets import services as ticket_services
from aftersales.tickets.models import Ticket

from ..errors import CampaignCode
from ..models import Campaign, CampaignUnit
from .tell import in_site_language, tell_customer

CAMPAIGNERS = (User.Role.ADMIN, User.Role.MANAGER)
UNIT_WORKERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.AGENT, User.Role.ENGINEER)
TICKET_KIND = {Campaign.Kind.RECALL: Ticket.Kind.REPAIR,
               Campaign.Kind.PREVENTIVE: Ticket.Kind.MAINTENANCE}
MAX_SERIALS = 10000


def owned_units(qs):
    """Units still with a customer: not replaced by another unit, not taken back."""
    return qs.filter(replaced_by__isnull=True).exclude(
        Exists(ReturnedUnit.objects.filter(device=OuterRef("pk"))))


def _selection(*, model: ProductModel, serial_from: str, serial_to: str, serials: list):
    units = Device.objects.filter(model=model)
    if serials:
        if not isinstance(serials, list) or len(serials) > MAX_SERIALS or not all(
                isinstance(s, str) and s.strip() for s in serials):
            raise ValidationFailed(_("A list of serial numbers."), field="serials")
        return units.filter(serial__in={s.strip().upper() for s in serials})
    if not serial_from or not serial_to:
        raise ValidationFailed(_("Give a serial range (from and to) or a list of serials."),
                               field="serial_from")
    if serial_from > serial_to:
        raise ValidationFailed(_("The range ends before it starts."), field="serial_to")
    return units.filter(serial__gte=serial_from, serial__lte=serial_to)


@transaction.atomic
def create_campaign(*, actor: User, kind: str, model: ProductModel, title: str, body: str,
                    serial_from: str = "", serial_to: str = "",
                    serials: list | None = None) -> Campaign:
    """The campaign and its units; a recall or preventive round opens a ticket per owned
    unit, and every owner is told (SMS/e-mail) at once."""
    require_role(actor, *CAMPAIGNERS)
    if kind not in Campaign.Kind.values:
        raise ValidationFailed(_("Unknown campaign kind."), field="kind")
    title = clean_required(title, field="title", max_length=120)
    body = clean_required(body, field="body", max_length=2000)
    serial_from = (serial_from or "").strip().upper()
    serial_to = (serial_to or "").strip().upper()
    units = owned_units(_selection(model=model, serial_from=serial_from, serial_to=serial_to,
                                   serials=serials or []))
    units = list(units.select_related("customer").order_by("serial"))
    if not units:
        raise ValidationFailed(_("No unit of this model in the field matches."),
                               field="serial_from")
    campaign = Campaign.objects.create(
        number=next_number(prefix="CP", width=5), kind=kind, model=model,
        serial_from=serial_from, serial_to=serial_to, serials=serials or [], title=title,
        body=body, created_by=actor)
    now = timezone.now()
    for device in units:
        ticket = None
        if kind in TICKET_KIND:
            try:
                with transaction.atomic():
                    ticket = ticket_services.open_ticket(
                        actor=None, customer=device.customer, device=device,
                        channel=Ticket.Channel.PHONE, kind=TICKET_KIND[kind],
                        priority=Ticket.Priority.NORMAL, mode=Ticket.Mode.ONSITE,
                        summary=f"{campaign.number} {title}"[:200], description=body,
                        order_ref=campaign.number)
            except DomainError:  # e.g. blocked for debt: the unit waits, listed as pending
                ticket = None
        with in_site_language():
            subject = f"{title} ({device.serial})"
            text = f"{body}\n{_('Serial number')}: {device.serial}" + (
                f"\n{_('Service request')}: {ticket.number}" if ticket else "")
        told = tell_customer(device.customer, kind=f"campaign_{kind}",
                             key=f"{campaign.pk}:{device.pk}", subject=subject, body=text,
                             ticket=ticket)
        CampaignUnit.objects.create(
            campaign=campaign, device=device, ticket=ticket,
            status=CampaignUnit.Status.REACHED if told else CampaignUnit.Status.PENDING,
            reached_at=now if told else None)
    return campaign


def _unit_for(*, actor: User, unit: CampaignUnit) -> CampaignUnit:
    require_role(actor, *UNIT_WORKERS)
    locked = CampaignUnit.objects.select_for_update().get(pk=unit.pk)
    if locked.status in (CampaignUnit.Status.DONE, CampaignUnit.Status.REFUSED):
        raise Conflict(CampaignCode.CAMPAIGN_UNIT_CLOSED, _("This unit is finished already."),
                       field="status")
    return locked


@transaction.atomic
def refuse_campaign_unit(*, actor: User, unit: CampaignUnit, reason: str) -> CampaignUnit:
    """The owner refused (the recall or the upgrade), with the reason."""
    reason = clean_required(reason, field="reason", max_length=200)
    locked = _unit_for(actor=actor, unit=unit)
    locked.status, locked.refused_reason = CampaignUnit.Status.REFUSED, reason
    locked.reached_at = locked.reached_at or timezone.now()
    locked.save(update_fields=["status", "refused_reason", "reached_at"])
    return locked


@transaction.atomic
def complete_campaign_unit(*, actor: User, unit: CampaignUnit) -> CampaignUnit:
    """A notice's patch or upgrade applied (units with a ticket are done by the ticket)."""
    locked = _unit_for(actor=actor, unit=unit)
    if locked.ticket_id is not None:
        raise Conflict(CampaignCode.CAMPAIGN_UNIT_HAS_TICKET,
                       _("This unit is done when its ticket is resolved."), field="ticket")
    now = timezone.now()
    locked.status, locked.done_at = CampaignUnit.Status.DONE, now
    locked.reached_at = locked.reached_at or now
    locked.save(update_fields=["status", "done_at", "reached_at"])
    return locked


def mark_resolved_units_done(*, now: datetime) -> int:
    """Units whose campaign ticket was resolved → done (one UPDATE)."""
    resolved = Ticket.objects.filter(pk=OuterRef("ticket_id")).values("resolved_at")
    return (CampaignUnit.objects
            .filter(status__in=(CampaignUnit.Status.PENDING, CampaignUnit.Status.REACHED),
                    ticket__resolved_at__isnull=False)
            .update(status=CampaignUnit.Status.DONE, done_at=Subquery(resolved)))
