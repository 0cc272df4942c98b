"""When a practice ends (Art 24): its planned end, or an early end, and what follows from it.

A practice ends on its planned last day (``ends_on``), or earlier when the student's college or
the graduate office ends it early (提前结束实践) — when the student, a supervisor or the base asks:
the student falls ill, the base stops the project, the work is done sooner. The early end is a
date (not before the start, not in the future, before the planned end) and a reason, logged on
the request's timeline as a self-transition ``end_early`` on ``approved`` through ``Chain.run``;
it is set once and not undone.

The practice's effective last day (``PracticeRequest.effective_ends_on``) is then the early one
everywhere: the Art 20 contact rule, the compliance panel, the month filter of the request list,
the Annex 3 due date and Annex 3's printed period (marked 提前结束).

Art 24: "在基地培养结束后，须按要求提交……考核登记表": Annex 3 is opened and submitted only once
the practice is over — the day after its last day (the last day is still a day of practice), or
at once when it was ended early. The deadline (``XCU_ANNEX3_DUE_DAYS`` days after the end, 30 by
default) is a school rule, not the regulation's.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from practice import rules
from practice.choices import AssessmentState as A
from practice.choices import RequestState as S
from practice.models import PracticeAssessment, PracticeRequest
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.workflow import Chain, WorkflowError, lock, require

# --- the effective end, in queries -----------------------------------------------------------


def effective_end():
    """The practice's last day as a query expression: the early end, else the planned one."""
    return Coalesce(F("ended_early_on"), F("ends_on"))


def ends_on_or_after(day: date) -> Q:
    """Practices whose (effective) last day is ``day`` or later."""
    return Q(ended_early_on__gte=day) | Q(ended_early_on__isnull=True, ends_on__gte=day)


def ended_before(day: date) -> Q:
    """Practices whose (effective) last day is before ``day``: over on ``day``."""
    return Q(ended_early_on__lt=day) | Q(ended_early_on__isnull=True, ends_on__lt=day)


# --- Art 24: Annex 3 after the practice ------------------------------------------------------


def annex3_due_days() -> int:
    """School rule (学校规定), not Art 24: Annex 3 within this many days of the end."""
    return settings.XCU_ANNEX3_DUE_DAYS


def annex3_due(req: PracticeRequest) -> date | None:
    end = req.effective_ends_on
    return end + timedelta(days=annex3_due_days()) if end else None


def annex3_rule() -> str:
    return f"学校规定：实践结束后 {annex3_due_days()} 天内提交"


def is_over(req: PracticeRequest, today: date) -> bool:
    """Art 24: the practice has ended — its last day is past, or it was ended early."""
    if req.ended_early_on is not None:
        return True
    return req.ends_on is not None and req.ends_on < today


def annex3_too_early(req: PracticeRequest, today: date) -> str | None:
    """Why Annex 3 may not be filled in or submitted yet, or None once the practice is over."""
    if is_over(req, today):
        return None
    end = f"{req.ends_on:%Y年%m月%d日}" if req.ends_on else "（未填写）"
    return (
        f"第二十四条：基地培养结束后方可提交考核登记表。本次实践至 {end} 结束，"
        "请在实践结束后填写提交；如需提前结束实践，请联系学院办理。"
    )


# --- ending a practice early -----------------------------------------------------------------

TRANSITION_LABELS = {"end_early": "提前结束实践"}


def _acting_role(req, user, name) -> str:
    if access.is_office(user):
        return RoleCode.GRADUATE_OFFICE
    if user.has_role(RoleCode.COLLEGE_HEAD) and not user.has_role(RoleCode.COLLEGE_SECRETARY):
        return RoleCode.COLLEGE_HEAD
    return RoleCode.COLLEGE_SECRETARY


CHAIN = Chain(noun="专业实践", labels=TRANSITION_LABELS, states=S, acting_role=_acting_role)


def _annex3_submitted(req) -> bool:
    """Annex 3 went to its reviewers (a returned draft has been submitted too)."""
    return PracticeAssessment.objects.filter(request=req).exclude(state=A.DRAFT, round=0).exists()


def may_end_early(req: PracticeRequest, user) -> bool:
    """Whether ``user`` may end ``req`` early now (the button on the request page)."""
    return (
        req.state == S.APPROVED
        and req.ended_early_on is None
        and rules.may_end_early(req, user)
        and not _annex3_submitted(req)
    )


def practice_end_early(
    *, req, by, ended_on: date, reason: str, today: date | None = None
) -> PracticeRequest:
    """The college or the office ends a practice early, on ``ended_on`` (its new last day),
    for ``reason`` (who asked and why); logged on the request's timeline."""
    today = today or timezone.localdate()
    text = require(reason, "提前结束的原因（由谁提出、因何提前结束）")
    with transaction.atomic():
        locked = lock(PracticeRequest.objects.select_related("student"), req.pk, None, "专业实践")
        if not rules.may_end_early(locked, by):
            raise PermissionDenied("只有该生所在学院和学科与研究生处可以提前结束专业实践。")
        if locked.state != S.APPROVED:
            raise WorkflowError(
                f"专业实践当前为“{locked.get_state_display()}”，只有实践中的专业实践可以提前结束。"
            )
        if locked.ended_early_on is not None:
            raise WorkflowError(f"该专业实践已于 {locked.ended_early_on:%Y年%m月%d日} 提前结束。")
        if ended_on is None:
            raise WorkflowError("请填写提前结束日期。")
        if ended_on < locked.starts_on:
            raise WorkflowError(
                f"提前结束日期不能早于实践开始日期（{locked.starts_on:%Y年%m月%d日}）。"
            )
        if ended_on > today:
            raise WorkflowError("提前结束日期不能晚于今天：实践结束后再办理。")
        if ended_on >= locked.ends_on:
            raise WorkflowError(
                f"提前结束日期须早于计划结束日期（{locked.ends_on:%Y年%m月%d日}）。"
            )
        if _annex3_submitted(locked):
            raise WorkflowError("考核登记表已提交，不能再更改实践结束日期。")
        locked.ended_early_on = ended_on
        locked.ended_early_reason = text
        planned = locked.ends_on
        return CHAIN.run(
            locked, "end_early", by=by,
            comment=f"实践于 {ended_on:%Y年%m月%d日} 提前结束（原计划至 {planned:%Y年%m月%d日}）。"
                    f"原因：{text}",
        )  # fmt: skip
