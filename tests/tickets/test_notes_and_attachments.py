"""API.md "Additions": the notes log and attachments of a ticket."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aftersales.core.api import issue_token
from aftersales.tickets.models import Attachment, TicketNote, TicketPolicy
from tests.factories import UserFactory

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
       b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(user, ticket_id, content, name, kind="photo"):
    client = Client()
    return client.post(f"/api/v1/tickets/{ticket_id}/attachments",
                       {"file": SimpleUploadedFile(name, content), "kind": kind},
                       HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")


def test_a_note_is_logged_with_who_and_when(make_ticket, hotline_api, hotline):
    ticket = make_ticket()
    response = hotline_api.post(f"/tickets/{ticket.pk}/notes",
                                {"text": "客户来电催单，希望明天上门", "internal": False,
                                 "kind": "chase"})
    assert response.status_code == 201
    body = response.json()
    assert (body["text"], body["internal"], body["kind"], body["author"]) == (
        "客户来电催单，希望明天上门", False, "chase", "张客服")
    note = TicketNote.objects.get()
    assert (note.ticket_id, note.author_id) == (ticket.pk, hotline.pk)
    listed = hotline_api.get(f"/tickets/{ticket.pk}/notes").json()
    assert [n["id"] for n in listed] == [note.pk]


def test_an_empty_note_is_422_on_text_and_stores_nothing(make_ticket, hotline_api):
    ticket = make_ticket()
    response = hotline_api.post(f"/tickets/{ticket.pk}/notes", {"text": "  ", "internal": True})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "text"
    assert TicketNote.objects.count() == 0


def test_another_points_ticket_is_404(make_ticket, other_point):
    ticket = make_ticket()
    stranger = UserFactory(role="agent", service_point=other_point)
    from tests.conftest import ApiClient

    response = ApiClient(stranger).post(f"/tickets/{ticket.pk}/notes", {"text": "x"})
    assert response.status_code == 404
    assert upload(stranger, ticket.pk, PNG, "a.png").status_code == 404
    assert TicketNote.objects.count() == Attachment.objects.count() == 0


def test_a_photo_and_a_pdf_are_kept(make_ticket, tech, media):
    ticket = make_ticket()
    response = upload(tech, ticket.pk, PNG, "故障照片.png", kind="photo")
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["size"], body["content_type"]) == (
        "故障照片.png", len(PNG), "image/png")
    stored = Attachment.objects.get(pk=body["id"])
    assert stored.file.read() == PNG
    response = upload(tech, ticket.pk, PDF, "invoice.pdf", kind="invoice")
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"


def test_a_file_that_is_not_an_image_or_pdf_is_refused_before_storing(make_ticket, tech, media):
    ticket = make_ticket()
    response = upload(tech, ticket.pk, b"MZ\x90\x00 not a pdf", "invoice.pdf")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "file"
    assert Attachment.objects.count() == 0
    assert not any(media.rglob("*.*"))


def test_a_file_over_the_limit_is_refused_before_storing(make_ticket, tech, media):
    ticket = make_ticket()
    big = PNG + b"\x00" * (10 * 1024 * 1024)
    response = upload(tech, ticket.pk, big, "big.png")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "file"
    assert "10" in error["message"]
    assert Attachment.objects.count() == 0
    assert not any(media.rglob("*.*"))


def test_the_limit_is_a_rule_row(make_ticket, tech):
    policy = TicketPolicy.current()
    policy.attachment_max_mb = 1
    policy.save()
    ticket = make_ticket()
    response = upload(tech, ticket.pk, PNG + b"\x00" * (1024 * 1024), "a.png")
    assert response.status_code == 422
    assert upload(tech, ticket.pk, PNG, "a.png").status_code == 201


def test_an_unknown_kind_is_422(make_ticket, tech):
    ticket = make_ticket()
    response = upload(tech, ticket.pk, PNG, "a.png", kind="selfie")
    assert response.status_code == 422
    assert Attachment.objects.count() == 0


def console(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_the_ticket_page_keeps_the_notes_log_with_who_and_when(make_ticket, hotline, tech):
    ticket = make_ticket()
    client = console(hotline)
    response = client.post(f"/tickets/{ticket.pk}/notes/", {"text": "客户第二次来电催单",
                                                             "kind": "chase", "internal": "1"})
    assert response.status_code == 302
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    log = page[page.index('id="notes"'):]
    assert "客户第二次来电催单" in log and "张客服" in log and "客户催单" in log
    note = TicketNote.objects.get()
    assert (note.kind, note.internal, note.author) == ("chase", True, hotline)


def test_an_empty_note_from_the_page_says_why_and_stores_nothing(make_ticket, hotline):
    ticket = make_ticket()
    response = console(hotline).post(f"/tickets/{ticket.pk}/notes/", {"text": ""})
    assert response.status_code == 422
    assert "请填写备注内容" in response.content.decode()
    assert TicketNote.objects.count() == 0


def test_a_photo_uploaded_on_the_page_is_shown_and_served(make_ticket, tech):
    ticket = make_ticket()
    client = console(tech)
    response = client.post(f"/tickets/{ticket.pk}/attachments/", {
        "kind": "photo", "file": SimpleUploadedFile("现场.png", PNG, "image/png")})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f"/tickets/{ticket.pk}/attachments/{attachment.pk}/" in page and "<img" in page
    served = client.get(f"/tickets/{ticket.pk}/attachments/{attachment.pk}/")
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG


def test_a_wrong_file_on_the_page_is_refused_with_a_message(make_ticket, tech, media):
    ticket = make_ticket()
    response = console(tech).post(f"/tickets/{ticket.pk}/attachments/", {
        "kind": "document", "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00", "image/png")})
    assert response.status_code == 422
    assert "只能上传图片" in response.content.decode()
    assert Attachment.objects.count() == 0 and not any(media.rglob("*.*"))


def test_another_points_staff_cannot_open_a_file(make_ticket, tech, other_point):
    ticket = make_ticket()
    console(tech).post(f"/tickets/{ticket.pk}/attachments/", {
        "kind": "photo", "file": SimpleUploadedFile("a.png", PNG)})
    attachment = Attachment.objects.get()
    stranger = UserFactory(role="agent", service_point=other_point)
    assert console(stranger).get(
        f"/tickets/{ticket.pk}/attachments/{attachment.pk}/").status_code == 404
