"""API.md Additions: POST /tickets/{id}/attachments (multipart `file`, `kind`, default
`document`): images and PDF only, at most 10 MB (configured), else 422 on `file`
(`file_too_large` for the size); refused before anything is stored (no row, no file). An
engineer attaches only to their own job."""
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.tickets.models import Attachment, TicketPolicy

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()] if Path(media).exists() else []


def upload(api, ticket_id, *, content=None, name="invoice.png", kind="invoice"):
    data = {}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content, content_type="image/png")
    if kind is not None:
        data["kind"] = kind
    return api.client.post(f"/api/v1/tickets/{ticket_id}/attachments", data, **api.headers)


@pytest.mark.parametrize(("content", "name", "kind", "content_type"), [
    (PNG, "发票.png", "invoice", "image/png"),
    (JPEG, "card.jpg", "warranty_card", "image/jpeg"),
    (PDF, "scan.pdf", "document", "application/pdf"),
    (b"GIF89a" + b"\x00" * 20, "unit.gif", "photo", "image/gif"),
])
def test_images_and_pdf_are_kept(make_ticket, hotline, hotline_api, media, content, name, kind,
                                 content_type):
    ticket = make_ticket()
    response = upload(hotline_api, ticket.pk, content=content, name=name, kind=kind)
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["size"], body["content_type"], body["kind"]) == (
        name, len(content), content_type, kind)
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.file.read() == content
    assert [p.read_bytes() for p in stored(media)] == [content]
    assert attachment.uploaded_by_id == hotline.pk


@pytest.mark.parametrize(("content", "name", "kind", "field"), [
    (b"MZ\x90\x00 an executable", "invoice.png", "invoice", "file"),  # a PNG by name only
    (b"<html><script>", "card.pdf", "warranty_card", "file"),
    (b"", "empty.png", "photo", "file"),
    (None, None, "invoice", "file"),
    (PNG, "invoice.png", "receipt", "kind"),
])
def test_anything_else_is_refused_before_it_is_stored(make_ticket, hotline_api, media, content,
                                                      name, kind, field):
    ticket = make_ticket()
    response = upload(hotline_api, ticket.pk, content=content, name=name or "x", kind=kind)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert Attachment.objects.count() == 0
    assert stored(media) == []


def test_larger_than_the_configured_size_is_refused(make_ticket, hotline_api, media):
    ticket = make_ticket()
    policy = TicketPolicy.current()
    assert policy.attachment_max_mb == 10
    just = PNG + b"\x00" * (10 * 1024 * 1024 - len(PNG))
    assert upload(hotline_api, ticket.pk, content=just).status_code == 201
    over = just + b"\x00"
    response = upload(hotline_api, ticket.pk, content=over)
    assert (response.status_code, response.json()["error"]["field"],
            response.json()["error"]["code"]) == (422, "file", "file_too_large")
    assert Attachment.objects.count() == 1
    assert len(stored(media)) == 1


def test_without_a_kind_the_file_is_a_document(make_ticket, hotline_api, media):
    ticket = make_ticket()
    response = upload(hotline_api, ticket.pk, content=PDF, name="scan.pdf", kind=None)
    assert (response.status_code, response.json()["kind"]) == (201, "document")


def test_an_engineer_attaches_only_to_their_own_job(make_ticket, tech, tech_api, other_tech,
                                                    media):
    ticket = make_ticket()
    ticket.engineer = other_tech
    ticket.save(update_fields=["engineer"])
    response = upload(tech_api, ticket.pk, content=PNG)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "not_your_job")
    assert stored(media) == [] and Attachment.objects.count() == 0
    # on their own job they may
    ticket.engineer = tech
    ticket.save(update_fields=["engineer"])
    assert upload(tech_api, ticket.pk, content=PNG).status_code == 201
