"""Annex 1 II's second person row (联系人: name, phone, E-mail) and V's partner opinion.

The E-mail typed so far sat on the lead's row; on the paper form it belongs to the second
row. It moves there with its owner: where an E-mail was given, the lead's name and phone
are copied into the new contact row, so no person is paired with another's address.
Frozen snapshots are left as they were (``applications.snapshot.upgrade`` reads them).
"""

import django.core.validators
from django.db import migrations, models

PHONE = django.core.validators.RegexValidator(
    "^[0-9+\\-() ]{7,20}$", "请输入有效的电话号码（7–20 位数字，可含 +、-、括号和空格）。"
)


def lead_becomes_contact(apps, schema_editor):
    BaseApplication = apps.get_model("applications", "BaseApplication")
    for app in BaseApplication.objects.exclude(college_contact_email="").only(
        "pk", "college_lead", "college_lead_phone"
    ):
        BaseApplication.objects.filter(pk=app.pk).update(
            college_contact=app.college_lead, college_contact_phone=app.college_lead_phone
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_clearer_phone_labels"),
    ]

    operations = [
        migrations.RenameField(
            model_name="baseapplication",
            old_name="college_lead_email",
            new_name="college_contact_email",
        ),
        migrations.AlterField(
            model_name="baseapplication",
            name="college_contact_email",
            field=models.EmailField(
                blank=True, max_length=254, verbose_name="联系人 E-mail（申报单位）"
            ),
        ),
        migrations.AddField(
            model_name="baseapplication",
            name="college_contact",
            field=models.CharField(
                blank=True, max_length=50, verbose_name="基地建设联系人（申报单位）"
            ),
        ),
        migrations.AddField(
            model_name="baseapplication",
            name="college_contact_phone",
            field=models.CharField(
                blank=True,
                max_length=20,
                validators=[PHONE],
                verbose_name="联系人联系电话（申报单位）",
            ),
        ),
        migrations.RunPython(lead_becomes_contact, migrations.RunPython.noop),
        migrations.AddField(
            model_name="baseapplication",
            name="partner_opinion",
            field=models.TextField(blank=True, max_length=400, verbose_name="合作单位意见"),
        ),
        migrations.AddField(
            model_name="baseapplication",
            name="partner_opinion_signatory",
            field=models.CharField(
                blank=True, max_length=50, verbose_name="合作单位负责人（签章人）"
            ),
        ),
        migrations.AddField(
            model_name="baseapplication",
            name="partner_opinion_date",
            field=models.DateField(blank=True, null=True, verbose_name="合作单位签署日期"),
        ),
    ]
