"""The production backend: Elasticsearch 8 through elasticsearch-dsl (`elasticsearch.dsl`).

Layout: one index per document type, `<prefix>-<type>-<timestamp>`, reached through the
alias `<prefix>-<type>`; readers and writers only ever name the alias. A rebuild creates a
new timestamped index, marks it with a second alias `<prefix>-<type>-building` (writers
see it and write there too), loads it, then moves the alias in one `update_aliases` call
and deletes the old index: searches keep working throughout.

Text: `title`, `tags` and `body` keep the original text under language analysers (French,
with English and normalised Arabic sub-fields), but queries match mainly on `title_folded`,
`tags_folded` and `body_folded`, filled with `search.normalise.fold` of the originals, so
that this engine agrees with the database backend whatever its analysers do (an emulator
ignores some of them). Each word must match somewhere, with fuzziness AUTO; the last word
also matches as a prefix ("boulangeri" finds "boulangerie").

Facets: each facet of search.documents.FACETS is a keyword field `f_<name>` ("type" is the
document type). Filters are applied to the hits as a `post_filter`; each counted facet has
an aggregation filtered by every filter but its own, so counts are exact for the query and
the *other* filters.

Errors: every transport, connection or API error becomes `BackendUnavailable` (cause
chained), so that the service can fall back to the database backend.
"""

import html
import re
from contextlib import contextmanager, suppress
from datetime import UTC, datetime

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl import (
    Completion,
    Date,
    Document,
    Index,
    Keyword,
    MetaField,
    Object,
    Q,
    Search,
    Text,
    analyzer,
    char_filter,
    token_filter,
)
from elasticsearch.helpers import ScanError, scan

from search.backends.base import BackendUnavailable, Hit, Results, SearchBackend
from search.documents import FACETS, TYPES
from search.normalise import fold, fold_with_map

TIMEOUT = 2.0  # seconds, for reads: a dead server must fail fast
WRITE_TIMEOUT = 5.0  # index(), delete() and alias look-ups
REBUILD_TIMEOUT = 60.0  # a rebuild's bulk loads, index creation and refresh
CHUNK = 500  # documents per bulk request in a rebuild
FACET_SIZE = 1000  # facet values counted per facet (counts are exact below that)
GROUP_SIZE = 10000  # translation groups considered per search
MAX_WINDOW = 10000  # Elasticsearch's index.max_result_window
FIELDS = ("title_folded^3", "tags_folded^2", "body_folded")
MARK, UNMARK = "<mark>", "</mark>"
LOCALE_BOOST = 2.0
EXACT_BOOST = 2.0

# --- mapping --------------------------------------------------------------------------------

_elision = token_filter(
    "french_elision",
    "elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
_french_stemmer = token_filter("french_stemmer", "stemmer", language="light_french")
_english_possessive = token_filter("english_possessive", "stemmer", language="possessive_english")
_english_stemmer = token_filter("english_stemmer", "stemmer", language="english")
_arabic_chars = char_filter(
    "arabic_chars",
    "mapping",
    mappings=[
        "\u0623 => \u0627",  # alef with hamza above -> alef
        "\u0625 => \u0627",  # alef with hamza below -> alef
        "\u0622 => \u0627",  # alef with madda -> alef
        "\u0671 => \u0627",  # alef wasla -> alef
        "\u0629 => \u0647",  # taa marbuta -> haa
        "\u0649 => \u064a",  # alef maqsura -> yaa
        "\u0640 => ",  # tatweel
    ],
)

french = analyzer(
    "french_folded",
    tokenizer="standard",
    filter=[_elision, "lowercase", "asciifolding", _french_stemmer],
)
english = analyzer(
    "english_folded",
    tokenizer="standard",
    filter=[_english_possessive, "lowercase", "asciifolding", _english_stemmer],
)
arabic_normalised = analyzer(
    "arabic_normalised",
    tokenizer="standard",
    char_filter=[_arabic_chars],
    filter=["lowercase", "decimal_digit", "arabic_normalization"],
)
folded = analyzer("folded", tokenizer="standard", filter=["lowercase", "asciifolding"])


def _language_text(**fields):
    return Text(
        analyzer=french,
        fields={
            "en": Text(analyzer=english),
            "ar": Text(analyzer=arabic_normalised),
            **fields,
        },
    )


class _Meta:
    # Keys of the document that are not mapped are kept in _source but not indexed.
    dynamic = MetaField(False)


#: The mapping of every per-type index. The original document's keys are stored as they
#: are; the derived fields (DERIVED) are added for matching, faceting and completion.
SearchDocument = type(
    "SearchDocument",
    (Document,),
    {
        "__doc__": "A search document as Elasticsearch stores it.",
        "__module__": __name__,
        "Meta": _Meta,
        "type": Keyword(),
        "id": Keyword(),
        "locale": Keyword(),
        "group": Keyword(),
        "url": Keyword(),
        "title": _language_text(keyword=Keyword(ignore_above=256)),
        "tags": _language_text(),
        "body": _language_text(),
        "title_folded": Text(analyzer=folded, fields={"sort": Keyword(ignore_above=1000)}),
        "tags_folded": Text(analyzer=folded),
        "body_folded": Text(analyzer=folded),
        "date": Date(),
        "expires_at": Date(),
        "facets": Object(enabled=False),
        "card": Object(enabled=False),
        "suggest": Completion(analyzer=folded),
        **{f"f_{name}": Keyword(multi=True) for name in FACETS},
    },
)

DERIVED = frozenset(
    {"title_folded", "tags_folded", "body_folded", "suggest"} | {f"f_{name}" for name in FACETS}
)


def _source(document):
    """The stored form of a document: the document itself plus the derived fields."""
    type_ = document["type"]
    title = fold(document.get("title") or "")
    tags = [fold(tag) for tag in document.get("tags") or [] if tag]
    facets = document.get("facets") or {}
    words = [word for word in title.split() if len(word) > 1]
    source = {
        **document,
        "title_folded": title,
        "tags_folded": fold(" ".join(document.get("tags") or [])),
        "body_folded": fold(document.get("body") or ""),
        # Whole title first, then its words, then tags: title prefixes rank first.
        "suggest": [
            entry
            for entry in (
                {"input": [title], "weight": 3} if title else None,
                {"input": list(dict.fromkeys(words)), "weight": 2} if words else None,
                {"input": list(dict.fromkeys(tags)), "weight": 1} if tags else None,
            )
            if entry
        ],
    }
    for name in FACETS:
        values = [type_] if name == "type" else facets.get(name) or []
        source[f"f_{name}"] = [str(value) for value in values if value not in (None, "")]
    return source


def _document(source):
    """The document as it was given to index(), from its stored form."""
    return {key: value for key, value in source.items() if key not in DERIVED}


# --- errors ---------------------------------------------------------------------------------


@contextmanager
def _unavailable():
    try:
        yield
    except BackendUnavailable:
        raise
    except (ApiError, TransportError, ScanError) as error:
        raise BackendUnavailable(f"elasticsearch: {error}") from error


def _timestamp():
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url, *, prefix="tremplin", client=None, refresh="wait_for"):
        """`client`: an `elasticsearch.Elasticsearch` to use as it is instead of one built
        from `url` (which gets short timeouts and a single retry). `refresh`: passed to
        index() and delete() writes ("wait_for": they return once searchable)."""
        self.url = url
        self.prefix = prefix
        self.refresh = refresh
        self.client = client or Elasticsearch(
            url, request_timeout=TIMEOUT, max_retries=1, retry_on_timeout=True
        )
        self._writer = self.client.options(request_timeout=WRITE_TIMEOUT)
        self._loader = self.client.options(request_timeout=REBUILD_TIMEOUT)
        self._pattern = re.compile(rf"^{re.escape(prefix)}-([a-z_]+)-(\d+)$")

    # --- names ------------------------------------------------------------------------------

    def alias(self, type_):
        """The alias searched and written: `<prefix>-<type>`."""
        return f"{self.prefix}-{type_}"

    def building_alias(self, type_):
        """The alias of an index being rebuilt: `<prefix>-<type>-building`."""
        return f"{self.prefix}-{type_}-building"

    def _new_index_name(self, type_):
        return f"{self.prefix}-{type_}-{_timestamp()}"

    def _aliases(self, types):
        wanted = [type_ for type_ in types if type_ in TYPES] if types else list(TYPES)
        return [self.alias(type_) for type_ in wanted]

    def layout(self, types=TYPES):
        """{type: {"live": [indices behind the alias], "building": [indices being built],
        "indices": [every index of the type]}}, read from the cluster."""
        patterns = ",".join(f"{self.prefix}-{type_}-*" for type_ in types)
        with _unavailable():
            found = self._writer.indices.get_alias(
                index=patterns, ignore_unavailable=True, allow_no_indices=True
            ).body
        layout = {type_: {"live": [], "building": [], "indices": []} for type_ in types}
        for index, info in sorted(found.items()):
            match = self._pattern.match(index)
            if not match or match.group(1) not in layout:
                continue
            type_ = match.group(1)
            aliases = info.get("aliases") or {}
            layout[type_]["indices"].append(index)
            if self.alias(type_) in aliases:
                layout[type_]["live"].append(index)
            if self.building_alias(type_) in aliases:
                layout[type_]["building"].append(index)
        return layout

    def _create_index(self, type_, aliases):
        name = self._new_index_name(type_)
        index = Index(name, using=self._loader)
        index.settings(number_of_shards=1)
        index.mapping(SearchDocument._doc_type.mapping)
        index.aliases(**{alias: {} for alias in aliases})
        with _unavailable():
            index.create()
        return name

    def _live(self, types):
        """The layout of these types, creating the index of a type that has none yet."""
        layout = self.layout(types)
        for type_, state in layout.items():
            if not state["live"]:
                # Two processes doing this at once for a new type would leave the alias on
                # two indices; a rebuild (the normal way to start) puts it right.
                state["live"].append(self._create_index(type_, [self.alias(type_)]))
        return layout

    # --- writing ----------------------------------------------------------------------------

    def _bulk(self, operations, *, refresh=False, require_alias=False, ignore=(), client=None):
        """Send bulk operations; `ignore`: (action, status) pairs that are not errors.
        A write to a building alias that has just gone (the rebuild finished) is ignored."""
        if not operations:
            return
        with _unavailable():
            response = (
                (client or self._writer)
                .bulk(operations=operations, refresh=refresh, require_alias=require_alias)
                .body
            )
        if not response.get("errors"):
            return
        failures = []
        for item in response["items"]:
            ((action, result),) = item.items()
            status = result.get("status", 500)
            if 200 <= status < 300 or (action, status) in ignore:
                continue
            error = result.get("error") or {}
            if status == 404 and str(result.get("_index", "")).endswith("-building"):
                continue
            failures.append(f"{action} {result.get('_id')}: {status} {error}")
        if failures:
            raise BackendUnavailable(
                f"elasticsearch: {len(failures)} bulk failures, first: {failures[0]}"
            )

    def index(self, documents):
        """Add or replace documents, through each type's alias, and also into the index
        being built when a rebuild of that type is running."""
        documents = list(documents)
        if not documents:
            return
        for document in documents:
            if document.get("type") not in TYPES:
                raise ValueError(f"unknown document type: {document.get('type')!r}")
        layout = self._live(sorted({document["type"] for document in documents}))
        operations = []
        for document in documents:
            type_, source = document["type"], _source(document)
            targets = [self.alias(type_)]
            if layout[type_]["building"]:
                targets.append(self.building_alias(type_))
            for target in targets:
                operations += [{"index": {"_index": target, "_id": str(document["id"])}}, source]
        self._bulk(operations, refresh=self.refresh, require_alias=True)

    def delete(self, type_, ids):
        """Remove documents by id (unknown ids are ignored), from the alias and from an index
        being built."""
        ids = [str(pk) for pk in ids]
        if not ids or type_ not in TYPES:
            return
        state = self.layout([type_])[type_]
        targets = ([self.alias(type_)] if state["live"] else []) + (
            [self.building_alias(type_)] if state["building"] else []
        )
        operations = [{"delete": {"_index": target, "_id": pk}} for target in targets for pk in ids]
        self._bulk(operations, refresh=self.refresh, ignore={("delete", 404)})

    def rebuild(self, documents_by_type, progress=None):
        """Rebuild each type into a new index beside the live one, then swap the alias.

        For each type: create `<prefix>-<type>-<timestamp>` with the alias
        `<prefix>-<type>-building`, so that index() and delete() calls made meanwhile (by
        any process) write to it as well as to the live index; bulk-load the documents with
        `op_type=create`, so that a document written by such a concurrent index() call (newer
        than the one read for the rebuild) is not overwritten; call `progress(type_, done)`
        after each chunk; then, in one `update_aliases` call, move `<prefix>-<type>` to the
        new index and drop the building alias, and delete the old index.

        Pass lazy iterables (search.documents.all_documents): the new index exists before
        the first document is read, so a write committed before a document is read either
        shows in what is read or reaches the new index through the building alias.

        Deletions made during the rebuild are NOT replayed: a document deleted after it was
        read for the rebuild is written back. The caller reconciles afterwards (compare ids()
        with the database and delete the extra ones).
        """
        for type_, documents in documents_by_type.items():
            if type_ not in TYPES:
                raise ValueError(f"unknown document type: {type_!r}")
            self._rebuild_type(type_, documents, progress)

    def _rebuild_type(self, type_, documents, progress):
        state = self.layout([type_])[type_]
        # Left by a rebuild that died (one rebuild at a time): not live, so not needed.
        self._delete_indices([name for name in state["building"] if name not in state["live"]])
        new = self._create_index(type_, [self.building_alias(type_)])
        try:
            done = 0
            batch = []
            for document in documents:
                batch.append(document)
                if len(batch) == CHUNK:
                    done += self._load(new, batch)
                    batch = []
                    if progress:
                        progress(type_, done)
            done += self._load(new, batch)
            if progress:
                progress(type_, done)
            with _unavailable():
                self._loader.indices.refresh(index=new)
            old = self.layout([type_])[type_]["live"]
            actions = [{"remove": {"index": name, "alias": self.alias(type_)}} for name in old]
            actions += [
                {"add": {"index": new, "alias": self.alias(type_)}},
                {"remove": {"index": new, "alias": self.building_alias(type_)}},
            ]
            with _unavailable():
                self._writer.indices.update_aliases(actions=actions)
        except BaseException:
            with suppress(BackendUnavailable):  # the original error matters more
                self._delete_indices([new])
            raise
        self._delete_indices([name for name in old if name != new])

    def _load(self, index, documents):
        operations = []
        for document in documents:
            operations += [
                {"create": {"_index": index, "_id": str(document["id"])}},
                _source(document),
            ]
        self._bulk(operations, ignore={("create", 409)}, client=self._loader)
        return len(documents)

    def _delete_indices(self, names):
        for start in range(0, len(names), 50):
            with _unavailable():
                self._writer.indices.delete(
                    index=",".join(names[start : start + 50]), ignore_unavailable=True
                )

    def clear(self):
        """Delete every index of this prefix (`<prefix>-<type>-*`) and so their aliases."""
        layout = self.layout()
        self._delete_indices([name for state in layout.values() for name in state["indices"]])

    def ids(self, type_):
        if type_ not in TYPES:
            return set()
        with _unavailable():
            return {
                hit["_id"]
                for hit in scan(
                    self.client,
                    index=self.alias(type_),
                    query={"query": {"match_all": {}}},
                    _source=False,
                    size=1000,
                    scroll="2m",
                    ignore_unavailable=True,
                )
            }

    # --- reading ----------------------------------------------------------------------------

    def _text_query(self, terms):
        """Every word matches in some field (fuzzily, exact matches scoring more); the last
        word also matches as a prefix."""
        clauses = []
        for position, term in enumerate(terms):
            options = [
                Q("multi_match", query=term, fields=list(FIELDS), boost=EXACT_BOOST),
                Q("multi_match", query=term, fields=list(FIELDS), fuzziness="AUTO"),
            ]
            if position == len(terms) - 1 and len(term) >= 2:
                options.append(
                    Q("multi_match", query=term, fields=list(FIELDS), type="phrase_prefix")
                )
            clauses.append(Q("bool", should=options, minimum_should_match=1))
        return clauses

    def _hidden_groups(self, language):
        """Translation groups that have a document in the reader's language: their other
        translations are left out (as the database backend does)."""
        if not language:
            return []
        s = (
            Search(using=self.client, index=self._aliases(()))
            .params(ignore_unavailable=True)
            .filter("term", locale=language)
            .filter("exists", field="group")
            .extra(size=0, track_total_hits=False)
        )
        s.aggs.bucket("groups", "terms", field="group", size=GROUP_SIZE)
        response = s.execute().to_dict()
        buckets = response.get("aggregations", {}).get("groups", {}).get("buckets", [])
        return [bucket["key"] for bucket in buckets if bucket["key"]]

    def _filter_clauses(self, query, skip=None):
        return [
            Q("terms", **{f"f_{name}": [str(value) for value in values]})
            for name, values in query.filters.items()
            if values and name != skip
        ]

    def _build(self, query, terms, indices, hidden_groups):
        must = self._text_query(terms) if terms else [Q("match_all")]
        should = []
        if query.language:
            should.append(Q("term", locale={"value": query.language, "boost": LOCALE_BOOST}))
        filters = []
        if query.now:
            filters.append(
                Q(
                    "bool",
                    should=[
                        Q("bool", must_not=[Q("exists", field="expires_at")]),
                        Q("range", expires_at={"gt": query.now}),
                    ],
                    minimum_should_match=1,
                )
            )
        must_not = []
        if hidden_groups:
            must_not.append(
                Q(
                    "bool",
                    filter=[Q("terms", group=hidden_groups)],
                    must_not=[Q("term", locale=query.language)],
                )
            )
        s = Search(using=self.client, index=indices).params(ignore_unavailable=True)
        s = s.query(
            Q(
                "bool",
                must=must,
                should=should,
                filter=filters,
                must_not=must_not,
                minimum_should_match=0,
            )
        )
        post = self._filter_clauses(query)
        if post:
            s = s.post_filter(Q("bool", filter=post))
        for name in query.facets:
            others = self._filter_clauses(query, skip=name)
            s.aggs.bucket(
                f"facet_{name}", "filter", filter=Q("bool", filter=others or [Q("match_all")])
            ).bucket("values", "terms", field=f"f_{name}", size=FACET_SIZE, min_doc_count=1)
        if query.sort == "date":
            s = s.sort({"date": {"order": "desc", "missing": "_last"}}, "title_folded.sort", "id")
        elif query.sort == "title" or not terms:
            s = s.sort("title_folded.sort", "id")
        else:
            s = s.sort("_score", "title_folded.sort", "id")
        if terms:
            s = s.highlight_options(pre_tags=[MARK], post_tags=[UNMARK])
            s = s.highlight("title_folded", number_of_fragments=0)
            s = s.highlight("body_folded", fragment_size=150, number_of_fragments=2)
        start = max(query.page - 1, 0) * query.per_page
        size = max(min(query.per_page, MAX_WINDOW - start), 0)
        return s.extra(from_=min(start, MAX_WINDOW), size=size).extra(
            track_total_hits=True, track_scores=True
        )

    def _run(self, query, terms, indices, hidden_groups):
        response = self._build(query, terms, indices, hidden_groups).execute().to_dict()
        hits = []
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            document = _document(source)
            highlights = {}
            for field, original in (("title", "title"), ("body", "body")):
                fragments = (hit.get("highlight") or {}).get(f"{field}_folded")
                if fragments:
                    text = _unfold_highlight(document.get(original) or "", fragments)
                    if text:
                        highlights[field] = text
            hits.append(
                Hit(
                    type=source["type"],
                    id=str(source["id"]),
                    title=source.get("title", ""),
                    url=source.get("url", ""),
                    locale=source.get("locale") or "",
                    score=float(hit.get("_score") or 0.0),
                    document=document,
                    highlights=highlights,
                )
            )
        facets = {}
        aggregations = response.get("aggregations", {})
        for name in query.facets:
            buckets = aggregations.get(f"facet_{name}", {}).get("values", {}).get("buckets", [])
            facets[name] = sorted(
                ((bucket["key"], bucket["doc_count"]) for bucket in buckets),
                key=lambda pair: (-pair[1], pair[0]),
            )
        return Results(
            hits=hits,
            total=response["hits"]["total"]["value"],
            facets=facets,
            backend=self.name,
        )

    def search(self, query):
        indices = self._aliases(query.types)
        if not indices:
            return Results(
                hits=[], total=0, facets={n: [] for n in query.facets}, backend=self.name
            )
        terms = list(query.terms)
        with _unavailable():
            hidden_groups = self._hidden_groups(query.language)
            results = self._run(query, terms, indices, hidden_groups)
            if results.total == 0 and terms:
                suggestions = self._did_you_mean(terms, indices)
                if suggestions:
                    corrected = self._run(query, suggestions[0].split(), indices, hidden_groups)
                    if corrected.total:
                        results = corrected
                    results.suggestions = suggestions
        return results

    def _did_you_mean(self, terms, indices, limit=3):
        """Up to `limit` corrected phrases, from term suggesters on the folded fields."""
        text = " ".join(terms)
        s = Search(using=self.client, index=indices).params(ignore_unavailable=True)
        s = s.extra(size=0, track_total_hits=False)
        for field in ("title_folded", "tags_folded", "body_folded"):
            s = s.suggest(
                field, text, term={"field": field, "suggest_mode": "missing", "size": limit}
            )
        response = s.execute().to_dict()
        options = {}
        for entries in (response.get("suggest") or {}).values():
            for entry in entries:
                for option in entry.get("options", []):
                    found = options.setdefault(entry["text"], {})
                    score = (option.get("score", 0), option.get("freq", 0))
                    found[option["text"]] = max(found.get(option["text"], score), score)
        choices = []
        for term in terms:
            ranked = sorted(options.get(term, {}).items(), key=lambda item: item[1], reverse=True)
            choices.append([word for word, _score in ranked] if len(term) >= 4 else [])
        suggestions = []
        for rank in range(limit):
            words = [
                alternatives[min(rank, len(alternatives) - 1)] if alternatives else term
                for term, alternatives in zip(terms, choices, strict=True)
            ]
            phrase = " ".join(words)
            if phrase != text and phrase not in suggestions:
                suggestions.append(phrase)
        return suggestions

    def suggest(self, prefix, *, types=(), language="fr", limit=8):
        """Completion on folded titles, title words and tags, best first; the reader's
        language first among equals; expired documents left out."""
        prefix = fold(prefix).strip()
        indices = self._aliases(types)
        if len(prefix) < 2 or not indices or limit <= 0:
            return []
        s = (
            Search(using=self.client, index=indices)
            .params(ignore_unavailable=True)
            .source(["title", "type", "id", "url", "locale", "expires_at"])
            .extra(size=0, track_total_hits=False)
            .extra(
                suggest={
                    "names": {
                        "prefix": prefix,
                        "completion": {
                            "field": "suggest",
                            "skip_duplicates": True,
                            "size": limit * 4,
                        },
                    }
                }
            )
        )
        with _unavailable():
            response = s.execute().to_dict()
        now = datetime.now(UTC)
        found, seen = [], set()
        for entry in (response.get("suggest") or {}).get("names", []):
            for option in entry.get("options", []):
                source = option.get("_source") or {}
                key = (source.get("type"), source.get("id"))
                if key in seen or _expired(source.get("expires_at"), now):
                    continue
                seen.add(key)
                found.append((option.get("_score") or 0, source))
        found.sort(key=lambda pair: (-pair[0], (pair[1].get("locale") or language) != language))
        return [
            {"title": source.get("title", ""), "type": source.get("type"), "url": source.get("url")}
            for _score, source in found[:limit]
        ]


def _expired(value, now):
    if not value:
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment <= now


def _unfold_highlight(original, fragments):
    """Highlights found in folded text, put back on the original text (HTML-escaped), the
    fragments joined with an ellipsis."""
    folded, origin = fold_with_map(original)
    pieces = []
    for fragment in fragments:
        plain = fragment.replace(MARK, "").replace(UNMARK, "")
        start = folded.find(plain)
        if not plain or start < 0:
            continue
        spans, offset, opened = [], 0, None
        for part in re.split(f"({re.escape(MARK)}|{re.escape(UNMARK)})", fragment):
            if part == MARK:
                opened = offset
            elif part == UNMARK:
                if opened is not None and offset > opened:
                    spans.append((opened, offset))
                opened = None
            else:
                offset += len(part)
        begin, finish = origin[start], _after(original, origin, start + len(plain))
        out, cursor = [], begin
        for span_start, span_end in spans:
            left, right = origin[start + span_start], _after(original, origin, start + span_end)
            if left < cursor:
                continue
            out.append(html.escape(original[cursor:left], quote=False))
            out.append(MARK + html.escape(original[left:right], quote=False) + UNMARK)
            cursor = right
        out.append(html.escape(original[cursor:finish], quote=False))
        pieces.append("".join(out))
    return " … ".join(pieces)


def _after(original, origin, end):
    """The index in the original text just after the folded text's [..end)."""
    after = origin[end - 1] + 1
    while after < len(original) and not fold(original[after]):
        after += 1  # a combining mark that folding dropped
    return after


__all__ = ["DERIVED", "ElasticsearchBackend", "SearchDocument"]
