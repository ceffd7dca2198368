"""The ticket page tells the whole story in Chinese: fault and findings, the warranty
decision with its basis and every reason, the quote with who approved it and when, the
signature image and satisfaction; money that does not add up says why."""
from django.test import Client

from .conftest import act
from .test_service_form import frozen, signed  # noqa: F401  (fixtures)


def page(user, ticket):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    response = client.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, marker, end="</section>"):
    start = html.index(marker)
    return html[start:html.index(end, start)]


def test_the_story_of_a_signed_job(signed, hotline):  # noqa: F811
    html = page(hotline, signed)
    story = section(html, 'id="story"')
    assert "F-SCR 屏幕故障" in story and "屏幕排线断裂" in story and "非人为故障" in story
    decision = section(story, 'id="warranty-decision"', "</dd>")
    assert "保外" in decision and "没有购机凭证" in decision
    assert "排线维修" in story and "¥1,200.00" in story
    assert "张客服" in story and "批准" in story  # approved by the hotline agent, with time
    assert "2026-11-23 10:00" in story
    assert 'id="signature-image" src="data:image/png;base64,' in story
    assert "刘先生" in story and "<strong>5</strong>/5" in story


def test_money_that_is_not_owed_yet_says_why(make_ticket, hotline_api, tech_api, tech,
                                              hotline):
    from tests.factories import FaultCodeFactory

    FaultCodeFactory(code="F-SCR")
    ticket = make_ticket()
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    act(tech_api, ticket, "arrive")
    act(tech_api, ticket, "diagnose", fault_code="F-SCR")
    act(tech_api, ticket, "quote", lines=[{"kind": "labour", "description": "检修",
                                           "qty": 1, "rate": "STD"}])  # 80.00 as published
    said = section(page(hotline, ticket), 'id="money-said"', "</div>")
    assert "客户尚未确认" in said and "¥130.00" in said
    act(hotline_api, ticket, "approve_quote")
    said = section(page(hotline, ticket), 'id="money-said"', "</div>")
    assert "维修完成后才到期" in said


def test_a_paid_job_says_paid(signed, hotline, admin_user):  # noqa: F811
    from aftersales.billing.selectors import ticket_money
    from aftersales.billing.services import record_payment

    owed = ticket_money(ticket=signed)["outstanding"]
    assert owed > 0
    said = section(page(hotline, signed), 'id="money-said"', "</div>")
    assert "尚欠 ¥1,250.00" in said
    record_payment(actor=admin_user, ticket=signed, amount=owed, method="cash")
    said = section(page(hotline, signed), 'id="money-said"', "</div>")
    assert "已全额付清（¥1,250.00）" in said
