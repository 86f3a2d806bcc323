# Issue 16: outbox rows for other channels than e-mail (webhook, Open Klant).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0006_outbox_lease_failure_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="channel",
            field=models.CharField(
                choices=[("email", "E-mail"), ("webhook", "Webhook"), ("openklant", "Open Klant")],
                db_default="email",
                default="email",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="meta",
            field=models.JSONField(blank=True, default=dict, null=True),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="url",
            field=models.URLField(blank=True, db_default="", default="", max_length=500),
        ),
    ]
