"""Service-point money: a monthly subsidy settlement per completed job by tier, one
statement per point, idempotent per month."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from aftersales.billing.models import SubsidyLine, SubsidyRate, SubsidyStatement
from aftersales.tickets.models import Ticket
from tests.conftest import ApiClient
from tests.factories import CustomerFactory
from tests.tickets.factories import open_test_ticket

from .factories import mark_resolved

D = Decimal
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 15, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def job(admin_user, customer, *, at=OCTOBER, kind="repair", status="resolved"):
    ticket = open_test_ticket(actor=admin_user, customer=customer, kind=kind,
                              mode="remote" if kind == "consultation" else "onsite")
    ticket = mark_resolved(ticket, at=at)
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    return ticket


@pytest.fixture
def october(admin_user, customer, other_point):
    """Two jobs at SJZ (gold), one at BJ (diamond), and jobs that do not count."""
    other_customer = CustomerFactory(service_point=other_point)
    counted = [job(admin_user, customer), job(admin_user, customer, status="closed"),
               job(admin_user, other_customer)]
    # the first day of the month in Shanghai counts, the first of November does not
    counted.append(job(admin_user, customer, at=datetime(2026, 9, 30, 16, 0, tzinfo=UTC)))
    job(admin_user, customer, at=datetime(2026, 10, 31, 16, 0, tzinfo=UTC))
    job(admin_user, customer, kind="consultation")
    job(admin_user, customer, status="cancelled")
    return counted


def test_settle_a_month(finance_api, october):
    # when finance settles October
    response = finance_api.post("/finance/subsidies/settle", {"month": "2026-10"})
    # then one statement per point: jobs x the tier's rate
    body = response.json()
    assert (response.status_code, body["month"], body["created"]) == (201, "2026-10", True)
    assert [(s["service_point_code"], s["tier"], s["jobs"], s["per_job"], s["amount"])
            for s in body["items"]] == [("BJ", "diamond", 1, "80.00", "80.00"),
                                        ("SJZ", "gold", 3, "60.00", "180.00")]
    assert body["total"] == "260.00"
    assert set(SubsidyLine.objects.values_list("ticket_id", flat=True)) == {
        t.pk for t in october}


def test_settling_again_changes_nothing(finance_api, october):
    first = finance_api.post("/finance/subsidies/settle", {"month": "2026-10"}).json()
    SubsidyRate.objects.filter(tier="gold").update(per_job=D("999.00"))
    again = finance_api.post("/finance/subsidies/settle", {"month": "2026-10"})
    assert (again.status_code, again.json()["created"]) == (200, False)
    assert again.json()["items"] == first["items"]
    assert SubsidyStatement.objects.count() == 2


def test_rates_are_configuration(finance_api, october):
    SubsidyRate.objects.filter(tier="gold").update(per_job=D("75.50"))
    body = finance_api.post("/finance/subsidies/settle", {"month": "2026-10"}).json()
    assert [s["amount"] for s in body["items"]] == ["80.00", "226.50"]


@pytest.mark.parametrize(("month", "field"), [("2026-11", "month"), ("2026-13", "month"),
                                              ("26-10", "month")])
def test_only_an_ended_month(finance_api, month, field):
    response = finance_api.post("/finance/subsidies/settle", {"month": month})
    assert (response.status_code, response.json()["error"]["field"]) == (422, field)
    assert SubsidyStatement.objects.count() == 0


def test_only_head_office_finance_settles(point_cashier, boss_api, october):
    for api in (ApiClient(point_cashier), boss_api):
        assert api.post("/finance/subsidies/settle", {"month": "2026-10"}).status_code == 403
    assert SubsidyStatement.objects.count() == 0


def test_statements_list_scoped(finance_api, point_cashier, october):
    finance_api.post("/finance/subsidies/settle", {"month": "2026-10"})
    everything = finance_api.get("/finance/subsidies", {"month": "2026-10"}).json()
    own = ApiClient(point_cashier).get("/finance/subsidies").json()
    assert [s["service_point_code"] for s in everything["items"]] == ["BJ", "SJZ"]
    assert [(s["service_point_code"], s["amount"]) for s in own["items"]] == [("SJZ",
                                                                               "180.00")]
