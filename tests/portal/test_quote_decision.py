"""The customer answers a quote on the portal: the tracking page shows the lines, the
warranty verdict in plain words and the total; approving needs a drawn signature (kept),
rejecting a reason; the ticket moves exactly as the staff actions move it, the customer
named in the event. Number + phone alone only reads. A complaint becomes a complaint ticket."""
import base64
from io import BytesIO

import pytest
from django.test import Client
from PIL import Image, ImageDraw

from aftersales.billing.models import Quote
from aftersales.portal.models import QuoteDecision
from aftersales.tickets.models import Complaint, Ticket, TicketEvent


def drawn_png(ink=True) -> str:
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(image).line([(10, 60), (150, 20), (290, 90)], fill=(0, 0, 0, 255), width=3)
    out = BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def web():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_the_tracking_page_shows_the_quote_in_plain_words(web, quoted):
    ticket = quoted["ticket"]
    html = web.get(f"/portal/t/{ticket.tracking_secret}").content.decode()
    assert "不属于保修范围，原因：故障由未按说明书使用、维护或保管造成。维修需收费。" in html
    assert "上门费" in html and "X9 屏幕总成" in html
    assert '<strong id="money-total">¥530.00</strong>' in html
    assert 'id="approve-form"' in html and 'id="reject-form"' in html


def test_number_and_phone_read_the_quote_but_cannot_answer_it(web, quoted):
    ticket = quoted["ticket"]
    html = web.get("/portal/track/", {"number": ticket.number,
                                      "phone": "13912345678"}).content.decode()
    assert '<strong id="money-total">¥530.00</strong>' in html
    assert 'id="approve-form"' not in html
    assert "通过短信验证码确认手机号后即可同意或拒绝" in html


def test_approve_with_a_drawn_signature(web, quoted):
    ticket = quoted["ticket"]
    # when
    response = web.post(f"/portal/t/{ticket.tracking_secret}/decide",
                        {"decision": "approve", "signed_by": "张伟", "signature": drawn_png()})
    # then: the ticket moved as the staff action moves it
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.repair_started_at is not None) == ("in_repair", True)
    quote = Quote.objects.get(ticket=ticket, status="approved")
    assert quote.decided_by is None
    event = TicketEvent.objects.get(ticket=ticket, action="approve_quote")
    assert (event.actor, event.from_status, event.to_status) == (None, "awaiting_approval",
                                                                 "in_repair")
    assert event.data == {"quote": quote.pk, "total": "530.00",
                          "customer": {"name": "张伟", "via": "link", "portal": True}}
    decision = QuoteDecision.objects.get(quote=quote)
    assert (decision.decision, decision.signed_by, decision.total) == ("approved", "张伟",
                                                                       quote.total)
    assert base64.b64decode(decision.signature_png).startswith(b"\x89PNG")
    html = web.get(f"/portal/t/{ticket.tracking_secret}").content.decode()
    assert 'id="decision-done"' in html and "您已于" in html


@pytest.mark.parametrize("post,field,message", [
    ({"signed_by": "张伟", "signature": ""}, "q-canvas", "请先用手指在方框内签名。"),
    ({"signed_by": "张伟", "signature": drawn_png(ink=False)}, "q-canvas",
     "请先用手指在方框内签名。"),
    ({"signed_by": "张伟", "signature": "data:image/png;base64,bm90IGEgcG5n"}, "q-canvas",
     "签名须为 PNG 图片。"),
    ({"signed_by": "", "signature": drawn_png()}, "q-name", "此项为必填项。"),
])
def test_an_approval_without_a_signature_changes_nothing(web, quoted, post, field, message):
    ticket = quoted["ticket"]
    response = web.post(f"/portal/t/{ticket.tracking_secret}/decide",
                        {"decision": "approve", **post})
    assert response.status_code == 422
    assert f'id="{field}-error">{message}</p>' in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == ("awaiting_approval", quoted["ticket"].version)
    assert not QuoteDecision.objects.exists()
    assert Quote.objects.get(ticket=ticket).status == "pending"


def test_reject_with_a_reason(web, quoted):
    ticket = quoted["ticket"]
    # when
    web.post(f"/portal/t/{ticket.tracking_secret}/decide",
             {"decision": "reject", "reason": "太贵了，不修了"})
    # then: the job ends as reject_quote ends it; only the visit is charged
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    event = TicketEvent.objects.get(ticket=ticket, action="reject_quote")
    assert event.data["reason"] == "太贵了，不修了"
    assert event.data["customer"]["via"] == "link"
    assert QuoteDecision.objects.get().reason == "太贵了，不修了"
    html = web.get(f"/portal/t/{ticket.tracking_secret}").content.decode()
    assert "应付：¥50.00" in html


def test_a_rejection_needs_a_reason(web, quoted):
    ticket = quoted["ticket"]
    response = web.post(f"/portal/t/{ticket.tracking_secret}/decide", {"decision": "reject"})
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.status == "awaiting_approval"


def test_the_second_answer_is_refused(web, quoted):
    ticket = quoted["ticket"]
    url = f"/portal/t/{ticket.tracking_secret}/decide"
    web.post(url, {"decision": "approve", "signed_by": "张伟", "signature": drawn_png()})
    response = web.post(url, {"decision": "reject", "reason": "反悔"})
    assert response.status_code == 409
    assert QuoteDecision.objects.count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "in_repair"


def test_a_complaint_becomes_a_complaint_ticket(web, quoted):
    ticket = quoted["ticket"]
    response = web.post(f"/portal/t/{ticket.tracking_secret}/complaint",
                        {"name": "张伟", "text": "工程师迟到两小时"})
    assert response.status_code == 200
    complaint = Ticket.objects.get(kind="complaint")
    assert (complaint.customer_id, complaint.order_ref, complaint.description,
            complaint.channel) == (ticket.customer_id, ticket.number, "工程师迟到两小时", "web")
    assert Complaint.objects.filter(ticket=complaint).exists()
    assert f"您的投诉已登记，编号 {complaint.number}。" in response.content.decode()


def test_an_empty_complaint_is_refused(web, quoted):
    response = web.post(f"/portal/t/{quoted['ticket'].tracking_secret}/complaint", {"text": " "})
    assert response.status_code == 422
    assert not Ticket.objects.filter(kind="complaint").exists()
