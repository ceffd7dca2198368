"""Aliyun SMS (dysmsapi, action SendSms) with the RPC request signature the provider
documents: the parameters sorted by name, each name and value percent-encoded (RFC 3986:
space → %20, * → %2A, ~ kept), joined with & and =; the string to sign is
METHOD & %2F & encode(that query); the signature is Base64(HMAC-SHA1(secret + "&", it))."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

from django.conf import settings

from ..models import MessageTemplate
from . import MessageBackend, SendFailed
from .http import request_json, secret, template_params

API_VERSION = "2017-05-25"

# The provider's codes that a retry cannot fix; the others (flow control, balance, the
# provider's own faults) are retried by the outbox.
PERMANENT_CODES = {
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS", "isv.INVALID_PARAMETERS",
    "isv.TEMPLATE_PARAMS_ILLEGAL", "isv.PARAM_LENGTH_LIMIT", "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.SMS_CONTENT_ILLEGAL", "isv.SMS_SIGN_ILLEGAL", "isv.ACCOUNT_NOT_EXISTS",
    "isv.ACCOUNT_ABNORMAL", "InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch",
}


def percent_encode(value: str) -> str:
    return quote(str(value), safe="~")


def canonical_query(params: dict) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}"
                    for k, v in sorted(params.items()))


def sign(params: dict, access_key_secret: str, *, method: str = "POST") -> str:
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{access_key_secret}&".encode(), string_to_sign.encode(),
                      hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def national_number(phone: str) -> str:
    phone = phone.strip().replace(" ", "").replace("-", "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            return phone[len(prefix):]
    return phone


class AliyunSmsBackend(MessageBackend):
    provider = "aliyun"

    def __init__(self, *, config: dict | None = None):
        self.config = config or settings.ALIYUN_SMS

    def signed_params(self, *, phone: str, template_code: str, template_param: dict,
                      out_id: str = "", now: datetime | None = None,
                      nonce: str | None = None) -> dict:
        cfg = self.config
        now = now or datetime.now(timezone.utc)
        params = {
            "AccessKeyId": cfg["access_key_id"],
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": national_number(phone),
            "RegionId": cfg.get("region") or "cn-hangzhou",
            "SignName": cfg["sign_name"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "TemplateParam": json.dumps(template_param, ensure_ascii=False,
                                        separators=(",", ":")),
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        if out_id:
            params["OutId"] = out_id
        key_secret = secret(cfg.get("access_key_secret", ""),
                            cfg.get("access_key_secret_file", ""))
        params["Signature"] = sign(params, key_secret)
        return params

    def send(self, *, recipient, subject, body, kind="", params=None) -> str:
        template = MessageTemplate.objects.filter(channel="sms", kind=kind,
                                                  enabled=True).first()
        if template is None:
            raise SendFailed(f"no approved SMS template configured for {kind or 'this message'}",
                             code="no_template", permanent=True)
        values = template_params(template.param_names, params or {})
        signed = self.signed_params(
            phone=recipient, template_code=template.template_code,
            template_param=dict(zip(template.param_names, values, strict=True)))
        body_bytes = canonical_query(signed).encode()
        answer = request_json(self.config["endpoint"], method="POST", body=body_bytes,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        code = str(answer.get("Code", ""))
        if code == "OK":
            return str(answer.get("BizId", ""))
        raise SendFailed(f"{code}: {answer.get('Message', '')}", code=code or "unknown",
                         permanent=code in PERMANENT_CODES)
