"""Deep pages of the ticket list without OFFSET: the API's `next` link and the console's
Next/Previous carry a keyset cursor (core/keyset.py). Every ticket is listed once, a deep
page costs the queries of the first, `page=N` still works, a bad cursor is a 422."""
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aftersales.core import keyset
from aftersales.tickets import selectors
from aftersales.tickets.models import Ticket

from .factories import open_test_ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def seven(customer, hotline):
    return [open_test_ticket(actor=hotline, customer=customer, summary=f"故障{i}").pk
            for i in range(7)]


def walk(api, params):
    """Follow `next` from the first page; the ids of each page and the links followed."""
    pages, links = [], []
    body = api.get("/tickets", params).json()
    pages.append([t["id"] for t in body["items"]])
    while body["next"]:
        links.append(body["next"])
        response = api.client.get(body["next"], **api.headers)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([t["id"] for t in body["items"]])
    return pages, links


def test_following_next_lists_every_ticket_once_newest_first(seven, hotline_api):
    pages, links = walk(hotline_api, {"page_size": 3})
    newest_first = sorted(seven, reverse=True)
    assert pages == [newest_first[0:3], newest_first[3:6], newest_first[6:7]]
    # the link keeps the filters and page number and adds the cursor
    query = parse_qs(urlsplit(links[0]).query)
    assert (query["page"], query["page_size"]) == (["2"], ["3"])
    assert keyset.decode(query["cursor"][0], Ticket.objects.all(), [("id", True)]) == (
        keyset.AFTER, [newest_first[2]])


def test_the_cursor_keeps_the_filters(seven, customer, hotline, hotline_api):
    Ticket.objects.filter(pk__in=seven[:2]).update(status="closed")
    pages, _links = walk(hotline_api, {"page_size": 2, "status": "new"})
    assert pages == [sorted(seven[2:], reverse=True)[0:2], sorted(seven[2:], reverse=True)[2:4],
                     sorted(seven[2:], reverse=True)[4:5]]


def test_a_ticket_opened_meanwhile_does_not_shift_the_next_page(seven, customer, hotline,
                                                                hotline_api):
    first = hotline_api.get("/tickets", {"page_size": 3}).json()
    open_test_ticket(actor=hotline, customer=customer, summary="新来的")
    second = hotline_api.client.get(first["next"], **hotline_api.headers).json()
    newest_first = sorted(seven, reverse=True)
    assert [t["id"] for t in second["items"]] == newest_first[3:6]


def test_page_numbers_still_work(seven, hotline_api):
    by_page = hotline_api.get("/tickets", {"page_size": 3, "page": 2}).json()
    assert [t["id"] for t in by_page["items"]] == sorted(seven, reverse=True)[3:6]
    # and its next link continues by cursor
    assert "cursor=" in by_page["next"] and "page=3" in by_page["next"]


def test_a_deep_page_costs_what_the_first_costs(seven, hotline_api, django_assert_num_queries):
    _pages, links = walk(hotline_api, {"page_size": 2})
    with django_assert_num_queries(2):  # the token, one page query
        hotline_api.get("/tickets", {"page_size": 2})
    with django_assert_num_queries(2):
        hotline_api.client.get(links[-1], **hotline_api.headers)
    with CaptureQueriesContext(connection) as captured:
        hotline_api.client.get(links[-1], **hotline_api.headers)
    page_sql = captured.captured_queries[-1]["sql"]
    assert "OFFSET" not in page_sql.upper(), page_sql


@pytest.mark.parametrize("cursor", ["garbage!", "WyJ4IixbMV1d", "WyJhIixbMSwyXV0",
                                    "WyJhIixbIm5vdC1hLW51bWJlciJdXQ", "WyJhIixbbnVsbF1d",
                                    "bm90IGpzb24"])
def test_a_bad_cursor_is_refused_and_changes_nothing(seven, hotline_api, cursor):
    before = list(Ticket.objects.order_by("id").values_list("id", "status", "version"))
    response = hotline_api.get("/tickets", {"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "cursor"
    assert list(Ticket.objects.order_by("id").values_list("id", "status", "version")) == before


def test_the_openapi_document_describes_the_cursor(hotline_api):
    spec = hotline_api.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert "keyset" in params["cursor"]["description"]


# -- a two-field ordering (the console's "breaching" tab orders by due time, then id) --------

def test_keyset_pages_over_an_ordering_with_ties(seven, admin_user):
    due = NOW + timedelta(minutes=30)
    # three tickets share one due time: the id decides among them
    for offset, pk in zip([0, 0, 0, 5, 10, 10, 20], seven, strict=True):
        Ticket.objects.filter(pk=pk).update(sla_next_due=due + timedelta(minutes=offset))
    qs = selectors.ticket_list(actor=admin_user).order_by("sla_next_due", "id")
    expected = list(qs.values_list("id", flat=True))
    seen, cursor = [], None
    while True:
        found = keyset.page(qs, size=2, cursor=cursor)
        seen.append([t.pk for t in found.rows])
        if not found.next_cursor:
            break
        cursor = found.next_cursor
    assert sum(seen, []) == expected
    assert [len(p) for p in seen] == [2, 2, 2, 1]
    # and back again with the previous cursors
    back = keyset.page(qs, size=2, cursor=found.previous_cursor)
    assert [t.pk for t in back.rows] == expected[4:6]
    first = keyset.page(qs, size=2, cursor=keyset.page(qs, size=2, cursor=keyset.page(
        qs, size=2).next_cursor).previous_cursor)
    assert [t.pk for t in first.rows] == expected[0:2]
    assert first.previous_cursor is None


# -- the console list --------------------------------------------------------------------

def console_pages(client, url):
    pages, html = [], client.get(url).content.decode()
    while True:
        pages.append([int(x) for x in re.findall(r'href="/tickets/(\d+)/"', html)])
        found = re.search(r'<a rel="next" href="([^"]+)"', html)
        if not found:
            return pages, html
        html = client.get("/tickets/" + found.group(1).replace("&amp;", "&")).content.decode()


@pytest.fixture
def console(hotline):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(hotline)
    return client


def test_the_console_pages_by_cursor(customer, hotline, console, monkeypatch):
    from aftersales.tickets import views

    monkeypatch.setattr(views, "PAGE", 3)
    made = [open_test_ticket(actor=hotline, customer=customer, summary=f"故障{i}").pk
            for i in range(7)]
    pages, last = console_pages(console, "/tickets/?tab=all")
    newest_first = sorted(made, reverse=True)
    assert pages == [newest_first[0:3], newest_first[3:6], newest_first[6:7]]
    assert "page=" not in re.search(r'<a rel="prev" href="([^"]+)"', last).group(1)
    # Previous from the last page shows the middle page again
    previous = re.search(r'<a rel="prev" href="([^"]+)"', last).group(1).replace("&amp;", "&")
    html = console.get("/tickets/" + previous).content.decode()
    assert [int(x) for x in re.findall(r'href="/tickets/(\d+)/"', html)] == newest_first[3:6]
    # an old page-number link still opens, a mangled cursor falls back to the first page
    html = console.get("/tickets/?tab=all&page=2").content.decode()
    assert [int(x) for x in re.findall(r'href="/tickets/(\d+)/"', html)] == newest_first[3:6]
    html = console.get("/tickets/?tab=all&cursor=nonsense").content.decode()
    assert [int(x) for x in re.findall(r'href="/tickets/(\d+)/"', html)] == newest_first[0:3]


def test_a_deep_console_page_costs_what_the_first_costs(customer, hotline, console,
                                                       monkeypatch):
    from aftersales.tickets import views

    monkeypatch.setattr(views, "PAGE", 2)
    for i in range(7):
        open_test_ticket(actor=hotline, customer=customer, summary=f"故障{i}")
    html = console.get("/tickets/?tab=all").content.decode()
    for _ in range(2):
        link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
        html = console.get("/tickets/" + link).content.decode()
    with CaptureQueriesContext(connection) as first:
        console.get("/tickets/?tab=all")
    with CaptureQueriesContext(connection) as deep:
        assert console.get("/tickets/" + link).status_code == 200
    assert len(deep.captured_queries) == len(first.captured_queries)
    assert not [q for q in deep.captured_queries if "OFFSET" in q["sql"].upper()]
