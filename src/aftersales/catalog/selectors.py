from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from aftersales.core.errors import NotFound, ValidationFailed

from .errors import CatalogCode
from .models import AccessoryPeriod, FaultCode, KnowledgeArticle, Part, ProductModel


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
            raise ValidationFailed(_("Unknown product model."), field=field,
                                   code=CatalogCode.UNKNOWN_MODEL)
        raise NotFound(_("Product model not found."))
    return found


def get_part(*, sku: str, field: str | None = None) -> Part:
    found = Part.objects.filter(sku=sku).first()
    if found is None:
        if field:
            raise ValidationFailed(_("Unknown part."), field=field, code=CatalogCode.UNKNOWN_PART)
        raise NotFound(_("Part not found."))
    return found


def get_fault_code(*, code: str, field: str | None = None) -> FaultCode:
    found = FaultCode.objects.filter(code=code).first()
    if found is None:
        if field:
            raise ValidationFailed(_("Unknown fault code."), field=field,
                                   code=CatalogCode.UNKNOWN_FAULT_CODE)
        raise NotFound(_("Fault code not found."))
    return found


def accessory_months() -> dict[str, int]:
    return dict(AccessoryPeriod.objects.values_list("kind", "months"))


MAX_SEARCH_TERMS = 5


def knowledge_search(*, q: str | None = None, model: str | None = None,
                     fault_code: str | None = None, kind: str | None = None
                     ) -> QuerySet[KnowledgeArticle]:
    """The hotline's search while the customer is on the line.

    `q` is split on spaces; every term must appear (substring, case-insensitive) in the
    title, symptoms, answer or fault-code name. `model` (a model code) keeps that model's
    articles and the general ones (no model). Title hits rank first; on PostgreSQL the
    rest rank by trigram word similarity to the title (pg_trgm, GIN-indexed).
    """
    qs = KnowledgeArticle.objects.filter(active=True).select_related("model", "fault_code")
    if model:
        qs = qs.filter(Q(model__code=model) | Q(model__isnull=True))
    if fault_code:
        qs = qs.filter(fault_code__code=fault_code)
    if kind:
        qs = qs.filter(kind=kind)
    terms = (q or "").split()[:MAX_SEARCH_TERMS]
    faults = _fault_names_matching(terms)
    for term in terms:
        cond = (Q(title__icontains=term) | Q(symptoms__icontains=term)
                | Q(answer__icontains=term))
        fault_ids = [pk for pk, name in faults if term.upper() in name.upper()]
        if fault_ids:
            # ids, not a join: an OR over one table's indexed columns lets PostgreSQL
            # combine the trigram indexes (BitmapOr) instead of scanning.
            cond |= Q(fault_code_id__in=fault_ids)
        qs = qs.filter(cond)
    order: list[str] = []
    if terms:
        phrase = " ".join(terms)
        qs = qs.annotate(title_hit=Case(When(title__icontains=phrase, then=Value(1)),
                                        default=Value(0), output_field=IntegerField()))
        order.append("-title_hit")
    if model:
        qs = qs.annotate(own_model=Case(When(model__isnull=False, then=Value(1)),
                                        default=Value(0), output_field=IntegerField()))
        order.append("-own_model")
    if terms and connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        qs = qs.annotate(similarity=TrigramWordSimilarity(" ".join(terms), "title"))
        order.append("-similarity")
    order.append("-id")
    return qs.order_by(*order)


def _fault_names_matching(terms: list[str]) -> list[tuple[int, str]]:
    if not terms:
        return []
    cond = Q()
    for term in terms:
        cond |= Q(name__icontains=term)
    return list(FaultCode.objects.filter(cond).values_list("pk", "name"))


def get_knowledge_article(*, article_id: int) -> KnowledgeArticle:
    found = (KnowledgeArticle.objects.select_related("model", "fault_code")
             .filter(pk=article_id).first())
    if found is None:
        raise NotFound(_("Article not found."))
    return found
