"""Who is told what about a renewal (续签): whoever must act next, and the college on every
step forward, return and refusal (xcu_bases/notify.py). The signing itself is told to the
college by the base's own rule (agreements/notifications.py: 基地已续签 / 已登记续签协议)."""

from django.urls import reverse

from agreements.choices import RenewalState as S
from xcu_bases import notify
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode
from xcu_bases.notify import Notice

# The next actor of each state: (who, title, body).
_NEXT = {
    S.COLLEGE_REVIEW: (lambda r: notify.college_staff(r.base.college_id, RoleCode.COLLEGE_HEAD),
                       "请审核续签申请", "请审核并填写学院意见（第七条）。"),
    S.OFFICE_REVIEW: (lambda r: notify.office(), "请审核续签申请",
                      "学院已审核通过，请审核并认定协议书是否与模板一致（第七条第三项）。"),
    S.LEGAL_REVIEW: (lambda r: notify.with_role(RoleCode.LEGAL_OFFICE), "请审核续签协议",
                     "学科与研究生处认定续签协议书与模板内容不一致，请进行法律审核（第七条第三项）。"),
    S.MEETING: (lambda r: notify.office(), "续签申请待校长办公会审定",
                "请登记校长办公会审定结果，或学校授权续签的文件（第七条第四项）。"),
    S.APPROVED: (lambda r: notify.office(), "请登记续签协议签订",
                 "续签已批准，请登记签订的协议及扫描件。"),
}  # fmt: skip
# What the college hears as its renewal moves on.
_PROGRESS = {
    S.OFFICE_REVIEW: "学院审核通过，已报学科与研究生处审核。",
    S.LEGAL_REVIEW: "学科与研究生处审核通过，协议书与模板内容不一致，已送法治与督办科审核。",
    S.MEETING: "审核通过，等待校长办公会审定（第七条第四项）。",
    S.APPROVED: "续签已批准，请与合作单位签订续签协议。",
}


def _secretaries(renewal) -> list:
    people = notify.college_staff(renewal.base.college_id, RoleCode.COLLEGE_SECRETARY)
    return people or notify.people(renewal.created_by)


def _reviewers(renewal, state) -> list:
    step = _NEXT.get(state)
    return step[0](renewal) if step else []


@notify.rule("agreements.Renewal")
def renewal(renewal, log) -> list[Notice]:
    url = reverse("agreements:renewal_detail", args=[renewal.pk])
    name = str(renewal.base)
    comment = f"意见：{log.comment}" if log.comment else ""
    if log.transition == "return_to_draft":
        return [Notice(_secretaries(renewal), K.RETURNED, f"续签申请被退回修改：{name}",
                       f"退回环节：{log.source_label}。{comment}", url)]  # fmt: skip
    if log.transition == "reject":
        return [Notice(_secretaries(renewal), K.REJECTED, f"续签申请未获批准：{name}",
                       comment, url)]  # fmt: skip
    if log.transition == "withdraw":
        return [Notice(_reviewers(renewal, log.source_state), K.RESULT, f"续签申请已撤回：{name}",
                       f"{renewal.base.college}已撤回续签申请（{log.source_label}）。{comment}",
                       url)]  # fmt: skip
    if log.source_state == log.target_state or log.transition == "sign":
        return []
    state = log.target_state
    notices = []
    if state in _NEXT:
        who, title, body = _NEXT[state]
        notices.append(Notice(who(renewal), K.TASK, f"{title}：{name}", body, url))
    if state in _PROGRESS:
        notices.append(Notice(_secretaries(renewal), K.RESULT,
                              f"续签申请{log.transition_label}：{name}", _PROGRESS[state],
                              url))  # fmt: skip
    return notices
