"""Every change in evaluation goes through here: the standard, rounds and their bases,
self-assessment, expert scores and finalising with its consequences for the base (Art 29).
The revocation decision an Unqualified term assessment opens lives in ``decisions``."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from agreements import services as base_services
from agreements.models import Base
from evaluation import decisions, eligibility, grading, notifications, standards
from evaluation.choices import EvaluationState as E
from evaluation.choices import Grade, RoundKind, RoundState, StandardState
from evaluation.guards import clean_text as _text
from evaluation.guards import office_only as _office
from evaluation.models import (
    BaseEvaluation,
    EvaluationRound,
    Evidence,
    EvidenceAttachment,
    ExpertAssignment,
    Score,
    Standard,
)
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.services import record_transition
from xcu_bases.uploads import EVIDENCE_KINDS, check_upload, safe_display_name
from xcu_bases.workflow import AlreadyHandled, WorkflowError, submitted_by_id

LABELS = {
    "submit": "提交自评材料",
    "return_to_college": "退回学院补充",
    "finalise": "确定等次",
    "put_in_use": "启用评价标准",
}


# --- the standard (Annex 4): evaluation/standards.py -------------------------------------

standard_create = standards.standard_create
standard_problems = standards.standard_problems
indicator_update = standards.indicator_update
standard_update = standards.standard_update


# --- rounds -----------------------------------------------------------------------------


def proposed_bases(year: int, kind: str) -> list:
    """The bases the 发起评估 form ticks (``eligibility``): for a term assessment those due
    under Art 29 (school-level, Art 8), for a yearly check those with an agreement year
    ending in ``year``."""
    return [c.base for c in eligibility.candidates(kind, year) if c.verdict.proposed]


def _refuse_ineligible(bases, kind: str, year: int, *, evaluation_round=None) -> None:
    """Art 29, Art 8: every base must qualify for this round (``eligibility``)."""
    facts = eligibility.facts_for(bases, exclude_round=evaluation_round)
    refused = []
    for base in bases:
        verdict = eligibility.verdict(kind, facts[base.pk], year)
        if not verdict.eligible:
            refused.append(f"{base.name}：{verdict.text}")
    if refused:
        rule = (
            "期满考核只包括协议已期满或在本年度期满、或挂牌（上次期满考核）已满三年的校级基地"
            "（第二十九条“三年一考核”；省级、国家级基地按省级要求考核，第八条）"
            if kind == RoundKind.TERM
            else "年度对标只包括本年度仍具有基地资格且已挂牌的基地（第二十九条“一年一对标”）"
        )
        raise WorkflowError(f"{rule}。以下基地不符合条件：", refused)


def _evaluation_create(evaluation_round, base, leaves) -> BaseEvaluation:
    evaluation = BaseEvaluation.objects.create(round=evaluation_round, base=base)
    Evidence.objects.bulk_create(Evidence(evaluation=evaluation, indicator=i) for i in leaves)
    return evaluation


def round_open(*, year: int, kind: str, standard, deadline, bases, by) -> EvaluationRound:
    """Art 29: one yearly check a year (bases join it later); term assessments in as many
    batches as the office needs, each base in one of them."""
    _office(by)
    bases = list(bases)
    if not bases:
        raise WorkflowError("请至少选择一个基地。")
    with transaction.atomic():
        # The bases locked: two rounds opened at once cannot both take the same base.
        bases = list(Base.objects.select_for_update().filter(pk__in=[b.pk for b in bases]))
        if kind == RoundKind.YEARLY:
            duplicate = EvaluationRound.objects.filter(year=year, kind=kind).first()
            if duplicate is not None:
                raise WorkflowError(
                    f"已发起{duplicate}（{duplicate.get_state_display()}），每年只进行一次年度对标；"
                    f"如需增加基地，请在{duplicate}的批次页面“加入基地”。"
                )
        _refuse_ineligible(bases, kind, year)
        standard = Standard.objects.select_for_update().get(pk=standard.pk)
        found = standard_problems(standard)
        if found:
            raise WorkflowError("评价标准分值不符合附件4的要求，不能使用。", found)
        if standard.state == StandardState.DRAFT:
            standard.put_in_use()
            standard.save()
            record_transition(
                standard, transition="put_in_use", transition_label=LABELS["put_in_use"],
                source=StandardState.DRAFT, target=standard.state, state_labels=StandardState,
                by=by, role=RoleCode.GRADUATE_OFFICE,
            )  # fmt: skip
        number = (
            EvaluationRound.objects.filter(year=year, kind=kind).aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        try:
            with transaction.atomic():
                evaluation_round = EvaluationRound.objects.create(
                    year=year, kind=kind, number=number, standard=standard, deadline=deadline,
                    opened_by=by,
                )  # fmt: skip
        except IntegrityError:  # opened by someone else a moment ago
            raise AlreadyHandled(f"{year} 年的该类评估已由他人发起，请刷新后查看。") from None
        leaves = list(standard.indicators.filter(parent__isnull=False))
        for base in bases:
            _evaluation_create(evaluation_round, base, leaves)
        notifications.round_opened(evaluation_round, by=by)
        return evaluation_round


def _open_round(evaluation_round) -> EvaluationRound:
    locked = EvaluationRound.objects.select_for_update().get(pk=evaluation_round.pk)
    if not locked.is_open:
        raise WorkflowError(f"{locked}已结束，不能再调整参评基地。")
    return locked


def round_base_add(*, evaluation_round, base, by) -> BaseEvaluation:
    """Art 29: a base joins an open round under the same rule as when the round was opened."""
    _office(by)
    with transaction.atomic():
        locked = _open_round(evaluation_round)
        base = Base.objects.select_for_update().get(pk=base.pk)
        if locked.evaluations.filter(base=base).exists():
            raise AlreadyHandled(f"{base.name}已在{locked}中。")
        _refuse_ineligible([base], locked.kind, locked.year, evaluation_round=locked)
        leaves = list(locked.standard.indicators.filter(parent__isnull=False))
        evaluation = _evaluation_create(locked, base, leaves)
        record_transition(
            locked, transition="add_base", transition_label="加入参评基地", source="", target="",
            by=by, role=RoleCode.GRADUATE_OFFICE, comment=base.name,
        )  # fmt: skip
        notifications.base_added(evaluation, by=by)
        return evaluation


def may_remove(evaluation) -> bool:
    """A base leaves its round only while no expert has saved a score for it."""
    return (
        evaluation.state != E.FINALISED
        and not Score.objects.filter(
            assignment__evaluation=evaluation, points__isnull=False
        ).exists()
    )


def round_base_remove(*, evaluation, by) -> EvaluationRound:
    """The office takes a base out of an open round before any expert scored it; its
    self-assessment (texts and files) goes with it."""
    _office(by)
    with transaction.atomic():
        locked_round = _open_round(evaluation.round)
        locked = BaseEvaluation.objects.select_for_update().filter(pk=evaluation.pk).first()
        if locked is None:
            raise AlreadyHandled("该基地已被他人移出本批次，请刷新后查看。")
        if not may_remove(locked):
            raise WorkflowError(
                f"{locked.base.name}已有专家评分，不能移出{locked_round}；如需重新评审，请退回学院补充。"
            )
        base, files = locked.base, [a.file for a in locked.attachments.all()]
        notifications.base_removed(locked, by=by)
        locked.delete()
        for file in files:
            transaction.on_commit(lambda f=file: f.storage.delete(f.name) if f.name else None)
        record_transition(
            locked_round, transition="remove_base", transition_label="移出参评基地", source="",
            target="", by=by, role=RoleCode.GRADUATE_OFFICE, comment=base.name,
        )  # fmt: skip
        return locked_round


def experts_assign(*, evaluation, experts, by) -> list[ExpertAssignment]:
    _office(by)
    with transaction.atomic():
        locked = BaseEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if locked.state == E.FINALISED:
            raise WorkflowError("已定级的评估不能再分配专家。")
        created = []
        leaves = list(locked.round.standard.indicators.filter(parent__isnull=False))
        for expert in experts:
            if not expert.has_role(RoleCode.EXPERT):
                raise WorkflowError(f"{expert} 不是评审专家。")
            assignment, new = ExpertAssignment.objects.get_or_create(
                evaluation=locked, expert=expert
            )
            if new:
                Score.objects.bulk_create(
                    Score(assignment=assignment, indicator=i) for i in leaves
                )
                created.append(assignment)
        notifications.experts_assigned(locked, created, by=by)
        return created


# --- self-assessment --------------------------------------------------------------------


def may_self_assess(evaluation, user) -> bool:
    return access.is_college_staff(user) and user.college_id == evaluation.base.college_id


MAX_ATTACHMENTS_PER_INDICATOR = 10


def _lock_for_self_assessment(evaluation, by) -> BaseEvaluation:
    locked = (
        BaseEvaluation.objects.select_for_update()
        .select_related("base", "round")
        .get(pk=evaluation.pk)
    )
    if not may_self_assess(locked, by):
        raise PermissionDenied("只有基地所属学院可以填写自评材料。")
    if locked.state != E.SELF_ASSESSMENT:
        raise WorkflowError("自评材料已提交，不能修改。")
    return locked


def evidence_save(*, evaluation, by, texts: dict[int, str], remove=()) -> None:
    """``texts``: indicator id → the college's evidence; ``remove``: attachment ids to delete."""
    with transaction.atomic():
        locked = _lock_for_self_assessment(evaluation, by)
        for row in locked.evidence.select_for_update():
            if row.indicator_id in texts:
                row.text = _text(texts[row.indicator_id], "自评说明")
                row.save(update_fields=["text"])
        if remove:
            gone = list(locked.attachments.filter(pk__in=list(remove)))
            EvidenceAttachment.objects.filter(pk__in=[a.pk for a in gone]).delete()
            for attachment in gone:
                transaction.on_commit(
                    lambda f=attachment.file: f.storage.delete(f.name) if f.name else None
                )


def evidence_attach(*, evaluation, indicator_id: int, file, by) -> EvidenceAttachment:
    """One file for one second-level indicator: type by content, size limit, 10 per indicator."""
    with transaction.atomic():
        locked = _lock_for_self_assessment(evaluation, by)
        indicator = locked.round.standard.indicators.filter(
            pk=indicator_id, parent__isnull=False
        ).first()
        if indicator is None:
            raise WorkflowError("该指标不属于本次评估。")
        try:
            kind = check_upload(file, EVIDENCE_KINDS)
        except ValidationError as error:
            raise WorkflowError(f"{indicator.code}：{error.messages[0]}") from None
        count = locked.attachments.filter(indicator=indicator).count()
        if count >= MAX_ATTACHMENTS_PER_INDICATOR:
            raise WorkflowError(
                f"{indicator.code}：每项指标最多 {MAX_ATTACHMENTS_PER_INDICATOR} 个附件，"
                f"“{safe_display_name(file.name)}”未上传。"
            )
        return EvidenceAttachment.objects.create(
            evaluation=locked, indicator=indicator, file=file,
            original_name=safe_display_name(file.name), kind=kind.label, size=file.size,
            uploaded_by=by,
        )  # fmt: skip


def _transition(evaluation, name, *, by, role, comment=""):
    source = evaluation.state
    getattr(evaluation, name)()
    evaluation.save()
    record_transition(
        evaluation, transition=name, transition_label=LABELS[name], source=source,
        target=evaluation.state, state_labels=E, by=by, role=role, comment=comment,
    )  # fmt: skip
    return evaluation


def _locked(evaluation, expected_state: str):
    locked = (
        BaseEvaluation.objects.select_for_update()
        .select_related("base", "round")
        .get(pk=evaluation.pk)
    )
    if expected_state and locked.state != expected_state:
        raise AlreadyHandled(
            f"该评估已被他人处理，当前状态为“{locked.get_state_display()}”。请刷新后查看。"
        )
    return locked


def self_assessment_submit(*, evaluation, by) -> BaseEvaluation:
    with transaction.atomic():
        locked = _locked(evaluation, E.SELF_ASSESSMENT)
        if not may_self_assess(locked, by):
            raise PermissionDenied("只有基地所属学院可以提交自评材料。")
        empty = [
            e.indicator.code for e in locked.evidence.select_related("indicator") if not e.text
        ]
        if empty:
            raise WorkflowError("以下指标尚未填写自评说明：" + "、".join(sorted(empty)) + "。")
        role = (
            RoleCode.COLLEGE_SECRETARY
            if by.has_role(RoleCode.COLLEGE_SECRETARY)
            else RoleCode.COLLEGE_HEAD
        )
        return _transition(locked, "submit", by=by, role=role)


def evaluation_return(*, evaluation, by, comment: str) -> BaseEvaluation:
    _office(by)
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError("请填写退回理由。")
    with transaction.atomic():
        locked = _locked(evaluation, E.SCORING)
        return _transition(
            locked, "return_to_college", by=by, role=RoleCode.GRADUATE_OFFICE, comment=comment
        )


# --- scoring ----------------------------------------------------------------------------


COMMENT_MAX_LENGTH = Score._meta.get_field("comment").max_length


def scores_save(*, assignment, by, values: dict[int, tuple[Decimal | None, str]]) -> None:
    """``values``: indicator id → (points or None, comment). Saved as a draft of the expert."""
    with transaction.atomic():
        locked = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.expert_id != by.pk:
            raise PermissionDenied("只能填写本人的评分。")
        if locked.submitted_at:
            raise WorkflowError("评分已提交，不能修改。")
        if locked.evaluation.state != E.SCORING:
            raise WorkflowError("该基地当前不在专家评分阶段。")
        problems = []
        for score in locked.scores.select_related("indicator"):
            if score.indicator_id not in values:
                continue
            points, comment = values[score.indicator_id]
            if points is not None and not grading.valid_points(points, score.indicator.max_points):
                problems.append(
                    f"{score.indicator.code} 得分须在 0 至 {score.indicator.max_points} 之间，"
                    "以 0.5 分为单位。"
                )
                continue
            try:
                comment = _text(comment, f"{score.indicator.code} 评语", COMMENT_MAX_LENGTH)
            except WorkflowError as error:
                problems.append(error.message)
                continue
            score.points = points
            score.comment = comment
            score.save(update_fields=["points", "comment"])
        if problems:
            raise WorkflowError("评分未保存。", problems)


def scores_submit(*, assignment, by) -> ExpertAssignment:
    with transaction.atomic():
        locked = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.expert_id != by.pk:
            raise PermissionDenied("只能提交本人的评分。")
        if locked.submitted_at:
            raise AlreadyHandled("评分已提交。")
        missing = [s.indicator.code for s in locked.scores.select_related("indicator")
                   if s.points is None]  # fmt: skip
        if missing:
            raise WorkflowError("以下指标尚未评分：" + "、".join(sorted(missing)) + "。")
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["submitted_at"])
        evaluation = locked.evaluation
        if not evaluation.assignments.filter(submitted_at__isnull=True).exists():
            notifications.scores_all_in(evaluation, by=by)
        return locked


def expert_total(assignment) -> Decimal:
    return sum((s.points or Decimal("0") for s in assignment.scores.all()), Decimal("0"))


# --- finalising (Art 29) -----------------------------------------------------------------


def evaluation_finalise(*, evaluation, by) -> BaseEvaluation:
    """Mean of the experts' totals → grade; a term assessment's consequences land on the base."""
    _office(by)
    with transaction.atomic():
        locked = _locked(evaluation, E.SCORING)
        if by.pk == submitted_by_id(locked):
            raise WorkflowError("不能为本人提交自评材料的基地确定等次，请由其他人员办理。")
        assignments = list(locked.assignments.prefetch_related("scores"))
        if not assignments:
            raise WorkflowError("尚未分配评审专家。")
        waiting = [str(a.expert) for a in assignments if not a.submitted_at]
        if waiting:
            raise WorkflowError("以下专家尚未提交评分：" + "、".join(waiting) + "。")
        locked.total = grading.mean_total([expert_total(a) for a in assignments])
        locked.grade = grading.grade_for(locked.total)
        locked.finalised_at = timezone.now()
        comment = f"总分 {locked.total}，等次：{Grade(locked.grade).label}。"
        if locked.round.kind == RoundKind.TERM and locked.grade == Grade.UNQUALIFIED:
            comment += "是否撤销基地资格，由学科与研究生处确认后决定（第二十九条）。"
        _transition(locked, "finalise", by=by, role=RoleCode.GRADUATE_OFFICE, comment=comment)
        if locked.round.kind == RoundKind.TERM:
            _consequences(locked, by)
        return locked


def _consequences(evaluation, by):
    """Art 29: 不合格 proposes the revocation (the office decides it, ``decisions``); 优秀
    recommends the base for the provincial and national level."""
    if evaluation.grade == Grade.UNQUALIFIED:
        decisions.revocation_propose(evaluation=evaluation, by=by)
    elif evaluation.grade == Grade.EXCELLENT:
        base_services.base_recommend(
            base=evaluation.base, by=by,
            comment=f"{evaluation.round}结果为优秀（总分 {evaluation.total}），优先推荐申报省级和"
            "国家级联合培养基地（第二十九条）。",
        )  # fmt: skip


def round_close(*, evaluation_round, by) -> EvaluationRound:
    _office(by)
    with transaction.atomic():
        locked = EvaluationRound.objects.select_for_update().get(pk=evaluation_round.pk)
        open_ones = locked.evaluations.exclude(state=E.FINALISED).count()
        if open_ones:
            raise WorkflowError(f"还有 {open_ones} 个基地尚未定级，不能结束本批次。")
        locked.state = RoundState.CLOSED
        locked.save(update_fields=["state"])
        return locked
