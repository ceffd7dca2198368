"""Excel export of a ticket list, the printed service form, and a refused action shown
next to its field in the HTMX fragment (nothing changed)."""
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from aftersales.tickets import services as tickets
from aftersales.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def staff(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def open_one(shop, summary="屏幕不显示", priority="normal"):
    return tickets.open_ticket(actor=shop["users"]["agent"], customer=shop["customer"],
                               device=shop["device"], channel="phone", kind="repair",
                               priority=priority, mode="onsite", summary=summary)


def test_the_filtered_list_exports_to_excel(shop):
    # given
    urgent = open_one(shop, "整机不开机", priority="urgent")
    open_one(shop, "咨询", priority="low")
    # when
    response = staff(shop["users"]["manager"]).get("/tickets/export.xlsx",
                                                   {"tab": "all", "priority": "urgent"})
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tickets-all.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "状态", "类型", "优先级", "客户")
    assert [row[:5] for row in rows[1:]] == [(urgent.number, "新建", "维修", "紧急", "张伟")]


def test_the_service_form_prints_on_a4_with_signature_lines(shop):
    # given
    ticket = open_one(shop)
    # when
    response = staff(shop["users"]["agent"]).get(f"/tickets/{ticket.pk}/service-form.pdf")
    # then
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "售后服务维修联络单" in text and ticket.number in text
    assert "客户签字" in text and "工程师签字" in text and "屏幕不显示" in text


def test_a_refused_action_is_shown_next_to_its_field_and_changes_nothing(shop):
    # given
    ticket = open_one(shop)
    client = staff(shop["users"]["manager"])
    # when: assign without picking an engineer, as the HTMX form posts it
    response = client.post(f"/tickets/{ticket.pk}/actions/assign/",
                           {"version": ticket.version, "engineer": ""}, HTTP_HX_REQUEST="true")
    # then: the workspace fragment comes back with the message under the select
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="workspace">')
    assert '<p class="error" role="alert" id="assign-engineer-error">请选择工程师。</p>' in html
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.engineer_id, fresh.version) == ("new", None, ticket.version)


def test_a_stale_version_is_refused_above_the_form(shop):
    # given
    ticket = open_one(shop)
    client = staff(shop["users"]["manager"])
    tickets.respond(actor=shop["users"]["agent"], ticket=ticket, note="已回电")
    # when: the page was opened before the response
    response = client.post(f"/tickets/{ticket.pk}/actions/escalate/",
                           {"version": ticket.version, "reason": "客户催促"},
                           HTTP_HX_REQUEST="true")
    # then
    assert "工单已被他人修改" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).escalated_at is None


def test_another_point_cannot_see_the_ticket(shop):
    # given
    from tests.factories import ServicePointFactory, UserFactory

    ticket = open_one(shop)
    outsider = UserFactory(username="bj_agent", role="agent",
                           service_point=ServicePointFactory(code="BJ01"))
    # when
    response = staff(outsider).get(f"/tickets/{ticket.pk}/")
    # then
    assert response.status_code == 404
