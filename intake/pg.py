"""Migration operations that only do something on PostgreSQL (GIN and trigram indexes).

The index stays in the model state on every database, so `makemigrations` sees no change; SQLite, which has
no GIN indexes, simply does not create it.
"""

from django.db.migrations.operations import AddIndex


class AddIndexOnPostgres(AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
