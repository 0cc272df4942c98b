"""What waits for whom in the Art 7 chain: one inbox task per application."""

from django.urls import reverse

from applications.choices import ApplicationState as S
from applications.models import BaseApplication, ExpertReview
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.inbox import Task, provider

CATEGORY = "基地申报"


def _tasks(queryset, title, detail) -> list[Task]:
    return [
        Task(
            title=f"{title}：{app}",
            detail=detail(app),
            url=reverse("applications:detail", args=[app.pk]),
            category=CATEGORY,
            since=app.updated_at,
        )
        for app in queryset.select_related("college")[:50]
    ]


@provider
def applications_for_college(user) -> list[Task]:
    tasks = []
    if user.has_role(RoleCode.COLLEGE_SECRETARY) and user.college_id:
        drafts = BaseApplication.objects.filter(college_id=user.college_id, state=S.DRAFT)
        tasks += _tasks(
            drafts.filter(round__gt=0),
            "退回修改",
            lambda a: "申报书已被退回，请按意见修改后重新提交。",
        )
        tasks += _tasks(drafts.filter(round=0), "待提交", lambda a: "申报书草稿尚未提交。")
    if user.has_role(RoleCode.COLLEGE_HEAD) and user.college_id:
        tasks += _tasks(
            BaseApplication.objects.filter(college_id=user.college_id, state=S.COLLEGE_REVIEW),
            "学院审核",
            lambda a: "请审核并填写学院意见（第七条第一项）。",
        )
    return tasks


_OFFICE_STEPS = {
    S.OFFICE_REVIEW: ("论证考察", "组织专家评审、实地考察（第七条第三项）。"),
    S.MEETING: ("校长办公会", "登记校长办公会审定结果（第七条第四项）。"),
    S.APPROVED: ("签订协议", "登记协议签订并上传扫描件（第七条第四项）。"),
    S.SIGNED: ("基地挂牌", "登记挂牌日期（第七条第五项）。"),
}


@provider
def applications_for_office(user) -> list[Task]:
    if not access.is_office(user):
        return []
    waiting = BaseApplication.objects.filter(state__in=list(_OFFICE_STEPS)).select_related(
        "college"
    )
    tasks = []
    for app in waiting.order_by("updated_at")[:200]:
        title, detail = _OFFICE_STEPS[app.state]
        tasks.append(
            Task(
                title=f"{title}：{app}",
                detail=f"{app.college}：{detail}",
                url=reverse("applications:detail", args=[app.pk]),
                category=CATEGORY,
                since=app.updated_at,
            )
        )
    return tasks


@provider
def applications_for_legal(user) -> list[Task]:
    if not user.has_role(RoleCode.LEGAL_OFFICE):
        return []
    return _tasks(
        BaseApplication.objects.filter(state=S.LEGAL_REVIEW),
        "协议书法律审核",
        lambda a: f"{a.college}：协议书与模板内容不一致，请审核（第七条第三项）。",
    )


@provider
def applications_for_expert(user) -> list[Task]:
    if not user.has_role(RoleCode.EXPERT):
        return []
    reviews = ExpertReview.objects.filter(
        expert=user, submitted_at__isnull=True, application__state=S.OFFICE_REVIEW
    ).select_related("application", "application__college")
    return [
        Task(
            title=f"专家评审：{r.application}",
            detail=f"{r.application.college}：请提交评审意见。",
            url=reverse("applications:review", args=[r.application_id]),
            category=CATEGORY,
            since=r.assigned_at,
        )
        for r in reviews
        if r.round == r.application.round
    ]
