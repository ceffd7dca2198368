"""No raw codes and no English on the Chinese screens: every console page is rendered in
zh-hans (and en), and the visible text of the Chinese pages is searched for snake_case
codes (`response_overdue`) and English words (`Customer not found.`)."""
import html as html_lib
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from aftersales.notifications.models import Alert
from aftersales.tickets.sweeps import run_sweeps
from tests.ui.test_i18n import pages  # noqa: F401  (the fixture of every page)

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{3,}\b")
# words that are names, not English sentences: brands, units, file formats
ALLOWED = {"WeChat", "Alipay", "Excel", "English", "Pro", "Type", "WiFi", "Aftersales"}
HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>|<!--.*?-->", re.S | re.I)
ATTRS = re.compile(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    page = HIDDEN.sub(" ", page)
    attributes = " ".join(ATTRS.findall(page))
    # the language picker names each language in itself (English is meant to be English)
    page = re.sub(r'<option value="en"[^>]*>English</option>', " ", page)
    return html_lib.unescape(TAG.sub(" ", page) + " " + attributes)


def offenders(text: str) -> list[str]:
    found = SNAKE.findall(text)
    found += [w for w in ENGLISH_WORD.findall(text) if w not in ALLOWED]
    return found


@pytest.fixture
def more_pages(pages):  # noqa: F811
    """The pages of this issue too: alerts (with a sweep's alert on a timeline), the
    refusal and not-found pages."""
    pages["by_user"]["agent"] += ["/alerts/", "/tickets/999999/"]
    pages["by_user"]["manager"] += ["/alerts/", "/alerts/?show=all"]
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        run_sweeps()
    assert Alert.objects.filter(kind="response_overdue").exists()
    return pages


@pytest.mark.django_db
def test_chinese_pages_show_no_codes_and_no_english(more_pages):
    found = {}
    for name, urls in more_pages["by_user"].items():
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(more_pages["users"][name])
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), (name, url, response.status_code)
            bad = offenders(visible_text(response.content.decode()))
            if bad:
                found[(name, url)] = sorted(set(bad))
    assert found == {}


def test_the_check_catches_what_it_should():
    text = visible_text('<p>Customer not found.</p><span title="response_overdue">x</span>'
                        '<script>var snake_case = 1</script><p>¥1,200.00 在保</p>')
    assert offenders(text) == ["response_overdue", "Customer", "found"]


@pytest.mark.django_db
def test_the_same_pages_render_in_english(more_pages):
    for name, urls in more_pages["by_user"].items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(more_pages["users"][name])
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), (name, url, response.status_code)
            assert '<html lang="en">' in response.content.decode()
