"""PRODUCT.md "Exchange and return evidence": an exchange replaces only the faulty item;
after it the new unit's 三包 periods start again on the exchange date (a policy row, on by
default) and the card records the date and the new IMEI."""
from datetime import date

import pytest

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.devices.models import Device, UnitExchange, WarrantyPolicy
from aftersales.devices.selectors import warranty_ends
from aftersales.devices.services import exchange_unit

BOUGHT = date(2026, 3, 15)
EXCHANGED = date(2026, 3, 25)
NEW_IMEI = "356938035643809"


@pytest.fixture
def phone(device_factory, customer_factory, product_model_factory):
    return device_factory(serial="XY2603000001", imei="490154203237518",
                          customer=customer_factory(), dealer="石家庄通讯城",
                          model=product_model_factory(code="X9"), purchase_date=BOUGHT,
                          invoice_no="FP1", warranty_card_no="K1")


def test_the_new_unit_starts_its_periods_on_the_exchange_date(phone, manager):
    record = exchange_unit(actor=manager, device=phone, on=EXCHANGED, new_serial="xy2603000099",
                           new_imei=NEW_IMEI, reference="SR20260325-0001")
    new = record.new_device
    assert (new.serial, new.imei, new.purchase_date, new.warranty_card_date) == (
        "XY2603000099", NEW_IMEI, EXCHANGED, EXCHANGED)
    assert (new.customer_id, new.model_id, new.replaces_id, new.invoice_no) == (
        phone.customer_id, phone.model_id, phone.pk, "FP1")
    assert (record.item_sku, record.periods_restart, record.created_by) == ("", True, manager)
    assert warranty_ends(new) == date(2027, 3, 25)
    phone.refresh_from_db()
    assert (phone.serial, phone.purchase_date) == ("XY2603000001", BOUGHT)  # kept


def test_without_the_restart_the_periods_run_on(phone, manager):
    policy = WarrantyPolicy.current()
    policy.exchange_restarts_periods = False
    policy.save()
    record = exchange_unit(actor=manager, device=phone, on=EXCHANGED, new_serial="XY99",
                           new_imei=NEW_IMEI)
    assert (record.new_device.purchase_date, record.periods_restart) == (BOUGHT, False)
    assert record.new_device.warranty_card_date == EXCHANGED


def test_an_accessory_exchange_keeps_the_unit(phone, manager):
    record = exchange_unit(actor=manager, device=phone, on=EXCHANGED, accessory_sku="CHG-X9")
    assert (record.new_device, record.item_sku) == (None, "CHG-X9")
    assert Device.objects.count() == 1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"new_serial": ""}, "new_serial"),
    ({"new_serial": "XY99", "new_imei": "123"}, "new_imei"),
    ({"new_serial": "XY99"}, "new_imei"),  # a phone's new unit needs its IMEI
    ({"accessory_sku": "CHG-X9", "new_serial": "XY99"}, "new_serial"),
])
def test_bad_exchanges_change_nothing(phone, manager, kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        exchange_unit(actor=manager, device=phone, on=EXCHANGED, **kwargs)
    assert caught.value.field == field
    assert (Device.objects.count(), UnitExchange.objects.count()) == (1, 0)


def test_a_serial_in_use_is_refused(phone, manager, device_factory):
    device_factory(serial="XY77")
    with pytest.raises(Conflict):
        exchange_unit(actor=manager, device=phone, on=EXCHANGED, new_serial="XY77",
                      new_imei=NEW_IMEI)
    assert UnitExchange.objects.count() == 0
