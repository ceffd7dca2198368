"""Integrators generate their client from /api/v1/openapi.json. Both common generators must
take the whole document without dropping an operation, and the generated client must
work against a live server: a token, a customer, a device, a warranty check, a ticket."""
from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from aftersales.api import api
from tests.factories import ProductModelFactory, UserFactory

BIN = Path(sys.executable).parent


def test_operation_ids_are_unique_view_names():
    schema = api.get_openapi_schema()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert [k for k, n in Counter(ids).items() if n > 1] == []
    assert "open_ticket" in ids and "check_warranty" in ids
    assert not [i for i in ids if "_api_" in i]  # no module paths in method names


def fetch_document(base: str, into: Path) -> Path:
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=30) as resp:
        into.write_bytes(resp.read())
    return into


@pytest.fixture
def live_setup(live_server):
    UserFactory(username="integrator", role="admin", is_superuser=True, is_staff=True)
    ProductModelFactory(code="X9", name="星耀 X9", category="手机")
    return live_server.url


def _fresh_import(name: str, where: Path):
    sys.path.insert(0, str(where))
    for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[mod]
    importlib.invalidate_caches()
    return importlib.import_module(name)


def test_openapi_python_client_generates_every_operation_and_works(live_setup, tmp_path):
    base = live_setup
    doc = fetch_document(base, tmp_path / "openapi.json")
    (tmp_path / "cfg.yaml").write_text("post_hooks: []\n")
    out = subprocess.run(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(doc), "--meta", "none",
         "--config", str(tmp_path / "cfg.yaml"), "--output-path", str(tmp_path / "gen" / "asc")],
        capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    # no operation or schema skipped ("Unable to process schema …", "Warning(s) encountered")
    assert "Unable to" not in out.stdout + out.stderr, out.stdout + out.stderr
    assert "Warning" not in out.stdout + out.stderr, out.stdout + out.stderr

    client_pkg = _fresh_import("asc", tmp_path / "gen")
    token_mod = importlib.import_module("asc.api.auth.obtain_token")
    models = importlib.import_module("asc.models")
    token = token_mod.sync(client=client_pkg.Client(base_url=base),
                           body=models.TokenIn(username="integrator", password="pass12345"))
    client = client_pkg.AuthenticatedClient(base_url=base, token=token.token)

    customer = importlib.import_module("asc.api.customers.create_customer").sync(
        client=client, body=models.CustomerIn.from_dict(
            {"name": "生成客户端", "kind": "person", "phone": "13911112222", "zone": "city"}))
    assert customer.name == "生成客户端" and customer.zone == "city"
    device = importlib.import_module("asc.api.devices.register_device").sync(
        client=client, body=models.DeviceIn.from_dict(
            {"serial": "GEN0001", "model": "X9", "customer": customer.id,
             "purchase_date": "2026-11-01", "invoice_no": "FP-1", "warranty_card_no": "K-1"}))
    assert device.serial == "GEN0001"
    verdict = importlib.import_module("asc.api.devices.check_warranty").sync(
        client=client, body=models.WarrantyCheckIn.from_dict(
            {"serial": "GEN0001", "on": "2026-11-05",
             "evidence": {"invoice": True, "warranty_card": True}}))
    assert verdict.covered is True and "return" in verdict.options
    ticket = importlib.import_module("asc.api.tickets.open_ticket").sync(
        client=client, body=models.TicketIn.from_dict(
            {"customer": customer.id, "device": "GEN0001", "channel": "phone",
             "kind": "repair", "priority": "normal", "mode": "send_in",
             "summary": "屏幕不亮"}))
    assert ticket.status == "new" and ticket.number


@pytest.mark.skipif(shutil.which("java") is None, reason="the OpenAPI Generator needs Java")
def test_the_openapi_generator_python_client_validates_generates_and_works(live_setup,
                                                                          tmp_path):
    base = live_setup
    doc = fetch_document(base, tmp_path / "openapi.json")
    out = subprocess.run(
        [str(BIN / "openapi-generator-cli"), "generate", "-i", str(doc), "-g", "python",
         "-o", str(tmp_path / "ogen"), "--package-name", "aftersales_client"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "JAVA_TOOL_OPTIONS": "-Xmx512m"})
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]  # validation included

    ac = _fresh_import("aftersales_client", tmp_path / "ogen")
    with ac.ApiClient(ac.Configuration(host=base)) as anonymous:
        token = ac.AuthApi(anonymous).obtain_token(
            ac.TokenIn(username="integrator", password="pass12345")).token
    with ac.ApiClient(ac.Configuration(host=base, access_token=token)) as c:
        customer = ac.CustomersApi(c).create_customer(ac.CustomerIn.from_dict(
            {"name": "第二个客户端", "kind": "company", "phone": "13911113333",
             "zone": "prefecture"}))
        ticket = ac.TicketsApi(c).open_ticket(ac.TicketIn.from_dict(
            {"customer": customer.id, "channel": "web", "kind": "consultation",
             "priority": "low", "mode": "remote", "summary": "咨询保修政策"}))
    assert customer.zone == "prefecture"
    assert json.loads(ticket.to_json())["status"] == "new"
