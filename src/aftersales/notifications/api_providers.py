"""Callbacks from the message providers (no staff token: each is authenticated its own way,
see receipts.py): SMS delivery receipts from Aliyun and Tencent Cloud, and the WeChat
official account's server URL (its echo check and its pushed events)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from ninja import Router

from . import receipts

router = Router(tags=["integrations"], auth=None)

MAX_BODY = 256 * 1024


@router.post("/integrations/sms/aliyun/receipts/{token}", include_in_schema=False)
def aliyun_receipts(request, token: str):
    """Aliyun's batch push of SMS status reports: a JSON array of reports."""
    if not receipts.token_ok(token) or len(request.body) > MAX_BODY:
        return HttpResponse(status=403)
    items = _json_list(request)
    receipts.record_receipts(provider="aliyun", receipts=receipts.aliyun_receipts(items))
    return {"code": 0, "msg": "成功"}


@router.post("/integrations/sms/tencent/receipts/{token}", include_in_schema=False)
def tencent_receipts(request, token: str):
    """Tencent Cloud's SMS status callback: a JSON array of reports."""
    if not receipts.token_ok(token) or len(request.body) > MAX_BODY:
        return HttpResponse(status=403)
    items = _json_list(request)
    receipts.record_receipts(provider="tencent", receipts=receipts.tencent_receipts(items))
    return {"result": 0, "errmsg": "OK"}


@router.get("/integrations/wechat/events", include_in_schema=False)
def wechat_echo(request, signature: str = "", timestamp: str = "", nonce: str = "",
                echostr: str = ""):
    """WeChat checks the server URL once: echo `echostr` when the signature is ours."""
    if not receipts.wechat_signature_ok(signature=signature, timestamp=timestamp,
                                        nonce=nonce):
        return HttpResponse(status=403)
    return HttpResponse(echostr, content_type="text/plain")


@router.post("/integrations/wechat/events", include_in_schema=False)
def wechat_events(request, signature: str = "", timestamp: str = "", nonce: str = ""):
    if (not receipts.wechat_signature_ok(signature=signature, timestamp=timestamp,
                                         nonce=nonce) or len(request.body) > MAX_BODY):
        return HttpResponse(status=403)
    if b"<!DOCTYPE" in request.body.upper() or b"<!ENTITY" in request.body.upper():
        return HttpResponse(status=400)
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return HttpResponse(status=400)
    receipts.record_wechat_event(event={child.tag: (child.text or "") for child in root})
    return HttpResponse("success", content_type="text/plain")


def _json_list(request) -> list:
    try:
        data = json.loads(request.body or b"[]")
    except ValueError:
        return []
    return data if isinstance(data, list) else [data]
