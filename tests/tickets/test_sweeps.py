"""The sweeps: response overdue → the manager; phone support unsolved after 4 h → the
supervisor; backup device after 48 h for annual-contract customers; callbacks due → the
agents' list. Each runs twice without doing anything twice. Embedded (eager) here; over a
real Redis and Celery worker in test_sweeps_on_celery.py."""
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from aftersales.contracts.models import Contract
from aftersales.notifications.models import Alert, Outbox
from aftersales.tickets import services as tickets
from aftersales.tickets.models import Ticket, TicketEvent
from aftersales.tickets.sweeps import EmbeddedScheduler, run_sweeps
from aftersales.tickets.tasks import run_sweeps_task, sweep_task
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, DeviceFactory, ServicePointFactory, UserFactory

START = "2026-11-23 09:00 +0800"  # a Monday


@pytest.fixture
def point(db):
    return ServicePointFactory(code="SW1", name="石家庄站")


@pytest.fixture
def customer(point):
    return CustomerFactory(name="华北电力", phone="13800000001", service_point=point)


@pytest.fixture
def boss(point):
    return UserFactory(username="sw_boss", name="赵经理", role="manager", service_point=point,
                       email="boss@example.cn")


@pytest.fixture
def desk(point):
    return UserFactory(username="sw_agent", name="张客服", role="agent", service_point=point)


def open_at(when, customer, **fields):
    values = {"channel": "phone", "kind": "repair", "priority": "normal", "mode": "onsite",
              "summary": "设备故障"}
    values.update(fields)
    with time_machine.travel(when, tick=False):
        return tickets.open_ticket(actor=None, customer=customer, **values)


def sweep_at(when):
    with time_machine.travel(when, tick=False):
        return run_sweeps()


def actions(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("id")
                .values_list("action", flat=True))


def test_an_overdue_first_response_alerts_the_manager_once(customer, boss):
    # given: opened at 09:00, first response due 09:10
    ticket = open_at(START, customer)
    # when
    early = sweep_at("2026-11-23 09:09 +0800")
    late = sweep_at("2026-11-23 09:11 +0800")
    again = sweep_at("2026-11-23 09:12 +0800")
    # then
    assert (early["response_overdue"], late["response_overdue"],
            again["response_overdue"]) == (0, 1, 0)
    alert = Alert.objects.get(kind="response_overdue")
    assert (alert.kind, alert.for_role, alert.ticket_id, alert.service_point_id) == (
        "response_overdue", "manager", ticket.pk, ticket.service_point_id)
    # (the engineer's call-back promised within 5 minutes was missed at 09:05 too)
    assert actions(ticket) == ["open", "clock_overdue", "sla_breach", "response_overdue",
                               "sla_breach"]
    assert Alert.objects.filter(kind="clock_overdue", key="contact").count() == 1
    mails = Outbox.objects.filter(kind="response_overdue")
    assert [(m.channel, m.recipient, m.status) for m in mails] == [
        ("email", "boss@example.cn", "sent")]
    assert ticket.number in mails[0].subject


def test_a_ticket_answered_in_time_raises_nothing(customer, boss, desk):
    ticket = open_at(START, customer)
    with time_machine.travel("2026-11-23 09:05 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket, note="已联系")
    assert sweep_at("2026-11-23 12:00 +0800")["response_overdue"] == 0
    assert not Alert.objects.exists()


def test_phone_support_unsolved_after_4_hours_goes_to_the_supervisor(customer, boss, desk):
    # given: remote support, answered at once
    ticket = open_at(START, customer, mode="remote", kind="consultation")
    with time_machine.travel("2026-11-23 09:02 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket, note="电话指导")
    # when
    before = sweep_at("2026-11-23 12:59 +0800")
    after = sweep_at("2026-11-23 13:01 +0800")
    again = sweep_at("2026-11-23 13:30 +0800")
    # then
    assert (before["phone_escalations"], after["phone_escalations"],
            again["phone_escalations"]) == (0, 1, 0)
    ticket.refresh_from_db()
    assert ticket.escalated_at == timezone.datetime.fromisoformat("2026-11-23 13:01 +08:00")
    # (the clocks may add their own sla_breach event: the 4 h target was met late)
    assert [a for a in actions(ticket) if a != "sla_breach"] == [
        "open", "respond", "phone_escalation", "escalate"]
    escalation = TicketEvent.objects.get(ticket=ticket, action="escalate")
    assert escalation.actor is None
    assert Alert.objects.get().kind == "phone_escalation"
    # the supervisor is told once (by the escalate action)
    assert list(Outbox.objects.filter(ticket=ticket).exclude(kind="ticket_opened")
                .values_list("kind", "recipient")) == [("escalated", "boss@example.cn")]


def test_on_site_tickets_are_not_phone_escalated(customer, boss, desk):
    ticket = open_at(START, customer, mode="onsite")
    with time_machine.travel("2026-11-23 09:02 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket)
    assert sweep_at("2026-11-23 18:00 +0800")["phone_escalations"] == 0
    ticket.refresh_from_db()
    assert ticket.escalated_at is None


def sign(customer, *, kind="annual", backup_device=True, devices=()):
    contract = Contract.objects.create(
        number=f"HT-{kind}-{customer.pk}-{len(devices)}", customer=customer, kind=kind,
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), price="1000.00",
        backup_device=backup_device)
    contract.devices.set(devices)
    return contract


def test_backup_device_is_due_after_48_hours_for_an_annual_contract(customer, boss, desk):
    # given
    sign(customer)
    ticket = open_at(START, customer)
    with time_machine.travel("2026-11-23 09:01 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket)
    # when
    before = sweep_at("2026-11-25 08:59 +0800")
    after = sweep_at("2026-11-25 09:01 +0800")
    again = sweep_at("2026-11-25 10:00 +0800")
    # then
    assert (before["backup_devices"], after["backup_devices"],
            again["backup_devices"]) == (0, 1, 0)
    alert = Alert.objects.get(kind="backup_device")
    assert alert.due_at == timezone.datetime.fromisoformat("2026-11-25 09:00 +08:00")
    assert "backup_device" in actions(ticket)


@pytest.mark.parametrize("kind,backup", [("per_visit", False), ("annual", False)])
def test_no_backup_device_without_an_annual_backup_contract(customer, desk, kind, backup):
    sign(customer, kind=kind, backup_device=backup)
    ticket = open_at(START, customer)
    with time_machine.travel("2026-11-23 09:01 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket)
    assert sweep_at("2026-11-26 09:00 +0800")["backup_devices"] == 0


def test_a_contract_listing_other_units_gives_no_backup_device(customer, desk):
    covered = DeviceFactory(customer=customer)
    other = DeviceFactory(customer=customer)
    sign(customer, devices=[covered])
    open_at(START, customer, device=other)
    assert sweep_at("2026-11-26 09:00 +0800")["backup_devices"] == 0
    open_at(START, customer, device=covered)
    assert sweep_at("2026-11-26 09:00 +0800")["backup_devices"] == 1


def test_a_due_callback_lands_on_the_agents_list_once(customer, desk, boss):
    # given: a phone consultation solved at 10:00; the callback is due 24 h later
    ticket = open_at(START, customer, mode="remote", kind="consultation")
    with time_machine.travel("2026-11-23 09:02 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket)
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        tickets.resolve(actor=desk, ticket=ticket, resolution="电话指导解决")
    # when
    before = sweep_at("2026-11-24 09:59 +0800")
    after = sweep_at("2026-11-24 10:00 +0800")
    again = sweep_at("2026-11-24 11:00 +0800")
    # then
    assert (before["callbacks_due"], after["callbacks_due"], again["callbacks_due"]) == (0, 1, 0)
    alert = Alert.objects.get(kind="callback_due")
    assert (alert.for_role, alert.key) == ("agent", str(ticket.follow_ups.get().pk))
    # and the agent sees it in the list
    body = ApiClient(desk).get("/alerts", {"for_role": "agent"}).json()
    assert [(i["kind"], i["ticket_number"]) for i in body["items"]] == [
        ("callback_due", ticket.number)]


def test_a_done_callback_is_not_listed(customer, desk):
    ticket = open_at(START, customer, mode="remote", kind="consultation")
    with time_machine.travel("2026-11-23 09:02 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket)
        tickets.resolve(actor=desk, ticket=ticket)
        tickets.callback(actor=desk, ticket=ticket, satisfaction=5, comment="满意")
    assert sweep_at("2026-11-25 09:00 +0800")["callbacks_due"] == 0


def test_alerts_of_another_service_point_are_hidden_and_acknowledged_once(customer, boss):
    # given
    open_at(START, customer)
    sweep_at("2026-11-23 09:30 +0800")
    alert = Alert.objects.get(kind="response_overdue")
    Alert.objects.exclude(pk=alert.pk).update(acknowledged_at=timezone.now())
    stranger = UserFactory(username="bj_boss", role="manager",
                           service_point=ServicePointFactory(code="BJX"))
    # when / then
    assert ApiClient(stranger).get("/alerts").json()["items"] == []
    assert ApiClient(stranger).post(f"/alerts/{alert.pk}/acknowledge").status_code == 404
    done = ApiClient(boss).post(f"/alerts/{alert.pk}/acknowledge")
    assert done.status_code == 200
    assert done.json()["acknowledged_at"] is not None
    assert ApiClient(boss).post(f"/alerts/{alert.pk}/acknowledge").status_code == 409
    assert ApiClient(boss).get("/alerts").json()["items"] == []


def test_the_task_and_the_command_run_the_sweeps_in_embedded_mode(customer, boss, capsys):
    # given: no broker configured, so tasks run eagerly in this process
    open_at(START, customer)
    # when
    with time_machine.travel("2026-11-23 09:30 +0800", tick=False):
        result = run_sweeps_task.delay().get()
        call_command("sweep")
        single = sweep_task.delay("response_overdue").get()
    # then
    assert result["response_overdue"] == 1
    assert "response_overdue: 0" in capsys.readouterr().out
    assert single == 0
    assert Alert.objects.filter(kind="response_overdue").count() == 1


def test_the_embedded_scheduler_runs_the_sweeps(customer, boss):
    # given
    open_at(START, customer)
    scheduler = EmbeddedScheduler(interval=60)
    # when: one tick of the scheduler thread's loop
    with time_machine.travel("2026-11-23 09:30 +0800", tick=False):
        done = scheduler.run_once()
    # then
    assert done["response_overdue"] == 1
    assert Alert.objects.filter(kind="response_overdue").count() == 1


def test_the_embedded_scheduler_survives_a_failing_run(monkeypatch):
    from aftersales.tickets import sweeps

    def broken(**kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(sweeps, "run_sweeps", broken)
    assert EmbeddedScheduler(interval=60).run_once() is None


def test_a_resolved_ticket_is_never_swept(customer, desk, boss):
    sign(customer)
    ticket = open_at(START, customer, mode="remote", kind="consultation")
    with time_machine.travel("2026-11-23 09:20 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket)
        tickets.resolve(actor=desk, ticket=ticket)
    done = sweep_at("2026-11-23 09:21 +0800")
    assert done["phone_escalations"] == done["backup_devices"] == 0
    assert Ticket.objects.get(pk=ticket.pk).escalated_at is None
    # answered (late) before the sweep came by: the clock shows the breach, no alert
    assert done["response_overdue"] == 0


def test_the_alert_list_costs_a_fixed_number_of_queries(customer, boss,
                                                       django_assert_num_queries):
    # given: several alerts
    for _ in range(3):
        open_at(START, customer)
    sweep_at("2026-11-23 09:30 +0800")
    api = ApiClient(boss)
    # when / then: the token, then one page of alerts with their tickets and customers
    with django_assert_num_queries(2):
        body = api.get("/alerts").json()
    # per ticket: the response overdue and the engineer's call-back missed
    assert len(body["items"]) == 6


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_one_alert():
    import threading

    from django.db import connections

    from aftersales.tickets.models import SLATarget

    # given (transactional: the two runs have their own connections)
    SLATarget.objects.get_or_create(name="respond", priority="", mode="", kind="",
                                    channel="", defaults={"amount": 10, "unit": "clock",
                                              "starts_on": "opened"})
    point = ServicePointFactory(code="SWT")
    UserFactory(username="swt_boss", role="manager", service_point=point,
                email="boss@example.cn")
    ticket = open_at(START, CustomerFactory(service_point=point))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(run_sweeps()["response_overdue"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # when
    with time_machine.travel("2026-11-23 09:30 +0800", tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    # then
    assert errors == []
    assert sorted(results) == [0, 1]
    assert Alert.objects.filter(ticket=ticket, kind="response_overdue").count() == 1
    assert Alert.objects.filter(ticket=ticket, kind="clock_overdue").count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, action="response_overdue").count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, action="sla_breach").count() == 2
    assert Outbox.objects.filter(kind="response_overdue").count() == 1


def test_a_backlog_of_callbacks_larger_than_a_batch_is_listed_entirely(customer, desk,
                                                                       monkeypatch):
    # given: seven callbacks due, batches of three, two of them already listed
    from aftersales.tickets import sweeps

    monkeypatch.setattr(sweeps, "CALLBACK_BATCH", 3)
    solved = []
    for _ in range(7):
        ticket = open_at(START, customer, mode="remote", kind="consultation")
        with time_machine.travel("2026-11-23 09:02 +0800", tick=False):
            tickets.respond(actor=desk, ticket=ticket)
            tickets.resolve(actor=desk, ticket=ticket, resolution="电话指导解决")
        solved.append(ticket)
    first_run = sweep_at("2026-11-24 09:05 +0800")["callbacks_due"]
    Alert.objects.filter(kind="callback_due").exclude(
        ticket__in=solved[:2]).delete()  # as if only the two oldest had been listed before
    # when
    done = sweep_at("2026-11-24 10:00 +0800")["callbacks_due"]
    # then: the oldest listed ones did not hide the other five
    assert first_run == 7
    assert done == 5
    assert Alert.objects.filter(kind="callback_due").count() == 7
    assert sweep_at("2026-11-24 11:00 +0800")["callbacks_due"] == 0
