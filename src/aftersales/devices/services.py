from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.core.validation import clean_imei, clean_required
from aftersales.customers.models import Customer
from aftersales.network.models import Dealer, User
from aftersales.network.routing import dealer_return_outcome

from .errors import DeviceCode
from .models import DealerReturn, Device, RepairRecord

EDITORS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.REGIONAL_MANAGER, User.Role.AGENT, User.Role.ENGINEER)


@transaction.atomic
def register_device(*, actor: User | None, serial: str, model: ProductModel,
                    customer: Customer, imei: str | None = None,
                    purchase_date: date | None = None, invoice_no: str = "",
                    warranty_card_no: str = "", manufactured_on: date | None = None,
                    dealer: str = "", replaces: Device | None = None,
                    sold_by: Dealer | None = None) -> Device:
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
                dealer=dealer or (sold_by.name if sold_by else ""), sold_by=sold_by,
                replaces=replaces)
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
def record_dealer_return(*, actor: User, device: Device, returned_on: date,
                         dealer: Dealer | None = None) -> DealerReturn:
    """A dealer returns a unit it sold: inside the dealer's DOA window (days after the
    purchase date) the outcome is a replacement, after it a repair. The window is the
    dealer's own, read when the return is recorded and kept on the record."""
    require_role(actor, *EDITORS)
    dealer = dealer or device.sold_by
    if dealer is None:
        raise ValidationFailed(_("The unit was not sold through a dealer on record."),
                               field="dealer")
    if device.sold_by_id is not None and device.sold_by_id != dealer.pk:
        raise ValidationFailed(_("The unit was sold by another dealer."), field="dealer")
    outcome = dealer_return_outcome(purchase_date=device.purchase_date,
                                    returned_on=returned_on, doa_days=dealer.doa_days)
    return DealerReturn.objects.create(device=device, dealer=dealer, returned_on=returned_on,
                                       doa_days=dealer.doa_days, outcome=outcome,
                                       created_by=actor)
