"""Identity without accounts: a one-time code by SMS (hashed, 10 minutes, 5 wrong tries,
once), then the browser remembers the phone for 30 days (signed cookie) and shows that
phone's devices, warranty and tickets; logging out forgets it."""
import re
from datetime import date

import pytest
import time_machine
from django.test import Client

from aftersales.core.errors import ValidationFailed
from aftersales.notifications.models import Outbox
from aftersales.portal import identity
from aftersales.portal.models import PhoneCode, PortalPolicy
from aftersales.tickets import services as tickets
from tests.factories import CustomerFactory, DeviceFactory, ProductModelFactory, UserFactory

PHONE = "13912345678"


def code_sent(phone=PHONE) -> str:
    body = Outbox.objects.filter(recipient=phone, kind="portal_code").order_by("-id")[0].body
    return re.search(r"\d{6}", body).group(0)


@pytest.fixture
def archive(db):
    customer = CustomerFactory(name="张伟", phone=PHONE)
    DeviceFactory(serial="XY2601000001", customer=customer,
                  model=ProductModelFactory(code="X9", name="星耀 X9"),
                  purchase_date=date(2026, 1, 10), invoice_no="FP1", warranty_card_no="K1")
    ticket = tickets.open_ticket(actor=UserFactory(role="agent"), customer=customer,
                                 channel="phone", kind="repair", priority="normal",
                                 mode="onsite", summary="屏幕不亮")
    other = CustomerFactory(name="李四", phone="13800000009")
    tickets.open_ticket(actor=None, customer=other, channel="web", kind="repair",
                        priority="normal", mode="onsite", summary="别人的单")
    return {"customer": customer, "ticket": ticket}


def test_a_code_is_sent_by_sms_and_only_its_hash_is_kept(db):
    row = identity.send_code(phone="139 1234 5678")
    code = code_sent()
    assert row.phone == PHONE and code not in row.code_hash and len(row.code_hash) == 64
    assert Outbox.objects.get(kind="portal_code").channel == "sms"
    assert identity.confirm_code(phone=PHONE, code=code) == PHONE
    with pytest.raises(ValidationFailed):  # used once
        identity.confirm_code(phone=PHONE, code=code)


def test_a_code_expires_after_the_configured_minutes(db):
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        identity.send_code(phone=PHONE)
    with time_machine.travel("2026-11-23 10:10:01 +0800", tick=False):
        with pytest.raises(ValidationFailed) as refused:
            identity.confirm_code(phone=PHONE, code=code_sent())
    assert refused.value.field == "code"


def test_five_wrong_tries_void_the_code(db):
    identity.send_code(phone=PHONE)
    good = code_sent()
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            identity.confirm_code(phone=PHONE, code=wrong)
    assert PhoneCode.objects.get().attempts == 5
    with pytest.raises(ValidationFailed):
        identity.confirm_code(phone=PHONE, code=good)


def test_a_new_code_voids_the_earlier_one(db):
    identity.send_code(phone=PHONE)
    first = code_sent()
    identity.send_code(phone=PHONE)
    second = code_sent()
    if first != second:
        with pytest.raises(ValidationFailed):
            identity.confirm_code(phone=PHONE, code=first)
    assert identity.confirm_code(phone=PHONE, code=second) == PHONE


def test_asking_for_a_code_says_nothing_about_the_archive(db, archive):
    web = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    known = web.post("/portal/login/", {"phone": PHONE, "step": "send"}).content.decode()
    unknown = web.post("/portal/login/", {"phone": "13700000001",
                                          "step": "send"}).content.decode()
    def same(html, phone):
        html = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", html)
        return html.replace(phone, "X")

    assert same(known, PHONE) == same(unknown, "13700000001")


def test_the_browser_remembers_the_phone_for_30_days_and_forgets_on_logout(archive):
    web = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    # when: code asked and confirmed
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        web.post("/portal/login/", {"phone": PHONE, "step": "send"})
        response = web.post("/portal/login/", {"phone": PHONE, "step": "confirm",
                                               "code": code_sent(), "next": "/portal/mine/"})
        assert response.status_code == 302 and response["Location"] == "/portal/mine/"
        cookie = response.cookies[identity.COOKIE]
        assert cookie["max-age"] == 30 * 86400 and cookie["httponly"]
        # then: own devices, warranty and tickets, and nobody else's
        html = web.get("/portal/mine/").content.decode()
    assert "星耀 X9" in html and "XY2601000001" in html and "2027-01-10" in html
    assert archive["ticket"].number in html and "别人的单" not in html
    # and the tracking page by number + phone opens the secret page (may act)
    with time_machine.travel("2026-12-20 10:00 +0800", tick=False):
        tracked = web.get("/portal/track/", {"number": archive["ticket"].number,
                                             "phone": PHONE})
        assert tracked["Location"] == f"/portal/t/{archive['ticket'].tracking_secret}"
    # after 30 days the signature is too old
    with time_machine.travel("2026-12-24 10:00 +0800", tick=False):
        assert web.get("/portal/mine/")["Location"].startswith("/portal/login/")
    # logging out forgets it at once
    with time_machine.travel("2026-11-24 10:00 +0800", tick=False):
        web.post("/portal/logout/")
        assert web.get("/portal/mine/")["Location"].startswith("/portal/login/")


def test_a_forged_cookie_is_ignored(archive):
    web = Client()
    web.cookies[identity.COOKIE] = '{"phone": "13912345678"}'
    assert web.get("/portal/mine/")["Location"].startswith("/portal/login/")


def test_a_wrong_code_is_shown_next_to_the_field(db):
    web = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    web.post("/portal/login/", {"phone": PHONE, "step": "send"})
    response = web.post("/portal/login/", {"phone": PHONE, "step": "confirm", "code": "12"})
    assert response.status_code == 422
    assert 'id="l-code-error">验证码错误或已过期，请重新获取。</p>' in response.content.decode()
    assert identity.COOKIE not in response.cookies


def test_the_remembered_days_are_configuration(archive):
    policy = PortalPolicy.current()
    policy.identity_days = 1
    policy.save()
    web = Client()
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        web.post("/portal/login/", {"phone": PHONE, "step": "send"})
        web.post("/portal/login/", {"phone": PHONE, "step": "confirm", "code": code_sent()})
    with time_machine.travel("2026-11-24 10:01 +0800", tick=False):
        assert web.get("/portal/mine/").status_code == 302
