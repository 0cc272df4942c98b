"""Art 27 planned/paid allocations, Art 9/10 member capacity, Art 12(3) inspector account,
Art 28 "other" project level: the new columns (filled by 0006, constrained by 0007)."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0005_recommended_for_higher_level"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="base",
            name="inspector",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="inspected_bases",
                to=settings.AUTH_USER_MODEL,
                verbose_name="督导员",
            ),
        ),
        migrations.AddField(
            model_name="base",
            name="inspector_legacy",
            field=models.CharField(
                blank=True, max_length=80, verbose_name="原登记督导员（未关联账号）"
            ),
        ),
        migrations.AddField(
            model_name="fundingentry",
            name="amount_reason",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="金额不是 10,000 元的理由"
            ),
        ),
        migrations.AddField(
            model_name="fundingentry",
            name="due_on",
            field=models.DateField(blank=True, null=True, verbose_name="计划拨付日期"),
        ),
        migrations.AddField(
            model_name="fundingentry",
            name="paid_on",
            field=models.DateField(blank=True, null=True, verbose_name="拨付日期"),
        ),
        migrations.AddField(
            model_name="fundingentry",
            name="state",
            field=django_fsm.FSMField(
                blank=True,
                choices=[("planned", "计划拨付"), ("paid", "已拨付")],
                default="",
                max_length=50,
                protected=True,
                verbose_name="拨付状态",
            ),
        ),
        migrations.AddField(
            model_name="fundingentry",
            name="voucher_number",
            field=models.CharField(blank=True, max_length=100, verbose_name="拨付凭证号"),
        ),
        migrations.AddField(
            model_name="governancemember",
            name="capacity",
            field=models.CharField(
                blank=True,
                choices=[
                    ("school_leader", "分管研究生教育校领导"),
                    ("partner", "合作单位"),
                    ("partner_dept_head", "合作单位部门负责人"),
                    ("graduate_office", "学科与研究生处"),
                    ("college_head", "学院负责人"),
                    ("college_staff", "学院工作人员"),
                    ("other", "其他"),
                ],
                max_length=30,
                verbose_name="代表身份",
            ),
        ),
        migrations.AlterField(
            model_name="fundingentry",
            name="entry_date",
            field=models.DateField(blank=True, null=True, verbose_name="支出日期"),
        ),
        migrations.AlterField(
            model_name="jointproject",
            name="level",
            field=models.CharField(
                choices=[
                    ("national", "国家级"),
                    ("provincial", "省部级"),
                    ("city", "市厅级"),
                    ("contract", "横向"),
                    ("other", "其他"),
                ],
                max_length=20,
                verbose_name="级别",
            ),
        ),
    ]
