

from ninja import Router, Schema, Status
from pydantic import Field

from aftersales.core.api import ERRORS, Money, MoneyIn, paginate
from aftersales.core.api_types import choices_literal

from . import selectors, services
from .models import KnowledgeArticle, Part

router = Router(tags=["catalog"])


class ProductModelIn(Schema):
    code: str = Field(max_length=40)
    name: str = Field(max_length=120)
    category: str = Field(max_length=60)
    warranty_months: int = Field(12, ge=0, le=120)
    return_days: int = Field(7, ge=0, le=365)
    exchange_days: int = Field(15, ge=0, le=365)
    factory_price: MoneyIn | None = None
    serial_date_pattern: str = Field("", max_length=120)
    large_unit: bool = False


class ProductModelOut(Schema):
    id: int
    code: str
    name: str
    category: str
    warranty_months: int
    return_days: int
    exchange_days: int
    factory_price: Money | None
    serial_date_pattern: str
    large_unit: bool


class PartIn(Schema):
    sku: str = Field(max_length=40)
    name: str = Field(max_length=120)
    price: MoneyIn
    cost: MoneyIn | None = None
    accessory_kind: choices_literal(Part.AccessoryKind) | None = None
    models: list[str] = Field([], description="codes of the product models it fits")


class PartOut(Schema):
    id: int
    sku: str
    name: str
    price: Money
    cost: Money
    accessory_kind: str | None

    @staticmethod
    def resolve_accessory_kind(obj):
        return obj.accessory_kind or None


class FaultCodeIn(Schema):
    code: str = Field(max_length=40)
    name: str = Field(max_length=120)
    component: str = Field("", max_length=60)


class FaultCodeOut(Schema):
    id: int
    code: str
    name: str
    component: str


class ProductModelList(Schema):
    items: list[ProductModelOut]
    next: str | None


class PartList(Schema):
    items: list[PartOut]
    next: str | None


class FaultCodeList(Schema):
    items: list[FaultCodeOut]
    next: str | None


@router.post("/product-models", response={201: ProductModelOut, **ERRORS})
def create_product_model(request, payload: ProductModelIn):
    return Status(201, services.create_product_model(actor=request.auth, **payload.dict()))


@router.get("/product-models", response={200: ProductModelList, **ERRORS})
def list_product_models(request, q: str | None = None, page: int = 1, page_size: int = 50):
    return paginate(request, selectors.product_model_list(q=q), page=page, page_size=page_size)


@router.get("/product-models/{code}", response={200: ProductModelOut, **ERRORS})
def get_product_model(request, code: str):
    return selectors.get_product_model(code=code)


@router.post("/parts", response={201: PartOut, **ERRORS})
def create_part(request, payload: PartIn):
    fits = [selectors.get_product_model(code=code, field="models") for code in payload.models]
    data = payload.dict(exclude={"models"})
    return Status(201, services.create_part(actor=request.auth, fits_models=fits, **data))


@router.get("/parts", response={200: PartList, **ERRORS})
def list_parts(request, q: str | None = None, page: int = 1, page_size: int = 50):
    return paginate(request, selectors.part_list(q=q), page=page, page_size=page_size)


@router.get("/parts/{sku}", response={200: PartOut, **ERRORS})
def get_part(request, sku: str):
    return selectors.get_part(sku=sku)


@router.post("/fault-codes", response={201: FaultCodeOut, **ERRORS})
def create_fault_code(request, payload: FaultCodeIn):
    return Status(201, services.create_fault_code(actor=request.auth, **payload.dict()))


@router.get("/fault-codes", response={200: FaultCodeList, **ERRORS})
def list_fault_codes(request, page: int = 1, page_size: int = 200):
    return paginate(request, selectors.fault_code_list(), page=page, page_size=page_size)




# Knowledge base (知识库): found by the hotline while the customer is on the line.

class KnowledgeArticleIn(Schema):
    kind: choices_literal(KnowledgeArticle.Kind) = "fault_fix"
    title: str = Field(max_length=200)
    symptoms: str = ""
    answer: str
    model: str | None = Field(None, description="product model code; empty = every model")
    fault_code: str | None = None


class KnowledgeArticleOut(Schema):
    id: int
    kind: str
    title: str
    symptoms: str
    answer: str
    model: str | None
    fault_code: str | None
    fault_name: str | None

    @staticmethod
    def resolve_model(obj):
        return obj.model.code if obj.model_id else None

    @staticmethod
    def resolve_fault_code(obj):
        return obj.fault_code.code if obj.fault_code_id else None

    @staticmethod
    def resolve_fault_name(obj):
        return obj.fault_code.name if obj.fault_code_id else None


class KnowledgeArticleList(Schema):
    items: list[KnowledgeArticleOut]
    next: str | None


@router.get("/knowledge", response={200: KnowledgeArticleList, **ERRORS}, tags=["knowledge"])
def search_knowledge(request, q: str | None = None, model: str | None = None,
                     fault_code: str | None = None,
                     kind: choices_literal(KnowledgeArticle.Kind) | None = None,
                     page: int = 1, page_size: int = 20):
    qs = selectors.knowledge_search(q=q, model=model, fault_code=fault_code, kind=kind)
    return paginate(request, qs, page=page, page_size=page_size)


@router.get("/knowledge/{article_id}", response={200: KnowledgeArticleOut, **ERRORS},
            tags=["knowledge"])
def get_knowledge_article(request, article_id: int):
    return selectors.get_knowledge_article(article_id=article_id)


@router.post("/knowledge", response={201: KnowledgeArticleOut, **ERRORS}, tags=["knowledge"])
def create_knowledge_article(request, payload: KnowledgeArticleIn):
    model = (selectors.get_product_model(code=payload.model, field="model")
             if payload.model else None)
    fault = (selectors.get_fault_code(code=payload.fault_code, field="fault_code")
             if payload.fault_code else None)
    data = payload.dict(exclude={"model", "fault_code"})
    return Status(201, services.create_knowledge_article(actor=request.auth, model=model,
                                                         fault_code=fault, **data))
