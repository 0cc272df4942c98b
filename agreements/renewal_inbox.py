"""What waits for whom in a renewal (续签): one inbox task per renewal (xcu_bases/inbox.py)."""

from django.urls import reverse

from agreements.choices import RenewalState as S
from agreements.renewal_models import Renewal
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.inbox import Task, provider

CATEGORY = "协议续签"


def _rows(queryset) -> list[Renewal]:
    return list(queryset.select_related("base", "base__college").order_by("updated_at")[:150])


def _tasks_of(renewals, title: str, detail) -> list[Task]:
    return [
        Task(
            title=f"{title}：{renewal.base}",
            detail=detail(renewal),
            url=reverse("agreements:renewal_detail", args=[renewal.pk]),
            category=CATEGORY,
            since=renewal.updated_at,
        )
        for renewal in renewals[:50]
    ]


def _tasks(queryset, title: str, detail) -> list[Task]:
    return _tasks_of(_rows(queryset), title, detail)


@provider
def renewals_for_college(user) -> list[Task]:
    if not access.is_college_staff(user):
        return []
    own = Renewal.objects.filter(base__college_id=user.college_id)
    tasks = []
    if user.has_role(RoleCode.COLLEGE_SECRETARY):
        drafts = own.filter(state=S.DRAFT)
        tasks += _tasks(drafts.filter(round__gt=0), "续签申请退回修改",
                        lambda r: "续签申请已被退回，请按意见修改后重新提交。")  # fmt: skip
        tasks += _tasks(drafts.filter(round=0), "续签申请待提交",
                        lambda r: "续签申请草稿尚未提交学院审核。")  # fmt: skip
    if user.has_role(RoleCode.COLLEGE_HEAD):
        tasks += _tasks(own.filter(state=S.COLLEGE_REVIEW), "续签申请学院审核",
                        lambda r: "请审核续签申请并填写学院意见（第七条）。")  # fmt: skip
    return tasks


_OFFICE_STEPS = {
    S.OFFICE_REVIEW: ("续签申请审核", "请审核并认定协议书是否与模板一致（第七条第三项）。"),
    S.MEETING: ("续签待校长办公会审定", "请登记校长办公会审定结果，或学校授权续签的文件（第七条第四项）。"),
    S.APPROVED: ("登记续签协议签订", "续签已批准，请登记签订的协议及扫描件。"),
}  # fmt: skip


@provider
def renewals_for_office(user) -> list[Task]:
    """Every renewal waiting for the office, in one query, each with its step's task."""
    if not access.is_office(user):
        return []
    waiting = _rows(Renewal.objects.filter(state__in=list(_OFFICE_STEPS)))
    tasks = []
    for state, (title, detail) in _OFFICE_STEPS.items():
        tasks += _tasks_of([r for r in waiting if r.state == state], title,
                           lambda r, d=detail: f"{r.base.college}：{d}")  # fmt: skip
    return tasks


@provider
def renewals_for_legal(user) -> list[Task]:
    if not user.has_role(RoleCode.LEGAL_OFFICE):
        return []
    return _tasks(
        Renewal.objects.filter(state=S.LEGAL_REVIEW),
        "续签协议法律审核",
        lambda r: (
            f"{r.base.college}：学科与研究生处认定续签协议书与模板内容不一致，请审核（第七条第三项）。"
        ),
    )
