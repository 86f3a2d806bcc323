# The case list at a million cases: the cases waiting for triage in every order, and a rare channel.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0010_portefeuillehouder"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("needs_triage", True)),
                fields=["deadline", "id"],
                name="case_triage_deadline_id",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("needs_triage", True)),
                fields=["status", "created_at", "id"],
                name="case_triage_status_created_id",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("needs_triage", True)),
                fields=["reference", "id"],
                name="case_triage_reference_id",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["channel", "created_at", "id"], name="case_channel_created_id"),
        ),
    ]
