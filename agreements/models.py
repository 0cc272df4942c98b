"""Partners, agreements and bases (Art 4–8)."""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from agreements.choices import BaseLevel, BaseState
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

    class Meta:
        verbose_name = "协议书草案"
        verbose_name_plural = "协议书草案"

    def __str__(self):
        return f"{self.application} 的协议书草案"


class BaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Every logged-in user may browse bases (students choose from them);
        # editing rights are checked separately.
        return self if user.is_authenticated else self.none()

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
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = BaseQuerySet.as_manager()

    class Meta:
        verbose_name = "联合培养基地"
        verbose_name_plural = "联合培养基地"
        ordering = ["college__code", "name"]

    def __str__(self):
        return self.name

    # Art 7(5): the plaque makes the base active.
    @transition(field=state, source=BaseState.PREPARING, target=BaseState.ACTIVE)
    def award_plaque(self):
        pass


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
    scan = models.FileField("协议书扫描件", upload_to=GeneratedName("agreements"))
    scan_name = models.CharField("原文件名", max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

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
