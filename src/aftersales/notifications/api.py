"""Staff alerts raised by the sweeps: the manager's escalation list, the agent's callback
list (GET /alerts), and acknowledging one."""
from datetime import datetime

from ninja import Router, Schema

from aftersales.core.api import ERRORS, paginate
from aftersales.core.api_types import choices_literal

from . import selectors, services
from .models import Alert

router = Router(tags=["alerts"])


class AlertOut(Schema):
    id: int
    kind: str
    for_role: str
    ticket: int
    ticket_number: str
    customer: str
    message: str
    due_at: datetime | None
    created_at: datetime
    acknowledged_at: datetime | None

    @staticmethod
    def resolve_ticket(obj):
        return obj.ticket_id

    @staticmethod
    def resolve_ticket_number(obj):
        return obj.ticket.number

    @staticmethod
    def resolve_customer(obj):
        return obj.ticket.customer.name


class AlertList(Schema):
    items: list[AlertOut]
    next: str | None


@router.get("/alerts", response={200: AlertList, **ERRORS})
def list_alerts(request, kind: choices_literal(Alert.Kind) | None = None,
                for_role: choices_literal(Alert.Role) | None = None, open: bool = True,
                page: int = 1, page_size: int = 50):
    qs = selectors.alert_list(actor=request.auth, kind=kind, for_role=for_role,
                              open_only=open)
    return paginate(request, qs, page=page, page_size=page_size)


@router.post("/alerts/{alert_id}/acknowledge", response={200: AlertOut, **ERRORS})
def acknowledge_alert(request, alert_id: int):
    alert = selectors.access_alert(actor=request.auth, alert_id=alert_id)
    return services.acknowledge_alert(actor=request.auth, alert=alert)
