"""PRODUCT.md: a bench repair not done within its target gives the customer a loaner or an
extension of the warranty by the days of delay (configurable). The offer is made once, when
the sweep finds the resolve clock passed; the choice is recorded; an extension grows the
unit's warranty by the days of delay."""
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.devices.models import WarrantyExtension
from aftersales.devices.selectors import warranty_ends
from aftersales.notifications.models import Outbox
from aftersales.tickets import field_services
from aftersales.tickets import services as tickets
from aftersales.tickets.models import LateRepairOffer, TicketEvent, TicketPolicy
from aftersales.tickets.remedies import days_late, offered
from aftersales.tickets.sweeps import run_sweeps
from tests.conftest import ApiClient
from tests.factories import FaultCodeFactory

APPROVED = "2026-11-23 10:00 +0800"  # Monday: due Thursday 26 Nov 10:00 (3 working days)


@pytest.fixture
def bench(customer, device, hotline, boss):
    device.purchase_date, device.invoice_no, device.warranty_card_no = (
        date(2026, 6, 1), "FP1", "K1")
    device.save()
    fault = FaultCodeFactory(code="F-MB")
    with time_machine.travel(APPROVED, tick=False):
        ticket = tickets.open_ticket(actor=hotline, customer=customer, device=device,
                                     channel="phone", kind="repair", priority="normal",
                                     mode="send_in", summary="不开机",
                                     contact_phone="13912345678")
        ticket = tickets.receive(actor=hotline, ticket=ticket, condition="完好")
        ticket = tickets.diagnose(actor=boss, ticket=ticket, fault_code=fault)
        ticket = tickets.quote(actor=boss, ticket=ticket, lines=[])  # free: repair starts
    assert ticket.resolve_due.isoformat() == "2026-11-26T02:00:00+00:00"
    return ticket


def sweep_at(when):
    with time_machine.travel(when, tick=False):
        return run_sweeps()


def test_the_rule():
    assert offered("choice") == ("loaner", "extension")
    assert offered("loaner") == ("loaner",)
    assert offered("extension") == ("extension",)
    at = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    assert days_late(due=at, done=at) == 0
    assert days_late(due=at, done=at + timedelta(minutes=1)) == 1
    assert days_late(due=at, done=at + timedelta(days=2)) == 2
    assert days_late(due=at, done=at + timedelta(days=2, seconds=1)) == 3


def test_a_late_bench_repair_is_offered_once(bench):
    assert sweep_at("2026-11-26 10:00 +0800")["clock_breaches"] == 0
    sweep_at("2026-11-26 10:01 +0800")
    sweep_at("2026-11-26 11:00 +0800")
    offer = LateRepairOffer.objects.get(ticket=bench)
    assert (offer.options, offer.choice, offer.due_at.isoformat()) == (
        ["loaner", "extension"], "", "2026-11-26T02:00:00+00:00")
    assert TicketEvent.objects.filter(ticket=bench, action="late_repair_offer").count() == 1
    sms = Outbox.objects.filter(ticket=bench, kind="late_repair", channel="sms")
    assert sms.count() == 1
    assert "备用机" in sms.get().body and "延长保修" in sms.get().body


def test_the_policy_decides_what_is_offered(bench):
    policy = TicketPolicy.current()
    policy.late_repair_remedy = "loaner"
    policy.save()
    sweep_at("2026-11-27 09:00 +0800")
    assert LateRepairOffer.objects.get(ticket=bench).options == ["loaner"]


def test_a_loaner_is_recorded_at_once(bench, hotline):
    sweep_at("2026-11-26 12:00 +0800")
    with time_machine.travel("2026-11-26 12:30 +0800", tick=False):
        offer = field_services.choose_late_remedy(actor=hotline, ticket=bench, choice="loaner")
    assert (offer.choice, offer.chosen_by, offer.extension_days) == ("loaner", hotline, None)
    with pytest.raises(Conflict):
        field_services.choose_late_remedy(actor=hotline, ticket=bench, choice="extension")


def test_an_extension_grows_the_warranty_by_the_days_of_delay(bench, hotline, boss, device):
    before = warranty_ends(device)
    assert before == date(2027, 6, 1)
    sweep_at("2026-11-26 12:00 +0800")
    # the extension cannot be fixed before the repair is done (the delay still grows)
    with pytest.raises(Conflict) as caught:
        field_services.choose_late_remedy(actor=hotline, ticket=bench, choice="extension")
    assert caught.value.code == "not_repaired_yet"
    assert LateRepairOffer.objects.get(ticket=bench).choice == ""
    # when the repair is done 2 days and 3 hours late, then chosen
    with time_machine.travel("2026-11-28 13:00 +0800", tick=False):
        tickets.resolve(actor=boss, ticket=bench, resolution="更换主板")
        offer = field_services.choose_late_remedy(actor=hotline, ticket=bench,
                                                  choice="extension")
    assert (offer.choice, offer.extension_days) == ("extension", 3)
    assert WarrantyExtension.objects.get(device=device).days == 3
    assert warranty_ends(device) == date(2027, 6, 4)


def test_bad_choices_change_nothing(bench, hotline):
    with pytest.raises(Conflict):  # nothing offered yet
        field_services.choose_late_remedy(actor=hotline, ticket=bench, choice="loaner")
    sweep_at("2026-11-26 12:00 +0800")
    with pytest.raises(ValidationFailed) as caught:
        field_services.choose_late_remedy(actor=hotline, ticket=bench, choice="refund")
    assert caught.value.field == "choice"
    offer = LateRepairOffer.objects.get(ticket=bench)
    assert (offer.choice, offer.chosen_at) == ("", None)


def test_the_choice_through_the_api(bench, hotline):
    sweep_at("2026-11-26 12:00 +0800")
    with time_machine.travel("2026-11-26 12:30 +0800", tick=False):
        api = ApiClient(hotline)
        bad = api.post(f"/tickets/{bench.pk}/late-repair-offer/choice", {"choice": "cash"})
        good = api.post(f"/tickets/{bench.pk}/late-repair-offer/choice", {"choice": "loaner"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "choice")
    assert good.status_code == 200
    assert (good.json()["choice"], good.json()["options"]) == ("loaner", ["loaner", "extension"])
