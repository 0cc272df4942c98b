"""Annex 3 (专业实践考核登记表, Art 24): every change to an assessment goes through here.

Chain: draft → base_supervisor_review (opinion and grade) → campus_supervisor_review →
college_review → office_review → archived; every review step can return it to the student.
Archiving needs the thesis on the practice record and completes the practice request.
There is no "reject": the practice has happened; a failed practice is archived with the grade
不合格 and stays on record.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from practice import assessment_checks, ending, forwarding, rules
from practice import services as request_services
from practice.choices import AssessmentState as A
from practice.choices import PracticeGrade
from practice.choices import RequestState as S
from practice.models import PracticeAssessment, PracticeRequest, TaskCompletion
from xcu_bases.workflow import Chain, Seen, WorkflowError, lock, require

TRANSITION_LABELS = {
    "submit": "提交考核登记表",
    "base_supervisor_approve": "基地导师评定",
    "campus_supervisor_approve": "校内导师同意",
    "college_approve": "学院同意",
    "archive": "学科与研究生处审核归档",
    "return_to_draft": "退回修改",
    "college_forward": forwarding.FORWARD_LABEL,
}


def _gaps(assessment, name) -> list[str]:
    if name == "submit":
        return assessment_checks.problems(assessment)
    if name == "base_supervisor_approve":
        return ["请评定成绩。"]
    if name == "archive":
        return assessment_checks.archive_problems(assessment.request)
    return []


CHAIN = Chain(
    noun="考核登记表", labels=TRANSITION_LABELS, states=A,
    acting_role=rules.assessment_acting_role, gaps=_gaps,
    not_by_submitter=frozenset(
        {"base_supervisor_approve", "campus_supervisor_approve", "college_approve", "archive"}
    ),
)  # fmt: skip


def assessment_create(*, req, by, today=None) -> PracticeAssessment:
    """The student opens Annex 3 for an approved practice once it is over (Art 24: after it
    ended, or ended early); one row per plan task."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = PracticeRequest.objects.select_for_update().get(pk=req.pk)
        if not rules.is_the_student(locked, by):
            raise PermissionDenied("只能为本人的专业实践填写考核登记表。")
        existing = PracticeAssessment.objects.filter(request=locked).first()
        if existing:
            return existing
        if locked.state != S.APPROVED:
            raise WorkflowError("专业实践申请批准后才能填写考核登记表。")
        too_early = ending.annex3_too_early(locked, today)
        if too_early:
            raise WorkflowError(too_early)
        assessment = PracticeAssessment.objects.create(request=locked)
        TaskCompletion.objects.bulk_create(
            TaskCompletion(assessment=assessment, task=task) for task in locked.tasks.all()
        )
        return assessment


def check_editable(assessment, by) -> None:
    if not rules.assessment_is_the_student(assessment, by):
        raise PermissionDenied("只能修改本人的考核登记表。")
    if assessment.state != A.DRAFT:
        raise WorkflowError("考核登记表已提交，不能修改。")


def _locked(pk, expected: Seen | None) -> PracticeAssessment:
    # Not request__base_supervisor: PostgreSQL refuses FOR UPDATE on a nullable outer join.
    queryset = PracticeAssessment.objects.select_related("request__student")
    return lock(queryset, pk, expected, "考核登记表")


def assessment_submit(*, assessment, by, expected: Seen, today=None) -> PracticeAssessment:
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _locked(assessment.pk, expected)
        if not rules.assessment_is_the_student(locked, by):
            raise PermissionDenied("只能提交本人的考核登记表。")
        too_early = ending.annex3_too_early(locked.request, today)
        if too_early:  # Art 24: not a gap in the form — the practice is not over yet
            raise WorkflowError(too_early)
        found = assessment_checks.problems(locked, today=today)
        if found:
            raise WorkflowError("考核登记表尚未填写完整，不能提交。", found)
        locked.round += 1
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["round", "submitted_at"])
        return CHAIN.run(locked, "submit", by=by)


def _stand_in(locked, by, name, text, reason) -> tuple[str, str]:
    """Art 18: the office acting for a base supervisor who cannot act says so, with a reason."""
    if locked.state == A.BASE_SUPERVISOR_REVIEW and rules.stands_in_for_base_supervisor(
        locked.request, by
    ):
        return request_services.stand_in(TRANSITION_LABELS[name], text, reason)
    return "", text


def assessment_base_supervisor_approve(
    *, assessment, by, expected: Seen, comment: str, grade: str, reason: str = ""
) -> PracticeAssessment:
    """The base supervisor's opinion and grade (Annex 3 基地导师意见); while the practice has
    no base supervisor who can act, the office may give them in its place (Art 18)."""
    text = require(comment, "基地导师意见")
    if grade not in PracticeGrade.values:
        raise WorkflowError("请评定成绩。")
    with transaction.atomic():
        locked = _locked(assessment.pk, expected)
        if not rules.acts_for_base_supervisor(locked.request, by):
            raise PermissionDenied("无权执行此操作。")
        name = "base_supervisor_approve"
        label, text = _stand_in(
            locked, by, name, f"成绩评定：{PracticeGrade(grade).label}。{text}", reason
        )
        locked.grade = grade
        locked.save(update_fields=["grade"])
        return CHAIN.run(locked, name, by=by, comment=text, label=label)


def _review(name, what):
    def service(*, assessment, by, expected: Seen, comment: str) -> PracticeAssessment:
        text = require(comment, what)
        with transaction.atomic():
            return CHAIN.run(_locked(assessment.pk, expected), name, by=by, comment=text)

    service.__name__ = f"assessment_{name}"
    service.__doc__ = f"{TRANSITION_LABELS[name]}: requires {what}."
    return service


assessment_campus_supervisor_approve = _review("campus_supervisor_approve", "校内导师意见")
assessment_college_approve = _review("college_approve", "学院意见")


def assessment_return(
    *, assessment, by, expected: Seen, comment: str, reason: str = ""
) -> PracticeAssessment:
    """Back to the student; the grade goes too — the next submission is graded afresh."""
    text = require(comment, "退回修改的意见")
    with transaction.atomic():
        locked = _locked(assessment.pk, expected)
        label, text = _stand_in(locked, by, "return_to_draft", text, reason)
        CHAIN.run(locked, "return_to_draft", by=by, comment=text, label=label)
        locked.grade = ""
        locked.save(update_fields=["grade"])
        return locked


def assessment_college_forward(*, assessment, by, comment: str = "") -> PracticeAssessment:
    """The secretary has checked Annex 3 and forwards it to the college head (logged)."""
    with transaction.atomic():
        locked = _locked(assessment.pk, None)
        forwarding.forward(
            locked, req=locked.request, by=by, comment=comment, states=A, noun="考核登记表"
        )
        return locked


def assessment_archive(*, assessment, by, expected: Seen, comment: str) -> PracticeAssessment:
    """The office archives Annex 3; the practice request is completed in the same transaction."""
    text = require(comment, "学科与研究生处意见")
    with transaction.atomic():
        locked = _locked(assessment.pk, expected)
        CHAIN.run(locked, "archive", by=by, comment=text)
        req = lock(
            PracticeRequest.objects.select_related("student"), locked.request_id, None, "申请"
        )
        request_services.CHAIN.run(req, "complete", by=by, comment="专业实践考核登记表已归档。")
        return locked
