"""Every change in evaluation goes through here: the standard, rounds, self-assessment,
expert scores and finalising with its consequences for the base (Art 29)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements import services as base_services
from agreements.choices import BaseState
from evaluation import annex4, grading, notifications
from evaluation.choices import EvaluationState as E
from evaluation.choices import Grade, RoundKind, RoundState, StandardState
from evaluation.models import (
    BaseEvaluation,
    EvaluationRound,
    Evidence,
    EvidenceAttachment,
    ExpertAssignment,
    Indicator,
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


def _text(value: str, label: str, max_length: int | None = None) -> str:
    """Free text typed into a page that has no Django form: trimmed, and refused (never a
    database error) when it holds a NUL character or is longer than its column."""
    value = (value or "").strip()
    if "\x00" in value:
        raise WorkflowError(f"{label}含有不允许的空字符（\\x00），请删除后重试。")
    if max_length is not None and len(value) > max_length:
        raise WorkflowError(f"{label}不能超过 {max_length} 个字（现有 {len(value)} 个）。")
    return value


def _office(user):
    if not access.is_office(user):
        raise PermissionDenied("只有学科与研究生处可以执行此操作。")


# --- the standard (Annex 4) ------------------------------------------------------------


def standard_create(*, year: int, by) -> Standard:
    """A new year's standard starts as a copy of the latest one (or of Annex 4)."""
    _office(by)
    with transaction.atomic():
        if Standard.objects.filter(year=year).exists():
            raise WorkflowError(f"{year} 年度的评价标准已存在。")
        previous = Standard.objects.filter(year__lt=year).order_by("-year").first()
        standard = Standard.objects.create(year=year, copied_from=previous)
        if previous:
            _copy_indicators(previous, standard)
        else:
            _annex4_indicators(standard)
        return standard


def _annex4_indicators(standard):
    position = 0
    for code, name, description, points, children in annex4.INDICATORS:
        position += 1
        parent = Indicator.objects.create(
            standard=standard, code=code, name=name, description=description,
            max_points=Decimal(points), position=position,
        )  # fmt: skip
        for child_code, child_name, child_description, child_points in children:
            position += 1
            Indicator.objects.create(
                standard=standard, parent=parent, code=child_code, name=child_name,
                description=child_description, max_points=Decimal(child_points), position=position,
            )  # fmt: skip


def _copy_indicators(source, standard):
    parents = {}
    for indicator in source.indicators.filter(parent__isnull=True):
        parents[indicator.pk] = Indicator.objects.create(
            standard=standard, code=indicator.code, name=indicator.name,
            description=indicator.description, max_points=indicator.max_points,
            position=indicator.position,
        )  # fmt: skip
    for indicator in source.indicators.filter(parent__isnull=False):
        Indicator.objects.create(
            standard=standard, parent=parents[indicator.parent_id], code=indicator.code,
            name=indicator.name, description=indicator.description,
            max_points=indicator.max_points, position=indicator.position,
        )  # fmt: skip


def standard_problems(standard) -> list[str]:
    """The sums must add up: each first-level = its second-levels, all = 100."""
    found = []
    indicators = list(standard.indicators.all())
    parents = [i for i in indicators if i.parent_id is None]
    for parent in parents:
        children = [i for i in indicators if i.parent_id == parent.pk]
        if not children:
            found.append(f"一级指标 {parent.code} 没有二级指标。")
            continue
        total = sum((c.max_points for c in children), Decimal("0"))
        if total != parent.max_points:
            found.append(
                f"一级指标 {parent.code} 分值为 {parent.max_points}，其二级指标合计 {total}。"
            )
    total = sum((p.max_points for p in parents), Decimal("0"))
    if total != annex4.TOTAL:
        found.append(f"一级指标合计 {total} 分，应为 100 分。")
    return found


def indicator_update(*, indicator, by, name: str, description: str, max_points: Decimal):
    _office(by)
    with transaction.atomic():
        standard = Standard.objects.select_for_update().get(pk=indicator.standard_id)
        if not standard.editable:
            raise WorkflowError("评价标准已启用，不能修改；请新建下一年度的标准。")
        if not name.strip():
            raise WorkflowError("请填写指标名称。")
        if (
            max_points is None
            or max_points <= 0
            or not grading.valid_points(max_points, annex4.TOTAL)
        ):
            raise WorkflowError("分值须为大于 0 的数，以 0.5 分为单位。")
        indicator.name = _text(name, "指标名称", Indicator._meta.get_field("name").max_length)
        indicator.description = _text(description, "评价要点")
        indicator.max_points = max_points
        indicator.save(update_fields=["name", "description", "max_points"])
        return indicator


def standard_update(*, standard, by, rows: dict) -> Standard:
    """``rows``: indicator id → (name, description, points); all or nothing."""
    _office(by)
    with transaction.atomic():
        for indicator in standard.indicators.all():
            if indicator.pk in rows:
                name, description, points = rows[indicator.pk]
                try:
                    indicator_update(indicator=indicator, by=by, name=name,
                                     description=description, max_points=points)  # fmt: skip
                except WorkflowError as error:
                    raise WorkflowError(f"{indicator.code}：{error.message}") from None
        return standard


# --- rounds -----------------------------------------------------------------------------


def proposed_bases(year: int, kind: str):
    """A term assessment proposes the bases whose agreement ends in that year (Art 29);
    a yearly check every active base."""
    from agreements.models import Base

    bases = Base.objects.filter(state=BaseState.ACTIVE)
    if kind == RoundKind.TERM:
        bases = Base.objects.filter(agreements__ends_on__year=year).exclude(
            state=BaseState.REVOKED
        )
    return bases.distinct().order_by("college__code", "name")


def round_open(*, year: int, kind: str, standard, deadline, bases, by) -> EvaluationRound:
    _office(by)
    bases = list(bases)
    if not bases:
        raise WorkflowError("请至少选择一个基地。")
    with transaction.atomic():
        standard = Standard.objects.select_for_update().get(pk=standard.pk)
        found = standard_problems(standard)
        if found:
            raise WorkflowError("评价标准分值不符合要求，不能使用。", found)
        if standard.state == StandardState.DRAFT:
            standard.put_in_use()
            standard.save()
            record_transition(
                standard, transition="put_in_use", transition_label=LABELS["put_in_use"],
                source=StandardState.DRAFT, target=standard.state, state_labels=StandardState,
                by=by, role=RoleCode.GRADUATE_OFFICE,
            )  # fmt: skip
        duplicate = EvaluationRound.objects.filter(year=year, kind=kind).first()
        if duplicate is not None:
            raise WorkflowError(f"已发起{duplicate}，不能重复发起。")
        try:
            with transaction.atomic():
                evaluation_round = EvaluationRound.objects.create(
                    year=year, kind=kind, standard=standard, deadline=deadline, opened_by=by
                )
        except IntegrityError:  # opened by someone else a moment ago
            raise AlreadyHandled(f"{year} 年的该类评估已由他人发起，请刷新后查看。") from None
        leaves = list(standard.indicators.filter(parent__isnull=False))
        for base in bases:
            evaluation = BaseEvaluation.objects.create(round=evaluation_round, base=base)
            Evidence.objects.bulk_create(
                Evidence(evaluation=evaluation, indicator=i) for i in leaves
            )
        notifications.round_opened(evaluation_round, by=by)
        return evaluation_round


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
        _transition(locked, "finalise", by=by, role=RoleCode.GRADUATE_OFFICE, comment=comment)
        if locked.round.kind == RoundKind.TERM:
            _consequences(locked, by)
        return locked


def _consequences(evaluation, by):
    base = evaluation.base
    if evaluation.grade == Grade.UNQUALIFIED and base.state != BaseState.REVOKED:
        base_services.base_revoke(
            base=base, by=by,
            reason=f"{evaluation.round}结果为不合格（总分 {evaluation.total}），取消联合培养基地资格（第二十九条）。",
        )  # fmt: skip
    elif evaluation.grade == Grade.EXCELLENT and not base.recommended_provincial:
        type(base).objects.filter(pk=base.pk).update(recommended_provincial=True)
        record_transition(
            base, transition="recommend", transition_label="推荐申报省级基地",
            source=base.state, target=base.state, by=by, role=RoleCode.GRADUATE_OFFICE,
            comment=f"{evaluation.round}结果为优秀（总分 {evaluation.total}），优先推荐申报省级和国家级联合培养基地（第二十九条）。",
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
