"""The permission matrix, generated from the URL configuration and the API schema.

Every route that takes an id (a path converter, a regex group, an OpenAPI path parameter) is
either covered by a case below or listed in PUBLIC with the reason it is open: a new id-taking
route that nobody classified fails `test_every_id_taking_route_is_covered`.

Each case names the route, how to build its URL from the objects of `world.build_world()` (owned
by "A" users), the method, and who may use it. Everyone else — anonymous, B (another user of
A's role) and one user of each other role — must be refused: a redirect to a log-in page, 401,
403 or 404; never A's private strings in the body; and nothing changed in the database. The
allowed, in turn, must get through (a POST inside a savepoint that is rolled back): a refusal that
everybody gets proves nothing.

Wagtail's own admin is in the matrix too, its allowed sets read from the roles' permissions
(accounts/roles.py) and the page and collection permissions of cms/setup.py."""

import re
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

from tests.security.world import SECRETS, build_world, snapshot

# ent_a's own name and address appear on every page ent_a sees.
OWN = {"alpha-owner@example.org", "Alpha Propriétaire"}

PRINCIPALS = [
    "anonymous",
    "ent_a",
    "ent_b",
    "mentor_a",
    "mentor_b",
    "staff_a",
    "staff_b",
    "editor",
    "manager",
    "funder",
]
LOGIN_PREFIXES = ("/fr/accounts/login/", "/admin/login/")

# Served only with DEBUG (never in production, nor in tests).
DEBUG_ONLY = ("^media/",)

# Open by design: the reason says why anybody (or any signed-in user) may call them.
PUBLIC = {
    "marketplace:business_detail": "published business pages are public (drafts: see cases)",
    "marketplace:institution_detail": "institution pages are public",
    "marketplace:opportunity_detail": "published opportunities are public",
    "mentoring:mentor_detail": "published mentor profiles are public",
    "programmes:event_register": "anyone may register for a public event",
    "accounts:verify_email": "the signed token is the capability (checked in tests/accounts)",
    "accounts:password_reset_confirm": "Django's signed token is the capability",
    "calendar_feed": "the random token is the capability (wrong token: see cases)",
    "programmes:registration_detail": "the random token is the capability (see cases)",
    "programmes:registration_cancel": "the random token is the capability (see cases)",
    "programmes:registration_ics": "the random token is the capability (see cases)",
    "GET /api/v1/marketplace/businesses/{slug}": "published businesses are public (see cases)",
    "GET /api/v1/mentoring/mentors/{mentor_id}": "published mentor profiles are public",
    "GET /api/v1/mentoring/mentors/{mentor_id}/slots": "a published mentor's free slots",
    "wagtailcore_authenticate_with_password": "a private page's password is the capability",
    "wagtaildocs_authenticate_with_password": "a private collection's password is the capability",
    "wagtailadmin_password_reset_confirm": "Django's signed token is the capability",
    "wagtail_serve": "published pages are public (drafts: only the admin's previews, see cases)",
    "wagtaildocs_serve": "documents are linked from public pages (a private collection: Wagtail)",
}


@dataclass
class Case:
    route: str  # "namespace:name", or "METHOD /api/v1/…" as in the OpenAPI schema
    url: object  # world -> URL
    allowed: frozenset = frozenset()
    method: str = "get"
    data: dict = field(default_factory=dict)
    # Only anonymous must be refused: any signed-in user may use it (the reason is the label).
    signed_in: str = ""
    label: str = ""
    # Admin users are refused silently (the reason is SKIPS): nothing must change all the same.
    skips: str = ""
    # The status the allowed get on a GET route when it is not 200 (the reason is by the case).
    reaches: int = 200

    @property
    def id(self):
        return f"{self.route}{'[' + self.label + ']' if self.label else ''}"


def r(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


def _o(name, attr="pk"):
    return lambda w: getattr(getattr(w, name), attr)


ENT_A = frozenset({"ent_a"})
MENTORSHIP_PARTIES = frozenset({"ent_a", "mentor_a"})
MANAGER = frozenset({"manager"})
IMPACT_READERS = frozenset({"manager", "funder"})

CASES = [
    # --- marketplace: an entrepreneur's own business -----------------------------------------
    Case(
        "marketplace:dashboard_business", r("marketplace:dashboard_business", _o("business")), ENT_A
    ),
    Case("marketplace:business_edit", r("marketplace:business_edit", _o("business")), ENT_A),
    Case(
        "marketplace:business_action",
        r("marketplace:business_action", _o("business"), "submit"),
        ENT_A,
        "post",
    ),
    Case(
        "marketplace:member_invite",
        r("marketplace:member_invite", _o("business")),
        ENT_A,
        "post",
        {"email": "intrus@example.org", "role": "owner"},
    ),
    Case("marketplace:photo_add", r("marketplace:photo_add", _o("business")), ENT_A, "post"),
    Case(
        "marketplace:photo_delete",
        r("marketplace:photo_delete", _o("business"), _o("photo")),
        ENT_A,
        "post",
    ),
    Case(
        "marketplace:member_remove",
        r("marketplace:member_remove", _o("business"), _o("co_owner")),
        ENT_A,
        "post",
    ),
    Case("marketplace:offer_create", r("marketplace:offer_create", _o("business")), ENT_A),
    Case("marketplace:offer_edit", r("marketplace:offer_edit", _o("business"), _o("offer")), ENT_A),
    Case(
        "marketplace:offer_delete",
        r("marketplace:offer_delete", _o("business"), _o("offer")),
        ENT_A,
        "post",
    ),
    # An invitation is for the person it was sent to (by e-mail): nobody here.
    Case(
        "marketplace:invitation_accept",
        r("marketplace:invitation_accept", _o("invitation")),
        frozenset(),
        "post",
    ),
    Case(
        "marketplace:business_detail",
        r("marketplace:business_detail", _o("business", "slug")),
        ENT_A,
        label="draft",
    ),
    Case(
        "marketplace:inquiry_send",
        r("marketplace:inquiry_send", _o("public_business", "slug")),
        method="post",
        data={"message": "Bonjour"},
        signed_in="any signed-in user may write to a published business",
    ),
    # --- marketplace: applications and the jury ----------------------------------------------
    Case(
        "marketplace:apply",
        r("marketplace:apply", _o("opportunity", "slug")),
        signed_in="any signed-in user may apply to a published opportunity",
    ),
    Case("marketplace:withdraw", r("marketplace:withdraw", _o("application")), ENT_A, "post"),
    Case(
        "marketplace:document_download",
        r("marketplace:document_download", _o("document")),
        frozenset({"ent_a", "staff_a"}),
    ),
    Case(
        "marketplace:staff_applications",
        r("marketplace:staff_applications", _o("opportunity")),
        frozenset({"staff_a"}),
    ),
    Case(
        "marketplace:staff_application",
        r("marketplace:staff_application", _o("opportunity"), _o("application")),
        frozenset({"staff_a"}),
    ),
    Case(
        "marketplace:staff_export",
        r("marketplace:staff_export", _o("opportunity"), "csv"),
        frozenset({"staff_a"}),
    ),
    # --- mentoring ---------------------------------------------------------------------------
    Case(
        "mentoring:request",
        r("mentoring:request", _o("mentor")),
        method="post",
        data={"message": "Aidez-moi"},
        signed_in="any signed-in entrepreneur may ask a published mentor (service checks role)",
    ),
    Case(
        "mentoring:profile_action",
        r("mentoring:profile_action", "submit"),
        method="post",
        signed_in="acts on the caller's own profile: no one else's id",
    ),
    Case(
        "mentoring:mentorship_detail",
        r("mentoring:mentorship_detail", _o("mentorship")),
        MENTORSHIP_PARTIES,
    ),
    Case(
        "mentoring:mentorship_action",
        r("mentoring:mentorship_action", _o("mentorship"), "end"),
        MENTORSHIP_PARTIES,
        "post",
        {"outcome": "completed", "reason": "x"},
    ),
    Case("mentoring:book", r("mentoring:book", _o("mentorship")), ENT_A),
    Case(
        "mentoring:goal_add",
        r("mentoring:goal_add", _o("mentorship")),
        MENTORSHIP_PARTIES,
        "post",
        {"title": "Intrus"},
    ),
    Case(
        "mentoring:goal_update",
        r("mentoring:goal_update", _o("mentorship"), _o("goal")),
        MENTORSHIP_PARTIES,
        "post",
        {"progress": "90"},
    ),
    Case(
        "mentoring:booking_detail",
        r("mentoring:booking_detail", _o("booking")),
        MENTORSHIP_PARTIES,
    ),
    Case("mentoring:booking_ics", r("mentoring:booking_ics", _o("booking")), MENTORSHIP_PARTIES),
    Case(
        "mentoring:booking_action",
        r("mentoring:booking_action", _o("booking"), "cancel"),
        MENTORSHIP_PARTIES,
        "post",
        {"reason": "Intrus"},
    ),
    Case(
        "calendar_feed",
        lambda w: reverse("calendar_feed", args=["not-a-token"]),
        label="wrong token",
    ),
    # --- messaging ---------------------------------------------------------------------------
    Case(
        "messaging:conversation",
        r("messaging:conversation", _o("conversation")),
        MENTORSHIP_PARTIES,
    ),
    Case(
        "messaging:conversation",
        r("messaging:conversation", _o("conversation")),
        MENTORSHIP_PARTIES,
        "post",
        {"text": "Intrus", "client_key": "intrus-1"},
        label="post",
    ),
    Case(
        "messaging:report",
        r("messaging:report", _o("conversation")),
        MENTORSHIP_PARTIES,
        "post",
        {"message_id": _o("message"), "reason": "Intrus"},
    ),
    Case(
        "messaging:block",
        r("messaging:block", _o("conversation"), _o("mentor", "user_id")),
        MENTORSHIP_PARTIES,
        "post",
    ),
    Case(
        "messaging:start",
        r("messaging:start", "mentorship", _o("mentorship")),
        MENTORSHIP_PARTIES,
        "post",
        label="mentorship",
    ),
    Case(
        "messaging:start",
        r("messaging:start", "application", _o("application")),
        frozenset({"ent_a", "staff_a"}),
        "post",
        label="application",
    ),
    # Nobody writes to a draft business; its owners would be writing to themselves.
    Case(
        "messaging:start",
        r("messaging:start", "business", _o("business")),
        frozenset(),
        "post",
        label="draft business",
    ),
    # --- programmes --------------------------------------------------------------------------
    Case(
        "programmes:registration_detail",
        lambda w: reverse("programmes:registration_detail", args=["not-a-token"]),
        label="wrong token",
    ),
    Case(
        "programmes:registration_cancel",
        lambda w: reverse("programmes:registration_cancel", args=["not-a-token"]),
        method="post",
        label="wrong token",
    ),
    Case(
        "programmes:attendance_take",
        r("programmes:attendance_take", _o("event")),
        frozenset({"manager", "staff_a"}),
    ),
    Case(
        "programmes:attendance_walk_in",
        r("programmes:attendance_walk_in", _o("event")),
        frozenset({"manager", "staff_a"}),
        "post",
        {"name": "Intrus", "phone": "0612345678"},
    ),
    # --- our admin screens -------------------------------------------------------------------
    Case("marketplace_admin:detail", r("marketplace_admin:detail", _o("business")), MANAGER),
    Case(
        "mentoring_admin:mentor_review", r("mentoring_admin:mentor_review", _o("mentor")), MANAGER
    ),
    Case(
        "programmes_impact:dashboard",
        r("programmes_impact:dashboard", _o("programme")),
        IMPACT_READERS,
    ),
    Case("programmes_impact:print", r("programmes_impact:print", _o("programme")), IMPACT_READERS),
    Case(
        "programmes_impact:export",
        r("programmes_impact:export", _o("programme"), "csv"),
        IMPACT_READERS,
    ),
    Case("programmes_journeys:cohort", r("programmes_journeys:cohort", _o("cohort")), MANAGER),
    Case("programmes_journeys:journey", r("programmes_journeys:journey", _o("journey")), MANAGER),
    Case("programmes_grants:index", r("programmes_grants:index", _o("programme")), MANAGER),
    Case("programmes_grants:award", r("programmes_grants:award", _o("programme")), MANAGER),
    Case("programmes_grants:grant", r("programmes_grants:grant", _o("grant")), MANAGER),
]
for _viewset, _object, _editors in (
    ("institutions", "institution", MANAGER),
    ("opportunities", "opportunity", frozenset({"manager", "staff_a"})),
    ("programmes_admin", "programme", MANAGER),
):
    for _view in ("edit", "history", "history_results", "usage", "copy"):
        CASES.append(Case(f"{_viewset}:{_view}", r(f"{_viewset}:{_view}", _o(_object)), _editors))
    # Deleting: programme managers may delete a programme (manage_programme covers every
    # action); nobody deletes institutions or opportunities, on which applications hang.
    _deleters = MANAGER if _viewset == "programmes_admin" else frozenset()
    CASES.append(Case(f"{_viewset}:delete", r(f"{_viewset}:delete", _o(_object)), _deleters))

# --- Wagtail's admin ---------------------------------------------------------------------------
# Who holds what (accounts/roles.py, cms/setup.py): editors and programme managers have page
# permissions on the root page (editors add and change; managers also publish, lock, unlock and
# bulk delete) and image/document permissions on the root collection; managers add and change
# workflows and redirects, and view users. Institution staff and funders enter the admin for
# their own screens only. Users, groups, sites, locales, collections, settings and workflow
# tasks are a superuser's.
PAGE_EDITORS = frozenset({"editor", "manager"})  # add_page/change_page on the root page
EDITOR = frozenset({"editor"})  # the editor's own uploads and editing session
PUBLISHERS = MANAGER  # publish_page (and lock/unlock) on the root page
MEDIA_EDITORS = PAGE_EDITORS  # add/change/choose image and document on the root collection
SUPERUSERS = frozenset()  # nobody in this world: no role holds the model permissions
# Anybody who may enter the admin: only for screens that show nothing private (each says why).
ADMIN_USERS = frozenset({"staff_a", "staff_b", "editor", "manager", "funder"})
# Wagtail's bulk actions skip the objects a user may not act on and send them back where they
# came from, and "release" ends only the caller's own editing session: an admin user's refusal
# is silent there, and the unchanged snapshot is what shows it.
SKIPS = "acts only on what the caller may act on: the snapshot is the check"


def wagtail(route, args, allowed, method="get", data=None, *, build=None, **options):
    CASES.append(Case(route, build or r(route, *args), allowed, method, data or {}, **options))


def query(build, **params):
    from urllib.parse import urlencode

    def with_query(w):
        values = {k: (v(w) if callable(v) else v) for k, v in params.items()}
        return f"{build(w)}?{urlencode(values, doseq=True)}"

    return with_query


_page, _home, _draft, _other = _o("page"), _o("home"), _o("draft"), _o("other_page")
_first, _draft_revision = _o("first_revision"), _o("draft_revision")
STANDARD = ["cms", "standardpage"]
# --- pages
for _route, _args in (
    ("wagtailadmin_explore", [_home]),
    ("wagtailadmin_explore_results", [_home]),
    ("wagtailadmin_pages:add_subpage", [_home]),
    ("wagtailadmin_pages:add", [*STANDARD, _home]),
    ("wagtailadmin_pages:preview_on_add", [*STANDARD, _home]),
    ("wagtailadmin_pages:type_use", STANDARD),
    ("wagtailadmin_pages:type_use_results", STANDARD),
    ("wagtailadmin_pages:edit", [_page]),
    ("wagtailadmin_pages:preview_on_edit", [_page]),
    ("wagtailadmin_pages:view_draft", [_page]),
    ("wagtailadmin_pages:history", [_page]),
    ("wagtailadmin_pages:history_results", [_page]),
    ("wagtailadmin_pages:usage", [_page]),
    ("wagtailadmin_pages:revisions_view", [_page, _first]),
    ("wagtailadmin_pages:revisions_compare", [_page, _first, _draft_revision]),
    # GET fills the editor with the old revision; saving it is a POST to "edit".
    ("wagtailadmin_pages:revisions_revert", [_page, _first]),
    ("wagtailadmin_pages:workflow_history", [_draft]),
    ("wagtailadmin_pages:workflow_history_detail", [_draft, _o("workflow_state")]),
    ("wagtailadmin_api:pages:detail", [_page]),
):
    wagtail(_route, _args, PAGE_EDITORS)
wagtail(
    "wagtailadmin_pages:copy",
    [_page],
    PAGE_EDITORS,
    "post",
    {"new_title": "Copie", "new_slug": "copie", "new_parent_page": _other},
)
# Copies are drafts unless keep_live, which needs publish_page at the destination.
wagtail(
    "wagtailadmin_api:pages:action",
    [_page, "copy"],
    PAGE_EDITORS,
    "post",
    {"destination_page_id": _other, "keep_live": "false"},
)
wagtail("wagtailadmin_pages:convert_alias", [_o("alias")], PAGE_EDITORS, "post")
wagtail(
    "simple_translation:submit_page_translation",
    [_page],
    PAGE_EDITORS,
    "post",
    {"locales": [_o("locale")]},
)
wagtail(
    "wagtailadmin_editing_sessions:ping",
    ["wagtailcore", "page", _page, _o("editing_session")],
    PAGE_EDITORS,
    "post",
)
# What the public sees of a live page, and locks: the managers' publish, lock and unlock.
for _route, _args, _data in (
    ("wagtailadmin_pages:delete", [_page], {}),
    ("wagtailadmin_pages:unpublish", [_page], {}),
    ("wagtailadmin_pages:lock", [_page], {}),
    ("wagtailadmin_pages:unlock", [_page], {}),
    ("wagtailadmin_pages:move", [_page], {"new_parent_page": _other}),
    ("wagtailadmin_pages:move_confirm", [_page, _other], {}),
    ("wagtailadmin_pages:set_page_position", [_page], {"position": "0"}),
    ("wagtailadmin_pages:set_privacy", [_page], {"restriction_type": "login"}),
    (
        "wagtailadmin_pages:revisions_unschedule",
        [_o("scheduled_page"), _o("scheduled_revision")],
        {},
    ),
):
    wagtail(_route, _args, PUBLISHERS, "post", _data)
# The review task belongs to the programme managers (cms.setup.ensure_moderation_workflow).
_review = [_draft, "approve", _o("task_state")]
wagtail("wagtailadmin_pages:workflow_preview", [_draft, _o("task")], MANAGER)
wagtail("wagtailadmin_pages:collect_workflow_action_data", _review, MANAGER)
wagtail("wagtailadmin_pages:workflow_action", _review, MANAGER, "post")
# Contact-form submissions are personal data: staff cleared for it (view_sensitive_data, the
# managers) read and delete them; editors, who edit the form page, do not (cms.wagtail_hooks).
_form = [_o("form_page")]
wagtail("wagtailforms:list_submissions", _form, MANAGER)
wagtail("wagtailforms:list_submissions_results", _form, MANAGER)
wagtail(
    "wagtailforms:delete_submissions",
    _form,
    MANAGER,
    "post",
    build=query(
        r("wagtailforms:delete_submissions", *_form), **{"selected-submissions": _o("submission")}
    ),
)

# --- images and documents
for _prefix, _kind, _object in (
    ("wagtailimages", "image", "image"),
    ("wagtaildocs", "document", "wagtail_document"),
):
    _it = [_o(_object)]
    wagtail(f"{_prefix}:edit", _it, MEDIA_EDITORS)
    wagtail(f"{_prefix}:{_kind}_usage", _it, MEDIA_EDITORS)
    wagtail(f"{_prefix}_chooser:chosen", _it, MEDIA_EDITORS)
    wagtail(f"{_prefix}:edit_multiple", _it, MEDIA_EDITORS, "post")
    # Editors change media; deleting someone else's takes delete_* (managers: cms.setup),
    # which Wagtail alone would not ask for (cms.wagtail_hooks.DeletingIsItsOwnPermission).
    wagtail(f"{_prefix}:delete", _it, MANAGER, "post")
    wagtail(f"{_prefix}:delete_multiple", _it, MANAGER, "post")
    # A file dropped into a multiple upload is its uploader's until it is saved.
    _upload = [_o(f"uploaded_{_kind}")]
    wagtail(f"{_prefix}:create_multiple_from_uploaded_{_kind}", _upload, EDITOR, "post")
    wagtail(f"{_prefix}:delete_upload_multiple", _upload, EDITOR, "post")
_image = [_o("image")]
wagtail("wagtailimages:preview", [*_image, "fill-100x100"], MEDIA_EDITORS)
# Off here, as wagtailimages_serve is not mounted: the generator answers 404 after its check.
wagtail("wagtailimages:url_generator", _image, MEDIA_EDITORS, reaches=404)
wagtail("wagtailimages:url_generator_output", _image, MEDIA_EDITORS, reaches=404)
wagtail("wagtailimages_chooser:select_format", _image, MEDIA_EDITORS)

# --- redirects and workflows: the managers' (roles.py)
wagtail("wagtailredirects:edit", [_o("redirect")], MANAGER)
wagtail("wagtailredirects:delete", [_o("redirect")], MANAGER, "post")
_workflow = [_o("workflow")]
wagtail("wagtailadmin_workflows:edit", _workflow, MANAGER)
wagtail("wagtailadmin_workflows:usage", _workflow, MANAGER)
wagtail("wagtailadmin_workflows:usage_results", _workflow, MANAGER)
# Wagtail counts disabling a workflow as deleting it (delete_workflow): no role holds that.
wagtail("wagtailadmin_workflows:disable", _workflow, SUPERUSERS, "post")
wagtail("wagtailadmin_workflows:enable", [_o("disabled_workflow")], MANAGER, "post")
wagtail("wagtailadmin_workflows:remove", [_o("root_page"), *_workflow], MANAGER, "post")
# Tasks are not workflows: roles.py gives no one add_task or change_task.
wagtail("wagtailadmin_workflows:add_task", ["wagtailcore", "groupapprovaltask"], SUPERUSERS)
wagtail("wagtailadmin_workflows:edit_task", [_o("task")], SUPERUSERS)
wagtail("wagtailadmin_workflows:disable_task", [_o("task")], SUPERUSERS, "post")
wagtail("wagtailadmin_workflows:enable_task", [_o("disabled_task")], SUPERUSERS, "post")

# --- a superuser's
_collection = [_o("collection")]
wagtail("wagtailadmin_collections:edit", _collection, SUPERUSERS)
wagtail("wagtailadmin_collections:delete", _collection, SUPERUSERS, "post")
wagtail(
    "wagtailadmin_collections:set_privacy",
    _collection,
    SUPERUSERS,
    "post",
    {"restriction_type": "login"},
)
_settings = ["cms", "sitesettings", _o("site")]
wagtail("wagtailsettings:edit", _settings, SUPERUSERS)
wagtail("wagtailsettings:preview_on_edit", _settings, SUPERUSERS)
# No snippet model here is translatable (none is registered): the route answers 404 to all.
wagtail("simple_translation:submit_snippet_translation", _settings, SUPERUSERS, "post")
for _namespace, _object, _views in (
    ("wagtailsites", "site", ("edit", "history", "history_results", "usage", "copy")),
    ("wagtaillocales", "locale", ("edit", "history", "history_results", "usage")),
    ("wagtailusers_groups", "group", ("edit", "history", "history_results", "usage")),
    ("wagtailusers_users", "person", ("edit", "history", "history_results", "usage", "copy")),
):
    for _view in _views:
        wagtail(f"{_namespace}:{_view}", [_o(_object)], SUPERUSERS)
    wagtail(f"{_namespace}:delete", [_o(_object)], SUPERUSERS, "post")

# --- generic screens any admin user may use
# The page chooser lists titles to link to (as public pages do); no content, no action.
wagtail("wagtailadmin_choose_page_child", [_home], ADMIN_USERS)
# Lists only the pages under which the caller may add one: none for staff and funders.
wagtail("wagtailadmin_pages:choose_parent", STANDARD, ADMIN_USERS)
# Tags are shown on public pages.
wagtail("wagtailadmin_tag_model_autocomplete", ["taggit", "tag"], ADMIN_USERS)
# Returns a task's name and id to the workflow editor's chooser: no content.
wagtail("wagtailadmin_workflows:task_chosen", [_o("task")], ADMIN_USERS)
# An old address Wagtail keeps: it sends everyone to the page's history, which checks (above).
wagtail("wagtailadmin_pages:revisions_index", [_page], ADMIN_USERS, reaches=302)
# Wagtail checks nothing here (upstream): any admin user learns whether a page is in review and
# the names of its workflow and task, nothing of its content.
wagtail("wagtailadmin_pages:confirm_workflow_cancellation", [_draft], ADMIN_USERS)
# Wagtail's admin API gives image and document metadata to every admin user; both are served
# publicly (wagtaildocs_serve, renditions), and no collection here is private.
wagtail("wagtailadmin_api:images:detail", [_o("image")], ADMIN_USERS)
wagtail("wagtailadmin_api:documents:detail", [_o("wagtail_document")], ADMIN_USERS)
# Ends only the caller's own session.
wagtail(
    "wagtailadmin_editing_sessions:release",
    [_o("editing_session")],
    EDITOR,
    "post",
    skips=SKIPS,
)

# --- bulk actions: one route, an action per model, acting on ?id=… (those on users check the
# permission before anything else, and refuse out loud)
for _model, _object, _action, _allowed, _data in (
    ("wagtailcore.page", "page", "delete", PUBLISHERS, {}),
    ("wagtailcore.page", "page", "unpublish", PUBLISHERS, {}),
    ("wagtailcore.page", "draft", "publish", PUBLISHERS, {}),
    ("wagtailcore.page", "page", "move", PUBLISHERS, {"chooser": _other}),
    ("wagtailimages.image", "image", "delete", MANAGER, {}),
    ("wagtailimages.image", "image", "add_tags", MEDIA_EDITORS, {"tags": "intrus"}),
    (
        "wagtailimages.image",
        "image",
        "add_to_collection",
        MEDIA_EDITORS,
        {"collection": _o("root_collection")},
    ),
    ("wagtaildocs.document", "wagtail_document", "delete", MANAGER, {}),
    ("wagtaildocs.document", "wagtail_document", "add_tags", MEDIA_EDITORS, {"tags": "intrus"}),
    (
        "wagtaildocs.document",
        "wagtail_document",
        "add_to_collection",
        MEDIA_EDITORS,
        {"collection": _o("root_collection")},
    ),
    ("accounts.user", "person", "delete", SUPERUSERS, {}),
    ("accounts.user", "person", "set_active_state", SUPERUSERS, {"mark_as_active": "False"}),
    ("accounts.user", "person", "assign_role", SUPERUSERS, {"role": _o("group")}),
):
    CASES.append(
        Case(
            "wagtail_bulk_action",
            query(r("wagtail_bulk_action", *_model.split("."), _action), id=_o(_object)),
            _allowed,
            "post",
            _data,
            label=f"{_model} {_action}",
            skips="" if _model == "accounts.user" else SKIPS,
        )
    )

# --- the API -----------------------------------------------------------------------------------


def api(path):
    def build(w):
        return "/api/v1" + re.sub(
            r"\{(\w+)\}",
            lambda m: str(
                {
                    "booking_id": w.booking.pk,
                    "conversation_id": w.conversation.pk,
                    "registration_id": w.registration.pk,
                    "slug": w.business.slug,
                }[m.group(1)]
            ),
            path,
        )

    return build


for _method, _path, _allowed, _data in (
    ("POST", "/mentoring/my/bookings/{booking_id}/cancel", MENTORSHIP_PARTIES, {"reason": "x"}),
    ("GET", "/messaging/conversations/{conversation_id}/messages", MENTORSHIP_PARTIES, {}),
    (
        "POST",
        "/messaging/conversations/{conversation_id}/messages",
        MENTORSHIP_PARTIES,
        {"text": "Intrus", "client_key": "intrus-api-1"},
    ),
    ("POST", "/messaging/conversations/{conversation_id}/read", MENTORSHIP_PARTIES, {}),
    ("POST", "/programmes/my/registrations/{registration_id}/cancel", ENT_A, {}),
):
    CASES.append(Case(f"{_method} /api/v1{_path}", api(_path), _allowed, _method.lower(), _data))
CASES.append(
    Case(
        "GET /api/v1/marketplace/businesses/{slug}",
        api("/marketplace/businesses/{slug}"),
        frozenset(),
        label="draft",
    )
)


# --- the routes --------------------------------------------------------------------------------


def _walk(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, text, inner)
        else:
            yield text, (f"{namespace}{pattern.name}" if pattern.name else text)


def id_taking_routes():
    """Every route of the URL configuration with a parameter (the API comes from its schema)."""
    found = set()
    for text, key in _walk(get_resolver()):
        # A converter, a named group or an unnamed one (Wagtail's document and page serving).
        if not re.search(r"<|\(\?P<|\((?!\?)", text):
            continue
        plain = re.sub(r"^(fr|ar|en)/", "", text)
        if text.startswith(DEBUG_ONLY):
            continue
        if plain.startswith("api/v1/"):
            continue  # covered, with the methods, by the OpenAPI schema
        found.add(key)
    return found


def api_id_taking_routes():
    schema = Client().get("/api/v1/openapi.json").json()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if "{" in path
    }


def test_every_id_taking_route_is_covered(db):
    routes = id_taking_routes() | api_id_taking_routes()
    covered = {case.route for case in CASES} | set(PUBLIC)
    missing = sorted(routes - covered)
    assert not missing, (
        "These routes take an id and are not in the permission matrix: add a Case "
        f"(or a PUBLIC entry with its reason) in {__file__}: {missing}"
    )
    stale = sorted(covered - routes)
    assert not stale, f"The matrix names routes that no longer exist: {stale}"
    # Our own admin screens are part of the matrix.
    for prefix in ("marketplace_admin:", "mentoring_admin:", "programmes_impact:"):
        assert any(route.startswith(prefix) for route in covered)
    # And so are Wagtail's.
    for prefix in ("wagtailadmin_pages:", "wagtailimages:", "wagtailusers_users:"):
        assert any(route.startswith(prefix) for route in covered)


def test_a_new_id_taking_route_is_noticed(db, settings):
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "tests.security.urls_with_a_new_route"
    clear_url_caches()
    try:
        routes = id_taking_routes()
    finally:
        settings.ROOT_URLCONF = "config.urls"
        clear_url_caches()
    assert "thing" in routes
    assert "thing" not in {case.route for case in CASES} | set(PUBLIC)


# --- calling them ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at the end; each test
    runs in a savepoint of its own (so a wrongly accepted POST changes nothing for the next)."""
    media = tmp_path_factory.mktemp("matrix-media")
    with (
        override_settings(MEDIA_ROOT=media / "public", PRIVATE_MEDIA_ROOT=media / "private"),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _client(world, principal):
    client = Client()
    if principal != "anonymous":
        client.force_login(world.users[principal])
    return client


def _call(client, case, world):
    url = case.url(world)
    data = {k: (v(world) if callable(v) else v) for k, v in case.data.items()}
    if case.route.startswith(("GET /api", "POST /api")):
        if case.method == "get":
            return client.get(url)
        return client.post(url, data, content_type="application/json")
    return getattr(client, case.method)(url, data)


def _refused(response):
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code != 302:
        return False
    location = response["Location"]
    # Wagtail sends a signed-in user without the permission back to the admin's home page.
    return location.startswith(LOGIN_PREFIXES) or location == "/admin/"


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_only_the_allowed_reach_a_route(case, world, db):
    before = snapshot(world)
    allowed = frozenset(PRINCIPALS) - {"anonymous"} if case.signed_in else case.allowed
    problems = []
    for principal in PRINCIPALS:
        if principal in allowed:
            continue
        response = _call(_client(world, principal), case, world)
        body = _body(response)
        leaked = [s for s in SECRETS if s in body and not (principal == "ent_a" and s in OWN)]
        silent = case.skips and principal in ADMIN_USERS and response.status_code in (200, 302)
        if not (_refused(response) or silent) or leaked:
            problems.append(
                f"{principal}: {response.status_code} "
                f"{response.get('Location', '')} leaked={leaked}"
            )
    assert not problems, f"{case.id} ({case.url(world)}) was not refused: {problems}"
    assert snapshot(world) == before, f"{case.id}: a refused request changed data"
    # The objects are right: the allowed people do reach it.
    if case.signed_in:
        return
    for principal in sorted(case.allowed):
        if case.method == "get":
            response = _call(_client(world, principal), case, world)
            assert response.status_code == case.reaches, (
                f"{case.id}: {principal} got {response.status_code}"
            )
            # Open to any admin user because it shows nothing private: check that too.
            if case.allowed == ADMIN_USERS:
                leaked = [s for s in SECRETS if s in _body(response)]
                assert not leaked, f"{case.id}: {principal} read {leaked}"
            continue
        # A change, undone before the next one: otherwise the refusals above prove nothing.
        savepoint = transaction.savepoint()
        try:
            response = _call(_client(world, principal), case, world)
            assert not _refused(response), f"{case.id}: {principal} got {response.status_code}"
        finally:
            transaction.savepoint_rollback(savepoint)
