"""On PostgreSQL the hotline's substring and "ends with" look-ups are answered from
pg_trgm indexes (the planner is asked with sequential scans discouraged)."""
import pytest
from django.db import connection

from aftersales.customers.selectors import customer_list
from aftersales.devices.selectors import device_list
from aftersales.tickets.selectors import tickets_by_number_part

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="pg_trgm indexes exist on PostgreSQL only")


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # GIN answers by bitmap scans
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_indexes_exist(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"customer_phone_trgm", "contact_phone_trgm", "customer_name_trgm",
            "device_serial_trgm", "device_imei_trgm", "ticket_number_trgm"} <= names


def test_phone_tail_serial_part_and_number_part_use_them(db, admin_user):
    from aftersales.customers.models import Contact, Customer

    # without the models' default ORDER BY id DESC: on an empty table the planner may walk
    # the primary key backwards instead; the question here is whether the index serves the
    # condition
    phone = plan(Customer.objects.filter(phone__endswith="2345").order_by().values("pk"))
    assert "customer_phone_trgm" in phone
    assert "contact_phone_trgm" in plan(
        Contact.objects.filter(phone__endswith="2345").order_by())
    assert "customer_name_trgm" in plan(
        Customer.objects.filter(name__icontains="恒通商贸").order_by())
    assert "customer_name_prefix" in plan(
        Customer.objects.filter(name__startswith="王").order_by())
    assert list(customer_list(actor=admin_user, q="2345")) == []
    assert "device_serial_trgm" in plan(
        device_list(actor=admin_user, q="B2C3").order_by().values("pk"))
    assert "ticket_number_trgm" in plan(
        tickets_by_number_part(actor=admin_user, q="1123-00").order_by().values("pk"))
