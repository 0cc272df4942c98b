"""Art 29's revocation decision: "对于考核评价结果为不合格等次的基地，将取消其联合培养基地资格".

An Unqualified term assessment does not revoke the base by itself: finalising it proposes the
revocation (a ``RevocationDecision``, pending) for the graduate office, which confirms it with
the meeting minutes or document that decided it, or records why not. Only the confirmation
changes the base's state, through the base's state machine (``agreements.services.base_revoke``,
logged on the base). The decision's own transitions run through ``Chain.run`` and are logged.
"""

from django.db import transaction
from django.utils import timezone

from agreements import services as base_services
from agreements.choices import BaseState
from evaluation.choices import DecisionState
from evaluation.guards import clean_text, office_only
from evaluation.models import RevocationDecision
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.services import record_transition
from xcu_bases.workflow import AlreadyHandled, Chain, WorkflowError

LABELS = {
    "propose": "提出撤销基地资格",
    "confirm": "确认撤销基地资格",
    "decline": "不予撤销基地资格",
}
REFERENCE_EXAMPLE = "校长办公会纪要〔2026〕8号"
REFERENCE_MAX = RevocationDecision._meta.get_field("reference").max_length


def _gaps(decision, name) -> list[str]:
    if name == "confirm" and decision.base.state == BaseState.REVOKED:
        return ["基地已被撤销，无需再确认；请记录不予撤销的理由（例如：已另行撤销）以结束本决定。"]
    return []


CHAIN = Chain(
    noun="撤销决定",
    labels=LABELS,
    states=DecisionState,
    acting_role=lambda decision, user, name: RoleCode.GRADUATE_OFFICE,
    gaps=_gaps,
)


def _result(evaluation) -> str:
    return f"{evaluation.round}结果为不合格（总分 {evaluation.total}）"


def revocation_propose(*, evaluation, by) -> RevocationDecision | None:
    """Called inside ``evaluation_finalise``: the office's decision is opened, nothing else.
    A base already revoked, or with a decision already pending, gets no second one."""
    base = evaluation.base
    if base.state == BaseState.REVOKED:
        return None
    if RevocationDecision.objects.filter(base=base, state=DecisionState.PENDING).exists():
        return None
    decision = RevocationDecision.objects.create(evaluation=evaluation, base=base)
    record_transition(
        decision, transition="propose", transition_label=LABELS["propose"], source="",
        target=decision.state, state_labels=DecisionState, by=by, role=RoleCode.GRADUATE_OFFICE,
        comment=f"{_result(evaluation)}。依据第二十九条取消基地资格，须经学科与研究生处确认。",
    )  # fmt: skip
    return decision


def _locked(decision) -> RevocationDecision:
    locked = (
        RevocationDecision.objects.select_for_update()
        .select_related("base", "evaluation__round")
        .get(pk=decision.pk)
    )
    if locked.state != DecisionState.PENDING:
        raise AlreadyHandled(
            f"该撤销决定已被他人处理，当前状态为“{locked.get_state_display()}”。请刷新后查看。"
        )
    return locked


def revocation_confirm(*, decision, by, reference: str) -> RevocationDecision:
    """The office confirms: the base is revoked (Art 29), citing the meeting or document."""
    office_only(by)
    reference = clean_text(reference, "会议纪要或文件号", REFERENCE_MAX)
    if not reference:
        raise WorkflowError(f"请填写确认撤销的会议纪要或文件号，例如：{REFERENCE_EXAMPLE}。")
    with transaction.atomic():
        locked = _locked(decision)
        locked.reference = reference
        locked.decided_by, locked.decided_at = by, timezone.now()
        CHAIN.run(locked, "confirm", by=by, comment=f"依据：{reference}")
        reason = f"{_result(locked.evaluation)}，经{reference}确认，取消其联合培养基地资格（第二十九条）。"
        try:
            base_services.base_revoke(base=locked.base, by=by, reason=reason)
        except base_services.BaseError as error:
            raise WorkflowError(error.message) from None
        return locked


def revocation_decline(*, decision, by, reason: str) -> RevocationDecision:
    """The office decides not to revoke, and records why; the base is unchanged."""
    office_only(by)
    reason = clean_text(reason, "不予撤销的理由", 2000)
    if not reason:
        raise WorkflowError("请填写不予撤销的理由。")
    with transaction.atomic():
        locked = _locked(decision)
        locked.reason = reason
        locked.decided_by, locked.decided_at = by, timezone.now()
        return CHAIN.run(locked, "decline", by=by, comment=reason)


def may_decide(decision, user) -> bool:
    return access.is_office(user) and decision.state == DecisionState.PENDING
