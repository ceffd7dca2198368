"""The ticket page's notes log and attachments: add a note (an internal note, a customer's
call, 催单), keep a file (invoice, warranty card, photo, document), open a kept file."""
from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import DomainError, NotFound
from aftersales.core.views import errors_of, staff_view

from . import notes, selectors
from .models import Attachment, TicketNote


def _back(request, ticket):
    name = "tickets:phone_ticket" if request.POST.get("phone") == "1" else "tickets:detail"
    return redirect(reverse(name, kwargs={"ticket_id": ticket.pk}) + "#notes")


def _refused(request, ticket, exc: DomainError, form: str):
    from .views import ticket_context

    context = ticket_context(request, ticket)
    context.update({"note_errors": errors_of(exc), "note_form": form,
                    "note_values": request.POST})
    template = "tickets/phone.html" if request.POST.get("phone") == "1" else "tickets/detail.html"
    return render(request, template, context, status=exc.status)


@staff_view
@require_POST
def add_note(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    kind = request.POST.get("kind") or TicketNote.Kind.NOTE
    try:
        notes.add_note(actor=request.user, ticket=ticket, text=request.POST.get("text", ""),
                       internal=request.POST.get("internal") == "1", kind=kind)
    except DomainError as exc:
        return _refused(request, ticket, exc, "note")
    messages.success(request, _("The note was added to the log."))
    return _back(request, ticket)


@staff_view
@require_POST
def add_attachment(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    try:
        attachment = notes.add_attachment(actor=request.user, ticket=ticket,
                                          file=request.FILES.get("file"),
                                          kind=request.POST.get("kind", ""))
    except DomainError as exc:
        return _refused(request, ticket, exc, "attachment")
    messages.success(request, _("Kept: %(name)s.") % {"name": attachment.name})
    return _back(request, ticket)


@staff_view
def attachment_file(request, ticket_id: int, attachment_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    attachment = Attachment.objects.filter(ticket=ticket, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            filename=attachment.name,
                            as_attachment=request.GET.get("download") == "1")
    response["X-Content-Type-Options"] = "nosniff"
    return response
