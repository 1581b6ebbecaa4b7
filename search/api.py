"""GET /api/v1/search and /api/v1/search/suggest: the search service as JSON."""

from ninja import Field, Query, Router, Schema

from search import service
from search.documents import FACETS, TYPES

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str = Field("", max_length=200, description="the words typed")
    type: list[str] = Field([], description=f"any of: {', '.join(TYPES)}")
    sector: list[str] = []
    region: list[str] = []
    city: list[str] = []
    language: list[str] = []
    stage: list[str] = []
    legal_form: list[str] = []
    tag: list[str] = []
    topic: list[str] = []
    format: list[str] = []
    status: list[str] = []
    kind: list[str] = []
    sort: str = Field("relevance", pattern="^(relevance|date|title)$")
    page: int = Field(1, ge=1, le=service.MAX_PAGE)
    lang: str | None = Field(None, pattern="^(fr|ar|en)$", description="the reader's language")


class HitOut(Schema):
    type: str
    id: str
    title: str
    title_html: str
    snippet_html: str
    url: str
    locale: str
    card: dict


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    query: str
    total: int
    page: int
    pages: int
    hits: list[HitOut]
    facets: dict[str, list[FacetValueOut]]
    suggestions: list[str]


class SearchSuggestionOut(Schema):
    title: str
    type: str
    type_label: str
    url: str


@router.get("", response=SearchOut, auth=None)
def search(request, params: Query[SearchIn]):
    """Public businesses, offers, mentors, institutions, opportunities and pages. Filters on
    facets (OR within one, AND across them); facet counts are for the other filters."""
    filters = {name: getattr(params, name) for name in FACETS}
    page = service.search(
        params.q,
        filters=filters,
        sort=params.sort,
        page=params.page,
        user=request.user,
        language=params.lang,
    )
    return {
        "query": page.query,
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
        "hits": [
            {**hit, "title_html": str(hit["title_html"]), "snippet_html": str(hit["snippet_html"])}
            for hit in page.hits
        ],
        "facets": page.facets,
        "suggestions": page.suggestions,
    }


@router.get("/suggest", response=list[SearchSuggestionOut], auth=None)
def suggest(
    request,
    q: str = Query(..., max_length=100),
    lang: str | None = Query(None, pattern="^(fr|ar|en)$"),
):
    """Autocomplete: names and tags, from 2 characters."""
    return service.suggest(q, language=lang)
