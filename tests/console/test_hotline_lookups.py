"""The hotline box's look-ups (a two-character name, a whole ticket number, a whole serial)
find exactly what the caller means on both engines, and on PostgreSQL every query they run
is answered from an index: EXPLAIN of the SQL Django really sends, with sequential scans
priced out, so a condition no index can answer still shows one."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.console.views import hotline_hits
from aftersales.customers.selectors import customer_list
from aftersales.customers.services import add_contact
from aftersales.devices.selectors import device_list
from aftersales.tickets.selectors import tickets_by_number_part
from tests.tickets.factories import open_test_ticket

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="plans are PostgreSQL's")


@pytest.fixture
def archive(agent, customer_factory, device_factory):
    zhang = customer_factory(name="张伟", phone="13911112345")
    customer_factory(name="张伟华", phone="13911112346")
    customer_factory(name="李伟", phone="13911112347")
    company = customer_factory(name="石家庄Hengtong商贸有限公司", kind="company",
                               phone="031187654321")
    add_contact(actor=agent, customer=company, name="张伟", phone="13700009876")
    device = device_factory(customer=zhang, serial="SN0140000001", imei="864209031234567")
    device_factory(customer=zhang, serial="SN01400000012")
    device_factory(customer=zhang, serial="SN0140000002")
    ticket = open_test_ticket(actor=agent, customer=zhang, device=device)
    return {"zhang": zhang, "company": company, "ticket": ticket}


def names(qs) -> list[str]:
    return sorted(c.name for c in qs)


def plans(run) -> list[tuple[str, str]]:
    """(SQL, plan) of every query `run()` sends, planned with sequential scans priced out."""
    with CaptureQueriesContext(connection) as captured:
        run()
    out = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            out.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return out


def test_a_two_character_name_finds_customers_and_contacts_holding_it(archive, agent):
    # when / then: 张伟 anywhere in the name, the company through its contact
    assert names(customer_list(actor=agent, q="张伟")) == [
        "张伟", "张伟华", "石家庄Hengtong商贸有限公司"]
    assert names(customer_list(actor=agent, q="伟华")) == ["张伟华"]
    assert names(customer_list(actor=agent, q="华伟")) == []
    # Latin letters of a company name match in any case, as before
    assert names(customer_list(actor=agent, q="hengtong")) == ["石家庄Hengtong商贸有限公司"]
    assert names(customer_list(actor=agent, q="ONG商")) == ["石家庄Hengtong商贸有限公司"]


def test_a_ticket_number_whole_or_in_part_finds_that_ticket(archive, agent):
    ticket = archive["ticket"]

    def found(q):
        return [t.number for t in tickets_by_number_part(actor=agent, q=q)]

    assert found(ticket.number) == [ticket.number]
    assert found(ticket.number.lower()) == [ticket.number]
    assert found(ticket.number[:10]) == [ticket.number]
    assert found(ticket.number[2:]) == [ticket.number]
    assert found(ticket.number[-5:]) == [ticket.number]
    assert found("R" + ticket.number[2:]) == []  # letters only at the start


def test_a_whole_serial_finds_that_unit_and_a_part_finds_every_unit_holding_it(archive, agent):
    def serials(q):
        return [d.serial for d in device_list(actor=agent, q=q)]

    assert serials("SN0140000001") == ["SN0140000001"]
    assert serials("sn0140000002") == ["SN0140000002"]
    assert serials("864209031234567") == ["SN0140000001"]
    assert serials("40000001") == ["SN01400000012", "SN0140000001"]
    assert serials("0314") == []
    assert serials("90312") == ["SN0140000001"]  # a part of the IMEI


def test_the_hotline_box_answers_each(archive, agent):
    ticket = archive["ticket"]
    hits = hotline_hits(actor=agent, q="张伟")
    assert sorted(c.name for c in hits["customers"]) == ["张伟", "张伟华",
                                                         "石家庄Hengtong商贸有限公司"]
    assert (hits["tickets"], hits["devices"]) == ([], [])
    hits = hotline_hits(actor=agent, q=ticket.number)
    assert [t.number for t in hits["tickets"]] == [ticket.number]
    hits = hotline_hits(actor=agent, q="SN0140000001")
    assert [d.serial for d in hits["devices"]] == ["SN0140000001"]


def test_a_mobile_number_in_the_box_is_a_customers_not_a_part_of_a_unit(
        archive, agent, device_factory):
    # a unit whose IMEI holds the phone's digits is not offered for a phone read out
    device_factory(customer=archive["zhang"], serial="SN0149999999", imei="861391111234561")
    hits = hotline_hits(actor=agent, q="13911112345")
    assert [c.name for c in hits["customers"]] == ["张伟"]
    assert (hits["tickets"], hits["devices"]) == ([], [])
    # the same digits are still a part of the unit in its own search
    assert [d.serial for d in device_list(actor=agent, q="13911112345")] == ["SN0149999999"]
    # and a unit registered under exactly those digits is still found by the box
    device_factory(customer=archive["zhang"], serial="13911112345")
    hits = hotline_hits(actor=agent, q="13911112345")
    assert [d.serial for d in hits["devices"]] == ["13911112345"]
    # no ticket number holds more than eight digits in a row
    assert list(tickets_by_number_part(actor=agent, q="202611301")) == []


def _no_table_scans(found: list[tuple[str, str]], *tables: str) -> None:
    for sql, text in found:
        for table in tables:
            assert f"Seq Scan on {table}" not in text, (sql, text)


@on_postgresql
def test_a_two_character_name_is_answered_by_the_bigram_indexes(archive, agent):
    found = plans(lambda: list(customer_list(actor=agent, q="张伟")))
    text = "\n".join(plan for _, plan in found)
    assert "customer_name_bigram_idx" in text, text
    assert "contact_name_bigram_idx" in text, text
    _no_table_scans(found, "customers_customer", "customers_contact")


@on_postgresql
def test_a_whole_ticket_number_is_one_probe_of_the_number_btree(archive, agent):
    number = archive["ticket"].number
    found = plans(lambda: list(tickets_by_number_part(actor=agent, q=number)))
    (sql, text), = found
    assert "ticket_number_trgm" not in text, text
    assert "tickets_ticket_number" in text, text  # the unique b-tree or its pattern twin
    _no_table_scans(found, "tickets_ticket")
    # a part of digits can be answered by the trigram index (on these few rows the planner
    # may as well start from the customers' or the point's index: both are index plans)
    from aftersales.tickets.models import Ticket

    sql, params = Ticket.objects.filter(number__contains=number[-5:]).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # GIN answers by bitmap scans
        cursor.execute("EXPLAIN " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    assert "ticket_number_trgm" in text, text
    found = plans(lambda: list(tickets_by_number_part(actor=agent, q=number[-5:])))
    _no_table_scans(found, "tickets_ticket")


@on_postgresql
def test_a_whole_serial_is_answered_by_the_serial_btree_not_the_trigrams(archive, agent):
    found = plans(lambda: list(device_list(actor=agent, q="SN0140000001")))
    assert len(found) == 2, found  # the whole key, then its units by id
    text = "\n".join(plan for _, plan in found)
    assert "device_serial_trgm" not in text and "device_imei_trgm" not in text, text
    assert "devices_device_serial" in found[0][1], found[0]
    _no_table_scans(found, "devices_device", "customers_customer")
    # a part, searched as one, is answered from indexes too
    found = plans(lambda: list(device_list(actor=agent, q="40000001")))
    _no_table_scans(found, "devices_device")
