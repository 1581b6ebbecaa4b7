"""Accessibility: axe-core (pinned in package.json, installed by `make install-test`) run by
Playwright on every page type of the site in French, Arabic and English, on forms showing their
errors, on the logged-in dashboards and on the admin screens we built. No "serious" or
"critical" violation is allowed."""

import json
import re

import pytest

from tests.e2e.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed: run `npm ci` (make install-test does)"
)
BLOCKING = {"serious", "critical"}
# Our Content-Security-Policy rightly refuses the injected script: these contexts bypass it.
AXE_CONTEXT = {"bypass_csp": True}

# Rules whose serious violations come from Wagtail's own admin chrome (its sidebar, header and
# icons), not from our templates; they are checked on every page of ours.
WAGTAIL_CHROME_RULES = {}

PUBLIC = [
    "/{lang}/",
    "/{lang}/news/",
    "/{lang}/news/lancement-du-programme/",
    "/{lang}/evenements/",
    "{event}",
    "{event_register}",
    "/{lang}/appels/",
    "/{lang}/appels/appel-fonds-amorcage/",
    "/{lang}/guides/",
    "{guide}",
    "/{lang}/a-propos/",
    "/{lang}/confidentialite/",
    "/{lang}/contact/",
    "/{lang}/accounts/signup/",
    "/{lang}/accounts/login/",
    "/{lang}/accounts/password-reset/",
    "/{lang}/accounts/verify-again/",
    "/{lang}/businesses/",
    "{business}",
    "/{lang}/institutions/",
    "{institution}",
    "/{lang}/opportunities/",
    "{opportunity}",
    "/{lang}/mentors/",
    "{mentor}",
    "/{lang}/search/?q=coop",
]
ENTREPRENEUR = [
    "/{lang}/messages/",
    "{conversation}",
    "/{lang}/my-mentoring/",
    "{mentorship}",
    "{book}",
    "{booking}",
    "/{lang}/my-applications/",
    "/{lang}/my-business/new/",
    "/{lang}/accounts/settings/",
    "/{lang}/accounts/settings/password/",
    "/{lang}/accounts/settings/delete/",
]
# The demo entrepreneur owns no business; Mariam owns two and has not applied to the fund.
OWNER = ["/{lang}/my-business/", "{my_business}", "{business_edit}", "{offer_new}", "{apply}"]
MENTOR = [
    "/{lang}/my-mentoring/",
    "/{lang}/my-mentoring/profile/",
    "/{lang}/my-mentoring/availability/",
    "/{lang}/my-mentoring/calendar/",
]
REVIEWER = ["/{lang}/jury/", "{jury}", "{jury_application}"]
MANAGER = ["/{lang}/programmes/attendance/", "{attendance}"]
ADMIN = ["/admin/impact/", "/admin/journeys/cohorts/", "/admin/grants/"]


def scan(page, exclude_rules=()):
    """The serious and critical violations on the page, as readable lines."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    rules = {rule: {"enabled": False} for rule in exclude_rules}
    results = page.evaluate(
        "rules => axe.run(document, {rules: rules, resultTypes: ['violations']})", rules
    )
    assert results["passes"], "axe ran no rule"
    found = []
    for violation in results["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [json.dumps(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {', '.join(targets)}")
    return found


def _first_link(page, url, pattern):
    page.goto(url)
    for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.pathname)"):
        if re.fullmatch(pattern, href):
            return href
    raise AssertionError(f"no link matching {pattern} on {url}")


@pytest.fixture(scope="module")
def addresses(browser, site_url):
    """Pages found by following links on the French site, as path templates. The demo's
    translations keep the French page's slug (as `copy_for_translation` makes them), so the
    same path exists under /ar/ and /en/; every address must answer in every language."""
    from tests.e2e.conftest import PHONE, log_in

    found = {}

    def as_user(email, links):
        """Follow links as `email` (None: anonymous): {key: (page to start from, link pattern)};
        a page to start from may name an address found before, as "{key}"."""
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        if email:
            log_in(page, site_url, email)
        for key, (start, pattern) in links.items():
            found[key] = _first_link(page, site_url + start.format(**found), pattern)
        if "event" in found and "event_register" not in found:
            page.goto(site_url + found["event"])
            found["event_register"] = page.eval_on_selector(
                "main form[action*='/register/']", "form => new URL(form.action).pathname"
            )
        context.close()

    as_user(
        None,
        {
            "event": ("/fr/evenements/", r"/fr/evenements/[\w-]+/"),
            "guide": ("/fr/guides/", r"/fr/guides/[\w-]+/"),
            "business": ("/fr/businesses/", r"/fr/businesses/[\w-]+/"),
            "institution": ("/fr/institutions/", r"/fr/institutions/[\w-]+/"),
            "opportunity": ("/fr/opportunities/", r"/fr/opportunities/[\w-]+/"),
            "mentor": ("/fr/mentors/", r"/fr/mentors/\d+/"),
        },
    )
    as_user(
        "entrepreneur@tremplin.example",
        {
            "conversation": ("/fr/messages/", r"/fr/messages/\d+/"),
            "mentorship": ("/fr/my-mentoring/", r"/fr/my-mentoring/mentorships/\d+/"),
            "booking": ("/fr/my-mentoring/", r"/fr/my-mentoring/sessions/\d+/"),
        },
    )
    as_user(
        "mariam@tremplin.example", {"my_business": ("/fr/my-business/", r"/fr/my-business/\d+/")}
    )
    as_user(
        "institution@tremplin.example",
        {
            "jury": ("/fr/jury/", r"/fr/jury/\d+/"),
            "jury_application": ("{jury}", r"/fr/jury/\d+/\d+/"),
        },
    )
    as_user(
        "manager@tremplin.example",
        {"attendance": ("/fr/programmes/attendance/", r"/fr/programmes/attendance/\d+/")},
    )
    # A call no other test applies Mariam to (test_journeys applies her to the seed fund).
    found["apply"] = "/fr/opportunities/formation-gestion-printemps/apply/"
    found["book"] = found["mentorship"] + "book/"
    found["business_edit"] = found["my_business"] + "edit/"
    found["offer_new"] = found["my_business"] + "offers/new/"
    return {key: value.replace("/fr/", "/{lang}/", 1) for key, value in found.items()}


def _scan_all(page, site_url, templates, addresses, lang, problems, scanned):
    for template in templates:
        path = template.format(**addresses) if template.startswith("{") else template
        path = path.format(lang=lang)
        response = page.goto(site_url + path)
        assert response.ok, (path, response.status)
        scanned.append(path)
        for problem in scan(page):
            problems.append(f"{path}: {problem}")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_no_serious_violation_on_any_page_type(lang, phone, logged_in, site_url, addresses):
    problems, scanned = [], []
    page = phone(**AXE_CONTEXT).new_page()
    _scan_all(page, site_url, PUBLIC, addresses, lang, problems, scanned)
    # Forms showing their errors.
    page.goto(f"{site_url}/{lang}/accounts/signup/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".field-error")
    # The field in error is marked by more than its message: a thicker border.
    border = page.eval_on_selector(
        ".field-error input", "input => getComputedStyle(input).borderTopWidth"
    )
    assert border == "2px", f"a text field in error has a {border} border"
    problems += [f"sign-up with errors: {p}" for p in scan(page)]
    scanned.append(f"/{lang}/accounts/signup/ (with errors)")
    page.goto(f"{site_url}/{lang}/accounts/login/")
    page.locator("main [name=username]").fill("nobody@example.org")
    page.locator("main [name=password]").fill("wrong-password")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    problems += [f"log-in with errors: {p}" for p in scan(page)]
    scanned.append(f"/{lang}/accounts/login/ (with errors)")
    response = page.goto(f"{site_url}/{lang}/contact/")
    assert response.ok, ("contact", response.status)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".field-error")
    problems += [f"contact with errors: {p}" for p in scan(page)]
    scanned.append(f"/{lang}/contact/ (with errors)")

    entrepreneur = logged_in("entrepreneur@tremplin.example", **AXE_CONTEXT)
    _scan_all(entrepreneur, site_url, ENTREPRENEUR, addresses, lang, problems, scanned)
    owner = logged_in("mariam@tremplin.example", **AXE_CONTEXT)
    _scan_all(owner, site_url, OWNER, addresses, lang, problems, scanned)
    mentor = logged_in("mentor@tremplin.example", **AXE_CONTEXT)
    _scan_all(mentor, site_url, MENTOR, addresses, lang, problems, scanned)
    reviewer = logged_in("institution@tremplin.example", **AXE_CONTEXT)
    _scan_all(reviewer, site_url, REVIEWER, addresses, lang, problems, scanned)
    manager = logged_in("manager@tremplin.example", **AXE_CONTEXT)
    _scan_all(manager, site_url, MANAGER, addresses, lang, problems, scanned)
    print(f"axe ({lang}): {len(scanned)} pages scanned:", *scanned, sep="\n  ")
    assert not problems, "\n".join(problems)


def test_no_serious_violation_in_our_admin_screens(logged_in, site_url):
    page = logged_in("manager@tremplin.example", **AXE_CONTEXT)
    problems = []
    for path in ADMIN:
        response = page.goto(site_url + path)
        assert response.ok, (path, response.status)
        problems += [f"{path}: {p}" for p in scan(page, exclude_rules=WAGTAIL_CHROME_RULES)]
    assert not problems, "\n".join(problems)
