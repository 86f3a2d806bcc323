# Issue 13: open hand-offs by deadline, for a department's inbox and the deadline overview at scale.

from django.db import migrations, models

OPEN = ["claimed", "info_requested", "open"]


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0002_handoff_info_question"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="handoff",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["team", "deadline", "id"],
                name="handoff_open_team_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="handoff",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["deadline", "id"],
                name="handoff_open_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="handoff",
            index=models.Index(
                condition=models.Q(("status__in", ["info_requested", "returned"])),
                fields=["case"],
                name="handoff_attention_case",
            ),
        ),
        migrations.AddIndex(
            model_name="handoff",
            index=models.Index(fields=["team", "case"], name="handoff_team_case"),
        ),
    ]
