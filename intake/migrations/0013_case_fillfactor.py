# Issue 13: cases are updated often (status, owner, the sweep's expected dates). With free room on each page
# PostgreSQL can write an updated row next to the old one without touching the case table's indexes (a "HOT"
# update); on full pages every update writes an entry into each of its ~30 indexes. 85% leaves that room.
# Existing pages get it when the table is rewritten (VACUUM FULL or pg_repack); new rows at once.

from django.db import migrations


def set_fillfactor(percent):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE intake_case SET (fillfactor = {int(percent)})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("intake", "0012_case_clock_deadline")]

    operations = [migrations.RunPython(set_fillfactor(85), set_fillfactor(100), elidable=True)]
