"""
Trigram indexes for the admin's article search on PostgreSQL.

The changelist searches title, slug and body with ``icontains``, which
PostgreSQL runs as ``UPPER(column) LIKE UPPER('%term%')``: without these
GIN indexes that reads every body in the archive. SQLite has no such index
and needs none at newsroom sizes.
"""

from django.db import migrations

COLUMNS = ("title", "slug", "body")
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(
        f"CREATE INDEX articles_article_{column}_trgm ON articles_article "
        f"USING GIN (UPPER({column}::text) gin_trgm_ops)"
        for column in COLUMNS
    ),
]
# The extension stays: other database objects may use it.
POSTGRES_BACKWARD = [
    f"DROP INDEX IF EXISTS articles_article_{column}_trgm" for column in COLUMNS
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_limit_text_lengths")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD}),
        ),
    ]
