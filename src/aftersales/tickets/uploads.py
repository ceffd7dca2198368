"""Writes: files kept with a ticket (scans and photos of the invoice, the warranty card,
the unit). The file is checked — kind, size, content — before anything is stored; a
refused upload leaves no file and no row."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Forbidden, ValidationFailed
from aftersales.core.scoping import check_point
from aftersales.network.models import User

from . import attachments, events
from .models import Attachment, Ticket, TicketPolicy

R = User.Role
#: Who may attach papers to a ticket (an engineer only to their own job).
UPLOADERS = (R.ADMIN, R.MANAGER, R.AGENT, R.ENGINEER)


@transaction.atomic
def attach_file(*, actor: User, ticket: Ticket, file, kind: str) -> Attachment:
    """Keep `file` (an uploaded file object) with the ticket as `kind`."""
    if not (actor.is_superuser or actor.role in UPLOADERS):
        raise Forbidden(_("Your role may not do this."))
    check_point(actor=actor, service_point_id=ticket.service_point_id)
    if actor.role == R.ENGINEER and ticket.engineer_id != actor.pk:
        raise Forbidden(_("This is not your job."), code="not_your_job")
    if kind not in attachments.KINDS:
        raise ValidationFailed(_("Kind must be invoice, warranty_card, photo or document."),
                               field="kind")
    if file is None:
        raise ValidationFailed(_("Choose a file."), field="file")
    max_mb = TicketPolicy.current().attachment_max_mb
    size = getattr(file, "size", 0) or 0
    if size <= 0:
        raise ValidationFailed(_("The file is empty."), field="file")
    if attachments.too_large(size, max_mb=max_mb):
        raise ValidationFailed(_("The file is larger than %(mb)d MB.") % {"mb": max_mb},
                               field="file", code="file_too_large")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    content_type = attachments.sniff(head)
    if content_type is None:
        raise ValidationFailed(_("Only images (PNG, JPEG, GIF, WebP) and PDF are kept."),
                               field="file", code="file_type")
    name = (getattr(file, "name", "") or "file").rsplit("/", 1)[-1][:200]
    attachment = Attachment(ticket=ticket, kind=kind, name=name, size=size,
                            content_type=content_type, uploaded_by=actor)
    attachment.file.save(name, file, save=False)
    try:
        attachment.save()
        events.record(ticket=ticket, action="attach", actor=actor, at=attachment.uploaded_at,
                      from_status=ticket.status, to_status=ticket.status,
                      data={"attachment": attachment.pk, "kind": kind, "name": name})
    except Exception:
        attachment.file.delete(save=False)  # no file left behind a failed row
        raise
    return attachment
