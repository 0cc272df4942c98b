"""Who may move a practice request, and the gates before a student may leave (Art 12, 18–22)."""

from practice.choices import AssessmentState as A
from practice.choices import RequestState as S
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


def is_office(req, user) -> bool:
    return access.is_office(user)


STEP_REVIEWER = {
    S.SUPERVISOR_REVIEW: (is_campus_supervisor, RoleCode.CAMPUS_SUPERVISOR),
    S.COLLEGE_REVIEW: (is_college_staff, RoleCode.COLLEGE_SECRETARY),
    S.OFFICE_REVIEW: (is_office, RoleCode.GRADUATE_OFFICE),
}


def is_current_reviewer(req, user) -> bool:
    rule = STEP_REVIEWER.get(req.state)
    return bool(rule and rule[0](req, user))


def acting_role(req, user, name: str) -> str:
    if name == "submit":
        return RoleCode.STUDENT
    if name in {"return_to_draft", "reject"}:
        role = STEP_REVIEWER[req.state][1]
    else:
        role = {
            "supervisor_approve": RoleCode.CAMPUS_SUPERVISOR,
            "college_approve": RoleCode.COLLEGE_SECRETARY,
        }.get(name, RoleCode.GRADUATE_OFFICE)
    if (
        role == RoleCode.COLLEGE_SECRETARY
        and not user.has_role(role)
        and user.has_role(RoleCode.COLLEGE_HEAD)
    ):
        return RoleCode.COLLEGE_HEAD
    return role


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
    """The request's base supervisor, through the account the office linked at certification."""
    supervisor = req.base_supervisor
    return (
        supervisor is not None
        and supervisor.user_id is not None
        and supervisor.user_id == user.pk
        and user.has_role(RoleCode.BASE_SUPERVISOR)
    )


def is_either_supervisor(req, user) -> bool:
    """Art 20: either supervisor records the contacts."""
    return is_campus_supervisor(req, user) or is_base_supervisor(req, user)


# --- Annex 3 (the practice assessment) ---------------------------------------------------


def assessment_is_the_student(assessment, user) -> bool:
    return is_the_student(assessment.request, user)


ASSESSMENT_STEP = {
    A.BASE_SUPERVISOR_REVIEW: (
        lambda a, user: is_base_supervisor(a.request, user),
        RoleCode.BASE_SUPERVISOR,
    ),
    A.CAMPUS_SUPERVISOR_REVIEW: (
        lambda a, user: is_campus_supervisor(a.request, user),
        RoleCode.CAMPUS_SUPERVISOR,
    ),
    A.COLLEGE_REVIEW: (
        lambda a, user: is_college_staff(a.request, user),
        RoleCode.COLLEGE_SECRETARY,
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
    if (
        role == RoleCode.COLLEGE_SECRETARY
        and not user.has_role(role)
        and user.has_role(RoleCode.COLLEGE_HEAD)
    ):
        return RoleCode.COLLEGE_HEAD
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
