"""The SMS providers against a local stub that checks each request's signature exactly as
the provider documents it (written here independently of the backend's own code), and
answers success, quota and rejection the way the provider does."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone
from urllib.parse import parse_qsl, quote

import pytest

from aftersales.notifications.backends.aliyun import sign as aliyun_sign
from aftersales.notifications.models import MessageTemplate, Outbox
from aftersales.notifications.services import queue_notification, send_outbox
from tests.stub_http import start_stub

ALIYUN_SECRET = "testSecret"
TENCENT_KEY = "tencent-secret-key"


@pytest.fixture
def stub():
    servers = []

    def make(answer):
        s, server = start_stub(answer)
        servers.append(server)
        return s

    yield make
    for server in servers:
        server.shutdown()


def queue_sms(kind="ticket_opened", params=None, phone="13912345678"):
    return queue_notification(channel="sms", recipient=phone, body="您的服务单已受理",
                              kind=kind, params=params or {"number": "T2611300001",
                                                           "link": "http://x/t/abc"})


# --- Aliyun -------------------------------------------------------------------------

def test_the_aliyun_signature_matches_the_providers_documented_example():
    # the worked example of the provider's signature documentation (GET, secret testSecret)
    params = {"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
              "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou",
              "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
              "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
              "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
              "Version": "2017-05-25"}
    assert aliyun_sign(params, ALIYUN_SECRET, method="GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def aliyun_verifies(seen) -> dict:
    """The provider's check: sort, RFC 3986-encode, sign 'POST&%2F&…' with secret + '&'."""
    params = dict(parse_qsl(seen.body.decode(), keep_blank_values=True))
    given = params.pop("Signature")

    def enc(v):
        return quote(v, safe="~")

    query = "&".join(f"{enc(k)}={enc(params[k])}" for k in sorted(params))
    to_sign = "POST&%2F&" + enc(query)
    expected = base64.b64encode(hmac.new(b"testSecret&", to_sign.encode(),
                                         hashlib.sha1).digest()).decode()
    assert given == expected, "signature mismatch"
    return params


@pytest.fixture
def aliyun(settings, stub, db):
    def make(answer_code="OK"):
        def answer(seen):
            params = aliyun_verifies(seen)
            if answer_code == "OK":
                return 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0",
                             "RequestId": "F655A8D5"}
            return 200, {"Code": answer_code, "Message": "refused", "RequestId": "X",
                         "_params": params}

        s = stub(answer)
        settings.SMS_BACKEND = "aftersales.notifications.backends.aliyun.AliyunSmsBackend"
        settings.ALIYUN_SMS = {"endpoint": s.url + "/", "region": "cn-hangzhou",
                               "access_key_id": "LTAI-test", "access_key_secret": ALIYUN_SECRET,
                               "access_key_secret_file": "", "sign_name": "星耀售后"}
        MessageTemplate.objects.create(channel="sms", kind="ticket_opened",
                                       template_code="SMS_2611", param_names=["number", "link"])
        return s
    return make


def test_aliyun_sends_the_approved_template_signed_and_keeps_the_message_id(aliyun):
    # given
    s = aliyun("OK")
    row = queue_sms()
    # when
    sent = send_outbox(outbox_id=row.pk)
    # then
    assert sent.status == Outbox.Status.SENT
    assert (sent.provider, sent.provider_message_id) == ("aliyun", "900619746936498440^0")
    params = dict(parse_qsl(s.requests[0].body.decode()))
    assert params["Action"] == "SendSms" and params["PhoneNumbers"] == "13912345678"
    assert params["TemplateCode"] == "SMS_2611"
    assert json.loads(params["TemplateParam"]) == {"number": "T2611300001",
                                                   "link": "http://x/t/abc"}
    assert params["SignName"] == "星耀售后"


@pytest.mark.parametrize("code, status", [
    ("isv.BUSINESS_LIMIT_CONTROL", "pending"),   # flow control / quota: retried later
    ("isv.AMOUNT_NOT_ENOUGH", "pending"),        # balance: retried once topped up
    ("isv.MOBILE_NUMBER_ILLEGAL", "failed"),     # invalid number: no retry helps
    ("isv.SMS_TEMPLATE_ILLEGAL", "failed"),      # template rejected
])
def test_aliyun_refusals_are_kept_on_the_row(aliyun, code, status):
    aliyun(code)
    row = queue_sms()
    sent = send_outbox(outbox_id=row.pk)
    assert (sent.status, sent.error_code, sent.attempts) == (status, code, 1)
    assert code in sent.last_error and sent.sent_at is None


def test_a_kind_without_an_approved_template_fails_at_once_without_calling(aliyun):
    s = aliyun("OK")
    row = queue_sms(kind="appointment")
    sent = send_outbox(outbox_id=row.pk)
    assert (sent.status, sent.error_code) == ("failed", "no_template")
    assert s.requests == []


def test_a_missing_template_parameter_fails_at_once(aliyun):
    s = aliyun("OK")
    row = queue_sms(params={"number": "T1"})
    sent = send_outbox(outbox_id=row.pk)
    assert (sent.status, sent.error_code) == ("failed", "template_params")
    assert s.requests == []


# --- Tencent Cloud ----------------------------------------------------------------

def tencent_verifies(seen) -> dict:
    """TC3-HMAC-SHA256 as the provider documents it, from the request as received."""
    h = seen.headers
    timestamp = int(h["x-tc-timestamp"])
    date = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    canonical = ("POST\n/\n\n"
                 f"content-type:{h['content-type']}\nhost:{h['host']}\n\n"
                 "content-type;host\n" + hashlib.sha256(seen.body).hexdigest())
    scope = f"{date}/sms/tc3_request"
    to_sign = (f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n"
               + hashlib.sha256(canonical.encode()).hexdigest())

    def mac(key, msg):
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = mac(mac(mac(("TC3" + TENCENT_KEY).encode(), date), "sms"), "tc3_request")
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    auth = h["authorization"]
    assert auth == (f"TC3-HMAC-SHA256 Credential=AKID-test/{scope}, "
                    f"SignedHeaders=content-type;host, Signature={expected}")
    assert (h["x-tc-action"], h["x-tc-version"]) == ("SendSms", "2021-01-11")
    return json.loads(seen.body)


@pytest.fixture
def tencent(settings, stub, db):
    def make(code="Ok", error=None):
        def answer(seen):
            try:
                tencent_verifies(seen)
            except AssertionError:
                return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure",
                                                    "Message": "bad"}, "RequestId": "r"}}
            if error:
                return 200, {"Response": {"Error": {"Code": error, "Message": "no"},
                                          "RequestId": "r"}}
            return 200, {"Response": {"SendStatusSet": [{
                "SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": "+8613912345678",
                "Fee": 1, "Code": code, "Message": "send success" if code == "Ok" else "no",
                "IsoCode": "CN"}], "RequestId": "r"}}

        s = stub(answer)
        settings.SMS_BACKEND = "aftersales.notifications.backends.tencent.TencentSmsBackend"
        settings.TENCENT_SMS = {"endpoint": s.url + "/", "region": "ap-guangzhou",
                                "app_id": "1400006666", "secret_id": "AKID-test",
                                "secret_key": TENCENT_KEY, "secret_key_file": "",
                                "sign_name": "星耀售后"}
        MessageTemplate.objects.create(channel="sms", kind="ticket_opened",
                                       template_code="449739", param_names=["number", "link"])
        return s
    return make


def test_tencent_sends_signed_with_tc3_and_keeps_the_serial_no(tencent):
    s = tencent()
    row = queue_sms()
    sent = send_outbox(outbox_id=row.pk)
    assert (sent.status, sent.provider) == ("sent", "tencent")
    assert sent.provider_message_id == "5000:1045710669157053657849499619"
    body = json.loads(s.requests[0].body)
    assert body["PhoneNumberSet"] == ["+8613912345678"]
    assert body["TemplateId"] == "449739" and body["SmsSdkAppId"] == "1400006666"
    assert body["TemplateParamSet"] == ["T2611300001", "http://x/t/abc"]


@pytest.mark.parametrize("code, error, status", [
    ("LimitExceeded.PhoneNumberDailyLimit", None, "pending"),
    ("InvalidParameterValue.IncorrectPhoneNumber", None, "failed"),
    ("Ok", "FailedOperation.TemplateIncorrectOrUnapproved", "failed"),
    ("Ok", "FailedOperation.InsufficientBalanceInSmsPackage", "pending"),
])
def test_tencent_refusals_are_kept_on_the_row(tencent, code, error, status):
    tencent(code=code, error=error)
    sent = send_outbox(outbox_id=queue_sms().pk)
    assert (sent.status, sent.error_code) == (status, error or code)


def test_a_wrong_tencent_secret_is_refused_by_the_provider_and_not_retried(tencent, settings):
    tencent()
    settings.TENCENT_SMS = {**settings.TENCENT_SMS, "secret_key": "wrong"}
    sent = send_outbox(outbox_id=queue_sms().pk)
    assert (sent.status, sent.error_code) == ("failed", "AuthFailure.SignatureFailure")


def test_a_secret_can_come_from_a_file(tencent, settings, tmp_path):
    tencent()
    key_file = tmp_path / "tencent.key"
    key_file.write_text(TENCENT_KEY + "\n")
    settings.TENCENT_SMS = {**settings.TENCENT_SMS, "secret_key": "",
                            "secret_key_file": str(key_file)}
    assert send_outbox(outbox_id=queue_sms().pk).status == "sent"


def test_an_unreachable_provider_leaves_the_row_pending(settings, db):
    settings.SMS_BACKEND = "aftersales.notifications.backends.aliyun.AliyunSmsBackend"
    settings.ALIYUN_SMS = {"endpoint": "http://127.0.0.1:9/", "access_key_id": "x",
                           "access_key_secret": "y", "sign_name": "s"}
    MessageTemplate.objects.create(channel="sms", kind="ticket_opened", template_code="T",
                                   param_names=["number"])
    sent = send_outbox(outbox_id=queue_sms().pk)
    assert (sent.status, sent.error_code) == ("pending", "unreachable")
