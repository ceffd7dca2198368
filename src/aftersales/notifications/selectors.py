from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftersales.core.scoping import get_scoped, scope

from .models import Alert


def alert_list(*, actor, kind: str | None = None, for_role: str | None = None,
               open_only: bool = True) -> QuerySet[Alert]:
    """The signed-in user's alerts: a manager's escalations and overdue clocks, an agent's
    callbacks, scoped to the actor's service point. An administrator sees every role's;
    a manager may also look at the agents' list (for_role="agent"); anyone else sees the
    alerts of their own role only."""
    qs = scope(Alert.objects.select_related("ticket", "ticket__customer", "acknowledged_by"),
               actor=actor)
    if kind:
        qs = qs.filter(kind=kind)
    is_admin = actor.is_superuser or actor.role == "admin"
    if not is_admin and not (actor.role == "manager" and for_role):
        for_role = actor.role
    if for_role:
        qs = qs.filter(for_role=for_role)
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("-id")


def access_alert(*, actor, alert_id: int) -> Alert:
    return get_scoped(Alert.objects.all(), actor=actor, pk=alert_id, message=_("Alert not found."))


def open_alert_count(*, actor) -> int:
    """The number on the bell."""
    return alert_list(actor=actor).count()
