# Art 29: an Excellent term assessment recommends the base for the provincial AND the national
# level ("优先推荐申报省级和国家级联合培养基地"); the flag keeps its values under its new name.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("agreements", "0004_certificate_print"),
    ]

    operations = [
        migrations.RenameField(
            model_name="base",
            old_name="recommended_provincial",
            new_name="recommended_for_higher_level",
        ),
        migrations.AlterField(
            model_name="base",
            name="recommended_for_higher_level",
            field=models.BooleanField(default=False, verbose_name="推荐申报省级和国家级基地"),
        ),
    ]
