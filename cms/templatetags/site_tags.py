import re

from django import forms, template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import normalize_newlines
from wagtail.models import Locale, Page, Site

from config import bidi

register = template.Library()


def _locale_home(request):
    """The home page in the active language; looked up once per request (header, menu and
    language switcher all need it)."""
    language = translation.get_language()
    cached = getattr(request, "_locale_home", None)
    if cached is not None and cached[0] == language:
        return cached[1]
    site = Site.find_for_request(request)
    home = site.root_page.localized if site is not None else None
    request._locale_home = (language, home)
    return home


@register.simple_tag(takes_context=True)
def locale_home(context):
    return _locale_home(context["request"])


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    home = _locale_home(request)
    pages = home.get_children().live().public().in_menu() if home else []
    current = context.get("page")
    current_path = current.path if isinstance(current, Page) else ""
    return {
        "items": [(page, current_path.startswith(page.path)) for page in pages],
        "request": request,
    }


@register.simple_tag(takes_context=True)
def menu_section(context):
    """What decides which main-menu item is current — the page's branch under its home page, or
    one of the apps' listings — so that the cached menu varies by it and not by every address."""
    page = context.get("page")
    if isinstance(page, Page) and page.path:
        return page.path[: Page.steplen * 3]
    path = context["request"].path
    for name in (
        "marketplace:directory",
        "marketplace:opportunity_list",
        "marketplace:institution_list",
    ):
        if path == reverse(name):
            return path
    return ""


@register.simple_tag(takes_context=True)
def language_links(context):
    """A link to the same content in each language.

    On a page: its translation where one is live, otherwise that language's home page. Elsewhere
    (accounts, errors): the same address under the other language prefix.
    """
    request = context["request"]
    page = context.get("page")
    current = translation.get_language()
    links = []
    translations = {}
    homes = {}
    if isinstance(page, Page) and page.pk:
        translations = {
            p.locale.language_code: p
            for p in page.get_translations(inclusive=True).live().select_related("locale")
        }
        home = _locale_home(request)
        if home is not None:
            homes = {
                p.locale.language_code: p
                for p in home.get_translations(inclusive=True).live().select_related("locale")
            }
    for code, name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        if target is not None:
            url = target.get_url(request)
        else:
            url = translate_url(request.path, code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "exact": bool(translations.get(code)) or not translations,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def hreflang_alternates(context):
    """The page's live translations, for <link rel="alternate" hreflang>."""
    page = context.get("page")
    if not isinstance(page, Page) or not page.pk:
        return []
    request = context["request"]
    return [
        {"code": p.locale.language_code, "url": p.get_full_url(request)}
        for p in page.get_translations(inclusive=True).live().select_related("locale")
    ]


@register.filter
def text_direction(language_code):
    return "rtl" if translation.get_language_info(language_code)["bidi"] else "ltr"


@register.simple_tag
def active_locale():
    return Locale.get_active()


# --- user text in the site's pages, e-mails and admin screens (see config/bidi.py) ----------


@register.filter(is_safe=True)
def bdi(value):
    """User text inline in HTML: `{{ business.name|bdi }}`, escaped and in a <bdi>."""
    return bidi.isolate_html(value)


@register.filter
def isolate(value):
    """User text where HTML cannot isolate it: e-mails, <title>, attribute values
    (`{{ business.name|isolate }}`), between FIRST STRONG ISOLATE and POP DIRECTIONAL
    ISOLATE. Escaped by the template as any other text."""
    return bidi.isolate(value)


# Boxes where people type text: they take their direction from what is typed in them.
_TEXT_INPUT_TYPES = {"text", "search", "email", "url", "tel"}


@register.filter
def with_auto_direction(field):
    """A form field rendered with dir="auto" when it is a box for text (unless its widget sets
    a direction): an Arabic name typed on the French site reads right to left, and a value
    already saved shows in a box of its own direction, apart from the page around it."""
    widget = field.field.widget
    if isinstance(widget, forms.Textarea) or (
        isinstance(widget, forms.widgets.Input) and widget.input_type in _TEXT_INPUT_TYPES
    ):
        return field.as_widget(attrs={"dir": widget.attrs.get("dir", "auto")})
    return field


@register.filter(is_safe=True)
def paragraphs(value):
    """Long user text as paragraphs, as `linebreaks` makes them, each with dir="auto" so that
    an Arabic paragraph reads right to left beside a French one and none leaks into the
    next."""
    if value is None or value == "":
        return ""
    text = normalize_newlines(bidi.balanced(str(value)))
    if not isinstance(value, SafeData):
        text = escape(text)
    blocks = [block.replace("\n", "<br>") for block in re.split("\n{2,}", text)]
    # Escaped above, or safe already.
    return mark_safe("\n\n".join(f'<p dir="auto">{block}</p>' for block in blocks))  # noqa: S308
