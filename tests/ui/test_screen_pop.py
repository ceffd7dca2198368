"""The call centre reports a call; the agent's open console shows the caller's archive by
itself (HTMX polls every second), and a click opens it."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request

import pytest

from aftersales.telephony import services

pytestmark = pytest.mark.browser

TOKEN, SECRET = "tel-token-ui", "tel-secret-ui"


def report_call(base: str, caller: str, extension: str) -> int:
    raw = json.dumps({"caller": caller, "extension": extension}).encode()
    stamp = str(int(time.time()))
    signature = "sha256=" + hmac.new(SECRET.encode(), stamp.encode() + b"." + raw,
                                     hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{base}/api/v1/telephony/calls", data=raw, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {TOKEN}",
                                              "X-Telephony-Timestamp": stamp,
                                              "X-Telephony-Signature": signature})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.status


def test_the_callers_archive_pops_up_on_the_agents_screen(screens, shop, settings):
    # given: the agent at extension 8001 has the hotline screen open
    settings.TELEPHONY_TOKEN, settings.TELEPHONY_SECRET = TOKEN, SECRET
    agent = shop["users"]["agent"]
    services.set_extension(actor=agent, agent=agent, extension="8001")
    page = screens.login(screens.page(), "agent")
    page.goto(f"{screens.base}/customers/hotline/")
    assert page.locator(".screen-pop").count() == 0
    # when: the customer's call is reported by the call centre
    assert report_call(screens.base, "13912345678", "8001") == 201
    # then: within the next poll (every second) the caller's archive is offered
    pop = page.locator(".screen-pop")
    pop.wait_for(state="visible", timeout=2500)
    assert "来电" in pop.inner_text() and "张伟" in pop.inner_text()
    screens.shot(page, "pop", guide="agent-screen-pop")
    page.wait_for_timeout(1500)  # later polls find nothing new and leave the pop in place
    assert pop.is_visible()
    pop.get_by_role("link", name="打开档案").click()
    page.wait_for_load_state("networkidle")
    assert f"/customers/{shop['customer'].pk}/" in page.url
    assert "张伟" in page.content()


def test_a_new_caller_is_offered_a_new_archive(screens, shop, settings):
    settings.TELEPHONY_TOKEN, settings.TELEPHONY_SECRET = TOKEN, SECRET
    agent = shop["users"]["agent"]
    services.set_extension(actor=agent, agent=agent, extension="8002")
    page = screens.login(screens.page(width=360, height=740), "agent")
    page.goto(f"{screens.base}/customers/hotline/")
    assert report_call(screens.base, "13700000000", "8002") == 201
    pop = page.locator(".screen-pop")
    pop.wait_for(state="visible", timeout=2500)
    assert "新来电" in pop.inner_text()
    screens.shot(page, "new-caller")
    pop.get_by_role("link", name="新建客户").click()
    page.wait_for_load_state("networkidle")
    assert "/customers/new/" in page.url
