"""Rows the Art 9–17 and Art 27 tests build: a fully governed base, allocations."""

from datetime import date, timedelta

from agreements.choices import (
    AllocationState,
    FundingKind,
    GovernanceBody,
    GovernanceCapacity,
    GovernanceRole,
)
from agreements.compliance import allocation_due_on
from agreements.models import Base, ExchangeMeeting, FundingEntry, GovernanceMember
from tests.conftest import make_user
from xcu_bases.choices import RoleCode as R

C, B, ROLE = GovernanceCapacity, GovernanceBody, GovernanceRole

# Art 9 and Art 10 as the regulation wants them: (body, role, capacity, name, unit).
FULL = [
    (B.COMMITTEE, ROLE.LEADER, C.SCHOOL_LEADER, "黄永林", "西昌学院"),
    (B.COMMITTEE, ROLE.DEPUTY, C.PARTNER, "阿西木呷", "合作单位"),
    (B.COMMITTEE, ROLE.MEMBER, C.GRADUATE_OFFICE, "唐文彬", "学科与研究生处"),
    (B.COMMITTEE, ROLE.MEMBER, C.COLLEGE_HEAD, "陈志强", "学院"),
    (B.WORKING_GROUP, ROLE.LEADER, C.COLLEGE_HEAD, "陈志强", "学院"),
    (B.WORKING_GROUP, ROLE.DEPUTY, C.PARTNER_DEPT_HEAD, "张德明", "合作单位"),
    (B.WORKING_GROUP, ROLE.MEMBER, C.GRADUATE_OFFICE, "罗晓梅", "学科与研究生处"),
]


def teacher(username, college, role=R.CAMPUS_SUPERVISOR, **extra):
    return make_user(username, role, college=college, **extra)


def members(base: Base, rows=FULL) -> None:
    GovernanceMember.objects.bulk_create(
        GovernanceMember(base=base, body=body, role=role, capacity=capacity, name=name, unit=unit)
        for body, role, capacity, name, unit in rows
    )


def full_governance(base: Base, *, office, today: date, inspector=None) -> Base:
    """Committee and working group complete (Art 9, 10), an inspector teacher of the college
    (Art 12(3)) and an exchange meeting a month before ``today`` (Art 17)."""
    members(base)
    inspector = inspector or teacher(f"inspector{base.pk}", base.college, name="张明华")
    Base.objects.filter(pk=base.pk).update(inspector=inspector)
    ExchangeMeeting.objects.create(
        base=base, held_on=today - timedelta(days=30), title="基地建设交流会", participants="甲",
        minutes="纪要", recorded_by=office,
    )  # fmt: skip
    return Base.objects.get(pk=base.pk)


def allocation(
    base: Base, year_no: int, by, *, paid_on=None, amount=10_000, reason="", due_on=None
):
    """One Art 27 allocation, planned (due from the plaque) or paid on ``paid_on``."""
    due_on = due_on or allocation_due_on(base.plaque_date, year_no)
    paid = paid_on is not None
    return FundingEntry.objects.create(
        base=base, kind=FundingKind.ALLOCATION, year_no=year_no, amount=amount,
        amount_reason=reason, due_on=due_on, paid_on=paid_on,
        state=AllocationState.PAID if paid else AllocationState.PLANNED,
        voucher_number=f"财拨〔{paid_on.year}〕{year_no}号" if paid else "",
        description=f"第 {year_no} 年", recorded_by=by,
    )  # fmt: skip
