
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import EmailStr, Field

from aftersales.billing.selectors import customer_outstanding_subquery
from aftersales.core.api import ERRORS, Money, paginate
from aftersales.core.api_types import choices_literal
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.network.selectors import access_service_point
from aftersales.tickets.services import verify_booking_customer

from . import selectors, services
from .models import Customer, Zone

router = Router(tags=["customers"])


def _money() -> dict:
    """The billing columns a customer is shown with (its outstanding amount)."""
    return {"outstanding": customer_outstanding_subquery()}


class ContactIn(Schema):
    name: str = Field(max_length=60)
    phone: str = Field(max_length=20)
    title: str = Field("", max_length=60)


class CustomerIn(Schema):
    name: str = Field(max_length=120)
    kind: choices_literal(Customer.Kind)
    phone: str = Field(max_length=30)
    email: EmailStr | None = None
    address: str | None = Field(None, max_length=200)
    zone: choices_literal(Zone)
    service_point: int | None = None
    credit_code: str | None = Field(None, max_length=18)
    notes: str | None = None
    contacts: list[ContactIn] = []
    confirm_duplicate_phone: bool = Field(
        False, description="A phone already on an archive is refused (409 duplicate_phone, "
                           "field phone) unless this is true: it really is another customer.")


class CustomerPatch(Schema):
    name: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=30)
    email: EmailStr | None = None
    address: str | None = Field(None, max_length=200)
    zone: choices_literal(Zone) | None = None
    credit_code: str | None = Field(None, max_length=18)
    notes: str | None = None


class ContactOut(Schema):
    id: int
    name: str
    phone: str
    title: str
    is_primary: bool


class CustomerOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    phone: str
    email: str
    address: str
    zone: str
    credit_code: str
    service_point: int | None = Field(None, alias="service_point_id")
    blocked: bool
    blocked_reason: str
    outstanding: Money
    provisional: bool = Field(False, description="true: opened by a public booking whose "
                              "phone has not confirmed its code yet (网上预约，手机号待验证); "
                              "not an archive until then")


class CustomerDetail(CustomerOut):
    contacts: list[ContactOut]


class CustomerList(Schema):
    items: list[CustomerOut]
    next: str | None


def _point(request, point_id: int | None):
    if point_id is None:
        return None
    try:
        return access_service_point(actor=request.auth, service_point_id=point_id)
    except NotFound:
        raise ValidationFailed(_("Unknown service point."), field="service_point") from None


@router.post("/customers", response={201: CustomerDetail, **ERRORS})
def create_customer(request, payload: CustomerIn):
    data = payload.dict(exclude={"service_point", "contacts", "confirm_duplicate_phone"})
    data = {k: (v if v is not None else "") for k, v in data.items()}
    data["confirm_duplicate_phone"] = payload.confirm_duplicate_phone
    customer = services.create_customer(
        actor=request.auth, service_point=_point(request, payload.service_point),
        contacts=[c.dict() for c in payload.contacts], **data)
    return Status(201, selectors.access_customer(actor=request.auth, customer_id=customer.pk,
                                                 annotations=_money()))


@router.get("/customers", response={200: CustomerList, **ERRORS})
def list_customers(request, q: str | None = None, page: int = 1, page_size: int = 50):
    return paginate(request, selectors.customer_list(actor=request.auth, q=q,
                                                       annotations=_money()), page=page,
                    page_size=page_size)


@router.get("/customers/{customer_id}", response={200: CustomerDetail, **ERRORS})
def get_customer(request, customer_id: int):
    return selectors.access_customer(actor=request.auth, customer_id=customer_id,
                                     annotations=_money())


@router.patch("/customers/{customer_id}", response={200: CustomerDetail, **ERRORS})
def update_customer(request, customer_id: int, payload: CustomerPatch):
    customer = selectors.access_customer(actor=request.auth, customer_id=customer_id)
    services.update_customer(actor=request.auth, customer=customer,
                             **payload.dict(exclude_unset=True))
    return selectors.access_customer(actor=request.auth, customer_id=customer_id,
                                     annotations=_money())


@router.post("/customers/{customer_id}/contacts", response={201: ContactOut, **ERRORS})
def add_contact(request, customer_id: int, payload: ContactIn):
    customer = selectors.access_customer(actor=request.auth, customer_id=customer_id)
    return Status(201, services.add_contact(actor=request.auth, customer=customer, **payload.dict()))


@router.post("/customers/{customer_id}/verify-phone", response={200: CustomerDetail, **ERRORS},
             summary="Verify a web booking's phone by calling it back")
def verify_phone(request, customer_id: int):
    """Staff called back the phone of a web booking's provisional record (`provisional:
    true`, 网上预约，手机号待验证) and confirmed the booking is that customer's: what the
    SMS code would have done is done. The booking's ticket joins the archive with that
    phone (the provisional record is then gone), or the record becomes the archive; the
    answer is the customer the booking belongs to now. Hotline agents and managers; a
    customer that is not provisional: 409 `not_provisional`, nothing changes."""
    customer = selectors.access_customer(actor=request.auth, customer_id=customer_id)
    verified = verify_booking_customer(actor=request.auth, customer=customer)
    return selectors.access_customer(actor=request.auth, customer_id=verified.pk,
                                     annotations=_money())

