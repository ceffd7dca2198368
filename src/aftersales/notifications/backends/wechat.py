"""WeChat official account template messages to customers who follow the account.

The recipient on the outbox row is the customer's phone; the openid comes from the binding
the customer made with a one-time code (WeChatFollower). The access token is shared by all
workers through the database and refreshed under a row lock, because fetching a new token
invalidates the old one."""
from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import MessageTemplate, WeChatAccessToken, WeChatFollower
from . import MessageBackend, SendFailed
from .http import request_json, secret, template_params

TOKEN_ERRORS = {40001, 40014, 42001}  # invalid / expired access token: refresh once
NOT_FOLLOWING = 43004
EARLY_REFRESH = timedelta(minutes=5)


class WeChatTemplateBackend(MessageBackend):
    provider = "wechat"

    def __init__(self, *, config: dict | None = None):
        self.config = config or settings.WECHAT_OFFICIAL_ACCOUNT

    def _fetch_token(self) -> tuple[str, int]:
        cfg = self.config
        query = urlencode({"grant_type": "client_credential", "appid": cfg["app_id"],
                           "secret": secret(cfg.get("app_secret", ""),
                                            cfg.get("app_secret_file", ""))})
        answer = request_json(f"{cfg['api_base'].rstrip('/')}/cgi-bin/token?{query}")
        if "access_token" not in answer:
            raise SendFailed(f"access token refused: {answer.get('errcode')} "
                             f"{answer.get('errmsg', '')}", code=str(answer.get("errcode", "")))
        return answer["access_token"], int(answer.get("expires_in", 7200))

    def access_token(self, *, force: bool = False) -> str:
        app_id = self.config["app_id"]
        now = timezone.now()
        row = WeChatAccessToken.objects.filter(app_id=app_id).first()
        if row is not None and not force and row.expires_at > now + EARLY_REFRESH:
            return row.token
        with transaction.atomic():
            row, _ = WeChatAccessToken.objects.select_for_update().get_or_create(
                app_id=app_id, defaults={"token": "", "expires_at": now})
            if not force and row.token and row.expires_at > now + EARLY_REFRESH:
                return row.token  # another worker refreshed it while we waited
            token, expires_in = self._fetch_token()
            row.token, row.expires_at = token, now + timedelta(seconds=expires_in)
            row.save(update_fields=["token", "expires_at"])
            return token

    def _post(self, token: str, message: dict) -> dict:
        url = (f"{self.config['api_base'].rstrip('/')}/cgi-bin/message/template/send?"
               f"{urlencode({'access_token': token})}")
        return request_json(url, method="POST",
                            body=json.dumps(message, ensure_ascii=False).encode(),
                            headers={"Content-Type": "application/json"})

    def send(self, *, recipient, subject, body, kind="", params=None) -> str:
        follower = WeChatFollower.objects.filter(phone=recipient,
                                                 unsubscribed_at__isnull=True).first()
        if follower is None:
            raise SendFailed("the customer does not follow the official account",
                             code="not_following", permanent=True)
        template = MessageTemplate.objects.filter(channel="wechat", kind=kind,
                                                  enabled=True).first()
        if template is None:
            raise SendFailed(f"no WeChat template configured for {kind or 'this message'}",
                             code="no_template", permanent=True)
        params = params or {}
        values = template_params(template.param_names, params)
        message = {"touser": follower.openid, "template_id": template.template_code,
                   "url": str(params.get("link", "")),
                   "data": {name: {"value": value}
                            for name, value in zip(template.param_names, values, strict=True)}}
        answer = self._post(self.access_token(), message)
        if answer.get("errcode") in TOKEN_ERRORS:
            answer = self._post(self.access_token(force=True), message)
        code = answer.get("errcode", 0)
        if code == 0:
            return str(answer.get("msgid", ""))
        if code == NOT_FOLLOWING:
            WeChatFollower.objects.filter(pk=follower.pk).update(unsubscribed_at=timezone.now())
            raise SendFailed("the customer no longer follows the official account",
                             code=str(code), permanent=True)
        raise SendFailed(f"{code}: {answer.get('errmsg', '')}", code=str(code),
                         permanent=code in {40003, 40037, 47003})
