"""What waits for the graduate office about bases: yearly allocations due and not yet paid
(Art 27, Art 11(4))."""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone

from agreements.choices import AllocationState, BaseState, FundingKind
from agreements.compliance import OVERDUE_RED_DAYS
from agreements.models import FundingEntry
from xcu_bases import access
from xcu_bases.inbox import Task, provider

CATEGORY = "基地经费"


@provider
def allocations_due(user) -> list[Task]:
    """Planned allocations whose due date has come: the office records each payment."""
    if not access.is_office(user):
        return []
    today = timezone.localdate()
    due = (
        FundingEntry.objects.filter(
            kind=FundingKind.ALLOCATION, state=AllocationState.PLANNED, due_on__lte=today
        )
        .exclude(base__state=BaseState.REVOKED)
        .select_related("base")
        .order_by("due_on", "pk")[:100]
    )
    return [_task(entry, today) for entry in due]


def _task(entry: FundingEntry, today) -> Task:
    days = (today - entry.due_on).days
    late = "今天到期" if days == 0 else f"已过 {days} 天"
    if days >= OVERDUE_RED_DAYS:
        late += f"（超过 {OVERDUE_RED_DAYS} 天）"
    return Task(
        title=f"登记拨付：{entry.base.name} 第 {entry.year_no} 年建设经费",
        detail=(
            f"计划于 {entry.due_on:%Y年%m月%d日} 拨付 {entry.amount:,.2f} 元，{late}，"
            "请登记拨付日期和凭证号（第二十七条）。"
        ),
        url=reverse("agreements:allocation_pay", args=[entry.base_id, entry.pk]),
        category=CATEGORY,
        since=timezone.make_aware(datetime.combine(entry.due_on, time.min)),
    )
