"""Issue 11 "The public side": a booking joins a customer's archive only after the code
sent to that phone is confirmed; answers reveal no ownership, block or reason; SMS limited
per phone and per address (429 with Retry-After)."""
import re

import pytest
import time_machine
from django.test import Client

from aftersales.customers.models import Customer
from aftersales.notifications.models import Outbox
from aftersales.portal.models import PendingBooking, PortalPolicy
from aftersales.portal.tasks import run_portal_sweeps
from aftersales.tickets import services as tickets
from aftersales.tickets.models import Ticket


@pytest.fixture
def customer(customer_factory):
    return customer_factory(name="王先生", phone="13800000001")


def _code(phone: str) -> str:
    sms = Outbox.objects.filter(recipient=phone, kind="portal_code").latest("pk")
    return re.search(r"\d{6}", sms.body).group(0)


def _book(anon_api, **fields):
    payload = {"name": "赵女士", "phone": "13700000007", "summary": "洗衣机不转"} | fields
    return anon_api.post("/public/bookings", payload)


def _confirm(anon_api, booking_id, code):
    return anon_api.post(f"/public/bookings/{booking_id}/confirm", {"code": code})


def _state():
    """What a refusal must leave as it was."""
    return (list(Ticket.objects.values_list("number", "customer_id", "device_id", "kind",
                                            "version").order_by("pk")),
            list(Customer.objects.values_list("pk", "phone", "provisional").order_by("pk")),
            list(Outbox.objects.values_list("kind", "recipient").order_by("pk")))


def test_step_one_opens_the_ticket_for_a_provisional_record_and_the_code_verifies_it(
        anon_api):
    # when
    response = _book(anon_api, mode="onsite")
    # then: the ticket is open with its number; only the code was sent
    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get()
    assert (body["number"], body["verification_required"]) == (ticket.number, True)
    assert (ticket.channel, ticket.kind, ticket.mode, ticket.created_by) == (
        "web", "repair", "onsite", None)
    record = ticket.customer
    assert (record.name, record.phone, record.provisional) == ("赵女士", "13700000007", True)
    assert list(Outbox.objects.values_list("channel", "recipient", "kind")) == [
        ("sms", "13700000007", "portal_code")]
    # and the number can be tracked at once with the phone
    tracked = anon_api.get(f"/public/tickets/{body['number']}", {"phone": "13700000007"})
    assert (tracked.status_code, tracked.json()["status"]) == (200, "new")
    # when: the code from the SMS
    confirmed = _confirm(anon_api, body["id"], _code("13700000007"))
    # then: the same number; no archive had the phone, so the record is the archive now
    assert confirmed.status_code == 201
    assert confirmed.json() == {**body, "verification_required": False}
    ticket.refresh_from_db()
    assert (ticket.customer_id, ticket.customer.provisional, ticket.version) == (
        record.pk, False, 2)
    assert Customer.objects.count() == 1
    assert ticket.events.get(action="verify_phone").data == {
        "customer": record.number, "moved_from": None, "device": None, "kind": None}
    assert ticket.tracking_secret in Outbox.objects.get(ticket=ticket, channel="sms").body
    # and a repeat answers the same booking, changing nothing
    again = _confirm(anon_api, body["id"], _code("13700000007"))
    assert again.json() == confirmed.json()
    assert (Ticket.objects.count(), Outbox.objects.filter(kind="ticket_opened").count()) == (
        1, 1)


def test_a_known_phone_joins_its_archive_only_after_the_code(anon_api, customer,
                                                             device_factory):
    device = device_factory(serial="SN-BOOK-1", customer=customer)
    response = _book(anon_api, name="王", phone="138 0000 0001", serial="SN-BOOK-1",
                     mode="send_in")
    assert response.status_code == 201
    number = response.json()["number"]
    # a ticket of a provisional record: not in the archive, the serial only written down,
    # no message to the customer but the code
    ticket = Ticket.objects.get(number=number)
    record = ticket.customer
    assert (record.pk != customer.pk, record.provisional, ticket.device_id) == (
        True, True, None)
    assert "SN-BOOK-1" in ticket.description
    assert not customer.tickets.exists()
    assert list(Outbox.objects.values_list("kind", flat=True)) == ["portal_code"]
    # when
    confirmed = _confirm(anon_api, response.json()["id"], _code("13800000001"))
    # then: the same ticket moved to the archive, with the unit the serial names
    assert (confirmed.status_code, confirmed.json()["number"]) == (201, number)
    ticket.refresh_from_db()
    assert (ticket.customer_id, ticket.device_id, ticket.mode, ticket.kind) == (
        customer.pk, device.pk, "send_in", "repair")
    assert list(Customer.objects.values_list("pk", flat=True)) == [customer.pk]
    assert ticket.events.get(action="verify_phone").data == {
        "customer": customer.number, "moved_from": record.number, "device": "SN-BOOK-1",
        "kind": None}
    assert list(Outbox.objects.values_list("kind", "recipient").order_by("pk")) == [
        ("portal_code", "13800000001"), ("ticket_opened", "13800000001")]


def test_nothing_of_the_provisional_record_is_lost_in_the_move(anon_api, customer, agent):
    from aftersales.customers.models import Contact
    from aftersales.tickets.models import TicketNote

    booking = _book(anon_api, phone="13800000001").json()
    ticket = Ticket.objects.get(number=booking["number"])
    record = ticket.customer
    # staff take the call-back meanwhile: a contact on the record, a note, a response
    Contact.objects.create(customer=record, name="赵女士", phone="13700000009")
    TicketNote.objects.create(ticket=ticket, text="已回电", author=agent)
    tickets.respond(actor=agent, ticket=ticket, note="回电")
    # when
    _confirm(anon_api, booking["id"], _code("13800000001"))
    # then
    ticket.refresh_from_db()
    assert (ticket.customer_id, ticket.status) == (customer.pk, "responded")
    assert list(customer.contacts.values_list("name", "phone")) == [("赵女士", "13700000009")]
    assert list(ticket.notes.values_list("text", flat=True)) == ["已回电"]
    assert not Customer.objects.filter(pk=record.pk).exists()


def test_the_answer_is_the_same_for_a_stranger_a_customer_a_blocked_one_and_a_serial(
        anon_api, customer, customer_factory, device_factory):
    customer_factory(name="欠款", phone="13800000002", blocked=True, blocked_reason="欠款 500 元")
    device_factory(serial="SN-OTHER", customer=customer)
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        answers = [_book(anon_api, phone="13700000007"),
                   _book(anon_api, phone="13800000001"),
                   _book(anon_api, phone="13800000002"),
                   _book(anon_api, phone="13700000008", serial="SN-OTHER")]
    assert [a.status_code for a in answers] == [201, 201, 201, 201]
    numbers = [a.json()["number"] for a in answers]
    tickets_ = [Ticket.objects.get(number=n) for n in numbers]
    shapes = [{k: v for k, v in a.json().items() if k not in ("id", "number")}
              for a in answers]
    assert shapes == [{"verification_required": True,
                       "callback_by": "2026-11-23T02:10:00Z", "zone": None,
                       "hotline": PortalPolicy.current().hotline}] * 4
    assert [(t.kind, t.device_id, t.customer.provisional) for t in tickets_] == [
        ("repair", None, True)] * 4
    assert "欠款" not in "".join(a.content.decode() for a in answers)
    assert list(Outbox.objects.values_list("kind", flat=True)) == ["portal_code"] * 4


def test_someone_elses_serial_is_not_linked_and_staff_see_it(anon_api, customer,
                                                             device_factory):
    device_factory(serial="SN-OTHER", customer=customer)
    booking = _book(anon_api, phone="13700000007", serial="SN-OTHER").json()
    number = _confirm(anon_api, booking["id"], _code("13700000007")).json()["number"]
    ticket = Ticket.objects.get(number=number)
    assert ticket.device_id is None
    assert ticket.customer_id != customer.pk
    assert "SN-OTHER" in ticket.description


def test_a_blocked_customers_booking_is_taken_for_staff_without_telling_the_caller(
        anon_api, customer):
    Customer.objects.filter(pk=customer.pk).update(blocked=True, blocked_reason="欠款 500 元")
    response = _book(anon_api, phone="13800000001")
    assert response.status_code == 201
    assert "欠款" not in response.content.decode()
    confirmed = _confirm(anon_api, response.json()["id"], _code("13800000001"))
    assert confirmed.status_code == 201
    assert confirmed.json()["number"] == response.json()["number"]
    assert "欠款" not in confirmed.content.decode()
    ticket = Ticket.objects.get(number=confirmed.json()["number"])
    assert (ticket.customer_id, ticket.kind) == (customer.pk, "consultation")
    assert "欠款 500 元" in ticket.description
    assert ticket.events.get(action="verify_phone").data["kind"] == ["repair", "consultation"]


def test_a_wrong_code_changes_nothing(anon_api, customer):
    booking = _book(anon_api, phone="13800000001").json()
    right = _code("13800000001")
    before = _state()
    wrong = _confirm(anon_api, booking["id"], "000000" if right != "000000" else "111111")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "invalid_code")
    assert _state() == before
    assert Ticket.objects.get().customer.provisional is True


def test_wrong_codes_are_counted_and_the_code_is_void(anon_api):
    PortalPolicy.objects.update(code_max_attempts=3)
    booking = _book(anon_api).json()
    right = _code("13700000007")
    wrong = "000000" if right != "000000" else "111111"
    codes = [_confirm(anon_api, booking["id"], wrong) for _ in range(3)]
    assert [c.status_code for c in codes] == [422, 422, 422]
    assert codes[0].json()["error"] == {"code": "invalid_code", "field": "code",
                                        "message": codes[0].json()["error"]["message"]}
    # the right code after three wrong ones: too late
    late = _confirm(anon_api, booking["id"], right)
    assert (late.status_code, late.json()["error"]["code"]) == (422, "invalid_code")
    assert Ticket.objects.get().customer.provisional is True
    # a new code works again
    assert anon_api.post(f"/public/bookings/{booking['id']}/resend").status_code == 202
    assert _confirm(anon_api, booking["id"], _code("13700000007")).status_code == 201


def test_an_expired_code_is_refused(anon_api):
    PortalPolicy.objects.update(code_valid_minutes=10)
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        booking = _book(anon_api).json()
    with time_machine.travel("2026-11-23 10:10:01 +0800", tick=False):
        late = _confirm(anon_api, booking["id"], _code("13700000007"))
    assert (late.status_code, late.json()["error"]["code"]) == (422, "invalid_code")
    assert Ticket.objects.get().customer.provisional is True


def test_an_unknown_booking_is_404(anon_api, db):
    assert _confirm(anon_api, "nope", "123456").status_code == 404


@pytest.mark.parametrize("field,payload", [
    ("phone", {"name": "x", "phone": "12345", "summary": "s"}),
    ("name", {"name": " ", "phone": "13700000007", "summary": "s"}),
    ("summary", {"name": "x", "phone": "13700000007", "summary": ""}),
    ("mode", {"name": "x", "phone": "13700000007", "summary": "s", "mode": "teleport"}),
])
def test_bad_bookings_are_422_and_change_nothing(anon_api, field, payload):
    response = anon_api.post("/public/bookings", payload)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert (Ticket.objects.count(), Customer.objects.count(),
            Outbox.objects.count()) == (0, 0, 0)


def test_the_same_idempotency_key_answers_the_same_booking(anon_api):
    payload = {"name": "赵", "phone": "13700000007", "summary": "坏了"}
    first = anon_api.post("/public/bookings", payload, HTTP_IDEMPOTENCY_KEY="web-1")
    second = anon_api.post("/public/bookings", payload, HTTP_IDEMPOTENCY_KEY="web-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert first.json()["number"] == Ticket.objects.get().number
    assert (Outbox.objects.count(), Customer.objects.count()) == (1, 1)
    # the same key with another request: refused, nothing changed
    before = _state()
    other = anon_api.post("/public/bookings", payload | {"summary": "又坏了"},
                          HTTP_IDEMPOTENCY_KEY="web-1")
    assert (other.status_code, other.json()["error"]["code"],
            other.json()["error"]["field"]) == (409, "idempotency_mismatch", "Idempotency-Key")
    assert _state() == before
    # and confirming it books once, under the same number
    confirmed = _confirm(anon_api, first.json()["id"], _code("13700000007"))
    assert (confirmed.status_code, confirmed.json()["number"]) == (201, first.json()["number"])
    assert Ticket.objects.count() == 1


def test_text_messages_are_limited_per_phone(anon_api, settings):
    settings.SMS_RATE_PER_PHONE = 2
    settings.PUBLIC_RATE_LIMIT_PER_IP = 100
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        answers = [anon_api.post("/public/bookings", {"name": "x", "phone": "13700000007",
                                                      "summary": "s"},
                                 REMOTE_ADDR=f"10.2.0.{n}") for n in range(3)]
        other_phone = anon_api.post("/public/bookings", {"name": "x", "phone": "13700000008",
                                                         "summary": "s"})
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert int(answers[2]["Retry-After"]) >= 1
    assert other_phone.status_code == 201
    assert Outbox.objects.filter(recipient="13700000007").count() == 2


def test_text_messages_are_limited_per_address(anon_api, settings):
    settings.SMS_RATE_PER_IP = 2
    settings.PUBLIC_RATE_LIMIT_PER_IP = 100
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        codes = [anon_api.post("/public/bookings", {"name": "x", "phone": f"1370000000{n}",
                                                    "summary": "s"},
                               REMOTE_ADDR="10.3.0.1").status_code for n in range(3)]
    assert codes == [201, 201, 429]
    assert Outbox.objects.count() == 2


def test_a_booking_carries_the_address_half_day_and_model(anon_api, product_model_factory):
    model = product_model_factory(code="WM-100")
    response = _book(anon_api, model="WM-100", mode="send_in", province="浙江省",
                     city="杭州市", district="西湖区", street="文三路 1 号")
    assert response.status_code == 201
    confirmed = _confirm(anon_api, response.json()["id"], _code("13700000007")).json()
    ticket = Ticket.objects.get(number=confirmed["number"])
    assert (ticket.booking.city, ticket.booking.street, ticket.booking.product_model_id) == (
        "杭州市", "文三路 1 号", model.pk)
    assert confirmed["zone"] == ticket.booking.zone


def test_a_half_day_not_offered_is_refused_before_any_code(anon_api):
    response = _book(anon_api, preferred_date="2000-01-03", slot="am")
    assert (response.status_code, response.json()["error"]["field"]) == (422, "slot")
    assert Outbox.objects.count() == 0


def test_the_portal_pages_code_counts_against_the_same_sms_limit(anon_api, settings):
    settings.SMS_RATE_PER_PHONE = 2
    settings.PUBLIC_RATE_LIMIT_PER_IP = 100
    web = Client()
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        pages = [web.post("/portal/login/", {"phone": "137 0000 0007"},
                          REMOTE_ADDR=f"10.4.0.{n}") for n in range(2)]
        api = _book(anon_api)
        third_page = web.post("/portal/login/", {"phone": "13700000007"},
                              REMOTE_ADDR="10.4.0.9")
    assert [p.status_code for p in pages] == [200, 200]
    assert (api.status_code, third_page.status_code) == (429, 429)
    assert Outbox.objects.filter(recipient="13700000007").count() == 2


def test_the_booking_id_carries_no_personal_data(anon_api):
    """The request goes into the ticket and its booking at once; the row keeps the phone
    for the code and the serial for the archive; the id is an opaque random token, so no
    name, phone or address is in a URL or a log."""
    body = _book(anon_api, name="赵女士", phone="13700000007", serial="SN-9",
                 province="浙江省", city="杭州市", district="西湖区", street="文三路 1 号").json()
    pending = PendingBooking.objects.get()
    assert body["id"] == pending.token
    assert len(body["id"]) == 43 and body["id"].replace("-", "").replace("_", "").isalnum()
    for text in ("赵", "13700000007", "杭州", "文三路"):
        assert text not in body["id"]
    assert (pending.phone, pending.request, pending.ticket.number) == (
        "13700000007", {"serial": "SN-9"}, body["number"])
    assert (pending.ticket.contact_name, pending.ticket.booking.street) == ("赵女士", "文三路 1 号")
    # another booking of the same request gets another id
    assert _book(anon_api, name="赵女士", phone="13700000007", province="浙江省",
                 city="杭州市", district="西湖区", street="文三路 1 号").json()["id"] != body["id"]


def test_a_confirmed_booking_keeps_no_request(anon_api):
    body = _book(anon_api, serial="SN-9").json()
    _confirm(anon_api, body["id"], _code("13700000007"))
    pending = PendingBooking.objects.get(token=body["id"])
    assert (pending.request, pending.ticket.number, pending.confirmed_at is not None) == (
        {}, body["number"], True)


def test_an_unconfirmed_booking_expires_its_ticket_stays_for_staff(anon_api):
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        stale = _book(anon_api).json()
    with time_machine.travel("2026-11-24 09:59:00 +0800", tick=False):
        fresh = _book(anon_api, phone="13700000008").json()["id"]
    with time_machine.travel("2026-11-24 10:00:01 +0800", tick=False):
        # past its day the id is unknown (before the sweep too), and the sweep deletes it
        assert _confirm(anon_api, stale["id"], _code("13700000007")).status_code == 404
        assert anon_api.post(f"/public/bookings/{stale['id']}/resend").status_code == 404
        assert run_portal_sweeps() == {"pending_bookings": 1}
    assert list(PendingBooking.objects.values_list("token", flat=True)) == [fresh]
    # the ticket stays with its provisional record, for staff to call back
    ticket = Ticket.objects.get(number=stale["number"])
    assert (ticket.status, ticket.customer.phone, ticket.customer.provisional) == (
        "new", "13700000007", True)
    assert Ticket.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_move_the_ticket_once(customer_factory):
    from django.db import connection

    from aftersales.portal import services
    from tests.concurrency import run_concurrently

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share an in-memory SQLite test database's locks")
    archive = customer_factory(name="王先生", phone="13800000001")
    pending = services.request_booking(name="王", phone="13800000001", summary="坏了")
    code = _code("13800000001")
    outcomes = run_concurrently(
        lambda i: services.confirm_booking(booking_id=pending.token, code=code), 4)
    answered = [o for o in outcomes if not isinstance(o, Exception)]
    assert answered and {o.ticket.number for o in answered} == {pending.ticket.number}
    assert all(getattr(o, "code", None) == "invalid_code"
               for o in outcomes if isinstance(o, Exception)), outcomes
    ticket = Ticket.objects.get()
    assert (ticket.customer_id, ticket.version) == (archive.pk, 2)
    assert ticket.events.filter(action="verify_phone").count() == 1
    assert list(Customer.objects.values_list("pk", flat=True)) == [archive.pk]
    assert Outbox.objects.filter(kind="ticket_opened").count() == 1


def test_staff_see_the_provisional_record_in_chinese(anon_api, agent):
    booking = _book(anon_api).json()
    ticket = Ticket.objects.get(number=booking["number"])
    staff = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff.force_login(agent)
    badge = "网上预约，手机号待验证"
    assert badge in staff.get(f"/tickets/{ticket.pk}/").content.decode()
    assert badge in staff.get(f"/customers/{ticket.customer_id}/").content.decode()
    _confirm(anon_api, booking["id"], _code("13700000007"))
    assert badge not in staff.get(f"/tickets/{ticket.pk}/").content.decode()
