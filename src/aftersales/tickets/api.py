"""API.md "Tickets": intake, the ticket with its clocks and timeline, the list, the actions,
dispatch suggestions, complaint reports and product feedback."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from aftersales.billing.selectors import ticket_money
from aftersales.catalog.selectors import get_fault_code
from aftersales.core.api import ERRORS, Money, Out, paginate
from aftersales.core.api_types import choices_literal
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.money import ZERO
from aftersales.customers.selectors import access_customer
from aftersales.devices.selectors import access_device
from aftersales.network.selectors import access_staff

from . import actions, clocks, field_services, selectors, services
from .models import DispatchApproval, Ticket

router = Router(tags=["tickets"])

# -- schemas -------------------------------------------------------------------------------


class TicketIn(Schema):
    customer: int
    device: str | None = Field(None, description="serial")
    channel: Literal[tuple(Ticket.Channel.values)]  # type: ignore[valid-type]
    kind: Literal[tuple(Ticket.Kind.values)]  # type: ignore[valid-type]
    priority: Literal[tuple(Ticket.Priority.values)] = "normal"  # type: ignore[valid-type]
    mode: Literal[tuple(Ticket.Mode.values)]  # type: ignore[valid-type]
    summary: str = Field(max_length=200)
    description: str = ""
    order_ref: str = Field("", max_length=60)
    fault_code: str | None = None
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=20)


class SlaTargetOut(Out):
    due: datetime | None
    met_at: datetime | None
    breached: bool
    paused: bool


class SlaOut(Out):
    respond_by: datetime | None
    onsite_by: datetime | None
    resolve_by: datetime | None
    escalate_by: datetime | None
    respond: SlaTargetOut
    onsite: SlaTargetOut
    resolve: SlaTargetOut
    escalate: SlaTargetOut
    contact: SlaTargetOut = Field(description="the engineer's call-back promised at intake")
    reply: SlaTargetOut = Field(description="the engineer's first reply (written requests)")
    answer: SlaTargetOut = Field(description="a severe (urgent) problem answered")
    breached: bool


class TicketOut(Out):
    id: int
    number: str
    status: str
    version: int
    kind: str
    mode: str
    priority: str
    channel: str
    customer: int
    customer_name: str
    device: str | None
    service_point: int | None
    engineer: int | None
    engineer_name: str | None
    fault_code: str | None
    summary: str
    description: str
    order_ref: str
    contact_name: str
    contact_phone: str
    created_at: datetime
    responded_at: datetime | None
    onsite_started_at: datetime | None
    repair_started_at: datetime | None
    escalated_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    findings: str
    cause: str
    warranty_covered: bool | None
    warranty_basis: str
    warranty_options: list[str]
    warranty_reasons: list[str]
    resolution: str
    hold_reason: str
    signed_by: str
    signed_at: datetime | None
    signature: bool = Field(description="whether the customer drew a signature")
    satisfaction: int | None
    payment_refused: bool
    sla: SlaOut
    actions: list[str] = Field(description="the actions the caller may run now (on a list row "
                               "without the custody/visit/callback facts the ticket checks)")


class EventOut(Schema):
    at: datetime
    action: str
    by: str | None
    by_id: int | None
    from_status: str
    to_status: str
    data: dict[str, Any]


class VisitOut(Schema):
    trip_no: int
    engineer: int | None
    engineer_name: str | None
    scheduled_at: datetime | None
    arrived_at: datetime | None
    departed_at: datetime | None
    outcome: str


class CustodyOut(Schema):
    label: str
    state: str
    condition: str
    accessories: list[str]
    location: str
    received_at: datetime
    shipped_at: datetime | None
    carrier: str
    tracking_no: str


class FollowUpOut(Schema):
    due_at: datetime
    done_at: datetime | None
    satisfaction: int | None
    comment: str


class ComplaintOut(Schema):
    cause: str
    handling: str
    result: str
    owner: int | None
    owner_name: str | None


class ChargeLineOut(Schema):
    kind: str
    description: str
    amount: Money


class ChargesOut(Schema):
    lines: list[ChargeLineOut]
    total: Money
    paid: Money
    outstanding: Money
    due_on: date | None


class TicketDetailOut(TicketOut):
    events: list[EventOut]
    visits: list[VisitOut]
    custody: CustodyOut | None
    follow_ups: list[FollowUpOut]
    complaint: ComplaintOut | None
    charges: ChargesOut | None


class TicketList(Out):
    items: list[TicketOut]
    next: str | None


class SuggestionOut(Schema):
    engineer: int
    name: str
    service_point: int | None
    skills: list[str] = Field(description="categories of the engineer's valid certificates")
    skill_match: bool
    same_point: bool
    open_load: int


class SuggestionList(Schema):
    items: list[SuggestionOut]


class ComplaintIn(Schema):
    version: int | None = None
    cause: str | None = None
    handling: str | None = None
    result: str | None = None
    owner: int | None = None


class FeedbackIn(Schema):
    title: str = Field(max_length=200)
    description: str
    suggestion: str = ""


class FeedbackOut(Schema):
    id: int
    number: str
    ticket: int | None
    product_model: str | None
    fault_code: str | None
    title: str
    description: str
    suggestion: str
    status: str
    sent_at: datetime | None


# -- rendering -----------------------------------------------------------------------------


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def _sla(ticket: Ticket, now: datetime) -> dict:
    view = clocks.target_view(ticket, now=now)
    targets = {name: {**t, "due": _local(t["due"]), "met_at": _local(t["met_at"])}
               for name, t in view.items()}
    return {"respond_by": targets["respond"]["due"], "onsite_by": targets["onsite"]["due"],
            "resolve_by": targets["resolve"]["due"], "escalate_by": targets["escalate"]["due"],
            **targets,
            "breached": ticket.sla_breached or any(t["breached"] for t in targets.values())}


def ticket_out(ticket: Ticket, *, actor, now: datetime | None = None,
               facts: bool = True) -> dict:
    now = now or timezone.now()
    engineer = ticket.engineer
    return {
        "id": ticket.pk, "number": ticket.number, "status": ticket.status,
        "version": ticket.version, "kind": ticket.kind, "mode": ticket.mode,
        "priority": ticket.priority, "channel": ticket.channel,
        "customer": ticket.customer_id, "customer_name": ticket.customer.name,
        "device": ticket.device.serial if ticket.device_id else None,
        "service_point": ticket.service_point_id, "engineer": ticket.engineer_id,
        "engineer_name": engineer.display_name if engineer else None,
        "fault_code": ticket.fault_code.code if ticket.fault_code_id else None,
        "summary": ticket.summary, "description": ticket.description,
        "order_ref": ticket.order_ref, "contact_name": ticket.contact_name,
        "contact_phone": ticket.contact_phone, "created_at": _local(ticket.created_at),
        "responded_at": _local(ticket.responded_at),
        "onsite_started_at": _local(ticket.onsite_started_at),
        "repair_started_at": _local(ticket.repair_started_at),
        "escalated_at": _local(ticket.escalated_at), "resolved_at": _local(ticket.resolved_at),
        "closed_at": _local(ticket.closed_at), "findings": ticket.findings,
        "cause": ticket.cause, "warranty_covered": ticket.warranty_covered,
        "warranty_basis": ticket.warranty_basis,
        "warranty_options": list(ticket.warranty_options or []),
        "warranty_reasons": list(ticket.warranty_reasons or []),
        "resolution": ticket.resolution, "hold_reason": ticket.hold_reason,
        "signed_by": ticket.signed_by, "signed_at": _local(ticket.signed_at),
        "signature": bool(ticket.signature_png),
        "satisfaction": ticket.satisfaction, "payment_refused": ticket.payment_refused,
        "sla": _sla(ticket, now), "actions": actions.available(ticket, actor, facts=facts),
    }


def _charges(ticket: Ticket) -> dict | None:
    money = ticket_money(ticket=ticket)
    return {"lines": money["lines"], "total": money["total"], "paid": money["paid"],
            "outstanding": money["outstanding"], "due_on": money["due_on"]}


def _custody(ticket: Ticket) -> dict | None:
    try:
        custody = ticket.custody
    except Ticket.custody.RelatedObjectDoesNotExist:
        return None
    return {"label": custody.label, "state": custody.state, "condition": custody.condition,
            "accessories": list(custody.accessories or []), "location": custody.location,
            "received_at": _local(custody.received_at),
            "shipped_at": _local(custody.shipped_at), "carrier": custody.carrier,
            "tracking_no": custody.tracking_no}


def _complaint(ticket: Ticket) -> dict | None:
    try:
        complaint = ticket.complaint
    except Ticket.complaint.RelatedObjectDoesNotExist:
        return None
    return complaint_out(complaint)


def complaint_out(complaint) -> dict:
    return {"cause": complaint.cause, "handling": complaint.handling,
            "result": complaint.result, "owner": complaint.owner_id,
            "owner_name": complaint.owner.display_name if complaint.owner else None}


def ticket_detail(ticket: Ticket, *, actor) -> dict:
    out = ticket_out(ticket, actor=actor)
    out["events"] = [_event_out(e) for e in ticket.events.all()]
    out["visits"] = [{"trip_no": v.trip_no, "engineer": v.engineer_id,
                      "engineer_name": v.engineer.display_name if v.engineer else None,
                      "scheduled_at": _local(v.scheduled_at),
                      "arrived_at": _local(v.arrived_at), "departed_at": _local(v.departed_at),
                      "outcome": v.outcome} for v in ticket.visits.all()]
    out["custody"] = _custody(ticket)
    out["follow_ups"] = [{"due_at": _local(f.due_at), "done_at": _local(f.done_at),
                          "satisfaction": f.satisfaction, "comment": f.comment}
                         for f in ticket.follow_ups.all()]
    out["complaint"] = _complaint(ticket)
    out["charges"] = _charges(ticket)
    return out


def _event_out(e) -> dict:
    return {"at": _local(e.at), "action": e.action,
            "by": e.actor.display_name if e.actor else None, "by_id": e.actor_id,
            "from_status": e.from_status, "to_status": e.to_status, "data": e.data or {}}


def new_ticket_detail(ticket: Ticket, *, actor) -> dict:
    """The detail of a ticket the intake service has just opened, from the objects it holds
    (no second read): its opening event and nothing else yet."""
    out = ticket_out(ticket, actor=actor)
    out["events"] = [_event_out(ticket.opened_event)]
    out["visits"], out["custody"], out["follow_ups"] = [], None, []
    out["complaint"] = _complaint(ticket)
    out["charges"] = {"lines": [], "total": ZERO, "paid": ZERO, "outstanding": ZERO,
                      "due_on": None}
    return out


def _detail_of(request, ticket_id: int) -> dict:
    return ticket_detail(selectors.access_ticket(actor=request.auth, ticket_id=ticket_id),
                         actor=request.auth)


# -- endpoints -----------------------------------------------------------------------------


@router.post("/tickets", response={201: TicketDetailOut, **ERRORS})
def open_ticket(request, payload: TicketIn,
                idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Intake on any channel. The same Idempotency-Key again returns the same ticket."""
    actor = request.auth
    customer = access_customer(actor=actor, customer_id=payload.customer)
    device = None
    if payload.device:
        try:
            device = access_device(actor=actor, serial=payload.device)
        except NotFound:
            raise ValidationFailed(_("Unknown value."), field="device") from None
    fault_code = (get_fault_code(code=payload.fault_code, field="fault_code")
                  if payload.fault_code else None)
    ticket = services.open_ticket(
        actor=actor, customer=customer, channel=payload.channel, kind=payload.kind,
        priority=payload.priority, mode=payload.mode, summary=payload.summary, device=device,
        description=payload.description, order_ref=payload.order_ref, fault_code=fault_code,
        contact_name=payload.contact_name, contact_phone=payload.contact_phone,
        idempotency_key=idempotency_key)
    if hasattr(ticket, "opened_event"):  # opened now, not an Idempotency-Key replay
        return Status(201, new_ticket_detail(ticket, actor=actor))
    return Status(201, _detail_of(request, ticket.pk))


CURSOR_HELP = ("Opaque position from a `next` link: the page after that row (keyset, no "
               "OFFSET). With a cursor `page` is informational; 422 `invalid` for a cursor "
               "that is not one of ours.")


@router.get("/tickets", response={200: TicketList, **ERRORS})
def list_tickets(request, status: str | None = None, customer: int | None = None,
                 serial: str | None = None, phone: str | None = None, q: str | None = None,
                 breached: bool | None = None, engineer: int | None = None,
                 service_point: int | None = None, page: int = 1, page_size: int = 50,
                 cursor: str | None = Query(None, description=CURSOR_HELP)):
    """Newest first. Follow `next`: it carries a `cursor`, so a deep page is found from the
    previous page's last row (keyset), not by OFFSET, and costs what the first page costs."""
    if status:
        unknown = [s for s in status.split(",") if s and s not in Ticket.Status.values]
        if unknown:
            raise ValidationFailed(_("Unknown value."), field="status")
    qs = selectors.ticket_list(actor=request.auth, status=status, customer_id=customer,
                               serial=serial, phone=phone, q=q, breached=breached,
                               engineer_id=engineer, service_point_id=service_point)
    result = paginate(request, qs, page=page, page_size=page_size, cursor=cursor, keyset=True)
    now = timezone.now()
    return {"items": [ticket_out(t, actor=request.auth, now=now, facts=False)
                       for t in result["items"]], "next": result["next"]}


@router.get("/tickets/{ticket_id}", response={200: TicketDetailOut, **ERRORS})
def get_ticket(request, ticket_id: int):
    return _detail_of(request, ticket_id)


def _action_endpoint(name: str, spec: actions.ActionSpec):
    def endpoint(request, ticket_id: int, payload):
        ticket = selectors.access_ticket(actor=request.auth, ticket_id=ticket_id)
        services.perform(actor=request.auth, ticket=ticket, action=name, data=payload)
        return _detail_of(request, ticket_id)

    endpoint.__name__ = f"ticket_action_{name}"  # the operation id (see aftersales.api)
    endpoint.__doc__ = (f"{spec.label} (roles: {', '.join(spec.roles)}; modes: "
                        f"{', '.join(sorted(spec.modes))}). 409 invalid_transition / "
                        "stale_version / wrong_mode; 403 not allowed for the role.")
    endpoint.__annotations__ = {"ticket_id": int, "payload": spec.schema}
    return endpoint


for _name, _spec in actions.SPECS.items():
    router.post(f"/tickets/{{ticket_id}}/actions/{_name}",
                response={200: TicketDetailOut, **ERRORS})(_action_endpoint(_name, _spec))


@router.post("/tickets/{ticket_id}/actions/{action}", response={200: TicketDetailOut, **ERRORS})
def unknown_action(request, ticket_id: int, action: str):
    """Any other action name is refused (422, field `action`)."""
    raise ValidationFailed(_("Unknown action."), field="action")


@router.get("/tickets/{ticket_id}/suggestions", response={200: SuggestionList, **ERRORS})
def dispatch_suggestions(request, ticket_id: int):
    """Engineers ranked: skill matches the product category, same service point, open load."""
    ticket = selectors.access_ticket(actor=request.auth, ticket_id=ticket_id)
    ranked = selectors.dispatch_suggestions(actor=request.auth, ticket=ticket)
    return {"items": [{"engineer": r["engineer"].pk, "name": r["engineer"].display_name,
                       "service_point": r["engineer"].service_point_id,
                       "skills": r["certified"],
                       "skill_match": r["skill_match"], "same_point": r["same_point"],
                       "open_load": r["open_load"]} for r in ranked]}


@router.patch("/tickets/{ticket_id}/complaint", response={200: ComplaintOut, **ERRORS})
def update_complaint(request, ticket_id: int, payload: ComplaintIn):
    """The 顾客抱怨处理报告 of a complaint ticket: cause, handling, result, owner."""
    ticket = selectors.access_ticket(actor=request.auth, ticket_id=ticket_id)
    owner = None
    if payload.owner is not None:
        try:
            owner = access_staff(actor=request.auth, user_id=payload.owner)
        except NotFound:
            raise ValidationFailed(_("Unknown value."), field="owner") from None
    complaint = services.update_complaint(
        actor=request.auth, ticket=ticket, cause=payload.cause, handling=payload.handling,
        result=payload.result, owner=owner, version=payload.version)
    return complaint_out(complaint)


def feedback_out(feedback) -> dict:
    return {"id": feedback.pk, "number": feedback.number, "ticket": feedback.ticket_id,
            "product_model": feedback.product_model.code if feedback.product_model else None,
            "fault_code": feedback.fault_code.code if feedback.fault_code else None,
            "title": feedback.title, "description": feedback.description,
            "suggestion": feedback.suggestion, "status": feedback.status,
            "sent_at": _local(feedback.sent_at)}


@router.post("/tickets/{ticket_id}/feedback", response={201: FeedbackOut, **ERRORS})
def send_feedback(request, ticket_id: int, payload: FeedbackIn):
    """产品信息反馈单: a product observation from this ticket, sent to R&D."""
    ticket = selectors.access_ticket(actor=request.auth, ticket_id=ticket_id)
    feedback = services.send_product_feedback(
        actor=request.auth, ticket=ticket, title=payload.title,
        description=payload.description, suggestion=payload.suggestion)
    return Status(201, feedback_out(feedback))


class FeedbackList(Schema):
    items: list[FeedbackOut]
    next: str | None


@router.get("/product-feedback", response={200: FeedbackList, **ERRORS})
def list_feedback(request, page: int = 1, page_size: int = 50):
    result = paginate(request, selectors.feedback_list(actor=request.auth), page=page,
                      page_size=page_size)
    return {"items": [feedback_out(f) for f in result["items"]], "next": result["next"]}



# -- dispatch approval (network's rule: an on-site assignment waits for the approver) --------

class DispatchApprovalOut(Schema):
    id: int
    ticket: int = Field(alias="ticket_id")
    engineer: int = Field(alias="engineer_id")
    approver: int = Field(alias="approver_id")
    status: choices_literal(DispatchApproval.Status)
    override_reason: str
    decision_note: str


class DecisionIn(Schema):
    note: str = Field("", max_length=500)


@router.get("/dispatch-approvals", response={200: list[DispatchApprovalOut], **ERRORS})
def list_dispatch_approvals(request):
    """The assignments waiting for the caller's approval."""
    return list(selectors.pending_approvals(actor=request.auth))


@router.post("/dispatch-approvals/{approval_id}/approve",
             response={200: DispatchApprovalOut, **ERRORS})
def approve_dispatch(request, approval_id: int, payload: DecisionIn):
    """Approve: the ticket is assigned to the engineer now."""
    approval = selectors.access_approval(actor=request.auth, approval_id=approval_id)
    return services.approve_dispatch(actor=request.auth, approval=approval, note=payload.note)


@router.post("/dispatch-approvals/{approval_id}/reject",
             response={200: DispatchApprovalOut, **ERRORS})
def reject_dispatch(request, approval_id: int, payload: DecisionIn):
    approval = selectors.access_approval(actor=request.auth, approval_id=approval_id)
    return services.reject_dispatch(actor=request.auth, approval=approval, note=payload.note)


class RemedyIn(Schema):
    choice: str = Field(description="one of the options offered: loaner | extension")


class RemedyOut(Schema):
    options: list[str]
    choice: str
    due_at: datetime
    offered_at: datetime
    chosen_at: datetime | None
    extension_days: int | None = Field(description="the days of delay added to the unit's "
                                       "warranty")


@router.post("/tickets/{ticket_id}/late-repair-offer/choice",
             response={200: RemedyOut, **ERRORS},
             summary="Record the customer's choice for a bench repair past its target")
def choose_late_remedy(request, ticket_id: int, payload: RemedyIn):
    ticket = selectors.access_ticket(actor=request.auth, ticket_id=ticket_id)
    return field_services.choose_late_remedy(actor=request.auth, ticket=ticket,
                                             choice=payload.choice)
