"""The full-text structures of the database backend, per engine.

SQLite: an FTS5 table (unicode61 tokenizer; text is folded by the application before it is
written), rowid = search_entry.id. PostgreSQL: a tsvector column with a GIN index, and
pg_trgm indexes for typo correction on the vocabulary.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "title, tags, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_entry_fts"]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_entry ADD COLUMN vector tsvector",
    "CREATE INDEX search_entry_vector ON search_entry USING gin (vector)",
    "CREATE INDEX search_term_word_trgm ON search_term USING gin (word gin_trgm_ops)",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS search_term_word_trgm",
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
