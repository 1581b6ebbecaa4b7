"""Labels of facet values and types, in the reader's language."""

from django.utils.translation import gettext_lazy as _

TYPE_LABELS = {
    "business": _("Businesses"),
    "offer": _("Offers"),
    "mentor": _("Mentors"),
    "institution": _("Institutions"),
    "opportunity": _("Opportunities"),
    "page": _("News and guides"),
}
FACET_LABELS = {
    "type": _("Type"),
    "sector": _("Sector"),
    "region": _("Region"),
    "city": _("City"),
    "language": _("Language"),
    "stage": _("Stage"),
    "legal_form": _("Legal form"),
    "tag": _("Tag"),
    "topic": _("Expertise"),
    "format": _("Format"),
    "status": _("Status"),
    "kind": _("Kind"),
}
STATUS_LABELS = {
    "available": _("Has room"),
    "paused": _("Paused"),
    "open": _("Open"),
    "upcoming": _("Upcoming"),
}


def _vocabularies():
    from cms.models import Region as EventRegion
    from marketplace.models import InstitutionKind, LegalForm, Need, OpportunityKind, Sector, Stage
    from marketplace.models.businesses import CONTENT_LANGUAGES, REGIONS, SPOKEN_LANGUAGES
    from mentoring.models import Format

    page_kinds = {
        "newsarticle": _("News"),
        "event": _("Event"),
        "callforapplications": _("Call for applications"),
        "guide": _("Guide"),
    }
    return {
        "type": TYPE_LABELS,
        "sector": dict(Sector.choices),
        "region": dict(REGIONS) | dict(EventRegion.choices),
        "language": dict(CONTENT_LANGUAGES) | dict(SPOKEN_LANGUAGES),
        "stage": dict(Stage.choices),
        "legal_form": dict(LegalForm.choices),
        "topic": dict(Need.choices),
        "format": dict(Format.choices),
        "status": STATUS_LABELS,
        "kind": dict(InstitutionKind.choices) | dict(OpportunityKind.choices) | page_kinds,
    }


def label(name, value):
    return str(_vocabularies().get(name, {}).get(value, value))


def facet_label(name):
    return str(FACET_LABELS.get(name, name))
