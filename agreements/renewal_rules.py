"""Who may move a renewal, and when: the permission and condition callables of its state
machine (Art 7 applied to a renewal). Pure functions over the renewal and its base."""

from agreements.choices import BaseState
from agreements.choices import RenewalState as S
from xcu_bases import access
from xcu_bases.choices import RoleCode


def is_own_secretary(renewal, user) -> bool:
    """A college secretary of the base's college files the renewal."""
    return (
        user.has_role(RoleCode.COLLEGE_SECRETARY)
        and bool(user.college_id)
        and user.college_id == renewal.base.college_id
    )


def is_own_head(renewal, user) -> bool:
    return (
        user.has_role(RoleCode.COLLEGE_HEAD)
        and bool(user.college_id)
        and user.college_id == renewal.base.college_id
    )


def is_office(renewal, user) -> bool:
    return access.is_office(user)


def is_legal(renewal, user) -> bool:
    return user.has_role(RoleCode.LEGAL_OFFICE)


STEP_REVIEWER = {
    S.COLLEGE_REVIEW: (is_own_head, RoleCode.COLLEGE_HEAD),
    S.OFFICE_REVIEW: (is_office, RoleCode.GRADUATE_OFFICE),
    S.LEGAL_REVIEW: (is_legal, RoleCode.LEGAL_OFFICE),
    S.MEETING: (is_office, RoleCode.GRADUATE_OFFICE),
}


def is_current_reviewer(renewal, user) -> bool:
    rule = STEP_REVIEWER.get(renewal.state)
    return bool(rule and rule[0](renewal, user))


def acting_role(renewal, user, transition: str) -> str:
    if transition in {"submit", "withdraw"}:
        return RoleCode.COLLEGE_SECRETARY
    if transition in {"return_to_draft", "reject"}:
        return STEP_REVIEWER[renewal.state][1]
    if transition == "college_approve":
        return RoleCode.COLLEGE_HEAD
    if transition == "legal_approve":
        return RoleCode.LEGAL_OFFICE
    return RoleCode.GRADUATE_OFFICE


# --- conditions ---------------------------------------------------------------------------


def problems(renewal) -> list[str]:
    """What keeps a renewal from being submitted, in the secretary's words."""
    gaps = []
    base = renewal.base
    if base.state not in (BaseState.ACTIVE, BaseState.EXPIRED):
        gaps.append(f"基地当前为“{base.get_state_display()}”，不能申请续签。")
    if not (renewal.starts_on and renewal.ends_on and renewal.starts_on < renewal.ends_on):
        gaps.append("请填写续签协议的起止日期（结束日期晚于开始日期）。")
    if not renewal.document:
        gaps.append("请上传续签协议书草案文件。")
    if not (renewal.summary or "").strip():
        gaps.append("请填写与现协议相比的主要变更内容。")
    return gaps


def is_complete(renewal) -> bool:
    return not problems(renewal)


def deviation_decided(renewal) -> bool:
    """Art 7(3): the office has decided whether the agreement deviates from the template."""
    return renewal.office_deviates is not None


def has_authorising_document(renewal) -> bool:
    """The office may skip the president's meeting only with the authorising document."""
    return bool(renewal.authorisation_number and renewal.authorised_on)


def meeting_recorded(renewal) -> bool:
    return bool(renewal.meeting_date and renewal.meeting_session)


def has_signed_agreement(renewal) -> bool:
    return renewal.agreement_id is not None


def after_review(renewal) -> str:
    """Where a passed review leads: the meeting, unless the authorising document replaces it."""
    return S.APPROVED if has_authorising_document(renewal) else S.MEETING
