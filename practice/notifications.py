"""Who is told what in practice (Annex 2, Annex 3, base supervisors, publication clearances).

Each rule reads the state the object has just entered (``log.target_state``) and names who
must act next, or whose form came back, or who should hear the outcome (xcu_bases/notify.py).
"""

from django.urls import reverse

from practice import ending, forwarding, rules
from practice.choices import AssessmentState as A
from practice.choices import RequestState as S
from xcu_bases import notify
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode
from xcu_bases.notify import Notice


def _campus_supervisor(student):
    profile = getattr(student, "student_profile", None)
    return profile.campus_supervisor if profile is not None else None


def _base_supervisor_user(req):
    return req.base_supervisor.user if req.base_supervisor_id and req.base_supervisor else None


def _comment(log) -> str:
    return f"意见：{log.comment}" if log.comment else ""


def _heads(student) -> list:
    """学院意见（负责人签字）: the college step is the head's."""
    return notify.college_staff(student.college_id, RoleCode.COLLEGE_HEAD)


def _base_step(req, title, body, url) -> list[Notice]:
    """A step of the base supervisor's: to their account; when there is none who can act
    (Art 18), to the office, which may stand in, and to the college, which may replace them."""
    if not rules.base_supervisor_unavailable(req):
        return [Notice(notify.people(_base_supervisor_user(req)), K.TASK, title, body, url)]
    why = "该生的基地导师目前无法办理（资格撤销、认定过期或待认定）"
    return [
        Notice(notify.office(), K.TASK, f"代基地导师办理：{title}",
               f"{why}，可由学科与研究生处代为办理（须填写理由）（第十八条）。", url),
        Notice(notify.college_staff(req.student.college_id), K.TASK, f"请更换基地导师：{req.student}",
               f"{why}，请学院更换为本基地其他基地导师（第十八条）。", url),
    ]  # fmt: skip


def _replaced(req, log, url) -> list[Notice]:
    """Art 18: the student, the campus supervisor and the new base supervisor hear of it."""
    new = _base_supervisor_user(req) if not rules.base_supervisor_unavailable(req) else None
    return [
        Notice(notify.people(req.student, _campus_supervisor(req.student)), K.RESULT,
               "基地导师已更换", log.comment, url),
        Notice(notify.people(new), K.TASK, f"您已成为{req.student}的基地导师",
               f"{req.base}：请查看专业实践的待办事项。{log.comment}", url),
    ]  # fmt: skip


@notify.rule("practice.PracticeRequest")
def practice_request(req, log) -> list[Notice]:
    """Annex 2: campus supervisor → base supervisor (plan) → college head → office → approved;
    returns and refusals; the secretary's forward; a replaced base supervisor."""
    url = reverse("practice:request_detail", args=[req.pk])
    student = req.student
    who = f"{student}的专业实践申请"
    state = log.target_state
    if log.transition == "return_to_draft":
        return [Notice([student], K.RETURNED, "专业实践申请被退回修改",
                       f"{log.transition_label}（{log.source_label}）。{_comment(log)}", url)]  # fmt: skip
    if log.transition == "reject":
        return [Notice([student], K.REJECTED, "专业实践申请未获批准", _comment(log), url)]
    if log.transition == "end_early":  # Art 24: still approved, over on its early end
        return [Notice(
            notify.people(student, _campus_supervisor(student), _base_supervisor_user(req)),
            K.RESULT, f"{student}的专业实践已提前结束",
            f"{log.comment}考核登记表现在可以填写，应于 {ending.annex3_due(req):%Y年%m月%d日} 前"
            f"提交（{ending.annex3_rule()}）。", url,
        )]  # fmt: skip
    if log.transition == forwarding.FORWARD:
        return [Notice(_heads(student), K.TASK, f"请审核{who}",
                       f"研究生秘书已核对材料，请学院负责人审核并签署学院意见。{log.comment}", url)]  # fmt: skip
    if log.transition == "replace_supervisor":
        return _replaced(req, log, url)
    if state == S.SUPERVISOR_REVIEW:
        return [Notice(notify.people(_campus_supervisor(student)), K.TASK,
                       f"请审核{who}", "作为校内导师，请审核实践计划并填写导师意见（第十八条）。",
                       url)]  # fmt: skip
    if state == S.PLAN_REVIEW:
        return _base_step(req, f"请确认{who}的实践计划",
                          "校内导师已同意。请确认实践计划，或退回修改并写明意见（第十九条）。", url)  # fmt: skip
    if state == S.COLLEGE_REVIEW:
        return [Notice(_heads(student), K.TASK, f"请审核{who}",
                       "基地导师已确认实践计划，请学院负责人审核并签署学院意见。", url)]  # fmt: skip
    if state == S.OFFICE_REVIEW:
        return [
            Notice(
                notify.office(), K.TASK, f"请审批{who}", "学院已同意，请学科与研究生处审批。", url
            ),
            Notice(
                [student], K.RESULT, "专业实践申请：学院已同意", "已转学科与研究生处审批。", url
            ),
        ]
    if state == S.APPROVED:
        base_supervisor = _base_supervisor_user(req)
        return [
            Notice([student], K.RESULT, "专业实践申请已批准",
                   f"请按计划到{req.place_name}开展专业实践，每月与双导师保持沟通（第二十条）。",
                   url),
            Notice(notify.people(_campus_supervisor(student), base_supervisor), K.RESULT,
                   f"{student}的专业实践申请已批准",
                   f"实践期间：{req.starts_on} 至 {req.ends_on}。请每月至少沟通一次（第二十条）。",
                   url),
        ]  # fmt: skip
    if state == S.COMPLETED:
        return [Notice([student], K.RESULT, "专业实践已完成", "考核登记表已归档。", url)]
    return []


@notify.rule("practice.PracticeAssessment")
def practice_assessment(assessment, log) -> list[Notice]:
    """Annex 3: base supervisor → campus supervisor → college → office → archived."""
    req = assessment.request
    student = req.student
    url = reverse("practice:assessment_detail", args=[assessment.pk])
    who = f"{student}的专业实践考核登记表"
    state = log.target_state
    if log.transition == "return_to_draft":
        return [Notice([student], K.RETURNED, "专业实践考核登记表被退回修改",
                       f"退回环节：{log.source_label}。{_comment(log)}", url)]  # fmt: skip
    if log.transition == forwarding.FORWARD:
        return [Notice(_heads(student), K.TASK, f"请审核{who}",
                       f"研究生秘书已核对材料，请学院负责人审核并签署学院意见。{log.comment}", url)]  # fmt: skip
    if state == A.BASE_SUPERVISOR_REVIEW:
        return _base_step(req, f"请评定{who}", "请填写基地导师意见并评定成绩（第二十四条）。", url)
    if state == A.CAMPUS_SUPERVISOR_REVIEW:
        return [Notice(notify.people(_campus_supervisor(student)), K.TASK, f"请审核{who}",
                       "基地导师已评定，请填写校内导师意见。", url)]  # fmt: skip
    if state == A.COLLEGE_REVIEW:
        return [Notice(_heads(student), K.TASK, f"请审核{who}",
                       "双导师已签署意见，请学院负责人审核并签署学院意见。", url)]  # fmt: skip
    if state == A.OFFICE_REVIEW:
        return [
            Notice(notify.office(), K.TASK, f"请审核归档{who}", "学院已同意，请审核归档。", url)
        ]
    if state == A.ARCHIVED:
        return [Notice([student], K.RESULT, "专业实践考核登记表已审核归档",
                       f"成绩：{assessment.get_grade_display() or '—'}。", url)]  # fmt: skip
    return []


@notify.rule("practice.BaseSupervisor")
def base_supervisor(supervisor, log) -> list[Notice]:
    """Art 18: the college nominates, the office certifies or revokes."""
    url = reverse("practice:supervisor_detail", args=[supervisor.pk])
    college_id = supervisor.base.college_id if supervisor.base_id else None
    if log.transition == "nominate":
        return [Notice(notify.office(), K.TASK, f"请认定基地导师资格：{supervisor.name}",
                       f"{supervisor.base}推荐，请审核并认定（第十八条）。", url)]  # fmt: skip
    if log.transition == "certify":
        return [Notice(notify.college_staff(college_id), K.RESULT,
                       f"基地导师资格已认定：{supervisor.name}", log.comment, url)]  # fmt: skip
    if log.transition == "revoke":
        return [Notice(notify.college_staff(college_id), K.RESULT,
                       f"基地导师资格已撤销：{supervisor.name}", _comment(log), url)]  # fmt: skip
    return []


@notify.rule("practice.PublicationClearance")
def publication_clearance(clearance, log) -> list[Notice]:
    """Art 25: the student asks, the base supervisor answers."""
    req = clearance.request
    url = reverse("practice:clearance_detail", args=[clearance.pk])
    if log.transition == "ask":
        return [Notice(notify.people(_base_supervisor_user(req)), K.TASK,
                       f"请确认成果涉密性：《{clearance.title}》",
                       f"{req.student}申请在{clearance.venue}使用基地研究成果（第二十五条）。",
                       url)]  # fmt: skip
    if log.transition in ("confirm_open", "confirm_confidential"):
        notices = [Notice([req.student], K.RESULT, f"涉密性确认结果：{log.target_label}",
                          f"《{clearance.title}》。{_comment(log)}", url)]  # fmt: skip
        if log.transition == "confirm_confidential":
            notices.append(
                Notice(
                    notify.college_staff(req.student.college_id),
                    K.TASK,
                    f"请办理保密协议：{req.student}《{clearance.title}》",
                    "基地确认涉密，请签订并上传保密协议（第二十五条）。",
                    url,
                )
            )
        return notices
    return []
