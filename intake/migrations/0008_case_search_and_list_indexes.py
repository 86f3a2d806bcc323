# Issue 13: the case list at a million cases. The GIN indexes are PostgreSQL only (intake/pg.py).

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models

import intake.pg
import intake.search
from intake.pg import AddIndexOnPostgres

OPEN = ["in_progress", "new", "waiting_department", "waiting_entrepreneur"]


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0007_outboxmessage_channel"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=intake.search.SearchDocument(),
                output_field=intake.search.PlainSearchField(),
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["created_at", "id"], name="case_created_id"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["status", "created_at", "id"], name="case_status_created_id"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["deadline", "id"], name="case_deadline_id"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["created_at", "id"],
                name="case_open_created_id",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["deadline", "id"],
                name="case_open_deadline_id",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("needs_triage", True)),
                fields=["created_at", "id"],
                name="case_triage_created_id",
            ),
        ),
        AddIndexOnPostgres(
            model_name="case",
            index=intake.pg.PostgresGinIndex(
                fields=["search_document"], name="case_search_document"
            ),
        ),
        AddIndexOnPostgres(
            model_name="case",
            index=intake.pg.PostgresGinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("reference"), name="gin_trgm_ops"
                ),
                name="case_reference_trgm",
            ),
        ),
    ]
