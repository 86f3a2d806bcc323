"""The case's search document: Dutch full text on PostgreSQL, plain text elsewhere.

`Case.search_document` is a stored generated column (`GeneratedField`), so the database keeps it up to date on
every insert and update, whoever writes (services, SQL updates, the privacy module's anonymisation): no
trigger and no service code. PostgreSQL computes `to_tsvector('dutch', reference || subject || question)`
(Dutch stemming: "terrassen" finds "terras") and searches it through a GIN index. SQLite, used by the demo
and the tests, has no full-text type: there the column holds the plain text and the case list searches with
`icontains` (casework.filters).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Func, TextField

SEARCH_CONFIG = "dutch"
DOCUMENT_FIELDS = ("reference", "subject", "question")


class SearchDocument(Func):
    """`to_tsvector('dutch', reference || ' ' || subject || ' ' || question)`; immutable, so it may be stored."""

    output_field = SearchVectorField()

    def __init__(self):
        super().__init__()

    def _concatenation(self, compiler, connection) -> str:
        quote = compiler.quote_name_unless_alias
        return " || ' ' || ".join(f"COALESCE({quote(name)}, '')" for name in DOCUMENT_FIELDS)

    def as_sql(self, compiler, connection, **extra_context):
        return f"to_tsvector('{SEARCH_CONFIG}'::regconfig, {self._concatenation(compiler, connection)})", []

    def as_sqlite(self, compiler, connection, **extra_context):
        return self._concatenation(compiler, connection), []


class PlainSearchField(SearchVectorField):
    """A tsvector on PostgreSQL, text on other databases (for the generated column's type)."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else TextField().db_type(connection)
