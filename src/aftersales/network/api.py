from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from aftersales.core.api import ERRORS, Money, paginate
from aftersales.core.api_types import choices_literal
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.inventory.selectors import stock_value_of_point

from . import selectors, services
from .models import Region, ServicePoint, User

router = Router(tags=["network"])


class ServicePointIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    kind: choices_literal(ServicePoint.Kind)
    tier: choices_literal(ServicePoint.Tier) = "general"
    city: str = Field("", max_length=50)
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=20)
    region: int | None = Field(None, description="the region (id) the point belongs to")
    county: str = Field("", max_length=50)
    hours: str = Field("", max_length=100, description="opening hours as published")


class ServicePointOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    tier: str
    city: str
    region: int | None = None
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
    region: int | None = Field(None, description="a regional manager's region (id)")
    skills: list[str] = []
    phone: str = Field("", max_length=20)


class StaffOut(Schema):
    id: int
    username: str
    name: str
    role: str
    service_point: int | None = Field(None, alias="service_point_id")
    region: int | None = Field(None, alias="region_id")
    skills: list[str]


def _point_out(point: ServicePoint) -> dict:
    deposit = getattr(point, "deposit_total", None)
    if deposit is None:
        deposit = selectors.deposit_total(service_point_id=point.pk)
    return {
        "id": point.pk, "code": point.code, "name": point.name, "kind": point.kind,
        "tier": point.tier, "city": point.city, "region": point.region_id,
        "deposit": deposit,
        "credit_limit": selectors.credit_limit(deposit=deposit),
        "stock_value": stock_value_of_point(service_point_id=point.pk),
    }


@router.post("/service-points", response={201: ServicePointOut, **ERRORS})
def create_service_point(request, payload: ServicePointIn):
    data = payload.dict(exclude={"region"})
    data["region"] = _region_field(request, payload.region)
    point = services.create_service_point(actor=request.auth, **data)
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
    data = payload.dict(exclude={"service_point", "region"})
    return Status(201, services.create_staff(actor=request.auth, service_point=point,
                                             region=_region_field(request, payload.region),
                                             **data))


class StaffList(Schema):
    items: list[StaffOut]
    next: str | None


@router.get("/staff", response={200: StaffList, **ERRORS})
def list_staff(request, role: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.staff_list(actor=request.auth, role=role)
    return paginate(request, qs, page=page, page_size=page_size)


def _region_field(request, region_id: int | None) -> Region | None:
    if region_id is None:
        return None
    try:
        return selectors.access_region(actor=request.auth, region_id=region_id)
    except NotFound as exc:
        raise ValidationFailed(_("Unknown region."), field="region") from exc


# -- regions and dealers ---------------------------------------------------------------------

class RegionIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    routing: choices_literal(Region.Routing) = Field(
        "nearest_point", description="where a customer in a county without a point goes")


class RegionOut(Schema):
    id: int
    code: str
    name: str
    routing: str


class RegionList(Schema):
    items: list[RegionOut]
    next: str | None


@router.post("/regions", response={201: RegionOut, **ERRORS})
def create_region(request, payload: RegionIn):
    """A region (regional company); admins only."""
    return Status(201, services.create_region(actor=request.auth, **payload.dict()))


@router.get("/regions", response={200: RegionList, **ERRORS})
def list_regions(request, page: int = 1, page_size: int = 50):
    return paginate(request, selectors.region_list(actor=request.auth), page=page,
                    page_size=page_size)


class RouteOut(Schema):
    region: int
    rule: str = Field(description="the region's rule: dealer | nearest_point")
    county: str = Field(description="the customer's county, as asked")
    kind: str | None = Field(description="point | dealer; null when nothing qualifies")
    id: int | None
    name: str
    phone: str
    address: str
    place_county: str = ""


@router.get("/regions/{region_id}/route", response={200: RouteOut, **ERRORS})
def route_customer(request, region_id: int, county: str = ""):
    """Where a customer of `county` is served: a point in the county always; otherwise the
    region's rule sends them to a dealer of the county or to the nearest point."""
    return selectors.where_to_serve(actor=request.auth, region_id=region_id,
                                    county=county[:50])


class DealerIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    region: int
    credit_code: str | None = Field(None, max_length=30,
                                    description="统一社会信用代码, checked by its check digit")
    doa_days: int = Field(15, ge=0, le=365, description="the dealer's DOA window in days")
    contact: str = Field("", max_length=60)
    phone: str = Field("", max_length=20)
    county: str = Field("", max_length=50)


class DealerOut(Schema):
    id: int
    name: str
    region: int = Field(alias="region_id")
    credit_code: str
    doa_days: int
    contact: str
    phone: str
    county: str


class DealerList(Schema):
    items: list[DealerOut]
    next: str | None


@router.post("/dealers", response={201: DealerOut, **ERRORS})
def create_dealer(request, payload: DealerIn):
    """A dealer (经销商) of a region, with its DOA window."""
    data = payload.dict(exclude={"region"})
    data["credit_code"] = data["credit_code"] or ""
    return Status(201, services.create_dealer(actor=request.auth,
                                              region=_region_field(request, payload.region),
                                              **data))


@router.get("/dealers", response={200: DealerList, **ERRORS})
def list_dealers(request, page: int = 1, page_size: int = 50):
    return paginate(request, selectors.dealer_list(actor=request.auth), page=page,
                    page_size=page_size)


# -- agreements and qualifications -----------------------------------------------------------

class AgreementIn(Schema):
    starts_on: date
    ends_on: date
    tier: choices_literal(ServicePoint.Tier)
    deposit: Decimal = Field(Decimal("0"), max_digits=14, decimal_places=2, ge=0)
    subsidy_rate: Decimal = Field(Decimal("0"), max_digits=5, decimal_places=2,
                                  description="per cent")


class AgreementOut(Schema):
    id: int
    service_point: int = Field(alias="service_point_id")
    starts_on: date
    ends_on: date
    tier: str
    deposit: Money
    subsidy_rate: Decimal


@router.post("/service-points/{point_id}/agreements", response={201: AgreementOut, **ERRORS})
def create_agreement(request, point_id: int, payload: AgreementIn):
    """A term of the point's cooperation agreement (the signed document is attached in the
    admin). While no term covers today the point receives no new jobs (409
    agreement_lapsed)."""
    point = selectors.access_service_point(actor=request.auth, service_point_id=point_id)
    return Status(201, services.record_agreement(actor=request.auth, service_point=point,
                                                 **payload.dict()))


class QualificationRow(Schema):
    category: str
    certified: int = Field(description="engineers of the point with a valid certificate")
    required: int
    missing_equipment: list[str]
    ok: bool


@router.get("/service-points/{point_id}/qualifications",
            response={200: list[QualificationRow], **ERRORS})
def point_qualifications(request, point_id: int):
    point = selectors.access_service_point(actor=request.auth, service_point_id=point_id)
    return selectors.qualification_report(service_point=point, on=timezone.localdate())


# -- people ----------------------------------------------------------------------------------

class CertificateIn(Schema):
    category: str = Field(min_length=1, max_length=50, description="product category")
    valid_until: date
    valid_from: date | None = None
    issuer: str = Field("", max_length=100)


class CertificateOut(Schema):
    id: int
    user: int = Field(alias="user_id")
    category: str
    valid_from: date
    valid_until: date
    issuer: str


@router.post("/staff/{user_id}/certificates", response={201: CertificateOut, **ERRORS})
def create_certificate(request, user_id: int, payload: CertificateIn):
    """A qualification certificate: the engineer's skills are the categories of their valid
    certificates (dispatch suggestions and the assignment check read them)."""
    person = selectors.access_staff(actor=request.auth, user_id=user_id)
    return Status(201, services.record_certificate(actor=request.auth, user=person,
                                                   **payload.dict()))


@router.get("/staff/{user_id}/certificates", response={200: list[CertificateOut], **ERRORS})
def list_certificates(request, user_id: int):
    person = selectors.access_staff(actor=request.auth, user_id=user_id)
    return list(person.certificates.order_by("category", "-valid_until"))


class AppraisalEntryIn(Schema):
    month: str = Field(description="YYYY-MM")
    rule: str = Field(description="the code of an appraisal rule the admin set")
    note: str = Field("", max_length=200)


class AppraisalEntryOut(Schema):
    id: int
    user: int = Field(alias="user_id")
    month: date
    rule: str
    amount: Money
    note: str

    @staticmethod
    def resolve_rule(obj):
        return obj.rule.code


@router.post("/staff/{user_id}/appraisal-entries", response={201: AppraisalEntryOut, **ERRORS})
def create_appraisal_entry(request, user_id: int, payload: AppraisalEntryIn):
    """A manager's reward or penalty for the month, at the rule's amount."""
    person = selectors.access_staff(actor=request.auth, user_id=user_id)
    rule = selectors.appraisal_rule(code=payload.rule)
    try:
        month = date.fromisoformat(f"{payload.month}-01")
    except ValueError:
        raise ValidationFailed(_("The month is written YYYY-MM."), field="month") from None
    return Status(201, services.record_appraisal_entry(actor=request.auth, user=person,
                                                       month=month, rule=rule,
                                                       note=payload.note))
