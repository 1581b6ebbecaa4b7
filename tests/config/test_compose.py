"""docker-compose.yml cannot be run here (no Docker engine): check what can be checked."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_runtime_component_is_a_service():
    services = _compose()["services"]
    assert {"proxy", "web", "asgi", "worker", "db", "redis", "elasticsearch", "mailpit"} <= set(
        services
    )
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "elasticsearch:8" in services["elasticsearch"]["image"]
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_pages_and_websockets_have_their_own_replicated_servers():
    services = _compose()["services"]
    assert "gunicorn config.wsgi:application" in services["web"]["command"]
    assert (
        "daphne" in services["asgi"]["command"]
        and "config.asgi:application" in services["asgi"]["command"]
    )
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["asgi"]["deploy"]["replicas"] == 2
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"location /ws/ \{\s*proxy_pass http://tremplin_asgi;", nginx)
    assert re.search(r"location / \{\s*proxy_pass http://tremplin_wsgi;", nginx)
    assert "server web:8000" in nginx and "server asgi:8001" in nginx
    assert "alias /srv/static/" in nginx


def test_services_get_every_setting_the_app_reads():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    environment = _compose()["services"]["web"]["environment"]
    for variable in (
        "DATABASE_URL",
        "REDIS_URL",
        "ELASTICSEARCH_URL",
        "EMAIL_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ENV",
    ):
        assert f'"{variable}"' in settings_source, variable
        assert variable in environment, variable
    assert environment["DJANGO_ENV"] == "production"
    for name in ("asgi", "worker"):
        assert _compose()["services"][name]["environment"] == environment


def test_readme_documents_the_same_web_command():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "gunicorn config.wsgi:application" in readme
    assert "daphne" in readme and "config.asgi:application" in readme


def test_private_documents_are_never_mounted_in_the_proxy():
    services = _compose()["services"]
    assert not any("private-media" in volume for volume in services["proxy"]["volumes"])
    assert any("private-media" in volume for volume in services["web"]["volumes"])
