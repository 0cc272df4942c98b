"""What waits for whom in evaluation: the college's self-assessment, each expert's scores,
the office's assignment and finalising, and the office's revocation decisions (Art 29)."""

from django.db.models import Count, Q
from django.urls import reverse

from evaluation.choices import DecisionState
from evaluation.choices import EvaluationState as E
from evaluation.models import BaseEvaluation, ExpertAssignment, RevocationDecision
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.inbox import Task, provider

CATEGORY = "基地评估"


def _task(evaluation, title, detail) -> Task:
    return Task(
        title=f"{title}：{evaluation.base.name}",
        detail=f"{evaluation.round}。{detail}",
        url=reverse("evaluation:evaluation_detail", args=[evaluation.pk]),
        category=CATEGORY,
        since=evaluation.updated_at,
    )


@provider
def evaluation_for_college(user) -> list[Task]:
    if not access.is_college_staff(user):
        return []
    waiting = BaseEvaluation.objects.filter(
        state=E.SELF_ASSESSMENT, base__college_id=user.college_id
    ).select_related("base", "round")[:100]
    return [_task(e, "填写自评材料", "请逐项填写自评说明后提交（附件4）。") for e in waiting]


@provider
def evaluation_for_expert(user) -> list[Task]:
    if not user.has_role(RoleCode.EXPERT):
        return []
    waiting = (
        ExpertAssignment.objects.filter(
            expert=user, submitted_at__isnull=True, evaluation__state=E.SCORING
        )
        .select_related("evaluation__base", "evaluation__round")
        .order_by("evaluation__round__deadline")[:100]
    )
    return [
        _task(
            a.evaluation,
            "专家评分",
            f"请于 {a.evaluation.round.deadline:%Y年%m月%d日} 前完成评分。",
        )
        for a in waiting
    ]


@provider
def evaluation_for_office(user) -> list[Task]:
    if not access.is_office(user):
        return []
    scoring = (
        BaseEvaluation.objects.filter(state=E.SCORING)
        .annotate(
            n_experts=Count("assignments"),
            n_waiting=Count("assignments", filter=Q(assignments__submitted_at__isnull=True)),
        )
        .select_related("base", "round")[:200]
    )
    tasks = []
    for e in scoring:
        if e.n_experts == 0:
            tasks.append(_task(e, "分配评审专家", "学院已提交自评材料，请分配评审专家。"))
        elif e.n_waiting == 0:
            tasks.append(_task(e, "确定等次", "专家均已提交评分，请确定等次。"))
    return tasks


@provider
def revocation_for_office(user) -> list[Task]:
    """Art 29: an Unqualified term assessment waits for the office to confirm the revocation
    (with the meeting or document reference) or to record why not."""
    if not access.is_office(user):
        return []
    pending = RevocationDecision.objects.filter(state=DecisionState.PENDING).select_related(
        "base", "evaluation__round"
    )[:100]
    return [
        Task(
            title=f"确认是否撤销基地资格：{d.base.name}",
            detail=f"{d.evaluation.round}结果为不合格（总分 {d.evaluation.total}）。请填写会议纪要"
            "或文件号确认撤销，或记录不予撤销的理由（第二十九条）。",
            url=reverse("evaluation:revocation_detail", args=[d.pk]),
            category=CATEGORY,
            since=d.created_at,
        )
        for d in pending
    ]
