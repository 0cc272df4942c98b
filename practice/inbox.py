"""What waits for whom in practice: Annex 2 and Annex 3 steps, clearances, overdue contacts."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from practice import contacts, forwarding
from practice.choices import REQUEST_RUNNING_STATES, ClearanceState, SupervisorState
from practice.choices import AssessmentState as A
from practice.choices import RequestState as S
from practice.models import PracticeAssessment, PracticeRequest, PublicationClearance
from practice.selectors import supervisor_unavailable_q
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
    base = req.place_name
    if req.starts_on and req.ends_on:
        return f"{base}，{req.starts_on:%Y-%m-%d} 至 {req.ends_on:%Y-%m-%d}"
    return base


def _waiting(state, *conditions, **filters):
    return (
        PracticeRequest.objects.filter(*conditions, state=state, **filters)
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
def practice_for_base_supervisor(user) -> list[Task]:
    """Art 19: the plan waits for the base supervisor's confirmation."""
    if not user.has_role(RoleCode.BASE_SUPERVISOR):
        return []
    return [
        _task(req, "确认实践计划", f"{_where(req)}：请确认实践计划或退回修改（第十九条）。")
        for req in _waiting(
            S.PLAN_REVIEW,
            base_supervisor__user=user,
            base_supervisor__state=SupervisorState.CERTIFIED,
        )
    ]


@provider
def practice_for_college(user) -> list[Task]:
    """The head gives the college's opinion; the secretary checks and forwards to the head."""
    if not access.is_college_staff(user):
        return []
    tasks = []
    waiting = list(_waiting(S.COLLEGE_REVIEW, student__college_id=user.college_id))
    if user.has_role(RoleCode.COLLEGE_HEAD):
        tasks += [
            _task(req, "学院审核", f"{_where(req)}：请学院负责人审核并签署学院意见。")
            for req in waiting
        ]
    if user.has_role(RoleCode.COLLEGE_SECRETARY):
        done = forwarding.forwarded_ids(waiting)
        tasks += [
            _task(req, "核对材料", f"{_where(req)}：请核对材料齐全后转学院负责人。")
            for req in waiting
            if req.pk not in done
        ]
    stuck = (
        PracticeRequest.objects.filter(
            supervisor_unavailable_q(),
            state__in=REQUEST_RUNNING_STATES,
            student__college_id=user.college_id,
        )
        .select_related("student", "base", "base_supervisor")
        .order_by("updated_at")[:100]
    )
    tasks += [
        _task(
            req, "更换基地导师", f"{_where(req)}：{_supervisor_problem(req)}，请更换（第十八条）。"
        )
        for req in stuck
        if not _awaiting_certification(req)
    ]
    return tasks


def _supervisor_problem(req) -> str:
    sup = req.base_supervisor
    if sup is None:
        return "没有基地导师"
    if sup.state == SupervisorState.REVOKED:
        return f"基地导师{sup.name}资格已撤销"
    return f"基地导师{sup.name}认定已过期或账号已停用"


def _awaiting_certification(req) -> bool:
    """A nominated replacement waits for the office, not for the college."""
    return (
        req.base_supervisor is not None and req.base_supervisor.state == SupervisorState.NOMINATED
    )


@provider
def practice_for_office(user) -> list[Task]:
    """Requests to approve and (Art 18) plan confirmations the office may stand in for: one query."""
    if not access.is_office(user):
        return []
    waiting = (
        PracticeRequest.objects.filter(
            Q(state=S.OFFICE_REVIEW) | Q(supervisor_unavailable_q(), state=S.PLAN_REVIEW)
        )
        .select_related("student", "base")
        .order_by("updated_at")[:200]
    )
    approve, stand_in = [], []
    for req in waiting:
        if req.state == S.OFFICE_REVIEW:
            approve.append(
                _task(req, "学科与研究生处审批", f"{_where(req)}：请审批专业实践申请。")
            )
        else:
            stand_in.append(_task(req, "代基地导师确认实践计划", f"{_where(req)}：基地导师目前无法"
                            "办理，可由学科与研究生处代为确认（须填写理由），或待学院更换基地导师（第十八条）。"))  # fmt: skip
    return approve + stand_in


# --- Annex 3, clearances and contacts -------------------------------------------------------


def _assessment_task(assessment, title, detail) -> Task:
    return Task(
        title=f"{title}：{assessment.request.student} 的专业实践考核登记表",
        detail=detail,
        url=reverse("practice:assessment_detail", args=[assessment.pk]),
        category=CATEGORY,
        since=assessment.updated_at,
    )


def _assessments(state, *conditions, **filters):
    return (
        PracticeAssessment.objects.filter(*conditions, state=state, **filters)
        .select_related("request__student")
        .order_by("updated_at")[:100]
    )


@provider
def assessments_for_student(user) -> list[Task]:
    if not user.has_role(RoleCode.STUDENT):
        return []
    return [
        _assessment_task(a, "退回修改", "考核登记表已被退回，请按意见修改后重新提交。")
        for a in _assessments(A.DRAFT, request__student=user, round__gt=0)
    ]


@provider
def assessments_for_reviewers(user) -> list[Task]:
    """Each review step of Annex 3 waits on exactly one kind of person."""
    tasks = []
    if user.has_role(RoleCode.BASE_SUPERVISOR):
        tasks += [
            _assessment_task(a, "基地导师评定", "请评定成绩并填写基地导师意见（第二十四条）。")
            for a in _assessments(
                A.BASE_SUPERVISOR_REVIEW,
                request__base_supervisor__user=user,
                request__base_supervisor__state=SupervisorState.CERTIFIED,
            )
        ]
        tasks += [
            Task(
                title=f"成果涉密性确认：{c.request.student}《{c.title}》",
                detail=f"{c.get_use_display()}前请确认是否涉密（第二十五条）。",
                url=reverse("practice:clearance_detail", args=[c.pk]),
                category=CATEGORY,
                since=c.asked_at,
            )
            for c in PublicationClearance.objects.filter(
                state=ClearanceState.PENDING, request__base_supervisor__user=user
            )
            .select_related("request__student")
            .order_by("asked_at")[:100]
        ]
    if user.has_role(RoleCode.CAMPUS_SUPERVISOR):
        tasks += [
            _assessment_task(a, "校内导师审核", "请审核考核登记表并填写意见。")
            for a in _assessments(
                A.CAMPUS_SUPERVISOR_REVIEW,
                request__student__student_profile__campus_supervisor=user,
            )
        ]
    if access.is_college_staff(user):
        tasks += _assessments_for_college(user)
    if access.is_office(user):
        tasks += _assessments_for_office()
    return tasks


def _assessments_for_office() -> list[Task]:
    """Annex 3 to archive, and (Art 18) grades the office may give for an absent base supervisor:
    one query."""
    waiting = (
        PracticeAssessment.objects.filter(
            Q(state=A.OFFICE_REVIEW)
            | Q(supervisor_unavailable_q("request__"), state=A.BASE_SUPERVISOR_REVIEW)
        )
        .select_related("request__student")
        .order_by("updated_at")[:200]
    )
    archive, stand_in = [], []
    for a in waiting:
        if a.state == A.OFFICE_REVIEW:
            archive.append(_assessment_task(
                a, "审核归档", "请审核考核登记表；学位论文已上传、学位论文涉密性已经基地确认（涉密的须有"
                "保密协议）后方可归档（第二十四、二十五条）。",
            ))  # fmt: skip
        else:
            stand_in.append(_assessment_task(
                a, "代基地导师评定", "基地导师目前无法办理，可由学科与研究生处代为评定（须填写理由），"
                "或待学院更换基地导师（第十八条）。",
            ))  # fmt: skip
    return archive + stand_in


def _assessments_for_college(user) -> list[Task]:
    """Annex 3 学院意见: the head signs; the secretary checks and forwards."""
    waiting = list(_assessments(A.COLLEGE_REVIEW, request__student__college_id=user.college_id))
    tasks = []
    if user.has_role(RoleCode.COLLEGE_HEAD):
        tasks += [
            _assessment_task(a, "学院审核", "请学院负责人审核考核登记表并签署学院意见。")
            for a in waiting
        ]
    if user.has_role(RoleCode.COLLEGE_SECRETARY):
        done = forwarding.forwarded_ids(waiting)
        tasks += [
            _assessment_task(a, "核对材料", "请核对考核登记表材料齐全后转学院负责人。")
            for a in waiting
            if a.pk not in done
        ]
    return tasks


@provider
def overdue_contacts(user) -> list[Task]:
    """Art 20: a closed month without a contact is a task for both supervisors."""
    condition = Q(pk__in=[])
    if user.has_role(RoleCode.CAMPUS_SUPERVISOR):
        condition |= Q(student__student_profile__campus_supervisor=user)
    if user.has_role(RoleCode.BASE_SUPERVISOR):
        condition |= Q(base_supervisor__user=user)
    if not user.has_role(RoleCode.CAMPUS_SUPERVISOR, RoleCode.BASE_SUPERVISOR):
        return []
    today = timezone.localdate()
    tasks = []
    for practice in contacts.practices_of(PracticeRequest.objects.filter(condition)):
        record = practice.record(today)
        if record.status != contacts.RED:
            continue
        tasks.append(
            Task(
                title=f"导师沟通逾期：{practice.student}",
                detail="；".join(record.problems) + "。请与对方导师沟通并登记（第二十条）。",
                url=reverse("practice:request_detail", args=[practice.request_id]) + "#contacts",
                category=CATEGORY,
            )
        )
    return tasks
