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
            for document in documents:
                self._write(document)
            words = set()
            for document in documents:
                words |= _words(fold(document["title"]), fold(" ".join(document["tags"])))
            existing = set(Term.objects.filter(word__in=words).values_list("word", flat=True))
            Term.objects.bulk_create(
                [Term(word=word) for word in words - existing], ignore_conflicts=True
            )

    def _write(self, document):
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
        """(SQL condition, params, rank expression, rank params, rank order)."""
        if _postgresql():
            tsquery = " & ".join(f"{term}:*" for term in terms)
            return (
                "e.vector @@ to_tsquery('simple', %s)",
                [tsquery],
                "ts_rank(e.vector, to_tsquery('simple', %s), 1)",
                [tsquery],
                "DESC",
            )
        match = " AND ".join(f'"{term}"*' for term in terms)
        return (
            f"e.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)",
            [match],
            f"(SELECT bm25({FTS}, {TITLE_WEIGHT}, {TAGS_WEIGHT}, {BODY_WEIGHT}) FROM {FTS} "
            f"WHERE {FTS} MATCH %s AND {FTS}.rowid = e.id)",
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
        where, params = self._conditions(query, terms)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {ENTRY} e WHERE {where}", params)
            total = cursor.fetchone()[0]
            if not total:
                return 0, []
            rank, rank_params, order, order_params = self._order(query, terms)
            cursor.execute(
                f"SELECT e.id, e.type, e.key, e.title, e.locale, e.document, {rank} AS rank "
                f"FROM {ENTRY} e WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
                rank_params
                + params
                + order_params
                + [query.per_page, (query.page - 1) * query.per_page],
            )
            rows = cursor.fetchall()
        return total, rows

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
            f"rank {direction}, CASE WHEN e.locale = %s THEN 0 ELSE 1 END, e.id",
            [query.language],
        )

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
        total, rows = self._run(query, terms)
        suggestions = []
        if not total and terms:
            corrected = self._corrected(terms)
            if corrected != terms:
                suggestions = [" ".join(corrected)]
                total, rows = self._run(query, corrected)
                if total:
                    terms = corrected
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
            facets=self._facets(query, terms),
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
