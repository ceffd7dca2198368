from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from aftersales.core.api import ERRORS, Money, paginate
from aftersales.core.api_types import choices_literal
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.inventory.selectors import stock_value_of_point

from . import selectors, services
from .models import ServicePoint, User

router = Router(tags=["network"])


class ServicePointIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    kind: choices_literal(ServicePoint.Kind)
    tier: choices_literal(ServicePoint.Tier) = "general"
    city: str = Field("", max_length=50)
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=20)


class ServicePointOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    tier: str
    city: str
    deposit: Money
    credit_limit: Money
    stock_value: Money


class ServicePointList(Schema):
    items: list[ServicePointOut]
    next: str | None


class DepositIn(Schema):
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    note: str = Field("", max_length=200)


class DepositOut(Schema):
    id: int
    service_point: int = Field(alias="service_point_id")
    amount: Money
    note: str
    created_at: str

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()


class StaffIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=60)
    role: choices_literal(User.Role)
    service_point: int | None = None
    skills: list[str] = []
    phone: str = Field("", max_length=20)


class StaffOut(Schema):
    id: int
    username: str
    name: str
    role: str
    service_point: int | None = Field(None, alias="service_point_id")
    skills: list[str]


def _point_out(point: ServicePoint) -> dict:
    deposit = getattr(point, "deposit_total", None)
    if deposit is None:
        deposit = selectors.deposit_total(service_point_id=point.pk)
    return {
        "id": point.pk, "code": point.code, "name": point.name, "kind": point.kind,
        "tier": point.tier, "city": point.city, "deposit": deposit,
        "credit_limit": selectors.credit_limit(deposit=deposit),
        "stock_value": stock_value_of_point(service_point_id=point.pk),
    }


@router.post("/service-points", response={201: ServicePointOut, **ERRORS})
def create_service_point(request, payload: ServicePointIn):
    point = services.create_service_point(actor=request.auth, **payload.dict())
    return Status(201, _point_out(selectors.access_service_point(actor=request.auth,
                                                          service_point_id=point.pk)))


@router.get("/service-points", response={200: ServicePointList, **ERRORS})
def list_service_points(request, page: int = 1, page_size: int = 50):
    result = paginate(request, selectors.service_point_list(actor=request.auth), page=page,
                      page_size=page_size)
    return {"items": [_point_out(p) for p in result["items"]], "next": result["next"]}


@router.get("/service-points/{point_id}", response={200: ServicePointOut, **ERRORS})
def get_service_point(request, point_id: int):
    return _point_out(selectors.access_service_point(actor=request.auth,
                                                     service_point_id=point_id))


@router.post("/service-points/{point_id}/deposits", response={201: DepositOut, **ERRORS})
def create_deposit(request, point_id: int, payload: DepositIn):
    point = selectors.access_service_point(actor=request.auth, service_point_id=point_id)
    return Status(201, services.record_deposit(actor=request.auth, service_point=point,
                                        amount=payload.amount, note=payload.note))


@router.post("/staff", response={201: StaffOut, **ERRORS})
def create_staff(request, payload: StaffIn):
    point = None
    if payload.service_point is not None:
        try:
            point = selectors.access_service_point(actor=request.auth,
                                                   service_point_id=payload.service_point)
        except NotFound as exc:  # another point's id reads as unknown, named by its field
            raise ValidationFailed(_("Unknown service point."), field="service_point") from exc
    data = payload.dict(exclude={"service_point"})
    return Status(201, services.create_staff(actor=request.auth, service_point=point, **data))


class StaffList(Schema):
    items: list[StaffOut]
    next: str | None


@router.get("/staff", response={200: StaffList, **ERRORS})
def list_staff(request, role: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.staff_list(actor=request.auth, role=role)
    return paginate(request, qs, page=page, page_size=page_size)
