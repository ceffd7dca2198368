from datetime import date

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aftersales.catalog.selectors import get_fault_code, get_part, get_product_model
from aftersales.contracts.selectors import warranty_covers
from aftersales.core.api import ERRORS, paginate
from aftersales.core.api_types import choices_literal
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.customers.selectors import access_customer
from aftersales.network.selectors import access_dealer

from . import selectors, services, warranty

router = Router(tags=["devices"])


class DeviceIn(Schema):
    serial: str = Field(max_length=40)
    imei: str | None = Field(None, max_length=20)
    model: str = Field(description="product model code")
    customer: int
    purchase_date: date | None = None
    invoice_no: str | None = Field(None, max_length=40)
    warranty_card_no: str | None = Field(None, max_length=40)
    manufactured_on: date | None = None
    dealer: str | None = Field(None, max_length=120)
    sold_by: int | None = Field(None, description="the dealer record (id) that sold the unit")


class DeviceOut(Schema):
    id: int
    serial: str
    imei: str | None
    model: str
    model_name: str
    customer: int
    customer_name: str
    purchase_date: date | None
    invoice_no: str
    warranty_card_no: str
    manufactured_on: date | None
    dealer: str
    sold_by: int | None = Field(None, description="the dealer record (id)")
    warranty_ends: date | None
    in_warranty: bool


class DeviceList(Schema):
    items: list[DeviceOut]
    next: str | None


def device_out(device, *, rules=None, today: date | None = None) -> dict:
    from django.utils import timezone

    today = today or timezone.localdate()
    ends = selectors.warranty_ends(device, on=today, rules=rules)
    return {
        "id": device.pk, "serial": device.serial, "imei": device.imei,
        "model": device.model.code, "model_name": device.model.name,
        "customer": device.customer_id, "customer_name": device.customer.name,
        "purchase_date": device.purchase_date, "invoice_no": device.invoice_no,
        "warranty_card_no": device.warranty_card_no, "manufactured_on": device.manufactured_on,
        "dealer": device.dealer, "sold_by": device.sold_by_id, "warranty_ends": ends,
        "in_warranty": ends is not None and today <= ends,
    }


@router.post("/devices", response={201: DeviceOut, **ERRORS})
def register_device(request, payload: DeviceIn):
    model = get_product_model(code=payload.model, field="model")
    try:
        customer = access_customer(actor=request.auth, customer_id=payload.customer)
    except NotFound:
        raise ValidationFailed(_("Unknown customer."), field="customer") from None
    data = payload.dict(exclude={"model", "customer", "sold_by"})
    data["sold_by"] = _dealer_field(request, payload.sold_by)
    data = {k: ("" if v is None and k in {"invoice_no", "warranty_card_no", "dealer"} else v)
            for k, v in data.items()}
    device = services.register_device(actor=request.auth, model=model, customer=customer,
                                      **data)
    return Status(201, device_out(selectors.access_device(actor=request.auth, serial=device.serial)))


def _dealer_field(request, dealer_id: int | None):
    if dealer_id is None:
        return None
    try:
        return access_dealer(actor=request.auth, dealer_id=dealer_id)
    except NotFound:
        raise ValidationFailed(_("Unknown dealer."), field="sold_by") from None


class DealerReturnIn(Schema):
    returned_on: date
    dealer: int | None = Field(None, description="the returning dealer (default: the seller)")


class DealerReturnOut(Schema):
    id: int
    device: int = Field(alias="device_id")
    dealer: int = Field(alias="dealer_id")
    returned_on: date
    doa_days: int
    outcome: str = Field(description="replace (dead on arrival) or repair")


@router.post("/devices/{serial}/dealer-returns", response={201: DealerReturnOut, **ERRORS})
def create_dealer_return(request, serial: str, payload: DealerReturnIn):
    """A unit returned by its dealer: inside the dealer's DOA window it is replaced."""
    device = selectors.access_device(actor=request.auth, serial=serial)
    dealer = None
    if payload.dealer is not None:
        try:
            dealer = access_dealer(actor=request.auth, dealer_id=payload.dealer)
        except NotFound:
            raise ValidationFailed(_("Unknown dealer."), field="dealer") from None
    return Status(201, services.record_dealer_return(actor=request.auth, device=device,
                                                     dealer=dealer,
                                                     returned_on=payload.returned_on))


@router.get("/devices", response={200: DeviceList, **ERRORS})
def list_devices(request, q: str | None = None, customer: int | None = None, page: int = 1,
                 page_size: int = 50,
                 cursor: str | None = Query(None, description=(
                     "Opaque position from a `next` link: the page after that unit (keyset, "
                     "no OFFSET), so a chain customer's thousands of units page evenly."))):
    """Newest first; the warranty is computed for the page's units only."""
    result = paginate(request, selectors.device_list(actor=request.auth, q=q,
                                                     customer_id=customer),
                      page=page, page_size=page_size, cursor=cursor, keyset=True)
    rules = selectors.RuleValues()
    return {"items": [device_out(d, rules=rules) for d in result["items"]],
            "next": result["next"]}


@router.get("/devices/{serial}", response={200: DeviceOut, **ERRORS})
def get_device(request, serial: str):
    return device_out(selectors.access_device(actor=request.auth, serial=serial))


class FaultIn(Schema):
    kind: choices_literal(warranty.FAULT_KINDS) = "performance"
    part: str | None = Field(None, description="part SKU")
    code: str | None = Field(None, description="fault code")
    caused_by_repair: bool = Field(
        False, description="the engineer attributes this fault to our previous repair: "
        "free like the repair warranty (basis repair_caused)")


class EvidenceIn(Schema):
    invoice: bool = False
    warranty_card: bool = False
    card_serial: str | None = Field(None, max_length=40)
    card_model: str | None = Field(None, max_length=40)
    card_altered: bool = False
    casing_wear: bool = False
    invoice_date: date | None = Field(
        None, description="date on the invoice; differing from the purchase date → "
        "invoice_mismatch")
    invoice_model: str | None = Field(None, max_length=40,
                                      description="model on the invoice → invoice_mismatch")
    invoice_imei: str | None = Field(None, max_length=15,
                                     description="IMEI on the invoice → invoice_mismatch")
    invoice_seller: str | None = Field(
        None, max_length=120, description="seller on the invoice, against the unit's dealer "
        "→ invoice_mismatch")
    invoice_stamped: bool | None = Field(
        None, description="the invoice bears the seller's stamp (false → invoice_mismatch)")
    card_date: date | None = Field(
        None, description="date on the warranty card; differing from the invoice → "
        "dates_differ")
    network_label: bool | None = Field(
        None, description="network-access label (入网证) present (false → label_missing)")
    imei_label: bool | None = Field(None,
                                    description="IMEI label intact (false → label_missing)")


class WarrantyCheckIn(Schema):
    serial: str
    on: date | None = None
    fault: FaultIn = Field(default_factory=FaultIn)
    cause: choices_literal(warranty.CAUSES) = "none"
    evidence: EvidenceIn = Field(default_factory=EvidenceIn)


class WarrantyOut(Schema):
    covered: bool
    options: list[str]
    basis: str
    warranty_ends: date | None
    reasons: list[str]


def decision_out(decision: warranty.Decision) -> dict:
    return {"covered": decision.covered, "options": list(decision.options),
            "basis": decision.basis, "warranty_ends": decision.warranty_ends,
            "reasons": list(decision.reasons)}


def fault_of(fault: FaultIn) -> warranty.Fault:
    """Resolve the part SKU to its accessory kind so the accessory periods apply."""
    accessory_kind = None
    if fault.part:
        accessory_kind = get_part(sku=fault.part, field="fault.part").accessory_kind or None
    if fault.code:
        get_fault_code(code=fault.code, field="fault.code")
    if fault.kind == "accessory" and accessory_kind is None:
        raise ValidationFailed(_("An accessory fault names the accessory part."),
                               field="fault.part")
    return warranty.Fault(kind=fault.kind, part_sku=fault.part, accessory_kind=accessory_kind,
                          code=fault.code, caused_by_repair=fault.caused_by_repair)


@router.post("/warranty/check", response={200: WarrantyOut, **ERRORS})
def check_warranty(request, payload: WarrantyCheckIn):
    device = selectors.access_device(actor=request.auth, serial=payload.serial)
    decision = selectors.warranty_decision(
        device=device, fault=fault_of(payload.fault), cause=payload.cause,
        evidence=warranty.Evidence(**payload.evidence.dict()), on=payload.on,
        covers=warranty_covers(device_id=device.pk))
    return decision_out(decision)
