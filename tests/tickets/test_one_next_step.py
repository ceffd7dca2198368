"""One next step: the state's main action for this role is one clear form, the others
sit in a menu, only actions the user may run are offered, and each action confirms what
happened."""
from django.test import Client

from .conftest import act


def page(user, ticket, **extra):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client, client.get(f"/tickets/{ticket.pk}/", **extra).content.decode()


def main_form(html):
    start = html.index('id="main-action"')
    return html[start:html.index("</form>", start)]


def test_a_new_ticket_has_one_main_step_and_a_menu(make_ticket, boss):
    ticket = make_ticket()
    _, html = page(boss, ticket)
    assert 'id="action-respond"' in main_form(html)
    menu = html[html.index('id="more-actions"'):]
    assert 'id="action-assign"' in menu and "其他操作" in menu
    assert html.count('id="main-action"') == 1


def test_the_engineer_sees_only_his_own_steps(make_ticket, hotline_api, tech, boss):
    ticket = make_ticket()
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    _, html = page(tech, ticket)
    assert 'id="action-arrive"' in main_form(html)
    assert 'id="action-assign"' not in html and 'id="action-cancel"' not in html


def test_each_action_confirms_what_happened(make_ticket, boss):
    ticket = make_ticket()
    client, _ = page(boss, ticket)
    response = client.post(f"/tickets/{ticket.pk}/actions/respond/",
                           {"version": ticket.version, "note": "已回电"},
                           HTTP_HX_REQUEST="true")
    assert 'id="done-note"' in response.content.decode()
    assert "已完成：" in response.content.decode()


def test_a_signed_job_offers_no_second_signature(make_ticket, hotline_api, tech_api, tech):
    from tests.factories import FaultCodeFactory

    FaultCodeFactory(code="F-SCR")
    ticket = make_ticket(mode="remote", kind="consultation")
    act(hotline_api, ticket, "respond")
    act(hotline_api, ticket, "resolve", resolution="电话指导")
    act(hotline_api, ticket, "sign_off", signed_by="张三")
    from tests.factories import UserFactory

    _, html = page(UserFactory(role="manager", service_point=ticket.service_point), ticket)
    assert 'id="action-sign_off"' not in html and 'id="done-state"' in html
