"""Dispatch approval: at a point with the rule, an on-site assignment waits for the
department head, who is alerted and approves (assigned) or rejects (nothing assigned)."""
from aftersales.network.models import DispatchApprovalRule
from aftersales.notifications.models import Alert
from aftersales.tickets.models import DispatchApproval, TicketEvent

from .conftest import api


def _rule(site, kind=""):
    return DispatchApprovalRule.objects.create(service_point=site["point"], ticket_kind=kind,
                                               approver=site["head"])


def test_an_onsite_assignment_waits_and_alerts_the_approver(site, new_ticket):
    _rule(site)
    ticket = new_ticket()
    response = api(site["boss"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                      {"engineer": site["tech"].pk, "reason": "紧急"})
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert (ticket.engineer_id, ticket.status) == (None, "new")
    approval = DispatchApproval.objects.get()
    assert (approval.status, approval.engineer, approval.approver) == (
        "pending", site["tech"], site["head"])
    alert = Alert.objects.get(kind="dispatch_approval")
    assert (alert.for_user, alert.ticket_id) == (site["head"], ticket.pk)
    assert TicketEvent.objects.filter(ticket=ticket, action="dispatch_requested").count() == 1
    # a second request while one waits is refused
    again = api(site["boss"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                   {"engineer": site["rookie"].pk, "reason": "紧急"})
    assert again.status_code == 409
    assert DispatchApproval.objects.count() == 1
    # the approver sees it waiting and approves: the job is assigned
    head = api(site["head"])
    assert [a["id"] for a in head.get("/dispatch-approvals").json()] == [approval.pk]
    decided = head.post(f"/dispatch-approvals/{approval.pk}/approve", {"note": "同意"})
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    ticket.refresh_from_db()
    assert (ticket.engineer_id, ticket.status) == (site["tech"].pk, "assigned")
    event = TicketEvent.objects.get(ticket=ticket, action="assign")
    assert event.data["approved_by"] == site["head"].pk
    assert event.data["certificate_override"] == "紧急"
    alert.refresh_from_db()
    assert alert.acknowledged_by == site["head"]
    assert head.get("/dispatch-approvals").json() == []


def test_only_the_approver_decides_and_a_rejection_assigns_nothing(site, new_ticket):
    _rule(site)
    ticket = new_ticket()
    api(site["boss"]).post(f"/tickets/{ticket.pk}/actions/assign",
                           {"engineer": site["tech"].pk, "reason": "紧急"})
    approval = DispatchApproval.objects.get()
    refused = api(site["boss"]).post(f"/dispatch-approvals/{approval.pk}/approve", {})
    assert refused.status_code == 403
    approval.refresh_from_db()
    assert approval.status == "pending"
    rejected = api(site["head"]).post(f"/dispatch-approvals/{approval.pk}/reject",
                                      {"note": "另派"})
    assert rejected.json()["status"] == "rejected"
    ticket.refresh_from_db()
    assert ticket.engineer_id is None
    twice = api(site["head"]).post(f"/dispatch-approvals/{approval.pk}/approve", {})
    assert twice.status_code == 409


def test_the_rule_is_per_ticket_kind_and_on_site_only(site, new_ticket):
    _rule(site, kind="installation")
    repair = new_ticket(kind="repair")
    response = api(site["boss"]).post(f"/tickets/{repair.pk}/actions/assign",
                                      {"engineer": site["tech"].pk, "reason": "紧急"})
    assert response.status_code == 200
    repair.refresh_from_db()
    assert repair.engineer_id == site["tech"].pk
    _rule(site)  # every kind, but a send-in job is not on site
    send_in = new_ticket(mode="send_in")
    api(site["boss"]).post(f"/tickets/{send_in.pk}/actions/assign",
                           {"engineer": site["tech"].pk, "reason": "紧急"})
    send_in.refresh_from_db()
    assert send_in.engineer_id == site["tech"].pk
    assert DispatchApproval.objects.count() == 0


def test_the_approver_assigning_himself_needs_no_approval(site, new_ticket):
    _rule(site)
    ticket = new_ticket()
    response = api(site["head"]).post(f"/tickets/{ticket.pk}/actions/assign",
                                      {"engineer": site["tech"].pk, "reason": "紧急"})
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.engineer_id == site["tech"].pk
