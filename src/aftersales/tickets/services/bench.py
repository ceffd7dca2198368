"""The unit and the repair: receive and ship back a send-in unit, diagnose (the warranty
decision), quote and the customer's answer, parts used."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.billing import refunds as billing_refunds
from aftersales.billing import services as billing
from aftersales.catalog.models import FaultCode
from aftersales.contracts.selectors import warranty_covers
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.devices import warranty
from aftersales.devices.evidence import parse_evidence
from aftersales.devices.models import Device
from aftersales.devices.selectors import warranty_decision
from aftersales.devices.services import exchange_unit
from aftersales.inventory import services as inventory
from aftersales.network.models import User

from .. import notifications
from ..errors import TicketError as E
from ..models import Custody, Ticket
from .flow import begin, finish
from .visits import settle_resolution

S = Ticket.Status


@transaction.atomic
def receive(*, actor: User | None, ticket: Ticket, condition: str = "",
            accessories: list[str] | None = None, location: str = "",
            version: int | None = None) -> Ticket:
    """A send-in unit arrives at the bench: it gets a unique custody label."""
    ticket, before = begin(actor=actor, ticket=ticket, action="receive", version=version)
    if len(condition or "") > 200:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 200}, field="condition")
    items = [str(a).strip() for a in (accessories or []) if str(a).strip()]
    now = timezone.now()
    fields = set()
    if ticket.status == S.NEW:
        ticket.status, ticket.responded_at = S.RESPONDED, ticket.responded_at or now
        fields.add("responded_at")
    custody = Custody.objects.create(
        ticket=ticket, received_at=now, received_by=actor, condition=condition or "",
        accessories=items, location=(location or "bench")[:60],
        label=next_number(prefix="CU", period=timezone.localdate(now).strftime("%Y%m%d"),
                          width=4))
    notifications.notify_send_in(ticket, "received")
    return finish(actor=actor, ticket=ticket, action="receive", from_status=before, now=now,
                  fields=fields, data={"label": custody.label, "condition": custody.condition,
                                      "accessories": items, "location": custody.location})


@transaction.atomic
def ship_back(*, actor: User | None, ticket: Ticket, carrier: str = "", tracking_no: str = "",
              version: int | None = None) -> Ticket:
    ticket, before = begin(actor=actor, ticket=ticket, action="ship_back", version=version)
    custody = Custody.objects.select_for_update().get(ticket=ticket)
    now = timezone.now()
    custody.state, custody.shipped_at = Custody.State.SHIPPED, now
    custody.carrier, custody.tracking_no = (carrier or "")[:40], (tracking_no or "")[:60]
    custody.location = "shipped"
    custody.save(update_fields=["state", "shipped_at", "carrier", "tracking_no", "location"])
    notifications.notify_send_in(ticket, "shipped_back")
    return finish(actor=actor, ticket=ticket, action="ship_back", from_status=before, now=now,
                  fields=set(), data={"label": custody.label, "carrier": custody.carrier,
                                      "tracking_no": custody.tracking_no})


@transaction.atomic
def diagnose(*, actor: User | None, ticket: Ticket, fault_code: FaultCode, findings: str = "",
             cause: str = "none", fault_kind: str = "performance", part=None,
             evidence: dict | None = None, fault_reproduced: bool | None = None,
             caused_by_repair: bool = False, version: int | None = None) -> Ticket:
    """Records the fault (reproduced or not: an exchange or return needs it confirmed) and
    takes the warranty decision (kept on the ticket). A fault the engineer attributes to
    our previous repair is free like the repair warranty."""
    ticket, before = begin(actor=actor, ticket=ticket, action="diagnose", version=version)
    if cause not in warranty.CAUSES:
        raise ValidationFailed(_("Unknown cause."), field="cause")
    if fault_kind not in ("performance", "appearance", "accessory"):
        raise ValidationFailed(_("Unknown fault kind."), field="fault_kind")
    if fault_kind == "accessory" and (part is None or not part.accessory_kind):
        raise ValidationFailed(_("An accessory fault names the accessory part."), field="part")
    if fault_reproduced is not None and not isinstance(fault_reproduced, bool):
        raise ValidationFailed(_("Must be true, false or absent."), field="fault_reproduced")
    if not isinstance(caused_by_repair, bool):
        raise ValidationFailed(_("Must be true or false."), field="caused_by_repair")
    now = timezone.now()
    ticket.fault_code, ticket.findings, ticket.cause = fault_code, findings or "", cause
    if ticket.device_id:
        device = Device.objects.select_related("model").get(pk=ticket.device_id)
        proof_obj = parse_evidence(evidence, base={
            "invoice": bool(device.invoice_no), "warranty_card": bool(device.warranty_card_no)})
        decision = warranty_decision(
            device=device, cause=cause, evidence=proof_obj, on=timezone.localdate(now),
            covers=warranty_covers(device_id=device.pk),
            fault=warranty.Fault(kind=fault_kind, part_sku=part.sku if part else None,
                                 accessory_kind=(part.accessory_kind or None) if part else None,
                                 code=fault_code.code, caused_by_repair=caused_by_repair))
        covered, basis = decision.covered, decision.basis
        options, reasons = list(decision.options), list(decision.reasons)
    else:
        covered, basis, options, reasons = False, "none", ["paid_repair"], ["no_device"]
    ticket.warranty_covered, ticket.warranty_basis = covered, basis
    ticket.warranty_options, ticket.warranty_reasons = options, reasons
    ticket.fault_reproduced = fault_reproduced
    return finish(actor=actor, ticket=ticket, action="diagnose", from_status=before, now=now,
                  fields={"fault_code", "findings", "cause", "warranty_covered",
                          "warranty_basis", "warranty_options", "warranty_reasons",
                          "fault_reproduced"},
                  data={"fault_code": fault_code.code, "cause": cause, "covered": covered,
                        "basis": basis, "options": options, "reasons": reasons,
                        "fault_reproduced": fault_reproduced,
                        "caused_by_repair": caused_by_repair})


def _start_repair(ticket: Ticket, now) -> set[str]:
    if ticket.repair_started_at is None:
        ticket.repair_started_at = now
        return {"repair_started_at"}
    return set()


@transaction.atomic
def quote(*, actor: User | None, ticket: Ticket, lines: list[dict] | None = None,
          transport: int = 0, version: int | None = None) -> Ticket:
    ticket, before = begin(actor=actor, ticket=ticket, action="quote", version=version)
    made = billing.quote_ticket(actor=actor, ticket=ticket, lines=lines, transport=transport)
    now = timezone.now()
    fields: set[str] = set()
    if made.needs_approval:
        ticket.status = S.AWAITING_APPROVAL
    else:
        ticket.status = S.IN_REPAIR
        fields |= _start_repair(ticket, now)
    return finish(actor=actor, ticket=ticket, action="quote", from_status=before, now=now,
                  fields=fields, data={"quote": made.pk, "total": f"{made.total:.2f}",
                                       "needs_approval": made.needs_approval})


@transaction.atomic
def approve_quote(*, actor: User | None, ticket: Ticket, version: int | None = None,
                  customer: dict | None = None) -> Ticket:
    """`customer` names the customer who answered on the portal (actor None) in the event."""
    ticket, before = begin(actor=actor, ticket=ticket, action="approve_quote",
                           version=version)
    made = billing.approve_quote(actor=actor, ticket=ticket)
    now = timezone.now()
    fields = _start_repair(ticket, now)
    data = {"quote": made.pk, "total": f"{made.total:.2f}"}
    if customer:
        data["customer"] = customer
    return finish(actor=actor, ticket=ticket, action="approve_quote", from_status=before,
                  now=now, fields=fields, data=data)


@transaction.atomic
def reject_quote(*, actor: User | None, ticket: Ticket, version: int | None = None,
                 reason: str = "", customer: dict | None = None) -> Ticket:
    """The customer declines: the job ends with only the agreed visit charges. `reason`
    and `customer` (who answered on the portal) are kept in the event."""
    ticket, before = begin(actor=actor, ticket=ticket, action="reject_quote",
                           version=version)
    made = billing.reject_quote(actor=actor, ticket=ticket)
    now = timezone.now()
    ticket.resolution = _("The customer declined the quote.")
    fields = settle_resolution(ticket, now) | {"resolution"}
    data = {"quote": made.pk, "reason": (reason or "")[:300]}
    if customer:
        data["customer"] = customer
    return finish(actor=actor, ticket=ticket, action="reject_quote", from_status=before,
                  now=now, fields=fields, data=data)


@transaction.atomic
def use_part(*, actor: User | None, ticket: Ticket, sku: str, qty: int, warehouse=None,
             version: int | None = None) -> Ticket:
    ticket, before = begin(actor=actor, ticket=ticket, action="use_part", version=version)
    billing.require_approved(ticket=ticket)
    move = inventory.issue_to_ticket(actor=actor, ticket=ticket, sku=sku, qty=qty,
                                     warehouse=warehouse)
    return finish(actor=actor, ticket=ticket, action="use_part", from_status=before,
                  now=timezone.now(), fields=set(),
                  data={"sku": sku, "qty": qty, "move": move.pk})



# -- issue 10: the test after the repair, no fault found, 三包 exchange and return ----------


@transaction.atomic
def test(*, actor: User | None, ticket: Ticket, passed: bool = True, note: str = "",
         version: int | None = None) -> Ticket:
    """The unit is tested after the repair (a stage of its own, before sign-off). A failed
    test is recorded and leaves the stage open."""
    ticket, before = begin(actor=actor, ticket=ticket, action="test", version=version)
    if not isinstance(passed, bool):
        raise ValidationFailed(_("Must be true or false."), field="passed")
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 200}, field="note")
    if not passed and not note:
        raise ValidationFailed(_("Say what failed."), field="note")
    now = timezone.now()
    ticket.tested_at = now if passed else None
    ticket.test_note = note
    return finish(actor=actor, ticket=ticket, action="test", from_status=before, now=now,
                  fields={"tested_at", "test_note"}, data={"passed": passed, "note": note})


test.__test__ = False  # a service, not a pytest test


@transaction.atomic
def no_fault_found(*, actor: User | None, ticket: Ticket, resolution: str = "",
                   version: int | None = None) -> Ticket:
    """The fault could not be reproduced: the job ends, nothing is exchanged or repaired,
    and a unit in our custody is sent back."""
    ticket, before = begin(actor=actor, ticket=ticket, action="no_fault_found",
                           version=version)
    if ticket.fault_reproduced:
        raise Conflict(E.FAULT_CONFIRMED, _("The fault was reproduced at diagnosis."))
    now = timezone.now()
    billing.require_approved(ticket=ticket)
    charge = billing.post_charges(actor=actor, ticket=ticket)
    ticket.no_fault_found = True
    ticket.resolution = resolution or _("No fault found; the unit is sent back.")
    fields = settle_resolution(ticket, now) | {"no_fault_found", "resolution"}
    in_custody = Custody.objects.filter(ticket=ticket).exists()
    if in_custody:
        notifications.notify_send_in(ticket, "repaired")
    return finish(actor=actor, ticket=ticket, action="no_fault_found", from_status=before,
                  now=now, fields=fields,
                  data={"resolution": ticket.resolution, "send_back": in_custody,
                        "charge": charge.pk if charge else None})


def _require_confirmed(ticket: Ticket, option: str) -> None:
    if not ticket.fault_reproduced:
        raise Conflict(E.FAULT_NOT_CONFIRMED, _("The fault must be reproduced at diagnosis "
                                                "first."))
    if option not in (ticket.warranty_options or []):
        raise Conflict(E.NOT_ENTITLED, _("The warranty decision does not offer this."))


@transaction.atomic
def exchange(*, actor: User | None, ticket: Ticket, new_serial: str = "",
             new_imei: str | None = None, accessory: str = "",
             version: int | None = None) -> Ticket:
    """换货 of only the faulty item (the handset, or the one accessory): the fault must have
    been reproduced and the warranty decision must offer the exchange."""
    ticket, before = begin(actor=actor, ticket=ticket, action="exchange", version=version)
    if ticket.device_id is None:
        raise Conflict(E.NO_DEVICE, _("The ticket has no unit."))
    _require_confirmed(ticket, "exchange")
    now = timezone.now()
    record = exchange_unit(actor=actor, device=Device.objects.get(pk=ticket.device_id),
                           on=timezone.localdate(now), new_serial=new_serial,
                           new_imei=new_imei, accessory_sku=(accessory or "").strip(),
                           reference=ticket.number)
    return finish(actor=actor, ticket=ticket, action="exchange", from_status=before, now=now,
                  fields=set(), data={
                      "exchange": record.pk, "accessory": record.item_sku,
                      "new_serial": record.new_device.serial if record.new_device else "",
                      "new_imei": (record.new_device.imei or "") if record.new_device else "",
                      "periods_from": record.exchanged_on.isoformat()})


@transaction.atomic
def return_unit(*, actor: User | None, ticket: Ticket, amount, method: str, note: str = "",
                version: int | None = None) -> Ticket:
    """退货: the fault reproduced, the decision offers the return; the invoice price is
    refunded as a refund entry in the ledger."""
    ticket, before = begin(actor=actor, ticket=ticket, action="return_unit", version=version)
    _require_confirmed(ticket, "return")
    refund = billing_refunds.refund_return(actor=actor, ticket=ticket, amount=amount,
                                           method=method, note=note)
    return finish(actor=actor, ticket=ticket, action="return_unit", from_status=before,
                  now=timezone.now(), fields=set(),
                  data={"refund": refund.pk, "amount": f"{refund.amount:.2f}",
                        "method": refund.method})
