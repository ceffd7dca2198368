"""Tencent Cloud SMS (API 3.0, action SendSms, version 2021-01-11) signed with TC3-HMAC-SHA256
as the provider documents it: a canonical request (method, URI "/", empty query, the
content-type and host headers, the SHA-256 of the payload) → a string to sign with the
timestamp and the credential scope DATE/sms/tc3_request → a signing key derived
HMAC("TC3" + key, DATE) → "sms" → "tc3_request" → the hex signature."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from django.conf import settings

from ..models import MessageTemplate
from . import MessageBackend, SendFailed
from .http import request_json, secret, template_params

SERVICE = "sms"
ACTION = "SendSms"
VERSION = "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"

PERMANENT_PREFIXES = (
    "InvalidParameterValue.", "InvalidParameter.", "MissingParameter.",
    "FailedOperation.TemplateIncorrectOrUnapproved", "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.PhoneNumberInBlacklist", "FailedOperation.ContainSensitiveWord",
    "UnsupportedOperation.", "AuthFailure.", "UnauthorizedOperation.",
)


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def authorization(*, secret_id: str, secret_key: str, host: str, payload: bytes,
                  timestamp: int) -> str:
    date = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    canonical_request = "\n".join([
        "POST", "/", "", f"content-type:{CONTENT_TYPE}\nhost:{host}\n", "content-type;host",
        _sha256_hex(payload)])
    scope = f"{date}/{SERVICE}/tc3_request"
    string_to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope,
                                _sha256_hex(canonical_request.encode())])
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), SERVICE), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
            f"SignedHeaders=content-type;host, Signature={signature}")


def e164(phone: str) -> str:
    phone = phone.strip().replace(" ", "").replace("-", "")
    if phone.startswith("+"):
        return phone
    if phone.startswith("0086"):
        return "+" + phone[2:]
    return "+86" + phone


class TencentSmsBackend(MessageBackend):
    provider = "tencent"

    def __init__(self, *, config: dict | None = None):
        self.config = config or settings.TENCENT_SMS

    def request(self, *, phone: str, template_id: str, values: list[str],
                context: str = "", timestamp: int | None = None) -> tuple[bytes, dict]:
        cfg = self.config
        payload = json.dumps({
            "PhoneNumberSet": [e164(phone)], "SmsSdkAppId": cfg["app_id"],
            "SignName": cfg["sign_name"], "TemplateId": template_id,
            "TemplateParamSet": values, "SessionContext": context,
        }, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = int(time.time()) if timestamp is None else timestamp
        host = urlsplit(cfg["endpoint"]).netloc
        headers = {
            "Authorization": authorization(
                secret_id=cfg["secret_id"],
                secret_key=secret(cfg.get("secret_key", ""), cfg.get("secret_key_file", "")),
                host=host, payload=payload, timestamp=timestamp),
            "Content-Type": CONTENT_TYPE, "Host": host, "X-TC-Action": ACTION,
            "X-TC-Timestamp": str(timestamp), "X-TC-Version": VERSION,
            "X-TC-Region": cfg.get("region") or "ap-guangzhou",
        }
        return payload, headers

    def send(self, *, recipient, subject, body, kind="", params=None) -> str:
        template = MessageTemplate.objects.filter(channel="sms", kind=kind,
                                                  enabled=True).first()
        if template is None:
            raise SendFailed(f"no approved SMS template configured for {kind or 'this message'}",
                             code="no_template", permanent=True)
        values = template_params(template.param_names, params or {})
        payload, headers = self.request(phone=recipient, template_id=template.template_code,
                                        values=values, context=kind)
        answer = request_json(self.config["endpoint"], method="POST", body=payload,
                              headers=headers).get("Response", {})
        error = answer.get("Error")
        if error:
            code = str(error.get("Code", "unknown"))
            raise SendFailed(f"{code}: {error.get('Message', '')}", code=code,
                             permanent=code.startswith(PERMANENT_PREFIXES))
        statuses = answer.get("SendStatusSet") or []
        if not statuses:
            raise SendFailed("the provider answered no send status", code="bad_response")
        status = statuses[0]
        code = str(status.get("Code", ""))
        if code == "Ok":
            return str(status.get("SerialNo", ""))
        raise SendFailed(f"{code}: {status.get('Message', '')}", code=code or "unknown",
                         permanent=code.startswith(PERMANENT_PREFIXES))
