"""The keyword search's bigram index, on PostgreSQL only (tracker/search.py says why and how it is read)."""
from django.db import migrations

# Upper-cased as Django's icontains compares on PostgreSQL (UPPER(column) LIKE UPPER(pattern)).
# Not inlinable (it has a FROM), so the index and the queries both call it by name.
BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION duban_bigrams(txt text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(s.u, i, 2)), '{}'::text[])
  FROM (SELECT upper(txt) AS u) AS s, generate_series(1, char_length(s.u) - 1) AS i
$$
"""
# The five searched columns joined by a line break: a pair across the join is only an
# extra candidate, which icontains then rejects.
TASK_BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION duban_task_bigrams(serial text, title text, content text, owner text, person text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT duban_bigrams(coalesce(serial, '') || E'\n' || coalesce(title, '') || E'\n' || coalesce(content, '')
                       || E'\n' || coalesce(owner, '') || E'\n' || coalesce(person, ''))
$$
"""
CREATE_INDEX = """
CREATE INDEX IF NOT EXISTS task_keyword_bigrams ON tracker_task
USING gin (duban_task_bigrams(serial, title, content, owner_text, responsible_person))
"""
DROP = [
    "DROP INDEX IF EXISTS task_keyword_bigrams",
    "DROP FUNCTION IF EXISTS duban_task_bigrams(text, text, text, text, text)",
    "DROP FUNCTION IF EXISTS duban_bigrams(text)",
]


def create_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite reads the table
    for statement in (BIGRAMS_FUNCTION, TASK_BIGRAMS_FUNCTION, CREATE_INDEX):
        schema_editor.execute(statement)


def drop_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("tracker", "0008_export_jobs"),
    ]

    operations = [
        migrations.RunPython(create_bigram_index, drop_bigram_index),
    ]
