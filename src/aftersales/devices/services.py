from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.core.bulk import insert_many_with_history
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.core.search import exact_lookups
from aftersales.core.validation import clean_imei, clean_required
from aftersales.customers.models import Customer
from aftersales.network.models import Dealer, User
from aftersales.network.routing import dealer_return_outcome

from . import selectors, warranty
from .errors import DeviceCode
from .models import DealerReturn, Device, RepairRecord, UnitExchange, WarrantyExtension

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


def clean_unit(*, serial: str, imei: str | None = None, purchase_date: date | None = None,
               manufactured_on: date | None = None) -> dict:
    """The checks of `register_device` on one unit's own fields (no database): the cleaned
    serial and IMEI, or ValidationFailed naming the field. Used by the bulk import."""
    serial = clean_required(serial, field="serial", max_length=40).upper()
    imei = clean_imei(imei) if imei else None
    if purchase_date and manufactured_on and purchase_date < manufactured_on:
        raise ValidationFailed(_("The purchase date is before the manufacture date."),
                               field="purchase_date")
    return {"serial": serial, "imei": imei}


IDENTIFIER_CHUNK = 2000
BULK_BATCH = 1000  # rows per INSERT (SQLite splits further by its bound-value limit)


def existing_identifiers(*, serials: list[str], imeis: list[str]) -> tuple[set, set]:
    """Which of these serials and IMEIs are already registered (a few chunked queries,
    answered by the unique b-tree indexes: `core.search.exact_lookups`)."""
    found_serials, found_imeis = set(), set()
    with exact_lookups():
        for start in range(0, len(serials), IDENTIFIER_CHUNK):
            found_serials |= set(Device.objects.filter(
                serial__in=serials[start:start + IDENTIFIER_CHUNK]).values_list("serial",
                                                                                flat=True))
        for start in range(0, len(imeis), IDENTIFIER_CHUNK):
            found_imeis |= set(Device.objects.filter(
                imei__in=imeis[start:start + IDENTIFIER_CHUNK]).values_list("imei", flat=True))
    return found_serials, found_imeis


@transaction.atomic
def register_devices(*, actor: User, units: list[dict], checked: bool = False) -> int:
    """Many units at once (the Excel import): each dict has register_device's arguments.
    Every unit is checked as register_device checks it; one bad unit refuses them all
    (ValidationFailed/Conflict naming `units.<index>.<field>`). Returns how many.

    `checked=True`: the caller has already run `clean_unit` on every unit and
    `existing_identifiers` on all of them (the import does, to report each bad row), so
    neither runs twice; the unique constraints still refuse a unit registered meanwhile."""
    require_role(actor, *EDITORS)
    rows, seen_serials, seen_imeis = [], set(), set()
    for index, unit in enumerate(units):
        if checked:
            cleaned = {"serial": unit["serial"], "imei": unit.get("imei")}
        else:
            try:
                cleaned = clean_unit(serial=unit["serial"], imei=unit.get("imei"),
                                     purchase_date=unit.get("purchase_date"),
                                     manufactured_on=unit.get("manufactured_on"))
            except ValidationFailed as exc:
                raise ValidationFailed(exc.message, field=f"units.{index}.{exc.field}") from None
        if cleaned["serial"] in seen_serials or (cleaned["imei"]
                                                 and cleaned["imei"] in seen_imeis):
            raise Conflict(DeviceCode.DUPLICATE_SERIAL, _("A device with this serial or IMEI exists."),
                           field=f"units.{index}.serial")
        seen_serials.add(cleaned["serial"])
        if cleaned["imei"]:
            seen_imeis.add(cleaned["imei"])
        rows.append(Device(
            serial=cleaned["serial"], imei=cleaned["imei"], model=unit["model"],
            customer=unit["customer"], purchase_date=unit.get("purchase_date"),
            invoice_no=unit.get("invoice_no") or "",
            warranty_card_no=unit.get("warranty_card_no") or "",
            manufactured_on=unit.get("manufactured_on"), dealer=unit.get("dealer") or "",
            sold_by=unit.get("sold_by")))
    if not checked:
        taken_serials, taken_imeis = existing_identifiers(serials=sorted(seen_serials),
                                                          imeis=sorted(seen_imeis))
        if taken_serials or taken_imeis:
            raise Conflict(DeviceCode.DUPLICATE_SERIAL,
                           _("A device with this serial or IMEI exists."), field="units")
    try:
        with transaction.atomic():
            insert_many_with_history(Device, rows, batch_size=BULK_BATCH)
    except IntegrityError:
        raise Conflict(DeviceCode.DUPLICATE_SERIAL, _("A device with this serial or IMEI exists."),
                       field="units") from None
    return len(rows)


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
