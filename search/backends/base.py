"""What every search backend does, and what it answers.

A backend stores documents (see search.documents) and answers queries. Text reaches it
already folded where it matters: `Query.terms` are folded words (search.normalise), and a
backend indexes `fold(title)`, `fold(" ".join(tags))` and `fold(body)` next to the
original text, so every engine agrees on accents and Arabic spelling whatever its own
analysers do.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    text: str  # as typed
    terms: tuple  # folded words (search.normalise.terms)
    types: tuple = ()  # empty: every type
    filters: dict = field(default_factory=dict)  # facet name -> tuple of accepted values
    facets: tuple = ()  # facet names to count
    sort: str = "relevance"  # "relevance" | "date" | "title"
    page: int = 1
    per_page: int = 20
    language: str = "fr"  # the reader's: their locale's documents rank first
    now: str = ""  # ISO datetime: documents whose expires_at is before it are left out


@dataclass
class Hit:
    type: str
    id: str
    title: str
    url: str
    locale: str
    score: float
    document: dict  # the stored document (title, tags, body, card, facets...)
    highlights: dict = field(
        default_factory=dict
    )  # field -> HTML with <mark>, if the engine gives it


@dataclass
class Results:
    hits: list
    total: int
    facets: (
        dict  # facet name -> [(value, count)], counts exact for the query and the *other* filters
    )
    suggestions: list = field(default_factory=list)  # "did you mean" phrases, best first
    backend: str = ""


class SearchBackend:
    name = "base"

    def index(self, documents):
        """Add or replace documents (a list of dicts)."""
        raise NotImplementedError

    def delete(self, type_, ids):
        """Remove documents of a type by id; ids not in the index are ignored."""
        raise NotImplementedError

    def search(self, query):
        """A Results for a Query."""
        raise NotImplementedError

    def suggest(self, prefix, *, types=(), language="fr", limit=8):
        """Autocomplete: up to `limit` (title, type, url) for a folded prefix of 2+ characters,
        matched on names and tags."""
        raise NotImplementedError

    def ids(self, type_):
        """Every id of a type in the index (for search_index --check)."""
        raise NotImplementedError

    def rebuild(self, documents_by_type, progress=None):
        """Replace the whole index with these documents ({type: iterable of documents}).

        `progress(type_, done)` is called as documents are written. A backend that can do it
        builds the new index beside the old one and swaps, so searches keep working.
        """
        raise NotImplementedError

    def clear(self):
        """Empty the index (tests)."""
        raise NotImplementedError


class BackendUnavailable(Exception):
    """The engine did not answer or answered with an error."""
