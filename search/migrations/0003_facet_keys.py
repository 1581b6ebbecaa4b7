"""PostgreSQL: each entry's facet values as one array ("sector=food", ...) with a GIN index,
so that a search counts every facet in one pass over its matches (search/backends/database.py).
SQLite keeps using the search_entryfacet table."""

from django.db import migrations

FORWARDS = [
    "ALTER TABLE search_entry ADD COLUMN facet_keys text[] NOT NULL DEFAULT '{}'",
    "CREATE INDEX search_entry_facet_keys ON search_entry USING gin (facet_keys)",
    "UPDATE search_entry e SET facet_keys = COALESCE((SELECT array_agg(f.name || '=' || f.value) "
    "FROM search_entryfacet f WHERE f.entry_id = e.id), '{}')",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS search_entry_facet_keys",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS facet_keys",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]
    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS))]
