"""The home page stays light for cheap phones on little data: under 200 KB on first load,
editorial photos aside (they are lazy, responsive renditions)."""

import re
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

BUDGET = 200 * 1024


@pytest.mark.django_db
def test_home_page_weighs_under_budget_and_loads_nothing_from_elsewhere(client):
    call_command("seed_demo", stdout=StringIO())
    response = client.get("/fr/")
    html = response.content.decode()
    total = len(response.content)
    assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    assert assets, "the page should load its stylesheet"
    for url in assets:
        path = finders.find(url.removeprefix("/static/"))
        assert path, url
        with open(path, "rb") as asset:
            total += len(asset.read())
    assert total < BUDGET, f"{total} bytes"
    # No CDN, no third-party script or font.
    assert not re.search(r'<script[^>]+src="https?://', html)
    assert not re.search(r'<link rel="(?:stylesheet|icon|preload)"[^>]+href="https?://', html)
    # The site works without JavaScript: the only script is our own small, deferred
    # enhancement (search suggestions), never needed to read or submit anything.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="/static/js/autocomplete.js" defer>'], scripts
