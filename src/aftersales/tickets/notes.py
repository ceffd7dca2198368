"""Services of the ticket's notes log and its attachments (API.md "Additions").

A note is internal (staff only) or not, and says what it records: a note, a customer's
call, a customer chasing the job (催单). An attachment is an image or a PDF, recognised by
its first bytes (a renamed .exe is not a PDF), at most TicketPolicy.attachment_max_mb;
anything else is refused before a byte is stored."""
from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Forbidden, ValidationFailed
from aftersales.core.scoping import check_point, require_role
from aftersales.network.models import User

from .errors import TicketError
from .models import Attachment, Ticket, TicketNote, TicketPolicy

WRITERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.AGENT, User.Role.ENGINEER)
NOTE_MAX = 2000
NAME_MAX = 200

# (magic bytes at offset 0, content type); WebP is RIFF....WEBP
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]


def sniff_content_type(head: bytes) -> str | None:
    """The real type of a file from its first bytes, if it is an image or a PDF."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@transaction.atomic
def add_note(*, actor: User, ticket: Ticket, text: str, internal: bool = True,
             kind: str = TicketNote.Kind.NOTE) -> TicketNote:
    require_role(actor, *WRITERS)
    check_point(actor=actor, service_point_id=ticket.service_point_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write the note."), field="text")
    if len(text) > NOTE_MAX:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": NOTE_MAX}, field="text")
    if kind not in TicketNote.Kind.values:
        raise ValidationFailed(_("Unknown note kind."), field="kind")
    return TicketNote.objects.create(ticket=ticket, kind=kind, text=text,
                                     internal=bool(internal), author=actor)


@transaction.atomic
def add_attachment(*, actor: User, ticket: Ticket, file: UploadedFile | None,
                   kind: str) -> Attachment:
    """Keep a file with the ticket; size and type are checked before anything is stored.
    An engineer attaches only to their own job (or to one nobody has been given yet)."""
    require_role(actor, *WRITERS)
    check_point(actor=actor, service_point_id=ticket.service_point_id)
    if (actor.role == User.Role.ENGINEER and not actor.is_superuser
            and ticket.engineer_id not in (None, actor.pk)):
        raise Forbidden(_("This is not your job."), code=TicketError.NOT_YOUR_JOB)
    if kind not in Attachment.Kind.values:
        raise ValidationFailed(_("Pick what the file is: invoice, warranty card, photo or "
                                 "document."), field="kind")
    if file is None or not file.size:
        raise ValidationFailed(_("Choose a file."), field="file")
    limit_mb = TicketPolicy.current().attachment_max_mb
    if file.size > limit_mb * 1024 * 1024:
        raise ValidationFailed(_("The file is larger than %(mb)s MB.") % {"mb": limit_mb},
                               field="file", code=TicketError.FILE_TOO_LARGE)
    file.seek(0)
    content_type = sniff_content_type(file.read(16))
    if content_type is None:
        raise ValidationFailed(_("Only images (JPEG, PNG, GIF, WebP) and PDF files can be "
                                 "attached."), field="file")
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    name = (file.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:NAME_MAX]
    attachment = Attachment(ticket=ticket, kind=kind, name=name, size=file.size,
                            content_type=content_type, sha256=digest.hexdigest(),
                            uploaded_by=actor)
    attachment.file.save(name, file, save=False)
    attachment.save()
    return attachment
