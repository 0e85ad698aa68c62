"""Full-text search of published versions: tsvector + GIN on PostgreSQL, FTS5 on SQLite."""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE articles_publishedversion ADD COLUMN search_vector tsvector",
    "CREATE INDEX articles_publishedversion_search ON articles_publishedversion "
    "USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS articles_publishedversion_search",
    "ALTER TABLE articles_publishedversion DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, dek, body, version_id UNINDEXED, article_id UNINDEXED, "
    "tokenize = 'porter unicode61')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS articles_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_published_claims_and_entities")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
