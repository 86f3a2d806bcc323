import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="InboundMail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("mailbox", models.CharField(max_length=300)),
                ("uid_validity", models.CharField(blank=True, max_length=20)),
                ("uid", models.CharField(max_length=200)),
                ("message_id", models.CharField(max_length=250, unique=True)),
                ("from_email", models.CharField(blank=True, db_index=True, max_length=254, verbose_name="afzender")),
                ("from_name", models.CharField(blank=True, max_length=200)),
                ("subject", models.CharField(blank=True, max_length=200, verbose_name="onderwerp")),
                ("size", models.PositiveIntegerField(default=0)),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("new_case", "Nieuwe vraag"),
                            ("forwarded", "Doorgestuurde vraag"),
                            ("reply", "Reactie op een vraag"),
                            ("reopened", "Reactie, vraag heropend"),
                            ("follow_up", "Reactie op een oude vraag: nieuwe vraag"),
                            ("check", "Nieuwe vraag, afzender controleren"),
                            ("automatic", "Automatisch bericht (geen ontvangstbevestiging)"),
                            ("too_large", "Geweigerd: te groot"),
                            ("rate_limited", "Geweigerd: te veel berichten van deze afzender"),
                        ],
                        max_length=20,
                        verbose_name="uitkomst",
                    ),
                ),
                ("automatic", models.CharField(blank=True, max_length=20)),
                ("needs_check", models.BooleanField(default=False, verbose_name="controleren")),
                ("auth", models.JSONField(blank=True, default=dict)),
                ("received_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="gelezen")),
                ("done_at", models.DateTimeField(blank=True, null=True)),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="inbound_mails",
                        to="intake.case",
                    ),
                ),
            ],
            options={
                "verbose_name": "inkomende e-mail",
                "verbose_name_plural": "inkomende e-mail",
                "ordering": ["-received_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("mailbox", "uid_validity", "uid"), name="inbound_mail_uid_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="OutgoingMessageId",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("message_id", models.CharField(max_length=250, unique=True)),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="intake.case",
                    ),
                ),
                (
                    "outbox",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="intake.outboxmessage"
                    ),
                ),
            ],
            options={
                "verbose_name": "Message-ID van een verstuurd bericht",
                "verbose_name_plural": "Message-ID's van verstuurde berichten",
            },
        ),
    ]
