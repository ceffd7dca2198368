from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.core.validation import clean_imei, clean_required
from aftersales.customers.models import Customer
from aftersales.network.models import User

from .errors import DeviceCode
from .models import Device, RepairRecord

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
