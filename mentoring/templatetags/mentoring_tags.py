from django import template

from marketplace.models import Need, Sector
from marketplace.models.businesses import REGIONS, SPOKEN_LANGUAGES
from mentoring.models import Format

register = template.Library()

_VOCABULARIES = {
    "topics": dict(Need.choices),
    "sectors": dict(Sector.choices),
    "languages": dict(SPOKEN_LANGUAGES),
    "regions": dict(REGIONS),
    "formats": dict(Format.choices),
}


@register.filter
def labels(codes, vocabulary):
    """Codes kept in a JSON list, shown by their translated labels: "French, Wolof"."""
    names = _VOCABULARIES[vocabulary]
    return ", ".join(str(names.get(code, code)) for code in codes or [])
