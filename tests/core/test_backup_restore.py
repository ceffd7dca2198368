"""Issue 11 "Durability": `aftersales backup` / `aftersales restore` bring back every
table exactly, timestamps to the microsecond (SQLite online backup; PostgreSQL
pg_dump/pg_restore)."""
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from aftersales.customers.models import Customer
from aftersales.tickets.models import Ticket
from tests.factories import CustomerFactory, UserFactory
from tests.tickets.factories import open_test_ticket

EXACT = datetime(2026, 11, 23, 1, 2, 3, 123457, tzinfo=UTC)


def snapshot() -> dict[str, list]:
    """Every table's rows, as the database gives them back."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = sorted(cursor.fetchall(), key=repr)
    return tables


@pytest.mark.django_db(transaction=True)
def test_a_backup_round_trip_brings_back_every_table_exactly(tmp_path):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the online backup needs a database file")
    # given: real records, one timestamp with exact microseconds
    agent = UserFactory(username="agent", role="agent")
    customer = CustomerFactory(name="王先生")
    ticket = open_test_ticket(actor=agent, customer=customer, summary="屏幕不亮")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=EXACT)
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 20
    # when: backed up, then changed
    call_command("backup", str(tmp_path / "aftersales.backup"))
    Customer.objects.filter(pk=customer.pk).update(name="改过的名字")
    CustomerFactory(name="备份后才有的客户", phone="13900000009")
    assert snapshot() != before
    # and restored
    call_command("restore", str(tmp_path / "aftersales.backup"), noinput=True)
    # then: every table as it was, to the microsecond
    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert Ticket.objects.get(pk=ticket.pk).created_at == EXACT
    # and the database keeps working (sequences restored too)
    CustomerFactory(name="恢复后新建", phone="13900000010")


@pytest.mark.django_db(transaction=True)
def test_restoring_something_that_is_not_a_backup_fails_and_changes_nothing(tmp_path):
    CustomerFactory(name="王先生")
    before = snapshot()
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CommandError):
        call_command("restore", str(junk), noinput=True)
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing"), noinput=True)
    assert snapshot() == before
