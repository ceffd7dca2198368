from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.core.validation import clean_imei, clean_required
from aftersales.customers.models import Customer
from aftersales.network.models import User

from . import selectors, warranty
from .errors import DeviceCode
from .models import Device, RepairRecord, UnitExchange, WarrantyExtension

EDITORS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.AGENT, User.Role.ENGINEER)


@transaction.atomic
def register_device(*, actor: User | None, serial: str, model: ProductModel,
                    customer: Customer, imei: str | None = None,
                    purchase_date: date | None = None, invoice_no: str = "",
                    warranty_card_no: str = "", manufactured_on: date | None = None,
                    dealer: str = "", replaces: Device | None = None) -> Device:
    """Register a unit to its owner. `actor=None` is the system acting for a higher
    service that has already decided who may do this (the warehouse issuing a
    replacement unit); staff calling directly must be editors. `replaces` links a
    replacement unit (换机) to the unit it replaces."""
    if actor is not None:
        require_role(actor, *EDITORS)
    serial = clean_required(serial, field="serial", max_length=40).upper()
    imei = clean_imei(imei) if imei else None
    if purchase_date and manufactured_on and purchase_date < manufactured_on:
        raise ValidationFailed(_("The purchase date is before the manufacture date."),
                               field="purchase_date")
    if Device.objects.filter(serial=serial).exists():
        raise Conflict(DeviceCode.DUPLICATE_SERIAL, _("A device with this serial exists."),
                       field="serial")
    if imei and Device.objects.filter(imei=imei).exists():
        raise Conflict(DeviceCode.DUPLICATE_IMEI, _("A device with this IMEI exists."),
                       field="imei")
    try:
        with transaction.atomic():
            return Device.objects.create(
                serial=serial, imei=imei, model=model, customer=customer,
                purchase_date=purchase_date, invoice_no=invoice_no or "",
                warranty_card_no=warranty_card_no or "", manufactured_on=manufactured_on,
                dealer=dealer or "", replaces=replaces)
    except IntegrityError:
        raise Conflict(DeviceCode.DUPLICATE_SERIAL, _("A device with this serial or IMEI exists."),
                       field="serial") from None


@transaction.atomic
def record_repair(*, device: Device, repaired_on: date, fault_code: str = "",
                  part_sku: str = "", reference: str = "") -> RepairRecord:
    """Called by the tickets app when a repair is resolved; feeds repeat-fault rules."""
    return RepairRecord.objects.create(device=device, repaired_on=repaired_on,
                                       fault_code=fault_code or "", part_sku=part_sku or "",
                                       reference=reference or "")


@transaction.atomic
def extend_warranty(*, actor: User | None, device: Device, days: int, reason: str,
                    reference: str = "") -> WarrantyExtension:
    """Add `days` to the unit's warranty (called by the tickets app for a late repair)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
        raise ValidationFailed(_("The extension is a whole number of days."), field="days")
    return WarrantyExtension.objects.create(device=device, days=days, reason=reason[:200],
                                            reference=(reference or "")[:40],
                                            created_by=actor)


@transaction.atomic
def exchange_unit(*, actor: User | None, device: Device, on: date, new_serial: str = "",
                  new_imei: str | None = None, accessory_sku: str = "",
                  reference: str = "") -> UnitExchange:
    """换货 of only the faulty item. The unit itself: a new unit for the same customer and
    model, its 三包 periods starting again on the exchange date (policy, on by default), the
    card recording the exchange date and the new IMEI; the old unit is kept, replaced.
    An accessory: recorded by its SKU, the unit stays as it is."""
    policy = selectors.policy_for(device)
    if accessory_sku:
        if new_serial or new_imei:
            raise ValidationFailed(_("An accessory exchange keeps the unit."),
                                   field="new_serial")
        return UnitExchange.objects.create(device=device, item_sku=accessory_sku[:40],
                                           exchanged_on=on, reference=reference[:40],
                                           periods_restart=policy.exchange_restarts_periods,
                                           created_by=actor)
    serial = clean_required(new_serial, field="new_serial", max_length=40).upper()
    imei = clean_imei(new_imei, field="new_imei") if new_imei else None
    if device.imei and not imei:
        raise ValidationFailed(_("The new unit's IMEI is required."), field="new_imei")
    if Device.objects.filter(serial=serial).exists():
        raise Conflict(DeviceCode.DUPLICATE_SERIAL, _("A device with this serial exists."),
                       field="new_serial")
    if imei and Device.objects.filter(imei=imei).exists():
        raise Conflict(DeviceCode.DUPLICATE_IMEI, _("A device with this IMEI exists."),
                       field="new_imei")
    start = warranty.exchange_start(exchanged_on=on, purchase_date=device.purchase_date,
                                    policy=policy)
    new = Device.objects.create(
        serial=serial, imei=imei, model_id=device.model_id, customer_id=device.customer_id,
        purchase_date=start, invoice_no=device.invoice_no,
        warranty_card_no=device.warranty_card_no, warranty_card_date=on,
        manufactured_on=None, dealer=device.dealer, replaces=device)
    return UnitExchange.objects.create(device=device, new_device=new, exchanged_on=on,
                                       reference=reference[:40],
                                       periods_restart=policy.exchange_restarts_periods,
                                       created_by=actor)
