from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_filter(context, name, value):
    """The current search's address with one facet value added or removed (page reset)."""
    query = context["request"].GET.copy()
    values = query.getlist(name)
    query.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    query.pop("page", None)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def with_type(context, value):
    query = context["request"].GET.copy()
    query.pop("page", None)
    if value:
        query["type"] = value
    else:
        query.pop("type", None)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def with_query(context, text):
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["q"] = text
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def with_page(context, number):
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
