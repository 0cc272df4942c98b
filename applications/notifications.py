"""Who is told what in the Art 7 chain (Annex 1): the next reviewer, and the college secretary
on every return, refusal and step forward (xcu_bases/notify.py)."""

from django.urls import reverse

from applications.choices import ApplicationState as S
from xcu_bases import notify
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode
from xcu_bases.notify import Notice

# What the college hears as its application moves on.
_PROGRESS = {
    S.OFFICE_REVIEW: (
        "学院审核通过",
        "已提交学科与研究生处组织专家论证和实地考察（第七条第三项）。",
    ),
    S.LEGAL_REVIEW: ("论证考察通过", "协议书与模板不一致，已送法治与督办科审核。"),
    S.MEETING: ("已提交校长办公会审定", "论证考察已通过，等待校长办公会审定（第七条第四项）。"),
    S.APPROVED: ("校长办公会审定批准建设", "请与合作单位签订合作协议（第七条第四项）。"),
    S.SIGNED: ("合作协议已登记", "等待授牌（第七条第五项）。"),
    S.ESTABLISHED: ("基地已挂牌", "西昌学院研究生联合培养基地正式建立（第七条第五项）。"),
}


def _reviewers(app, state) -> list:
    """Whoever had the application on their desk in ``state``."""
    if state == S.COLLEGE_REVIEW:
        return notify.college_staff(app.college_id, RoleCode.COLLEGE_HEAD)
    if state == S.OFFICE_REVIEW:
        pending = app.expert_reviews.filter(round=app.round, submitted_at__isnull=True)
        return notify.office() + notify.people(
            *(r.expert for r in pending.select_related("expert"))
        )
    if state == S.LEGAL_REVIEW:
        return notify.with_role(RoleCode.LEGAL_OFFICE)
    return []


def _secretaries(app):
    people = notify.college_staff(app.college_id, RoleCode.COLLEGE_SECRETARY)
    return people or notify.people(app.created_by)


@notify.rule("applications.BaseApplication")
def base_application(app, log) -> list[Notice]:
    url = reverse("applications:detail", args=[app.pk])
    name = str(app)
    comment = f"意见：{log.comment}" if log.comment else ""
    if log.transition == "return_to_draft":
        return [Notice(_secretaries(app), K.RETURNED, f"申报书被退回修改：{name}",
                       f"退回环节：{log.source_label}。{comment}", url)]  # fmt: skip
    if log.transition == "reject":
        return [Notice(_secretaries(app), K.REJECTED, f"申报书未获批准：{name}", comment, url)]
    if log.transition == "assign_experts":
        return [
            Notice(
                [r.expert],
                K.TASK,
                f"请评审基地申报书：{name}",
                f"{app.college}申报，请提交评审意见（第七条第三项）。",
                reverse("applications:review", args=[app.pk]),
                occasion=f"application-review:{r.pk}",
                target=app,
            )
            for r in app.expert_reviews.filter(
                round=app.round, submitted_at__isnull=True
            ).select_related("expert")
        ]
    if log.transition == "expert_review":
        return [Notice(notify.office(), K.RESULT, f"专家已提交评审意见：{name}",
                       f"{log.by}已提交评审意见。", url)]  # fmt: skip
    if log.transition == "withdraw":
        # The task the reviewer was given has gone: say so, or it just vanishes from the inbox.
        return [Notice(_reviewers(app, log.source_state), K.RESULT, f"申报书已撤回：{name}",
                       f"{app.college}已将申报书撤回修改（{log.source_label}）。{comment}",
                       url)]  # fmt: skip
    if log.source_state == log.target_state:
        return []
    state = log.target_state
    notices = []
    if state == S.COLLEGE_REVIEW:
        notices.append(Notice(notify.college_staff(app.college_id, RoleCode.COLLEGE_HEAD), K.TASK,
                              f"请审核基地申报书：{name}", "请审核并填写学院意见（第七条第一项）。",
                              url))  # fmt: skip
    elif state == S.OFFICE_REVIEW:
        notices.append(Notice(notify.office(), K.TASK, f"请组织论证考察：{name}",
                              f"{app.college}已审核通过，请组织专家评审和实地考察（第七条第三项）。",
                              url))  # fmt: skip
    elif state == S.LEGAL_REVIEW:
        notices.append(Notice(notify.with_role(RoleCode.LEGAL_OFFICE), K.TASK,
                              f"请审核合作协议：{name}", "协议书与模板内容不一致，请进行法律审核。",
                              url))  # fmt: skip
    elif state == S.MEETING and log.source_state == S.LEGAL_REVIEW:
        notices.append(Notice(notify.office(), K.TASK, f"请提交校长办公会：{name}",
                              "法律审核已通过，请登记校长办公会审定结果。", url))  # fmt: skip
    if state in _PROGRESS:
        title, body = _PROGRESS[state]
        notices.append(Notice(_secretaries(app), K.RESULT, f"{title}：{name}", body, url))
    return notices
