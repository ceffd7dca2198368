"""Every page renders in zh-hans with nothing left untranslated, and in en.

Two checks: the zh_Hans catalogue itself (no empty or fuzzy entry, the committed .mo is
compiled from the .po), and a walk over every page in which each string asked for a
translation must be found in the catalogue (a spy on the translation object)."""
import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.translation import trans_real

import aftersales
from aftersales.catalog.models import FaultCode
from aftersales.tickets import services as tickets

LOCALE = Path(aftersales.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
ENTRY = re.compile(r'((?:#.*\n)*)msgid "(.*)"\nmsgstr "(.*)"', re.M)


def po_entries():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    return [(flags, msgid, msgstr) for flags, msgid, msgstr in ENTRY.findall(text) if msgid]


def test_the_catalogue_is_complete_and_compiled():
    # given
    entries = po_entries()
    compiled = gettext_module.GNUTranslations(open(LOCALE / "django.mo", "rb"))
    # then
    assert len(entries) > 500
    assert [msgid for _, msgid, msgstr in entries if not msgstr] == []
    assert [msgid for flags, msgid, _ in entries if "fuzzy" in flags] == []
    assert "fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8")
    unescape = lambda s: s.encode().decode("unicode_escape").encode("latin-1").decode()  # noqa
    stale = [msgid for _, msgid, msgstr in entries
             if compiled.gettext(unescape(msgid)) != unescape(msgstr)]
    assert stale == []


@pytest.fixture
def pages(shop):
    """Tickets in several states, so every form and fragment is drawn at least once."""
    agent, manager = shop["users"]["agent"], shop["users"]["manager"]
    engineer = shop["users"]["engineer"]
    kw = {"customer": shop["customer"], "device": shop["device"], "channel": "phone",
          "kind": "repair", "priority": "urgent"}
    fresh = tickets.open_ticket(actor=agent, mode="onsite", summary="新单", **kw)
    onsite = tickets.open_ticket(actor=agent, mode="onsite", summary="上门", **kw)
    onsite = tickets.assign(actor=manager, ticket=onsite, engineer=engineer)
    onsite = tickets.arrive(actor=engineer, ticket=onsite)
    bench = tickets.open_ticket(actor=agent, mode="send_in", summary="送修", **kw)
    bench = tickets.receive(actor=manager, ticket=bench, condition="外观良好")
    bench = tickets.diagnose(actor=manager, ticket=bench, cause="misuse",
                             fault_code=FaultCode.objects.get(code="F-SCR"))
    bench = tickets.quote(actor=manager, ticket=bench, lines=[
        {"kind": "part", "description": "屏幕", "qty": 1, "unit_price": None, "sku": "SCR-X9"}])
    done = tickets.open_ticket(actor=agent, mode="remote", summary="已完成", **kw)
    done = tickets.respond(actor=agent, ticket=done, note="已回电")
    done = tickets.resolve(actor=manager, ticket=done, resolution="远程指导")
    held = tickets.open_ticket(actor=agent, mode="onsite", summary="暂停", **kw)
    held = tickets.hold(actor=manager, ticket=held, reason="customer")
    ids = [t.pk for t in (fresh, onsite, bench, done, held)]
    cid = shop["customer"].pk
    anonymous = ["/login/", "/portal/", "/portal/track/",
                 f"/portal/track/?number={done.number}&phone=13912345678",
                 "/portal/track/?number=SR1&phone=13800000000",
                 "/portal/warranty/?serial=XY2601000001", "/portal/warranty/?serial=NOPE",
                 "/portal/book/", f"/portal/rate/?number={done.number}",
                 "/portal/service-info/", "/portal/service-info/?city=无此城市",
                 "/portal/login/", "/portal/survey/",
                 f"/portal/t/{bench.tracking_secret}", f"/portal/t/{done.tracking_secret}",
                 f"/portal/t/{done.tracking_secret}/complaint",
                 f"/portal/t/{done.tracking_secret}/rate"]
    by_user = {
        "agent": ["/customers/hotline/", "/customers/hotline/?q=139",
                  "/customers/hotline/?q=无此客户", "/customers/new/", f"/customers/{cid}/",
                  f"/customers/{cid}/?fault=屏幕", f"/tickets/new/{cid}/",
                  f"/tickets/{fresh.pk}/opened/"],
        "manager": [f"/tickets/?tab={tab}" for tab in
                    ("mine", "unassigned", "breaching", "awaiting_approval", "on_hold", "open",
                     "all")] + [f"/tickets/{pk}/" for pk in ids]
        + ["/tickets/dispatch/", "/warehouse/", "/finance/", "/customers/hotline/"],
        "engineer": ["/tickets/my-day/", f"/tickets/my-day/{onsite.pk}/",
                     f"/tickets/{onsite.pk}/"],
        "warehouse": ["/warehouse/"],
        "finance": ["/finance/", "/finance/?bucket=current"],
        "admin": [f"/tickets/{pk}/" for pk in ids],
    }
    posts = [("agent", f"/tickets/new/{cid}/", {"summary": ""}, {}),
             ("manager", f"/tickets/{fresh.pk}/actions/assign/", {"engineer": ""}, {}),
             ("manager", f"/tickets/{fresh.pk}/actions/assign/", {"engineer": ""},
              {"HTTP_HX_REQUEST": "true"}),
             ("agent", "/customers/new/", {"name": "", "phone": "1"}, {}),
             ("finance", "/finance/payments/", {"ticket": "SR0", "amount": "x"}, {}),
             (None, "/portal/book/", {"name": "", "phone": "1"}, {}),
             (None, "/portal/rate/", {"number": done.number}, {}),
             (None, "/portal/login/", {"phone": "1", "step": "send"}, {}),
             (None, f"/portal/t/{bench.tracking_secret}/decide", {"decision": "approve"}, {}),
             (None, f"/portal/t/{done.tracking_secret}/complaint", {"text": ""}, {})]
    return {"anonymous": anonymous, "by_user": by_user, "posts": posts, "users": shop["users"]}


def walk(pages, language):
    """Render every page; return [(url, status)] of failures."""
    failures = []
    clients = {None: Client(HTTP_ACCEPT_LANGUAGE=language)}
    for name, user in pages["users"].items():
        clients[name] = Client(HTTP_ACCEPT_LANGUAGE=language)
        clients[name].force_login(user)
    visits = [(None, url) for url in pages["anonymous"]] + [
        (name, url) for name, urls in pages["by_user"].items() for url in urls]
    for name, url in visits:
        cache.clear()  # the portal's rate limit counts this walk's many anonymous visits
        response = clients[name].get(url)
        if response.status_code not in (200, 404) or (
                response.status_code == 404 and "/portal/" not in url):
            failures.append((name, url, response.status_code))
        elif f'<html lang="{language}">' not in response.content.decode():
            failures.append((name, url, "language"))
    for name, url, data, headers in pages["posts"]:
        cache.clear()
        response = clients[name].post(url, data, **headers)
        if response.status_code not in (200, 404, 422):
            failures.append((name, url, response.status_code))
    return failures


@pytest.mark.django_db
def test_every_page_renders_in_chinese_with_nothing_untranslated(pages, monkeypatch):
    # given: a spy that records every string asked for in zh-hans and missing from the catalogue
    missing = set()
    original = trans_real.DjangoTranslation.gettext

    def spy(self, message):
        if self.language() == "zh-hans" and "\x04" not in message and \
                message not in self._catalog:
            missing.add(message)
        return original(self, message)

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", spy)
    # when
    failures = walk(pages, "zh-hans")
    # then
    assert failures == []
    assert sorted(missing) == []


@pytest.mark.django_db
def test_every_page_renders_in_english(pages):
    assert walk(pages, "en") == []
