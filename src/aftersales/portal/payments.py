"""Paying what a ticket owes through a payment provider.

A provider is anything with `create_order` (ask the provider for a payment link / QR
content for an amount) and `parse_notification` (check the provider's signed callback
and read what was paid). Nothing is ever marked paid here from the browser: only a
notification whose signature verifies, whose amount matches the order and whose state is
success books a payment (portal.services.book_notified_payment, once per order).

`WeChatPayV3` implements the merchant API v3 of WeChat Pay for a Native (QR) order:
requests signed with the merchant's RSA key (WECHATPAY2-SHA256-RSA2048), answers and
callbacks verified with the platform's public key, callback resources decrypted with the
API v3 key (AEAD_AES_256_GCM). Its base URL, ids and keys come from the environment
(docs/portal.md); the tests run it against a stub provider on 127.0.0.1 that checks the
signature the way the real one does.
"""
from __future__ import annotations

import base64
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from aftersales.core.money import to_money

log = logging.getLogger("aftersales.portal.payments")

AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
#: The ledger's payment method for money each provider confirms.
METHODS = {"wechatpay": "wechat"}
#: How old a signed callback or answer may be before it is refused (replays).
MAX_SKEW_SECONDS = 300


class ProviderError(Exception):
    """The provider could not be reached or refused the order."""


class InvalidNotification(Exception):
    """A callback that is not the provider's (bad signature, stale, undecryptable)."""


@dataclass(frozen=True)
class PaidNotice:
    out_trade_no: str
    transaction_id: str
    amount: Decimal
    succeeded: bool
    state: str


class PaymentProvider(Protocol):
    name: str
    method: str  # billing.models.PaymentMethod value

    def create_order(self, *, out_trade_no: str, amount: Decimal, description: str,
                     notify_url: str) -> str: ...

    def parse_notification(self, *, headers: dict[str, str], body: bytes) -> PaidNotice: ...


def cents(amount: Decimal) -> int:
    return int(to_money(amount) * 100)


def new_nonce() -> str:
    return secrets.token_hex(16)


def sign_message(private_key, message: str) -> str:
    signature = private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def verify_message(public_key, message: str, signature: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature), message.encode(), padding.PKCS1v15(),
                          hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def request_message(*, method: str, url: str, timestamp: str, nonce: str, body: str) -> str:
    """The text a v3 request signature covers: method, path with query, time, nonce, body."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n"


def response_message(*, timestamp: str, nonce: str, body: str) -> str:
    """The text an answer's or a callback's signature covers."""
    return f"{timestamp}\n{nonce}\n{body}\n"


def parse_authorization(header: str) -> dict[str, str]:
    """`WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",…` → its fields."""
    schema, _space, rest = (header or "").partition(" ")
    if schema != AUTH_SCHEMA:
        return {}
    fields = {}
    for item in rest.split(","):
        key, _eq, value = item.strip().partition("=")
        fields[key] = value.strip('"')
    return fields


class WeChatPayV3:
    name = "wechatpay"
    method = "wechat"

    def __init__(self, *, base_url: str, mchid: str, appid: str, serial_no: str,
                 private_key_pem: bytes, platform_public_key_pem: bytes, apiv3_key: bytes,
                 timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.mchid, self.appid, self.serial_no = mchid, appid, serial_no
        self.private_key = serialization.load_pem_private_key(private_key_pem, password=None)
        self.platform_key = serialization.load_pem_public_key(platform_public_key_pem)
        if len(apiv3_key) != 32:
            raise ValueError("the API v3 key has 32 bytes")
        self.apiv3_key = apiv3_key
        self.timeout = timeout

    # -- requests -----------------------------------------------------------------------

    def authorization(self, *, method: str, url: str, body: str, timestamp: str | None = None,
                      nonce: str | None = None) -> str:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or new_nonce()
        signature = sign_message(self.private_key, request_message(
            method=method, url=url, timestamp=timestamp, nonce=nonce, body=body))
        return (f'{AUTH_SCHEMA} mchid="{self.mchid}",nonce_str="{nonce}",'
                f'signature="{signature}",timestamp="{timestamp}",serial_no="{self.serial_no}"')

    def _verified(self, *, headers, body: str) -> None:
        timestamp = headers.get("Wechatpay-Timestamp", "")
        nonce = headers.get("Wechatpay-Nonce", "")
        signature = headers.get("Wechatpay-Signature", "")
        if not (timestamp.isdigit() and nonce and signature):
            raise InvalidNotification("unsigned")
        if abs(int(time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
            raise InvalidNotification("stale")
        if not verify_message(self.platform_key, response_message(
                timestamp=timestamp, nonce=nonce, body=body), signature):
            raise InvalidNotification("bad signature")

    def create_order(self, *, out_trade_no: str, amount: Decimal, description: str,
                     notify_url: str) -> str:
        """A Native order: the answer's `code_url` is what the customer's WeChat opens."""
        url = f"{self.base_url}/v3/pay/transactions/native"
        body = json.dumps({"appid": self.appid, "mchid": self.mchid,
                           "description": description[:127], "out_trade_no": out_trade_no,
                           "notify_url": notify_url,
                           "amount": {"total": cents(amount), "currency": "CNY"}},
                          ensure_ascii=False, separators=(",", ":"))
        request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
            "Authorization": self.authorization(method="POST", url=url, body=body),
            "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                text = answer.read().decode()
                headers = {key: value for key, value in answer.headers.items()}
        except urllib.error.HTTPError as exc:
            raise ProviderError(f"refused: {exc.code} {exc.read()[:200]!r}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ProviderError(f"unreachable: {exc}") from None
        try:
            self._verified(headers=headers, body=text)
        except InvalidNotification as exc:
            raise ProviderError(f"answer not signed by the provider: {exc}") from None
        code_url = json.loads(text).get("code_url", "")
        if not code_url:
            raise ProviderError("no code_url in the answer")
        return code_url

    # -- callbacks ----------------------------------------------------------------------

    def decrypt(self, resource: dict) -> dict:
        try:
            plain = AESGCM(self.apiv3_key).decrypt(
                resource["nonce"].encode(), base64.b64decode(resource["ciphertext"]),
                (resource.get("associated_data") or "").encode())
        except (InvalidTag, KeyError, ValueError, TypeError, AttributeError):
            raise InvalidNotification("cannot decrypt") from None
        return json.loads(plain)

    def parse_notification(self, *, headers: dict[str, str], body: bytes) -> PaidNotice:
        text = body.decode("utf-8", errors="replace")
        self._verified(headers=headers, body=text)
        try:
            envelope = json.loads(text)
            resource = envelope["resource"]
        except (ValueError, KeyError, TypeError):
            raise InvalidNotification("not a notification") from None
        if resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise InvalidNotification("unknown algorithm")
        data = self.decrypt(resource)
        if data.get("mchid") != self.mchid or data.get("appid") != self.appid:
            raise InvalidNotification("another merchant's payment")
        try:
            total = int(data["amount"]["total"])
            out_trade_no, transaction_id = str(data["out_trade_no"]), str(data["transaction_id"])
        except (KeyError, TypeError, ValueError):
            raise InvalidNotification("incomplete payment data") from None
        state = str(data.get("trade_state", ""))
        return PaidNotice(out_trade_no=out_trade_no, transaction_id=transaction_id,
                          amount=(Decimal(total) / 100).quantize(Decimal("0.01")),
                          succeeded=state == "SUCCESS", state=state)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def is_configured() -> bool:
    return settings.PAYMENT_PROVIDER in METHODS


def configured_provider() -> PaymentProvider | None:
    """The provider set up in the environment (AFTERSALES_PAYMENT_PROVIDER), else None:
    the portal then shows only the other ways to pay. A provider whose key files cannot
    be read is logged and treated as not set up (never a 500 on a customer's page)."""
    if settings.PAYMENT_PROVIDER != "wechatpay":
        return None
    conf = settings.WECHATPAY
    try:
        return _wechatpay(conf)
    except (OSError, ValueError, TypeError) as exc:
        log.error("WeChat Pay is configured but cannot be loaded: %s", exc)
        return None


def _wechatpay(conf: dict) -> WeChatPayV3:
    return WeChatPayV3(base_url=conf["BASE_URL"], mchid=conf["MCHID"], appid=conf["APPID"],
                       serial_no=conf["SERIAL_NO"],
                       private_key_pem=_read(conf["PRIVATE_KEY_FILE"]),
                       platform_public_key_pem=_read(conf["PLATFORM_PUBLIC_KEY_FILE"]),
                       apiv3_key=conf["APIV3_KEY"].encode())
