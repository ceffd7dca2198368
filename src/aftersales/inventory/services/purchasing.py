"""Suppliers, purchase orders and their incoming inspection (accepted units become a
receipt in the stock ledger, rejected ones are recorded with a reason), and claims on a
supplier (索赔) for a part that failed under its warranty, with the faulty part
returned; the supplier's credit is recorded when it accepts."""
from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.numbering import next_number
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_credit_code, clean_required
from aftersales.network.models import User

from ..field_errors import LoanerPurchasingCode
from ..models import (
    FaultyPartReturn,
    Inspection,
    InspectionLine,
    PurchaseOrder,
    PurchaseOrderLine,
    StockMove,
    Supplier,
    SupplierClaim,
    Warehouse,
)
from .common import _move, _put, clean_qty, resolve_part

BUYERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.WAREHOUSE)
MONEY_MAX = Decimal("1e10")


def _cost(value, *, field: str) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        cost = to_money(value)
    except Exception:  # noqa: BLE001 - anything not a number is bad input here
        raise ValidationFailed(_("Not a valid amount."), field=field) from None
    if cost < 0 or cost >= MONEY_MAX:
        raise ValidationFailed(_("The unit cost must not be negative."), field=field)
    return cost


@transaction.atomic
def create_supplier(*, actor: User, code: str, name: str, credit_code: str = "",
                    contact: str = "", phone: str = "", warranty_days: int = 365) -> Supplier:
    require_role(actor, User.Role.ADMIN, User.Role.MANAGER)
    code = clean_required(code, field="code", max_length=20)
    name = clean_required(name, field="name", max_length=120)
    credit_code = (credit_code or "").strip().upper()
    if credit_code:
        credit_code = clean_credit_code(credit_code, field="credit_code")
    if (isinstance(warranty_days, bool) or not isinstance(warranty_days, int)
            or not 0 <= warranty_days <= 3650):
        raise ValidationFailed(_("Warranty days are a whole number up to 3650."),
                               field="warranty_days")
    try:
        with transaction.atomic():
            return Supplier.objects.create(code=code, name=name, credit_code=credit_code,
                                           contact=(contact or "").strip()[:60],
                                           phone=(phone or "").strip()[:20],
                                           warranty_days=warranty_days)
    except IntegrityError:
        raise Conflict(LoanerPurchasingCode.DUPLICATE_CODE, _("A supplier with this code exists."),
                       field="code") from None


@transaction.atomic
def create_purchase_order(*, actor: User, supplier: Supplier, warehouse: Warehouse,
                          lines: list[dict], note: str = "") -> PurchaseOrder:
    """Lines [{sku, qty, unit_cost?}] (unit cost defaults to the part's cost)."""
    require_role(actor, *BUYERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id, field="warehouse")
    if not supplier.active:
        raise ValidationFailed(_("The supplier is inactive."), field="supplier")
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed(_("Order at least one part."), field="lines")
    parsed, seen = [], set()
    for index, raw in enumerate(lines):
        if not isinstance(raw, dict):
            raise ValidationFailed(_("A line must be an object."), field=f"lines.{index}")
        part = resolve_part(raw.get("sku"), field=f"lines.{index}.sku")
        if part.pk in seen:
            raise ValidationFailed(_("A part is on the order twice."),
                                   field=f"lines.{index}.sku")
        seen.add(part.pk)
        qty = clean_qty(raw.get("qty"), field=f"lines.{index}.qty")
        cost = raw.get("unit_cost")
        cost = part.cost if cost is None else _cost(cost, field=f"lines.{index}.unit_cost")
        parsed.append((part, qty, to_money(cost)))
    today = timezone.localdate()
    order = PurchaseOrder.objects.create(
        number=next_number(prefix="PO", period=f"{today:%Y%m}", width=4), supplier=supplier,
        warehouse=warehouse, note=(note or "").strip()[:200], created_by=actor,
        amount=to_money(sum((cost * qty for _p, qty, cost in parsed), ZERO)))
    PurchaseOrderLine.objects.bulk_create([
        PurchaseOrderLine(order=order, part=part, qty=qty, unit_cost=cost)
        for part, qty, cost in parsed])
    return order


def _count(raw: dict, key: str, *, field: str) -> int:
    value = raw.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationFailed(_("A count is a whole number, zero or more."), field=field)
    return value


@transaction.atomic
def inspect_delivery(*, actor: User, order: PurchaseOrder, lines: list[dict],
                     note: str = "") -> Inspection:
    """The incoming inspection: lines [{sku, accepted, rejected, reason?}]. Accepted units
    are received into the order's warehouse at the order's unit cost; rejected ones need a
    reason. Nothing is received when any line is refused."""
    require_role(actor, *BUYERS)
    order = PurchaseOrder.objects.select_for_update().select_related("warehouse").get(
        pk=order.pk)
    check_point(actor=actor, service_point_id=order.warehouse.service_point_id,
                field="order")
    if order.status not in (PurchaseOrder.Status.ORDERED,
                            PurchaseOrder.Status.PARTLY_RECEIVED):
        raise Conflict(LoanerPurchasingCode.ORDER_CLOSED, _("This order is not waiting for goods."))
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed(_("Inspect at least one line."), field="lines")
    by_part = {line.part_id: line for line in order.lines.select_related("part")}
    checked, seen = [], set()
    for index, raw in enumerate(lines):
        if not isinstance(raw, dict):
            raise ValidationFailed(_("A line must be an object."), field=f"lines.{index}")
        part = resolve_part(raw.get("sku"), field=f"lines.{index}.sku")
        line = by_part.get(part.pk)
        if line is None or part.pk in seen:
            raise ValidationFailed(_("This part is not on the order."),
                                   field=f"lines.{index}.sku")
        seen.add(part.pk)
        accepted = _count(raw, "accepted", field=f"lines.{index}.accepted")
        rejected = _count(raw, "rejected", field=f"lines.{index}.rejected")
        if accepted + rejected == 0:
            raise ValidationFailed(_("Accept or reject at least one unit."),
                                   field=f"lines.{index}.accepted")
        open_qty = line.qty - line.accepted - line.rejected
        if accepted + rejected > open_qty:
            raise ValidationFailed(
                _("Only %(n)d of this part are still expected.") % {"n": open_qty},
                field=f"lines.{index}.accepted", code=LoanerPurchasingCode.EXCEEDS_ORDERED)
        reason = (raw.get("reason") or "").strip() if isinstance(raw.get("reason"), str) else ""
        if rejected and not reason:
            raise ValidationFailed(_("Give the reason for the rejection."),
                                   field=f"lines.{index}.reason")
        checked.append((line, accepted, rejected, reason[:200]))
    inspection = Inspection.objects.create(order=order, note=(note or "").strip()[:200],
                                           inspected_by=actor)
    for line, accepted, rejected, reason in checked:
        move = None
        if accepted:
            _put(warehouse=order.warehouse, part=line.part, qty=accepted)
            move = _move(warehouse=order.warehouse, part=line.part,
                         kind=StockMove.Kind.RECEIPT, qty=accepted, actor=actor,
                         unit_cost=line.unit_cost, reference=order.number,
                         note=_("Incoming inspection"))
        InspectionLine.objects.create(inspection=inspection, line=line, accepted=accepted,
                                      rejected=rejected, reason=reason, move=move)
        line.accepted += accepted
        line.rejected += rejected
        line.save(update_fields=["accepted", "rejected"])
    done = all(line.accepted + line.rejected >= line.qty for line in by_part.values())
    order.status = (PurchaseOrder.Status.RECEIVED if done
                    else PurchaseOrder.Status.PARTLY_RECEIVED)
    order.save(update_fields=["status"])
    return inspection


@transaction.atomic
def claim_from_supplier(*, actor: User, faulty: FaultyPartReturn, supplier: Supplier,
                        claim_id: int | None = None, note: str = "") -> SupplierClaim:
    """Claim a failed part back from its supplier. The faulty part must be back at HQ
    (received), and the part must have come from that supplier (an accepted delivery)
    within its warranty days. The amount is the last accepted delivery's unit cost."""
    require_role(actor, *BUYERS)
    faulty = FaultyPartReturn.objects.select_for_update().get(pk=faulty.pk)
    if faulty.status != FaultyPartReturn.Status.RECEIVED:
        raise Conflict(LoanerPurchasingCode.FAULTY_PART_NOT_RETURNED,
                       _("The faulty part must be returned to HQ first."), field="faulty_part")
    if SupplierClaim.objects.filter(faulty_part=faulty).exists():
        raise Conflict(LoanerPurchasingCode.CLAIMED_ALREADY, _("This part is claimed already."),
                       field="faulty_part")
    delivered = (PurchaseOrderLine.objects.filter(order__supplier=supplier, part=faulty.part,
                                                  accepted__gt=0)
                 .order_by("-order__created_at", "-id").first())
    if delivered is None:
        raise ValidationFailed(_("This supplier never delivered this part."),
                               field="supplier", code=LoanerPurchasingCode.NOT_SUPPLIED)
    last_delivery = (InspectionLine.objects.filter(line=delivered, accepted__gt=0)
                     .order_by("-inspection__inspected_at").values_list(
                         "inspection__inspected_at", flat=True).first())
    if last_delivery is not None and supplier.warranty_days and (
            timezone.localdate(faulty.created_at) - timezone.localdate(last_delivery)
    ).days > supplier.warranty_days:
        raise Conflict(LoanerPurchasingCode.SUPPLIER_WARRANTY_OVER, _("The supplier's warranty is over."),
                       field="supplier")
    today = timezone.localdate()
    try:
        with transaction.atomic():
            return SupplierClaim.objects.create(
                number=next_number(prefix="SC", period=f"{today:%Y%m}", width=4),
                supplier=supplier, faulty_part=faulty, claim_id=claim_id, part=faulty.part,
                qty=faulty.qty, amount=to_money(delivered.unit_cost * faulty.qty),
                note=(note or "").strip()[:200], created_by=actor)
    except IntegrityError:
        raise Conflict(LoanerPurchasingCode.CLAIMED_ALREADY, _("This part is claimed already."),
                       field="faulty_part") from None


@transaction.atomic
def decide_supplier_claim(*, actor: User, claim: SupplierClaim, accepted: bool,
                          credit=None, reference: str = "", note: str = "") -> SupplierClaim:
    """The supplier answers: accepted with its credit (at most the amount claimed, the
    whole amount unless stated), or rejected."""
    require_role(actor, User.Role.ADMIN, User.Role.MANAGER, User.Role.FINANCE)
    locked = SupplierClaim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != SupplierClaim.Status.OPEN:
        raise Conflict(LoanerPurchasingCode.CLAIM_DECIDED, _("This claim is decided already."))
    if accepted:
        amount = locked.amount if credit is None else _cost(credit, field="credit")
        if amount > locked.amount:
            raise ValidationFailed(_("The credit is more than the amount claimed."),
                                   field="credit")
        locked.credit = amount
        locked.credit_reference = (reference or "").strip()[:60]
    locked.status = (SupplierClaim.Status.ACCEPTED if accepted
                     else SupplierClaim.Status.REJECTED)
    locked.decided_at = timezone.now()
    locked.note = ((note or "").strip() or locked.note)[:200]
    locked.save(update_fields=["status", "credit", "credit_reference", "decided_at", "note"])
    return locked
