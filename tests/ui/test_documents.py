"""Done-when: a quote PDF and a custody label are downloaded from the ticket page and
parsed (pypdf): page size, title, the Chinese text and the ticket number."""
import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from aftersales.tickets import services as tickets

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bench_job(shop):
    """A send-in unit received at the bench, diagnosed and quoted with a screen."""
    agent, manager = shop["users"]["agent"], shop["users"]["manager"]
    from aftersales.catalog.models import FaultCode

    ticket = tickets.open_ticket(actor=agent, customer=shop["customer"], device=shop["device"],
                                 channel="walk_in", kind="repair", priority="normal",
                                 mode="send_in", summary="摔坏了屏幕")
    ticket = tickets.receive(actor=manager, ticket=ticket, condition="屏幕碎裂",
                             accessories=["充电器"])
    ticket = tickets.diagnose(actor=manager, ticket=ticket, cause="misuse",
                              fault_code=FaultCode.objects.get(code="F-SCR"),
                              findings="外力撞击")
    return tickets.quote(actor=manager, ticket=ticket, lines=[
        {"kind": "part", "description": "X9 屏幕总成", "qty": 1, "unit_price": None,
         "sku": "SCR-X9"}])


def download(page, link_id):
    with page.expect_download() as info:
        page.locator(link_id).click()
    return PdfReader(io.BytesIO(open(info.value.path(), "rb").read()))


def test_quote_and_custody_label_are_downloaded_and_parsed(screens, shop, bench_job):
    # given
    ticket = bench_job
    page = screens.login(screens.page(), "manager")
    page.goto(f"{screens.base}/tickets/{ticket.pk}/")
    screens.shot(page)
    # when
    quote = download(page, "#quote-pdf")
    label = download(page, "#label-pdf")
    # then: the quote is one A4 page with the lines and the total the customer approves
    assert len(quote.pages) == 1
    box = quote.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (round(A4[0]), round(A4[1]))
    assert quote.metadata.title == f"报价单 {ticket.number}"
    text = quote.pages[0].extract_text()
    assert "维修报价单" in text and ticket.number in text
    assert "X9 屏幕总成" in text and "480.00" in text
    # and the label is 60 × 40 mm with the custody label's number and a QR code drawing
    assert len(label.pages) == 1
    box = label.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (round(60 * mm),
                                                                  round(40 * mm))
    ticket.custody.refresh_from_db()
    label_text = label.pages[0].extract_text()
    assert ticket.number in label_text and ticket.custody.label in label_text
    assert "送修标签" in label_text
    content = label.pages[0].get_contents().get_data()
    assert content.count(b" re") >= 20  # the QR code's modules are filled rectangles
