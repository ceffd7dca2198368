from decimal import Decimal

from django.db.models import (
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, NotFound, ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.scoping import get_scoped, scope

from . import routing
from .errors import NetworkCode
from .models import (
    Agreement,
    AppraisalRule,
    Certificate,
    Dealer,
    Deposit,
    DispatchApprovalRule,
    ExpiryReminder,
    NetworkPolicy,
    QualificationRequirement,
    Region,
    ServicePoint,
    User,
)


def _deposit_subquery():
    return Coalesce(
        Subquery(Deposit.objects.filter(service_point=OuterRef("pk")).values("service_point")
                 .annotate(total=Sum("amount")).values("total")[:1]),
        Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2))


def service_point_list(*, actor: User) -> QuerySet[ServicePoint]:
    return scope(ServicePoint.objects.annotate(deposit_total=_deposit_subquery()),
                 actor=actor, path="pk").order_by("code")


def access_service_point(*, actor: User, service_point_id: int) -> ServicePoint:
    return get_scoped(ServicePoint.objects.annotate(deposit_total=_deposit_subquery()),
                      actor=actor, path="pk", pk=service_point_id,
                      message=_("Service point not found."))


def deposit_total(*, service_point_id: int) -> Decimal:
    total = Deposit.objects.filter(service_point_id=service_point_id).aggregate(
        t=Sum("amount"))["t"]
    return to_money(total or 0)


def credit_limit(*, deposit: Decimal, policy: NetworkPolicy | None = None) -> Decimal:
    policy = policy or NetworkPolicy.current()
    return to_money(deposit * policy.credit_leverage)


def staff_list(*, actor: User, role: str | None = None) -> QuerySet[User]:
    qs = scope(User.objects.select_related("service_point"), actor=actor)
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("username")


def access_staff(*, actor: User, user_id: int) -> User:
    return get_scoped(User.objects.select_related("service_point"), actor=actor, pk=user_id,
                      message=_("Staff member not found."))


# -- regions and dealers ---------------------------------------------------------------------

def region_list(*, actor: User) -> QuerySet[Region]:
    qs = Region.objects.all()
    if actor.service_point_id is not None:
        return qs.filter(service_points=actor.service_point_id)
    if actor.region_id is not None:
        return qs.filter(pk=actor.region_id)
    return qs.order_by("code")


def access_region(*, actor: User, region_id: int) -> Region:
    region = region_list(actor=actor).filter(pk=region_id).first()
    if region is None:
        raise NotFound(_("Region not found."))
    return region


def dealer_list(*, actor: User) -> QuerySet[Dealer]:
    return Dealer.objects.filter(region__in=region_list(actor=actor)).select_related(
        "region").order_by("name")


def access_dealer(*, actor: User, dealer_id: int) -> Dealer:
    dealer = dealer_list(actor=actor).filter(pk=dealer_id).first()
    if dealer is None:
        raise NotFound(_("Dealer not found."))
    return dealer


def route_customer(*, region: Region, county: str,
                   distances: dict[int, float] | None = None) -> routing.Place | None:
    """Where a customer of `county` in `region` is served (network/routing.route)."""
    distances = distances or {}
    points = [routing.Place("point", p.pk, p.county, distances.get(p.pk))
              for p in ServicePoint.objects.filter(region=region, active=True)]
    dealers = [routing.Place("dealer", d.pk, d.county)
               for d in Dealer.objects.filter(region=region, active=True)]
    return routing.route(county=county, rule=region.routing, points=points, dealers=dealers)


def where_to_serve(*, actor: User, region_id: int, county: str) -> dict:
    """For the hotline: where a customer of `county` in the region is served, by the region's
    rule (route_customer), with the place's name, phone and address; kind None when the
    region has no point or dealer that qualifies. 404 for a region out of the actor's scope."""
    region = access_region(actor=actor, region_id=region_id)
    place = route_customer(region=region, county=county)
    answer = {"region": region.pk, "rule": region.routing, "county": (county or "").strip(),
              "kind": None, "id": None, "name": "", "phone": "", "address": ""}
    if place is None:
        return answer
    row = (ServicePoint.objects.get(pk=place.id) if place.kind == "point"
           else Dealer.objects.get(pk=place.id))
    return answer | {"kind": place.kind, "id": row.pk, "name": row.name, "phone": row.phone,
                     "address": getattr(row, "address", ""), "place_county": row.county}


# -- agreements and qualifications -----------------------------------------------------------

def agreement_terms(*, service_point_id: int) -> list[tuple]:
    return list(Agreement.objects.filter(service_point_id=service_point_id)
                .values_list("starts_on", "ends_on"))


def agreement_lapsed(*, service_point_id: int | None, on) -> bool:
    """The rule tickets asks before a point receives a new job (network/routing.py)."""
    if service_point_id is None:
        return False
    return routing.agreement_lapsed(terms=agreement_terms(service_point_id=service_point_id),
                                    on=on)


def check_agreement(*, service_point_id: int | None, on) -> None:
    """Raise 409 agreement_lapsed for a point whose agreement is not in force on `on`."""
    if agreement_lapsed(service_point_id=service_point_id, on=on):
        raise Conflict(NetworkCode.AGREEMENT_LAPSED,
                       _("The service point's cooperation agreement has lapsed; it cannot "
                         "receive new jobs."), field="service_point")


def certified_categories(user: User, on) -> set[str]:
    """The product categories `user` holds a certificate for that is valid on `on`."""
    return set(Certificate.objects.filter(user=user, valid_from__lte=on, valid_until__gte=on)
               .values_list("category", flat=True))


def certification_required() -> set[str]:
    """The product categories whose jobs need a certified engineer (the admin's
    qualification requirements)."""
    return set(QualificationRequirement.objects.values_list("category", flat=True))


def certified_by_engineer(*, user_ids, on) -> dict[int, set[str]]:
    """certified_categories for many people in one query."""
    result: dict[int, set[str]] = {pk: set() for pk in user_ids}
    for user_id, category in Certificate.objects.filter(
            user_id__in=list(user_ids), valid_from__lte=on,
            valid_until__gte=on).values_list("user_id", "category"):
        result.setdefault(user_id, set()).add(category)
    return result


def qualification_report(*, service_point: ServicePoint, on) -> list[dict]:
    """Per required category: certified engineers held vs required, equipment missing."""
    engineers = list(User.objects.filter(service_point=service_point, is_active=True,
                                         role=User.Role.ENGINEER).values_list("pk", flat=True))
    certified = certified_by_engineer(user_ids=engineers, on=on)
    owned = set(service_point.equipment.values_list("name", flat=True))
    rows = []
    for req in QualificationRequirement.objects.all():
        held = sum(1 for cats in certified.values() if req.category in cats)
        missing = [e for e in req.equipment if e not in owned]
        rows.append({"category": req.category, "certified": held,
                     "required": req.min_certified_engineers, "missing_equipment": missing,
                     "ok": held >= req.min_certified_engineers and not missing})
    return rows


def expiry_reminders(*, actor: User) -> QuerySet[ExpiryReminder]:
    return scope(ExpiryReminder.objects.select_related("service_point"), actor=actor)


def appraisal_rule(*, code: str) -> AppraisalRule:
    rule = AppraisalRule.objects.filter(code=code, active=True).first()
    if rule is None:
        raise ValidationFailed(_("Unknown rule."), field="rule")
    return rule


# -- dispatch approval -----------------------------------------------------------------------

def dispatch_approver(*, service_point_id: int | None, ticket_kind: str) -> User | None:
    """The department head an on-site assignment at this point waits for, or None."""
    if service_point_id is None:
        return None
    rule = (DispatchApprovalRule.objects.filter(service_point_id=service_point_id, active=True)
            .filter(Q(ticket_kind=ticket_kind) | Q(ticket_kind=""))
            .select_related("approver").order_by("-ticket_kind", "pk").first())
    return rule.approver if rule else None


# -- directory -------------------------------------------------------------------------------

def directory(*, actor: User) -> list[dict]:
    """Offices and points with phone, hours and their engineers (staff-only directory)."""
    points = (scope(ServicePoint.objects.filter(active=True), actor=actor, path="pk")
              .select_related("region")
              .prefetch_related(Prefetch("staff", queryset=User.objects.filter(
                  is_active=True).order_by("role", "username"), to_attr="people"))
              .order_by("code"))
    return [{"point": p, "people": p.people} for p in points]


def public_service_points() -> list[dict]:
    """The public part of the directory, for the portal's service information: active
    points with kind, address, phone and opening hours (as the point publishes them, "" when
    not set), by province, city and code — no people."""
    return [{"id": p.pk, "code": p.code, "name": p.name, "kind": p.kind,
             "kind_label": str(p.get_kind_display()), "province": p.province, "city": p.city,
             "county": p.county, "address": p.address, "phone": p.phone, "hours": p.hours,
             "region": p.region.name if p.region_id else ""}
            for p in ServicePoint.objects.filter(active=True).select_related("region")
            .order_by("province", "city", "code")]
