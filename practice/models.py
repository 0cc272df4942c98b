"""Students at bases: base supervisors (Art 18) and the practice request (Annex 2, Art 19–22)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from practice import rules
from practice.choices import (
    ASSESSMENT_REVIEW_STATES,
    REQUEST_REJECT_STATES,
    REQUEST_REVIEW_STATES,
    AssessmentState,
    BaseType,
    ClearanceState,
    ClearanceUse,
    ContactMode,
    PracticeGrade,
    RequestState,
    SupervisorState,
    TaskStatus,
)
from xcu_bases import access
from xcu_bases.choices import Gender, RoleCode
from xcu_bases.models import phone_validator
from xcu_bases.uploads import GeneratedName


class BaseSupervisorQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_office(user):
            return self
        if access.is_college_staff(user):
            return self.filter(base__college_id=user.college_id)
        return self.filter(state=SupervisorState.CERTIFIED)

    def selectable(self, on: date | None = None):
        """Only certified supervisors whose certificate is valid may be chosen (Art 18(2))."""
        on = on or timezone.localdate()
        return self.filter(state=SupervisorState.CERTIFIED).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class BaseSupervisor(ConcurrentTransitionMixin, models.Model):
    """基地导师: nominated by the partner through the college, certified by the graduate office."""

    base = models.ForeignKey(
        "agreements.Base",
        on_delete=models.PROTECT,
        related_name="supervisors",
        verbose_name="基地",
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    title = models.CharField("职称", max_length=100, help_text="例如：高级农艺师")
    position = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=20, validators=[phone_validator])
    email = models.EmailField("电子邮箱")
    cv = models.FileField("个人简历", upload_to=GeneratedName("practice/supervisors"))
    cv_name = models.CharField("简历文件名", max_length=200)
    evidence = models.FileField(
        "资格证明", upload_to=GeneratedName("practice/supervisors"), blank=True
    )
    evidence_name = models.CharField("证明文件名", max_length=200, blank=True)
    state = FSMField(
        "状态", choices=SupervisorState.choices, default=SupervisorState.NOMINATED, protected=True
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField("提名时间", auto_now_add=True)
    certificate_number = models.CharField("认定证书编号", max_length=50, blank=True)
    certified_on = models.DateField("认定日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="base_supervisor_record", verbose_name="系统账号",
    )  # fmt: skip

    objects = BaseSupervisorQuerySet.as_manager()

    class Meta:
        verbose_name = "基地导师"
        verbose_name_plural = "基地导师"
        ordering = ["base", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="unique_supervisor_certificate",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.title}）"

    @transition(field=state, source=SupervisorState.NOMINATED, target=SupervisorState.CERTIFIED,
                permission=lambda s, user: access.is_office(user))  # fmt: skip
    def certify(self):
        pass

    @transition(field=state, source=[SupervisorState.NOMINATED, SupervisorState.CERTIFIED],
                target=SupervisorState.REVOKED, permission=lambda s, user: access.is_office(user))  # fmt: skip
    def revoke(self):
        pass

    def is_valid_on(self, day: date) -> bool:
        return self.state == SupervisorState.CERTIFIED and (
            self.valid_until is None or self.valid_until >= day
        )


class PracticeRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Student: own; campus supervisor: own students'; base supervisor: own students at own
        base; college staff: own college; office: all; everyone else: none."""
        if not user.is_authenticated:
            return self.none()
        if access.is_office(user):
            return self
        condition = Q(pk__in=[])
        if access.is_college_staff(user):
            condition |= Q(student__college_id=user.college_id)
        if user.has_role(RoleCode.CAMPUS_SUPERVISOR):
            condition |= Q(student__student_profile__campus_supervisor=user)
        if user.has_role(RoleCode.BASE_SUPERVISOR):
            condition |= Q(base_supervisor__user=user)
        if user.has_role(RoleCode.STUDENT):
            condition |= Q(student=user)
        return self.filter(condition)


class PracticeRequest(ConcurrentTransitionMixin, models.Model):
    """专业实践申请表 (Annex 2)."""

    state = FSMField(
        "状态", choices=RequestState.choices, default=RequestState.DRAFT, protected=True
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="practice_requests",
        verbose_name="研究生",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后保存", auto_now=True)
    round = models.PositiveSmallIntegerField("提交轮次", default=0)
    submitted_at = models.DateTimeField("申请日期", null=True, blank=True)

    # The base (Annex 2 基地信息)
    base_type = models.CharField(
        "基地类型", max_length=20, choices=BaseType.choices, default=BaseType.OFF_CAMPUS
    )
    base = models.ForeignKey(
        "agreements.Base",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practice_requests",
        verbose_name="实践基地",
    )
    other_base_name = models.CharField(
        "实践单位名称（其他类型）",
        max_length=200,
        blank=True,
        help_text="基地类型为“其他”时填写。",
    )
    base_address = models.CharField("基地地址", max_length=200, blank=True)
    base_postcode = models.CharField("邮政编码", max_length=6, blank=True)
    base_contact = models.CharField("基地负责人", max_length=50, blank=True)
    base_contact_phone = models.CharField(
        "基地负责人联系方式", max_length=20, blank=True, validators=[phone_validator]
    )
    # Annex 2 基地负责人联系方式（电话、邮箱）: the form asks for both.
    base_contact_email = models.EmailField("基地负责人邮箱", blank=True)
    base_supervisor = models.ForeignKey(
        BaseSupervisor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name="基地导师",
    )

    # Practice (Art 19)
    starts_on = models.DateField("实践开始日期", null=True, blank=True)
    ends_on = models.DateField("实践结束日期", null=True, blank=True)
    purpose = models.TextField("实践目的和要求", blank=True)

    # Art 22: the pledge
    pledge_accepted = models.BooleanField("本人已阅读并承诺遵守上述事项", default=False)
    pledge_signature = models.CharField("承诺人签名（请输入本人姓名）", max_length=50, blank=True)
    pledge_date = models.DateField("承诺日期", null=True, blank=True)

    # Art 12(4), 22: personal accident insurance covering the whole period
    insurer = models.CharField("保险公司", max_length=100, blank=True)
    policy_number = models.CharField("保单号", max_length=50, blank=True)
    insured_from = models.DateField("保险起始日期", null=True, blank=True)
    insured_to = models.DateField("保险终止日期", null=True, blank=True)
    insurance_scan = models.FileField(
        "保单扫描件", upload_to=GeneratedName("practice/insurance"), blank=True
    )
    insurance_scan_name = models.CharField("保单文件名", max_length=200, blank=True)

    # Art 24: the thesis, uploaded on the practice record, required before Annex 3 is archived
    thesis = models.FileField("学位论文", upload_to=GeneratedName("practice/theses"), blank=True)
    thesis_name = models.CharField("学位论文文件名", max_length=200, blank=True)
    thesis_uploaded_at = models.DateTimeField("学位论文上传时间", null=True, blank=True)

    # Art 24: ended before its planned end (提前结束实践), by the college or the office; logged
    ended_early_on = models.DateField("提前结束日期", null=True, blank=True)
    ended_early_reason = models.TextField("提前结束原因", blank=True)

    objects = PracticeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "专业实践申请"
        verbose_name_plural = "专业实践申请"
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=F("ends_on")),
                name="practice_starts_before_it_ends",
            ),
            models.CheckConstraint(
                condition=Q(ended_early_on__isnull=True)
                | Q(ended_early_on__gte=F("starts_on"), ended_early_on__lt=F("ends_on")),
                name="practice_ends_early_inside_its_period",
            ),
            models.CheckConstraint(
                condition=Q(ended_early_on__isnull=True, ended_early_reason="")
                | (Q(ended_early_on__isnull=False) & ~Q(ended_early_reason="")),
                name="practice_early_end_has_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.student} 的专业实践申请"

    @transition(field=state, source=RequestState.DRAFT, target=RequestState.SUPERVISOR_REVIEW,
                permission=rules.is_the_student, conditions=[rules.gates_met])  # fmt: skip
    def submit(self):
        pass

    @transition(field=state, source=RequestState.SUPERVISOR_REVIEW, target=RequestState.PLAN_REVIEW,
                permission=rules.is_campus_supervisor)  # fmt: skip
    def supervisor_approve(self):
        pass

    @transition(field=state, source=RequestState.PLAN_REVIEW, target=RequestState.COLLEGE_REVIEW,
                permission=rules.acts_for_base_supervisor)  # fmt: skip
    def plan_confirm(self):
        """Art 19: the base supervisor (合作导师) confirms the plan made jointly."""

    @transition(field=state, source=RequestState.COLLEGE_REVIEW, target=RequestState.OFFICE_REVIEW,
                permission=rules.is_college_head)  # fmt: skip
    def college_approve(self):
        """Annex 2 学院意见（负责人签字）: the college head of the student's college."""

    @transition(field=state, source=RequestState.OFFICE_REVIEW, target=RequestState.APPROVED,
                permission=rules.is_office, conditions=[rules.gates_met])  # fmt: skip
    def office_approve(self):
        pass

    @transition(field=state, source=REQUEST_REVIEW_STATES, target=RequestState.DRAFT,
                permission=rules.is_current_reviewer)  # fmt: skip
    def return_to_draft(self):
        pass

    @transition(field=state, source=RequestState.APPROVED, target=RequestState.COMPLETED,
                permission=rules.is_office, conditions=[rules.has_thesis])  # fmt: skip
    def complete(self):
        """Art 24: Annex 3 archived and the thesis on record; the practice is over."""

    @transition(field=state, source=RequestState.APPROVED, target=RequestState.APPROVED,
                permission=rules.may_end_early)  # fmt: skip
    def end_early(self):
        """Art 24: the practice ends before its planned end (practice/ending.py); logged."""

    @property
    def in_practice(self) -> bool:
        return self.state == RequestState.APPROVED

    @property
    def effective_ends_on(self) -> date | None:
        """The practice's last day: the early end when it was ended early (Art 24)."""
        return self.ended_early_on or self.ends_on

    @property
    def place_name(self) -> str:
        """Where the practice is: the base, or the place named for an "other" practice."""
        if self.base_type == BaseType.OTHER:
            return self.other_base_name.strip() or "（未填写实践单位）"
        return self.base.name if self.base_id else "（未选择基地）"

    @transition(field=state, source=REQUEST_REJECT_STATES, target=RequestState.REJECTED,
                permission=rules.is_current_reviewer)  # fmt: skip
    def reject(self):
        pass


class PlanTask(models.Model):
    """Art 19: the practice and research plan — tasks with their schedule."""

    request = models.ForeignKey(PracticeRequest, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField("序号", default=0)
    task = models.CharField("实践任务", max_length=300, blank=True)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "实践计划任务"
        verbose_name_plural = "实践计划任务"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.task


class PracticeSnapshot(models.Model):
    """What was submitted, frozen: reviewers approve exactly this."""

    request = models.ForeignKey(
        PracticeRequest, on_delete=models.CASCADE, related_name="snapshots"
    )
    round = models.PositiveSmallIntegerField("提交轮次")
    data = models.JSONField("申请内容")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "专业实践申请提交版本"
        verbose_name_plural = "专业实践申请提交版本"
        ordering = ["round"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "round"], name="one_practice_snapshot_per_round"
            )
        ]

    def __str__(self):
        return f"{self.request} 第 {self.round} 次提交"


# --- during the practice: contacts (Art 20), allowances (Art 23) -------------------------


class SupervisorContact(models.Model):
    """Art 20: one conversation between the campus supervisor and the base supervisor."""

    request = models.ForeignKey(
        PracticeRequest, on_delete=models.PROTECT, related_name="contacts", verbose_name="专业实践"
    )
    on = models.DateField("沟通日期")
    mode = models.CharField("沟通方式", max_length=20, choices=ContactMode.choices)
    topic = models.CharField("沟通主题", max_length=200)
    notes = models.TextField("沟通内容", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "导师沟通记录"
        verbose_name_plural = "导师沟通记录"
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["request", "on"])]

    def __str__(self):
        return f"{self.on:%Y-%m-%d} {self.get_mode_display()}：{self.topic}"


class Allowance(models.Model):
    """Art 23: what the partner paid the student for one month."""

    request = models.ForeignKey(
        PracticeRequest,
        on_delete=models.PROTECT,
        related_name="allowances",
        verbose_name="专业实践",
    )
    month = models.DateField("月份", help_text="该月的第一天")
    amount = models.DecimalField(
        "金额（元）", max_digits=9, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )  # fmt: skip
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作津贴（生活补助）"
        verbose_name_plural = "工作津贴（生活补助）"
        ordering = ["-month", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "month"], name="one_allowance_per_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allowance_positive"),
            models.CheckConstraint(condition=Q(month__day=1), name="allowance_month_first_day"),
        ]

    def __str__(self):
        return f"{self.month:%Y年%m月} {self.amount} 元"


# --- after the practice: Annex 3 (Art 24) ----------------------------------------------


class PracticeAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever may see the practice request may see its assessment."""
        return self.filter(request__in=PracticeRequest.objects.visible_to(user).values("pk"))


class PracticeAssessment(ConcurrentTransitionMixin, models.Model):
    """专业实践考核登记表 (Annex 3): plan completion and the summary report."""

    request = models.OneToOneField(
        PracticeRequest, on_delete=models.PROTECT, related_name="assessment",
        verbose_name="专业实践",
    )  # fmt: skip
    state = FSMField(
        "状态", choices=AssessmentState.choices, default=AssessmentState.DRAFT, protected=True
    )
    round = models.PositiveSmallIntegerField("提交轮次", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后保存", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    plan_completion = models.TextField(
        "实践计划完成情况", blank=True, help_text="对照专业实践申请表中的实践计划逐项说明。"
    )
    report = models.TextField("研究生实践总结报告", blank=True)
    signature = models.CharField("研究生签名（请输入本人姓名）", max_length=50, blank=True)
    signed_on = models.DateField("签名日期", null=True, blank=True)
    grade = models.CharField(
        "基地导师评定成绩", max_length=20, choices=PracticeGrade.choices, blank=True
    )

    objects = PracticeAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "专业实践考核登记表"
        verbose_name_plural = "专业实践考核登记表"
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.request.student} 的专业实践考核登记表"

    @transition(field=state, source=AssessmentState.DRAFT,
                target=AssessmentState.BASE_SUPERVISOR_REVIEW,
                permission=rules.assessment_is_the_student,
                conditions=[rules.assessment_complete])  # fmt: skip
    def submit(self):
        pass

    @transition(field=state, source=AssessmentState.BASE_SUPERVISOR_REVIEW,
                target=AssessmentState.CAMPUS_SUPERVISOR_REVIEW,
                permission=rules.assessment_reviewer(AssessmentState.BASE_SUPERVISOR_REVIEW),
                conditions=[rules.assessment_has_grade])  # fmt: skip
    def base_supervisor_approve(self):
        pass

    @transition(field=state, source=AssessmentState.CAMPUS_SUPERVISOR_REVIEW,
                target=AssessmentState.COLLEGE_REVIEW,
                permission=rules.assessment_reviewer(AssessmentState.CAMPUS_SUPERVISOR_REVIEW))  # fmt: skip
    def campus_supervisor_approve(self):
        pass

    @transition(field=state, source=AssessmentState.COLLEGE_REVIEW,
                target=AssessmentState.OFFICE_REVIEW,
                permission=rules.assessment_reviewer(AssessmentState.COLLEGE_REVIEW))  # fmt: skip
    def college_approve(self):
        pass

    @transition(field=state, source=AssessmentState.OFFICE_REVIEW, target=AssessmentState.ARCHIVED,
                permission=rules.assessment_reviewer(AssessmentState.OFFICE_REVIEW),
                conditions=[rules.assessment_may_archive])  # fmt: skip
    def archive(self):
        pass

    @transition(field=state, source=ASSESSMENT_REVIEW_STATES, target=AssessmentState.DRAFT,
                permission=rules.assessment_is_current_reviewer)  # fmt: skip
    def return_to_draft(self):
        pass


class TaskCompletion(models.Model):
    """Annex 3 实践计划完成情况, task by task against the Annex 2 plan."""

    assessment = models.ForeignKey(
        PracticeAssessment, on_delete=models.CASCADE, related_name="completions"
    )
    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("完成情况", max_length=20, choices=TaskStatus.choices, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "实践计划完成情况"
        verbose_name_plural = "实践计划完成情况"
        ordering = ["task__position", "task__pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "task"], name="one_completion_per_task")
        ]

    def __str__(self):
        return f"{self.task}：{self.get_status_display() or '未填写'}"


# --- Art 25: may these results be used? ---------------------------------------------------


class PublicationClearanceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(request__in=PracticeRequest.objects.visible_to(user).values("pk"))


class PublicationClearance(ConcurrentTransitionMixin, models.Model):
    """Art 25: the base confirms whether results a student wants to use are confidential."""

    request = models.ForeignKey(
        PracticeRequest, on_delete=models.PROTECT, related_name="clearances",
        verbose_name="专业实践",
    )  # fmt: skip
    use = models.CharField("用途", max_length=20, choices=ClearanceUse.choices)
    title = models.CharField("成果或论文题目", max_length=200)
    venue = models.CharField(
        "拟投刊物、会议或论文", max_length=200, blank=True, help_text="例如：《西南农业学报》"
    )
    content = models.TextField(
        "拟使用的研究内容及成果", help_text="写明拟使用的数据、方法和结论。"
    )
    state = FSMField(
        "状态", choices=ClearanceState.choices, default=ClearanceState.PENDING, protected=True
    )
    asked_at = models.DateTimeField("申请时间", auto_now_add=True)
    answer = models.TextField("基地确认意见", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="确认人",
    )  # fmt: skip
    answered_at = models.DateTimeField("确认时间", null=True, blank=True)
    agreement_scan = models.FileField(
        "保密协议扫描件", upload_to=GeneratedName("practice/confidentiality"), blank=True
    )
    agreement_scan_name = models.CharField("保密协议文件名", max_length=200, blank=True)

    objects = PublicationClearanceQuerySet.as_manager()

    class Meta:
        verbose_name = "成果涉密性确认"
        verbose_name_plural = "成果涉密性确认"
        ordering = ["-asked_at", "-pk"]

    def __str__(self):
        return f"《{self.title}》涉密性确认"

    @transition(field=state, source=ClearanceState.PENDING, target=ClearanceState.OPEN,
                permission=lambda c, user: rules.is_base_supervisor(c.request, user))  # fmt: skip
    def confirm_open(self):
        pass

    @transition(field=state, source=ClearanceState.PENDING, target=ClearanceState.CONFIDENTIAL,
                permission=lambda c, user: rules.is_base_supervisor(c.request, user))  # fmt: skip
    def confirm_confidential(self):
        pass
