"""Issue 11 "Deployment": secure cookies, HSTS and the HTTPS redirect switch on from the
environment and `aftersales check --deploy` is then clean; every page carries a
Content-Security-Policy that the console's own scripts live with (no inline handlers)."""
import os
import re
import subprocess
import sys
from pathlib import Path

from django.test import Client

import aftersales

TEMPLATES = Path(aftersales.__file__).parent / "templates"


def _check_deploy(tmp_path, **env):
    # a production-like environment: none of this test run's switches (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses)
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("AFTERSALES_", "DJANGO_"))}
    environment.update(AFTERSALES_DATA_DIR=str(tmp_path), AFTERSALES_ALLOWED_HOSTS="service.example",
                       **env)
    return subprocess.run([sys.executable, "-m", "aftersales", "check", "--deploy",
                           "--fail-level", "WARNING"], env=environment, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_is_clean_with_the_production_switches(tmp_path):
    result = _check_deploy(tmp_path, AFTERSALES_SECURE_COOKIES="true",
                           AFTERSALES_HSTS_SECONDS="31536000", AFTERSALES_SSL_REDIRECT="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_them_check_deploy_names_what_is_missing(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):
        assert warning in result.stdout + result.stderr


def test_pages_and_the_api_carry_a_content_security_policy(db, admin_user):
    web = Client()
    login = web.get("/login/")
    policy = login["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy
    assert web.get("/portal/")["Content-Security-Policy"]
    assert login["X-Frame-Options"] == "DENY"
    assert login["X-Content-Type-Options"] == "nosniff"


def test_no_template_relies_on_inline_script_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\son[a-z]+=\"", text) or "javascript:" in text or re.search(
                r"<script(?![^>]*\bsrc=)(?![^>]*application/json)(?![^>]*nonce=)", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_the_api_docs_load_from_our_own_static_files(db):
    html = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
