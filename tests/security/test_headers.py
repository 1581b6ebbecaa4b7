"""Security headers and cookies under the production settings.

The settings module is read in a subprocess with DJANGO_ENV=production (it is one module driven
by the environment, evaluated at import); the security-relevant values it yields are then applied
to this process with override_settings, and real requests go through the middleware."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from tests import factories

ROOT = Path(__file__).resolve().parents[2]

CARRIED = [
    "DEBUG",
    "MIDDLEWARE",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]

PROBE = f"""
import json
from config import settings
values = {{name: getattr(settings, name, None) for name in {CARRIED!r}}}
print(json.dumps(values, default=list))
"""


@pytest.fixture(scope="module")
def production():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "DEBUG", "SECURE_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="testserver",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values = json.loads(result.stdout)
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return {name: value for name, value in values.items() if value is not None}


@pytest.fixture
def prod_client(production, db):
    with override_settings(**production):
        yield Client(HTTP_X_FORWARDED_PROTO="https")


def test_production_settings_are_strict(production):
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    directives = production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    for name in ("script-src", "default-src"):
        assert "'unsafe-inline'" not in directives[name]
        assert "'unsafe-eval'" not in directives[name]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] in (["'self'"], ["'none'"])


def _csp(response):
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def test_pages_carry_the_security_headers(prod_client, home):
    response = prod_client.get("/fr/accounts/login/")
    assert response.status_code == 200
    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31_536_000
    assert "includeSubDomains" in hsts
    assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    )
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = _csp(response)
    script_src = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert policy["frame-ancestors"] in (["'self'"], ["'none'"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


def test_the_api_carries_the_security_headers(prod_client):
    response = prod_client.get("/api/v1/health")
    assert response.status_code == 200
    assert "max-age=" in response["Strict-Transport-Security"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors" in response["Content-Security-Policy"]


def test_plain_http_is_sent_to_https(production, db):
    with override_settings(**production):
        response = Client().get("/fr/accounts/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_cookies_are_secure_and_http_only(prod_client, home):
    page = prod_client.get("/fr/accounts/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] in ("Lax", "Strict")
    user = factories.UserFactory(email="secure-cookie@example.org")
    response = prod_client.post(
        "/fr/accounts/login/",
        {"username": user.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] in ("Lax", "Strict")


def test_pages_have_no_inline_script_the_policy_would_block(client, home):
    """Without 'unsafe-inline', an inline script or event handler would not run: none exist
    (JSON-LD data blocks are not scripts the browser executes)."""
    owner = factories.UserFactory()
    business = factories.business(owner, status="published")
    for url in (
        "/fr/",
        "/ar/",
        "/fr/accounts/login/",
        business.get_absolute_url(),
        "/fr/businesses/",
    ):
        body = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag or 'type="application/ld+json"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+\s*=", body), url
