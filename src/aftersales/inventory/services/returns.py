"""Returned units (DOA, returns, exchanges), refurbishment and replacement units."""


from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_imei, clean_required
from aftersales.devices.models import Device
from aftersales.devices.services import register_device
from aftersales.network.models import User

from ..errors import InventoryCode
from ..models import (
    ReturnedUnit,
    Warehouse,
)
from .common import ISSUERS, KEEPERS

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
        raise Conflict(InventoryCode.ALREADY_RETURNED, _("This unit is already being handled."),
                       field="serial")
    return ReturnedUnit.objects.create(device=device, warehouse=warehouse, reason=reason,
                                       ticket=ticket, condition=(condition or "")[:200],
                                       created_by=actor)


def _advance(*, actor: User, unit: ReturnedUnit, to: str, **fields) -> ReturnedUnit:
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=unit.warehouse.service_point_id)
    locked = ReturnedUnit.objects.select_for_update().get(pk=unit.pk)
    if to not in RETURN_TRANSITIONS[locked.status]:
        raise Conflict(InventoryCode.INVALID_TRANSITION,
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
        raise Conflict(InventoryCode.ALREADY_REPLACED, _("This unit has already been replaced."),
                       field="original")
    if returned_unit is not None and returned_unit.device_id != original.pk:
        raise ValidationFailed(_("The returned unit is another device."),
                               field="returned_unit")
    # the warehouse's role was checked above: the unit is registered by the system
    device = register_device(
        actor=None, serial=serial, imei=imei, model=original.model, customer=original.customer,
        purchase_date=original.purchase_date, invoice_no=original.invoice_no,
        warranty_card_no=original.warranty_card_no, dealer=original.dealer, replaces=original)
    if returned_unit is not None:
        ReturnedUnit.objects.filter(pk=returned_unit.pk).update(replacement=device)
    return device
