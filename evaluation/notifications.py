"""Who is told what in an evaluation (Annex 4, Art 29): the college when its self-assessment is
due or comes back, or its base joins or leaves a round; the experts when a base waits for their
scores; the office when every score is in and when an Unqualified term assessment waits for its
revocation decision; the college when the grade is out and when the office declined to revoke
(a confirmed revocation is told by the base's own rule, agreements/notifications.py)
(xcu_bases/notify.py)."""

from django.urls import reverse

from evaluation.choices import EvaluationState as E
from xcu_bases import notify
from xcu_bases.choices import NotificationKind as K
from xcu_bases.notify import Notice


def _url(evaluation) -> str:
    return reverse("evaluation:evaluation_detail", args=[evaluation.pk])


def _deadline(evaluation) -> str:
    return f"专家评分截止 {evaluation.round.deadline:%Y年%m月%d日}"


@notify.rule("evaluation.BaseEvaluation")
def base_evaluation(evaluation, log) -> list[Notice]:
    url = _url(evaluation)
    college = notify.college_staff(evaluation.base.college_id)
    name = f"{evaluation.base}（{evaluation.round}）"
    if log.transition == "return_to_college":
        return [Notice(college, K.RETURNED, f"自评材料被退回补充：{name}",
                       f"意见：{log.comment}", url)]  # fmt: skip
    if log.transition == "finalise":
        return [Notice(college, K.RESULT, f"评估结果：{name}", log.comment, url)]
    if log.transition == "submit":
        assignments = list(evaluation.assignments.select_related("expert"))
        waiting = [a.expert for a in assignments if a.submitted_at is None]
        if waiting:
            return [Notice(waiting, K.TASK, f"请为基地评分：{name}",
                           f"学院已提交自评材料。{_deadline(evaluation)}。", url)]  # fmt: skip
        if assignments:  # resubmitted after a return, every expert had already scored
            return [Notice(notify.office(), K.TASK, f"学院已重新提交自评材料：{name}",
                           "评审专家均已提交评分，请确定等次（第二十九条）。", url)]  # fmt: skip
        return [Notice(notify.office(), K.TASK, f"请分配评审专家：{name}",
                       "学院已提交自评材料。", url)]  # fmt: skip
    return []


def round_opened(evaluation_round, *, by) -> None:
    """Each base's college is asked for its self-assessment."""
    notices = [
        Notice(
            notify.college_staff(e.base.college_id),
            K.TASK,
            f"请填写自评材料：{e.base}（{evaluation_round}）",
            f"学科与研究生处已发起{evaluation_round}，请逐项填写自评说明并提交。{_deadline(e)}。",
            _url(e),
            target=e,
        )
        for e in evaluation_round.evaluations.select_related("base", "round")
    ]
    notify.deliver(notices, exclude=by)


def experts_assigned(evaluation, assignments, *, by) -> None:
    if not assignments:
        return
    ready = evaluation.state == E.SCORING
    body = "学院已提交自评材料，请逐项评分。" if ready else "学院自评提交后即可评分。"
    notify.deliver(
        [Notice([a.expert for a in assignments], K.TASK,
                 f"请为基地评分：{evaluation.base}（{evaluation.round}）",
                 f"{body}{_deadline(evaluation)}。", _url(evaluation), target=evaluation)],
        exclude=by,
    )  # fmt: skip


def scores_all_in(evaluation, *, by) -> None:
    notify.deliver(
        [Notice(notify.office(), K.TASK, f"专家评分已全部提交：{evaluation.base}（{evaluation.round}）",
                "请确定等次（第二十九条）。", _url(evaluation), target=evaluation)],
        exclude=by,
    )  # fmt: skip


def _decision_url(decision) -> str:
    return reverse("evaluation:revocation_detail", args=[decision.pk])


@notify.rule("evaluation.RevocationDecision")
def revocation_decision(decision, log) -> list[Notice]:
    """Art 29: the office decides; the college hears if the base is kept (a revocation it hears
    from the base itself)."""
    url = _decision_url(decision)
    if log.transition == "propose":
        return [Notice(notify.office(), K.TASK, f"待确认：撤销基地资格 {decision.base}",
                       f"{log.comment}请确认撤销（填写会议纪要或文件号）或记录不予撤销的理由。",
                       url)]  # fmt: skip
    if log.transition == "decline":
        return [Notice(notify.college_staff(decision.base.college_id), K.RESULT,
                       f"不予撤销基地资格：{decision.base}",
                       f"学科与研究生处决定不撤销基地资格。理由：{decision.reason}", url)]  # fmt: skip
    return []


def base_added(evaluation, *, by) -> None:
    """A base joins an open round: its college is asked for the self-assessment."""
    evaluation_round = evaluation.round
    notify.deliver(
        [Notice(notify.college_staff(evaluation.base.college_id), K.TASK,
                f"请填写自评材料：{evaluation.base}（{evaluation_round}）",
                f"学科与研究生处已将基地加入{evaluation_round}，请逐项填写自评说明并提交。"
                f"{_deadline(evaluation)}。", _url(evaluation), target=evaluation)],
        exclude=by,
    )  # fmt: skip


def base_removed(evaluation, *, by) -> None:
    """A base leaves a round before any score: its college and assigned experts hear it."""
    name = f"{evaluation.base}（{evaluation.round}）"
    experts = [a.expert for a in evaluation.assignments.select_related("expert")]
    url = reverse("evaluation:round_detail", args=[evaluation.round_id])
    notify.deliver(
        [Notice(notify.college_staff(evaluation.base.college_id) + experts, K.RESULT,
                f"基地已移出评估批次：{name}", "学科与研究生处已将该基地移出本批次，无需再填写或评分。",
                url)],
        exclude=by,
    )  # fmt: skip
