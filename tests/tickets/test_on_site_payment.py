"""On-site payment from the ticket page: cash, WeChat Pay or Alipay with its reference,
then a receipt; refusals say why next to the field and book nothing."""
from django.test import Client

from aftersales.billing.models import LedgerEntry
from aftersales.billing.selectors import ticket_money

from .test_service_form import frozen, signed  # noqa: F401  (fixtures)


def phone(tech):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(tech)
    return client


def test_alipay_needs_its_reference(signed, tech):  # noqa: F811
    client = phone(tech)
    response = client.post(f"/tickets/{signed.pk}/payments/",
                           {"amount": "1250.00", "method": "alipay", "phone": "1"})
    assert response.status_code == 422
    assert "交易单号" in response.content.decode()
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_more_than_is_owed_is_refused(signed, tech):  # noqa: F811
    response = phone(tech).post(f"/tickets/{signed.pk}/payments/",
                                {"amount": "9999.00", "method": "cash"})
    assert response.status_code == 422
    assert not LedgerEntry.objects.filter(kind="payment").exists()


def test_a_wechat_payment_is_booked_with_a_receipt(signed, tech):  # noqa: F811
    client = phone(tech)
    page = client.get(f"/tickets/my-day/{signed.pk}/").content.decode()
    assert 'id="pay"' in page and "微信支付" in page and "支付宝" in page
    response = client.post(f"/tickets/{signed.pk}/payments/",
                           {"amount": "1250.00", "method": "wechat",
                            "reference": "4200001234202611230001", "phone": "1"})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind="payment")
    assert (entry.amount, entry.method, entry.note, entry.created_by) == (
        -1250, "wechat", "4200001234202611230001", tech)
    receipt = client.get(response["Location"]).content.decode()
    assert "收款收据" in receipt and "¥1,250.00" in receipt and "4200001234202611230001" in receipt
    assert ticket_money(ticket=signed)["outstanding"] == 0
    # paid: the form is gone, the page says paid in full
    page = client.get(f"/tickets/my-day/{signed.pk}/").content.decode()
    assert 'id="pay"' not in page and "已全额付清" in page
