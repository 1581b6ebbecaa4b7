"""Matching reasons as a sentence in the reader's language:
"speaks French and Wolof; knows accounting and marketing; also in Tanger-Tétouan-Al Hoceïma"."""

from babel.lists import format_list
from django.utils.translation import get_language, gettext_lazy, pgettext, to_locale
from django.utils.translation import gettext as _

from marketplace.models import Need, Sector
from marketplace.models.businesses import REGIONS, SPOKEN_LANGUAGES

_LABELS = {
    "languages": dict(SPOKEN_LANGUAGES),
    "expertise": dict(Need.choices),
    "sector": dict(Sector.choices),
    "region": dict(REGIONS),
}


def _list(kind, values):
    labels = [str(_LABELS[kind].get(value, value)) for value in values]
    # "knows accounting", "parle français", but "speaks French" and "in Tanger" (proper nouns).
    lower = kind in ("expertise", "sector") or (kind == "languages" and get_language() != "en")
    if lower:
        labels = [label[:1].lower() + label[1:] for label in labels]
    try:
        return format_list(labels, locale=to_locale(get_language() or "fr"))
    except (ValueError, LookupError):
        return ", ".join(labels)


def phrase(reason):
    """One reason (a mentoring.matching.Reason) as a short phrase."""
    kind, values = reason.kind, reason.values
    if kind == "languages":
        return _("speaks %(languages)s") % {"languages": _list(kind, values)}
    if kind == "expertise":
        return _("knows %(topics)s") % {"topics": _list(kind, values)}
    if kind == "sector":
        return _("works with %(sector)s businesses") % {"sector": _list(kind, values)}
    if kind == "region":
        return _("also in %(region)s") % {"region": _list(kind, values)}
    if kind == "experience":
        return _("%(years)s years of experience") % {"years": values[0]}
    if kind == "load":
        return _("has room for %(count)s more") % {"count": values[0]}
    return ""


def describe(reasons):
    return pgettext("separator between matching reasons", "; ").join(
        text for text in (phrase(reason) for reason in reasons) if text
    )


REFUSALS = {
    "paused": gettext_lazy("the mentor is paused"),
    "full": gettext_lazy("the mentor has no free place"),
    "language": gettext_lazy("no shared language"),
    "region": gettext_lazy("meets only in person, in another region"),
    "no_feasible_mentor": gettext_lazy("no mentor fits"),
    "capacity": gettext_lazy("not enough places with the mentors who fit"),
}


def refusal(code):
    return str(REFUSALS.get(code, code))
