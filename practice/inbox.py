"""What waits for whom in the Annex 2 chain: one inbox task per practice request."""

from django.urls import reverse

from practice.choices import RequestState as S
from practice.models import PracticeRequest
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.inbox import Task, provider

CATEGORY = "专业实践"


def _task(req, title, detail) -> Task:
    return Task(
        title=f"{title}：{req}",
        detail=detail,
        url=reverse("practice:request_detail", args=[req.pk]),
        category=CATEGORY,
        since=req.updated_at,
    )


def _where(req) -> str:
    base = req.base.name if req.base else "尚未选择基地"
    if req.starts_on and req.ends_on:
        return f"{base}，{req.starts_on:%Y-%m-%d} 至 {req.ends_on:%Y-%m-%d}"
    return base


def _waiting(state, **filters):
    return (
        PracticeRequest.objects.filter(state=state, **filters)
        .select_related("student", "base")
        .order_by("updated_at")[:100]
    )


@provider
def practice_for_student(user) -> list[Task]:
    if not user.has_role(RoleCode.STUDENT):
        return []
    tasks = []
    for req in _waiting(S.DRAFT, student=user):
        if req.round:  # a submitted request is a draft again only when it was returned
            tasks.append(_task(req, "退回修改", "申请已被退回，请按意见修改后重新提交。"))
        else:
            tasks.append(_task(req, "待提交", "专业实践申请表尚未提交（第二十一条）。"))
    return tasks


@provider
def practice_for_campus_supervisor(user) -> list[Task]:
    if not user.has_role(RoleCode.CAMPUS_SUPERVISOR):
        return []
    return [
        _task(req, "校内导师审核", f"{_where(req)}：请审核并填写导师意见（第十八条）。")
        for req in _waiting(S.SUPERVISOR_REVIEW, student__student_profile__campus_supervisor=user)
    ]


@provider
def practice_for_college(user) -> list[Task]:
    if not access.is_college_staff(user):
        return []
    return [
        _task(req, "学院审核", f"{_where(req)}：请审核并填写学院意见。")
        for req in _waiting(S.COLLEGE_REVIEW, student__college_id=user.college_id)
    ]


@provider
def practice_for_office(user) -> list[Task]:
    if not access.is_office(user):
        return []
    return [
        _task(req, "学科与研究生处审批", f"{_where(req)}：请审批专业实践申请。")
        for req in _waiting(S.OFFICE_REVIEW)
    ]
