"""PostgreSQL: a small vector of names and tags only, for ranking. Ranking reads the vector
of every match; reading the whole text's vector of 10,000 matches cost most of a search."""

from django.db import migrations

FORWARDS = [
    "ALTER TABLE search_entry ADD COLUMN rank_vector tsvector",
    "UPDATE search_entry SET rank_vector = "
    "setweight(to_tsvector('simple', title_folded), 'A') || "
    "setweight(to_tsvector('simple', tags_folded), 'B')",
]
BACKWARDS = ["ALTER TABLE search_entry DROP COLUMN IF EXISTS rank_vector"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_facet_keys")]
    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS))]
