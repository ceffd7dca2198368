"""The printed service form (联络单): letterhead, warranty verdict with its reasons, parts
and charges with why the money reads so, the opinion box, the drawn signature, a QR code
of the tracking page, and an embedded CJK font."""
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from aftersales.billing.models import LabourRate
from aftersales.tickets import documents
from tests.factories import FaultCodeFactory

from .conftest import act
from .test_money_and_parts import SIGNATURE

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def signed(make_ticket, hotline_api, tech_api, tech, point):
    point.address, point.phone = "石家庄市中山路100号", "0311-88886666"
    point.save()
    FaultCodeFactory(code="F-SCR", name="屏幕故障")
    ticket = make_ticket()
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    act(tech_api, ticket, "arrive")
    act(tech_api, ticket, "diagnose", fault_code="F-SCR", findings="屏幕排线断裂", cause="none")
    # the labour is priced from the labour-rate table (prices as published)
    LabourRate.objects.create(code="FPC", name="排线维修", price="1200.00")
    act(tech_api, ticket, "quote", lines=[{"kind": "labour", "rate": "FPC", "qty": 1}])
    act(hotline_api, ticket, "approve_quote")
    act(tech_api, ticket, "depart", outcome="fixed")
    act(tech_api, ticket, "resolve", resolution="重新插排线")
    act(tech_api, ticket, "test", note="开机测试正常")  # tested before the sign-off
    done = act(tech_api, ticket, "sign_off", signed_by="刘先生", satisfaction=5,
               signature=SIGNATURE)
    assert done.status_code == 200, done.content
    ticket.refresh_from_db()
    return ticket


def text_of(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_form_tells_the_story(signed, hotline):
    client = Client()
    client.force_login(hotline)
    pdf = client.get(f"/tickets/{signed.pk}/service-form.pdf").content
    text = text_of(pdf)
    assert "石家庄站" in text and "0311-88886666" in text  # letterhead
    assert "售后服务维修联络单" in text and signed.number in text
    assert "保外" in text and "没有购机凭证" in text  # the verdict and its reason
    assert "排线维修" in text and "¥1,250.00" in text  # visit 50 + labour 1200
    assert "客户意见" in text and "5 分" in text
    assert "刘先生" in text and "电子签名" in text
    assert "扫码查看进度" in text


def test_the_signature_image_and_the_font_are_embedded(signed):
    reader = PdfReader(io.BytesIO(documents.service_form(signed, tracking_url="https://t/x")))
    page = reader.pages[0]
    images = [name for name, obj in page["/Resources"]["/XObject"].items()
              if obj.get_object()["/Subtype"] == "/Image"]
    assert images
    fonts = page["/Resources"]["/Font"]
    embedded = []
    for font in fonts.values():
        font = font.get_object()
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.append(font["/BaseFont"])
    if documents.FONT == "AftersalesCJK":
        assert embedded
    else:  # no TrueType CJK font on this machine: the CID font (never a broken PDF)
        assert documents.FONT == "STSong-Light"


def test_a_form_before_the_diagnosis_says_so(make_ticket):
    text = text_of(documents.service_form(make_ticket()))
    assert "待检测" in text and "无" in text
