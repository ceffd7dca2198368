from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.money import to_money
from aftersales.core.scoping import require_role

from ..errors import NetworkCode
from ..models import Deposit, ServicePoint, User


@transaction.atomic
def create_service_point(*, actor: User, code: str, name: str, kind: str, tier: str,
                         city: str = "", address: str = "", phone: str = "",
                         region=None, county: str = "", hours: str = "") -> ServicePoint:
    require_role(actor, User.Role.ADMIN)
    if ServicePoint.objects.filter(code=code).exists():
        raise Conflict(NetworkCode.DUPLICATE_CODE, _("A service point with this code exists."),
                       field="code")
    try:
        with transaction.atomic():
            return ServicePoint.objects.create(code=code, name=name, kind=kind, tier=tier,
                                               city=city, address=address, phone=phone,
                                               region=region, county=county, hours=hours)
    except IntegrityError:
        raise Conflict(NetworkCode.DUPLICATE_CODE, _("A service point with this code exists."),
                       field="code") from None


@transaction.atomic
def record_deposit(*, actor: User, service_point: ServicePoint, amount: Decimal,
                   note: str = "") -> Deposit:
    """A deposit paid (positive) or refunded (negative) by a service point."""
    require_role(actor, User.Role.ADMIN, User.Role.FINANCE)
    amount = to_money(amount)
    if amount == 0:
        raise ValidationFailed(_("The amount must not be zero."), field="amount")
    locked = ServicePoint.objects.select_for_update().get(pk=service_point.pk)
    if amount < 0:
        from ..selectors import deposit_total

        if deposit_total(service_point_id=locked.pk) + amount < 0:
            raise Conflict(NetworkCode.DEPOSIT_INSUFFICIENT,
                           _("The refund is larger than the deposit held."), field="amount")
    return Deposit.objects.create(service_point=locked, amount=amount, note=note,
                                  created_by=actor)


@transaction.atomic
def create_staff(*, actor: User, username: str, password: str, name: str, role: str,
                 service_point: ServicePoint | None, skills: list[str] | None = None,
                 phone: str = "", region=None) -> User:
    """Admins create anyone; a manager creates staff of their own service point only. A
    regional manager is tied to a region (and no point): they see the region's points."""
    require_role(actor, User.Role.ADMIN, User.Role.MANAGER)
    if not actor.is_superuser and actor.role == User.Role.MANAGER:
        if role == User.Role.ADMIN:
            raise ValidationFailed(_("A manager cannot create administrators."), field="role")
        if actor.service_point_id is not None and (
                service_point is None or service_point.pk != actor.service_point_id):
            raise ValidationFailed(_("You may only add staff to your own service point."),
                                   field="service_point")
    if role not in User.Role.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    if role == User.Role.REGIONAL_MANAGER and (region is None or service_point is not None):
        raise ValidationFailed(_("A regional manager needs a region and no service point."),
                               field="region")
    try:  # Django's validators (settings.AUTH_PASSWORD_VALIDATORS): length, common, similarity
        validate_password(password or "", user=User(username=username, name=name))
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="password",
                               code=NetworkCode.WEAK_PASSWORD) from None
    if User.objects.filter(username=username).exists():
        raise Conflict(NetworkCode.DUPLICATE_USERNAME, _("This username is taken."),
                       field="username")
    user = User(username=username, name=name, role=role, service_point=service_point,
                region=region if role == User.Role.REGIONAL_MANAGER else None,
                skills=sorted({s.strip() for s in (skills or []) if s.strip()}), phone=phone,
                is_staff=role == User.Role.ADMIN, is_superuser=role == User.Role.ADMIN)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(NetworkCode.DUPLICATE_USERNAME, _("This username is taken."),
                       field="username") from None
    return user
