"""API.md "Additions": the loaner pool (`POST /loaners`, `/loaners/{id}/lend`,
`/loaners/{id}/return`, `GET /loaners?out=true`). Thin: parse, access, one service call,
shape."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field

from aftersales.catalog.models import ProductModel
from aftersales.core.api import ERRORS, paginate
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.devices.models import Device
from aftersales.network.models import ServicePoint
from aftersales.tickets.selectors import access_ticket

from .. import field_selectors
from ..services import loaners
from .common import router


def _found(fn, field: str, message: str, **kwargs):
    """A look-up that answers 404 turned into a 422 naming the field of the request."""
    try:
        return fn(**kwargs)
    except NotFound:
        raise ValidationFailed(message, field=field) from None


# --------------------------------------------------------------------------
# Loaners
# --------------------------------------------------------------------------


class LoanerIn(Schema):
    code: str = Field(max_length=30)
    serial: str = Field(max_length=40)
    model: str = Field(description="product model code")
    service_point: int | None = Field(None, description="default: the actor's own")
    condition: str = Field("", max_length=200)
    device: str | None = Field(None, description="serial of the unit's device record, so "
                                                 "its own repairs are tickets like any other")


class LendIn(Schema):
    ticket: int
    condition: str = Field("", max_length=200, description="condition as it leaves")


class ReturnIn(Schema):
    condition: Literal["good", "worn", "damaged", "incomplete"]
    note: str = Field("", max_length=200)


class LoanOut(Schema):
    id: int
    ticket: int = Field(alias="ticket_id")
    ticket_number: str
    customer: int = Field(alias="customer_id")
    customer_name: str
    lent_at: datetime
    due_on: date
    returned_at: datetime | None
    condition_in: str

    @staticmethod
    def resolve_ticket_number(obj):
        return obj.ticket.number

    @staticmethod
    def resolve_customer_name(obj):
        return obj.customer.name


class LoanerOut(Schema):
    id: int
    code: str
    serial: str
    model: str
    device: str | None = Field(None, description="serial of its device record")
    service_point: int = Field(alias="service_point_id")
    status: Literal["available", "lent", "in_repair", "retired"]
    condition: str
    loan: LoanOut | None = Field(None, description="who holds it and since when")

    @staticmethod
    def resolve_model(obj):
        return obj.model.code

    @staticmethod
    def resolve_device(obj):
        return obj.device.serial if obj.device_id else None

    @staticmethod
    def resolve_loan(obj):
        open_loans = getattr(obj, "open_loans", None)
        if open_loans is None:
            open_loans = list(obj.loans.filter(returned_at__isnull=True)
                              .select_related("ticket", "customer"))
        return open_loans[0] if open_loans else None


class LoanerList(Schema):
    items: list[LoanerOut]
    next: str | None


@router.post("/loaners", response={201: LoanerOut, **ERRORS})
def add_loaner(request, payload: LoanerIn):
    """A unit of the company's own into a service point's loaner pool."""
    point_id = payload.service_point or request.auth.service_point_id
    point = ServicePoint.objects.filter(pk=point_id).first() if point_id else None
    if point is None:
        raise ValidationFailed(_("Unknown service point."), field="service_point")
    model = ProductModel.objects.filter(code=payload.model.strip()).first()
    if model is None:
        raise ValidationFailed(_("Unknown model."), field="model")
    device = None
    if payload.device:
        device = Device.objects.filter(serial=payload.device.strip()).first()
        if device is None:
            raise ValidationFailed(_("Unknown device."), field="device")
    loaner = loaners.add_loaner(actor=request.auth, service_point=point, model=model,
                                code=payload.code, serial=payload.serial,
                                condition=payload.condition, device=device)
    return Status(201, loaner)


@router.get("/loaners", response={200: LoanerList, **ERRORS})
def list_loaners(request, out: bool | None = None, page: int = 1, page_size: int = 50):
    """The pool; `?out=true` only the units lent out, with who holds them since when."""
    return paginate(request, field_selectors.loaner_list(actor=request.auth, out=out),
                    page=page, page_size=page_size)


@router.post("/loaners/{loaner_id}/lend", response={201: LoanOut, **ERRORS})
def lend_loaner(request, loaner_id: int, payload: LendIn):
    loaner = field_selectors.access_loaner(actor=request.auth, loaner_id=loaner_id)
    ticket = _found(access_ticket, "ticket", _("Unknown ticket."), actor=request.auth,
                    ticket_id=payload.ticket)
    return Status(201, loaners.lend_loaner(actor=request.auth, loaner=loaner, ticket=ticket,
                                           condition=payload.condition))


@router.post("/loaners/{loaner_id}/return", response={200: LoanOut, **ERRORS})
def return_loaner(request, loaner_id: int, payload: ReturnIn):
    loaner = field_selectors.access_loaner(actor=request.auth, loaner_id=loaner_id)
    return loaners.return_loaner(actor=request.auth, loaner=loaner,
                                 condition=payload.condition, note=payload.note)


