"""Service-point agreements: a lapsed agreement blocks new jobs (intake and assignment);
qualification checks; the expiry sweep reminds once."""
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile

from aftersales.network import selectors, services
from aftersales.network.models import Agreement, ExpiryReminder
from aftersales.tickets.models import Ticket

from .conftest import api


def test_a_lapsed_agreement_blocks_intake(site, new_ticket):
    services.record_agreement(actor=site["root"], service_point=site["point"],
                              starts_on=date(2025, 1, 1), ends_on=date(2026, 11, 22),
                              tier="gold", deposit=Decimal("50000"))
    response = api(site["agent"]).post("/tickets", {
        "customer": site["customer"].pk, "channel": "phone", "kind": "repair",
        "priority": "normal", "mode": "onsite", "summary": "不开机"})
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "agreement_lapsed"
    assert Ticket.objects.count() == 0


def test_an_agreement_in_force_lets_jobs_in(site, new_ticket):
    services.record_agreement(actor=site["root"], service_point=site["point"],
                              starts_on=date(2025, 1, 1), ends_on=date(2026, 11, 23),
                              tier="gold")
    assert new_ticket().service_point_id == site["point"].pk  # the last day still counts


def test_a_point_without_any_agreement_is_not_blocked(site, new_ticket):
    assert new_ticket().pk is not None


def test_a_lapsed_agreement_blocks_assignment(site, new_ticket):
    ticket = new_ticket()
    services.record_agreement(actor=site["root"], service_point=site["point"],
                              starts_on=date(2025, 1, 1), ends_on=date(2026, 6, 30),
                              tier="gold")
    response = api(site["boss"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                      {"engineer": site["tech"].pk})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "agreement_lapsed"
    ticket.refresh_from_db()
    assert (ticket.engineer_id, ticket.status) == (None, "new")


def test_agreement_api_and_document(site, admin_api):
    response = admin_api.post(f"/service-points/{site['point'].pk}/agreements", {
        "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tier": "gold",
        "deposit": "50000.00", "subsidy_rate": "3.50"})
    assert response.status_code == 201, response.content
    assert response.json()["deposit"] == "50000.00"
    bad = admin_api.post(f"/service-points/{site['point'].pk}/agreements", {
        "starts_on": "2026-12-31", "ends_on": "2026-01-01", "tier": "gold"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "ends_on"
    assert Agreement.objects.count() == 1
    signed = services.record_agreement(
        actor=site["root"], service_point=site["point"], starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31), tier="gold",
        document=ContentFile(b"%PDF-1.4 signed", name="agreement.pdf"))
    assert signed.document.name.startswith(f"agreements/{site['point'].pk}/")
    assert signed.document.read() == b"%PDF-1.4 signed"


def test_qualification_report(site):
    services.record_certificate(actor=site["root"], user=site["tech"], category="手机",
                                valid_until=date(2027, 1, 1))
    rows = selectors.qualification_report(service_point=site["point"], on=date(2026, 11, 23))
    assert rows == [{"category": "手机", "certified": 1, "required": 1,
                     "missing_equipment": ["BGA返修台"], "ok": False}]
    services.add_point_equipment(actor=site["root"], service_point=site["point"],
                                 name="BGA返修台")
    rows = selectors.qualification_report(service_point=site["point"], on=date(2026, 11, 23))
    assert rows[0]["ok"] is True


def test_the_expiry_sweep_reminds_once(site):
    ending = services.record_agreement(actor=site["root"], service_point=site["point"],
                                       starts_on=date(2026, 1, 1),
                                       ends_on=date(2026, 12, 20), tier="gold")
    cert = services.record_certificate(actor=site["root"], user=site["tech"], category="手机",
                                       valid_until=date(2026, 12, 1))
    services.record_certificate(actor=site["root"], user=site["rookie"], category="手机",
                                valid_until=date(2027, 6, 1))  # far off: no reminder
    first = services.sweep_expiries(on=date(2026, 11, 23))
    assert sorted((r.subject, r.object_id) for r in first) == [
        ("agreement", ending.pk), ("certificate", cert.pk)]
    assert services.sweep_expiries(on=date(2026, 11, 24)) == []
    assert ExpiryReminder.objects.count() == 2
    # a renewed term is not reminded of
    services.record_agreement(actor=site["root"], service_point=site["point"],
                              starts_on=date(2026, 12, 21), ends_on=date(2027, 12, 20),
                              tier="gold")
    assert services.sweep_expiries(on=date(2026, 11, 25)) == []
