"""Models of evaluation: the Annex 4 standard, yearly checks, term assessments and expert scores."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from agreements.choices import BaseState
from evaluation.choices import (
    DecisionState,
    EvaluationState,
    Grade,
    RoundKind,
    RoundState,
    StandardState,
)
from xcu_bases import access
from xcu_bases.uploads import GeneratedName

POINTS = {"max_digits": 4, "decimal_places": 1}


def _office(obj, user) -> bool:
    return access.is_office(user)


class Standard(ConcurrentTransitionMixin, models.Model):
    """西昌学院研究生联合培养基地建设评价标准 (Annex 4) for one year."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    state = FSMField(
        "状态", choices=StandardState.choices, default=StandardState.DRAFT, protected=True
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="复制自",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价标准"
        verbose_name_plural = "评价标准"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} 年度评价标准"

    @transition(field=state, source=StandardState.DRAFT, target=StandardState.IN_USE,
                permission=_office)  # fmt: skip
    def put_in_use(self):
        """Frozen from the moment a round uses it."""

    @property
    def editable(self) -> bool:
        return self.state == StandardState.DRAFT


class Indicator(models.Model):
    """一级指标 (parent empty) or 二级指标 with its maximum points."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
        verbose_name="一级指标",
    )  # fmt: skip
    code = models.CharField("编号", max_length=10)
    name = models.CharField("指标名称", max_length=100)
    description = models.TextField("评价要点", blank=True)
    max_points = models.DecimalField(
        "分值", **POINTS, validators=[MinValueValidator(Decimal("0.5"))]
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["position", "pk"]
        constraints = [
            # Annex 4 codes its last block "E" and that block's one row "E" too: a code is
            # unique among the first-level indicators and among the second-level ones.
            models.UniqueConstraint(
                fields=["standard", "code"],
                condition=Q(parent__isnull=True),
                name="one_first_level_code_per_standard",
            ),
            models.UniqueConstraint(
                fields=["standard", "code"],
                condition=Q(parent__isnull=False),
                name="one_second_level_code_per_standard",
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0), name="indicator_points_positive"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class EvaluationRound(models.Model):
    """A yearly check (年度对标) or a term assessment (期满考核) the office opens (Art 29)."""

    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类型", max_length=10, choices=RoundKind.choices)
    # Term assessments may run in several batches a year (agreements end at different times).
    number = models.PositiveSmallIntegerField("批次", default=1)
    standard = models.ForeignKey(
        Standard, on_delete=models.PROTECT, related_name="rounds", verbose_name="评价标准"
    )
    deadline = models.DateField("专家评分截止日期")
    state = models.CharField(
        "状态", max_length=10, choices=RoundState.choices, default=RoundState.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发起人"
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "评估批次"
        verbose_name_plural = "评估批次"
        ordering = ["-year", "kind", "-pk"]
        constraints = [
            # Art 29: one yearly check a year (bases are added to it); also stops a double-click.
            models.UniqueConstraint(
                fields=["year", "kind"],
                condition=Q(kind=RoundKind.YEARLY),
                name="one_yearly_check_per_year",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "number"], name="one_number_per_year_and_kind"
            ),
        ]

    def __str__(self):
        batch = f"（第 {self.number} 批）" if self.number > 1 else ""
        return f"{self.year} 年{self.get_kind_display()}{batch}"

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN


class BaseEvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Office: all; college staff: their bases; experts: the ones assigned to them."""
        if not user.is_authenticated:
            return self.none()
        if access.is_office(user):
            return self
        condition = Q(pk__in=[])
        if access.is_college_staff(user):
            condition |= Q(base__college_id=user.college_id)
        condition |= Q(assignments__expert=user)
        return self.filter(condition).distinct()


class BaseEvaluation(ConcurrentTransitionMixin, models.Model):
    """One base in one round: self-assessment, expert scoring, then the grade."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="evaluations", verbose_name="批次"
    )
    base = models.ForeignKey(
        "agreements.Base", on_delete=models.PROTECT, related_name="evaluations",
        verbose_name="基地",
    )  # fmt: skip
    state = FSMField(
        "状态", choices=EvaluationState.choices, default=EvaluationState.SELF_ASSESSMENT,
        protected=True,
    )  # fmt: skip
    total = models.DecimalField("总分", **POINTS, null=True, blank=True)
    grade = models.CharField("等次", max_length=20, choices=Grade.choices, blank=True)
    finalised_at = models.DateTimeField("定级时间", null=True, blank=True)
    updated_at = models.DateTimeField("最后更新", auto_now=True)

    objects = BaseEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "基地评估"
        verbose_name_plural = "基地评估"
        ordering = ["round", "base__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "base"], name="one_evaluation_per_base")
        ]

    def __str__(self):
        return f"{self.base}（{self.round}）"

    @transition(field=state, source=EvaluationState.SELF_ASSESSMENT,
                target=EvaluationState.SCORING)  # fmt: skip
    def submit(self):
        pass

    @transition(field=state, source=EvaluationState.SCORING,
                target=EvaluationState.SELF_ASSESSMENT, permission=_office)  # fmt: skip
    def return_to_college(self):
        pass

    @transition(field=state, source=EvaluationState.SCORING, target=EvaluationState.FINALISED,
                permission=_office)  # fmt: skip
    def finalise(self):
        pass


class RevocationDecisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The office, and the staff of the base's college (read only)."""
        if access.is_office(user):
            return self
        if access.is_college_staff(user):
            return self.filter(base__college_id=user.college_id)
        return self.none()


class RevocationDecision(ConcurrentTransitionMixin, models.Model):
    """Art 29: an Unqualified term assessment does not revoke the base by itself. It proposes
    the revocation; the graduate office confirms it with the meeting minutes or document that
    decided it (then, and only then, the base is revoked) or records why not."""

    evaluation = models.OneToOneField(
        BaseEvaluation, on_delete=models.PROTECT, related_name="revocation",
        verbose_name="期满考核",
    )  # fmt: skip
    base = models.ForeignKey(
        "agreements.Base", on_delete=models.PROTECT, related_name="revocation_decisions",
        verbose_name="基地",
    )  # fmt: skip
    state = FSMField(
        "状态", choices=DecisionState.choices, default=DecisionState.PENDING, protected=True
    )
    reference = models.CharField(
        "会议纪要或文件号", max_length=100, blank=True,
        help_text="例如：校长办公会纪要〔2026〕8号",
    )  # fmt: skip
    reason = models.TextField("不予撤销的理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="决定人",
    )  # fmt: skip
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    objects = RevocationDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "撤销基地资格决定"
        verbose_name_plural = "撤销基地资格决定"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["base"], condition=Q(state=DecisionState.PENDING),
                name="one_pending_revocation_per_base",
            ),
            models.CheckConstraint(
                condition=~Q(state=DecisionState.CONFIRMED) | ~Q(reference=""),
                name="confirmed_revocation_has_reference",
            ),
            models.CheckConstraint(
                condition=~Q(state=DecisionState.DECLINED) | ~Q(reason=""),
                name="declined_revocation_has_reason",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"撤销基地资格：{self.base}（{self.evaluation.round}）"

    @transition(field=state, source=DecisionState.PENDING, target=DecisionState.CONFIRMED,
                permission=_office, conditions=[lambda d: d.base.state != BaseState.REVOKED])  # fmt: skip
    def confirm(self):
        pass

    @transition(field=state, source=DecisionState.PENDING, target=DecisionState.DECLINED,
                permission=_office)  # fmt: skip
    def decline(self):
        pass


class Evidence(models.Model):
    """The college's self-assessment for one indicator: text and attachments."""

    evaluation = models.ForeignKey(
        BaseEvaluation, on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("自评说明", blank=True)

    class Meta:
        verbose_name = "自评材料"
        verbose_name_plural = "自评材料"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="one_evidence_per_indicator"
            )
        ]

    def __str__(self):
        return f"{self.indicator} 自评"


class EvidenceAttachment(models.Model):
    """A file the college attaches to its self-assessment of one indicator (checked by content)."""

    evaluation = models.ForeignKey(
        BaseEvaluation, on_delete=models.CASCADE, related_name="attachments"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    file = models.FileField("附件", upload_to=GeneratedName("evaluation/evidence"))
    original_name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "自评附件"
        verbose_name_plural = "自评附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ExpertAssignment(models.Model):
    """An expert assigned to score one base in a round; submitted once."""

    evaluation = models.ForeignKey(
        BaseEvaluation, on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments",
        verbose_name="评审专家",
    )  # fmt: skip
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "专家分配"
        verbose_name_plural = "专家分配"
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "expert"], name="one_assignment_each")
        ]

    def __str__(self):
        return f"{self.expert} 评 {self.evaluation}"


class Score(models.Model):
    assignment = models.ForeignKey(
        ExpertAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(
        "得分", **POINTS, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )  # fmt: skip
    comment = models.CharField("评语", max_length=500, blank=True)

    class Meta:
        verbose_name = "专家评分"
        verbose_name_plural = "专家评分"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "indicator"], name="one_score_each"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0), name="score_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.indicator}：{self.points}"
