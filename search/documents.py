"""What is searchable, and the document each public object becomes.

A document is a plain dict, the same for every backend:

    {"type": "business", "id": "42", "locale": "fr", "title": "...", "tags": ["..."],
     "body": "...", "url": "/fr/businesses/...", "date": "2026-11-29" or None,
     "expires_at": ISO datetime or None, "facets": {"sector": ["food"], ...},
     "card": {"subtitle": "...", ...}}

Only public objects become documents, and only from public fields: residence status,
nationality, registration numbers, contact details shown to members only, e-mail addresses
never reach a search index (tests read the indexed documents to check it).
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import override

TYPES = ("business", "offer", "mentor", "institution", "opportunity", "page")

# Facets a search may filter on and count, and the types that have them.
FACETS = (
    "type",
    "sector",
    "region",
    "city",
    "language",
    "stage",
    "legal_form",
    "tag",
    "topic",
    "format",
    "status",
    "kind",
)


@dataclass(frozen=True)
class Source:
    """One searchable type: its model, its public objects, and how each becomes a document."""

    type: str
    model_label: str  # "app_label.ModelName"

    def public(self):
        return _PUBLIC[self.type]()

    def document(self, obj):
        return _DOCUMENT[self.type](obj)

    def key(self, obj):
        return str(obj.pk)


def _business_public():
    from marketplace.models import Business

    return Business.objects.published().prefetch_related("tags", "languages")


def _business(business):
    from marketplace.models import Sector

    return {
        "type": "business",
        "id": str(business.pk),
        "locale": business.content_language,
        "title": business.name,
        "tags": [tag.name for tag in business.tags.all()],
        "body": " ".join(
            filter(
                None,
                [business.tagline, business.description]
                + _in_every_language(Sector.choices, [business.sector]),
            )
        ),
        "url": business.get_absolute_url(),
        "date": None,
        "expires_at": None,
        "facets": {
            "sector": [business.sector],
            "region": [business.region],
            "city": [business.city],
            "language": sorted({language.code for language in business.languages.all()}),
            "stage": [business.stage],
            "legal_form": [business.legal_form],
            "tag": [tag.slug for tag in business.tags.all()],
        },
        "card": {
            "subtitle": f"{business.get_sector_display()} · {business.city}",
            "tagline": business.tagline,
        },
    }


def _offer_public():
    from marketplace.models import Offer

    return Offer.objects.filter(business__status="published").select_related("business")


def _offer(offer):
    business = offer.business
    return {
        "type": "offer",
        "id": str(offer.pk),
        "locale": business.content_language,
        "title": offer.title,
        "tags": [],
        "body": " ".join(filter(None, [offer.description, business.name])),
        "url": business.get_absolute_url() + "#offers",
        "date": None,
        "expires_at": None,
        "facets": {
            "sector": [business.sector],
            "region": [business.region],
            "city": [business.city],
        },
        "card": {
            "subtitle": business.name,
            "price_mad": str(offer.price_mad) if offer.price_mad is not None else "",
        },
    }


def _mentor_public():
    from mentoring.models import MentorProfile

    return MentorProfile.objects.published().select_related("user")


def _in_every_language(choices, codes):
    """Labels of codes in fr, ar and en: "comptabilité", "محاسبة" and "accounting" all find."""
    found = []
    for language in ("fr", "ar", "en"):
        with override(language):
            found.extend(str(dict(choices).get(code, code)) for code in codes)
    return list(dict.fromkeys(found))


def _mentor(mentor):
    from marketplace.models import Need

    return {
        "type": "mentor",
        "id": str(mentor.pk),
        "locale": "",
        "title": mentor.user.display_name,
        "tags": list(mentor.tags) + _in_every_language(Need.choices, mentor.topics),
        "body": " ".join(filter(None, [mentor.headline, mentor.bio])),
        "url": mentor.get_absolute_url(),
        "date": None,
        "expires_at": None,
        "facets": {
            "topic": list(mentor.topics),
            "sector": list(mentor.sectors),
            "region": list(mentor.regions),
            "language": list(mentor.languages),
            "format": list(mentor.formats),
            "status": ["paused" if mentor.is_paused else "available"],
        },
        "card": {"subtitle": mentor.headline},
    }


def _institution_public():
    from marketplace.models import Institution

    return Institution.objects.filter(is_public=True)


def _institution(institution):
    return {
        "type": "institution",
        "id": str(institution.pk),
        "locale": "",
        "title": institution.name,
        "tags": [],
        "body": institution.description,
        "url": institution.get_absolute_url(),
        "date": None,
        "expires_at": None,
        "facets": {"region": list(institution.regions), "kind": [institution.kind]},
        "card": {"subtitle": institution.get_kind_display()},
    }


def _opportunity_public():
    from marketplace.models import Opportunity

    return Opportunity.objects.filter(
        is_published=True, closes_at__gt=timezone.now()
    ).select_related("institution")


def _opportunity(opportunity):
    now = timezone.now()
    return {
        "type": "opportunity",
        "id": str(opportunity.pk),
        "locale": "",
        "title": opportunity.title,
        "tags": [opportunity.institution.name],
        "body": " ".join(filter(None, [opportunity.description, opportunity.eligibility])),
        "url": opportunity.get_absolute_url(),
        "date": opportunity.closes_at.date().isoformat(),
        # Closed opportunities leave the results at their closing time, without a write.
        "expires_at": opportunity.closes_at.isoformat(),
        "facets": {
            "region": list(opportunity.regions),
            "kind": [opportunity.kind],
            "status": ["open" if opportunity.opens_at <= now else "upcoming"],
        },
        "card": {"subtitle": opportunity.institution.name},
    }


PAGE_MODELS = ("NewsArticlePage", "EventPage", "CallForApplicationsPage", "GuidePage")


def _page_public():
    from wagtail.models import Page

    return (
        Page.objects.live()
        .public()
        .filter(content_type__model__in=[name.lower() for name in PAGE_MODELS])
        .select_related("locale")
        .specific()
    )


def _page(page):
    from wagtail.models import Page

    page = page.specific if type(page) is Page else page
    language = page.locale.language_code
    with override(language):
        url = page.get_url() or page.url_path
        kind = page._meta.verbose_name
    body = " ".join(
        filter(None, [getattr(page, "intro", ""), page.search_description, _stream_text(page)])
    )
    date = getattr(page, "date", None) or getattr(page, "starts_at", None)
    return {
        "type": "page",
        "id": str(page.pk),
        "locale": language,
        "title": page.title,
        "tags": [tag.name for tag in page.tags.all()] if hasattr(page, "tags") else [],
        "body": body,
        "url": url,
        "date": date.isoformat()[:10] if date else None,
        "expires_at": None,
        "facets": {
            "kind": [type(page).__name__.removesuffix("Page").lower()],
            "language": [language],
            **({"region": [page.region]} if getattr(page, "region", "") else {}),
        },
        "card": {"subtitle": str(kind)},
        # Translations of one page share this key: the reader's own is shown first.
        "group": str(page.translation_key),
    }


def _stream_text(page):
    body = getattr(page, "body", None)
    if body is None:
        return ""
    try:
        from django.utils.html import strip_tags

        return strip_tags(str(body))[:5000]
    except Exception:  # noqa: BLE001 - a broken block must not stop indexing the page
        return ""


_PUBLIC = {
    "business": _business_public,
    "offer": _offer_public,
    "mentor": _mentor_public,
    "institution": _institution_public,
    "opportunity": _opportunity_public,
    "page": _page_public,
}
_DOCUMENT = {
    "business": _business,
    "offer": _offer,
    "mentor": _mentor,
    "institution": _institution,
    "opportunity": _opportunity,
    "page": _page,
}
SOURCES = {
    "business": Source("business", "marketplace.Business"),
    "offer": Source("offer", "marketplace.Offer"),
    "mentor": Source("mentor", "mentoring.MentorProfile"),
    "institution": Source("institution", "marketplace.Institution"),
    "opportunity": Source("opportunity", "marketplace.Opportunity"),
    "page": Source("page", "wagtailcore.Page"),
}


def documents_for(type_, ids):
    """The documents of these ids that are public now, and the ids that are not (to delete)."""
    source = SOURCES[type_]
    found = {source.key(obj): source.document(obj) for obj in source.public().filter(pk__in=ids)}
    gone = [str(pk) for pk in ids if str(pk) not in found]
    return list(found.values()), gone


def all_documents(type_, chunk=500):
    """Every public document of a type, in chunks, for a rebuild."""
    source = SOURCES[type_]
    queryset = source.public().order_by("pk")
    count = queryset.count()
    for start in range(0, count, chunk):
        for obj in queryset[start : start + chunk]:
            yield source.document(obj)
