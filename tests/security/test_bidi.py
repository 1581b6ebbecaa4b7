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
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from bs4.element import Comment, Doctype
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver, reverse

from tests.security.test_permission_matrix import PRINCIPALS, _walk
from tests.security.world import RLO, build_text_world

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FSI, PDI = "\u2068", "\u2069"
OPENERS = "\u2066\u2067\u2068"
# Unicode's Bidi_Control characters: the explicit ones and the marks (ALM, LRM, RLM).
BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
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
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args]) + query


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


# --- e-mails ------------------------------------------------------------------------------------


def _send_every_email(world):
    """Every e-mail we send, for the world's objects, through the tasks that send them."""
    from accounts import tasks as accounts_tasks
    from accounts.models import LoginAlarm, User
    from marketplace import tasks as marketplace_tasks
    from marketplace.models import Application, BusinessEvent
    from mentoring import tasks as mentoring_tasks
    from mentoring.models import Booking, MentorProfile, Mentorship
    from messaging import tasks as messaging_tasks
    from programmes import tasks as programmes_tasks
    from programmes.models import EventRegistration
    from tests import factories

    u, o = world.users, world.objects
    ent_a, ent_b = u["ent_a"], u["ent_b"]
    User.objects.filter(pk=ent_b.pk).update(email_verified_at=None)
    accounts_tasks.send_verification_email.enqueue(user_id=ent_b.pk)
    accounts_tasks.send_existing_account_email.enqueue(user_id=ent_a.pk)
    administrator = factories.UserFactory(is_superuser=True, display_name=f"Admin{RLO}")
    alarm = LoginAlarm.objects.create(user=ent_a, failures=12, addresses=4)
    accounts_tasks.send_login_alarm.enqueue(alarm_id=alarm.pk)
    Client().post(reverse("accounts:password_reset"), {"email": ent_a.email})

    for event in BusinessEvent.objects.filter(business=o["business"]):
        marketplace_tasks.notify_business_status.enqueue(event_id=event.pk)
    marketplace_tasks.send_invitation.enqueue(invitation_id=o["invitation"].pk)
    marketplace_tasks.notify_inquiry.enqueue(inquiry_id=o["inquiry"].pk)
    for status in ("submitted", "accepted", "waitlisted", "rejected"):
        Application.objects.filter(pk=o["application"].pk).update(status=status)
        marketplace_tasks.notify_application_status.enqueue(application_id=o["application"].pk)

    mentorship = o["mentorship"]
    for template in ("request_received", "request_accepted", "request_declined"):
        mentoring_tasks.notify.enqueue(
            template=f"mentoring/email/{template}", mentorship_id=mentorship.pk
        )
    Mentorship.objects.filter(pk=mentorship.pk).update(origin="cohort", status="completed")
    mentoring_tasks.notify.enqueue(
        template="mentoring/email/request_received", mentorship_id=mentorship.pk
    )
    mentoring_tasks.notify.enqueue(
        template="mentoring/email/mentorship_ended", mentorship_id=mentorship.pk
    )
    mentoring_tasks.notify_request_closed.enqueue(mentorship_id=mentorship.pk)
    booking = o["booking"]
    mentoring_tasks.send_invitation.enqueue(booking_id=booking.pk)
    mentoring_tasks.send_reminder.enqueue(booking_id=booking.pk, kind="day")
    Booking.objects.filter(pk=booking.pk).update(status="cancelled", cancelled_by=ent_a)
    mentoring_tasks.send_invitation.enqueue(booking_id=booking.pk)
    mentor = o["mentor"]
    mentoring_tasks.notify_staff_profile_submitted.enqueue(mentor_id=mentor.pk)
    MentorProfile.objects.filter(pk=mentor.pk).update(is_published=False)
    mentoring_tasks.notify_mentor_reviewed.enqueue(mentor_id=mentor.pk)

    messaging_tasks.send_digest.enqueue(
        user_id=u["mentor_a"].pk, ranges=[[o["conversation"].pk, 0, o["message"].pk]]
    )

    registration = o["registration"]
    statuses = {"waitlisted": "waitlisted", "cancelled": "cancelled", "left_waitlist": "cancelled"}
    for kind in programmes_tasks.KINDS:
        status = statuses.get(kind, "confirmed")
        EventRegistration.objects.filter(pk=registration.pk).update(status=status)
        programmes_tasks.send_registration_mail.enqueue(registration_id=registration.pk, kind=kind)
    return administrator


def _calendar_text(ics):
    """The text of an iCalendar file as a calendar program shows it: lines unfolded,
    escapes undone. The place is left out: a field of its own, shown alone (and often a link,
    which must stay one)."""
    text = re.sub(r"\r?\n[ \t]", "", ics)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("LOCATION"))
    return re.sub(r"\\([,;\\nN])", lambda m: "\n" if m[1] in "nN" else m[1], text)


def test_user_text_is_isolated_in_every_email(world, settings, db):
    from django.core import mail
    from django.test.signals import template_rendered

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []

    rendered = set()

    def record(sender, template, **kwargs):
        rendered.add(template.name)

    template_rendered.connect(record)
    savepoint = transaction.savepoint()
    try:
        _send_every_email(world)
    finally:
        transaction.savepoint_rollback(savepoint)
        template_rendered.disconnect(record)
    templates = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.glob("**/email/*.txt")
        if not path.name.startswith("_")
    }
    assert not sorted(templates - rendered), "e-mails this test does not send"
    problems = []
    for message in mail.outbox:
        shown = message.subject + message.body
        problems += [f"{message.subject!r}: {p}" for p in plain_text_problems(message.subject)]
        problems += [f"{message.subject!r} body: {p}" for p in plain_text_problems(message.body)]
        for content, mimetype in message.alternatives:
            if mimetype.startswith("text/calendar"):
                text = _calendar_text(content)
                shown += text
                problems += [
                    f"{message.subject!r} calendar: {p}" for p in plain_text_problems(text)
                ]
        for attachment in message.attachments:
            assert not BIDI_CONTROL.search(attachment[0]), attachment[0]
        assert RLO in shown, f"{message.subject!r} shows none of the world's texts"
    assert not problems, "\n".join(problems)


# --- names and titles, through the real forms ---------------------------------------------------

# What someone types as a name: an override, an isolate and a mark. The mark stays (it places a
# digit or a stop in Arabic text); the rest goes.
TYPED = "Fatou\u202e Diop \u2066Sarl\u2069\u200f"
KEPT = "Fatou Diop Sarl\u200f"
EXPLICIT = re.compile("[\u202a-\u202e\u2066-\u2069]")


def browser_submission(html, field):
    """What a browser sends from the form holding `field`, as it stands: inputs with their
    values, ticked boxes, chosen options, text areas."""
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find(attrs={"name": field}).find_parent("form")
    data = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            data.setdefault(name, []).append(element.get_text())
        elif element.name == "select":
            chosen = element.find_all("option", selected=True) or element.find_all("option")[:1]
            data.setdefault(name, []).extend(option.get("value", "") for option in chosen)
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                data.setdefault(name, []).append(element.get("value", "on"))
        elif element.get("type") not in ("submit", "button", "file", "image"):
            data.setdefault(name, []).append(element.get("value", ""))
    return form.get("action") or None, data


def _pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\nbeta\n%%EOF", "application/pdf")


def _file_question(w):
    return w.opportunity.questions.get(kind="file").field_name


def _text_question(w):
    return w.opportunity.questions.get(kind="long").field_name


@dataclass
class Typed:
    label: str
    who: str
    url: object  # world -> the form's page
    field: str
    read: object  # world -> what was saved
    changes: object = None  # world -> other fields to set
    files: object = None  # world -> uploads
    kept: str = KEPT  # what must be left of TYPED


def _user(email):
    from accounts.models import User

    return User.objects.get(email=email)


NAMES = [
    Typed(
        "a display name at sign-up",
        "anonymous",
        r("accounts:signup"),
        "display_name",
        lambda w: _user("nouvelle@example.org").display_name,
        lambda w: {
            "email": "nouvelle@example.org",
            "password": "une-phrase-longue-2026",
            "accept_terms": "on",
        },
    ),
    Typed(
        "a display name in one's settings",
        "ent_b",
        r("accounts:settings"),
        "display_name",
        lambda w: _user(w.users["ent_b"].email).display_name,
    ),
    Typed(
        "a display name given by an administrator",
        "superuser",
        r("wagtailusers_users:add"),
        "display_name",
        lambda w: _user("staff-new@example.org").display_name,
        lambda w: {
            "email": "staff-new@example.org",
            "password1": "une-phrase-longue-2026",
            "password2": "une-phrase-longue-2026",
        },
    ),
    Typed(
        "a business's name",
        "ent_b",
        r("marketplace:business_create"),
        "name",
        lambda w: w.users["ent_b"].business_memberships.get().business.name,
        lambda w: {
            "legal_form": "cooperative",
            "stage": "starting",
            "sector": "food",
            "region": "rabat-sale-kenitra",
            "city": "Salé",
        },
    ),
    Typed(
        "a business's tags",
        "ent_a",
        r("marketplace:business_edit", o("public_business")),
        "tags",
        lambda w: ", ".join(w.public_business.tags.values_list("name", flat=True)),
        lambda w: {"name": "Vitrine"},
    ),
    Typed(
        "an offer's title",
        "ent_a",
        r("marketplace:offer_create", o("public_business")),
        "title",
        lambda w: w.public_business.offers.order_by("-pk").first().title,
    ),
    Typed(
        "an uploaded document's name",
        "ent_b",
        r("marketplace:apply", slug("opportunity")),
        "business",
        lambda w: (
            w.opportunity.applications.get(applicant=w.users["ent_b"]).documents.get().original_name
        ),
        lambda w: {_text_question(w): "Mon projet", "save": ""},
        lambda w: {_file_question(w): _pdf(f"{TYPED}.pdf")},
        # A file name loses the marks too.
        kept="Fatou Diop Sarl.pdf",
    ),
    Typed(
        "an institution's name",
        "manager",
        r("institutions:add"),
        "name",
        lambda w: _institution("institution-typee").name,
        lambda w: {"slug": "institution-typee", "kind": "ngo"},
    ),
    Typed(
        "an opportunity's title",
        "manager",
        r("opportunities:add"),
        "title",
        lambda w: w.opportunity.institution.opportunities.get(slug="appel-tape").title,
        lambda w: {
            "institution": str(w.opportunity.institution_id),
            "slug": "appel-tape",
            "kind": "call",
            "opens_at": "2026-12-01 09:00",
            "closes_at": "2027-01-01 09:00",
        },
    ),
    Typed(
        "a programme's name",
        "manager",
        r("programmes_admin:add"),
        "name",
        lambda w: _programme("programme-tape").name,
        lambda w: {"slug": "programme-tape", "starts_on": "2026-01-01", "ends_on": "2027-12-31"},
    ),
    Typed(
        "a cohort's name",
        "manager",
        r("programmes_journeys:cohorts"),
        "name",
        lambda w: w.programme.cohorts.order_by("-pk").first().name,
        lambda w: {"programme": str(w.programme.pk), "starts_on": "2026-09-01"},
    ),
    Typed(
        "a name given to register for an event",
        "anonymous",
        r("programmes:event_register", o("event")),
        "name",
        lambda w: w.event.registrations.order_by("-pk").first().name,
        lambda w: {"phone": "0655443322"},
    ),
    Typed(
        "a walk-in's name at an event",
        "manager",
        r("programmes:attendance_take", o("event")),
        "name",
        lambda w: w.event.attendance.order_by("-pk").first().name,
        lambda w: {"phone": "0677665544"},
    ),
    Typed(
        "a mentor's skills",
        "mentor_b",
        r("mentoring:profile_edit"),
        "tags",
        lambda w: ", ".join(_mentor(w.mentor_b.pk).tags),
    ),
    Typed(
        "a goal's title",
        "ent_a",
        r("mentoring:mentorship_detail", o("mentorship")),
        "title",
        lambda w: w.mentorship.goals.order_by("-pk").first().title,
    ),
]


def _mentor(pk):
    from mentoring.models import MentorProfile

    return MentorProfile.objects.get(pk=pk)


def _institution(slug):
    from marketplace.models import Institution

    return Institution.objects.get(slug=slug)


def _programme(slug):
    from programmes.models import Programme

    return Programme.objects.get(slug=slug)


@pytest.mark.parametrize("case", NAMES, ids=lambda case: case.label)
def test_names_lose_directional_formatting(case, world, db):
    from tests import factories

    client = Client()
    if case.who == "superuser":
        client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    elif case.who != "anonymous":
        client.force_login(world.users[case.who])
    savepoint = transaction.savepoint()
    try:
        url = case.url(world)
        page = client.get(url)
        assert page.status_code == 200, f"{url}: {page.status_code}"
        action, data = browser_submission(page.content.decode(), case.field)
        if case.field != "business":  # the upload carries the name there
            data[case.field] = [TYPED]
        data.update(case.changes(world) if case.changes else {})
        data.update(case.files(world) if case.files else {})
        response = client.post(action or url, data)
        assert response.status_code in (200, 302), response.status_code
        try:
            saved = case.read(world)
        except ObjectDoesNotExist:
            pytest.fail(f"nothing saved: {_errors(response)}")
    finally:
        transaction.savepoint_rollback(savepoint)
    assert not EXPLICIT.search(saved), saved
    assert case.kept.replace(" ", "") in saved.replace(" ", "").replace(",", ""), saved


def _errors(response):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    found = soup.select(".errors, .errorlist, .error-message, .help-critical, .form-errors")
    return [" ".join(element.get_text().split()) for element in found]


# --- slugs and file names -------------------------------------------------------------------------


def _post_form(client, url, field, changes, files=None):
    page = client.get(url)
    action, data = browser_submission(page.content.decode(), field)
    data.update(changes)
    data.update(files or {})
    return client.post(action or url, data)


@pytest.mark.parametrize(
    "name",
    [TYPED, "\u202eتعاونية النور\u200f", "\u2067Coopérative\u2069 Atlas", "\u200f\u202e"],
)
def test_no_bidirectional_control_reaches_a_business_slug(name, world, db):
    from marketplace import services

    savepoint = transaction.savepoint()
    try:
        client = Client()
        client.force_login(world.users["ent_b"])
        _post_form(
            client,
            reverse("marketplace:business_create"),
            "name",
            {
                "name": f"{name} x",
                "legal_form": "cooperative",
                "stage": "starting",
                "sector": "food",
                "region": "rabat-sale-kenitra",
                "city": "Salé",
            },
        )
        typed = world.users["ent_b"].business_memberships.get().business
        made = services.business_create(
            actor=world.users["ent_b"],
            name=f"{name} y",
            legal_form="cooperative",
            stage="starting",
            sector="food",
            region="rabat-sale-kenitra",
            city="Salé",
        )
    finally:
        transaction.savepoint_rollback(savepoint)
    for business in (typed, made):
        assert re.fullmatch(r"[a-z0-9-]+", business.slug), business.slug


@pytest.mark.parametrize(
    "route, extra",
    [
        ("institutions:add", {"name": "Institution", "kind": "ngo"}),
        ("programmes_admin:add", {"name": "Programme", "starts_on": "2026-01-01"}),
    ],
)
def test_a_slug_typed_with_bidirectional_controls_is_refused(route, extra, world, db):
    from marketplace.models import Institution
    from programmes.models import Programme

    client = Client()
    client.force_login(world.users["manager"])
    savepoint = transaction.savepoint()
    try:
        response = _post_form(
            client,
            reverse(route),
            "slug",
            {**extra, "slug": "odco\u202efdp", "ends_on": "2027-01-01"},
        )
        created = [
            obj.slug
            for model in (Institution, Programme)
            for obj in model.objects.filter(slug__contains="odco")
        ]
    finally:
        transaction.savepoint_rollback(savepoint)
    assert response.status_code == 200 and not created, created


def _image(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.security.world import png_bytes

    return SimpleUploadedFile(name, png_bytes(), "image/png")


UPLOADED = "photo\u202egnp\u200f.exe.png"


def test_no_bidirectional_control_reaches_a_stored_file_name(world, db):
    from marketplace import services
    from marketplace.models import Business

    o, u = world.objects, world.users
    client = Client()
    client.force_login(u["ent_a"])
    savepoint = transaction.savepoint()
    try:
        business = o["public_business"]
        _post_form(
            client,
            reverse("marketplace:business_edit", args=[business.pk]),
            "name",
            {"name": "Vitrine"},
            {"logo": _image(UPLOADED)},
        )
        _post_form(
            client,
            reverse("marketplace:dashboard_business", args=[business.pk]),
            "caption",
            {"caption": "x"},
            {"image": _image(UPLOADED)},
        )
        _post_form(
            client,
            reverse("marketplace:offer_create", args=[business.pk]),
            "title",
            {"title": "Pain"},
            {"photo": _image(UPLOADED)},
        )
        photo = services.business_photo_add(
            actor=u["ent_a"], business=business, image=_image(UPLOADED)
        )
        business = Business.objects.get(pk=business.pk)
        stored = [
            business.logo.name,
            *business.photos.values_list("image", flat=True),
            *business.offers.exclude(photo="").values_list("photo", flat=True),
            photo.image.name,
        ]
    finally:
        transaction.savepoint_rollback(savepoint)
    assert len(stored) >= 5, stored
    assert not [name for name in stored if BIDI_CONTROL.search(name)], stored


def _disposition_name(response):
    header = response["Content-Disposition"]
    match = re.search(r"filename\*=utf-8''([^;]+)", header) or re.search(
        r'filename="([^"]*)"', header
    )
    assert match, header
    return unquote(match.group(1))


DOWNLOADS = [
    ("staff_a", lambda w: reverse("marketplace:document_download", args=[w.document.pk])),
    ("ent_a", lambda w: reverse("marketplace:document_download", args=[w.document.pk])),
    ("staff_a", r("marketplace:staff_export", o("opportunity"), "csv")),
    ("staff_a", r("marketplace:staff_export", o("opportunity"), "xlsx")),
    ("manager", r("programmes_impact:export", o("programme"), "csv", query="?table=records")),
    ("manager", r("programmes_impact:export", o("programme"), "xlsx", query="?table=logframe")),
    ("ent_a", r("accounts:export")),
    ("ent_a", r("mentoring:booking_ics", o("booking"))),
    ("anonymous", lambda w: reverse("programmes:registration_ics", args=[w.registration.token])),
]


@pytest.mark.parametrize("who, url", DOWNLOADS, ids=[f"{i}" for i in range(len(DOWNLOADS))])
def test_no_bidirectional_control_reaches_a_downloaded_file_name(who, url, world, clients, db):
    response = clients[who].get(url(world))
    assert response.status_code == 200, response.status_code
    name = _disposition_name(response)
    assert name and not BIDI_CONTROL.search(name), repr(name)
