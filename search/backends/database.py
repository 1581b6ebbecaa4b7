"""The embedded backend: the project's own database, SQLite FTS5 or PostgreSQL full text.

Text arrives folded (search.normalise), so accents and Arabic spelling agree without
`unaccent` or ICU. Each query word matches as a prefix ("boulangeri" finds "boulangerie",
"cooperative" finds "coopératives"), every word must match, and names weigh more than tags,
tags more than descriptions (FTS5 bm25 column weights; tsvector weights A/B/C).

Typos beyond a prefix: when a query finds nothing, its words are corrected against the
vocabulary of names and tags (PostgreSQL: trigram similarity with pg_trgm; SQLite: edit
distance with difflib over the words sharing a first letter) and the corrected query is run
and offered as "did you mean". Elasticsearch's fuzzy matching also corrects words that still
find something; this backend does not — the documented difference.

Facet counts are exact: for each facet, the documents matching the query and every filter
but that facet's own (so choosing "food" still shows how many there are in "crafts").
"""

import difflib
import json
import re
from datetime import date, datetime

from django.db import connection, transaction

from search.backends.base import Hit, Results, SearchBackend
from search.models import Entry, EntryFacet, Term
from search.normalise import fold

ENTRY = Entry._meta.db_table
FACET = EntryFacet._meta.db_table
TERM = Term._meta.db_table
FTS = "search_entry_fts"
_WORD = re.compile(r"\w+")
TITLE_WEIGHT, TAGS_WEIGHT, BODY_WEIGHT = 10.0, 4.0, 1.0


def _postgresql():
    return connection.vendor == "postgresql"


def _tsquery(terms, joiner=" & "):
    return joiner.join(f"{term}:*" if len(term) > 2 else term for term in terms)


def _words(*texts):
    return {word for text in texts for word in _WORD.findall(text) if 2 < len(word) <= 100}


def _date(value):
    if not value:
        return None
    return date.fromisoformat(value[:10])


def _datetime(value):
    return datetime.fromisoformat(value) if value else None


class DatabaseBackend(SearchBackend):
    name = "database"

    # --- writing --------------------------------------------------------------------------

    def index(self, documents):
        documents = list(documents)
        if not documents:
            return
        with transaction.atomic():
            if _postgresql():
                self._upsert_postgresql(documents)
            else:
                for document in documents:
                    self._write(document)
            words = set()
            for document in documents:
                words |= _words(fold(document["title"]), fold(" ".join(document["tags"])))
            existing = set(Term.objects.filter(word__in=words).values_list("word", flat=True))
            Term.objects.bulk_create(
                [Term(word=word) for word in words - existing], ignore_conflicts=True
            )

    def _upsert_postgresql(self, documents):
        """One statement per document, pipelined by psycopg: the row, its text vector and its
        facet array written together (no second UPDATE leaving a dead row behind)."""
        rows = []
        for document in documents:
            title_folded = fold(document["title"])[:300]
            tags_folded = fold(" ".join(document["tags"]))
            body_folded = fold(document["body"])
            facets = {"type": [document["type"]], **document.get("facets", {})}
            rows.append(
                [
                    document["type"],
                    document["id"],
                    document.get("locale") or "",
                    document.get("group") or "",
                    document["title"][:300],
                    title_folded,
                    tags_folded,
                    body_folded,
                    json.dumps(document, ensure_ascii=False),
                    _date(document.get("date")),
                    _datetime(document.get("expires_at")),
                    sorted(
                        {
                            f"{name}={str(value)[:100]}"
                            for name, values in facets.items()
                            for value in values
                            if value not in (None, "")
                        }
                    ),
                    title_folded,
                    tags_folded,
                    body_folded,
                    title_folded,
                    tags_folded,
                ]
            )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {ENTRY} (type, key, locale, group_key, title, title_folded, "
                "tags_folded, body_folded, document, date, expires_at, facet_keys, vector, "
                "rank_vector) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s::text[], "
                "setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'B') || "
                "setweight(to_tsvector('simple', %s), 'C'), "
                "setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'B')) "
                "ON CONFLICT (type, key) DO UPDATE SET locale = EXCLUDED.locale, "
                "group_key = EXCLUDED.group_key, title = EXCLUDED.title, "
                "title_folded = EXCLUDED.title_folded, tags_folded = EXCLUDED.tags_folded, "
                "body_folded = EXCLUDED.body_folded, document = EXCLUDED.document, "
                "date = EXCLUDED.date, expires_at = EXCLUDED.expires_at, "
                "facet_keys = EXCLUDED.facet_keys, vector = EXCLUDED.vector, "
                "rank_vector = EXCLUDED.rank_vector",
                rows,
            )

    def _write(self, document):
        """SQLite: the row, its facet rows and its FTS5 row."""
        title_folded = fold(document["title"])[:300]
        tags_folded = fold(" ".join(document["tags"]))
        body_folded = fold(document["body"])
        entry, _created = Entry.objects.update_or_create(
            type=document["type"],
            key=document["id"],
            defaults={
                "locale": document.get("locale") or "",
                "group_key": document.get("group") or "",
                "title": document["title"][:300],
                "title_folded": title_folded,
                "tags_folded": tags_folded,
                "body_folded": body_folded,
                "document": document,
                "date": _date(document.get("date")),
                "expires_at": _datetime(document.get("expires_at")),
            },
        )
        entry.facet_values.all().delete()
        EntryFacet.objects.bulk_create(
            EntryFacet(entry=entry, name=name, value=str(value)[:100])
            for name, values in document.get("facets", {}).items()
            for value in values
            if value not in (None, "")
        )
        with connection.cursor() as cursor:
            if _postgresql():
                cursor.execute(
                    f"UPDATE {ENTRY} SET vector = "
                    "setweight(to_tsvector('simple', %s), 'A') || "
                    "setweight(to_tsvector('simple', %s), 'B') || "
                    "setweight(to_tsvector('simple', %s), 'C') WHERE id = %s",
                    [title_folded, tags_folded, body_folded, entry.pk],
                )
            else:
                cursor.execute(f"DELETE FROM {FTS} WHERE rowid = %s", [entry.pk])
                cursor.execute(
                    f"INSERT INTO {FTS} (rowid, title, tags, body) VALUES (%s, %s, %s, %s)",
                    [entry.pk, title_folded, tags_folded, body_folded],
                )

    def delete(self, type_, ids):
        ids = [str(pk) for pk in ids]
        if not ids:
            return
        with transaction.atomic():
            entries = Entry.objects.filter(type=type_, key__in=ids)
            if not _postgresql():
                pks = list(entries.values_list("pk", flat=True))
                with connection.cursor() as cursor:
                    for pk in pks:
                        cursor.execute(f"DELETE FROM {FTS} WHERE rowid = %s", [pk])
            entries.delete()

    def clear(self):
        with transaction.atomic():
            Entry.objects.all().delete()
            Term.objects.all().delete()
            if not _postgresql():
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {FTS}")

    def rebuild(self, documents_by_type, progress=None):
        """Replace each type's entries in one transaction per type: readers see the old
        entries until it commits (the database's own isolation is the swap)."""
        for type_, documents in documents_by_type.items():
            with transaction.atomic():
                keep = []
                batch = []
                for document in documents:
                    batch.append(document)
                    keep.append(document["id"])
                    if len(batch) == 500:
                        self.index(batch)
                        batch = []
                        if progress:
                            progress(type_, len(keep))
                self.index(batch)
                stale = Entry.objects.filter(type=type_).exclude(key__in=keep)
                self.delete(type_, list(stale.values_list("key", flat=True)))
                if progress:
                    progress(type_, len(keep))

    def ids(self, type_):
        return set(Entry.objects.filter(type=type_).values_list("key", flat=True))

    # --- reading --------------------------------------------------------------------------

    def _match(self, terms):
        """(SQL condition, params, rank expression, rank params, rank order).

        Words of three letters or more match as prefixes; shorter ones only as themselves
        (a prefix "d" would match a good part of the index)."""
        if _postgresql():
            tsquery = _tsquery(terms)
            return (
                "e.vector @@ to_tsquery('simple', %s)",
                [tsquery],
                "ts_rank(e.vector, to_tsquery('simple', %s), 1)",
                [tsquery],
                "DESC",
            )
        match = " AND ".join(f'"{term}"*' if len(term) > 2 else f'"{term}"' for term in terms)
        return (
            f"e.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)",
            [match],
            "ranked.rank",
            [match],
            "ASC",
        )

    def _conditions(self, query, terms, skip_facet=None):
        where, params = [], []
        if terms:
            condition, condition_params, *_rest = self._match(terms)
            where.append(condition)
            params += condition_params
        if query.types:
            where.append(f"e.type IN ({', '.join(['%s'] * len(query.types))})")
            params += list(query.types)
        if query.now:
            where.append("(e.expires_at IS NULL OR e.expires_at > %s)")
            params.append(_datetime(query.now))
        # Where a page exists in several languages, only the reader's translation is shown.
        where.append(
            "NOT (e.group_key <> '' AND e.locale <> %s AND EXISTS ("
            f"SELECT 1 FROM {ENTRY} o WHERE o.group_key = e.group_key AND o.locale = %s))"
        )
        params += [query.language, query.language]
        for name, values in query.filters.items():
            if name == skip_facet or not values:
                continue
            placeholders = ", ".join(["%s"] * len(values))
            if name == "type":
                where.append(f"e.type IN ({placeholders})")
                params += list(values)
            else:
                where.append(
                    f"e.id IN (SELECT entry_id FROM {FACET} WHERE name = %s "
                    f"AND value IN ({placeholders}))"
                )
                params += [name, *values]
        return " AND ".join(where) or "1 = 1", params

    def _run(self, query, terms):
        """SQLite: count, page and each facet in statements of their own."""
        where, params = self._conditions(query, terms)
        facets = self._facets(query, terms)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {ENTRY} e WHERE {where}", params)
            total = cursor.fetchone()[0]
            if not total:
                return 0, [], facets
            rank, rank_params, order, order_params = self._order(query, terms)
            join = ""
            if rank == "ranked.rank":
                # The FTS match runs once and its bm25 is joined, never once per matching row.
                join = (
                    f"JOIN (SELECT rowid, bm25({FTS}, {TITLE_WEIGHT}, {TAGS_WEIGHT}, "
                    f"{BODY_WEIGHT}) AS rank FROM {FTS} WHERE {FTS} MATCH %s) ranked "
                    "ON ranked.rowid = e.id"
                )
            cursor.execute(
                f"SELECT e.id, e.type, e.key, e.title, e.locale, e.document, {rank} AS rank "
                f"FROM {ENTRY} e {join} WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
                rank_params
                + params
                + order_params
                + [query.per_page, (query.page - 1) * query.per_page],
            )
            rows = cursor.fetchall()
        return total, rows, facets

    def _order(self, query, terms):
        """(rank expression, its params, ORDER BY clause, its params)."""
        if query.sort == "date":
            return "0", [], "e.date IS NULL, e.date DESC, e.id", []
        if query.sort == "title" or not terms:
            return "0", [], "e.title_folded, e.id", []
        _condition, _params, rank, rank_params, direction = self._match(terms)
        # Relevance, then the reader's language first among equals.
        return (
            rank,
            rank_params,
            f"{rank} {direction}, CASE WHEN e.locale = %s THEN 0 ELSE 1 END, e.id",
            [query.language],
        )

    def _run_postgresql(self, query, terms):
        """PostgreSQL: the matches are found and ranked once (a materialised CTE); the total,
        every facet's counts (each without its own filter) and the page come from that set
        in one statement, then the page's documents in a second."""
        base, params = [], []
        source = f"{ENTRY} e"
        rank = "0::float8"
        if terms:
            # Every word must match somewhere (q); the rank reads only the small vector of
            # names and tags (r: any word), so names and tags weigh and descriptions only
            # qualify — and 10,000 matches are ranked without reading their whole text.
            source += ", to_tsquery('simple', %s) q, to_tsquery('simple', %s) r"
            params += [_tsquery(terms), _tsquery(terms, " | ")]
            base.append("e.vector @@ q")
            rank = "ts_rank(e.rank_vector, r, 1)"
        if query.types:
            base.append("e.type = ANY(%s)")
            params.append(list(query.types))
        if query.now:
            base.append("(e.expires_at IS NULL OR e.expires_at > %s)")
            params.append(_datetime(query.now))
        base.append(
            "NOT (e.group_key <> '' AND e.locale <> %s AND EXISTS ("
            f"SELECT 1 FROM {ENTRY} o WHERE o.group_key = e.group_key AND o.locale = %s))"
        )
        params += [query.language, query.language]
        filters = {
            name: [f"{name}={value}" for value in values]
            for name, values in query.filters.items()
            if values
        }

        def passing(skip=None):
            clauses, values = [], []
            for name, keys in filters.items():
                if name != skip:
                    clauses.append("m.facet_keys && %s::text[]")
                    values.append(keys)
            return (" AND ".join(clauses) or "TRUE"), values

        all_filters, all_values = passing()
        parts = [f"SELECT 0, NULL::text, COUNT(*)::float8, NULL::bigint FROM m WHERE {all_filters}"]
        part_params = list(all_values)
        if query.facets:
            # One pass over the matches' facet values for every facet: each value counts the
            # rows that pass every filter but its own facet's.
            cases, case_params = [], []
            for name in query.facets if filters else ():
                condition, values = passing(skip=name)
                cases.append(f"WHEN %s THEN {condition}")
                case_params += [name, *values]
            check = (
                f"(CASE split_part(v, '=', 1) {' '.join(cases)} ELSE TRUE END)" if cases else "TRUE"
            )
            parts.append(
                "SELECT 1, v, COUNT(*)::float8, NULL FROM m, unnest(m.facet_keys) v "
                f"WHERE split_part(v, '=', 1) = ANY(%s) AND {check} GROUP BY v"
            )
            part_params += [list(query.facets), *case_params]
        if query.sort == "date":
            order = "p.date DESC NULLS LAST, p.id"
        elif query.sort == "title" or not terms:
            order = "p.title_folded, p.id"
        else:
            # Relevance, then the reader's language first among equals.
            order = "p.rank DESC, (p.locale = %s) DESC, p.id"
        order_params = [query.language] if "%s" in order else []
        page_filters = all_filters.replace("m.facet_keys", "p.facet_keys")
        parts.append(
            "SELECT 2, NULL, ROW_NUMBER() OVER ()::float8, page.id FROM "
            f"(SELECT p.id FROM m p WHERE {page_filters} ORDER BY {order} "
            "LIMIT %s OFFSET %s) page"
        )
        part_params += [*all_values, *order_params, query.per_page]
        part_params.append((query.page - 1) * query.per_page)
        sql = (
            "WITH m AS MATERIALIZED (SELECT e.id, e.facet_keys, e.locale, e.date, "
            f"e.title_folded, {rank} AS rank FROM {source} WHERE {' AND '.join(base)}) "
            + " UNION ALL ".join(parts)
        )
        total, counts, page = 0, {name: [] for name in query.facets}, []
        with connection.cursor() as cursor:
            cursor.execute(sql, params + part_params)
            for part, value, number, entry_id in cursor.fetchall():
                if part == 0:
                    total = int(number)
                elif part == 1:
                    name, _sep, facet_value = value.partition("=")
                    counts[name].append((facet_value, int(number)))
                else:
                    page.append((number, entry_id))
            rows = []
            if page:
                ids = [entry_id for _position, entry_id in sorted(page)]
                cursor.execute(
                    f"SELECT e.id, e.type, e.key, e.title, e.locale, e.document, 0 "
                    f"FROM {ENTRY} e WHERE e.id = ANY(%s)",
                    [ids],
                )
                by_id = {row[0]: row for row in cursor.fetchall()}
                rows = [by_id[entry_id] for entry_id in ids if entry_id in by_id]
        for name in counts:
            counts[name].sort(key=lambda item: (-item[1], item[0]))
        return total, rows, counts

    def _facets(self, query, terms):
        counts = {}
        for name in query.facets:
            where, params = self._conditions(query, terms, skip_facet=name)
            with connection.cursor() as cursor:
                if name == "type":
                    cursor.execute(
                        f"SELECT e.type, COUNT(*) FROM {ENTRY} e WHERE {where} "
                        "GROUP BY e.type ORDER BY COUNT(*) DESC, e.type",
                        params,
                    )
                else:
                    cursor.execute(
                        f"SELECT f.value, COUNT(*) FROM {FACET} f JOIN {ENTRY} e "
                        f"ON e.id = f.entry_id WHERE f.name = %s AND {where} "
                        "GROUP BY f.value ORDER BY COUNT(*) DESC, f.value",
                        [name, *params],
                    )
                counts[name] = [(value, count) for value, count in cursor.fetchall()]
        return counts

    def search(self, query):
        terms = list(query.terms)
        run = self._run_postgresql if _postgresql() else self._run
        total, rows, facets = run(query, terms)
        suggestions = []
        if not total and terms:
            corrected = self._corrected(terms)
            if corrected != terms:
                suggestions = [" ".join(corrected)]
                total, rows, facets = run(query, corrected)
        hits = [
            Hit(
                type=type_,
                id=key,
                title=title,
                url=(document if isinstance(document, dict) else _json(document))["url"],
                locale=locale,
                score=float(rank or 0),
                document=document if isinstance(document, dict) else _json(document),
            )
            for _pk, type_, key, title, locale, document, rank in rows
        ]
        return Results(
            hits=hits,
            total=total,
            facets=facets,
            suggestions=suggestions,
            backend=self.name,
        )

    def _corrected(self, terms):
        """Each word replaced by the closest known word of names and tags, if any is close."""
        corrected = []
        for term in terms:
            if Term.objects.filter(word=term).exists() or len(term) < 4:
                corrected.append(term)
                continue
            corrected.append(self._closest(term) or term)
        return corrected

    def _closest(self, term):
        if _postgresql():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT word FROM {TERM} WHERE word %% %s "
                    "ORDER BY similarity(word, %s) DESC, word LIMIT 1",
                    [term, term],
                )
                row = cursor.fetchone()
            return row[0] if row else None
        candidates = Term.objects.filter(
            word__startswith=term[0],
        ).values_list("word", flat=True)[:20000]
        close = difflib.get_close_matches(term, list(candidates), n=1, cutoff=0.75)
        return close[0] if close else None

    def suggest(self, prefix, *, types=(), language="fr", limit=8):
        prefix = fold(prefix).strip()
        if len(prefix) < 2:
            return []
        entries = Entry.objects.filter(expires_at__isnull=True) | Entry.objects.filter(
            expires_at__gt=datetime.now().astimezone()
        )
        if types:
            entries = entries.filter(type__in=types)
        starts = entries.filter(title_folded__startswith=prefix)
        words = entries.filter(title_folded__contains=f" {prefix}") | entries.filter(
            tags_folded__startswith=prefix
        )
        found = []
        for entry in list(starts.order_by("title_folded")[:limit]) + list(
            words.order_by("title_folded")[:limit]
        ):
            item = {"title": entry.title, "type": entry.type, "url": entry.document["url"]}
            if item not in found:
                found.append(item)
        return found[:limit]


def _json(value):
    import json

    return json.loads(value)
