"""The typed inspector gives way to the account (0006 kept what did not match); the Art 27
rules become database constraints once every row follows them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0007_art27_allocations_governance_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="base", name="inspector_name"),
        migrations.RemoveField(model_name="base", name="inspector_phone"),
        migrations.AddConstraint(
            model_name="fundingentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="funding_amount_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="fundingentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "spending"),
                    models.Q(
                        ("due_on__isnull", False),
                        ("entry_date__isnull", True),
                        ("kind", "allocation"),
                        ("state__in", ["planned", "paid"]),
                        ("year_no__gte", 1),
                        ("year_no__lte", 3),
                    ),
                    _connector="OR",
                ),
                name="allocation_year_due_and_state",
            ),
        ),
        migrations.AddConstraint(
            model_name="fundingentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "allocation"),
                    models.Q(
                        ("entry_date__isnull", False),
                        ("kind", "spending"),
                        ("state", ""),
                        ("year_no__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="spending_has_a_date_and_no_state",
            ),
        ),
        migrations.AddConstraint(
            model_name="fundingentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state", "paid"), _negated=True),
                    models.Q(
                        ("paid_on__isnull", False),
                        models.Q(("voucher_number", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="paid_allocation_has_date_and_voucher",
            ),
        ),
        migrations.AddConstraint(
            model_name="fundingentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("state", "paid"),
                    models.Q(("paid_on__isnull", True), ("voucher_number", "")),
                    _connector="OR",
                ),
                name="only_paid_allocations_have_payment",
            ),
        ),
        migrations.AddConstraint(
            model_name="fundingentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "spending"),
                    ("amount", 10000),
                    models.Q(("amount_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="allocation_other_amount_has_reason",
            ),
        ),
    ]
