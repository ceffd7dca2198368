"""Staff certificates: skills are earned; dispatch suggestions and the assignment check read
them; an uncertified engineer is refused unless a manager overrides with a reason."""
from datetime import date

from aftersales.network import selectors, services
from aftersales.network.models import Certificate
from aftersales.tickets.models import TicketEvent

from .conftest import api


def test_certificate_api(site):
    response = api(site["boss"]).post(f"/staff/{site['tech'].pk}/certificates",
                                      {"category": "手机", "valid_until": "2027-11-22"})
    assert response.status_code == 201, response.content
    assert response.json()["valid_from"] == "2026-11-23"
    listed = api(site["boss"]).get(f"/staff/{site['tech'].pk}/certificates").json()
    assert [c["category"] for c in listed] == ["手机"]
    # an agent may not grant certificates; nothing is recorded
    refused = api(site["agent"]).post(f"/staff/{site['rookie'].pk}/certificates",
                                      {"category": "手机", "valid_until": "2027-11-22"})
    assert refused.status_code == 403
    assert Certificate.objects.filter(user=site["rookie"]).count() == 0


def test_certified_categories_follow_validity(site):
    services.record_certificate(actor=site["root"], user=site["tech"], category="手机",
                                valid_from=date(2026, 1, 1), valid_until=date(2026, 11, 30))
    services.record_certificate(actor=site["root"], user=site["tech"], category="平板",
                                valid_from=date(2026, 12, 1), valid_until=date(2027, 12, 1))
    assert selectors.certified_categories(site["tech"], date(2026, 11, 23)) == {"手机"}
    assert selectors.certified_categories(site["tech"], date(2026, 12, 1)) == {"平板"}


def test_suggestions_put_the_certified_engineer_first(site, new_ticket):
    services.record_certificate(actor=site["root"], user=site["rookie"], category="手机",
                                valid_until=date(2027, 1, 1))
    ticket = new_ticket()
    items = api(site["boss"]).get(f"/tickets/{ticket.pk}/suggestions").json()["items"]
    assert [(i["engineer"], i["skill_match"], i["skills"]) for i in items] == [
        (site["rookie"].pk, True, ["手机"]), (site["tech"].pk, False, [])]


def test_an_uncertified_engineer_is_refused(site, new_ticket):
    ticket = new_ticket()
    response = api(site["agent"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                       {"engineer": site["tech"].pk})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_certified"
    assert response.json()["error"]["field"] == "engineer"
    ticket.refresh_from_db()
    assert (ticket.engineer_id, ticket.status) == (None, "new")
    # an agent's reason does not override
    again = api(site["agent"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                    {"engineer": site["tech"].pk, "reason": "没人了"})
    assert again.status_code == 409


def test_a_manager_overrides_with_a_reason_recorded_in_the_event(site, new_ticket):
    ticket = new_ticket()
    no_reason = api(site["boss"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                       {"engineer": site["tech"].pk})
    assert no_reason.status_code == 409
    response = api(site["boss"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                      {"engineer": site["tech"].pk, "reason": "持证工程师休假"})
    assert response.status_code == 200, response.content
    event = TicketEvent.objects.get(ticket=ticket, action="assign")
    assert event.data["certificate_override"] == "持证工程师休假"
    assert event.data["category"] == "手机"


def test_a_certified_engineer_is_assigned(site, new_ticket):
    services.record_certificate(actor=site["root"], user=site["tech"], category="手机",
                                valid_until=date(2027, 1, 1))
    ticket = new_ticket()
    response = api(site["agent"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                       {"engineer": site["tech"].pk})
    assert response.status_code == 200
    assert "certificate_override" not in TicketEvent.objects.get(ticket=ticket,
                                                                 action="assign").data


def test_an_expired_certificate_counts_for_nothing(site, new_ticket):
    services.record_certificate(actor=site["root"], user=site["tech"], category="手机",
                                valid_from=date(2025, 1, 1), valid_until=date(2026, 11, 22))
    ticket = new_ticket()
    response = api(site["agent"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                       {"engineer": site["tech"].pk})
    assert response.status_code == 409
