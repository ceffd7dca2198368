"""API.md "Additions": the ticket's notes log and its attachments."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from aftersales.core.api import ERRORS

from . import notes, selectors

router = Router(tags=["tickets"])


class NoteIn(Schema):
    text: str = Field(description="What happened or what the customer said (≤ 2000 characters).")
    internal: bool = Field(True, description="Staff only (true) or may be shown to the customer.")
    kind: Literal["note", "customer_call", "chase"] = Field(
        "note", description="note, customer_call (the customer phoned), chase (催单).")


class NoteOut(Schema):
    id: int
    ticket: int = Field(alias="ticket_id")
    kind: str
    text: str
    internal: bool
    author: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj):
        return obj.author.display_name


class AttachmentOut(Schema):
    id: int
    name: str
    size: int = Field(description="Bytes.")
    content_type: str = Field(description="Recognised from the file's content: image/* or "
                                          "application/pdf.")
    kind: str
    created_at: datetime


@router.post("/tickets/{ticket_id}/notes", response={201: NoteOut, **ERRORS})
def add_note(request, ticket_id: int, payload: NoteIn):
    """Add to the ticket's notes log (who and when are recorded)."""
    ticket = selectors.access_ticket(actor=request.auth, ticket_id=ticket_id)
    note = notes.add_note(actor=request.auth, ticket=ticket, text=payload.text,
                          internal=payload.internal, kind=payload.kind)
    return Status(201, note)


@router.get("/tickets/{ticket_id}/notes", response={200: list[NoteOut], **ERRORS})
def list_notes(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.auth, ticket_id=ticket_id)
    return list(ticket.notes.select_related("author"))


@router.post("/tickets/{ticket_id}/attachments", response={201: AttachmentOut, **ERRORS})
def add_attachment(request, ticket_id: int, file: File[UploadedFile] = None,
                   kind: Form[str] = "document"):
    """Multipart `file` and `kind` (invoice, warranty_card, photo or document; else 422 on
    `kind`). Images (JPEG, PNG, GIF, WebP) and PDF only, at most 10 MB (TicketPolicy;
    larger: 422 `file_too_large`); otherwise 422 on `file` and nothing is stored. An
    engineer attaches only to their own job (403 `not_your_job`)."""
    ticket = selectors.access_ticket(actor=request.auth, ticket_id=ticket_id)
    attachment = notes.add_attachment(actor=request.auth, ticket=ticket, file=file, kind=kind)
    return Status(201, attachment)


@router.get("/tickets/{ticket_id}/attachments", response={200: list[AttachmentOut], **ERRORS})
def list_attachments(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.auth, ticket_id=ticket_id)
    return list(ticket.attachments.all())
