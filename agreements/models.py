"""Partners, agreements and bases (Art 4–8)."""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from agreements.choices import (
    AllocationState,
    BaseLevel,
    BaseState,
    FundingKind,
    GovernanceBody,
    GovernanceCapacity,
    GovernanceRole,
    MeetingKind,
    ProjectLevel,
)
from agreements.renewal_models import Renewal  # noqa: F401  (the renewal's model, Art 7)
from xcu_bases import access
from xcu_bases.creditcode import validate_credit_code
from xcu_bases.uploads import GeneratedName


class Partner(models.Model):
    """合作单位: an organisation with independent legal-person status (Art 5).

    Reused across applications; the credit code identifies it.
    """

    name = models.CharField("单位名称", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    address = models.CharField("通讯地址", max_length=200, blank=True)
    is_legal_person = models.BooleanField("具有独立法人资格", default=True)
    main_fields = models.CharField("主要专业领域", max_length=300, blank=True)
    students_per_year = models.PositiveIntegerField(
        "每年拟接受联合培养研究生人数", null=True, blank=True
    )
    total_staff = models.PositiveIntegerField("总人数", null=True, blank=True)
    senior_staff = models.PositiveIntegerField("高级技术职称人数", null=True, blank=True)
    doctorate_staff = models.PositiveIntegerField("博士学位以上员工人数", null=True, blank=True)
    avg_rd_spend = models.DecimalField(
        "近三年年均科研经费投入（万元）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "合作单位"
        verbose_name_plural = "合作单位"
        ordering = ["name"]

    def __str__(self):
        return self.name


class AgreementTemplate(models.Model):
    """The graduate office's model agreement; each upload is a new version (Art 7(3))."""

    version = models.PositiveIntegerField("版本号", unique=True)
    title = models.CharField(
        "名称", max_length=200, default="西昌学院研究生联合培养基地协议书（模板）"
    )
    document = models.FileField("模板文件", upload_to=GeneratedName("agreement-templates"))
    original_name = models.CharField("原文件名", max_length=200)
    note = models.CharField("修订说明", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "协议书模板"
        verbose_name_plural = "协议书模板"
        ordering = ["-version"]

    def __str__(self):
        return f"{self.title}（第 {self.version} 版）"

    @classmethod
    def current(cls):
        return cls.objects.order_by("-version").first()


class AgreementDraft(models.Model):
    """协议书草案 of one application (Art 7(2)): what the agreement must state."""

    application = models.OneToOneField(
        "applications.BaseApplication",
        on_delete=models.CASCADE,
        related_name="agreement_draft",
        verbose_name="申报书",
    )
    goals = models.TextField("基地建设目标", blank=True)
    content = models.TextField("建设内容", blank=True)
    fields = models.TextField("合作领域", blank=True)
    partner_duties = models.TextField("合作单位的权利与义务", blank=True)
    college_duties = models.TextField("二级培养单位的权利与义务", blank=True)
    ip_ownership = models.TextField("研究生创新成果等知识产权的归属", blank=True)
    term_years = models.PositiveSmallIntegerField(
        "协议年限（年）", default=5, validators=[MinValueValidator(1)]
    )
    document = models.FileField(
        "协议书草案文件", upload_to=GeneratedName("agreement-drafts"), blank=True
    )
    document_name = models.CharField("原文件名", max_length=200, blank=True)
    deviates_from_template = models.BooleanField(
        "与学科与研究生处模板内容不一致",
        default=False,
        help_text="不一致时须经法治与督办科审核（第七条第三项）。",
    )
    template = models.ForeignKey(
        AgreementTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="依据的模板版本",
    )
    # Art 7(3): the graduate office decides in its review; set by services only.
    office_deviates = models.BooleanField(
        "学科与研究生处认定与模板内容不一致", null=True, blank=True
    )
    deviation_reason = models.TextField("认定理由", blank=True)

    class Meta:
        verbose_name = "协议书草案"
        verbose_name_plural = "协议书草案"

    def __str__(self):
        return f"{self.application} 的协议书草案"

    @property
    def deviates(self) -> bool:
        """Art 7(3): the office's decision once made, until then the college's declaration."""
        if self.office_deviates is None:
            return self.deviates_from_template
        return self.office_deviates


class BaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everyone logged in browses active bases (students choose from them);
        the office and college staff see every state. Editing is checked separately."""
        if not user.is_authenticated:
            return self.none()
        if access.is_office(user) or access.is_college_staff(user):
            return self
        return self.filter(state=BaseState.ACTIVE)

    def editable_by(self, user):
        return access.college_scoped(self, user)


class Base(ConcurrentTransitionMixin, models.Model):
    """研究生联合培养基地: born when its application's agreement is signed (Art 7(4))."""

    name = models.CharField("基地名称", max_length=200)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="bases", verbose_name="合作单位"
    )
    college = models.ForeignKey(
        "xcu_bases.College",
        on_delete=models.PROTECT,
        related_name="bases",
        verbose_name="所属学院",
    )
    level = models.CharField(
        "级别", max_length=20, choices=BaseLevel.choices, default=BaseLevel.SCHOOL
    )
    state = FSMField(
        "状态", choices=BaseState.choices, default=BaseState.PREPARING, protected=True
    )
    plaque_date = models.DateField("挂牌日期", null=True, blank=True)
    application = models.OneToOneField(
        "applications.BaseApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="base",
        verbose_name="申报书",
    )
    # Art 14: when several colleges use a base, one responsible college coordinates.
    responsible_college = models.ForeignKey(
        "xcu_bases.College",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_bases",
        verbose_name="责任学院",
    )
    participating_colleges = models.ManyToManyField(
        "xcu_bases.College", blank=True, related_name="shared_bases", verbose_name="其他参与学院"
    )
    # Art 12(3): the college appoints one of its teachers as inspector for safety and practice.
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspected_bases",
        verbose_name="督导员",
    )
    # What was typed before the inspector became an account (migration 0006); shown until
    # the college names a teacher account.
    inspector_legacy = models.CharField("原登记督导员（未关联账号）", max_length=80, blank=True)
    # Art 29: an Excellent term assessment recommends the base "优先推荐申报省级和国家级联合培养基地".
    recommended_for_higher_level = models.BooleanField("推荐申报省级和国家级基地", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = BaseQuerySet.as_manager()

    class Meta:
        verbose_name = "联合培养基地"
        verbose_name_plural = "联合培养基地"
        ordering = ["college__code", "name"]

    def __str__(self):
        return self.name

    # Art 7(5): the plaque makes the base active.
    @transition(field=state, source=BaseState.PREPARING, target=BaseState.ACTIVE,
                permission=lambda base, user: access.is_office(user))  # fmt: skip
    def award_plaque(self):
        pass

    # An agreement past its end date makes the base expired unless renewed.
    @transition(field=state, source=BaseState.ACTIVE, target=BaseState.EXPIRED,
                conditions=[lambda base: base.agreement_in_force() is None])  # fmt: skip
    def expire(self):
        pass

    # Renewal by a new agreement brings an expired base back.
    @transition(field=state, source=BaseState.EXPIRED, target=BaseState.ACTIVE,
                permission=lambda base, user: access.is_office(user),
                conditions=[lambda base: base.agreement_in_force() is not None])  # fmt: skip
    def renew(self):
        pass

    # Art 29: the office revokes the base, after an Unqualified term assessment once it has
    # confirmed the revocation decision (evaluation.RevocationDecision), or by its own decision.
    @transition(field=state, source=[BaseState.PREPARING, BaseState.ACTIVE, BaseState.EXPIRED],
                target=BaseState.REVOKED, permission=lambda base, user: access.is_office(user))  # fmt: skip
    def revoke(self):
        pass

    def agreement_in_force(self, day: date | None = None):
        from django.utils import timezone

        day = day or timezone.localdate()
        return (
            self.agreements.filter(starts_on__lte=day, ends_on__gte=day)
            .order_by("-ends_on")
            .first()
        )

    def latest_agreement(self):
        return self.agreements.order_by("-ends_on").first()


class BaseLevelChange(models.Model):
    """Art 4, Art 8: one level at a time, each change with its date and document number."""

    base = models.ForeignKey(
        Base, on_delete=models.CASCADE, related_name="level_changes", verbose_name="基地"
    )
    level = models.CharField("级别", max_length=20, choices=BaseLevel.choices)
    changed_on = models.DateField("认定日期")
    document_number = models.CharField(
        "文件号", max_length=100, help_text="例如：川教函〔2026〕123号"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "级别变更"
        verbose_name_plural = "级别变更"
        ordering = ["changed_on", "pk"]

    def __str__(self):
        return f"{self.base}：{self.get_level_display()}（{self.document_number}）"


class GovernanceMember(models.Model):
    """Members of the management committee (Art 9) and of the base working group (Art 10)."""

    base = models.ForeignKey(
        Base, on_delete=models.CASCADE, related_name="governance", verbose_name="基地"
    )
    body = models.CharField("机构", max_length=20, choices=GovernanceBody.choices)
    role = models.CharField(
        "职务", max_length=20, choices=GovernanceRole.choices, default=GovernanceRole.MEMBER
    )
    # Art 9, Art 10: who the member represents; blank only on rows from before it was asked.
    capacity = models.CharField(
        "代表身份", max_length=30, choices=GovernanceCapacity.choices, blank=True
    )
    name = models.CharField("姓名", max_length=50)
    unit = models.CharField("单位", max_length=100)
    position = models.CharField("单位职务", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "管理机构成员"
        verbose_name_plural = "管理机构成员"
        ordering = ["body", "role", "pk"]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class EvidenceFile(models.Model):
    """Abstract: an optional evidence file, checked by content, with its original name."""

    file = models.FileField("证明材料", upload_to=GeneratedName("bases/evidence"), blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)

    class Meta:
        abstract = True


class ExchangeMeeting(EvidenceFile):
    """Art 17: regular exchange meetings and seminars."""

    base = models.ForeignKey(
        Base, on_delete=models.CASCADE, related_name="meetings", verbose_name="基地"
    )
    held_on = models.DateField("日期")
    kind = models.CharField(
        "类型", max_length=20, choices=MeetingKind.choices, default=MeetingKind.EXCHANGE
    )
    title = models.CharField("主题", max_length=200)
    participants = models.TextField("参加人员")
    minutes = models.TextField("会议纪要")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "交流研讨会"
        verbose_name_plural = "交流研讨会"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on} {self.title}"


def _is_office(entry, user) -> bool:
    return access.is_office(user)


class FundingEntry(ConcurrentTransitionMixin, EvidenceFile):
    """Art 27: 10,000 yuan a year for the first three years, and what was spent.

    An allocation is planned (计划拨付, ``due_on``) when the base is established and counts as
    paid (已拨付) only once the office records ``paid_on`` and its ``voucher_number``; a
    spending row has its ``entry_date`` and a voucher file, and no state.
    """

    base = models.ForeignKey(
        Base, on_delete=models.CASCADE, related_name="funding", verbose_name="基地"
    )
    kind = models.CharField("类型", max_length=20, choices=FundingKind.choices)
    state = FSMField(
        "拨付状态", choices=AllocationState.choices, blank=True, default="", protected=True
    )
    year_no = models.PositiveSmallIntegerField("建设年度（第几年）", null=True, blank=True)
    amount = models.DecimalField(
        "金额（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    amount_reason = models.CharField("金额不是 10,000 元的理由", max_length=300, blank=True)
    due_on = models.DateField("计划拨付日期", null=True, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    voucher_number = models.CharField("拨付凭证号", max_length=100, blank=True)
    entry_date = models.DateField("支出日期", null=True, blank=True)
    description = models.CharField("摘要", max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "经费记录"
        verbose_name_plural = "经费记录"
        ordering = ["entry_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "year_no"],
                condition=Q(kind="allocation"),
                name="one_allocation_per_year",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive"),
            # Art 27: an allocation is one of the first three years, with its due date.
            models.CheckConstraint(
                condition=Q(kind="spending")
                | Q(
                    kind="allocation",
                    year_no__gte=1,
                    year_no__lte=3,
                    due_on__isnull=False,
                    entry_date__isnull=True,
                    state__in=["planned", "paid"],
                ),
                name="allocation_year_due_and_state",
            ),
            models.CheckConstraint(
                condition=Q(kind="allocation")
                | Q(kind="spending", entry_date__isnull=False, state="", year_no__isnull=True),
                name="spending_has_a_date_and_no_state",
            ),
            # Paid means the office recorded the date and the document number, nothing less.
            models.CheckConstraint(
                condition=~Q(state="paid") | (Q(paid_on__isnull=False) & ~Q(voucher_number="")),
                name="paid_allocation_has_date_and_voucher",
            ),
            models.CheckConstraint(
                condition=Q(state="paid") | Q(paid_on__isnull=True, voucher_number=""),
                name="only_paid_allocations_have_payment",
            ),
            # The default is 10,000 yuan; any other allocation amount carries its reason.
            models.CheckConstraint(
                condition=Q(kind="spending") | Q(amount=10_000) | ~Q(amount_reason=""),
                name="allocation_other_amount_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} 元"

    # Art 27, Art 11(4): the office records the payment (date and document number, checked by
    # the service ``allocation_pay``).
    @transition(field=state, source=AllocationState.PLANNED, target=AllocationState.PAID,
                permission=_is_office, conditions=[lambda e: e.kind == FundingKind.ALLOCATION])  # fmt: skip
    def pay(self):
        pass

    @property
    def is_allocation(self) -> bool:
        return self.kind == FundingKind.ALLOCATION

    @property
    def ledger_date(self) -> date | None:
        """Where the row sits in the ledger: paid on, else due on, else spent on."""
        return self.paid_on or self.due_on or self.entry_date


class Course(EvidenceFile):
    """Art 28: practice courses co-built with the partner."""

    base = models.ForeignKey(
        Base, on_delete=models.CASCADE, related_name="courses", verbose_name="基地"
    )
    title = models.CharField("课程名称", max_length=200)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    people = models.CharField("授课人员", max_length=300)
    hours = models.PositiveSmallIntegerField("学时", null=True, blank=True)

    class Meta:
        verbose_name = "共建实践课程"
        verbose_name_plural = "共建实践课程"
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.title


class JointProject(EvidenceFile):
    """Art 28: joint research projects; city level or higher, or contract projects, are encouraged."""

    base = models.ForeignKey(
        Base, on_delete=models.CASCADE, related_name="projects", verbose_name="基地"
    )
    title = models.CharField("项目名称", max_length=200)
    level = models.CharField("级别", max_length=20, choices=ProjectLevel.choices)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    people = models.CharField("项目成员", max_length=300)
    funding = models.DecimalField(
        "经费（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "联合科研项目"
        verbose_name_plural = "联合科研项目"
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.title


class Agreement(models.Model):
    """联合培养基地协议书 as signed: normally 5 years (Art 7(2))."""

    base = models.ForeignKey(
        Base, on_delete=models.PROTECT, related_name="agreements", verbose_name="基地"
    )
    application = models.OneToOneField(
        "applications.BaseApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_agreement",
        verbose_name="申报书",
    )
    signed_on = models.DateField("签订日期")
    starts_on = models.DateField("协议开始日期")
    ends_on = models.DateField("协议结束日期")
    scan = models.FileField("协议书扫描件", upload_to=GeneratedName("agreements"), blank=True)
    scan_name = models.CharField("原文件名", max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    # Art 7(2): why the signed term differs from the reviewed one (blank: it does not).
    term_reason = models.CharField("期限与审核不一致的理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "协议书"
        verbose_name_plural = "协议书"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=F("ends_on")), name="agreement_starts_before_it_ends"
            )
        ]

    def __str__(self):
        return f"{self.base}（{self.starts_on:%Y-%m-%d} 至 {self.ends_on:%Y-%m-%d}）"

    def in_force_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class CertificatePrint(models.Model):
    """One numbered copy of a base's plaque certificate (Art 7(5)); never reused."""

    base = models.ForeignKey(
        Base, on_delete=models.PROTECT, related_name="certificate_prints", verbose_name="基地"
    )
    serial = models.CharField("编号", max_length=40, unique=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="打印人"
    )
    printed_at = models.DateTimeField("打印时间")

    class Meta:
        verbose_name = "基地证书打印记录"
        verbose_name_plural = "基地证书打印记录"
        ordering = ["-printed_at", "-pk"]

    def __str__(self):
        return self.serial
