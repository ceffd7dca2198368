"""A dispatch waiting for its approver is decided from the alerts page: the approver's
alert row carries approve and reject; approve assigns the ticket and closes the alert,
reject assigns nothing; anyone else sees no buttons and is refused with nothing changed."""
import pytest
from django.test import Client

from aftersales.network.models import DispatchApprovalRule
from aftersales.notifications.models import Alert
from aftersales.tickets import services as tickets
from aftersales.tickets.models import DispatchApproval, Ticket
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    ProductModelFactory,
    ServicePointFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    point = ServicePointFactory(code="SJZ", name="石家庄站")
    people = {
        "agent": UserFactory(username="agent", name="李客服", role="agent",
                             service_point=point),
        "head": UserFactory(username="head", name="王主任", role="manager",
                            service_point=point),
        "boss": UserFactory(username="boss", name="赵经理", role="manager",
                            service_point=point),
        "tech": UserFactory(username="tech", name="张工", role="engineer",
                            service_point=point),
    }
    DispatchApprovalRule.objects.create(service_point=point, approver=people["head"])
    customer = CustomerFactory(name="华北电力", phone="13800000001", service_point=point)
    device = DeviceFactory(customer=customer, model=ProductModelFactory(category="手机"))
    ticket = tickets.open_ticket(actor=people["agent"], customer=customer, device=device,
                                 channel="phone", kind="repair", priority="normal",
                                 mode="onsite", summary="屏幕不亮")
    tickets.assign(actor=people["agent"], ticket=ticket, engineer=people["tech"])
    return {**people, "ticket": ticket, "approval": DispatchApproval.objects.get()}


def client_of(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def state(site):
    ticket = Ticket.objects.get(pk=site["ticket"].pk)
    approval = DispatchApproval.objects.get(pk=site["approval"].pk)
    alert = Alert.objects.get(kind="dispatch_approval")
    return (ticket.engineer_id, ticket.status, ticket.version, approval.status,
            alert.acknowledged_at)


def test_the_approvers_alert_row_offers_approve_and_reject(site):
    page = client_of(site["head"]).get("/alerts/").content.decode()
    row = page[page.index(f'id="alert-{Alert.objects.get().pk}"'):]
    row = row[:row.index("</tr>")]
    assert "上门：张工 · 由 李客服 提出" in row
    assert f'action="/alerts/dispatch-approvals/{site["approval"].pk}/approve/"' in row
    assert f'action="/alerts/dispatch-approvals/{site["approval"].pk}/reject/"' in row
    assert ">批准派工</button>" in row and ">拒绝</button>" in row


def test_approve_assigns_and_closes_the_alert(site):
    response = client_of(site["head"]).post(
        f"/alerts/dispatch-approvals/{site['approval'].pk}/approve/", follow=True)
    assert response.status_code == 200
    assert f"已批准：工单 {site['ticket'].number} 已派给 张工。" in response.content.decode()
    engineer, status, _, decided, acknowledged = state(site)
    assert (engineer, status, decided) == (site["tech"].pk, "assigned", "approved")
    assert acknowledged is not None


def test_reject_assigns_nothing(site):
    response = client_of(site["head"]).post(
        f"/alerts/dispatch-approvals/{site['approval'].pk}/reject/", follow=True)
    assert f"已拒绝：工单 {site['ticket'].number} 不派给 张工。" in response.content.decode()
    engineer, status, _, decided, acknowledged = state(site)
    assert (engineer, status, decided) == (None, "new", "rejected")
    assert acknowledged is not None


def test_another_manager_sees_no_buttons_and_is_refused(site):
    boss = client_of(site["boss"])
    page = boss.get("/alerts/").content.decode()
    assert "批准派工" not in page
    before = state(site)
    response = boss.post(f"/alerts/dispatch-approvals/{site['approval'].pk}/approve/",
                         follow=True)
    assert "只有审批人" in response.content.decode()
    assert state(site) == before


def test_a_decided_approval_is_not_decided_again(site):
    head = client_of(site["head"])
    head.post(f"/alerts/dispatch-approvals/{site['approval'].pk}/reject/")
    before = state(site)
    response = head.post(f"/alerts/dispatch-approvals/{site['approval'].pk}/approve/",
                         follow=True)
    assert "该派工已审批过。" in response.content.decode()
    assert state(site) == before


def test_a_get_changes_nothing(site):
    before = state(site)
    response = client_of(site["head"]).get(
        f"/alerts/dispatch-approvals/{site['approval'].pk}/approve/")
    assert response.status_code == 405
    assert state(site) == before
