"""The one search service: views, the API and autocomplete call only this module.

Backends: the database backend always holds the index (it is the embedded default and the
fallback); when ELASTICSEARCH_URL is set, Elasticsearch holds it too and answers searches.
If Elasticsearch fails, the search is answered from the database and a warning is logged;
index writes it missed are kept in PendingUpdate and retried (`search_index --retry`, run by
the scheduler).
"""

import logging
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from search import labels
from search.backends.base import BackendUnavailable, Query
from search.backends.database import DatabaseBackend
from search.documents import FACETS, SOURCES, TYPES, all_documents, documents_for
from search.highlight import highlight, snippet
from search.models import PendingUpdate
from search.normalise import terms as folded_terms

logger = logging.getLogger(__name__)

PER_PAGE = 20
MAX_PAGE = 500
DEFAULT_FACETS = ("type", "sector", "region", "language", "topic", "format", "status", "kind")


@cache
def database_backend():
    return DatabaseBackend()


@cache
def elasticsearch_backend():
    if not settings.ELASTICSEARCH_URL:
        return None
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(settings.ELASTICSEARCH_URL, prefix=settings.SEARCH_INDEX_PREFIX)


def backends():
    """The backends that hold the index: the database always, Elasticsearch if configured."""
    return [b for b in (database_backend(), elasticsearch_backend()) if b is not None]


@dataclass
class SearchPage:
    query: str
    hits: list  # dicts for result cards
    total: int
    page: int
    pages: int
    facets: dict  # name -> [{"value", "label", "count", "selected"}]
    suggestions: list
    backend: str
    filters: dict = field(default_factory=dict)


def _clean(types, filters, facets, sort, page):
    types = tuple(t for t in (types or ()) if t in TYPES)
    filters = {
        name: tuple(str(v)[:100] for v in values if v)
        for name, values in (filters or {}).items()
        if name in FACETS and values
    }
    facets = tuple(f for f in (facets if facets is not None else DEFAULT_FACETS) if f in FACETS)
    sort = sort if sort in ("relevance", "date", "title") else "relevance"
    try:
        page = min(max(int(page), 1), MAX_PAGE)
    except (TypeError, ValueError):
        page = 1
    return types, filters, facets, sort, page


def search(
    query,
    *,
    types=(),
    filters=None,
    facets=None,
    sort="relevance",
    page=1,
    user=None,
    language=None,
    per_page=PER_PAGE,
):
    """Search the public index. Everything indexed is public, so `user` only matters to
    callers that log; every visitor gets the same answers for the same query."""
    types, filters, facets, sort, page = _clean(types, filters, facets, sort, page)
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    text = (query or "").strip()[:200]
    request = Query(
        text=text,
        terms=tuple(folded_terms(text))[:10],
        types=types,
        filters=filters,
        facets=facets,
        sort=sort,
        page=page,
        per_page=per_page,
        language=language,
        now=timezone.now().isoformat(),
    )
    results = _answer(request)
    return SearchPage(
        query=text,
        hits=[_card(hit, request.terms, language) for hit in results.hits],
        total=results.total,
        page=page,
        pages=max(1, -(-results.total // per_page)),
        facets={
            name: [
                {
                    "value": value,
                    "label": labels.label(name, value),
                    "count": count,
                    "selected": value in filters.get(name, ()),
                }
                for value, count in counts
            ]
            for name, counts in results.facets.items()
        },
        suggestions=results.suggestions,
        backend=results.backend,
        filters=filters,
    )


def _answer(request):
    primary = elasticsearch_backend()
    if primary is not None:
        try:
            return primary.search(request)
        except BackendUnavailable as error:
            logger.warning("Elasticsearch failed, answering from the database: %s", error)
    return database_backend().search(request)


def _in_language(url, type_, language):
    """Pages keep their own locale's address; other objects are shown in the reader's."""
    codes = {code for code, _name in settings.LANGUAGES}
    parts = url.split("/", 2)
    if type_ != "page" and len(parts) == 3 and parts[1] in codes:
        return f"/{language}/{parts[2]}"
    return url


def _card(hit, terms, language):
    document = hit.document
    body = document.get("body", "")
    return {
        "type": hit.type,
        "type_label": labels.label("type", hit.type),
        "id": hit.id,
        "title": hit.title,
        "title_html": highlight(hit.title, terms),
        "snippet_html": snippet(body, terms),
        "url": _in_language(hit.url, hit.type, language),
        "locale": hit.locale,
        "card": document.get("card", {}),
        "date": document.get("date"),
    }


def suggest(prefix, *, types=(), language=None, limit=8):
    """Autocomplete from 2 characters: names and tags."""
    prefix = (prefix or "").strip()[:100]
    if len(prefix) < 2:
        return []
    types = tuple(t for t in (types or ()) if t in TYPES)
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    found = None
    primary = elasticsearch_backend()
    if primary is not None:
        try:
            found = primary.suggest(prefix, types=types, language=language, limit=limit)
        except BackendUnavailable as error:
            logger.warning("Elasticsearch failed, suggesting from the database: %s", error)
    if found is None:
        found = database_backend().suggest(prefix, types=types, language=language, limit=limit)
    return [
        {
            "title": item["title"],
            "type": item["type"],
            "type_label": labels.label("type", item["type"]),
            "url": _in_language(item["url"], item["type"], language),
        }
        for item in found
    ]


# --- Keeping the index ----------------------------------------------------------------------


def reindex(type_, ids):
    """Index what of these objects is public now and remove the rest, in every backend."""
    documents, gone = documents_for(type_, ids)
    database_backend().index(documents)
    database_backend().delete(type_, gone)
    primary = elasticsearch_backend()
    if primary is None:
        return
    try:
        primary.index(documents)
        primary.delete(type_, gone)
    except BackendUnavailable as error:
        logger.warning("Elasticsearch missed an update of %s %s: %s", type_, ids, error)
        for key in ids:
            pending, _created = PendingUpdate.objects.get_or_create(type=type_, key=str(key))
            pending.attempts += 1
            pending.last_error = str(error)[:1000]
            pending.save(update_fields=["attempts", "last_error"])
    else:
        PendingUpdate.objects.filter(type=type_, key__in=[str(k) for k in ids]).delete()


def retry_pending():
    """Send Elasticsearch the updates it missed; returns how many are still pending."""
    primary = elasticsearch_backend()
    if primary is None:
        PendingUpdate.objects.all().delete()
        return 0
    by_type = {}
    for type_, key in PendingUpdate.objects.values_list("type", "key"):
        by_type.setdefault(type_, []).append(key)
    for type_, keys in by_type.items():
        reindex(type_, keys)
    return PendingUpdate.objects.count()


def public_ids(type_):
    return {str(pk) for pk in SOURCES[type_].public().values_list("pk", flat=True)}


def check():
    """Per backend and type: (count in the database, count in the index, missing, extra)."""
    report = {}
    for backend in backends():
        for type_ in TYPES:
            expected = public_ids(type_)
            try:
                found = backend.ids(type_)
            except BackendUnavailable as error:
                report[(backend.name, type_)] = {"error": str(error)}
                continue
            report[(backend.name, type_)] = {
                "database": len(expected),
                "index": len(found),
                "missing": sorted(expected - found),
                "extra": sorted(found - expected),
            }
    return report


def rebuild(progress=None, types=TYPES):
    """Rebuild every backend's index, then re-index what changed while it was rebuilt."""
    for backend in backends():
        backend.rebuild({type_: all_documents(type_) for type_ in types}, progress=progress)
        # Writes made during the rebuild reached the old and the new index; deletions may
        # have been undone by the bulk load: reconcile ids with what is public now.
        for type_ in types:
            extra = backend.ids(type_) - public_ids(type_)
            if extra:
                backend.delete(type_, sorted(extra))
