"""Many new rows at once (core.bulk): COPY on PostgreSQL, bulk_create otherwise — the same
rows, primary keys and history records either way."""
from datetime import date

import pytest
from django.db import connection

from aftersales.core import bulk
from aftersales.devices.models import Device
from tests.factories import CustomerFactory, ProductModelFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "insert"])
def test_rows_keys_and_history_are_those_bulk_create_gives(copy, monkeypatch):
    if copy and connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    monkeypatch.setattr(bulk, "COPY_FROM", 1 if copy else 10 ** 9)
    customer, model = CustomerFactory(), ProductModelFactory(code="B1")
    units = [Device(serial=f"BULK{i:04d}", imei=None, model=model, customer=customer,
                    purchase_date=date(2026, 1, 1 + i), invoice_no=f"FP{i}",
                    dealer="京东\t自营\\" if i == 0 else "")
             for i in range(3)]
    made = bulk.insert_many_with_history(Device, units, batch_size=2)
    assert [u.pk for u in made] == sorted(u.pk for u in made) and None not in {u.pk for u in made}
    rows = list(Device.objects.filter(pk__in=[u.pk for u in made]).order_by("pk").values_list(
        "serial", "imei", "model_id", "customer_id", "purchase_date", "invoice_no", "dealer"))
    assert rows == [("BULK0000", None, model.pk, customer.pk, date(2026, 1, 1), "FP0",
                     "京东\t自营\\"),
                    ("BULK0001", None, model.pk, customer.pk, date(2026, 1, 2), "FP1", ""),
                    ("BULK0002", None, model.pk, customer.pk, date(2026, 1, 3), "FP2", "")]
    assert all(u.created_at is not None for u in Device.objects.filter(serial__startswith="BULK"))
    history = list(Device.history.filter(serial__startswith="BULK").order_by("id")
                   .values_list("id", "serial", "history_type"))
    assert history == [(u.pk, u.serial, "+") for u in made]
    # and the sequence goes on after the drawn ids: the next ordinary insert does not clash
    later = Device.objects.create(serial="BULK-NEXT", model=model, customer=customer)
    assert later.pk > max(u.pk for u in made)
