"""The platform's roles, kept as groups with their permissions.

The groups are created (and their permissions brought up to date) after every `migrate` by
`cms.setup`, which also grants the editorial roles their page permissions, so a fresh database
and a production upgrade both end with the same roles.
"""

from django.utils.translation import gettext_lazy as _

ENTREPRENEUR = "Entrepreneurs"
MENTOR = "Mentors"
INSTITUTION_STAFF = "Institution staff"
EDITOR = "Editors"
PROGRAMME_MANAGER = "Programme managers"
FUNDER = "Funders"

# Nationality, residence status, registration numbers, what people write to the programme.
VIEW_SENSITIVE_DATA = "accounts.view_sensitive_data"

ROLE_LABELS = {
    ENTREPRENEUR: _("Entrepreneur"),
    MENTOR: _("Mentor"),
    INSTITUTION_STAFF: _("Institution staff"),
    EDITOR: _("Editor"),
    PROGRAMME_MANAGER: _("Programme manager"),
    FUNDER: _("Funder"),
}

# "app_label.codename" of the model permissions each role holds. Roles of later issues add
# theirs here as their apps arrive.
_EDITORIAL = [
    "wagtailadmin.access_admin",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "taggit.add_tag",
    "taggit.change_tag",
    "simple_translation.submit_translation",
]
ROLE_PERMISSIONS = {
    ENTREPRENEUR: [],
    MENTOR: [],
    # Their own institution's opportunities, in the admin (marketplace.wagtail_hooks).
    # Attendance at the events of the programmes their institution takes part in.
    INSTITUTION_STAFF: ["wagtailadmin.access_admin", "programmes.take_attendance"],
    EDITOR: _EDITORIAL,
    # The programme's figures, read in the admin; nothing to change.
    FUNDER: ["wagtailadmin.access_admin", "programmes.view_impact"],
    PROGRAMME_MANAGER: _EDITORIAL
    + [
        "wagtailimages.delete_image",
        "wagtaildocs.delete_document",
        "taggit.delete_tag",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "wagtailcore.add_workflow",
        "wagtailcore.change_workflow",
        "accounts.view_user",
        "accounts.view_sensitive_data",
        "marketplace.moderate_business",
        "marketplace.view_business",
        "marketplace.add_institution",
        "marketplace.change_institution",
        "marketplace.view_institution",
        "marketplace.add_opportunity",
        "marketplace.change_opportunity",
        "marketplace.view_opportunity",
        "mentoring.manage_mentoring",
        "mentoring.view_mentorprofile",
        "mentoring.change_mentorprofile",
        "mentoring.view_mentorship",
        "messaging.view_report",
        "messaging.change_report",
        "programmes.manage_programme",
        "programmes.take_attendance",
        "programmes.view_impact",
        "programmes.manage_journeys",
        "programmes.manage_grants",
    ],
}

# Roles that a person may choose when signing up; the others are granted by staff.
SELF_SERVICE_ROLES = [ENTREPRENEUR, MENTOR]


def sync_roles(**kwargs):
    """Create the role groups and give them exactly their model permissions (run after
    migrate): a permission taken out of ROLE_PERMISSIONS is taken away on the next deploy."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = set()
        for dotted in set(codenames):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.add(permission.pk)
        group.permissions.set(wanted)
