"""What every workflow action does around its own work: lock the row, run the guard, check
the version; then set the target status, bump the version, refresh the clocks, append the
event and record a breach the moment it happens."""
from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict
from aftersales.network.models import User

from .. import actions, clocks, events, sla
from ..errors import TicketError as E
from ..models import Ticket
from ..workflow import FINAL


def begin(*, actor: User | None, ticket: Ticket, action: str,
          version: int | None) -> tuple[Ticket, str]:
    """Lock the row, then check who, which version, and whether the guard lets it through."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    error = actions.role_refusal(locked, action, actor)
    if error is not None:
        raise error
    if version is not None and version != locked.version:
        raise Conflict(E.STALE_VERSION,
                       _("The ticket was changed meanwhile (version %(v)d); reload it.")
                       % {"v": locked.version})
    error = actions.refusal(locked, action, actor)
    if error is not None:
        raise error
    return locked, locked.status


def finish(*, actor: User | None, ticket: Ticket, action: str, from_status: str, now,
           fields: set[str], data: dict | None = None) -> Ticket:
    target = actions.SPECS[action].target
    if not target.startswith("="):
        ticket.status = target
    ticket.version += 1
    fields = set(fields) | {"status", "version", "updated_at"}
    met_before = {name: getattr(ticket, f"{name}_met_at") for name in clocks.TARGETS}
    fields.update(clocks.refresh(ticket, now=now))
    ticket.save(update_fields=sorted(fields))
    events.transitioned(ticket=ticket, action=action, actor=actor, at=now,
                        from_status=from_status, data=data)
    stopped = ticket.status in FINAL and from_status not in FINAL
    for name in clocks.TARGETS:
        due, met_at = getattr(ticket, f"{name}_due"), getattr(ticket, f"{name}_met_at")
        if met_before[name] is not None:
            continue  # met earlier: a breach then was recorded then
        if sla.is_breached(due=due, met_at=met_at, now=now) and (met_at is not None
                                                                 or stopped):
            events.sla_breached(ticket=ticket, target=name, due=due, at=now)
    return ticket
