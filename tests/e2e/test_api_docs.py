"""The API's documentation page works under the site's Content-Security-Policy: Swagger UI is
served by the site itself and started without inline script."""

import re
from urllib.parse import urlsplit


def test_api_docs_render_under_the_sites_csp(page, site_url):
    refused, requested = [], []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused" in message.text
            else None
        ),
    )
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{site_url}/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI builds the list of operations from /api/v1/openapi.json.
    page.get_by_text(re.compile("/api/v1/marketplace/businesses")).first.wait_for()
    assert page.locator(".opblock").count() >= 20
    assert refused == []
    site = urlsplit(site_url).netloc
    assert {urlsplit(url).netloc for url in requested if url.startswith("http")} == {site}
