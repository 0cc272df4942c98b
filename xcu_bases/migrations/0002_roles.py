from django.db import migrations

ROLES = [
    "graduate_office",
    "college_secretary",
    "college_head",
    "legal_office",
    "expert",
    "student",
    "campus_supervisor",
    "base_supervisor",
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("xcu_bases", "Role")
    for code in ROLES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("xcu_bases", "0001_initial")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
