"""Issue 11 "Money": POST /payments honours Idempotency-Key (same key and body books once
and answers the first result; another body is 409), checked only after the role and scope
checks; an engineer takes money only on their own tickets."""
from decimal import Decimal

import pytest
from django.db import connection

from aftersales.billing import selectors, services
from aftersales.billing.models import LedgerEntry
from aftersales.tickets.models import Ticket
from tests.concurrency import run_concurrently
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory

from .factories import charged_ticket

D = Decimal


@pytest.fixture
def ticket(boss, customer, device):
    return charged_ticket(actor=boss, customer=customer, device=device,
                          lines=[{"kind": "part", "description": "主板", "qty": 1,
                                  "unit_price": D("100")}])


def _payments():
    return list(LedgerEntry.objects.filter(kind="payment").values_list("amount", flat=True))


def _pay(api, ticket, amount="10.00", key="pay-1", **extra):
    return api.post("/payments", {"ticket": ticket.pk, "amount": amount, "method": "cash"},
                    HTTP_IDEMPOTENCY_KEY=key, **extra)


def test_the_same_key_and_body_books_once_and_answers_the_first_result(finance_api, ticket):
    first = _pay(finance_api, ticket)
    second = _pay(finance_api, ticket)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert _payments() == [D("-10.00")]


def test_the_same_key_with_another_body_is_409_and_books_nothing(finance_api, ticket):
    _pay(finance_api, ticket, amount="10.00")
    other = _pay(finance_api, ticket, amount="20.00")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_mismatch"
    assert _payments() == [D("-10.00")]


def test_without_a_key_each_request_books(finance_api, ticket):
    for _ in range(2):
        assert finance_api.post("/payments", {"ticket": ticket.pk, "amount": "10.00",
                                              "method": "cash"}).status_code == 201
    assert _payments() == [D("-10.00"), D("-10.00")]


def test_a_refused_payment_leaves_the_key_free(finance_api, ticket):
    too_much = _pay(finance_api, ticket, amount="99999.00")
    assert too_much.status_code == 422
    assert _payments() == []
    assert _pay(finance_api, ticket, amount="99999.00").status_code == 422
    # nothing was kept of the refusal, so the key is still free for a real payment
    assert _pay(finance_api, ticket, amount="10.00").status_code == 201
    assert _payments() == [D("-10.00")]


def test_keys_belong_to_their_user(finance_api, boss_api, ticket):
    _pay(finance_api, ticket)
    assert _pay(boss_api, ticket).status_code == 201
    assert _payments() == [D("-10.00"), D("-10.00")]


def test_authorization_comes_before_the_key(finance_api, ticket, point, customer):
    _pay(finance_api, ticket)
    agent = ApiClient(UserFactory(username="agent_x", role="agent"))
    other_point = ServicePointFactory(code="BJX")
    outsider = ApiClient(UserFactory(username="bj_cash", role="finance",
                                     service_point=other_point))
    assert _pay(agent, ticket).status_code == 403
    answer = _pay(outsider, ticket)
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "ticket"
    assert _payments() == [D("-10.00")]


def test_an_engineer_takes_money_only_on_their_own_tickets(ticket, point):
    own = UserFactory(username="eng_own", role="engineer", service_point=point)
    other = UserFactory(username="eng_other", role="engineer", service_point=point)
    Ticket.objects.filter(pk=ticket.pk).update(engineer=own)
    refused = _pay(ApiClient(other), ticket, key="e-1")
    assert refused.status_code == 403
    assert _payments() == []
    assert _pay(ApiClient(own), ticket, key="e-2").status_code == 201
    assert _payments() == [D("-10.00")]


@pytest.mark.django_db(transaction=True)
def test_ten_identical_retries_at_once_book_one_payment():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share an in-memory SQLite test database's locks")
    point = ServicePointFactory(code="SJZ")
    boss = UserFactory(username="boss", role="manager", service_point=point)
    customer = CustomerFactory(service_point=point, zone="city")
    ticket = charged_ticket(actor=boss, customer=customer,
                            lines=[{"kind": "part", "description": "主板", "qty": 1,
                                    "unit_price": D("100")}])
    cashier = UserFactory(username="cashier", role="finance")
    before = selectors.ticket_money(ticket=ticket)["outstanding"]
    # when the same partial payment is retried ten times at the same moment
    outcomes = run_concurrently(
        lambda i: services.record_payment(actor=cashier, ticket=ticket, amount=D("10.00"),
                                          method="cash", idempotency_key="retry-1"), 10)
    # then every caller got the one entry booked
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert _payments() == [D("-10.00")]
    assert selectors.ticket_money(ticket=ticket)["outstanding"] == before - D("10.00")
