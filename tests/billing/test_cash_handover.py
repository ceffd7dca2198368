"""Cash an engineer takes stays in their balance until finance records the hand-over; on
day 3 an alert goes to finance and to the engineer's manager, once; a hand-over whose
counted total does not match, or that names a payment handed over already or not the
engineer's, is refused and changes nothing."""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.billing import cash, field_selectors, services
from aftersales.billing.models import CashHandover, FieldMoneyPolicy, HandedOverPayment
from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from aftersales.notifications.models import Alert, Outbox
from aftersales.tickets.field_sweeps import sweep_cash_overdue
from aftersales.tickets.sweeps import run_sweeps
from tests.factories import DeviceFactory, UserFactory

from .conftest import error_of
from .factories import assigned, charged_ticket

D = Decimal
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def finance(point):
    return UserFactory(username="fin_sjz", role="finance", service_point=point,
                       email="fin@example.test")


@pytest.fixture
def taken(boss, tech, customer, device):
    """The engineer collects 50.00 cash and 30.00 by personal WeChat QR at T0, and the
    customer pays 20.00 by bank transfer (not held by anyone)."""
    boss.email = "boss@example.test"
    boss.save(update_fields=["email"])
    with time_machine.travel(T0, tick=False):
        first = charged_ticket(actor=boss, customer=customer, device=device)
        second = charged_ticket(actor=boss, customer=customer, device=device,
                                lines=[{"kind": "part", "description": "电池", "qty": 1,
                                        "unit_price": "50.00"}])
        cash_entry = services.record_payment(actor=tech, ticket=assigned(first, tech),
                                             amount=D("50.00"), method="cash")
        qr_entry = services.record_payment(actor=tech, ticket=assigned(second, tech),
                                           amount=D("30.00"), method="wechat")
        services.record_payment(actor=tech, ticket=second, amount=D("20.00"),
                                method="transfer")
    return cash_entry, qr_entry


def cash_alerts():
    return sorted(Alert.objects.filter(kind="cash_overdue").values_list("for_role", "key"))


def test_cash_ages_and_alerts_on_day_three_exactly_once(taken, tech, boss, finance):
    cash_entry, qr_entry = taken
    # two days and 23 hours later: held, not yet overdue, no alert
    with time_machine.travel(T0 + timedelta(days=2, hours=23, minutes=59), tick=False):
        rows = field_selectors.cash_rows(actor=finance)
        assert [(r["payment"], r["amount"], r["age_days"], r["overdue"]) for r in rows] == [
            (cash_entry.pk, D("50.00"), 2, False), (qr_entry.pk, D("30.00"), 2, False)]
        assert sweep_cash_overdue(now=T0 + timedelta(days=2, hours=23, minutes=59)) == 0
        assert cash_alerts() == []
    # on day 3: one alert for finance and one for the engineer's manager per payment
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        run_sweeps()
        assert cash_alerts() == [
            ("finance", f"cash:{cash_entry.pk}:finance"),
            ("finance", f"cash:{qr_entry.pk}:finance"),
            ("manager", f"cash:{cash_entry.pk}:manager"),
            ("manager", f"cash:{qr_entry.pk}:manager")]
        told = sorted(Outbox.objects.filter(kind="cash_overdue")
                      .values_list("recipient", flat=True))
        assert told == ["boss@example.test"] * 2 + ["fin@example.test"] * 2
        rows = field_selectors.cash_rows(actor=finance)
        assert [(r["age_days"], r["overdue"]) for r in rows] == [(3, True), (3, True)]
        balance = field_selectors.cash_balances(actor=finance)
        assert [(b["engineer"], b["payments"], b["current"], b["overdue"], b["total"],
                 b["oldest_days"]) for b in balance] == [
            (tech.pk, 2, D("0.00"), D("80.00"), D("80.00"), 3)]
    # the sweep runs again (and a day later): nothing new
    for later in (timedelta(days=3, minutes=1), timedelta(days=4)):
        with time_machine.travel(T0 + later, tick=False):
            run_sweeps()
            assert sweep_cash_overdue(now=T0 + later) == 0
    assert Alert.objects.filter(kind="cash_overdue").count() == 4
    assert Outbox.objects.filter(kind="cash_overdue").count() == 4


def test_a_handover_clears_the_balance_and_closes_the_alerts(taken, tech, finance,
                                                             finance_api):
    cash_entry, qr_entry = taken
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        sweep_cash_overdue(now=T0 + timedelta(days=3))
        response = finance_api.post("/cash/handovers", {
            "engineer": tech.pk, "payments": [cash_entry.pk, qr_entry.pk], "total": "80.00"})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["total"] == "80.00"
        assert sorted(body["payments"]) == [cash_entry.pk, qr_entry.pk]
        assert body["number"] == "CH202603-0001"
        # the balance is clear and the report shows nothing held
        assert finance_api.get("/cash", {"engineer": tech.pk}).json() == {
            "items": [], "total": "0.00", "overdue": "0.00"}
        assert field_selectors.cash_balances(actor=finance) == []
        # the next sweep closes the alerts of money now received, raises none
        assert sweep_cash_overdue(now=T0 + timedelta(days=3, minutes=5)) == 0
        assert not Alert.objects.filter(kind="cash_overdue",
                                        acknowledged_at__isnull=True).exists()


def test_cash_list_shows_its_age_over_the_api(taken, tech, finance_api, tech_api):
    cash_entry, qr_entry = taken
    with time_machine.travel(T0 + timedelta(days=1, hours=1), tick=False):
        body = finance_api.get("/cash", {"engineer": tech.pk}).json()
        assert body["total"] == "80.00" and body["overdue"] == "0.00"
        assert [(i["payment"], i["amount"], i["method"], i["age_days"], i["overdue"])
                for i in body["items"]] == [(cash_entry.pk, "50.00", "cash", 1, False),
                                            (qr_entry.pk, "30.00", "wechat", 1, False)]
        assert body["items"][0]["due_at"] == "2026-03-05T02:00:00Z"  # 10:00 in Shanghai
        # the engineer sees their own money in hand too
        assert len(tech_api.get("/cash").json()["items"]) == 2


def _nothing_changed():
    assert CashHandover.objects.count() == 0
    assert HandedOverPayment.objects.count() == 0


def test_a_total_that_does_not_match_is_refused_and_changes_nothing(taken, tech,
                                                                     finance_api):
    cash_entry, qr_entry = taken
    response = finance_api.post("/cash/handovers", {
        "engineer": tech.pk, "payments": [cash_entry.pk, qr_entry.pk], "total": "70.00"})
    assert error_of(response) == (422, "total_mismatch", "total")
    _nothing_changed()
    assert len(finance_api.get("/cash").json()["items"]) == 2


def test_a_payment_handed_over_twice_is_refused(taken, tech, finance):
    cash_entry, qr_entry = taken
    cash.hand_over_cash(actor=finance, engineer=tech, payments=[cash_entry.pk],
                        total=D("50.00"))
    with pytest.raises(Conflict) as refused:
        cash.hand_over_cash(actor=finance, engineer=tech,
                            payments=[cash_entry.pk, qr_entry.pk], total=D("80.00"))
    assert (refused.value.code, refused.value.field) == ("already_handed_over", "payments")
    assert CashHandover.objects.count() == 1
    assert list(HandedOverPayment.objects.values_list("entry_id", flat=True)) == [cash_entry.pk]


def test_only_the_engineers_own_cash_and_only_finance(taken, tech, boss, finance, point):
    cash_entry, _qr = taken
    other = UserFactory(username="tech2", role="engineer", service_point=point)
    transfer = cash_entry.charge.entries.model.objects.get(method="transfer")
    for engineer, payments, total, code in (
            (other, [cash_entry.pk], "50.00", "not_engineers_cash"),
            (tech, [transfer.pk], "20.00", "not_engineers_cash"),
            (tech, [999999], "1.00", "unknown_payment"),
            (tech, [], "1.00", "invalid"),
            (tech, [cash_entry.pk, cash_entry.pk], "100.00", "invalid")):
        with pytest.raises(ValidationFailed) as refused:
            cash.hand_over_cash(actor=finance, engineer=engineer, payments=payments,
                                total=D(total))
        assert (refused.value.code, refused.value.field) == (code, "payments")
    with pytest.raises(Forbidden):
        cash.hand_over_cash(actor=boss, engineer=tech, payments=[cash_entry.pk],
                            total=D("50.00"))
    _nothing_changed()


def test_a_bank_transfer_is_never_in_hand_and_the_qr_switch_is_configuration(taken, finance):
    policy = FieldMoneyPolicy.current()
    assert (policy.handover_days, policy.personal_qr_counts_as_cash) == (3, True)
    policy.personal_qr_counts_as_cash = False
    policy.save()
    assert [r["method"] for r in field_selectors.cash_rows(actor=finance)] == ["cash"]


def test_the_cash_list_takes_the_same_queries_however_many_payments(taken, boss, tech,
                                                                    customer, finance_api,
                                                                    point):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert finance_api.get("/cash").status_code == 200
        return len(queries)

    before = count()
    other = UserFactory(username="tech3", role="engineer", service_point=point)
    for engineer in (tech, other):
        ticket = charged_ticket(actor=boss, customer=customer,
                                device=DeviceFactory(customer=customer))
        services.record_payment(actor=engineer, ticket=assigned(ticket, engineer), amount=D("50.00"),
                                method="cash")
    assert len(finance_api.get("/cash").json()["items"]) == 4
    assert count() == before
