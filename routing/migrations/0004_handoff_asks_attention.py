# "Fast at every door": "vraagt uw aandacht" as a marker kept by routing.services (Handoff.asks_attention), read
# from a small partial index instead of joining every open case with every returned hand-off.

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q

OPEN_CASE = ["in_progress", "new", "waiting_department", "waiting_entrepreneur"]  # intake.workflow.OPEN


def fill_asks_attention(apps, schema_editor):
    """The rule of routing.selectors.asks_attention for the existing rows, in one UPDATE: an open case's
    hand-off that asks back, or was returned and not followed up by a later hand-off of the case. The
    candidates come from the partial index handoff_attention_case (dropped below), a few per cent of the rows."""
    Handoff = apps.get_model("routing", "Handoff")
    later = Handoff.objects.filter(case=OuterRef("case"), created_at__gt=OuterRef("closed_at"))
    Handoff.objects.filter(status__in=["info_requested", "returned"], case__status__in=OPEN_CASE).filter(
        Q(status="info_requested") | Q(closed_at__isnull=True) | ~Exists(later)
    ).update(asks_attention=True)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0010_portefeuillehouder"),
        ("routing", "0003_handoff_open_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="handoff",
            name="asks_attention",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunPython(fill_asks_attention, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="handoff",
            index=models.Index(
                condition=models.Q(("asks_attention", True)), fields=["case"], name="handoff_asks_attention"
            ),
        ),
        migrations.RemoveIndex(model_name="handoff", name="handoff_attention_case"),
    ]
