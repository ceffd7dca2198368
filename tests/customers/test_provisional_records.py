"""A web booking's provisional record (Customer.provisional, 网上预约，手机号待验证): staff who
called the phone back verify it by hand, with the same function the SMS code uses; and
wherever a phone is matched (the duplicate check, the screen-pop, the hotline) a
provisional record is never offered as an archive without its 待验证 badge."""
import re

import pytest
from django.test import Client

from aftersales.core.errors import Conflict, Forbidden
from aftersales.customers import services as customers
from aftersales.customers.models import Customer
from aftersales.notifications.models import Outbox
from aftersales.portal import services as portal
from aftersales.telephony import services as telephony
from aftersales.tickets.models import Ticket, TicketEvent
from aftersales.tickets.services import verify_booking_customer
from tests.conftest import ApiClient

BADGE = '<span class="badge warn provisional" title="网上预约，手机号待验证">待验证</span>'


def _book(phone="13700000007", name="赵女士"):
    """A public booking, step one: its ticket under a new provisional record."""
    return portal.request_booking(name=name, phone=phone, summary="洗衣机不转")


def _code(phone: str) -> str:
    sms = Outbox.objects.filter(recipient=phone, kind="portal_code").latest("pk")
    return re.search(r"\d{6}", sms.body).group(0)


def _state():
    """What a refusal must leave as it was."""
    return (list(Ticket.objects.values_list("number", "customer_id", "version").order_by("pk")),
            list(Customer.objects.values_list("pk", "phone", "provisional").order_by("pk")),
            list(TicketEvent.objects.values_list("action", flat=True).order_by("pk")),
            list(Outbox.objects.values_list("kind", "recipient").order_by("pk")))


def _staff(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


# -- staff verify the phone by hand ----------------------------------------------------------


def test_staff_verify_a_booking_whose_phone_has_no_archive(agent):
    # given
    pending = _book()
    record = pending.ticket.customer
    # when
    verified = verify_booking_customer(actor=agent, customer=record)
    # then: the record is the archive now; the ticket says who verified it
    ticket = Ticket.objects.get()
    assert (verified.pk, verified.provisional, ticket.customer_id, ticket.version) == (
        record.pk, False, record.pk, 2)
    event = ticket.events.get(action="verify_phone")
    assert (event.actor_id, event.data) == (agent.pk, {
        "customer": record.number, "moved_from": None, "device": None, "kind": None})
    last = Customer.history.filter(id=record.pk).latest("history_id")
    assert (last.provisional, last.history_user_id) == (False, agent.pk)
    assert list(Outbox.objects.values_list("kind", "recipient").order_by("pk")) == [
        ("portal_code", "13700000007"), ("ticket_opened", "13700000007")]
    # and a code entered afterwards answers the booking, changing and sending nothing more
    before = _state()
    confirmed = portal.confirm_booking(booking_id=pending.token, code=_code("13700000007"))
    assert (confirmed.ticket_id, confirmed.confirmed_at is not None) == (ticket.pk, True)
    assert _state() == before


def test_staff_verify_a_booking_into_the_archive_with_that_phone(agent, customer_factory):
    # given: the phone belongs to an archive; the booking sits under its own record
    archive = customer_factory(name="王先生", phone="13800000001")
    pending = _book(phone="13800000001", name="王")
    record = pending.ticket.customer
    # when
    verified = verify_booking_customer(actor=agent, customer=record)
    # then: the ticket moved to the archive; the record is gone, its history says by whom
    ticket = Ticket.objects.get()
    assert (verified.pk, ticket.customer_id, ticket.version) == (archive.pk, archive.pk, 2)
    assert list(Customer.objects.values_list("pk", flat=True)) == [archive.pk]
    event = ticket.events.get(action="verify_phone")
    assert (event.actor_id, event.data) == (agent.pk, {
        "customer": archive.number, "moved_from": record.number, "device": None, "kind": None})
    gone = Customer.history.filter(id=record.pk).latest("history_id")
    assert (gone.history_type, gone.history_user_id) == ("-", agent.pk)
    assert list(Outbox.objects.values_list("kind", "recipient").order_by("pk")) == [
        ("portal_code", "13800000001"), ("ticket_opened", "13800000001")]


def test_a_customer_that_is_not_provisional_is_refused_and_nothing_changes(agent,
                                                                          customer_factory):
    # given
    archive = customer_factory(name="王先生", phone="13800000001")
    _book()
    before = _state()
    # when
    with pytest.raises(Conflict) as refused:
        verify_booking_customer(actor=agent, customer=archive)
    # then
    assert (refused.value.code, refused.value.field) == ("not_provisional", "customer")
    assert _state() == before


@pytest.mark.parametrize("role", ["engineer", "warehouse", "finance"])
def test_a_role_other_than_hotline_or_manager_is_refused_and_nothing_changes(user_factory,
                                                                            role):
    # given
    record = _book().ticket.customer
    someone = user_factory(username=f"u_{role}", role=role)
    before = _state()
    # when
    with pytest.raises(Forbidden):
        verify_booking_customer(actor=someone, customer=record)
    # then
    assert _state() == before
    assert Customer.objects.get(pk=record.pk).provisional is True


def test_the_api_action_verifies_and_refuses_a_second_time(agent, engineer, customer_factory):
    # given
    archive = customer_factory(name="王先生", phone="13800000001")
    record = _book(phone="13800000001").ticket.customer
    before = _state()
    # when: an engineer may not
    refused = ApiClient(engineer).post(f"/customers/{record.pk}/verify-phone")
    # then
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    assert _state() == before
    # when: the hotline may
    answer = ApiClient(agent).post(f"/customers/{record.pk}/verify-phone")
    # then: the customer the booking belongs to now
    assert answer.status_code == 200
    body = answer.json()
    assert (body["id"], body["number"], body["provisional"]) == (
        archive.pk, archive.number, False)
    assert Ticket.objects.get().customer_id == archive.pk
    # when: the archive itself is not a booking's record
    again = ApiClient(agent).post(f"/customers/{archive.pk}/verify-phone")
    assert (again.status_code, again.json()["error"]["code"], again.json()["error"]["field"]) == (
        409, "not_provisional", "customer")


def test_the_archive_page_offers_the_button_to_the_hotline_with_a_confirmation(agent, engineer):
    # given
    record = _book().ticket.customer
    page = f"/customers/{record.pk}/"
    action = f"/customers/{record.pk}/verify-phone/"
    # then: the hotline sees the form with its box to tick; an engineer does not
    html = _staff(agent).get(page).content.decode()
    assert f'action="{action}"' in html and 'name="confirm" value="1" required' in html
    assert "我已回电 13700000007，客户确认了此预约。" in html
    assert 'id="verify-phone"' not in _staff(engineer).get(page).content.decode()
    before = _state()
    # when: sent without the tick, or by an engineer
    unticked = _staff(agent).post(action, follow=True)
    forbidden = _staff(engineer).post(action, {"confirm": "1"})
    # then: nothing changes
    assert "请勾选确认：您已回电客户，且客户确认这是其本人的预约。" in unticked.content.decode()
    assert forbidden.status_code == 403
    assert _state() == before
    # when: ticked
    done = _staff(agent).post(action, {"confirm": "1"}, follow=True)
    # then
    html = done.content.decode()
    assert done.redirect_chain == [(page, 302)]
    assert "手机号已验证：此记录现为该客户的档案。" in html
    assert 'id="verify-phone"' not in html and 'id="provisional-customer"' not in html
    assert Customer.objects.get(pk=record.pk).provisional is False


def test_a_verification_into_an_archive_lands_on_that_archive(manager, customer_factory):
    archive = customer_factory(name="王先生", phone="13800000001")
    record = _book(phone="13800000001").ticket.customer
    done = _staff(manager).post(f"/customers/{record.pk}/verify-phone/", {"confirm": "1"},
                                follow=True)
    assert done.redirect_chain == [(f"/customers/{archive.pk}/", 302)]
    assert f"手机号已验证：预约已并入 王先生（{archive.number}）的档案。" in done.content.decode()


# -- matching a phone: a provisional record is marked, and an archive comes first ------------


def test_the_duplicate_check_names_a_provisional_record_as_a_web_booking(agent):
    # given: only a web booking has the phone
    record = _book().ticket.customer
    # when
    with pytest.raises(Conflict) as refused:
        customers.create_customer(actor=agent, name="赵女士", kind="person",
                                  phone="13700000007", zone="city")
    # then
    assert (refused.value.code, refused.value.field) == ("duplicate_phone", "phone")
    assert refused.value.message == (
        f"网上预约 {record.number}（手机号待验证）已使用此手机号；请打开并验证手机号，"
        "或确认这是另一位客户。")
    # and the console offers it as a web booking, with its badge
    page = _staff(agent).post("/customers/new/", {
        "name": "赵女士", "kind": "person", "phone": "13700000007", "zone": "city"})
    html = page.content.decode()
    assert page.status_code == 422
    assert f"打开 赵女士（{record.number}）的网上预约</a> {BADGE}" in html
    assert Customer.objects.count() == 1


def test_the_duplicate_check_offers_the_archive_before_a_provisional_record(agent,
                                                                           customer_factory):
    # given: a booking's record is older than the archive with the same phone
    record = _book(phone="13800000001").ticket.customer
    archive = customer_factory(name="王先生", phone="13800000001")
    assert record.pk < archive.pk
    # when
    with pytest.raises(Conflict) as refused:
        customers.create_customer(actor=agent, name="王", kind="person",
                                  phone="13800000001", zone="city")
    # then
    assert refused.value.message == (
        f"客户 {archive.number} 已使用此电话号码；请打开该客户档案，或确认这是另一位客户。")
    html = _staff(agent).post("/customers/new/", {
        "name": "王", "kind": "person", "phone": "13800000001", "zone": "city"}).content.decode()
    assert f'href="/customers/{archive.pk}/">打开 王先生（{archive.number}）的档案</a>' in html
    assert BADGE not in html


def test_the_screen_pop_prefers_the_archive_and_marks_a_provisional_record(agent,
                                                                          customer_factory):
    # given
    telephony.set_extension(actor=agent, agent=agent, extension="8001")
    record = _book(phone="13800000001").ticket.customer
    archive = customer_factory(name="王先生", phone="13800000001")
    lonely = _book(phone="13700000007").ticket.customer
    # when
    known = telephony.log_incoming_call(number="13800000001", extension="8001", signature="s1")
    booked = telephony.log_incoming_call(number="13700000007", extension="8001", signature="s2")
    # then: the archive, not the older provisional record; a booking alone is marked
    assert (known.customer_id, booked.customer_id) == (archive.pk, lonely.pk)
    assert record.pk < archive.pk
    pop = _staff(agent).get("/telephony/pop/").content.decode()  # the newest call first
    assert f"赵女士 ({lonely.number}) {BADGE}" in pop
    assert f'href="/customers/{lonely.pk}/?call={booked.pk}"' in pop
    pop = _staff(agent).get("/telephony/pop/").content.decode()
    assert f"王先生 ({archive.number})" in pop and BADGE not in pop


def test_the_hotline_and_the_new_ticket_form_mark_a_provisional_record(agent):
    record = _book().ticket.customer
    client = _staff(agent)
    hits = client.get("/customers/hotline/", {"q": "13700000007"}).content.decode()
    assert f"赵女士 · 13700000007 · {record.number} {BADGE}</a>" in hits
    form = client.get(f"/tickets/new/{record.pk}/").content.decode()
    assert f">赵女士</a> {BADGE}</p>" in form
