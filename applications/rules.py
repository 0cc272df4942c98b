"""Who may move an application, and when: the permission and condition
callables of the state machine (Art 7). Pure functions, no queries beyond the
application's own rows."""

from applications.choices import ApplicationState as S
from xcu_bases.choices import RoleCode


def _is_office(user) -> bool:
    return user.is_superuser or user.has_role(RoleCode.GRADUATE_OFFICE)


def is_own_secretary(app, user) -> bool:
    return user.has_role(RoleCode.COLLEGE_SECRETARY) and user.college_id == app.college_id


def is_own_head(app, user) -> bool:
    return user.has_role(RoleCode.COLLEGE_HEAD) and user.college_id == app.college_id


def is_office(app, user) -> bool:
    return _is_office(user)


def is_legal(app, user) -> bool:
    return user.has_role(RoleCode.LEGAL_OFFICE)


STEP_REVIEWER = {
    S.COLLEGE_REVIEW: (is_own_head, RoleCode.COLLEGE_HEAD),
    S.OFFICE_REVIEW: (is_office, RoleCode.GRADUATE_OFFICE),
    S.LEGAL_REVIEW: (is_legal, RoleCode.LEGAL_OFFICE),
    S.MEETING: (is_office, RoleCode.GRADUATE_OFFICE),
}


def is_current_reviewer(app, user) -> bool:
    """The person responsible for the step the application is in."""
    rule = STEP_REVIEWER.get(app.state)
    return bool(rule and rule[0](app, user))


def acting_role(app, user, transition: str) -> str:
    """The role a user acts in for the log."""
    if transition in {"submit", "withdraw"}:
        return RoleCode.COLLEGE_SECRETARY
    if transition in {"return_to_draft", "reject"}:
        return STEP_REVIEWER[app.state][1]
    if transition == "college_approve":
        return RoleCode.COLLEGE_HEAD
    if transition == "legal_approve":
        return RoleCode.LEGAL_OFFICE
    return RoleCode.GRADUATE_OFFICE


# --- conditions -----------------------------------------------------------


def is_complete(app) -> bool:
    from applications.completeness import problems

    return not problems(app)


def office_review_done(app) -> bool:
    """Art 7(3): every assigned expert answered, and the site inspection checked
    the work-safety qualification and the emergency plan."""
    return not office_review_gaps(app)


def office_review_gaps(app) -> list[str]:
    gaps = []
    reviews = list(app.expert_reviews.filter(round=app.round))
    if not reviews:
        gaps.append("尚未指定评审专家。")
    pending = [r.expert.get_full_name() for r in reviews if r.submitted_at is None]
    if pending:
        gaps.append("以下专家尚未提交评审意见：" + "、".join(pending) + "。")
    inspection = getattr(app, "site_inspection", None)
    if inspection is None:
        gaps.append("尚未登记实地考察情况。")
    else:
        if not inspection.safety_qualification_checked:
            gaps.append("实地考察尚未完成合作单位安全生产资质核查。")
        if not inspection.emergency_plan_checked:
            gaps.append("实地考察尚未完成应急预案审查。")
    return gaps


def deviation_decided(app) -> bool:
    """Art 7(3): the office has decided whether the agreement deviates from the template."""
    draft = getattr(app, "agreement_draft", None)
    return draft is not None and draft.office_deviates is not None


def meeting_approved(app) -> bool:
    from applications.choices import MeetingDecision

    record = getattr(app, "meeting_record", None)
    return record is not None and record.decision == MeetingDecision.APPROVE


def has_signed_agreement(app) -> bool:
    return hasattr(app, "signed_agreement")


def base_has_plaque(app) -> bool:
    base = getattr(app, "base", None)
    return base is not None and base.plaque_date is not None
