from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from aftersales.core.money import ZERO, to_money
from aftersales.core.scoping import get_scoped, scope

from .models import Deposit, NetworkPolicy, ServicePoint, User


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
