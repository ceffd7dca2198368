"""Paying what is owed online: the WeChat Pay v3 provider signs its order request (a stub
provider on 127.0.0.1 verifies the signature as the real one does, and refuses a wrong
one); only the provider's signed, encrypted notification books the payment, through
billing, once per order however often it is repeated; a forged, stale or mismatching
notification books nothing."""
import pytest
from django.test import Client

from aftersales.billing.models import LedgerEntry
from aftersales.billing.selectors import ticket_money
from aftersales.core.errors import Conflict
from aftersales.portal import payments, services
from aftersales.portal.models import PaymentOrder
from aftersales.tickets import services as tickets

from .wechatpay_stub import Stub, http_headers, new_key

NOTIFY = "/api/v1/public/payments/wechatpay/notify"


@pytest.fixture
def stub(settings, tmp_path):
    running = Stub().start()
    running.configure(settings, tmp_path)
    yield running
    running.stop()


@pytest.fixture
def owed(quoted):
    """The quote approved, the job resolved: 530.00 owed today (≤ 2,000: same day)."""
    ticket = tickets.approve_quote(actor=quoted["agent"], ticket=quoted["ticket"])
    ticket = tickets.resolve(actor=quoted["engineer"], ticket=ticket, resolution="换屏")
    money = ticket_money(ticket=ticket)
    assert (money["outstanding"], money["due_on"]) == (money["total"], ticket.resolved_at.date())
    return ticket


def test_the_order_request_is_signed_and_the_stub_verifies_it(stub, owed):
    # when
    order = services.start_payment(ticket=owed, provider=payments.configured_provider())
    # then
    assert order.pay_url.startswith("weixin://wxpay/bizpayurl?pr=")
    assert order.status == "created" and str(order.amount) == "530.00"
    assert stub.orders == [{"appid": "wx0000000000000001", "mchid": "1900000109",
                            "description": f"服务单 {owed.number}",
                            "out_trade_no": order.out_trade_no,
                            "notify_url": "http://127.0.0.1:8000/api/v1/public/payments/"
                                          "wechatpay/notify",
                            "amount": {"total": 53000, "currency": "CNY"}}]


def test_a_request_signed_with_another_key_is_refused_by_the_provider(stub, owed, settings,
                                                                      tmp_path):
    # given: the merchant key on file is not the one registered with the provider
    stub.configure(settings, tmp_path, merchant_key=new_key())
    # when
    with pytest.raises(Conflict) as refused:
        services.start_payment(ticket=owed, provider=payments.configured_provider())
    # then
    assert refused.value.code == "payment_unavailable"
    assert stub.refused == ["/v3/pay/transactions/native"] and stub.orders == []
    assert PaymentOrder.objects.get().status == "failed"
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_the_notification_books_the_payment_once(stub, owed):
    order = services.start_payment(ticket=owed, provider=payments.configured_provider())
    headers, body = stub.notification(out_trade_no=order.out_trade_no, total=53000)
    client = Client()
    # when: the provider notifies, and (as providers do) notifies again
    first = client.post(NOTIFY, body, content_type="application/json", **http_headers(headers))
    again = client.post(NOTIFY, body, content_type="application/json", **http_headers(headers))
    # then
    assert (first.status_code, first.json()) == (200, {"code": "SUCCESS", "message": ""})
    assert again.status_code == 200
    payment = LedgerEntry.objects.get(kind="payment")
    assert (str(payment.amount), payment.method, payment.created_by) == ("-530.00", "wechat",
                                                                         None)
    assert payment.note == "wechatpay 4200000000202611230000000001"
    order.refresh_from_db()
    assert (order.status, order.ledger_entry_id) == ("paid", payment.pk)
    assert str(ticket_money(ticket=owed)["outstanding"]) == "0.00"
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(
        f"/portal/t/{owed.tracking_secret}").content.decode()
    assert "已付款：¥530.00。谢谢！" in html


@pytest.mark.parametrize("forge,status", [
    ("other_key", 401), ("stale", 401), ("amount", 409), ("tampered", 401),
])
def test_a_forged_or_wrong_notification_books_nothing(stub, owed, forge, status):
    order = services.start_payment(ticket=owed, provider=payments.configured_provider())
    kwargs = {"out_trade_no": order.out_trade_no, "total": 53000}
    if forge == "other_key":
        kwargs["key"] = new_key()
    elif forge == "stale":
        import time
        kwargs["timestamp"] = int(time.time()) - 3600
    elif forge == "amount":
        kwargs["total"] = 100
    headers, body = stub.notification(**kwargs)
    if forge == "tampered":
        body = body.replace(b'"event_type": "TRANSACTION.SUCCESS"',
                            b'"event_type": "TRANSACTION.SUCCESS" ')
    response = Client().post(NOTIFY, body, content_type="application/json",
                             **http_headers(headers))
    assert response.status_code == status
    assert response.json()["code"] == "FAIL"
    assert not LedgerEntry.objects.filter(kind="payment").exists()
    assert PaymentOrder.objects.get().status == "created"


def test_a_failed_payment_state_books_nothing(stub, owed):
    order = services.start_payment(ticket=owed, provider=payments.configured_provider())
    headers, body = stub.notification(out_trade_no=order.out_trade_no, total=53000,
                                      state="PAYERROR")
    response = Client().post(NOTIFY, body, content_type="application/json",
                             **http_headers(headers))
    assert response.status_code == 200
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_nothing_owed_starts_no_order(stub, quoted):
    with pytest.raises(Conflict):
        services.start_payment(ticket=quoted["ticket"], provider=payments.configured_provider())
    assert not PaymentOrder.objects.exists() and stub.orders == []


def test_without_a_provider_the_notify_answers_404(db, settings):
    settings.PAYMENT_PROVIDER = ""
    response = Client().post(NOTIFY, b"{}", content_type="application/json")
    assert response.status_code == 404


class RecordingProvider:
    """A test double of the provider interface: hands out a link, books nothing."""

    name, method = "wechatpay", "wechat"

    def create_order(self, *, out_trade_no, amount, description, notify_url):
        return f"weixin://wxpay/bizpayurl?pr={out_trade_no}"

    def parse_notification(self, *, headers, body):
        raise payments.InvalidNotification("the double receives no callbacks")


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_a_notification_at_once_book_once(quoted):
    from django.db import connection

    from tests.concurrency import run_concurrently

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share an in-memory SQLite test database's locks")
    # given an order for the 530.00 owed
    ticket = tickets.approve_quote(actor=quoted["agent"], ticket=quoted["ticket"])
    ticket = tickets.resolve(actor=quoted["engineer"], ticket=ticket, resolution="换屏")
    order = services.start_payment(ticket=ticket, provider=RecordingProvider())
    notice = payments.PaidNotice(out_trade_no=order.out_trade_no, transaction_id="T-1",
                                 amount=order.amount, succeeded=True, state="SUCCESS")
    # when the provider's two deliveries arrive at the same moment
    outcomes = run_concurrently(
        lambda i: services.book_notified_payment(provider_name="wechatpay", notice=notice), 2)
    # then both are answered, one payment is booked
    assert [getattr(o, "status", o) for o in outcomes] == ["paid", "paid"]
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    assert str(ticket_money(ticket=ticket)["outstanding"]) == "0.00"


def test_a_provider_whose_keys_cannot_be_read_is_not_offered_and_never_a_500(db, settings,
                                                                            quoted):
    # given: configured, but the key file is missing
    settings.PAYMENT_PROVIDER = "wechatpay"
    settings.WECHATPAY = {**settings.WECHATPAY, "PRIVATE_KEY_FILE": "/nonexistent.pem"}
    ticket = tickets.approve_quote(actor=quoted["agent"], ticket=quoted["ticket"])
    ticket = tickets.resolve(actor=quoted["engineer"], ticket=ticket, resolution="换屏")
    # when
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(f"/portal/t/{ticket.tracking_secret}/pay")
    # then
    assert payments.configured_provider() is None
    assert response.status_code == 409
    assert "尚未开通在线支付，请使用其他付款方式。" in response.content.decode()
    assert not PaymentOrder.objects.exists()
