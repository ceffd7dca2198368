from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.core.validation import clean_imei, clean_required
from aftersales.customers.models import Customer
from aftersales.network.models import User

from .models import Device, RepairRecord, WarrantyExtension

EDITORS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.AGENT, User.Role.ENGINEER)


@transaction.atomic
def register_device(*, actor: User, serial: str, model: ProductModel, customer: Customer,
                    imei: str | None = None, purchase_date: date | None = None,
                    invoice_no: str = "", warranty_card_no: str = "",
                    manufactured_on: date | None = None, dealer: str = "") -> Device:
    require_role(actor, *EDITORS)
    serial = clean_required(serial, field="serial", max_length=40).upper()
    imei = clean_imei(imei) if imei else None
    if purchase_date and manufactured_on and purchase_date < manufactured_on:
        raise ValidationFailed(_("The purchase date is before the manufacture date."),
                               field="purchase_date")
    if Device.objects.filter(serial=serial).exists():
        raise Conflict("duplicate_serial", _("A device with this serial exists."),
                       field="serial")
    if imei and Device.objects.filter(imei=imei).exists():
        raise Conflict("duplicate_imei", _("A device with this IMEI exists."), field="imei")
    try:
        with transaction.atomic():
            return Device.objects.create(
                serial=serial, imei=imei, model=model, customer=customer,
                purchase_date=purchase_date, invoice_no=invoice_no or "",
                warranty_card_no=warranty_card_no or "", manufactured_on=manufactured_on,
                dealer=dealer or "")
    except IntegrityError:
        raise Conflict("duplicate_serial", _("A device with this serial or IMEI exists."),
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
