"""The sweep engine: each action selects its rows to do once, chunks over those rows only, fills texts by
concatenation and leaves no work table behind. Frozen time in December 2026, as in test_delay_notice."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from followup.sweep import sweep
from followup.sweep.engine import TODO, Sql
from intake.models import Case
from intake.outbox import OutboxMessage
from tests.followup.test_delay_notice import case_with_deadline
from tests.followup.test_sweep_walk import at

pytestmark = pytest.mark.django_db


def sweep_with_results(day: dt.date):
    results = {}
    with at(day), CaptureQueriesContext(connection) as queries:
        result = sweep(on_action=lambda name, done: results.setdefault(name, done))
    return result, results, [q["sql"] for q in queries.captured_queries]


def test_chunks_cover_only_the_rows_with_work_and_the_selection_runs_once(teams, owner, settings):
    settings.FOLLOWUP_SWEEP_CHUNK = 2
    due = []
    for _ in range(5):  # due cases between cases that are not due: id ranges would make 5 chunks of 2 ids
        due.append(case_with_deadline(dt.date(2026, 12, 16)).case.pk)
        case_with_deadline(dt.date(2027, 3, 1))
    result, results, queries = sweep_with_results(dt.date(2026, 12, 16))
    assert result.delay_notices == 5
    assert results["delay_notices"].chunks == 3  # 2 + 2 + 1 rows with work
    assert set(Case.objects.filter(expected_date__isnull=False).values_list("pk", flat=True)) == set(due)
    # The delay notice's selection (its key is computed there) runs once, not in a bounds query and per chunk.
    assert len([q for q in queries if "delay-notice:" in q]) == 1
    assert set(results["delay_notices"].seconds) >= {"select", "claim", "timeline", "mails", "case", "commit"}

    again, results, _ = sweep_with_results(dt.date(2026, 12, 16))
    assert again.actions == 0
    assert all(done.chunks == 0 for done in results.values())  # done keys are left out of the selection
    assert OutboxMessage.objects.filter(template="followup_delay_notice").count() == 5


def test_the_work_table_is_dropped_after_the_sweep(teams, owner):
    case_with_deadline(dt.date(2026, 12, 16))
    with at(dt.date(2026, 12, 16)):
        assert sweep().delay_notices == 1
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TODO}")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Zaak [[REF]]: zie [[URL]] (nogmaals [[REF]]).", "Zaak A-[[URL]]: zie  (nogmaals A-[[URL]])."),
        ("[[REF]]", "A-[[URL]]"),
        ("Geen plaatshouders, 100% tekst", "Geen plaatshouders, 100% tekst"),
    ],
)
def test_fill_concatenates_the_parts_and_leaves_placeholders_in_values_alone(template, expected):
    sql = Sql()
    expr = sql.fill(template, {"[[REF]]": sql.p("A-[[URL]]"), "[[URL]]": "NULL", "[[DATE]]": "'x'"})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expr}", sql.params)
        assert cursor.fetchone()[0] == expected
