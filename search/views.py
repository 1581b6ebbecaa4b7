"""The search page (works without JavaScript: facets are links) and autocomplete."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search import labels, service
from search.documents import FACETS, TYPES


def _filters(request):
    return {name: request.GET.getlist(name) for name in FACETS if name != "type"}


@require_GET
def search_page(request):
    query = request.GET.get("q", "")
    type_ = request.GET.get("type", "")
    filters = _filters(request)
    if type_ in TYPES:
        # A filter, not a restriction: the other tabs keep their counts.
        filters["type"] = [type_]
    results = service.search(
        query,
        filters=filters,
        sort=request.GET.get("sort", "relevance"),
        page=request.GET.get("page", 1),
        user=request.user,
    )
    facets = [
        (name, labels.facet_label(name), values)
        for name, values in results.facets.items()
        if name != "type" and values
    ]
    type_counts = {item["value"]: item["count"] for item in results.facets.get("type", [])}
    tabs = [("", labels.label("type", "") or "", sum(type_counts.values()))] + [
        (value, labels.label("type", value), type_counts.get(value, 0)) for value in TYPES
    ]
    return render(
        request,
        "search/search.html",
        {
            "results": results,
            "query": query,
            "current_type": type_ if type_ in TYPES else "",
            "tabs": tabs,
            "facets": facets,
        },
    )


@require_GET
def autocomplete(request):
    return JsonResponse({"suggestions": service.suggest(request.GET.get("q", ""))})
