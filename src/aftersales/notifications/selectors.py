from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftersales.core.scoping import get_scoped, scope

from .models import Alert


def alert_list(*, actor, kind: str | None = None, for_role: str | None = None,
               open_only: bool = True) -> QuerySet[Alert]:
    """The escalation list of managers and the callback list of agents, scoped to the
    actor's service point."""
    qs = scope(Alert.objects.select_related("ticket", "ticket__customer", "acknowledged_by"),
               actor=actor)
    if kind:
        qs = qs.filter(kind=kind)
    if for_role:
        qs = qs.filter(for_role=for_role)
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("-id")


def access_alert(*, actor, alert_id: int) -> Alert:
    return get_scoped(Alert.objects.all(), actor=actor, pk=alert_id, message=_("Alert not found."))
