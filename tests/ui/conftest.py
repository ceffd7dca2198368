"""Browser tests: Playwright for Python driving Debian's chromium (never a downloaded
browser) against pytest-django's live server. Each test keeps a screenshot in
tests/_artifacts/ (git-ignored); the role guides in docs/guide/ use them."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tests.seeds import ensure_seeded_rules

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test's own
# set-up are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts"
GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
PASSWORD = "pass12345"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (./dev test installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


class Screens:
    """Opens pages for a user and keeps screenshots named after the test."""

    def __init__(self, chromium, live_server, request):
        self.chromium = chromium
        self.base = live_server.url
        self.name = request.node.name
        self.contexts = []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def page(self, *, width=1280, height=900, locale="zh-CN", **options):
        context = self.chromium.new_context(viewport={"width": width, "height": height},
                                            locale=locale, accept_downloads=True, **options)
        context.set_default_timeout(15000)
        self.contexts.append(context)
        return context.new_page()

    def login(self, page, username: str, password: str = PASSWORD):
        page.goto(f"{self.base}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")
        return page

    def shot(self, page, suffix: str = "", *, guide: str | None = None) -> Path:
        """Keep a screenshot in tests/_artifacts/; `guide` also refreshes the picture of
        that name in docs/guide/img/ (the role guides show what the tests saw)."""
        path = ARTIFACTS / f"{self.name}{'-' + suffix if suffix else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        if guide and os.environ.get("AFTERSALES_GUIDE_SHOTS"):
            GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(GUIDE_IMAGES / f"{guide}.png"), full_page=False)
        return path

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.ui_failed = report.failed
    return report


@pytest.fixture
def screens(chromium, live_server, request):
    s = Screens(chromium, live_server, request)
    yield s
    if getattr(request.node, "ui_failed", False):
        for index, context in enumerate(s.contexts):
            for page in context.pages:
                s.shot(page, f"failed-{index}")
    s.close()


@pytest.fixture
def shop(db):
    """A small service organisation: HQ, one of each role, a customer with a phone in
    warranty, fault codes and a part."""
    ensure_seeded_rules()
    from aftersales.catalog.models import FaultCode
    from tests.factories import (
        CustomerFactory,
        DeviceFactory,
        PartFactory,
        ProductModelFactory,
        ServicePointFactory,
        UserFactory,
    )

    hq = ServicePointFactory(code="HQ", name="总部售后服务中心", kind="hq", tier="diamond")
    users = {
        "agent": UserFactory(username="agent", name="李客服", role="agent"),
        "manager": UserFactory(username="manager", name="王经理", role="manager"),
        "engineer": UserFactory(username="engineer", name="张工程师", role="engineer",
                                skills=["手机"]),
        "warehouse": UserFactory(username="warehouse", name="陈仓管", role="warehouse"),
        "finance": UserFactory(username="finance", name="孙会计", role="finance"),
        "admin": UserFactory(username="admin", name="系统管理员", role="admin",
                             is_superuser=True, is_staff=True),
    }
    model = ProductModelFactory(code="X9", name="星耀 X9 智能手机", category="手机")
    customer = CustomerFactory(name="张伟", phone="13912345678", address="石家庄市中山路1号",
                               service_point=hq)
    device = DeviceFactory(serial="XY2601000001", customer=customer, model=model,
                           purchase_date=date.today().replace(day=1), invoice_no="FP1",
                           warranty_card_no="K1")
    FaultCode.objects.get_or_create(code="F-SCR", defaults={"name": "屏幕不显示", "component": "屏幕"})
    part = PartFactory(sku="SCR-X9", name="X9 屏幕总成", price="480.00", cost="320.00")
    return {"hq": hq, "users": users, "model": model, "customer": customer, "device": device,
            "part": part}
