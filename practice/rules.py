"""Who may move a practice request, and the gates before a student may leave (Art 12, 18–22)."""

from django.utils import timezone

from practice.choices import AssessmentState as A
from practice.choices import RequestState as S
from practice.choices import SupervisorState
from xcu_bases import access
from xcu_bases.choices import RoleCode


def is_the_student(req, user) -> bool:
    return req.student_id == user.pk


def is_campus_supervisor(req, user) -> bool:
    profile = getattr(req.student, "student_profile", None)
    return (
        bool(profile)
        and profile.campus_supervisor_id == user.pk
        and user.has_role(RoleCode.CAMPUS_SUPERVISOR)
    )


def is_college_staff(req, user) -> bool:
    return access.is_college_staff(user) and user.college_id == req.student.college_id


def is_college_head(req, user) -> bool:
    """Annex 2 and 3 学院意见（负责人签字）: the head of the student's college, as in Annex 1."""
    return (
        user.is_authenticated
        and user.has_role(RoleCode.COLLEGE_HEAD)
        and bool(user.college_id)
        and user.college_id == req.student.college_id
    )


def is_college_secretary(req, user) -> bool:
    """The secretary prepares, checks and forwards the college step; the head decides."""
    return (
        user.is_authenticated
        and user.has_role(RoleCode.COLLEGE_SECRETARY)
        and bool(user.college_id)
        and user.college_id == req.student.college_id
    )


def is_office(req, user) -> bool:
    return access.is_office(user)


def acts_for_base_supervisor(req, user) -> bool:
    """The request's base supervisor, or the office standing in while there is none who can act."""
    return is_base_supervisor(req, user) or stands_in_for_base_supervisor(req, user)


STEP_REVIEWER = {
    S.SUPERVISOR_REVIEW: (is_campus_supervisor, RoleCode.CAMPUS_SUPERVISOR),
    S.PLAN_REVIEW: (acts_for_base_supervisor, RoleCode.BASE_SUPERVISOR),
    S.COLLEGE_REVIEW: (is_college_head, RoleCode.COLLEGE_HEAD),
    S.OFFICE_REVIEW: (is_office, RoleCode.GRADUATE_OFFICE),
}


def is_current_reviewer(req, user) -> bool:
    rule = STEP_REVIEWER.get(req.state)
    return bool(rule and rule[0](req, user))


def acting_role(req, user, name: str) -> str:
    """The role of the step the request is in; the office when it stands in for the base
    supervisor (the log's label says so too)."""
    if name == "submit":
        return RoleCode.STUDENT
    rule = STEP_REVIEWER.get(req.state)
    if rule is None:
        return RoleCode.GRADUATE_OFFICE
    if rule[1] == RoleCode.BASE_SUPERVISOR and stands_in_for_base_supervisor(req, user):
        return RoleCode.GRADUATE_OFFICE
    return rule[1]


def gates_met(req) -> bool:
    from practice.gates import problems

    return not problems(req)


def has_thesis(req) -> bool:
    """Art 24: the thesis is on the practice record."""
    return bool(req.thesis)


def may_end_early(req, user) -> bool:
    """Art 24: the student's college (secretary or head) or the graduate office ends a practice
    early, when the student, a supervisor or the base asks (practice/ending.py)."""
    return is_college_staff(req, user) or access.is_office(user)


def is_base_supervisor(req, user) -> bool:
    """The request's current base supervisor, through the account the office linked at
    certification. Permission follows the request: a replacement takes over once certified."""
    supervisor = req.base_supervisor
    return (
        supervisor is not None
        and supervisor.state == SupervisorState.CERTIFIED
        and supervisor.user_id is not None
        and supervisor.user_id == user.pk
        and user.has_role(RoleCode.BASE_SUPERVISOR)
    )


def base_supervisor_unavailable(req, today=None) -> bool:
    """Art 18: no base supervisor who can act — none, revoked, not yet certified (a replacement
    nominated by the college), certificate expired, or no active account."""
    supervisor = req.base_supervisor
    if supervisor is None or supervisor.state != SupervisorState.CERTIFIED:
        return True
    if not supervisor.is_valid_on(today or timezone.localdate()):
        return True
    return supervisor.user is None or not supervisor.user.is_active


def stands_in_for_base_supervisor(req, user) -> bool:
    """Art 18: meanwhile the graduate office may act in the base supervisor's place (代基地导师),
    with a logged reason, so that no student is left waiting on nobody."""
    return (
        access.is_office(user)
        and not is_base_supervisor(req, user)
        and base_supervisor_unavailable(req)
    )


def is_either_supervisor(req, user) -> bool:
    """Art 20: either supervisor records the contacts."""
    return is_campus_supervisor(req, user) or is_base_supervisor(req, user)


# --- Annex 3 (the practice assessment) ---------------------------------------------------


def assessment_is_the_student(assessment, user) -> bool:
    return is_the_student(assessment.request, user)


ASSESSMENT_STEP = {
    A.BASE_SUPERVISOR_REVIEW: (
        lambda a, user: acts_for_base_supervisor(a.request, user),
        RoleCode.BASE_SUPERVISOR,
    ),
    A.CAMPUS_SUPERVISOR_REVIEW: (
        lambda a, user: is_campus_supervisor(a.request, user),
        RoleCode.CAMPUS_SUPERVISOR,
    ),
    A.COLLEGE_REVIEW: (
        lambda a, user: is_college_head(a.request, user),
        RoleCode.COLLEGE_HEAD,
    ),
    A.OFFICE_REVIEW: (lambda a, user: access.is_office(user), RoleCode.GRADUATE_OFFICE),
}


def assessment_reviewer(step):
    """The permission of the transition that leaves ``step``."""
    check = ASSESSMENT_STEP[step][0]
    return lambda a, user: check(a, user)


def assessment_is_current_reviewer(assessment, user) -> bool:
    rule = ASSESSMENT_STEP.get(assessment.state)
    return bool(rule and rule[0](assessment, user))


def assessment_acting_role(assessment, user, name: str) -> str:
    if name == "submit":
        return RoleCode.STUDENT
    role = ASSESSMENT_STEP[assessment.state][1]
    if role == RoleCode.BASE_SUPERVISOR and stands_in_for_base_supervisor(
        assessment.request, user
    ):
        return RoleCode.GRADUATE_OFFICE
    return role


def assessment_complete(assessment) -> bool:
    from practice.assessment_checks import problems

    return not problems(assessment)


def assessment_has_grade(assessment) -> bool:
    return bool(assessment.grade)


def assessment_may_archive(assessment) -> bool:
    """Art 24 (the thesis) and Art 25 (the base's confidentiality clearance of the thesis)."""
    from practice.assessment_checks import archive_problems

    return not archive_problems(assessment.request)
