"""Delivery receipts update the outbox; WeChat template messages to followers with a shared,
refreshed access token; the official account's signed pushes."""
from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.notifications.models import (
    MessageTemplate,
    Outbox,
    WeChatAccessToken,
    WeChatFollower,
)
from aftersales.notifications.receipts import bind_wechat_follower
from aftersales.notifications.services import queue_notification, send_outbox
from tests.stub_http import start_stub


def sent_row(provider, message_id, channel="sms"):
    row = queue_notification(channel=channel, recipient="13912345678", body="b", kind="k")
    Outbox.objects.filter(pk=row.pk).update(status="sent", sent_at=timezone.now(), provider=provider,
                                            provider_message_id=message_id)
    return row


@pytest.fixture
def receipt_token(settings):
    settings.SMS_RECEIPT_TOKEN = "r-secret-2611"
    return "r-secret-2611"


def post_json(path, data):
    return Client().post(path, data=json.dumps(data), content_type="application/json")


def test_aliyun_receipts_mark_delivered_and_undelivered(db, receipt_token):
    # given
    ok, bad = sent_row("aliyun", "B1^0"), sent_row("aliyun", "B2^0")
    # when
    resp = post_json(f"/api/v1/integrations/sms/aliyun/receipts/{receipt_token}", [
        {"phone_number": "13912345678", "send_time": "2026-11-30 10:00:00",
         "report_time": "2026-11-30 10:00:05", "success": True, "err_code": "DELIVERED",
         "err_msg": "用户接收成功", "biz_id": "B1^0", "out_id": ""},
        {"phone_number": "13912345678", "report_time": "2026-11-30 10:00:06",
         "success": False, "err_code": "MK:0001", "biz_id": "B2^0"}])
    # then
    assert resp.status_code == 200 and resp.json() == {"code": 0, "msg": "成功"}
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert ok.delivery_status == "delivered" and ok.delivered_at is not None
    assert ok.delivered_at.isoformat().startswith("2026-11-30T02:00:05")  # China time → UTC
    assert (bad.delivery_status, bad.error_code, bad.delivered_at) == ("undelivered",
                                                                       "MK:0001", None)


def test_tencent_receipts_mark_by_sid(db, receipt_token):
    row = sent_row("tencent", "sid-1")
    resp = post_json(f"/api/v1/integrations/sms/tencent/receipts/{receipt_token}", [
        {"user_receive_time": "2026-11-30 08:03:04", "nationcode": "86",
         "mobile": "13912345678", "report_status": "SUCCESS", "errmsg": "DELIVRD",
         "description": "用户短信送达成功", "sid": "sid-1"}])
    assert resp.json() == {"result": 0, "errmsg": "OK"}
    row.refresh_from_db()
    assert row.delivery_status == "delivered"


def test_a_receipt_with_a_wrong_token_changes_nothing(db, receipt_token):
    row = sent_row("aliyun", "B1^0")
    resp = post_json("/api/v1/integrations/sms/aliyun/receipts/guess", [
        {"success": True, "biz_id": "B1^0"}])
    assert resp.status_code == 403
    row.refresh_from_db()
    assert row.delivery_status == "" and row.delivered_at is None


def test_receipts_are_refused_when_no_token_is_configured(db, settings):
    settings.SMS_RECEIPT_TOKEN = ""
    resp = post_json("/api/v1/integrations/sms/tencent/receipts/", [])
    assert resp.status_code in (403, 404)


def test_a_receipt_of_another_provider_or_message_changes_nothing(db, receipt_token):
    row = sent_row("aliyun", "B1^0")
    post_json(f"/api/v1/integrations/sms/tencent/receipts/{receipt_token}",
              [{"report_status": "SUCCESS", "sid": "B1^0"}])
    row.refresh_from_db()
    assert row.delivery_status == ""


# --- WeChat ---------------------------------------------------------------------------

@pytest.fixture
def wechat(settings, db):
    state = {"tokens": 0, "expire_first": False, "errcode": 0}

    def answer(seen):
        if seen.path == "/cgi-bin/token":
            state["tokens"] += 1
            assert "appid=wx-app" in seen.query and "secret=wx-secret" in seen.query
            return 200, {"access_token": f"TOKEN{state['tokens']}", "expires_in": 7200}
        token = seen.query.split("access_token=")[1]
        if state["expire_first"] and token == "TOKEN1":
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        if state["errcode"]:
            return 200, {"errcode": state["errcode"], "errmsg": "no"}
        return 200, {"errcode": 0, "errmsg": "ok", "msgid": 200228332}

    stub, server = start_stub(answer)
    settings.WECHAT_BACKEND = "aftersales.notifications.backends.wechat.WeChatTemplateBackend"
    settings.WECHAT_OFFICIAL_ACCOUNT = {"api_base": stub.url, "app_id": "wx-app",
                                        "app_secret": "wx-secret", "app_secret_file": "",
                                        "server_token": "wx-server-token"}
    MessageTemplate.objects.create(channel="wechat", kind="ticket_opened",
                                   template_code="tmpl-abc", param_names=["number", "link"])
    yield stub, state
    server.shutdown()


def wechat_row():
    return queue_notification(channel="wechat", recipient="13912345678", body="受理",
                              kind="ticket_opened",
                              params={"number": "T1", "link": "http://x/portal/t/s"})


def test_a_template_message_goes_to_the_bound_follower(wechat):
    stub, state = wechat
    bind_wechat_follower(openid="o-abc", phone="13912345678")
    first = send_outbox(outbox_id=wechat_row().pk)
    second = send_outbox(outbox_id=wechat_row().pk)
    assert (first.status, first.provider_message_id) == ("sent", "200228332")
    assert second.status == "sent"
    assert state["tokens"] == 1  # the token is fetched once and shared
    body = json.loads(stub.requests[1].body)
    assert body == {"touser": "o-abc", "template_id": "tmpl-abc",
                    "url": "http://x/portal/t/s",
                    "data": {"number": {"value": "T1"},
                             "link": {"value": "http://x/portal/t/s"}}}


def test_an_expired_token_is_refreshed_once(wechat):
    stub, state = wechat
    state["expire_first"] = True
    bind_wechat_follower(openid="o-abc", phone="13912345678")
    sent = send_outbox(outbox_id=wechat_row().pk)
    assert sent.status == "sent" and state["tokens"] == 2
    assert WeChatAccessToken.objects.get(app_id="wx-app").token == "TOKEN2"


def test_a_customer_who_does_not_follow_gets_no_message(wechat):
    stub, state = wechat
    sent = send_outbox(outbox_id=wechat_row().pk)
    assert (sent.status, sent.error_code) == ("failed", "not_following")
    assert stub.requests == []


def test_an_unfollowed_customer_is_marked_and_not_retried(wechat):
    stub, state = wechat
    state["errcode"] = 43004
    bind_wechat_follower(openid="o-abc", phone="13912345678")
    sent = send_outbox(outbox_id=wechat_row().pk)
    assert (sent.status, sent.error_code) == ("failed", "43004")
    assert WeChatFollower.objects.get(openid="o-abc").unsubscribed_at is not None


def wechat_signature(token, timestamp, nonce):
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def test_the_server_url_check_echoes_only_for_our_signature(wechat):
    sig = wechat_signature("wx-server-token", "1700000000", "n1")
    ok = Client().get("/api/v1/integrations/wechat/events",
                      {"signature": sig, "timestamp": "1700000000", "nonce": "n1",
                       "echostr": "hello"})
    bad = Client().get("/api/v1/integrations/wechat/events",
                       {"signature": "x", "timestamp": "1700000000", "nonce": "n1",
                        "echostr": "hello"})
    assert (ok.status_code, ok.content) == (200, b"hello")
    assert bad.status_code == 403


def test_a_template_job_finished_event_records_delivery(wechat):
    row = sent_row("wechat", "200228332", channel="wechat")
    sig = wechat_signature("wx-server-token", "1700000001", "n2")
    xml = ("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o-abc]]>"
           "</FromUserName><CreateTime>1700000001</CreateTime><MsgType><![CDATA[event]]>"
           "</MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200228332</MsgID>"
           "<Status><![CDATA[success]]></Status></xml>")
    resp = Client().post(f"/api/v1/integrations/wechat/events?signature={sig}"
                         f"&timestamp=1700000001&nonce=n2", data=xml, content_type="text/xml")
    assert resp.status_code == 200
    row.refresh_from_db()
    assert row.delivery_status == "delivered"


def test_a_forged_wechat_event_changes_nothing(wechat):
    bind_wechat_follower(openid="o-abc", phone="13912345678")
    xml = ("<xml><FromUserName>o-abc</FromUserName><MsgType>event</MsgType>"
           "<Event>unsubscribe</Event></xml>")
    resp = Client().post("/api/v1/integrations/wechat/events?signature=forged&timestamp=1"
                         "&nonce=2", data=xml, content_type="text/xml")
    assert resp.status_code == 403
    assert WeChatFollower.objects.get(openid="o-abc").unsubscribed_at is None
