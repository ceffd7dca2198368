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
    id: str = Field(description="the booking request's id (random): confirm with it")
    number: str | None = Field(
        description="the ticket number once the code is confirmed; null while pending")
    verification_required: bool = Field(
        description="true: a code was sent by SMS to the phone; POST it to "
                    "/public/bookings/{id}/confirm")
    code_expires_at: datetime | None = Field(None, description="while pending")


class ConfirmIn(Schema):
    code: str = Field(min_length=1, max_length=12, description="the code from the SMS")


def _booking_out(booking) -> dict:
    pending = booking.ticket_id is None
    return {"id": booking.public_id, "number": None if pending else booking.ticket.number,
            "verification_required": pending,
            "code_expires_at": booking.code_expires_at if pending else None}


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
    """Step one of a booking. Every booking, whatever its phone, serial or customer, answers
    the same: 201 with a pending request (`verification_required: true`, `number: null`)
    and a code sent by SMS to the phone, so no answer tells an anonymous caller whether a
    phone or serial is known, or whether a customer is blocked. Nothing enters the
    customer archive until the code is confirmed. Text messages are limited per phone and
    per client address (429 with Retry-After). The same Idempotency-Key answers the same
    request and sends no second code."""
    ratelimit.check(request)
    booking = services.request_booking(idempotency_key=idempotency_key,
                                       client_ip=ratelimit.client_ip(request), **payload.dict())
    return Status(201, _booking_out(booking))


@public_router.post("/bookings/{booking_id}/confirm", response={201: BookingOut, **ERRORS})
def confirm_booking(request, booking_id: str, payload: ConfirmIn):
    """Step two: the code from the SMS. Right: 201 with the ticket `number` (the booking is
    now a web ticket in the phone's customer archive; a repeat answers the same). Wrong:
    422 `wrong_code` on `code`; expired or too many wrong tries: 409 `code_expired` (ask for
    a new code). A booking for a customer blocked for debt is still accepted and handled by
    staff."""
    ratelimit.check(request, ticket_number=f"booking:{booking_id}")
    ticket = services.confirm_booking(booking_id=booking_id, code=payload.code)
    return Status(201, _booking_out(ticket.booking_request))


@public_router.post("/bookings/{booking_id}/resend", response={202: BookingOut, **ERRORS})
def resend_booking_code(request, booking_id: str):
    """A new code by SMS (the previous one stops working); limited like every SMS."""
    ratelimit.check(request)
    booking = services.resend_booking_code(booking_id=booking_id,
                                           client_ip=ratelimit.client_ip(request))
    return Status(202, _booking_out(booking))
