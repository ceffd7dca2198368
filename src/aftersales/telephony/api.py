"""POST /telephony/calls: the call centre reports an incoming call (screen-pop by caller ID).

Not a staff endpoint: the call centre has a token of its own (Authorization: Bearer) and
signs every request (see services.check_request)."""
from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from aftersales.core.api import ERRORS

from . import services

router = Router(tags=["telephony"], auth=None)


class CallIn(Schema):
    caller: str = Field(..., max_length=40, description="the caller's number as the call "
                        "centre saw it (+86…, 0…, or national digits)")
    extension: str = Field(..., max_length=20, description="the extension that rings")
    call_id: str = Field("", max_length=80, description="the call centre's own id of the call")


class CallOut(Schema):
    id: int
    number: str
    extension: str
    agent: int | None = Field(None, description="the agent with this extension, if any")
    customer: int | None = Field(None, description="the archive the number belongs to")
    customer_name: str | None = None
    customer_provisional: bool = Field(
        False, description="true: the customer is a web booking's provisional record whose "
                           "phone is not verified yet (待验证), not an archive")
    new_caller: bool = Field(..., description="no archive has this number")
    received_at: datetime

    @staticmethod
    def resolve_agent(obj):
        return obj.agent_id

    @staticmethod
    def resolve_customer(obj):
        return obj.customer_id

    @staticmethod
    def resolve_customer_name(obj):
        return obj.customer.name if obj.customer_id else None

    @staticmethod
    def resolve_customer_provisional(obj):
        return bool(obj.customer_id and obj.customer.provisional)

    @staticmethod
    def resolve_new_caller(obj):
        return obj.customer_id is None


@router.post("/telephony/calls", response={201: CallOut, **ERRORS},
             openapi_extra={"parameters": [
                 {"in": "header", "name": "X-Telephony-Timestamp", "required": True,
                  "schema": {"type": "string"}, "description": "unix seconds"},
                 {"in": "header", "name": "X-Telephony-Signature", "required": True,
                  "schema": {"type": "string"},
                  "description": "sha256=<hex HMAC-SHA256(secret, timestamp + '.' + body)>"}]})
def report_call(request, payload: CallIn):
    auth = request.headers.get("Authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else ""
    signature = request.headers.get("X-Telephony-Signature", "")
    services.check_request(token=token,
                           timestamp=request.headers.get("X-Telephony-Timestamp", ""),
                           signature=signature, body=request.body)
    call = services.log_incoming_call(number=payload.caller, extension=payload.extension,
                                      call_id=payload.call_id, signature=signature)
    return Status(201, call)
