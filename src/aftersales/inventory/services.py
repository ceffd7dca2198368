"""Every stock write. Each movement is an append-only StockMove and the StockLevel balance
changes in the same transaction by a conditional UPDATE, so a balance never goes below
zero under any concurrency (the CHECK constraint is the last line of defence)."""
from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import Part
from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.numbering import next_number
from aftersales.core.scoping import check_point, require_role, scope
from aftersales.core.validation import clean_imei, clean_required
from aftersales.devices.models import Device
from aftersales.network.models import NetworkPolicy, ServicePoint, User

from .models import (
    FaultyPartReturn,
    Requisition,
    RequisitionLine,
    RequisitionPolicy,
    ReturnedUnit,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMove,
    Warehouse,
)

KEEPERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.WAREHOUSE)
ISSUERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.WAREHOUSE, User.Role.ENGINEER)
MAX_QTY = 100_000
# Ticket kinds whose issued part replaces a faulty one that goes back to HQ.
FAULTY_PART_KINDS = {"repair", "maintenance", "exchange", "return"}


# -- input checks ---------------------------------------------------------------------

def _require(actor: User | None, roles) -> None:
    """actor None is the system itself (e.g. a workflow step without a user)."""
    if actor is not None:
        require_role(actor, *roles)


def clean_qty(qty, *, field: str = "qty") -> int:
    if isinstance(qty, bool) or not isinstance(qty, int):
        raise ValidationFailed(_("The quantity must be a whole number."), field=field)
    if not 1 <= qty <= MAX_QTY:
        raise ValidationFailed(_("The quantity must be between 1 and %(n)d.") % {"n": MAX_QTY},
                               field=field)
    return qty


def resolve_part(sku, *, field: str = "sku") -> Part:
    if isinstance(sku, Part):
        return sku
    found = Part.objects.filter(sku=(sku or "").strip()).first() if isinstance(sku, str) else None
    if found is None:
        raise ValidationFailed(_("Unknown part."), field=field, code="unknown_part")
    return found


def resolve_warehouse(warehouse, *, actor: User | None, field: str = "warehouse",
                      scoped: bool = True) -> Warehouse:
    """A warehouse by instance, id or code that the actor may use; anything else reads as
    unknown (another point's warehouse included, unless scoped=False: e.g. the HQ store a
    point asks parts from)."""
    qs = Warehouse.objects.select_related("service_point")
    if scoped:
        qs = scope(qs, actor=actor)
    if isinstance(warehouse, Warehouse):
        found = qs.filter(pk=warehouse.pk).first()
    elif isinstance(warehouse, int) and not isinstance(warehouse, bool):
        found = qs.filter(pk=warehouse).first()
    elif isinstance(warehouse, str) and warehouse.strip():
        found = qs.filter(code=warehouse.strip()).first()
    else:
        found = None
    if found is None:
        raise ValidationFailed(_("Unknown warehouse."), field=field, code="unknown_warehouse")
    if not found.active:
        raise ValidationFailed(_("The warehouse is closed."), field=field,
                               code="warehouse_inactive")
    return found


def hq_warehouse() -> Warehouse | None:
    """The central store: the first active non-van warehouse of an HQ service point."""
    return (Warehouse.objects.filter(service_point__kind=ServicePoint.Kind.HQ, active=True,
                                     engineer__isnull=True).order_by("code").first())


# -- the ledger primitives (callers hold a transaction) ---------------------------------

def _ensure_level(*, warehouse: Warehouse, part: Part) -> int:
    """The level row's id, created if missing (safe against a concurrent creator)."""
    found = StockLevel.objects.filter(warehouse=warehouse, part=part).values_list(
        "pk", flat=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return StockLevel.objects.create(warehouse=warehouse, part=part).pk
    except IntegrityError:  # created by a concurrent caller: it exists now
        return StockLevel.objects.get(warehouse=warehouse, part=part).pk


def _take(*, warehouse: Warehouse, part: Part, qty: int) -> bool:
    """Decrease on-hand by qty if (and only if) that much is there. The condition and the
    write are one statement, so concurrent takers can never drive it below zero."""
    return StockLevel.objects.filter(warehouse=warehouse, part=part, on_hand__gte=qty).update(
        on_hand=F("on_hand") - qty) == 1


def _put(*, warehouse: Warehouse, part: Part, qty: int) -> None:
    level_id = _ensure_level(warehouse=warehouse, part=part)
    StockLevel.objects.filter(pk=level_id).update(on_hand=F("on_hand") + qty)


def _move(*, warehouse: Warehouse, part: Part, kind: str, qty: int, actor: User | None,
          unit_cost: Decimal | None = None, ticket=None, requisition=None,
          reference: str = "", note: str = "") -> StockMove:
    return StockMove.objects.create(
        warehouse=warehouse, part=part, kind=kind, qty=qty,
        unit_cost=to_money(part.cost if unit_cost is None else unit_cost),
        ticket=ticket, requisition=requisition, reference=reference[:60], note=note[:200],
        created_by=actor)


def _insufficient(part: Part, warehouse: Warehouse | None = None) -> Conflict:
    if warehouse is None:
        message = _("Not enough %(sku)s in stock.") % {"sku": part.sku}
    else:
        message = _("Not enough %(sku)s in %(wh)s.") % {"sku": part.sku, "wh": warehouse.code}
    return Conflict("insufficient_stock", message, field="qty")


# -- warehouses -----------------------------------------------------------------------

@transaction.atomic
def create_warehouse(*, actor: User, code: str, name: str, service_point: ServicePoint,
                     engineer: User | None = None) -> Warehouse:
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=service_point.pk)
    code = (code or "").strip()
    name = (name or "").strip()
    if not code:
        raise ValidationFailed(_("This field is required."), field="code", code="required")
    if not name:
        raise ValidationFailed(_("This field is required."), field="name", code="required")
    if engineer is not None and engineer.service_point_id not in (None, service_point.pk):
        raise ValidationFailed(_("The engineer works at another service point."),
                               field="engineer")
    if Warehouse.objects.filter(code=code).exists():
        raise Conflict("duplicate_code", _("A warehouse with this code exists."), field="code")
    try:
        with transaction.atomic():
            return Warehouse.objects.create(code=code, name=name, service_point=service_point,
                                            engineer=engineer)
    except IntegrityError:
        raise Conflict("duplicate_code", _("A warehouse with this code exists."),
                       field="code") from None


# -- receipts, adjustments, transfers, counts -------------------------------------------

@transaction.atomic
def receive_stock(*, actor: User, warehouse: Warehouse, part: Part, qty: int,
                  unit_cost: Decimal | None = None, reference: str = "",
                  note: str = "") -> StockMove:
    """Goods in (from a supplier or the factory). The purchase price is recorded on the
    move; valuation stays at the part's cost."""
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id)
    qty = clean_qty(qty)
    if unit_cost is not None and to_money(unit_cost) < 0:
        raise ValidationFailed(_("The unit cost must not be negative."), field="unit_cost")
    _put(warehouse=warehouse, part=part, qty=qty)
    return _move(warehouse=warehouse, part=part, kind=StockMove.Kind.RECEIPT, qty=qty,
                 actor=actor, unit_cost=unit_cost, reference=reference, note=note)


@transaction.atomic
def adjust_stock(*, actor: User, warehouse: Warehouse, part: Part, qty: int,
                 note: str) -> StockMove:
    """A signed correction (damage, loss, found) booked by a warehouse keeper."""
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id)
    if isinstance(qty, bool) or not isinstance(qty, int) or qty == 0 or abs(qty) > MAX_QTY:
        raise ValidationFailed(_("The adjustment must be a non-zero whole number."),
                               field="qty")
    if not (note or "").strip():
        raise ValidationFailed(_("Say why stock is adjusted."), field="note", code="required")
    if qty > 0:
        _put(warehouse=warehouse, part=part, qty=qty)
    elif not _take(warehouse=warehouse, part=part, qty=-qty):
        raise _insufficient(part, warehouse)
    return _move(warehouse=warehouse, part=part, kind=StockMove.Kind.ADJUSTMENT, qty=qty,
                 actor=actor, note=note.strip())


@transaction.atomic
def transfer_stock(*, actor: User, from_warehouse: Warehouse, to_warehouse: Warehouse,
                   part: Part, qty: int, note: str = "") -> tuple[StockMove, StockMove]:
    """A direct move between two stores (e.g. a point's store and an engineer's van)."""
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=from_warehouse.service_point_id)
    check_point(actor=actor, service_point_id=to_warehouse.service_point_id)
    qty = clean_qty(qty)
    if from_warehouse.pk == to_warehouse.pk:
        raise ValidationFailed(_("Choose two different warehouses."), field="to_warehouse")
    if not _take(warehouse=from_warehouse, part=part, qty=qty):
        raise _insufficient(part, from_warehouse)
    _put(warehouse=to_warehouse, part=part, qty=qty)
    out = _move(warehouse=from_warehouse, part=part, kind=StockMove.Kind.TRANSFER_OUT,
                qty=-qty, actor=actor, reference=to_warehouse.code, note=note)
    into = _move(warehouse=to_warehouse, part=part, kind=StockMove.Kind.TRANSFER_IN, qty=qty,
                 actor=actor, reference=from_warehouse.code, note=note)
    return out, into


@transaction.atomic
def count_stock(*, actor: User, warehouse: Warehouse, lines: list[dict],
                note: str = "") -> StockCount:
    """A physical count: each line {"part": Part, "counted": int}; the variance against the
    balance at this moment (row locked) is booked as a count move."""
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id)
    if not lines:
        raise ValidationFailed(_("Count at least one part."), field="lines")
    seen = set()
    for i, line in enumerate(lines):
        counted = line["counted"]
        if isinstance(counted, bool) or not isinstance(counted, int) or not 0 <= counted <= MAX_QTY:
            raise ValidationFailed(_("The counted quantity must be 0 or more."),
                                   field=f"lines.{i}.counted")
        if line["part"].pk in seen:
            raise ValidationFailed(_("A part is listed twice."), field=f"lines.{i}.sku")
        seen.add(line["part"].pk)
    count = StockCount.objects.create(warehouse=warehouse, counted_by=actor,
                                      note=(note or "")[:200])
    for line in sorted(lines, key=lambda x: x["part"].pk):  # lock order: no deadlocks
        part, counted = line["part"], line["counted"]
        level_id = _ensure_level(warehouse=warehouse, part=part)
        level = StockLevel.objects.select_for_update().get(pk=level_id)
        variance = counted - level.on_hand
        StockCountLine.objects.create(count=count, part=part, expected=level.on_hand,
                                      counted=counted, variance=variance)
        if variance:
            StockLevel.objects.filter(pk=level_id).update(on_hand=F("on_hand") + variance)
            _move(warehouse=warehouse, part=part, kind=StockMove.Kind.COUNT, qty=variance,
                  actor=actor, reference=f"count {count.pk}", note=note)
    return count


@transaction.atomic
def set_reorder_levels(*, actor: User, warehouse: Warehouse, part: Part, reorder_point: int,
                       reorder_qty: int, bin: str | None = None) -> StockLevel:
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id)
    for field, value in (("reorder_point", reorder_point), ("reorder_qty", reorder_qty)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QTY:
            raise ValidationFailed(_("Must be 0 or more."), field=field)
    level_id = _ensure_level(warehouse=warehouse, part=part)
    fields = {"reorder_point": reorder_point, "reorder_qty": reorder_qty}
    if bin is not None:
        fields["bin"] = bin.strip()[:30]
    StockLevel.objects.filter(pk=level_id).update(**fields)
    return StockLevel.objects.select_related("warehouse", "part").get(pk=level_id)


# -- parts on tickets (the contract with the tickets app) --------------------------------

def _ticket_warehouses(ticket) -> list[Warehouse]:
    """The engineer's own (van) stores first, then the ticket's service point's stores."""
    found: list[Warehouse] = []
    if ticket.engineer_id:
        found += list(Warehouse.objects.filter(engineer_id=ticket.engineer_id, active=True)
                      .select_related("service_point").order_by("code"))
    if ticket.service_point_id:
        found += list(Warehouse.objects.filter(service_point_id=ticket.service_point_id,
                                               engineer__isnull=True, active=True)
                      .select_related("service_point").order_by("code"))
    return found


@transaction.atomic
def issue_to_ticket(*, actor: User, ticket, sku: str, qty: int, warehouse=None) -> StockMove:
    """Issue parts to a ticket from the given warehouse (instance, id or code), else from
    the engineer's own store, else from the ticket's service point's store: the first of
    these that holds enough. The faulty part taken out is registered to go back to HQ."""
    _require(actor, ISSUERS)
    part = resolve_part(sku)
    qty = clean_qty(qty)
    if warehouse is not None:
        candidates = [resolve_warehouse(warehouse, actor=actor)]
    else:
        candidates = _ticket_warehouses(ticket)
        if not candidates:
            raise ValidationFailed(_("There is no warehouse to issue from."), field="warehouse",
                                   code="no_warehouse")
    source = next((wh for wh in candidates if _take(warehouse=wh, part=part, qty=qty)), None)
    if source is None:
        raise _insufficient(part, candidates[0] if len(candidates) == 1 else None)
    move = _move(warehouse=source, part=part, kind=StockMove.Kind.ISSUE, qty=-qty, actor=actor,
                 ticket=ticket, reference=ticket.number)
    if ticket.kind in FAULTY_PART_KINDS:
        FaultyPartReturn.objects.create(
            ticket=ticket, part=part, qty=qty, fault_code_id=ticket.fault_code_id,
            issue_move=move, from_warehouse=source, to_warehouse=hq_warehouse())
    return move


@transaction.atomic
def return_ticket_parts(*, actor: User, ticket) -> list[StockMove]:
    """On cancel or reopen: parts issued to the ticket and not yet returned go back to the
    warehouse they came from. Parts issued before the ticket was resolved were fitted, so a
    resolved ticket keeps them (call this before resolved_at is cleared)."""
    type(ticket).objects.select_for_update().filter(pk=ticket.pk).first()
    moves = StockMove.objects.filter(ticket=ticket, kind__in=[StockMove.Kind.ISSUE,
                                                               StockMove.Kind.RETURN])
    if ticket.resolved_at is not None:
        fitted = StockMove.objects.filter(ticket=ticket, kind=StockMove.Kind.ISSUE,
                                          created_at__lte=ticket.resolved_at)
        moves = moves.exclude(pk__in=fitted.values("pk"))
    open_lines = (moves.values("warehouse_id", "part_id").annotate(net=Sum("qty"))
                  .filter(net__lt=0).order_by("warehouse_id", "part_id"))
    returned = []
    for row in open_lines:
        warehouse = Warehouse.objects.get(pk=row["warehouse_id"])
        part = Part.objects.get(pk=row["part_id"])
        qty = -row["net"]
        _put(warehouse=warehouse, part=part, qty=qty)
        returned.append(_move(warehouse=warehouse, part=part, kind=StockMove.Kind.RETURN,
                              qty=qty, actor=actor, ticket=ticket, reference=ticket.number))
        pending = list(FaultyPartReturn.objects.filter(
            ticket=ticket, part=part, from_warehouse=warehouse,
            status=FaultyPartReturn.Status.PENDING).order_by("-id"))
        left = qty
        for faulty in pending:  # the part was not fitted: nothing faulty comes out
            if left <= 0:
                break
            faulty.status = FaultyPartReturn.Status.CANCELLED
            faulty.save(update_fields=["status"])
            left -= faulty.qty
    return returned


# -- faulty parts back to HQ -------------------------------------------------------------

@transaction.atomic
def ship_faulty_part(*, actor: User, faulty: FaultyPartReturn) -> FaultyPartReturn:
    require_role(actor, *ISSUERS)
    check_point(actor=actor, service_point_id=faulty.from_warehouse.service_point_id)
    locked = FaultyPartReturn.objects.select_for_update().get(pk=faulty.pk)
    if locked.status != FaultyPartReturn.Status.PENDING:
        raise Conflict("invalid_transition", _("This faulty part was already sent."))
    if locked.to_warehouse_id is None:
        locked.to_warehouse = hq_warehouse()
        if locked.to_warehouse is None:
            raise Conflict("no_hq_warehouse", _("HQ has no warehouse to receive it."))
    if locked.fault_code_id is None and locked.ticket.fault_code_id is not None:
        locked.fault_code_id = locked.ticket.fault_code_id
    locked.status = FaultyPartReturn.Status.SHIPPED
    locked.shipped_at = timezone.now()
    locked.save(update_fields=["status", "shipped_at", "to_warehouse", "fault_code"])
    return locked


@transaction.atomic
def receive_faulty_part(*, actor: User, faulty: FaultyPartReturn,
                        analysis: str = "") -> FaultyPartReturn:
    require_role(actor, *KEEPERS)
    locked = FaultyPartReturn.objects.select_for_update().get(pk=faulty.pk)
    check_point(actor=actor, service_point_id=locked.to_warehouse.service_point_id
                if locked.to_warehouse_id else None)
    if locked.status != FaultyPartReturn.Status.SHIPPED:
        raise Conflict("invalid_transition", _("This faulty part is not on its way."))
    locked.status = FaultyPartReturn.Status.RECEIVED
    locked.received_at = timezone.now()
    locked.received_by = actor
    locked.analysis = (analysis or "").strip()[:500]
    locked.save(update_fields=["status", "received_at", "received_by", "analysis"])
    return locked


# -- requisitions ---------------------------------------------------------------------

def _check_deposit(*, to_warehouse: Warehouse, amount: Decimal) -> None:
    """The receiving point may hold parts (on hand + in transit, at cost) up to its
    deposit × leverage. HQ itself has no limit. Callers hold the point's row lock."""
    from aftersales.network.selectors import credit_limit, deposit_total

    from .selectors import stock_value_of_point

    point = to_warehouse.service_point
    if point.kind == ServicePoint.Kind.HQ:
        return
    limit = credit_limit(deposit=deposit_total(service_point_id=point.pk),
                         policy=NetworkPolicy.current())
    held = stock_value_of_point(service_point_id=point.pk)
    if held + amount > limit:
        raise Conflict("deposit_exceeded",
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
        raise Conflict("invalid_transition",
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
            raise Conflict("in_transit_mismatch", _("The goods in transit do not match."))
        _move(warehouse=locked.to_warehouse, part=line.part, kind=StockMove.Kind.TRANSFER_IN,
              qty=line.qty, actor=actor, requisition=locked, reference=locked.number)
    locked.status = Requisition.Status.RECEIVED
    locked.received_at = timezone.now()
    locked.save(update_fields=["status", "received_at"])
    return locked


# -- returned units: DOA, returns, exchanges, refurbishment -----------------------------

RETURN_TRANSITIONS = {
    ReturnedUnit.Status.RECEIVED: {ReturnedUnit.Status.TESTED},
    ReturnedUnit.Status.TESTED: {ReturnedUnit.Status.REFURBISHED,
                                 ReturnedUnit.Status.FACTORY_REPAIR,
                                 ReturnedUnit.Status.SCRAPPED},
    ReturnedUnit.Status.FACTORY_REPAIR: {ReturnedUnit.Status.REFURBISHED,
                                         ReturnedUnit.Status.SCRAPPED},
    ReturnedUnit.Status.REFURBISHED: set(),
    ReturnedUnit.Status.SCRAPPED: set(),
}


@transaction.atomic
def receive_returned_unit(*, actor: User, device: Device, warehouse: Warehouse, reason: str,
                          ticket=None, condition: str = "") -> ReturnedUnit:
    require_role(actor, *ISSUERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id)
    if reason not in ReturnedUnit.Reason.values:
        raise ValidationFailed(_("Unknown reason."), field="reason")
    open_states = [ReturnedUnit.Status.RECEIVED, ReturnedUnit.Status.TESTED,
                   ReturnedUnit.Status.FACTORY_REPAIR]
    Device.objects.select_for_update().filter(pk=device.pk).first()
    if ReturnedUnit.objects.filter(device=device, status__in=open_states).exists():
        raise Conflict("already_returned", _("This unit is already being handled."),
                       field="serial")
    return ReturnedUnit.objects.create(device=device, warehouse=warehouse, reason=reason,
                                       ticket=ticket, condition=(condition or "")[:200],
                                       created_by=actor)


def _advance(*, actor: User, unit: ReturnedUnit, to: str, **fields) -> ReturnedUnit:
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=unit.warehouse.service_point_id)
    locked = ReturnedUnit.objects.select_for_update().get(pk=unit.pk)
    if to not in RETURN_TRANSITIONS[locked.status]:
        raise Conflict("invalid_transition",
                       _("Not possible while the unit is %(status)s.")
                       % {"status": locked.get_status_display()})
    locked.status = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *fields])
    return locked


@transaction.atomic
def record_returned_unit_test(*, actor: User, unit: ReturnedUnit, passed: bool,
                       findings: str = "") -> ReturnedUnit:
    return _advance(actor=actor, unit=unit, to=ReturnedUnit.Status.TESTED, test_passed=passed,
                    findings=(findings or "").strip()[:500])


@transaction.atomic
def refurbish_returned_unit(*, actor: User, unit: ReturnedUnit, note: str = "") -> ReturnedUnit:
    return _advance(actor=actor, unit=unit, to=ReturnedUnit.Status.REFURBISHED,
                    note=(note or "")[:200])


@transaction.atomic
def send_returned_unit_to_factory(*, actor: User, unit: ReturnedUnit,
                                  note: str = "") -> ReturnedUnit:
    return _advance(actor=actor, unit=unit, to=ReturnedUnit.Status.FACTORY_REPAIR,
                    note=(note or "")[:200])


@transaction.atomic
def scrap_returned_unit(*, actor: User, unit: ReturnedUnit, note: str = "") -> ReturnedUnit:
    return _advance(actor=actor, unit=unit, to=ReturnedUnit.Status.SCRAPPED,
                    note=(note or "")[:200])


@transaction.atomic
def replace_device(*, actor: User, original: Device, serial: str, imei: str | None = None,
                   returned_unit: ReturnedUnit | None = None) -> Device:
    """The replacement unit (换机) for a customer's device: the same model, linked to the
    original, and it takes over the original's warranty — it carries the original's
    purchase date, invoice and warranty card, so the warranty engine counts from the
    original purchase."""
    require_role(actor, *ISSUERS)
    serial = clean_required(serial, field="serial", max_length=40).upper()
    imei = clean_imei(imei) if imei else None
    Device.objects.select_for_update().filter(pk=original.pk).first()
    if Device.objects.filter(replaces=original).exists():
        raise Conflict("already_replaced", _("This unit has already been replaced."),
                       field="original")
    if returned_unit is not None and returned_unit.device_id != original.pk:
        raise ValidationFailed(_("The returned unit is another device."),
                               field="returned_unit")
    if Device.objects.filter(serial=serial).exists():
        raise Conflict("duplicate_serial", _("A device with this serial exists."),
                       field="serial")
    if imei and Device.objects.filter(imei=imei).exists():
        raise Conflict("duplicate_imei", _("A device with this IMEI exists."), field="imei")
    try:
        with transaction.atomic():
            device = Device.objects.create(
                serial=serial, imei=imei, model=original.model, customer=original.customer,
                purchase_date=original.purchase_date, invoice_no=original.invoice_no,
                warranty_card_no=original.warranty_card_no, dealer=original.dealer,
                replaces=original)
    except IntegrityError:
        raise Conflict("duplicate_serial", _("A device with this serial or IMEI exists."),
                       field="serial") from None
    if returned_unit is not None:
        ReturnedUnit.objects.filter(pk=returned_unit.pk).update(replacement=device)
    return device
