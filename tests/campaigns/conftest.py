"""A small installed base built through the services: a sales owner, customers, units of
model X9 (12-month warranty) and contracts."""
from datetime import date
from decimal import Decimal

import pytest

from aftersales.billing.services import bill_contract
from aftersales.catalog.services import create_product_model
from aftersales.contracts.services import sign_contract
from aftersales.customers.services import create_customer, set_account_owner
from aftersales.devices.services import register_device
from aftersales.network.services import create_staff


@pytest.fixture
def boss(user_factory):
    return user_factory(username="fu_boss", role="manager", is_superuser=False)


@pytest.fixture
def seller(admin_user):
    return create_staff(actor=admin_user, username="seller", password="pass12345x",
                        name="销售小王", role="sales", service_point=None,
                        phone="13900000001")


@pytest.fixture
def x9(admin_user):
    return create_product_model(actor=admin_user, code="X9", name="X9 手机", category="手机",
                                warranty_months=12)


@pytest.fixture
def make_customer(boss):
    counter = iter(range(100))

    def make(name="客户", owner=None, actor=None):
        customer = create_customer(actor=boss, name=f"{name}{next(counter)}", kind="person",
                                   phone=f"1380000{next(counter):04d}", zone="city")
        if owner is not None:
            customer = set_account_owner(actor=actor or boss, customer=customer, owner=owner)
        return customer
    return make


@pytest.fixture
def make_unit(boss, x9):
    def make(serial, customer, purchased=date(2026, 1, 10), model=None):
        return register_device(actor=boss, serial=serial, model=model or x9, customer=customer,
                               purchase_date=purchased)
    return make


@pytest.fixture
def make_contract(boss):
    def make(customer, *, kind="annual", starts=date(2026, 1, 1), ends=date(2026, 12, 31),
             devices=(), visits=None, covers_visits=None):
        return sign_contract(actor=boss, customer=customer, kind=kind, starts_on=starts,
                             ends_on=ends, price=Decimal("1200.00"), devices=list(devices),
                             preventive_visits_per_year=visits, covers_visits=covers_visits,
                             bill=bill_contract)
    return make
