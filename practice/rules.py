"""Who may move a practice request, and the gates before a student may leave (Art 12, 18–22)."""

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
