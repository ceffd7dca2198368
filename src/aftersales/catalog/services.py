import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from aftersales.core.money import to_money
from aftersales.core.scoping import require_role
from aftersales.core.validation import clean_required
from aftersales.network.models import ServicePoint, User

from .errors import CatalogCode
from .models import FaultCode, KnowledgeArticle, Part, ProductModel


def _require_hq(actor: User, *roles: str) -> None:
    """The catalog is shared by the whole network: only HQ staff edit it."""
    require_role(actor, User.Role.ADMIN, *roles)
    point = actor.service_point
    if point is not None and point.kind != ServicePoint.Kind.HQ:
        raise Forbidden(_("Only headquarters edits the catalog."))


#: The refusal when the unique field of a new catalog row is taken.
DUPLICATE = {"code": CatalogCode.DUPLICATE_CODE, "sku": CatalogCode.DUPLICATE_SKU}


def _create(model, field: str, message: str, **values):
    if model.objects.filter(**{field: values[field]}).exists():
        raise Conflict(DUPLICATE[field], message, field=field)
    try:
        with transaction.atomic():
            return model.objects.create(**values)
    except IntegrityError:
        raise Conflict(DUPLICATE[field], message, field=field) from None


def _check_pattern(pattern: str) -> str:
    if not pattern:
        return ""
    try:
        compiled = re.compile(pattern)
    except re.error:
        raise ValidationFailed(_("Not a valid regular expression."),
                               field="serial_date_pattern") from None
    if not {"year", "month"} <= set(compiled.groupindex):
        raise ValidationFailed(_("The pattern needs the named groups year and month."),
                               field="serial_date_pattern")
    return pattern


@transaction.atomic
def create_product_model(*, actor: User, code: str, name: str, category: str,
                         warranty_months: int = 12, return_days: int = 7,
                         exchange_days: int = 15, factory_price: Decimal | None = None,
                         serial_date_pattern: str = "", large_unit: bool = False) -> ProductModel:
    _require_hq(actor, User.Role.MANAGER)
    if exchange_days < return_days:
        raise ValidationFailed(_("The exchange period cannot be shorter than the return "
                                 "period."), field="exchange_days")
    return _create(
        ProductModel, "code", _("A product model with this code exists."),
        code=clean_required(code, field="code", max_length=40),
        name=clean_required(name, field="name", max_length=120),
        category=clean_required(category, field="category", max_length=60),
        warranty_months=warranty_months, return_days=return_days, exchange_days=exchange_days,
        factory_price=to_money(factory_price) if factory_price is not None else None,
        serial_date_pattern=_check_pattern(serial_date_pattern), large_unit=large_unit)


@transaction.atomic
def create_part(*, actor: User, sku: str, name: str, price: Decimal, cost: Decimal | None = None,
                accessory_kind: str | None = None, fits_models: list[ProductModel] = ()) -> Part:
    _require_hq(actor, User.Role.MANAGER, User.Role.WAREHOUSE)
    if accessory_kind and accessory_kind not in Part.AccessoryKind.values:
        raise ValidationFailed(_("Unknown accessory kind."), field="accessory_kind")
    part = _create(Part, "sku", _("A part with this SKU exists."),
                   sku=clean_required(sku, field="sku", max_length=40),
                   name=clean_required(name, field="name", max_length=120),
                   price=to_money(price), cost=to_money(cost if cost is not None else 0),
                   accessory_kind=accessory_kind or "")
    if fits_models:
        part.fits_models.set(fits_models)
    return part


@transaction.atomic
def create_fault_code(*, actor: User, code: str, name: str, component: str = "") -> FaultCode:
    _require_hq(actor, User.Role.MANAGER)
    return _create(FaultCode, "code", _("This fault code exists."),
                   code=clean_required(code, field="code", max_length=40),
                   name=clean_required(name, field="name", max_length=120),
                   component=component or "")


@transaction.atomic
def create_knowledge_article(*, actor: User, title: str, answer: str, kind: str = "fault_fix",
                             symptoms: str = "", model: ProductModel | None = None,
                             fault_code: FaultCode | None = None,
                             active: bool = True) -> KnowledgeArticle:
    """A fault with its fix, or an FAQ answer, for the hotline (knowledge base)."""
    _require_hq(actor, User.Role.MANAGER)
    if kind not in KnowledgeArticle.Kind.values:
        raise ValidationFailed(_("Unknown article kind."), field="kind")
    return KnowledgeArticle.objects.create(
        kind=kind, title=clean_required(title, field="title", max_length=200),
        symptoms=(symptoms or "").strip(), answer=clean_required(answer, field="answer"),
        model=model, fault_code=fault_code, active=active)
