from django.db.models import QuerySet

from aftersales.core.errors import NotFound, ValidationFailed

from .models import AccessoryPeriod, FaultCode, Part, ProductModel


def product_model_list(*, q: str | None = None) -> QuerySet[ProductModel]:
    qs = ProductModel.objects.all()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__icontains=q)
    return qs.order_by("code")


def part_list(*, q: str | None = None) -> QuerySet[Part]:
    qs = Part.objects.all()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(sku__icontains=q)
    return qs.order_by("sku")


def fault_code_list() -> QuerySet[FaultCode]:
    return FaultCode.objects.order_by("code")


def get_product_model(*, code: str, field: str | None = None) -> ProductModel:
    found = ProductModel.objects.filter(code=code).first()
    if found is None:
        if field:
            raise ValidationFailed("Unknown product model.", field=field, code="unknown_model")
        raise NotFound("Product model not found.")
    return found


def get_part(*, sku: str, field: str | None = None) -> Part:
    found = Part.objects.filter(sku=sku).first()
    if found is None:
        if field:
            raise ValidationFailed("Unknown part.", field=field, code="unknown_part")
        raise NotFound("Part not found.")
    return found


def get_fault_code(*, code: str, field: str | None = None) -> FaultCode:
    found = FaultCode.objects.filter(code=code).first()
    if found is None:
        if field:
            raise ValidationFailed("Unknown fault code.", field=field, code="unknown_fault_code")
        raise NotFound("Fault code not found.")
    return found


def accessory_months() -> dict[str, int]:
    return dict(AccessoryPeriod.objects.values_list("kind", "months"))
