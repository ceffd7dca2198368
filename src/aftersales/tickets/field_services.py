"""Writes of the field and bench duties added by PRODUCT.md's issue-10 rules that are not
a status change of their own: the late bench repair's remedy."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from aftersales.core.scoping import check_point
from aftersales.devices.models import Device
from aftersales.devices.services import extend_warranty
from aftersales.network.models import User

from . import events, remedies
from .models import LateRepairOffer, Ticket

R = User.Role
REMEDY_TAKERS = (R.ADMIN, R.MANAGER, R.AGENT)


@transaction.atomic
def choose_late_remedy(*, actor: User, ticket: Ticket, choice: str) -> LateRepairOffer:
    """Record what the customer chose for a late bench repair. A warranty extension is by
    the days of delay, so it is granted once the repair is done (the unit's warranty grows
    by that many days); a loaner may be chosen at once."""
    if not (actor.is_superuser or actor.role in REMEDY_TAKERS):
        raise Forbidden(_("Your role may not do this."))
    check_point(actor=actor, service_point_id=ticket.service_point_id)
    offer = LateRepairOffer.objects.select_for_update().filter(ticket=ticket).first()
    if offer is None:
        raise Conflict("no_late_offer", _("No late-repair offer was made for this ticket."))
    if offer.choice:
        raise Conflict("already_chosen", _("The customer has already chosen."))
    if choice not in offer.options:
        raise ValidationFailed(_("Choose one of the options offered."), field="choice")
    now = timezone.now()
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    data: dict = {"choice": choice}
    if choice == LateRepairOffer.Choice.EXTENSION:
        if locked.resolved_at is None:
            raise Conflict("not_repaired_yet", _("The days of delay are known once the "
                                                 "repair is done."))
        if locked.device_id is None:
            raise ValidationFailed(_("The ticket has no unit to extend."), field="choice")
        days = max(1, remedies.days_late(due=offer.due_at, done=locked.resolved_at))
        extend_warranty(actor=actor, device=Device.objects.get(pk=locked.device_id), days=days,
                        reason=_("Late repair %(number)s") % {"number": locked.number},
                        reference=locked.number)
        offer.extension_days = days
        data["extension_days"] = days
    offer.choice, offer.chosen_at, offer.chosen_by = choice, now, actor
    offer.save(update_fields=["choice", "chosen_at", "chosen_by", "extension_days"])
    events.record(ticket=locked, action="late_remedy", actor=actor, at=now,
                  from_status=locked.status, to_status=locked.status, data=data)
    return offer
