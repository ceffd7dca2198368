"""Regions and dealers."""
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.core.validation import clean_credit_code, clean_required

from ..errors import NetworkCode
from ..models import Dealer, Region, ServicePoint, User


@transaction.atomic
def create_region(*, actor: User, code: str, name: str,
                  routing: str = Region.Routing.NEAREST_POINT) -> Region:
    require_role(actor, User.Role.ADMIN)
    code = clean_required(code, field="code", max_length=20)
    name = clean_required(name, field="name", max_length=100)
    if routing not in Region.Routing.values:
        raise ValidationFailed(_("Unknown routing rule."), field="routing")
    if Region.objects.filter(code=code).exists():
        raise Conflict(NetworkCode.DUPLICATE_CODE, _("A region with this code exists."),
                       field="code")
    try:
        with transaction.atomic():
            return Region.objects.create(code=code, name=name, routing=routing)
    except IntegrityError:
        raise Conflict(NetworkCode.DUPLICATE_CODE, _("A region with this code exists."),
                       field="code") from None


@transaction.atomic
def set_point_region(*, actor: User, service_point: ServicePoint,
                     region: Region | None) -> ServicePoint:
    require_role(actor, User.Role.ADMIN)
    locked = ServicePoint.objects.select_for_update().get(pk=service_point.pk)
    locked.region = region
    locked.save(update_fields=["region"])
    return locked


@transaction.atomic
def create_dealer(*, actor: User, name: str, region: Region, credit_code: str = "",
                  doa_days: int = 15, contact: str = "", phone: str = "",
                  county: str = "") -> Dealer:
    require_role(actor, User.Role.ADMIN, User.Role.REGIONAL_MANAGER)
    if actor.role == User.Role.REGIONAL_MANAGER and not actor.is_superuser and (
            actor.region_id != region.pk):
        raise ValidationFailed(_("You may only add dealers to your own region."),
                               field="region")
    name = clean_required(name, field="name", max_length=120)
    if credit_code:
        credit_code = clean_credit_code(credit_code)
    if doa_days is None or not 0 <= int(doa_days) <= 365:
        raise ValidationFailed(_("Between 0 and 365 days."), field="doa_days")
    return Dealer.objects.create(name=name, region=region, credit_code=credit_code or "",
                                 doa_days=int(doa_days), contact=contact, phone=phone,
                                 county=county)
