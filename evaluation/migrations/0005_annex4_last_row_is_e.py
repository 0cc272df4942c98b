# Annex 4 codes the last block's one row "E" (the seed's "E. 5 | E. 5"), not "E1": existing
# standards, in use or not, are relabelled. Only the code changes; scores and evidence keep
# pointing at the same indicator.

from django.db import migrations


def e1_to_e(apps, schema_editor):
    Indicator = apps.get_model("evaluation", "Indicator")
    for row in Indicator.objects.filter(code="E1", parent__code="E", parent__parent__isnull=True):
        if not Indicator.objects.filter(parent=row.parent).exclude(pk=row.pk).exists():
            row.code = "E"
            row.save(update_fields=["code"])


def e_to_e1(apps, schema_editor):
    Indicator = apps.get_model("evaluation", "Indicator")
    Indicator.objects.filter(code="E", parent__code="E", parent__parent__isnull=True).update(
        code="E1"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("evaluation", "0004_term_rounds_revocation_decisions"),
    ]

    operations = [migrations.RunPython(e1_to_e, e_to_e1)]
