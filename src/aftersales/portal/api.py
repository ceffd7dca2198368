"""The public endpoints: customer self-service without a token, rate-limited per client
address and per ticket number (429 in the API error shape)."""
import json
from datetime import date, datetime, time
from typing import Literal

from django.http import HttpResponse
from ninja import Header, Path, Router, Schema, Status
from pydantic import Field

from aftersales.core.api import ERRORS, Money
from aftersales.core.api_types import choices_literal
from aftersales.core.errors import DomainError
from aftersales.tickets.models import Ticket

from . import payments, ratelimit, selectors, services, slots
from .models import PortalPolicy

public_router = Router(auth=None, tags=["public"])


class StageOut(Schema):
    action: str
    at: datetime
    status: str


class PublicCustodyOut(Schema):
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
    custody: PublicCustodyOut | None
    resolved_at: datetime | None


class PublicWarrantyOut(Schema):
    model: str
    model_name: str
    warranty_ends: date | None
    in_warranty: bool


class BookingIn(Schema):
    name: str = Field(max_length=60)
    phone: str = Field(max_length=20)
    serial: str | None = Field(None, max_length=40, description="optional; a serial that is "
                               "not this phone's registered unit is only noted")
    model: str | None = Field(None, max_length=40, description="product model code, when "
                              "the serial is not known")
    summary: str = Field(max_length=200)
    mode: choices_literal(Ticket.Mode) = "onsite"
    province: str = Field("", max_length=30, description="required for an on-site visit")
    city: str = Field("", max_length=30, description="required for an on-site visit")
    district: str = Field("", max_length=30, description="区/县/县级市; required on site")
    street: str = Field("", max_length=120, description="required for an on-site visit")
    preferred_date: date | None = Field(None, description="one of GET /public/booking-slots")
    slot: Literal["am", "pm"] | None = Field(None, description="the half-day of that date")


class BookingOut(Schema):
    id: str = Field(description="the booking's id, an opaque random token (no personal data "
                    "in it); confirm it with the code sent by SMS within a day")
    number: str | None = Field(
        description="the web ticket's number, from step one on (the same after the code "
                    "is confirmed); track it at GET /public/tickets/{number}?phone=")
    verification_required: bool = Field(
        description="true until the code sent by SMS to the phone is POSTed to "
                    "/public/bookings/{id}/confirm; only then does the booking join the "
                    "customer's archive")
    callback_by: datetime | None = Field(None, description="when we call back at the "
                                         "latest (the configured first-response target)")
    zone: str | None = Field(None, description="fee zone derived from the address: city, "
                             "prefecture or province; null without an address")
    hotline: str = Field("", description="the service hotline (portal policy)")


class ConfirmIn(Schema):
    code: str = Field(min_length=1, max_length=12, description="the code from the SMS")


#: the id step one answered: an opaque token of a booking (portal.PendingBooking)
BOOKING_ID = Path(..., min_length=1, max_length=64,
                  description="the id POST /public/bookings answered (opaque; unknown or "
                              "expired after a day: 404)")


def _booking_out(pending) -> dict:
    ticket = pending.ticket
    booking = getattr(ticket, "booking", None) if ticket is not None else None
    return {"id": pending.token, "number": ticket.number if ticket else None,
            "verification_required": pending.confirmed_at is None,
            "callback_by": ticket.respond_due if ticket else None,
            "zone": (booking.zone or None) if booking else None,
            "hotline": PortalPolicy.current().hotline}


class SlotOut(Schema):
    date: date
    slot: Literal["am", "pm"]
    starts: time
    ends: time


class SlotsOut(Schema):
    zone: str = Field(description="fee zone the address falls in")
    items: list[SlotOut]


class FeeRowOut(Schema):
    zone: str
    label: str
    visit: Money
    revisit_surcharge: Money = Field(description="added per further trip for the same fault")
    transport: Money = Field(description="transport of a large unit")


class DurationOut(Schema):
    amount: int
    unit: Literal["clock", "business", "working_days"] = Field(
        description="clock minutes, business minutes or working days")
    text: str


class PriorityTargetOut(Schema):
    priority: str
    label: str
    onsite: DurationOut | None


class ResolveTargetOut(DurationOut):
    mode: str
    label: str


class ChannelTargetOut(DurationOut):
    channel: str
    label: str


class TargetsOut(Schema):
    respond: DurationOut | None = Field(description="first response to any request")
    respond_by_channel: list[ChannelTargetOut] = Field(
        description="first response to a request by this channel, where it differs "
                    "(e.g. chat and fax)")
    call_back: DurationOut | None = Field(
        description="the engineer's call-back promised when a request is received")
    by_priority: list[PriorityTargetOut] = Field(description="engineer on site within")
    resolve: list[ResolveTargetOut]


class CategoryWarrantyOut(Schema):
    category: str
    months: str = Field(description="warranty months (a range when models differ)")
    return_days: str
    exchange_days: str


class AccessoryWarrantyOut(Schema):
    kind: str
    label: str
    months: int


class WarrantyInfoOut(Schema):
    categories: list[CategoryWarrantyOut]
    accessories: list[AccessoryWarrantyOut]


class ServiceItemOut(Schema):
    name: str
    description: str
    charging: str


class PublicServicePointOut(Schema):
    code: str
    name: str
    kind: str
    province: str
    city: str
    address: str
    phone: str
    hours: str = Field(description="working hours, e.g. 09:00-12:00, 13:30-18:00")


class ServiceInfoOut(Schema):
    hotline: str
    hotline_hours: str
    fees: list[FeeRowOut] = Field(description="the fee table by zone (per person per visit)")
    long_visit_hours: str
    max_visits: int = Field(description="visits for one fault without a manager")
    on_spot_limit: Money = Field(description="paid on the day up to this amount")
    credit_days: int = Field(description="days to pay above the on-the-spot limit")
    targets: TargetsOut
    warranty: WarrantyInfoOut
    items: list[ServiceItemOut]
    service_points: list[PublicServicePointOut]


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
         idempotency_key: str | None = Header(
             None, alias="Idempotency-Key", max_length=100,
             description="the same key and request answer the same booking (same number, no "
                         "second code or ticket) for the booking's day; the same key with "
                         "another request: 409 `idempotency_mismatch`")):
    """Step one of a booking: the web ticket is opened at once and its `number` answered
    (201, `verification_required: true`), and a code goes by SMS to the phone. Every
    booking, whatever its phone, serial or customer, answers alike, so no answer tells an
    anonymous caller whether a phone or serial is known or a customer blocked: until the
    code is confirmed the ticket belongs to a provisional record of its own (staff see
    "web booking, phone to be verified"), the serial is only written down and nobody but
    the phone is told (the code). The id is an opaque token, so no name, phone or address
    travels in a URL. Tracking by number and phone works at once.
    An on-site booking may carry the address and a half-day of GET /public/booking-slots;
    whatever is given is checked. Text messages are limited per phone and per client
    address (429 with Retry-After)."""
    ratelimit.check(request)
    pending = services.request_booking(idempotency_key=idempotency_key,
                                       client_ip=ratelimit.client_ip(request),
                                       **payload.dict())
    return Status(201, _booking_out(pending))


@public_router.post("/bookings/{booking_id}/confirm", response={201: BookingOut, **ERRORS})
def confirm_booking(request, payload: ConfirmIn, booking_id: str = BOOKING_ID):
    """Step two: the code from the SMS. Right: 201 with the same `number` and
    `verification_required: false`; the booking joins the customer archive with that phone
    (or starts one) and the usual message with the tracking link is sent (a repeat answers
    the same). Wrong, expired, used or void after too many wrong tries: 422 `invalid_code`
    on `code`, nothing changed (ask for a new code). A booking for a customer blocked for
    debt is still accepted and handled by staff; the caller is not told."""
    ratelimit.check(request, ticket_number=f"booking:{booking_id[-40:]}")
    pending = services.confirm_booking(booking_id=booking_id, code=payload.code)
    return Status(201, _booking_out(pending))


@public_router.post("/bookings/{booking_id}/resend", response={202: BookingOut, **ERRORS})
def resend_booking_code(request, booking_id: str = BOOKING_ID):
    """A new code by SMS (the previous one stops working); limited like every SMS."""
    ratelimit.check(request)
    pending = services.resend_booking_code(booking_id=booking_id,
                                           client_ip=ratelimit.client_ip(request))
    return Status(202, _booking_out(pending))


@public_router.get("/booking-slots", response={200: SlotsOut, **ERRORS})
def booking_slots(request, province: str = "", city: str = "", district: str = ""):
    """The half-days a visit may be booked for at this address: working days of the
    statutory calendar and the serving point's working hours, from tomorrow on."""
    ratelimit.check(request)
    answer = selectors.derive_zone_for(province=province[:30], city=city[:30],
                                       district=district[:30])
    items = slots.offered(service_point_id=answer.point_id,
                          days=PortalPolicy.current().booking_days_ahead)
    return {"zone": answer.zone, "items": [{"date": h.day, "slot": h.slot, "starts": h.starts,
                                            "ends": h.ends} for h in items]}


@public_router.get("/service-info", response={200: ServiceInfoOut, **ERRORS})
def service_info(request, city: str = ""):
    """The published service information (透明原则): fee table by zone with second-trip and
    transport fees, payment terms, response and on-site targets by priority, warranty
    periods per category and accessory, service items, and the service points with
    address, phone and hours (`city` narrows them). Every value is a configured row."""
    ratelimit.check(request)
    return selectors.service_info(city=city.strip()[:30])


def _provider_answer(status: int, code: str, message: str = "") -> HttpResponse:
    return HttpResponse(json.dumps({"code": code, "message": message}, ensure_ascii=False),
                        status=status, content_type="application/json")


class ProviderAnswerOut(Schema):
    code: Literal["SUCCESS", "FAIL"]
    message: str = Field(description="why a notification was refused (empty on success)")


@public_router.post("/payments/{provider}/notify",
                    response={200: ProviderAnswerOut, 401: ProviderAnswerOut,
                              404: ProviderAnswerOut, 409: ProviderAnswerOut})
def payment_notify(request, provider: str):
    """The payment provider's signed notification (WeChat Pay v3: Wechatpay-* headers,
    an AEAD_AES_256_GCM resource). A verified success books the payment once per order;
    the answer is in the provider's own shape, `{"code": "SUCCESS"|"FAIL", "message"}`."""
    configured = payments.configured_provider()
    if configured is None or configured.name != provider:
        return _provider_answer(404, "FAIL", "unknown provider")
    headers = {key: value for key, value in request.headers.items()}
    try:
        notice = configured.parse_notification(headers=headers, body=request.body)
    except payments.InvalidNotification as exc:
        return _provider_answer(401, "FAIL", str(exc))
    try:
        services.book_notified_payment(provider_name=provider, notice=notice)
    except DomainError as exc:
        return _provider_answer(exc.status, "FAIL", exc.code)
    return _provider_answer(200, "SUCCESS")
