"""Annex 3 as a PDF: the form's data built from the assessment, then rendered.

``annex3_context`` turns an assessment into exactly what templates/print/annex3.html shows;
``render_annex3`` numbers the copy and renders it. There is no snapshot: a submitted
assessment can no longer be edited, so it prints as it stands.

Numbering, as for Annex 2: nothing is stored, the serial is derived from the print time,
``XCU-KH-{year the assessment was created}-{pk:04d}-{YYYYMMDDhhmmss, Asia/Shanghai}``.
"""

import re

from django.utils import timezone

from applications.printing import chinese_date, paragraphs
from practice.choices import AssessmentState, BaseType, PracticeGrade
from practice.models import PracticeAssessment
from xcu_bases.models import TransitionLog
from xcu_bases.printing import render_pdf

TITLE = "西昌学院硕士研究生专业实践考核登记表"
TEMPLATE = "print/annex3.html"
REPORT_REQUIREMENT = (
    "报告要求：对照个人实践计划全面总结本次实践学习的收获。内容应包括：本人运用了哪些理论知识，"
    "在实践过程中遇到问题是如何解决的，对相关问题能否提出合理化建议及创新方法；综合素质得到了"
    "哪些提高；通过实践和校内校外导师的指导，学习和工作方面的进步及还存在的不足。"
    "总结报告要求不少于 5000 字。"
)

BASE_OPINION = "base_supervisor_approve"
# The four opinion boxes: (transition, title, its lines in the narrow label column, signer, seal).
OPINION_BOXES = [
    (BASE_OPINION, "基地导师意见", ["基地导师", "意见"], "基地导师签字：", False),
    ("campus_supervisor_approve", "校内导师意见", ["校内导师", "意见"], "校内导师签字：", False),
    ("college_approve", "学院意见", ["学院意见"], "负责人签字：", True),
    ("archive", "学科与研究生处意见", ["学科与", "研究生处", "意见"], "负责人签字：", True),
]
# assessment_services writes the grade in front of the base supervisor's opinion;
# the form shows the grade as a ticked box instead.
GRADE_PREFIX = re.compile(r"^\s*成绩评定：[^。]*。\s*")


def serial_for(assessment: PracticeAssessment, printed_at) -> str:
    year = timezone.localtime(assessment.created_at).year
    stamp = timezone.localtime(printed_at).strftime("%Y%m%d%H%M%S")
    return f"XCU-KH-{year}-{assessment.pk:04d}-{stamp}"


def _date(day) -> str:
    return chinese_date(day) if day else ""


def _opinion(entry: TransitionLog | None, *, strip_grade: bool = False) -> dict:
    if entry is None:
        return {"paragraphs": [], "by": "", "on": ""}
    comment = GRADE_PREFIX.sub("", entry.comment, count=1) if strip_grade else entry.comment
    return {
        "paragraphs": paragraphs(comment),
        "by": entry.by.get_full_name() if entry.by else "",
        "on": chinese_date(timezone.localdate(entry.at)),
    }


def _latest_opinions(assessment: PracticeAssessment) -> dict[str, TransitionLog | None]:
    """Per box, the latest entry after the latest submission (a returned round is not printed)."""
    found = dict.fromkeys(name for name, *_ in OPINION_BOXES)
    log = TransitionLog.objects.for_object(assessment).select_related("by").order_by("at", "pk")
    for entry in log:
        if entry.transition == "submit":
            found = dict.fromkeys(found)
        elif entry.transition in found:
            found[entry.transition] = entry
    return found


def _grades(grade: str) -> list[dict]:
    return [{"label": label, "checked": value == grade} for value, label in PracticeGrade.choices]


def assessment_opinions(assessment: PracticeAssessment, *, is_draft: bool) -> list[dict]:
    """The four boxes; the first also carries the grade boxes, ticked once it has an opinion.

    A draft has none. ``assessment.grade`` survives a return to the student, so the grade
    is only ticked next to a base supervisor's opinion on the submission being printed.
    """
    found = dict.fromkeys(name for name, *_ in OPINION_BOXES)
    if not is_draft:
        found = _latest_opinions(assessment)
    grade = assessment.grade if found[BASE_OPINION] else ""
    return [
        {
            "title": title, "label": label, "signer": signer, "seal": seal,
            "grades": _grades(grade) if name == BASE_OPINION else [],
            **_opinion(found[name], strip_grade=name == BASE_OPINION),
        }
        for name, title, label, signer, seal in OPINION_BOXES
    ]  # fmt: skip


def _student(assessment: PracticeAssessment) -> dict[str, str]:
    user = assessment.request.student
    profile = getattr(user, "student_profile", None)
    tutor = profile.campus_supervisor if profile else None
    major = profile.major if profile else ""
    if profile and profile.research_direction:
        major = f"{major}（{profile.research_direction}）"
    college = user.college.name if user.college else ""
    return {
        "name": user.get_full_name(),
        "number": profile.student_number if profile else "",
        "phone": user.phone,
        "college_major": "／".join(part for part in (college, major) if part),
        "tutor": tutor.get_full_name() if tutor else "",
        "tutor_phone": tutor.phone if tutor else "",
    }


def _base(assessment: PracticeAssessment) -> dict[str, str]:
    req = assessment.request
    if req.base_type == BaseType.OTHER:
        name = req.other_base_name
    else:
        name = req.base.name if req.base else ""
    supervisor = req.base_supervisor
    return {
        "name": name,
        "starts_on": _date(req.starts_on),
        "ends_on": _date(req.effective_ends_on),  # Art 24: the early end when it ended early
        "ended_early": req.ended_early_on is not None,
        "supervisor": supervisor.name if supervisor else "",
        "supervisor_phone": supervisor.phone if supervisor else "",
    }


def _tasks(assessment: PracticeAssessment) -> list[dict[str, str]]:
    return [
        {
            "task": row.task.task,
            "starts_on": _date(row.task.starts_on),
            "ends_on": _date(row.task.ends_on),
            "status": row.get_status_display() if row.status else "",
            "note": row.note,
        }
        for row in assessment.completions.select_related("task")
    ]


def annex3_context(
    assessment: PracticeAssessment, *, serial: str, printed_at, is_draft: bool
) -> dict:
    """Everything templates/print/annex3.html shows, as strings, lists and booleans."""
    return {
        "title": TITLE,
        "serial": serial,
        "printed_on": chinese_date(timezone.localdate(printed_at)),
        "is_draft": is_draft,
        "student": _student(assessment),
        "base": _base(assessment),
        "tasks": _tasks(assessment),
        "plan_completion": paragraphs(assessment.plan_completion),
        "report_requirement": REPORT_REQUIREMENT,
        "report": paragraphs(assessment.report),
        "signature": assessment.signature,
        "signed_on": _date(assessment.signed_on),
        "opinions": assessment_opinions(assessment, is_draft=is_draft),
    }


def render_annex3(assessment: PracticeAssessment, *, now=None) -> tuple[bytes, str]:
    """Annex 3 as a PDF and its serial; a draft carries the 草稿 watermark. Who may print
    is the view's business (``PracticeAssessment.objects.visible_to``)."""
    printed_at = now or timezone.now()
    serial = serial_for(assessment, printed_at)
    context = annex3_context(
        assessment, serial=serial, printed_at=printed_at,
        is_draft=assessment.state == AssessmentState.DRAFT,
    )  # fmt: skip
    return render_pdf(TEMPLATE, context), serial
