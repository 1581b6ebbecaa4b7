"""Production settings refuse what is unsafe; responses carry the security headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "tremplin.example",
}


def _manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV", "PYTEST_VERSION"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_insecure_defaults(override, message):
    env = {**GOOD, **override}
    if env["SECRET_KEY"] == "":
        del env["SECRET_KEY"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "Refusing to start with DJANGO_ENV=production" in result.stderr
    assert message in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **GOOD)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_public_pages_send_security_headers(client, home):
    response = client.get("/fr/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.django_db
def test_health_endpoint(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_unprefixed_addresses_answer_404_without_a_language_redirect(client, home):
    for path in ("/api/v1/nothing", "/admin/nothing-here/", "/media/missing.jpg"):
        response = client.get(path)
        assert response.status_code in (404, 302), path
        assert not response.get("Location", "").startswith("/fr/"), path
