"""Home panels of practice: the student's own practice, and each supervisor's students with
their Art 20 contact record. A bounded number of queries each."""

from datetime import date

from django.db.models import Case, Max, Q, When
from django.urls import reverse

from practice import assessment_checks, contacts, ending, gates, record_selectors, rules
from practice.choices import REQUEST_REVIEW_STATES, ClearanceState, ClearanceUse
from practice.choices import AssessmentState as A
from practice.choices import RequestState as S
from practice.models import PracticeRequest
from xcu_bases.choices import RoleCode
from xcu_bases.home import Panel, panel

SUPERVISED_LIMIT = 50


@panel
def student_practice(user, today: date) -> Panel | None:
    if not user.has_role(RoleCode.STUDENT) or not hasattr(user, "student_profile"):
        return None
    # The practice under way comes first; otherwise the newest request still alive.
    req = (
        PracticeRequest.objects.filter(student=user)
        .exclude(state=S.REJECTED)
        .select_related("base", "base_supervisor", "student__student_profile", "assessment")
        .order_by(Case(When(state=S.APPROVED, then=0), default=1), "-created_at", "-pk")
        .first()
    )
    return Panel("practice/home_student.html", {"req": req, "steps": _steps(req, today)})


def _steps(req, today: date) -> list[dict]:
    """What the student has done, what is missing and what is due, in order."""
    if req is None:
        return [
            _step(
                "todo",
                "填写专业实践申请表（附件2）",
                "完成规定的课程学习后方可申请（第二十一条）。",
            )
        ]
    if req.state == S.DRAFT:
        found = gates.problems(req)
        detail = f"还有 {len(found)} 项未满足：{found[0]}" if found else "已填写完整，可以提交。"
        return [_step("todo", "提交专业实践申请表（附件2）", detail)]
    if req.state in REQUEST_REVIEW_STATES:
        return [
            _step("done", "专业实践申请表已提交"),
            _step("wait", f"等待{req.get_state_display()}"),
        ]
    steps = [_step("done", "专业实践申请已批准")]
    if req.ended_early_on:
        steps.append(
            _step("done", f"实践已于 {req.ended_early_on:%Y年%m月%d日} 提前结束",
                  req.ended_early_reason)
        )  # fmt: skip
    steps.append(_contact_step(req, today))
    steps += _assessment_steps(req, today)
    return steps


def _contact_step(req, today):
    found = contacts.evaluate(
        req.starts_on, req.effective_ends_on, req.contacts.values_list("on", "mode"), today=today
    )
    if not found.started:
        return _step("wait", "实践尚未开始", f"{req.starts_on:%Y年%m月%d日} 开始。")
    if found.problems:
        return _step(
            "late" if found.status == contacts.RED else "todo",
            "双导师沟通记录需关注",
            "；".join(found.problems) + "（第二十条，由导师登记）。",
        )
    return _step("done", "双导师沟通记录符合要求")


def _assessment_steps(req, today):
    if req.state == S.COMPLETED:
        return [_step("done", "专业实践考核登记表已归档，专业实践完成")]
    due = record_selectors.annex3_due(req)
    late = bool(due and today > due)
    when = f"应于 {due:%Y年%m月%d日} 前提交（{ending.annex3_rule()}）。"
    assessment = getattr(req, "assessment", None)
    steps = []
    if assessment is None:
        if not ending.is_over(req, today):  # Art 24: after the practice
            status, detail = "wait", f"实践结束（{req.ends_on:%Y年%m月%d日}）后填写，{when}"
        else:
            status, detail = ("late" if late else "todo"), when
        steps.append(_step(status, "填写专业实践考核登记表（附件3）", detail))
    elif assessment.state == A.DRAFT:
        found = assessment_checks.problems(assessment, today=today)
        detail = f"还有 {len(found)} 项未完成：{found[0]}" if found else "已填写完整，可以提交。"
        steps.append(_step("late" if late else "todo", "提交专业实践考核登记表（附件3）", detail))
    else:
        steps.append(_step("wait", f"考核登记表：{assessment.get_state_display()}"))
    if not req.thesis:
        steps.append(_step("todo", "上传学位论文", "考核登记表归档前须上传（第二十四条）。"))
    return steps + _clearance_steps(req, over=ending.is_over(req, today))


def _clearance_steps(req, *, over: bool) -> list[dict]:
    """Art 25: the base's confidentiality clearance of the thesis before archiving (asked for
    once the practice is over, or earlier), and any other question still waiting for the base."""
    clearances = list(req.clearances.all())
    thesis = [c for c in clearances if c.use == ClearanceUse.THESIS]
    steps = []
    if not thesis and not over:
        pass  # asked for when the practice is over; the student may ask earlier
    elif not thesis:
        steps.append(
            _step(
                "todo", "申请学位论文涉密性确认",
                "撰写学位论文使用在基地期间的研究内容及成果，须经基地确认其涉密性（第二十五条）；"
                "基地答复后考核登记表方可归档。",
                url=reverse("practice:clearance_new", args=[req.pk]) + "?use=thesis",
                action="申请确认",
            )
        )  # fmt: skip
    elif any(c.state == ClearanceState.PENDING for c in thesis):
        steps.append(_step("wait", "学位论文涉密性确认等待基地导师答复", "第二十五条。"))
    else:
        steps.append(_step("done", "学位论文涉密性已经基地确认"))
    for c in clearances:
        if c.state == ClearanceState.CONFIDENTIAL and not c.agreement_scan:
            steps.append(
                _step("wait", f"《{c.title}》涉密：保密协议扫描件待上传",
                      "由基地导师、学院或学科与研究生处上传（第二十五条），上传后方可归档。")
            )  # fmt: skip
    others = sum(
        1 for c in clearances if c.use != ClearanceUse.THESIS and c.state == ClearanceState.PENDING
    )
    if others:
        steps.append(_step("wait", f"{others} 项成果涉密性确认等待基地答复"))
    return steps


def _step(status: str, title: str, detail: str = "", *, url: str = "", action: str = "") -> dict:
    return {"status": status, "title": title, "detail": detail, "url": url, "action": action}


@panel
def supervised_students(user, today: date) -> Panel | None:
    """Campus and base supervisors: their students in practice, overdue contacts first."""
    condition = Q(pk__in=[])
    if user.has_role(RoleCode.CAMPUS_SUPERVISOR):
        condition |= Q(student__student_profile__campus_supervisor=user)
    if user.has_role(RoleCode.BASE_SUPERVISOR):
        condition |= Q(base_supervisor__user=user)
    if not user.has_role(RoleCode.CAMPUS_SUPERVISOR, RoleCode.BASE_SUPERVISOR):
        return None
    requests = PracticeRequest.objects.filter(condition, state=S.APPROVED)
    practices = contacts.practices_of(requests)[:SUPERVISED_LIMIT]
    details = {
        r.pk: r
        for r in requests.filter(pk__in=[p.request_id for p in practices])
        .select_related("base", "base_supervisor", "student__student_profile")
        .annotate(last_contact=Max("contacts__on"))
    }
    rows = []
    for practice in practices:
        req = details[practice.request_id]
        rows.append(
            {
                "req": req,
                "record": practice.record(today),
                "may_record": rules.is_either_supervisor(req, user),
            }
        )
    order = {contacts.RED: 0, contacts.AMBER: 1, contacts.GREEN: 2}
    rows.sort(key=lambda row: (order[row["record"].status], row["req"].starts_on))
    overdue = sum(1 for row in rows if row["record"].status == contacts.RED)
    return Panel("practice/home_supervisor.html", {"rows": rows, "overdue": overdue})
