"""Every change to an application goes through here (Art 7).

Each action runs in one transaction: lock the row, check that it is still in
the state the user saw, check the role, run the state machine's transition,
save, and write the TransitionLog row. Nothing else moves the state.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements import review
from agreements.models import Agreement, AgreementDraft, AgreementTemplate, Base, Partner
from agreements.services import allocations_create
from applications import completeness, rules, snapshot
from applications.choices import ApplicationState as S
from applications.choices import MeetingDecision, Recommendation
from applications.models import (
    ApplicationAttachment,
    ApplicationSnapshot,
    BaseApplication,
    ExpertReview,
    InspectionPhoto,
    MeetingRecord,
    SiteInspection,
)
from xcu_bases.choices import RoleCode
from xcu_bases.services import record_transition
from xcu_bases.uploads import (
    DOCUMENT_KINDS,
    EVIDENCE_KINDS,
    IMAGE_KINDS,
    check_upload,
    safe_display_name,
)
from xcu_bases.workflow import AlreadyHandled as AlreadyHandled
from xcu_bases.workflow import Chain, WorkflowError, lock, require
from xcu_bases.workflow import Seen as Seen
from xcu_bases.workflow import seen as seen

TRANSITION_LABELS = {
    "submit": "提交申报",
    "withdraw": "撤回申报",
    "college_approve": "学院审核通过",
    "office_approve": "论证考察通过",
    "legal_approve": "法律审核通过",
    "meeting_approve": "校长办公会审定批准",
    "sign": "签订协议",
    "establish": "基地挂牌",
    "return_to_draft": "退回修改",
    "reject": "不予通过",
}


# Annex 1's name for a refusal; views and tests catch it.
ApplicationError = WorkflowError
_require = require


def _condition_gaps(app, name) -> list[str]:
    if name == "submit":
        return completeness.problems(app)
    if name == "office_approve":
        return rules.office_review_gaps(app)
    return []


CHAIN = Chain(
    noun="申报书",
    labels=TRANSITION_LABELS,
    states=S,
    acting_role=rules.acting_role,
    gaps=_condition_gaps,
    not_by_submitter=frozenset({"college_approve", "office_approve", "legal_approve"}),
)


def _locked(app_pk: int, expected: Seen | None) -> BaseApplication:
    return lock(BaseApplication.objects.select_related("college"), app_pk, expected, "申报书")


def _transition(app: BaseApplication, name: str, *, by, comment: str = ""):
    return CHAIN.run(app, name, by=by, comment=comment)


# --- drafting ---------------------------------------------------------------


def application_create(*, by, year: int | None = None) -> BaseApplication:
    if not (by.has_role(RoleCode.COLLEGE_SECRETARY) and by.college_id):
        raise PermissionDenied("只有学院研究生秘书可以填报申报书。")
    with transaction.atomic():
        app = BaseApplication(college_id=by.college_id, created_by=by)
        if year:
            app.year = year
        app.save()
        AgreementDraft.objects.create(application=app)
    return app


def check_editable(app: BaseApplication, by) -> None:
    if not rules.is_own_secretary(app, by):
        raise PermissionDenied("只有本学院研究生秘书可以修改申报书。")
    if app.state != S.DRAFT:
        raise ApplicationError("申报书已提交，不能修改。如需修改，请撤回或等待退回。")


def attachment_add(
    *, app: BaseApplication, file, description: str = "", by
) -> ApplicationAttachment:
    check_editable(app, by)
    kind = check_upload(file, EVIDENCE_KINDS)
    return ApplicationAttachment.objects.create(
        application=app,
        file=file,
        original_name=safe_display_name(file.name),
        kind=kind.label,
        size=file.size,
        description=description[:200],
        uploaded_by=by,
    )


def attachment_delete(*, attachment: ApplicationAttachment, by) -> None:
    check_editable(attachment.application, by)
    attachment.file.delete(save=False)
    attachment.delete()


def agreement_document_set(*, draft: AgreementDraft, file, by) -> None:
    check_editable(draft.application, by)
    check_upload(file, DOCUMENT_KINDS)
    if draft.document:
        draft.document.delete(save=False)
    draft.document = file
    draft.document_name = safe_display_name(file.name)
    draft.save(update_fields=["document", "document_name"])


# --- the chain ---------------------------------------------------------------


def application_submit(*, app: BaseApplication, by, expected: Seen) -> BaseApplication:
    """Art 7(1): the college files Annex 1; what is submitted is frozen."""
    with transaction.atomic():
        locked = _locked(app.pk, expected)
        if not rules.is_own_secretary(locked, by):
            raise PermissionDenied("无权执行此操作。")
        gaps = completeness.problems(locked)
        if gaps:
            raise ApplicationError("申报书尚不完整，不能提交。", gaps)
        locked.partner = _register_partner(locked)
        # The draft was compared with the template in force when it was submitted; the
        # office decides afresh on each submission whether it deviates (Art 7(3)).
        AgreementDraft.objects.filter(application=locked).update(
            template=AgreementTemplate.current(), office_deviates=None, deviation_reason=""
        )
        locked.round += 1
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["partner", "round", "submitted_at"])
        ApplicationSnapshot.objects.create(
            application=locked, round=locked.round, data=snapshot.build(locked), submitted_by=by
        )
        return _transition(locked, "submit", by=by)


def _register_partner(app: BaseApplication) -> Partner:
    """A partner is reused across applications: one row per credit code."""
    values = {
        "name": app.partner_name.strip(),
        "address": app.partner_address,
        "is_legal_person": app.partner_is_legal_person,
        "main_fields": app.partner_main_fields,
        "students_per_year": app.partner_students_per_year,
        "total_staff": app.partner_total_staff,
        "senior_staff": app.partner_senior_staff,
        "doctorate_staff": app.partner_doctorate_staff,
        "avg_rd_spend": app.partner_avg_rd_spend,
    }
    code = app.partner_credit_code.strip().upper()
    try:
        with transaction.atomic():
            partner, _ = Partner.objects.update_or_create(credit_code=code, defaults=values)
    except IntegrityError:  # created by someone else at this very moment
        partner = Partner.objects.get(credit_code=code)
    return partner


def application_withdraw(*, app, by, expected: Seen, comment: str = "") -> BaseApplication:
    with transaction.atomic():
        return _transition(_locked(app.pk, expected), "withdraw", by=by, comment=comment.strip())


def application_college_approve(*, app, by, expected: Seen, comment: str) -> BaseApplication:
    opinion = _require(comment, "学院意见")
    with transaction.atomic():
        return _transition(_locked(app.pk, expected), "college_approve", by=by, comment=opinion)


def application_office_approve(
    *, app, by, expected: Seen, comment: str, deviates: bool | None = None,
    deviation_reason: str = "",
) -> BaseApplication:  # fmt: skip
    """Art 7(3): the office passes its review and decides whether the agreement deviates from
    the template (``None``: as the college declared; a change needs a reason). The legal office
    reviews what the office found deviating."""
    opinion = _require(comment, "学科与研究生处审核意见")
    with transaction.atomic():
        locked = _locked(app.pk, expected)
        if not rules.is_office(locked, by):
            raise PermissionDenied("无权执行此操作。")
        _decide_deviation(locked, by=by, deviates=deviates, reason=deviation_reason)
        result = _transition(locked, "office_approve", by=by, comment=opinion)
        if result.state == S.LEGAL_REVIEW:
            result.sent_to_legal = True
            result.save(update_fields=["sent_to_legal"])
        return result


def _decide_deviation(app: BaseApplication, *, by, deviates: bool | None, reason: str) -> None:
    """Store the office's decision on the draft; a change of the college's declaration is
    logged with its reason."""
    draft = app.agreement_draft
    declared = draft.deviates_from_template
    decided, reason = review.deviation_decision(declared=declared, decided=deviates, reason=reason)
    draft.office_deviates, draft.deviation_reason = decided, reason
    draft.save(update_fields=["office_deviates", "deviation_reason"])
    if decided != declared:
        record_transition(
            app, transition="decide_deviation", transition_label="认定协议书与模板是否一致",
            source=app.state, target=app.state, state_labels=S, by=by,
            role=RoleCode.GRADUATE_OFFICE,
            comment=review.deviation_comment(declared=declared, decided=decided, reason=reason),
        )  # fmt: skip


def application_legal_approve(*, app, by, expected: Seen, comment: str) -> BaseApplication:
    opinion = _require(comment, "法律审核意见")
    with transaction.atomic():
        return _transition(_locked(app.pk, expected), "legal_approve", by=by, comment=opinion)


def application_return(*, app, by, expected: Seen, comment: str) -> BaseApplication:
    reason = _require(comment, "退回修改的意见")
    with transaction.atomic():
        return _transition(_locked(app.pk, expected), "return_to_draft", by=by, comment=reason)


def application_reject(*, app, by, expected: Seen, comment: str) -> BaseApplication:
    reason = _require(comment, "不予通过的理由")
    with transaction.atomic():
        return _transition(_locked(app.pk, expected), "reject", by=by, comment=reason)


# --- the office's review (Art 7(3)) -------------------------------------------


def _office_step(app_pk: int, by, expected: Seen | None, state=S.OFFICE_REVIEW) -> BaseApplication:
    if not rules.is_office(None, by):
        raise PermissionDenied("只有学科与研究生处可以执行此操作。")
    locked = _locked(app_pk, expected)
    if locked.state != state:
        raise ApplicationError(f"申报书当前状态为“{locked.get_state_display()}”，不能执行此操作。")
    return locked


def experts_assign(*, app, experts, by, expected: Seen) -> list[ExpertReview]:
    with transaction.atomic():
        locked = _office_step(app.pk, by, expected)
        not_experts = [e for e in experts if not e.has_role(RoleCode.EXPERT)]
        if not_experts or not experts:
            raise ApplicationError("请选择具有评审专家角色的人员。")
        existing = set(
            locked.expert_reviews.filter(round=locked.round).values_list("expert_id", flat=True)
        )
        created = [
            ExpertReview.objects.create(
                application=locked, round=locked.round, expert=e, assigned_by=by
            )
            for e in experts
            if e.pk not in existing
        ]
        if created:
            record_transition(
                locked,
                transition="assign_experts",
                transition_label="指定评审专家",
                source=locked.state,
                target=locked.state,
                state_labels=S,
                by=by,
                role=RoleCode.GRADUATE_OFFICE,
                comment="、".join(r.expert.get_full_name() for r in created),
            )
        return created


def expert_review_submit(
    *, review: ExpertReview, by, recommendation: str, opinion: str
) -> ExpertReview:
    opinion = _require(opinion, "评审意见")
    if recommendation not in Recommendation.values:
        raise ApplicationError("请选择评审结论。")
    with transaction.atomic():
        locked = (
            ExpertReview.objects.select_for_update()
            .select_related("application")
            .get(pk=review.pk)
        )
        app = locked.application
        if locked.expert_id != by.pk:
            raise PermissionDenied("只能提交本人的评审意见。")
        if app.state != S.OFFICE_REVIEW or locked.round != app.round:
            raise ApplicationError("该申报书已不在专家评审阶段。")
        if locked.submitted_at is not None:
            raise AlreadyHandled("您已提交过评审意见，不能重复提交。")
        locked.recommendation = recommendation
        locked.opinion = opinion
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["recommendation", "opinion", "submitted_at"])
        # The opinion itself is for the office only; the timeline says that it came in.
        record_transition(
            app,
            transition="expert_review",
            transition_label="专家提交评审意见",
            source=app.state,
            target=app.state,
            state_labels=S,
            by=by,
            role=RoleCode.EXPERT,
        )
        return locked


def inspection_record(*, app, by, data: dict, photos=(), expected: Seen) -> SiteInspection:
    """Art 7(3): the site visit, with the work-safety and emergency-plan checks."""
    for photo in photos:
        check_upload(photo, IMAGE_KINDS)
    with transaction.atomic():
        locked = _office_step(app.pk, by, expected)
        inspection, _ = SiteInspection.objects.update_or_create(
            application=locked, defaults={**data, "recorded_by": by}
        )
        for photo in photos:
            InspectionPhoto.objects.create(
                inspection=inspection, image=photo, original_name=safe_display_name(photo.name)
            )
        checks = [
            label
            for done, label in (
                (inspection.safety_qualification_checked, "安全生产资质已核查"),
                (inspection.emergency_plan_checked, "应急预案已审查"),
            )
            if done
        ]
        record_transition(
            locked,
            transition="site_inspection",
            transition_label="登记实地考察",
            source=locked.state,
            target=locked.state,
            state_labels=S,
            by=by,
            role=RoleCode.GRADUATE_OFFICE,
            comment=f"{inspection.inspected_on:%Y年%m月%d日}，{inspection.inspectors}；"
            + ("、".join(checks) or "安全检查未完成"),
        )
        return inspection


# --- meeting, signing, plaque ------------------------------------------------------


def meeting_record(
    *, app, by, expected: Seen, meeting_date: date, session: str, decision: str, notes: str = ""
) -> BaseApplication:
    """Art 7(4): the president's meeting decides."""
    if decision not in MeetingDecision.values:
        raise ApplicationError("请选择审定结果。")
    if decision == MeetingDecision.REJECT:
        _require(notes, "不予批准的理由（会议纪要摘要）")
    with transaction.atomic():
        locked = _office_step(app.pk, by, expected, state=S.MEETING)
        MeetingRecord.objects.update_or_create(
            application=locked,
            defaults={
                "meeting_date": meeting_date,
                "session": session,
                "decision": decision,
                "notes": notes,
                "recorded_by": by,
            },
        )
        locked = BaseApplication.objects.get(pk=locked.pk)
        comment = f"{session}（{meeting_date:%Y年%m月%d日}）" + (f"：{notes}" if notes else "")
        name = "meeting_approve" if decision == MeetingDecision.APPROVE else "reject"
        return _transition(locked, name, by=by, comment=comment)


def application_sign(
    *, app, by, expected: Seen, signed_on: date, starts_on: date, ends_on: date | None = None,
    scan, term_reason: str = "",
) -> BaseApplication:  # fmt: skip
    """Art 7(4): the agreement is signed; the base is born (school level, the college's).

    Art 7(2): the term is the approved draft's (``term_years`` from the start) unless the
    office gives the reason for another one, stored on the agreement and logged."""
    check_upload(scan, DOCUMENT_KINDS)
    with transaction.atomic():
        locked = _office_step(app.pk, by, expected, state=S.APPROVED)
        reviewed = review.term_end(starts_on, locked.agreement_draft.term_years)
        ends_on = ends_on or reviewed
        reason = review.term_reason(
            term=(starts_on, ends_on), reviewed=(starts_on, reviewed), reason=term_reason,
            what=f"协议书草案约定的 {locked.agreement_draft.term_years} 年期限",
        )  # fmt: skip
        base = Base.objects.create(
            name=locked.base_name,
            partner=locked.partner,
            college=locked.college,
            application=locked,
        )
        Agreement.objects.create(
            base=base,
            application=locked,
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            scan=scan,
            scan_name=safe_display_name(scan.name),
            recorded_by=by,
            term_reason=reason,
        )
        locked = BaseApplication.objects.get(pk=locked.pk)
        comment = review.term_comment(starts_on, ends_on, reason)
        return _transition(locked, "sign", by=by, comment=comment)


def application_establish(*, app, by, expected: Seen, plaque_date: date) -> BaseApplication:
    """Art 7(5): the plaque is awarded and the base becomes active."""
    with transaction.atomic():
        locked = _office_step(app.pk, by, expected, state=S.SIGNED)
        base = Base.objects.select_for_update().get(application=locked)
        source = base.state
        base.plaque_date = plaque_date
        base.award_plaque()
        base.save()
        allocations_create(base=base, by=by)  # Art 27: planned, due from the plaque
        from agreements.choices import BaseState

        record_transition(
            base,
            transition="award_plaque",
            transition_label="授予基地牌匾",
            source=source,
            target=base.state,
            state_labels=BaseState,
            by=by,
            role=RoleCode.GRADUATE_OFFICE,
            comment=f"挂牌日期 {plaque_date:%Y年%m月%d日}",
        )
        locked = BaseApplication.objects.get(pk=locked.pk)
        return _transition(
            locked, "establish", by=by, comment=f"挂牌日期 {plaque_date:%Y年%m月%d日}"
        )


def validation_messages(error: ValidationError) -> list[str]:
    return list(error.messages)
