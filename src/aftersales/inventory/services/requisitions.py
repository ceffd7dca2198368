"""Requisitions between warehouses, limited by the receiving point's deposit."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.numbering import next_number
from aftersales.core.scoping import check_point, is_unbound, require_role
from aftersales.network.models import NetworkPolicy, ServicePoint, User
from aftersales.network.selectors import credit_limit, deposit_total

from ..errors import InventoryCode
from ..models import (
    Requisition,
    RequisitionLine,
    RequisitionPolicy,
    StockLevel,
    StockMove,
    Warehouse,
)
from ..selectors import stock_value_of_point
from .common import ISSUERS, KEEPERS, _ensure_level, _insufficient, _move, _take, clean_qty

# -- requisitions ---------------------------------------------------------------------

def _check_deposit(*, to_warehouse: Warehouse, amount: Decimal) -> None:
    """The receiving point may hold parts (on hand + in transit, at cost) up to its
    deposit × leverage. HQ itself has no limit. Callers hold the point's row lock."""
    point = to_warehouse.service_point
    if point.kind == ServicePoint.Kind.HQ:
        return
    limit = credit_limit(deposit=deposit_total(service_point_id=point.pk),
                         policy=NetworkPolicy.current())
    held = stock_value_of_point(service_point_id=point.pk)
    if held + amount > limit:
        raise Conflict(InventoryCode.DEPOSIT_EXCEEDED,
                       _("This would take %(point)s's parts to %(total)s, above its credit "
                         "limit of %(limit)s.") % {"point": point.code,
                                                     "total": held + amount, "limit": limit})


def _lock_point(point_id: int) -> None:
    ServicePoint.objects.select_for_update().filter(pk=point_id).first()


def _can_approve(actor: User, requisition: Requisition) -> bool:
    """Keepers and managers of the sending side (or unbound staff) approve; the asking
    point does not approve its own request."""
    if not (actor.is_superuser or actor.role in KEEPERS):
        return False
    point_id = actor.service_point_id
    if point_id is None and not is_unbound(actor):  # a region: any point of it
        point_id = requisition.from_warehouse.service_point_id if (
            requisition.from_warehouse.service_point.region_id == actor.region_id) else -1
    return point_id is None or point_id == requisition.from_warehouse.service_point_id


@transaction.atomic
def create_requisition(*, actor: User, from_warehouse: Warehouse, to_warehouse: Warehouse,
                       lines: list[dict], note: str = "") -> Requisition:
    """lines: [{"part": Part, "qty": int}]. Approved at once when every line and the total
    are within the approver-free limits; otherwise it waits for a keeper or manager."""
    require_role(actor, *ISSUERS)
    check_point(actor=actor, service_point_id=to_warehouse.service_point_id)
    if from_warehouse.pk == to_warehouse.pk:
        raise ValidationFailed(_("Choose two different warehouses."), field="to_warehouse")
    if not lines:
        raise ValidationFailed(_("Ask for at least one part."), field="lines")
    seen = set()
    for i, line in enumerate(lines):
        clean_qty(line["qty"], field=f"lines.{i}.qty")
        if line["part"].pk in seen:
            raise ValidationFailed(_("A part is listed twice."), field=f"lines.{i}.sku")
        seen.add(line["part"].pk)
    amount = to_money(sum((to_money(line["part"].cost) * line["qty"] for line in lines), ZERO))
    _lock_point(to_warehouse.service_point_id)
    _check_deposit(to_warehouse=to_warehouse, amount=amount)
    policy = RequisitionPolicy.current()
    # Approver-free only from a store the asking side may draw on by itself: HQ's (the
    # supply) or its own; another point's store always waits for that point's keeper.
    source_point = from_warehouse.service_point
    own_source = (actor.service_point_id is None or source_point.kind == ServicePoint.Kind.HQ
                  or source_point.pk == actor.service_point_id)
    within = (own_source and amount <= policy.max_amount
              and all(line["qty"] <= policy.max_line_qty for line in lines))
    now = timezone.now()
    requisition = Requisition.objects.create(
        number=next_number(prefix="RQ", period=timezone.localdate().strftime("%Y%m%d"),
                           width=4),
        from_warehouse=from_warehouse, to_warehouse=to_warehouse, amount=amount,
        note=(note or "")[:200], created_by=actor, auto_approved=within,
        status=Requisition.Status.APPROVED if within else Requisition.Status.PENDING,
        decided_at=now if within else None)
    RequisitionLine.objects.bulk_create([
        RequisitionLine(requisition=requisition, part=line["part"], qty=line["qty"],
                        unit_cost=to_money(line["part"].cost)) for line in lines])
    return requisition


def _locked_requisition(requisition: Requisition) -> Requisition:
    return (Requisition.objects.select_for_update(of=("self",))
            .select_related("from_warehouse__service_point", "to_warehouse__service_point")
            .get(pk=requisition.pk))


def _require_status(requisition: Requisition, *allowed: str) -> None:
    if requisition.status not in allowed:
        raise Conflict(InventoryCode.INVALID_TRANSITION,
                       _("Not possible while the requisition is %(status)s.")
                       % {"status": requisition.get_status_display()})


@transaction.atomic
def approve_requisition(*, actor: User, requisition: Requisition) -> Requisition:
    if not _can_approve(actor, requisition):
        raise Forbidden(_("Only a warehouse keeper or manager of the sending side may "
                          "approve."))
    _lock_point(requisition.to_warehouse.service_point_id)
    locked = _locked_requisition(requisition)
    _require_status(locked, Requisition.Status.PENDING)
    _check_deposit(to_warehouse=locked.to_warehouse, amount=locked.amount)
    locked.status = Requisition.Status.APPROVED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    return locked


@transaction.atomic
def reject_requisition(*, actor: User, requisition: Requisition, reason: str = "") -> Requisition:
    if not _can_approve(actor, requisition):
        raise Forbidden(_("Only a warehouse keeper or manager of the sending side may "
                          "reject."))
    locked = _locked_requisition(requisition)
    _require_status(locked, Requisition.Status.PENDING, Requisition.Status.APPROVED)
    locked.status = Requisition.Status.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.reject_reason = (reason or "").strip()[:200]
    locked.save(update_fields=["status", "decided_at", "decided_by", "reject_reason"])
    return locked


@transaction.atomic
def ship_requisition(*, actor: User, requisition: Requisition) -> Requisition:
    """Stock leaves the sending store (on hand down, ledger rows) and is in transit to the
    receiving one. The credit limit is checked again: stock may have grown since."""
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=requisition.from_warehouse.service_point_id)
    _lock_point(requisition.to_warehouse.service_point_id)
    locked = _locked_requisition(requisition)
    _require_status(locked, Requisition.Status.APPROVED)
    _check_deposit(to_warehouse=locked.to_warehouse, amount=locked.amount)
    for line in locked.lines.select_related("part").order_by("part_id"):
        if not _take(warehouse=locked.from_warehouse, part=line.part, qty=line.qty):
            raise _insufficient(line.part, locked.from_warehouse)
        _move(warehouse=locked.from_warehouse, part=line.part,
              kind=StockMove.Kind.TRANSFER_OUT, qty=-line.qty, actor=actor,
              requisition=locked, reference=locked.number)
        level_id = _ensure_level(warehouse=locked.to_warehouse, part=line.part)
        StockLevel.objects.filter(pk=level_id).update(in_transit=F("in_transit") + line.qty)
    locked.status = Requisition.Status.SHIPPED
    locked.shipped_at = timezone.now()
    locked.save(update_fields=["status", "shipped_at"])
    return locked


@transaction.atomic
def receive_requisition(*, actor: User, requisition: Requisition) -> Requisition:
    """Stock arrives: in transit down, on hand up, ledger rows at the receiving store."""
    require_role(actor, *ISSUERS)
    check_point(actor=actor, service_point_id=requisition.to_warehouse.service_point_id)
    locked = _locked_requisition(requisition)
    _require_status(locked, Requisition.Status.SHIPPED)
    for line in locked.lines.select_related("part").order_by("part_id"):
        moved = StockLevel.objects.filter(
            warehouse=locked.to_warehouse, part=line.part, in_transit__gte=line.qty).update(
            in_transit=F("in_transit") - line.qty, on_hand=F("on_hand") + line.qty)
        if moved != 1:  # cannot happen unless someone edited levels by hand
            raise Conflict(InventoryCode.IN_TRANSIT_MISMATCH,
                           _("The goods in transit do not match."))
        _move(warehouse=locked.to_warehouse, part=line.part, kind=StockMove.Kind.TRANSFER_IN,
              qty=line.qty, actor=actor, requisition=locked, reference=locked.number)
    locked.status = Requisition.Status.RECEIVED
    locked.received_at = timezone.now()
    locked.save(update_fields=["status", "received_at"])
    return locked
