import re

from django.db import migrations, models

TRACKING_LINK = re.compile(r"/volgen/([A-Za-z0-9_\-]{20,})/")


def hide_tracking_tokens(apps, schema_editor):
    """Rows stored before: a row still to be sent keeps its token encrypted, every other row loses it."""
    from intake import crypto
    from intake.outbox import TRACKING_TOKEN_PLACEHOLDER

    OutboxMessage = apps.get_model("intake", "OutboxMessage")
    for row in OutboxMessage.objects.filter(body_text__contains="/volgen/").iterator():
        match = TRACKING_LINK.search(row.body_text)
        if not match:
            continue
        if row.status in ("queued", "sending"):
            token = match.group(1)
            row.tracking_token_encrypted = crypto.encrypt(token)
            row.body_text = row.body_text.replace(token, TRACKING_TOKEN_PLACEHOLDER)
            row.body_html = row.body_html.replace(token, TRACKING_TOKEN_PLACEHOLDER)
        else:
            row.body_text = TRACKING_LINK.sub("/volgen/[verwijderd]/", row.body_text)
            row.body_html = TRACKING_LINK.sub("/volgen/[verwijderd]/", row.body_html)
        row.save(update_fields=["tracking_token_encrypted", "body_text", "body_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_company_contact_history_kvk_claim"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="tracking_token_encrypted",
            field=models.TextField(blank=True, default="", db_default="", editable=False),
        ),
        migrations.RunPython(hide_tracking_tokens, migrations.RunPython.noop),
    ]
