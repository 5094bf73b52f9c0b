"""SQLite: a trigram index of the search text (FTS5), the counterpart of PostgreSQL's pg_trgm index.

An FTS5 table with the trigram tokenizer answers `LIKE '%…%'` from its
index; "external content" keeps no copy of the text: it reads the dossiers'
table, and triggers keep the index in step with every insert, update of the
search text and delete. See inbox._text_filter for when the inbox asks it.
"""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS inquiry_search_fts USING fts5("
    "search_text, content='inquiries_inquiry', content_rowid='id', tokenize='trigram', detail='none')",
    "CREATE TRIGGER IF NOT EXISTS inquiry_search_fts_insert AFTER INSERT ON inquiries_inquiry BEGIN "
    "INSERT INTO inquiry_search_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS inquiry_search_fts_delete AFTER DELETE ON inquiries_inquiry BEGIN "
    "INSERT INTO inquiry_search_fts(inquiry_search_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS inquiry_search_fts_update AFTER UPDATE OF search_text ON inquiries_inquiry BEGIN "
    "INSERT INTO inquiry_search_fts(inquiry_search_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO inquiry_search_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO inquiry_search_fts(inquiry_search_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS inquiry_search_fts_insert",
    "DROP TRIGGER IF EXISTS inquiry_search_fts_delete",
    "DROP TRIGGER IF EXISTS inquiry_search_fts_update",
    "DROP TABLE IF EXISTS inquiry_search_fts",
]


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0008_inbox_indexes_every_dossier")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
