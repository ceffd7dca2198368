from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from aftersales.core.errors import NotFound, ValidationFailed

from . import wording
from .errors import CatalogCode
from .models import AccessoryPeriod, FaultCode, KnowledgeArticle, Part, ProductModel, Synonym


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


def synonym_groups() -> list[list[str]]:
    return [wording.split_words(words) for words in
            Synonym.objects.filter(active=True).values_list("words", flat=True)]


def knowledge_search(*, q: str | None = None, model: str | None = None,
                     fault_code: str | None = None, kind: str | None = None
                     ) -> QuerySet[KnowledgeArticle]:
    """The hotline's search while the customer is on the line, in the caller's words.

    `q` is turned into ideas (catalog/wording.py: synonym phrases, then jieba word
    segmentation, particles dropped); every idea must appear, by any of its words
    (substring, case-insensitive), in the title, symptoms, answer or fault-code name:
    "不开机" finds "无法开机". `model` (a model code) keeps that model's articles and the
    general ones. Ranking: the whole query in the title, then ideas found in the title,
    the model's own articles, on PostgreSQL trigram similarity to the title (pg_trgm,
    GIN-indexed), newest. Three queries: the synonyms, the fault names, the articles.
    """
    qs = KnowledgeArticle.objects.filter(active=True).select_related("model", "fault_code")
    if model:
        qs = qs.filter(Q(model__code=model) | Q(model__isnull=True))
    if fault_code:
        qs = qs.filter(fault_code__code=fault_code)
    if kind:
        qs = qs.filter(kind=kind)
    text = (q or "").strip()
    found = wording.ideas(text, synonym_groups(), limit=MAX_SEARCH_TERMS) if text else []
    faults = _fault_names_matching([w for idea in found for w in idea])
    title_hits = []
    for idea in found:
        cond, in_title = Q(), Q()
        for word in idea:
            cond |= (Q(title__icontains=word) | Q(symptoms__icontains=word)
                     | Q(answer__icontains=word))
            in_title |= Q(title__icontains=word)
        fault_ids = [pk for pk, name in faults
                     if any(word.upper() in name.upper() for word in idea)]
        if fault_ids:
            # ids, not a join: an OR over one table's indexed columns lets PostgreSQL
            # combine the trigram indexes (BitmapOr) instead of scanning.
            cond |= Q(fault_code_id__in=fault_ids)
        qs = qs.filter(cond)
        title_hits.append(Case(When(in_title, then=Value(1)), default=Value(0),
                               output_field=IntegerField()))
    order: list[str] = []
    if found:
        qs = qs.annotate(title_hit=Case(When(title__icontains=text, then=Value(1)),
                                        default=Value(0), output_field=IntegerField()))
        order.append("-title_hit")
        total = title_hits[0]
        for extra in title_hits[1:]:
            total = total + extra
        qs = qs.annotate(ideas_in_title=total)
        order.append("-ideas_in_title")
    if model:
        qs = qs.annotate(own_model=Case(When(model__isnull=False, then=Value(1)),
                                        default=Value(0), output_field=IntegerField()))
        order.append("-own_model")
    if found and connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        qs = qs.annotate(similarity=TrigramWordSimilarity(text, "title"))
        order.append("-similarity")
    order.append("-id")
    return qs.order_by(*order)


def _fault_names_matching(words: list[str]) -> list[tuple[int, str]]:
    if not words:
        return []
    cond = Q()
    for word in words:
        cond |= Q(name__icontains=word)
    return list(FaultCode.objects.filter(cond).values_list("pk", "name"))


def get_knowledge_article(*, article_id: int) -> KnowledgeArticle:
    found = (KnowledgeArticle.objects.select_related("model", "fault_code")
             .filter(pk=article_id).first())
    if found is None:
        raise NotFound(_("Article not found."))
    return found
