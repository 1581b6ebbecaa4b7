"""No two booked sessions of one mentor may overlap: enforced by PostgreSQL itself.

An exclusion constraint over the time range [starts_at, blocked_until) needs btree_gist for
the equality on mentor_id. It exists only on PostgreSQL; on SQLite the booking service
serialises bookings in an IMMEDIATE transaction instead.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE mentoring_booking ADD CONSTRAINT mentoring_booking_no_overlap
    EXCLUDE USING gist (mentor_id WITH =, tstzrange(starts_at, blocked_until) WITH &&)
    WHERE (status = 'booked');
"""
DROP = "ALTER TABLE mentoring_booking DROP CONSTRAINT IF EXISTS mentoring_booking_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
