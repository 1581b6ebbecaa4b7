"""Bidirectional control characters in what people type cannot reverse what others read.

A name or a message holding U+202E (RIGHT-TO-LEFT OVERRIDE) reverses everything after it on
the same line — "Fatou wrote:", a price, a file name — unless the text is isolated: a <bdi> (or
an element with a dir attribute) in HTML, FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE in
plain text (e-mails, <title>, attribute values). The world of tests/security/world.py is filled
so that every user-entered text field ends with U+202E (long texts also start with a stray PDI,
which must not close the isolate early): wherever one shows up, nothing but white space may
follow it inside its isolate.

- every page of our site and of our admin screens, as every role (those who see a page are
  checked), parsed as HTML;
- every e-mail we send, rendered for those objects;
- names and titles lose the explicit formatting characters through the real forms;
- no bidirectional control reaches a slug or a file name (upload paths, download headers,
  export names).
"""

import re

import pytest
from bs4 import BeautifulSoup
from bs4.element import Comment, Doctype
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver, reverse

from tests.security.test_permission_matrix import PRINCIPALS, _walk
from tests.security.world import RLO, build_text_world

FSI, PDI = "\u2068", "\u2069"
OPENERS = "\u2066\u2067\u2068"
# Elements inside which text flows on the line of their parent: climbing through them, the text
# must reach an isolating element (a <bdi>, or any element with a dir attribute).
PHRASING = {
    "a", "abbr", "b", "cite", "code", "em", "i", "mark", "q", "s", "small", "span", "strong",
    "sub", "sup", "time", "u", "var", "label",
}  # fmt: skip
# Elements that hold text and nothing else: HTML cannot isolate inside them.
TEXT_ONLY = {"title", "option"}
# Read by scripts and machines, never shown as text.
NOT_SHOWN = {"script", "style", "template"}
# Addresses, not text that is read.
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster"}
# Inline isolating elements: their isolate is a pair of characters in the line, which a stray
# PDI in the text would close; a block with dir is a paragraph of its own, which nothing leaves.
INLINE = PHRASING | {"bdi"}


def _only_space_follows(text, start):
    return not text[start:].strip()


def _in_text_isolation_problems(text):
    """Each U+202E of `text` inside an FSI…PDI (or LRI/RLI…PDI) pair of the text itself, with
    nothing but white space after it up to the PDI that closes that pair."""
    problems = []
    stack = []
    for position, character in enumerate(text):
        if character in OPENERS:
            stack.append(position)
        elif character == PDI:
            if not stack:
                problems.append(f"a stray PDI at {position}: {text!r}")
            else:
                stack.pop()
        elif character == RLO:
            if not stack:
                problems.append(f"not isolated: {text!r}")
                continue
            depth, end = len(stack), None
            for later in range(position + 1, len(text)):
                if text[later] in OPENERS:
                    depth += 1
                elif text[later] == PDI:
                    depth -= 1
                    if depth < len(stack):
                        end = later
                        break
            if end is None or text[position + 1 : end].strip():
                problems.append(f"text follows it in its isolate: {text!r}")
    return problems


def _balanced(text):
    depth = 0
    for character in text:
        if character in OPENERS:
            depth += 1
        elif character == PDI:
            if not depth:
                return False
            depth -= 1
    return True


def _isolating(tag):
    return tag.name == "bdi" or tag.has_attr("dir")


def html_problems(html):
    """Where an U+202E of the page is not isolated: a text node that no <bdi> or dir element
    (through phrasing elements only) or FSI…PDI holds, text that follows it in its isolate, a
    stray PDI that would close an inline isolate, an attribute or a <title> not wrapped in
    FSI…PDI."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for node in soup.find_all(string=lambda text: RLO in text):
        if isinstance(node, Comment | Doctype) or node.parent.name in NOT_SHOWN:
            continue
        parent = node.parent
        if parent.name in TEXT_ONLY:
            problems += [f"<{parent.name}> {p}" for p in _in_text_isolation_problems(str(node))]
            continue
        holder = parent
        while holder is not None and not _isolating(holder) and holder.name in PHRASING:
            holder = holder.parent
        if holder is None or not _isolating(holder):
            # Put by Python code into a template that is not ours (Wagtail's admin header).
            in_text = _in_text_isolation_problems(str(node))
            if in_text:
                problems.append(f"<{parent.name}> not isolated: {str(node)!r}")
            continue
        text = holder.get_text()
        # The text node's own position in its holder's text.
        offset = _offset_in(holder, node)
        for match in re.finditer(RLO, str(node)):
            if not _only_space_follows(text, offset + match.end()):
                problems.append(
                    f"<{holder.name}> holds more than the user's text: {text.strip()!r}"
                )
        if holder.name in INLINE and not _balanced(text):
            problems.append(f"<{holder.name}> a stray PDI closes it: {text!r}")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if RLO not in value or name in URL_ATTRIBUTES:
                continue
            if name == "value" and (
                tag.name == "option" or tag.get("type") == "hidden" or tag.has_attr("dir")
            ):
                continue  # not shown, or shown in a box of its own direction
            problems += [f"{tag.name}[{name}] {p}" for p in _in_text_isolation_problems(value)]
    return problems


def _offset_in(holder, node):
    offset = 0
    for text in holder.find_all(string=True):
        if text is node:
            return offset
        offset += len(text)
    raise AssertionError("the text node is not in its holder")


def plain_text_problems(text):
    return _in_text_isolation_problems(text)


# --- the checks check ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html, isolated",
    [
        (f"<p>Fatou{RLO} a écrit :</p>", False),
        (f"<html dir='rtl'><p>Fatou{RLO}</p></html>", False),
        (f"<p><bdi>Fatou{RLO}</bdi> a écrit :</p>", True),
        (f"<p dir='auto'>Fatou{RLO} a écrit :</p>", False),  # the label shares the isolate
        (f"<h3 dir='auto'><a href='/x'>Fatou{RLO}</a></h3>", True),
        (f"<p><bdi>{PDI}Fatou{RLO}</bdi> a écrit</p>", False),  # the stray PDI closes it
        (f"<p dir='auto'>{PDI}Un long texte{RLO}</p>", True),  # a paragraph of its own
        (f"<p>Impact : {FSI}Programme{RLO}{PDI}</p>", True),
        (f"<title>{FSI}Fatou{RLO}{PDI} · Tremplin</title>", True),
        (f"<title>Fatou{RLO} · Tremplin</title>", False),
        (f"<img alt='Fatou{RLO}'>", False),
        (f"<img alt='{FSI}Fatou{RLO}{PDI}'>", True),
        (f"<input value='Fatou{RLO}' dir='auto'>", True),
        (f"<input value='Fatou{RLO}'>", False),
        (f"<a href='/x{RLO}'>x</a>", True),
        (f"<script type='application/ld+json'>\"Fatou{RLO}\"</script>", True),
    ],
)
def test_the_check_tells_isolated_text_from_the_rest(html, isolated):
    assert (not html_problems(html)) is isolated, html_problems(html)


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("bidi-media")
    with (
        override_settings(MEDIA_ROOT=media / "public", PRIVATE_MEDIA_ROOT=media / "private"),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_text_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def r(name, *args, query=""):
    return lambda w: reverse(name, args=[arg(w) for arg in args]) + query


def o(name):
    return lambda w: getattr(w, name).pk


def slug(name):
    return lambda w: getattr(w, name).slug


# Every page of our site and our admin screens that shows what people typed: route → address.
PAGES = {
    "accounts:signup_done": [r("accounts:signup_done")],
    "accounts:resend_verification": [r("accounts:resend_verification")],
    "accounts:password_reset": [r("accounts:password_reset")],
    "accounts:password_reset_done": [r("accounts:password_reset_done")],
    "accounts:settings": [r("accounts:settings")],
    "accounts:password_change": [r("accounts:password_change")],
    "accounts:delete": [r("accounts:delete")],
    "marketplace:directory": [r("marketplace:directory")],
    "marketplace:business_detail": [
        r("marketplace:business_detail", slug("public_business")),
        r("marketplace:business_detail", slug("business")),
    ],
    "marketplace:dashboard": [r("marketplace:dashboard")],
    "marketplace:business_create": [r("marketplace:business_create")],
    "marketplace:dashboard_business": [
        r("marketplace:dashboard_business", o("business")),
        r("marketplace:dashboard_business", o("public_business")),
    ],
    "marketplace:business_edit": [r("marketplace:business_edit", o("business"))],
    "marketplace:offer_create": [r("marketplace:offer_create", o("business"))],
    "marketplace:offer_edit": [r("marketplace:offer_edit", o("business"), o("offer"))],
    "marketplace:invitation_accept": [r("marketplace:invitation_accept", o("beta_invitation"))],
    "marketplace:institution_list": [r("marketplace:institution_list")],
    "marketplace:institution_detail": [r("marketplace:institution_detail", slug("institution"))],
    "marketplace:opportunity_list": [r("marketplace:opportunity_list")],
    "marketplace:opportunity_detail": [r("marketplace:opportunity_detail", slug("opportunity"))],
    "marketplace:apply": [r("marketplace:apply", slug("opportunity"))],
    "marketplace:my_applications": [r("marketplace:my_applications")],
    "marketplace:staff_home": [r("marketplace:staff_home")],
    "marketplace:staff_applications": [
        r("marketplace:staff_applications", o("opportunity")),
    ],
    "marketplace:staff_application": [
        r("marketplace:staff_application", o("opportunity"), o("application")),
    ],
    "mentoring:mentor_list": [r("mentoring:mentor_list")],
    "mentoring:mentor_detail": [r("mentoring:mentor_detail", o("mentor"))],
    "mentoring:dashboard": [r("mentoring:dashboard")],
    "mentoring:profile_edit": [r("mentoring:profile_edit")],
    "mentoring:availability_edit": [r("mentoring:availability_edit")],
    "mentoring:calendar_settings": [r("mentoring:calendar_settings")],
    "mentoring:mentorship_detail": [r("mentoring:mentorship_detail", o("mentorship"))],
    "mentoring:book": [r("mentoring:book", o("mentorship"))],
    "mentoring:booking_detail": [
        r("mentoring:booking_detail", o("booking")),
        r("mentoring:booking_detail", o("held_booking")),
    ],
    "search:search": [
        r("search:search", query="?q=x"),
        r("search:search", query="?q=alpha"),
        r("search:search", query="?q=vitrine"),
    ],
    "messaging:inbox": [r("messaging:inbox")],
    "messaging:conversation": [
        r("messaging:conversation", o("conversation")),
        r("messaging:conversation", o("business_conversation")),
    ],
    "programmes:event_register": [r("programmes:event_register", o("event"))],
    "programmes:registration_detail": [
        lambda w: reverse("programmes:registration_detail", args=[w.registration.token])
    ],
    "programmes:attendance_index": [r("programmes:attendance_index")],
    "programmes:attendance_take": [r("programmes:attendance_take", o("event"))],
    "wagtail_serve": [lambda w: w.event.url],
    "marketplace_admin:index": [
        r("marketplace_admin:index", query="?status=changes-requested"),
        r("marketplace_admin:index", query="?status=published"),
    ],
    "marketplace_admin:detail": [r("marketplace_admin:detail", o("business"))],
    "mentoring_admin:mentor_index": [r("mentoring_admin:mentor_index", query="?show=all")],
    "mentoring_admin:mentor_review": [r("mentoring_admin:mentor_review", o("mentor"))],
    "mentoring_admin:cohort": [r("mentoring_admin:cohort")],
    "messaging_admin:reports": [r("messaging_admin:reports")],
    "programmes_impact:index": [r("programmes_impact:index")],
    "programmes_impact:dashboard": [r("programmes_impact:dashboard", o("programme"))],
    "programmes_impact:print": [r("programmes_impact:print", o("programme"))],
    "programmes_journeys:cohorts": [r("programmes_journeys:cohorts")],
    "programmes_journeys:cohort": [r("programmes_journeys:cohort", o("cohort"))],
    "programmes_journeys:journey": [r("programmes_journeys:journey", o("journey"))],
    "programmes_grants:programmes": [r("programmes_grants:programmes")],
    "programmes_grants:index": [r("programmes_grants:index", o("programme"))],
    "programmes_grants:award": [r("programmes_grants:award", o("programme"))],
    "programmes_grants:grant": [r("programmes_grants:grant", o("grant"))],
}

WAGTAIL_TEMPLATES = (
    "Wagtail's own screens (its templates are not ours to change): the names they show are "
    "cleaned on input (test_names_lose_directional_formatting)"
)
# Routes of our site that are not pages showing what people typed, and why.
NOT_PAGES = {
    "accounts:login": "a form; a signed-in person is sent on",
    "accounts:signup": "a form; a signed-in person is sent on",
    "accounts:logout": "a POST",
    "accounts:verify_email": "a token link that redirects",
    "accounts:password_reset_confirm": "Django's token link; shows no one's text",
    "accounts:export": "the person's own data as JSON (file name fixed)",
    "marketplace:inquiry_send": "a POST",
    "marketplace:business_action": "a POST",
    "marketplace:member_invite": "a POST",
    "marketplace:photo_add": "a POST",
    "marketplace:photo_delete": "a POST",
    "marketplace:member_remove": "a POST",
    "marketplace:offer_delete": "a POST",
    "marketplace:withdraw": "a POST",
    "marketplace:document_download": "a file: its name is checked below",
    "marketplace:staff_export": "CSV or XLSX cells (not isolated); the file name is checked below",
    "mentoring:request": "a POST",
    "mentoring:profile_action": "a POST",
    "mentoring:mentorship_action": "a POST",
    "mentoring:goal_add": "a POST",
    "mentoring:goal_update": "a POST",
    "mentoring:booking_action": "a POST",
    "mentoring:booking_ics": "an iCalendar file (the same as the e-mailed one, checked below)",
    "calendar_feed": "an iCalendar feed (the e-mailed invitations are checked below)",
    "search:autocomplete": "JSON for the search box's suggestions (names cleaned on input)",
    "messaging:report": "a POST",
    "messaging:block": "a POST",
    "messaging:start": "a POST",
    "programmes:registration_cancel": "a POST",
    "programmes:registration_ics": "an iCalendar file (the same as the e-mailed one)",
    "programmes:attendance_walk_in": "a POST",
    "programmes_impact:export": "CSV or XLSX cells (not isolated); the file name is checked below",
    "sitemap": "addresses",
    "robots_txt": "rules for robots",
    "wagtailcore_authenticate_with_password": "Wagtail's form for a private page",
    "wagtailcore_login": "Wagtail's redirect to the log-in page",
}
OUR_ADMIN = (
    "marketplace_admin:",
    "mentoring_admin:",
    "messaging_admin:",
    "programmes_impact:",
    "programmes_journeys:",
    "programmes_grants:",
)
WAGTAIL_VIEWSETS = ("institutions:", "opportunities:", "programmes_admin:")


def our_routes():
    """The routes of our site and our admin screens (Wagtail's own admin apart)."""
    routes = set()
    for text, key in _walk(get_resolver()):
        if text.startswith(("api/", "documents/", "i18n/", "^media/")):
            continue
        if text.startswith("admin/") and not key.startswith(OUR_ADMIN + WAGTAIL_VIEWSETS):
            continue
        routes.add(key)
    return routes


def test_every_route_of_ours_is_a_page_checked_or_says_why_not():
    routes = our_routes()
    covered = set(PAGES) | set(NOT_PAGES) | {r for r in routes if r.startswith(WAGTAIL_VIEWSETS)}
    assert not sorted(routes - covered), (
        "These routes are neither checked for isolated user text nor listed with a reason in "
        f"NOT_PAGES: {sorted(routes - covered)}"
    )
    assert not sorted((set(PAGES) | set(NOT_PAGES)) - routes), "stale entries"


@pytest.fixture(scope="module")
def clients(world):
    clients = {}
    for principal in PRINCIPALS:
        client = Client()
        if principal != "anonymous":
            client.force_login(world.users[principal])
        clients[principal] = client
    return clients


@pytest.mark.parametrize("route", sorted(PAGES))
def test_user_text_is_isolated_on_every_page(route, world, clients, db):
    problems = []
    for build in PAGES[route]:
        url = build(world)
        shown = False
        for principal, client in clients.items():
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            html = response.content.decode()
            shown = shown or RLO in html
            problems += [f"{principal} {url}: {p}" for p in html_problems(html)]
        # Somebody must see the world's texts there, or the check proves nothing.
        assert shown, f"nobody sees any of the world's texts on {url}"
    assert not problems, "\n".join(dict.fromkeys(problems))
