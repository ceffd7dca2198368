"""PRODUCT.md "Follow-up" / API.md "Leads": renewal leads 60 days before a warranty or
contract ends, expired-warranty leads, the account owner told; each once under a frozen
clock however often the sweep runs."""
from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from aftersales.billing.services import bill_contract
from aftersales.campaigns.models import FollowUpPolicy, Lead
from aftersales.campaigns.services.leads import lose_lead
from aftersales.campaigns.sweeps import run_followup_sweeps
from aftersales.contracts.services import renew_contract
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.customers.services import set_account_owner
from aftersales.notifications.models import Outbox
from aftersales.tickets.services import open_ticket
from tests.conftest import ApiClient


def test_a_contract_ending_in_60_days_gives_one_renewal_lead(make_customer, make_contract,
                                                              seller):
    # given: a contract ending 31 Dec; an account owner in sales
    customer = make_customer(owner=seller)
    contract = make_contract(customer, ends=date(2026, 12, 31))
    # when: the sweep runs three times on the 61st and the 60th day before
    with time_machine.travel("2026-10-31 09:00 +0800", tick=False):
        assert run_followup_sweeps()["renewal_leads"] == 0
    with time_machine.travel("2026-11-01 09:00 +0800", tick=False):
        first = run_followup_sweeps()
        second = run_followup_sweeps()
        call_command("sweep")
    # then
    assert first["renewal_leads"] == 1 and second["renewal_leads"] == 0
    lead = Lead.objects.get()
    assert (lead.kind, lead.status, lead.contract, lead.due_on, lead.owner) == (
        "renewal", "open", contract, date(2026, 12, 31), seller)
    told = Outbox.objects.filter(kind="lead_renewal")
    assert [row.recipient for row in told] == ["13900000001"]


def test_the_renewal_window_is_a_rule_row(make_customer, make_contract):
    policy = FollowUpPolicy.current()
    policy.renewal_lead_days = 30
    policy.save()
    make_contract(make_customer(), ends=date(2026, 12, 31))
    with time_machine.travel("2026-11-01 09:00 +0800", tick=False):
        assert run_followup_sweeps()["renewal_leads"] == 0
    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        assert run_followup_sweeps()["renewal_leads"] == 1


def test_a_unit_warranty_ending_gives_a_renewal_lead(make_customer, make_unit):
    # given: bought 10 Jan 2026, 12 months: the warranty runs to 10 Jan 2027
    unit = make_unit("SNW1", make_customer(), purchased=date(2026, 1, 10))
    make_unit("SNW2", make_customer(), purchased=date(2026, 3, 10))  # ends in March
    with time_machine.travel("2026-11-11 09:00 +0800", tick=False):
        assert run_followup_sweeps()["renewal_leads"] == 1
        assert run_followup_sweeps()["renewal_leads"] == 0
    lead = Lead.objects.get()
    assert (lead.device, lead.due_on) == (unit, date(2027, 1, 10))


def test_a_request_on_an_expired_warranty_gives_a_lead_for_sales(boss, make_customer,
                                                                  make_unit, seller):
    customer = make_customer()
    expired = make_unit("SNE1", customer, purchased=date(2025, 1, 5))
    covered = make_unit("SNE2", customer, purchased=date(2026, 6, 1))
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        ticket = open_ticket(actor=boss, customer=customer, device=expired, channel="phone",
                             kind="repair", priority="normal", mode="onsite", summary="不开机")
        open_ticket(actor=boss, customer=customer, device=covered, channel="phone",
                    kind="repair", priority="normal", mode="onsite", summary="花屏")
    with time_machine.travel("2026-11-20 10:01 +0800", tick=False):
        assert run_followup_sweeps()["expired_warranty_leads"] == 1
        assert run_followup_sweeps()["expired_warranty_leads"] == 0
    lead = Lead.objects.get(kind="expired_warranty")
    assert (lead.ticket, lead.device, lead.due_on) == (ticket, expired, date(2026, 1, 5))
    # no owner: the (HQ) sales staff are told
    assert Outbox.objects.filter(kind="lead_expired_warranty",
                                 recipient="13900000001").count() == 1


def test_the_owner_is_told_once_when_their_customer_calls(boss, make_customer, seller):
    customer = make_customer(owner=seller)
    other = make_customer()
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        ticket = open_ticket(actor=boss, customer=customer, channel="phone", kind="consultation",
                             priority="normal", mode="remote", summary="问价格")
        open_ticket(actor=boss, customer=other, channel="phone", kind="consultation",
                    priority="normal", mode="remote", summary="问价格")
        assert run_followup_sweeps()["owners_told"] == 1
        assert run_followup_sweeps()["owners_told"] == 0
    row = Outbox.objects.get(kind="owner_call")
    assert (row.ticket, row.recipient) == (ticket, "13900000001")


def test_only_a_sales_member_owns_an_account(boss, make_customer, engineer):
    customer = make_customer()
    with pytest.raises(ValidationFailed) as refused:
        set_account_owner(actor=boss, customer=customer, owner=engineer)
    assert refused.value.field == "account_owner"
    customer.refresh_from_db()
    assert customer.account_owner is None


def test_leads_are_listed_won_and_lost_through_the_api(boss, make_customer, make_contract,
                                                       seller):
    first = make_contract(make_customer(owner=seller), ends=date(2026, 12, 20))
    make_contract(make_customer(owner=seller), ends=date(2026, 12, 25))
    with time_machine.travel("2026-11-01 09:00 +0800", tick=False):
        run_followup_sweeps()
    api = ApiClient(seller)
    items = api.get("/leads", {"status": "open"}).json()["items"]
    assert [(i["kind"], i["contract"], i["due_on"]) for i in items] == [
        ("renewal", first.number, "2026-12-20"),
        ("renewal", items[1]["contract"], "2026-12-25")]
    # lost needs a reason; nothing changes without one
    refused = api.post(f"/leads/{items[1]['id']}/lost", {"reason": " "})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "reason"
    assert Lead.objects.get(pk=items[1]["id"]).status == "open"
    lost = api.post(f"/leads/{items[1]['id']}/lost", {"reason": "换了竞争对手"}).json()
    assert (lost["status"], lost["lost_reason"]) == ("lost", "换了竞争对手")
    # the renewal signed wins the lead (the sweep sees it)
    renewed = renew_contract(actor=boss, contract=first, bill=bill_contract)
    with time_machine.travel("2026-11-02 09:00 +0800", tick=False):
        assert run_followup_sweeps()["leads_won_by_renewal"] == 1
    won = api.get(f"/leads/{items[0]['id']}").json()
    assert (won["status"], won["won_contract"]) == ("won", renewed.number)
    again = api.post(f"/leads/{items[0]['id']}/lost", {"reason": "x"})
    assert again.status_code == 409


def test_agents_do_not_read_leads(agent_api):
    assert agent_api.get("/leads").status_code == 403


def test_closing_a_closed_lead_is_refused(boss, make_customer, make_contract):
    make_contract(make_customer(), ends=date(2026, 12, 20))
    with time_machine.travel("2026-11-01 09:00 +0800", tick=False):
        run_followup_sweeps()
    lead = lose_lead(actor=boss, lead=Lead.objects.get(), reason="不需要")
    with pytest.raises(Conflict):
        lose_lead(actor=boss, lead=lead, reason="again")
