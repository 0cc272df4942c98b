"""Existing rows under the new rules (see agreements/README.md, "Migrating existing data").

Art 27: every existing allocation becomes *planned*, due on the plaque date + (year − 1) years.
None of them carries a payment document number: the automatic ones were written by the system
at establishment, the ones the office added by hand recorded a date but no voucher. Marking them
paid would show money no document backs; the office confirms each payment on the base page.
An allocation the system created automatically for a base the regulation does not fund
automatically (provincial/national, or plaqued before the regulation came into force) is
removed; one the office added by hand stays, planned, with its old date kept in its summary.

Art 12(3): the inspector's typed name becomes the teacher account of the base's college with
exactly that name (a campus supervisor or college head); otherwise the text is kept as
``inspector_legacy`` and the base shows it until the college names an account.

Art 9, Art 10: each member's capacity, where the unit and role say it unambiguously;
otherwise left blank ("未注明"), which the compliance panel reports.
"""

from datetime import date

from django.conf import settings
from django.db import migrations

ART27_IN_FORCE = date(2025, 7, 13)  # a frozen copy of agreements.compliance.ART27_IN_FORCE
TEACHER_ROLES = ("campus_supervisor", "college_head")
DEFAULT_AMOUNT = 10_000
GRADUATE_OFFICE = "学科与研究生处"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _manual_years(apps, base) -> set[int]:
    """Years the office added by hand ("登记学校拨款" on the base's timeline)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    TransitionLog = apps.get_model("xcu_bases", "TransitionLog")
    content_type = ContentType.objects.filter(app_label="agreements", model="base").first()
    if content_type is None:
        return set()
    comments = TransitionLog.objects.filter(
        content_type=content_type, object_id=str(base.pk), transition="add_allocation"
    ).values_list("comment", flat=True)
    return {n for n in (1, 2, 3) for c in comments if c.startswith(f"第 {n} 年")}


def allocations_forward(apps, schema_editor):
    FundingEntry = apps.get_model("agreements", "FundingEntry")
    Base = apps.get_model("agreements", "Base")
    FundingEntry.objects.filter(kind="spending").update(state="")
    for base in Base.objects.filter(funding__kind="allocation").distinct():
        manual = _manual_years(apps, base)
        exempt = base.level != "school" or not base.plaque_date or base.plaque_date < ART27_IN_FORCE
        for entry in FundingEntry.objects.filter(base=base, kind="allocation"):
            if entry.year_no not in manual and exempt and not entry.file:
                entry.delete()
                continue
            due_on = (
                _add_years(base.plaque_date, entry.year_no - 1)
                if base.plaque_date and entry.year_no
                else entry.entry_date
            )
            description = entry.description
            if entry.year_no in manual and entry.entry_date:
                description = f"{description}（原登记拨款日期 {entry.entry_date:%Y-%m-%d}，无拨付凭证号）"
            FundingEntry.objects.filter(pk=entry.pk).update(
                state="planned",
                due_on=due_on,
                entry_date=None,
                description=description[:300],
                amount_reason=(
                    "" if entry.amount == DEFAULT_AMOUNT else "迁移前登记的金额（未记录理由）"
                ),
            )


def allocations_backward(apps, schema_editor):
    FundingEntry = apps.get_model("agreements", "FundingEntry")
    for entry in FundingEntry.objects.filter(kind="allocation"):
        FundingEntry.objects.filter(pk=entry.pk).update(
            entry_date=entry.paid_on or entry.due_on
        )


def inspectors_forward(apps, schema_editor):
    Base = apps.get_model("agreements", "Base")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for base in Base.objects.exclude(inspector_name=""):
        matches = list(
            User.objects.filter(
                college_id=base.college_id,
                name=base.inspector_name.strip(),
                roles__code__in=TEACHER_ROLES,
                is_active=True,
            )
            .distinct()
            .values_list("pk", flat=True)[:2]
        )
        if len(matches) == 1:
            Base.objects.filter(pk=base.pk).update(inspector_id=matches[0], inspector_legacy="")
        else:
            phone = f"（{base.inspector_phone}）" if base.inspector_phone else ""
            legacy = f"{base.inspector_name}{phone}"[:80]
            Base.objects.filter(pk=base.pk).update(inspector_legacy=legacy)


def inspectors_backward(apps, schema_editor):
    Base = apps.get_model("agreements", "Base")
    for base in Base.objects.select_related("inspector"):
        if base.inspector_id:
            name, phone = base.inspector.name, base.inspector.phone
        else:
            name, phone = base.inspector_legacy, ""
        Base.objects.filter(pk=base.pk).update(inspector_name=name[:50], inspector_phone=phone[:20])


def _capacity(member, base) -> str:
    unit, position = member.unit.strip(), member.position
    if "分管研究生" in position:
        return "school_leader"
    if unit == GRADUATE_OFFICE:
        return "graduate_office"
    if unit == base.partner.name:
        if member.body == "working_group" and member.role == "deputy":
            return "partner_dept_head"  # Art 10: the form asked for exactly that
        return "partner"
    if unit == base.college.name:
        if member.body == "working_group" and member.role == "leader":
            return "college_head"  # Art 10: the form asked for exactly that
        if any(word in position for word in ("院长", "书记", "负责人")):
            return "college_head"
        return "college_staff"
    return ""


def capacities_forward(apps, schema_editor):
    GovernanceMember = apps.get_model("agreements", "GovernanceMember")
    for member in GovernanceMember.objects.filter(capacity="").select_related(
        "base__partner", "base__college"
    ):
        capacity = _capacity(member, member.base)
        if capacity:
            GovernanceMember.objects.filter(pk=member.pk).update(capacity=capacity)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0006_art27_allocations_governance_fields"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("xcu_bases", "0003_transitionlog_append_only"),
    ]

    operations = [
        migrations.RunPython(allocations_forward, allocations_backward),
        migrations.RunPython(inspectors_forward, inspectors_backward),
        migrations.RunPython(capacities_forward, migrations.RunPython.noop),
    ]
