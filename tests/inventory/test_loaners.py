"""The loaner pool: a unit lent to a ticket, shown as held by the customer, overdue after
the loan days (one alert), returned with its condition; lent twice is refused (also when
two requests race)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from aftersales.core.errors import Conflict
from aftersales.inventory import field_selectors
from aftersales.inventory.models import Loan, Loaner
from aftersales.inventory.services import loaners
from aftersales.notifications.models import Alert
from aftersales.tickets.field_sweeps import sweep_loaners_overdue
from tests.concurrency import run_concurrently
from tests.conftest import ApiClient
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    ProductModelFactory,
    ServicePointFactory,
    UserFactory,
)

from .factories import make_ticket

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 5, 4, 9, 30, tzinfo=SH)


@pytest.fixture
def pool(branch, branch_keeper):
    ProductModelFactory(code="X9", name="X9 手机")
    api = ApiClient(branch_keeper)
    response = api.post("/loaners", {"code": "BY-001", "serial": "LOAN0001", "model": "X9",
                                     "condition": "九成新"})
    assert response.status_code == 201, response.json()
    return api, response.json()


def ticket_for(branch, number, name="华北电力"):
    customer = CustomerFactory(name=name, service_point=branch)
    return make_ticket(number=number, service_point=branch, customer=customer)


def test_a_loaner_lent_overdue_and_returned(pool, branch, branch_keeper):
    api, loaner = pool
    assert loaner["status"] == "available" and loaner["loan"] is None
    ticket = ticket_for(branch, "T-L1")
    with time_machine.travel(T0, tick=False):
        lent = api.post(f"/loaners/{loaner['id']}/lend", {"ticket": ticket.pk})
        assert lent.status_code == 201, lent.json()
        assert (lent.json()["ticket_number"], lent.json()["due_on"]) == ("T-L1", "2026-05-18")
        out = api.get("/loaners", {"out": "true"}).json()["items"]
        assert [(i["code"], i["status"], i["loan"]["customer_name"], i["loan"]["lent_at"])
                for i in out] == [("BY-001", "lent", "华北电力", "2026-05-04T01:30:00Z")]
        held = field_selectors.loans_held_by(customer_id=ticket.customer_id)
        assert [(h["loaner"], h["ticket"], h["overdue"]) for h in held] == [
            ("BY-001", "T-L1", False)]
    # on the due day not yet overdue; the day after, one alert for the manager
    assert sweep_loaners_overdue(now=datetime(2026, 5, 18, 23, 0, tzinfo=SH)) == 0
    late = datetime(2026, 5, 19, 8, 0, tzinfo=SH)
    with time_machine.travel(late, tick=False):
        assert sweep_loaners_overdue(now=late) == 1
        assert sweep_loaners_overdue(now=late + timedelta(hours=3)) == 0
        alert = Alert.objects.get(kind="loaner_overdue")
        assert (alert.ticket_id, alert.for_role, alert.service_point_id) == (
            ticket.pk, "manager", branch.pk)
        assert field_selectors.loans_held_by(customer_id=ticket.customer_id)[0]["overdue"]
        back = api.post(f"/loaners/{loaner['id']}/return", {"condition": "good",
                                                             "note": "完好"})
        assert back.status_code == 200, back.json()
    assert back.json()["condition_in"] == "good"
    assert Loaner.objects.get().status == "available"
    assert field_selectors.loans_held_by(customer_id=ticket.customer_id) == []
    assert api.get("/loaners", {"out": "true"}).json()["items"] == []
    again = api.post(f"/loaners/{loaner['id']}/return", {"condition": "good"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "loaner_not_lent"


def test_a_loaner_lent_twice_is_refused_and_changes_nothing(pool, branch):
    api, loaner = pool
    first, second = ticket_for(branch, "T-L2"), ticket_for(branch, "T-L3", name="河北钢铁")
    assert api.post(f"/loaners/{loaner['id']}/lend", {"ticket": first.pk}).status_code == 201
    refused = api.post(f"/loaners/{loaner['id']}/lend", {"ticket": second.pk})
    assert refused.status_code == 409
    assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == (
        "loaner_unavailable", "loaner")
    assert list(Loan.objects.values_list("ticket_id", flat=True)) == [first.pk]


def test_a_damaged_loaner_goes_to_repair_and_is_not_lent(pool, branch, branch_keeper):
    api, loaner = pool
    ticket = ticket_for(branch, "T-L4")
    api.post(f"/loaners/{loaner['id']}/lend", {"ticket": ticket.pk})
    bad = api.post(f"/loaners/{loaner['id']}/return", {"condition": "broken"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "condition"
    api.post(f"/loaners/{loaner['id']}/return", {"condition": "damaged", "note": "屏幕碎"})
    assert Loaner.objects.get().status == "in_repair"
    with pytest.raises(Conflict):
        loaners.lend_loaner(actor=branch_keeper, loaner=Loaner.objects.get(),
                            ticket=ticket_for(branch, "T-L5", name="乙"))
    loaners.set_loaner_status(actor=branch_keeper, loaner=Loaner.objects.get(),
                              status="available")
    assert Loaner.objects.get().status == "available"


def test_another_points_ticket_and_loaner_are_refused(pool, other_branch):
    api, loaner = pool
    foreign = make_ticket(number="T-L6", service_point=other_branch,
                          customer=CustomerFactory(service_point=other_branch))
    response = api.post(f"/loaners/{loaner['id']}/lend", {"ticket": foreign.pk})
    assert response.status_code == 422 and response.json()["error"]["field"] == "ticket"
    stranger = ApiClient(UserFactory(username="bj-keeper", role="warehouse",
                                     service_point=other_branch))
    assert stranger.post(f"/loaners/{loaner['id']}/return",
                         {"condition": "good"}).status_code == 404
    assert not Loan.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_lends_racing_for_one_loaner_one_wins():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share an in-memory SQLite test database's locks")
    point = ServicePointFactory(code="SJZ")
    keepers = [UserFactory(username=f"keeper{i}", role="warehouse", service_point=point)
               for i in range(2)]
    loaner = loaners.add_loaner(actor=keepers[0], service_point=point,
                                model=ProductModelFactory(code="X9"), code="BY-9",
                                serial="LOAN0009")
    tickets = [make_ticket(number=f"T-R{i}", service_point=point,
                           customer=CustomerFactory(service_point=point)) for i in range(2)]
    outcomes = run_concurrently(
        lambda i: loaners.lend_loaner(actor=keepers[i], loaner=loaner, ticket=tickets[i]), 2)
    codes = sorted("lent" if isinstance(o, Loan) else o.code for o in outcomes)
    assert codes == ["lent", "loaner_unavailable"]
    assert Loan.objects.count() == 1
    assert Loaner.objects.get().status == "lent"


def test_a_loaner_with_its_device_record_is_repaired_like_any_unit(branch, branch_keeper):
    """Registered with its device record, a loaner's own repair is an ordinary ticket on
    that device; the same record cannot be two loaners."""
    model = ProductModelFactory(code="X9")
    own = DeviceFactory(serial="LOAN0100", model=model,
                        customer=CustomerFactory(name="本站备用机", service_point=branch))
    api = ApiClient(branch_keeper)
    made = api.post("/loaners", {"code": "BY-100", "serial": "LOAN0100", "model": "X9",
                                 "device": "LOAN0100"})
    assert made.status_code == 201, made.json()
    assert made.json()["device"] == "LOAN0100"
    again = api.post("/loaners", {"code": "BY-101", "serial": "LOAN0101", "model": "X9",
                                  "device": "LOAN0100"})
    assert (again.status_code, again.json()["error"]["field"]) == (409, "device")
    unknown = api.post("/loaners", {"code": "BY-102", "serial": "LOAN0102", "model": "X9",
                                    "device": "NOPE"})
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (422, "device")
    assert Loaner.objects.get().device_id == own.pk
