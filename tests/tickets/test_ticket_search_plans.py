"""The hot filters of the ticket list are answered from indexes on PostgreSQL: read from
EXPLAIN with sequential scans priced out, so a plan that cannot use an index shows one."""
from __future__ import annotations

import pytest
from django.db import connection

from aftersales.tickets import selectors
from aftersales.tickets.models import Ticket
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory
from tests.tickets.factories import open_test_ticket

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="plans are PostgreSQL's")


@pytest.fixture
def data(db):
    point = ServicePointFactory(code="SJZ")
    agent = UserFactory(role="admin", service_point=None)
    customer = CustomerFactory(phone="13812345678", service_point=point)
    for summary in ("屏幕不亮", "无法充电", "手机不开机"):
        open_test_ticket(actor=agent, customer=customer, summary=summary)
    return agent


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # GIN answers by bitmap scans
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_phone_filter_uses_indexes_not_a_join_over_all_tickets(data):
    text = plan(selectors.ticket_list(actor=data, phone="13812345678"))
    assert "Seq Scan on tickets_ticket" not in text, text
    assert "Hash Join" not in text, text


@pytest.mark.parametrize("word", ["屏幕", "充电", "开机"])
def test_a_two_character_word_is_searched_through_the_bigram_index(data, word):
    # the condition alone (a tiny table's planner may prefer another path for the full page)
    text = plan(Ticket.objects.filter(summary__text_contains=word).order_by().values("pk"))
    assert "ticket_summary_bigram_idx" in text, text
    found = selectors.ticket_list(actor=data, q=word)
    assert [t.summary for t in found if word in t.summary]  # and the list finds the ticket


def test_a_longer_word_is_searched_through_either_text_index(data):
    # three characters and more: pg_trgm's index answers the LIKE as well as the bigrams do,
    # and the planner picks whichever it prices lower; either way no table scan
    text = plan(Ticket.objects.filter(summary__text_contains="不开机").order_by().values("pk"))
    assert ("ticket_summary_bigram_idx" in text or "ticket_summary_trgm_idx" in text), text
    assert "Seq Scan on tickets_ticket" not in text, text
    found = [t.summary for t in selectors.ticket_list(actor=data, q="不开机")]
    assert found == ["手机不开机"]


def test_the_search_is_exact_about_the_substring(data):
    found = [t.summary for t in selectors.ticket_list(actor=data, q="不开")]
    assert found == ["手机不开机"]
    assert list(selectors.ticket_list(actor=data, q="开不")) == []


def test_a_deep_page_walks_the_primary_key_from_the_cursor_not_an_offset(data):
    # given the cursor after the newest ticket (what a `next` link carries)
    from aftersales.core import keyset

    qs = selectors.ticket_list(actor=data)
    newest = qs.first()
    direction, values = keyset.decode(keyset.cursor_of(newest, keyset.ordering_of(qs)), qs,
                                      keyset.ordering_of(qs))
    page = qs.filter(keyset._beyond(keyset.ordering_of(qs), values, forward=True))[:51]
    sql, params = page.query.sql_with_params()
    # then no OFFSET, and the page is read by walking the primary key backwards from there
    assert "OFFSET" not in sql.upper(), sql
    with connection.cursor() as cursor:
        for switch in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{switch} = off")
        cursor.execute("EXPLAIN " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan Backward using tickets_ticket_pkey on tickets_ticket" in text, text
    assert "Sort" not in text, text


def test_the_app_connections_plan_quickly(db):
    """JIT off, and the join search capped: a list row joins eight tables, whose every join
    order the default limit (8) would search — tens of milliseconds of planning for a
    one-millisecond query."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone()[0] == "4"
