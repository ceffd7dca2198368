"""A stand-in for the WeChat Pay API v3 on 127.0.0.1, strict where the real one is: it
refuses a request whose WECHATPAY2-SHA256-RSA2048 signature does not verify with the
merchant's public key, signs its answers with the platform key, and can write the signed,
encrypted notification the real provider sends after a payment. It never says "paid" by
itself: a test decides that the customer paid and posts the notification."""
from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from aftersales.portal import payments

MCHID, APPID, SERIAL = "1900000109", "wx0000000000000001", "5157F09EFDC096DE15EBE81A47057A72"
APIV3_KEY = b"0123456789abcdef0123456789abcdef"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem_private(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def pem_public(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


class Stub:
    def __init__(self):
        self.merchant_key = new_key()  # the merchant keeps the private half
        self.platform_key = new_key()  # the provider keeps the private half
        self.orders: list[dict] = []
        self.refused: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                fields = payments.parse_authorization(self.headers.get("Authorization", ""))
                message = payments.request_message(method="POST", url=self.path,
                                                   timestamp=fields.get("timestamp", ""),
                                                   nonce=fields.get("nonce_str", ""), body=body)
                fresh = fields.get("timestamp", "").isdigit() and abs(
                    time.time() - int(fields["timestamp"])) < 300
                if (self.path != "/v3/pay/transactions/native" or fields.get("mchid") != MCHID
                        or fields.get("serial_no") != SERIAL or not fresh
                        or not payments.verify_message(stub.merchant_key.public_key(), message,
                                                       fields.get("signature", ""))):
                    stub.refused.append(self.path)
                    return self._answer(401, {"code": "SIGN_ERROR",
                                              "message": "signature does not verify"})
                order = json.loads(body)
                stub.orders.append(order)
                self._answer(200, {"code_url": f"weixin://wxpay/bizpayurl?pr={secrets.token_hex(4)}"})

            def _answer(self, status, data):
                text = json.dumps(data)
                headers = stub.signed_headers(text)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(text.encode())))
                self.end_headers()
                self.wfile.write(text.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def signed_headers(self, text: str, *, key=None, timestamp: int | None = None) -> dict:
        timestamp = str(timestamp or int(time.time()))
        nonce = secrets.token_hex(16)
        signature = payments.sign_message(key or self.platform_key, payments.response_message(
            timestamp=timestamp, nonce=nonce, body=text))
        return {"Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": nonce,
                "Wechatpay-Signature": signature, "Wechatpay-Serial": "PLATFORM1"}

    def notification(self, *, out_trade_no: str, total: int, state: str = "SUCCESS",
                     transaction_id: str = "4200000000202611230000000001",
                     key=None, timestamp: int | None = None) -> tuple[dict, bytes]:
        """The headers and body the provider posts to notify_url after a payment."""
        resource = json.dumps({"mchid": MCHID, "appid": APPID, "out_trade_no": out_trade_no,
                               "transaction_id": transaction_id, "trade_state": state,
                               "amount": {"total": total, "payer_total": total,
                                          "currency": "CNY"}})
        nonce = secrets.token_hex(6)
        cipher = AESGCM(APIV3_KEY).encrypt(nonce.encode(), resource.encode(), b"transaction")
        body = json.dumps({"id": secrets.token_hex(8), "event_type": "TRANSACTION.SUCCESS",
                           "resource_type": "encrypt-resource",
                           "resource": {"algorithm": "AEAD_AES_256_GCM",
                                        "ciphertext": base64.b64encode(cipher).decode(),
                                        "associated_data": "transaction", "nonce": nonce}})
        return self.signed_headers(body, key=key, timestamp=timestamp), body.encode()

    def configure(self, settings, tmp_path, *, merchant_key=None):
        """Point the project's WeChat Pay settings at this stub (keys as files)."""
        private = tmp_path / "merchant.pem"
        private.write_bytes(pem_private(merchant_key or self.merchant_key))
        platform = tmp_path / "platform.pem"
        platform.write_bytes(pem_public(self.platform_key))
        settings.PAYMENT_PROVIDER = "wechatpay"
        settings.WECHATPAY = {"BASE_URL": self.base_url, "MCHID": MCHID, "APPID": APPID,
                              "SERIAL_NO": SERIAL, "PRIVATE_KEY_FILE": str(private),
                              "PLATFORM_PUBLIC_KEY_FILE": str(platform),
                              "APIV3_KEY": APIV3_KEY.decode()}


def http_headers(headers: dict) -> dict:
    """Headers as Django's test client takes them (HTTP_WECHATPAY_SIGNATURE=…)."""
    return {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}
