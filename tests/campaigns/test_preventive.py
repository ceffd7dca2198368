"""PRODUCT.md "Follow-up": covered equipment gets a preventive maintenance visit every
quarter (free in warranty, as the contract says after), counted done or missed; the
sweep opens each visit's ticket once under a frozen clock."""
from datetime import date

import time_machine

from aftersales.campaigns.models import PreventiveVisit
from aftersales.campaigns.services.preventive import visits_in_quarter
from aftersales.campaigns.sweeps import run_followup_sweeps
from aftersales.tickets.models import Ticket


def test_visits_are_spread_over_the_quarters():
    assert [visits_in_quarter(4, q) for q in (1, 2, 3, 4)] == [1, 1, 1, 1]
    assert [visits_in_quarter(2, q) for q in (1, 2, 3, 4)] == [0, 1, 0, 1]
    assert [visits_in_quarter(1, q) for q in (1, 2, 3, 4)] == [0, 0, 0, 1]
    assert [visits_in_quarter(8, q) for q in (1, 2, 3, 4)] == [2, 2, 2, 2]


def test_each_quarter_opens_one_maintenance_ticket_per_covered_unit_once(
        make_customer, make_unit, make_contract):
    # given: an annual contract (4 visits a year) covering two units, one out of warranty
    customer = make_customer()
    fresh = make_unit("SNP1", customer, purchased=date(2026, 6, 1))
    old = make_unit("SNP2", customer, purchased=date(2024, 6, 1))
    contract = make_contract(customer, devices=[fresh, old], covers_visits=False)
    make_contract(make_customer(), kind="per_visit")  # no preventive visits
    # when: the sweep runs twice in Q4, then in Q1 of the next year is out of the contract
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False):
        assert run_followup_sweeps()["preventive_visits"] == 2
        assert run_followup_sweeps()["preventive_visits"] == 0
    # then
    visits = {v.device.serial: v for v in PreventiveVisit.objects.select_related("device")}
    assert set(visits) == {"SNP1", "SNP2"}
    assert (visits["SNP1"].quarter, visits["SNP1"].due_on, visits["SNP1"].free) == (
        "2026Q4", date(2026, 12, 31), True)
    assert visits["SNP2"].free is False  # out of warranty, the contract does not cover visits
    tickets = Ticket.objects.filter(kind="maintenance")
    assert tickets.count() == 2
    assert {t.order_ref for t in tickets} == {contract.number}


def test_visits_are_counted_done_or_missed(boss, make_customer, make_unit, make_contract):
    customer = make_customer()
    units = [make_unit(f"SNQ{i}", customer) for i in range(2)]
    make_contract(customer, devices=units)
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False):
        run_followup_sweeps()
    done, missed = PreventiveVisit.objects.order_by("device__serial")
    Ticket.objects.filter(pk=done.ticket_id).update(
        resolved_at=date(2026, 12, 10).isoformat() + "T10:00:00+08:00")
    with time_machine.travel("2026-12-20 09:00 +0800", tick=False):
        assert run_followup_sweeps()["preventive_counted"] == 1
    with time_machine.travel("2027-01-01 09:00 +0800", tick=False):
        assert run_followup_sweeps()["preventive_counted"] == 1
        assert run_followup_sweeps()["preventive_counted"] == 0
    done.refresh_from_db()
    missed.refresh_from_db()
    assert (done.status, missed.status) == ("done", "missed")
