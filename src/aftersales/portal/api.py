"""The public endpoints: customer self-service without a token, rate-limited per client
address and per ticket number (429 in the API error shape)."""
from datetime import date, datetime

from ninja import Header, Router, Schema, Status
from pydantic import Field

from aftersales.core.api import ERRORS
from aftersales.core.api_types import choices_literal
from aftersales.tickets.models import Ticket

from . import ratelimit, selectors, services

public_router = Router(auth=None, tags=["public"])


class StageOut(Schema):
    action: str
    at: datetime
    status: str


class CustodyOut(Schema):
    label: str
    state: str
    location: str
    carrier: str
    tracking_no: str


class PublicTicketOut(Schema):
    number: str
    status: str
    kind: str
    mode: str
    received_at: datetime
    stages: list[StageOut]
    engineer: str | None = Field(None, description="the engineer's name only")
    appointment: datetime | None
    custody: CustodyOut | None
    resolved_at: datetime | None


class PublicWarrantyOut(Schema):
    model: str
    model_name: str
    warranty_ends: date | None
    in_warranty: bool


class BookingIn(Schema):
    name: str = Field(max_length=60)
    phone: str = Field(max_length=20)
    serial: str | None = Field(None, max_length=40)
    summary: str = Field(max_length=200)
    mode: choices_literal(Ticket.Mode) = "onsite"


class BookingOut(Schema):
    number: str


@public_router.get("/tickets/by-secret/{secret}", response={200: PublicTicketOut, **ERRORS})
def track_by_secret(request, secret: str):
    """The secret link sent in every notification: no phone needed."""
    ratelimit.check(request)
    return selectors.public_view(selectors.track_by_secret(secret=secret))


@public_router.get("/tickets/{number}", response={200: PublicTicketOut, **ERRORS})
def track_by_number(request, number: str, phone: str = ""):
    """404 unless `phone` is the customer's or the caller's phone on the ticket."""
    ratelimit.check(request, ticket_number=number)
    return selectors.public_view(selectors.track_by_number(number=number, phone=phone))


@public_router.get("/warranty/{serial}", response={200: PublicWarrantyOut, **ERRORS})
def warranty(request, serial: str):
    """By serial or IMEI; no personal data."""
    ratelimit.check(request)
    return selectors.public_warranty(serial=serial)


@public_router.post("/bookings", response={201: BookingOut, **ERRORS})
def book(request, payload: BookingIn,
         idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    ratelimit.check(request)
    ticket = services.book_repair(idempotency_key=idempotency_key, **payload.dict())
    return Status(201, {"number": ticket.number})
