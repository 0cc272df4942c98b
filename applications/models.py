"""Annex 1 (西昌学院研究生联合培养基地申报书) and the Art 7 approval chain."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from applications import rules
from applications.choices import (
    REVIEW_STATES,
    WITHDRAWABLE_STATES,
    MeetingDecision,
    Recommendation,
)
from applications.choices import ApplicationState as S
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.models import phone_validator
from xcu_bases.uploads import GeneratedName

MONEY = {"max_digits": 12, "decimal_places": 2, "null": True, "blank": True,
         "validators": [MinValueValidator(0)]}  # fmt: skip
COUNT = {"null": True, "blank": True}
# Annex 1 V: the partner's opinion box holds about ten printed lines beside the seal.
PARTNER_OPINION_MAX_LENGTH = 400


def current_year() -> int:
    return timezone.localdate().year


class BaseApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Secretary and head: their college's; office: all; expert: assigned to
        them; legal office: those sent to it; everyone else: none."""
        if not user.is_authenticated:
            return self.none()
        if access.is_office(user):
            return self
        condition = Q(pk__in=[])
        if access.is_college_staff(user):
            condition |= Q(college_id=user.college_id)
        if user.has_role(RoleCode.EXPERT):
            condition |= Q(expert_reviews__expert=user)
        if user.has_role(RoleCode.LEGAL_OFFICE):
            condition |= Q(sent_to_legal=True)
        return self.filter(condition).distinct()


class BaseApplication(ConcurrentTransitionMixin, models.Model):
    """One college's application for one base with one partner (Annex 1)."""

    state = FSMField("状态", choices=S.choices, default=S.DRAFT, protected=True)
    college = models.ForeignKey(
        "xcu_bases.College",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="申报单位",
    )
    year = models.PositiveSmallIntegerField(
        "申报年度",
        default=current_year,
        validators=[MinValueValidator(2020), MaxValueValidator(2100)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="填报人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后保存", auto_now=True)
    # Set by services, never by a form.
    round = models.PositiveSmallIntegerField("提交轮次", default=0)
    submitted_at = models.DateTimeField("申报日期", null=True, blank=True)
    sent_to_legal = models.BooleanField("已送法治与督办科", default=False)
    partner = models.ForeignKey(
        "agreements.Partner", on_delete=models.PROTECT, null=True, blank=True,
        related_name="applications", verbose_name="合作单位（登记）",
    )  # fmt: skip

    # Cover
    base_name = models.CharField("基地名称", max_length=200, blank=True)
    person_in_charge = models.CharField("负责人", max_length=50, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField(
        "联系电话", max_length=20, blank=True, validators=[phone_validator]
    )

    # I. Necessity and feasibility (at least 500 characters, whitespace not counted)
    necessity = models.TextField("建立基地的必要性和可行性论证分析", blank=True)

    # II. The applying college (figures: the three years before the application year)
    national_projects = models.PositiveIntegerField("近3年国家级科研项目总数（项）", **COUNT)
    national_funding = models.DecimalField("近3年国家级科研项目总经费（万元）", **MONEY)
    provincial_projects = models.PositiveIntegerField("近3年省部级科研项目总数（项）", **COUNT)
    provincial_funding = models.DecimalField("近3年省部级科研项目总经费（万元）", **MONEY)
    contract_projects = models.PositiveIntegerField("近3年横向科研项目总数（项）", **COUNT)
    contract_funding = models.DecimalField("近3年横向科研项目总经费（万元）", **MONEY)
    avg_projects_per_supervisor = models.DecimalField("导师年均科研项目数（项）", **MONEY)
    avg_funding_per_supervisor = models.DecimalField("导师年均科研经费总数（万元）", **MONEY)
    avg_contract_funding_per_supervisor = models.DecimalField(
        "导师年均横向科研经费数（万元）", **MONEY
    )
    college_lead = models.CharField("基地建设负责人（申报单位）", max_length=50, blank=True)
    college_lead_phone = models.CharField(
        "负责人联系电话", max_length=20, blank=True, validators=[phone_validator]
    )
    # The form's second person row asks name, phone and E-mail. The paper repeats the label
    # "基地建设负责人"; read with III (负责人 / 联系人) it is the contact person.
    college_contact = models.CharField("基地建设联系人（申报单位）", max_length=50, blank=True)
    college_contact_phone = models.CharField(
        "联系人联系电话（申报单位）", max_length=20, blank=True, validators=[phone_validator]
    )
    college_contact_email = models.EmailField("联系人 E-mail（申报单位）", blank=True)
    achievements = models.TextField("近三年政产学研用取得的成果", blank=True)

    # III. The partner (copied into the Partner registry on submit)
    partner_name = models.CharField("合作单位名称", max_length=200, blank=True)
    partner_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    partner_is_legal_person = models.BooleanField("具有独立法人资格（第五条）", default=False)
    partner_address = models.CharField("通讯地址", max_length=200, blank=True)
    partner_lead = models.CharField("基地建设负责人（合作单位）", max_length=50, blank=True)
    partner_lead_phone = models.CharField(
        "负责人联系电话", max_length=20, blank=True, validators=[phone_validator]
    )
    partner_contact = models.CharField("基地建设联系人", max_length=50, blank=True)
    partner_contact_phone = models.CharField(
        "联系人联系电话", max_length=20, blank=True, validators=[phone_validator]
    )
    partner_contact_email = models.EmailField("联系人 E-mail", blank=True)
    partner_main_fields = models.CharField("合作单位主要专业领域", max_length=300, blank=True)
    partner_students_per_year = models.PositiveIntegerField(
        "每年拟接受联合培养研究生人数", **COUNT
    )
    partner_total_staff = models.PositiveIntegerField("总人数", **COUNT)
    partner_senior_staff = models.PositiveIntegerField("高级技术职称人数", **COUNT)
    partner_doctorate_staff = models.PositiveIntegerField("博士学位以上员工人数", **COUNT)
    partner_avg_rd_spend = models.DecimalField("近三年年均科研经费投入（万元）", **MONEY)
    # Art 5 (一)–(七): the partner's introduction, one answer per condition.
    art5_support = models.TextField("（一）支持研究生教育、愿意联合培养", blank=True)
    art5_representative = models.TextField("（二）行业代表性与实践指导条件", blank=True)
    art5_staff = models.TextField("（三）高级职称专业人才", blank=True)
    art5_management = models.TextField("（四）组织管理水平与长期合作意愿", blank=True)
    art5_safety = models.TextField("（五）劳动、卫生、安全保障与生活条件", blank=True)
    art5_rules = models.TextField("（六）实践管理制度", blank=True)
    art5_funding = models.TextField("（七）稳定的经费来源", blank=True)
    # Art 6: priority conditions, each with its evidence.
    art6_station = models.BooleanField(
        "建有院士工作站、博士后科研工作站或博士后创新实践基地", default=False
    )
    art6_station_evidence = models.TextField("证明（工作站名称、批准文号）", blank=True)
    art6_platform = models.BooleanField(
        "具有省级及以上重点实验室、工程技术研究中心等研发平台", default=False
    )
    art6_platform_evidence = models.TextField("证明（平台名称、级别、批准文号）", blank=True)
    art6_partnership = models.BooleanField("已与我校建立长期合作关系", default=False)
    art6_partnership_evidence = models.TextField("证明（合作项目、协议及起止时间）", blank=True)

    # V. 基地建设合作单位意见: signed and sealed by the partner on paper; the college secretary
    # types what the partner wrote so that it prints in the box. Optional for submission.
    partner_opinion = models.TextField(
        "合作单位意见", max_length=PARTNER_OPINION_MAX_LENGTH, blank=True
    )
    partner_opinion_signatory = models.CharField(
        "合作单位负责人（签章人）", max_length=50, blank=True
    )
    partner_opinion_date = models.DateField("合作单位签署日期", null=True, blank=True)

    objects = BaseApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "基地申报书"
        verbose_name_plural = "基地申报书"
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["state", "college", "year"])]

    def __str__(self):
        return self.base_name or f"未命名申报书 #{self.pk}"

    @property
    def enrolment_years(self) -> tuple[int, int, int]:
        """The three years before the application year, oldest first (填表说明 四)."""
        return (self.year - 3, self.year - 2, self.year - 1)

    @property
    def is_editable(self) -> bool:
        return self.state == S.DRAFT

    # --- the Art 7 chain: no side effects here; services save and log ---------

    @transition(field=state, source=S.DRAFT, target=S.COLLEGE_REVIEW,
                permission=rules.is_own_secretary, conditions=[rules.is_complete])  # fmt: skip
    def submit(self):
        pass

    @transition(field=state, source=WITHDRAWABLE_STATES, target=S.DRAFT,
                permission=rules.is_own_secretary)  # fmt: skip
    def withdraw(self):
        pass

    @transition(field=state, source=S.COLLEGE_REVIEW, target=S.OFFICE_REVIEW,
                permission=rules.is_own_head)  # fmt: skip
    def college_approve(self):
        pass

    # Art 7(3): an agreement the office finds deviating from the template also goes to the
    # legal office: the office's decision, not the college's declaration.
    @transition(field=state, source=S.OFFICE_REVIEW, target=RETURN_VALUE(S.LEGAL_REVIEW, S.MEETING),
                permission=rules.is_office,
                conditions=[rules.office_review_done, rules.deviation_decided])  # fmt: skip
    def office_approve(self):
        return S.LEGAL_REVIEW if self.agreement_draft.office_deviates else S.MEETING

    @transition(field=state, source=S.LEGAL_REVIEW, target=S.MEETING, permission=rules.is_legal)
    def legal_approve(self):
        pass

    # Art 7(4): the president's meeting approves.
    @transition(field=state, source=S.MEETING, target=S.APPROVED,
                permission=rules.is_office, conditions=[rules.meeting_approved])  # fmt: skip
    def meeting_approve(self):
        pass

    @transition(field=state, source=S.APPROVED, target=S.SIGNED,
                permission=rules.is_office, conditions=[rules.has_signed_agreement])  # fmt: skip
    def sign(self):
        pass

    # Art 7(5): the plaque.
    @transition(field=state, source=S.SIGNED, target=S.ESTABLISHED,
                permission=rules.is_office, conditions=[rules.base_has_plaque])  # fmt: skip
    def establish(self):
        pass

    @transition(field=state, source=REVIEW_STATES, target=S.DRAFT,
                permission=rules.is_current_reviewer)  # fmt: skip
    def return_to_draft(self):
        pass

    @transition(field=state, source=REVIEW_STATES, target=S.REJECTED,
                permission=rules.is_current_reviewer)  # fmt: skip
    def reject(self):
        pass


class DisciplineRow(models.Model):
    """参与基地建设的学科、专业情况: one professional degree category or first-level discipline."""

    application = models.ForeignKey(
        BaseApplication, on_delete=models.CASCADE, related_name="disciplines"
    )
    position = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("专业学位类别或一级学科名称", max_length=100, blank=True)
    code = models.CharField(
        "代码",
        max_length=10,
        blank=True,
        help_text="按《研究生教育学科专业目录（2022年）》填写，如 0951。",
    )
    supervisors = models.PositiveIntegerField("校内导师人数", **COUNT)
    enrolment_1 = models.PositiveIntegerField("招生人数（第一年）", **COUNT)
    enrolment_2 = models.PositiveIntegerField("招生人数（第二年）", **COUNT)
    enrolment_3 = models.PositiveIntegerField("招生人数（第三年）", **COUNT)

    class Meta:
        verbose_name = "学科专业情况"
        verbose_name_plural = "学科专业情况"
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class InstrumentRow(models.Model):
    """支撑条件: instruments or platforms worth at least 100,000 yuan each (Annex 1 IV)."""

    application = models.ForeignKey(
        BaseApplication, on_delete=models.CASCADE, related_name="instruments"
    )
    position = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("仪器设备（平台）名称", max_length=200, blank=True)
    model = models.CharField("规格型号（训练内容）", max_length=200, blank=True)
    acquired_on = models.DateField("购置（建设）时间", null=True, blank=True)
    unit_price = models.DecimalField("单价（万元）", **MONEY)

    class Meta:
        verbose_name = "仪器设备（平台）"
        verbose_name_plural = "仪器设备（平台）"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class ApplicationAttachment(models.Model):
    """Evidence of the existing cooperation (Art 7(1))."""

    application = models.ForeignKey(
        BaseApplication, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=GeneratedName("applications/evidence"))
    original_name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）")
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ExpertReview(models.Model):
    """An expert's opinion in the office's review (Art 7(3)); one per expert per submission."""

    application = models.ForeignKey(
        BaseApplication, on_delete=models.CASCADE, related_name="expert_reviews"
    )
    round = models.PositiveSmallIntegerField("提交轮次")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="application_reviews",
        verbose_name="评审专家",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("指定时间", auto_now_add=True)
    recommendation = models.CharField(
        "评审结论", max_length=20, choices=Recommendation.choices, blank=True
    )
    opinion = models.TextField("评审意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "专家评审意见"
        verbose_name_plural = "专家评审意见"
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round", "expert"], name="one_review_per_expert_per_round"
            )
        ]

    def __str__(self):
        return f"{self.expert} 对 {self.application} 的评审"


class SiteInspection(models.Model):
    """实地考察 (Art 7(3)): must check work-safety qualification and the emergency plan."""

    application = models.OneToOneField(
        BaseApplication, on_delete=models.CASCADE, related_name="site_inspection"
    )
    inspected_on = models.DateField("考察日期")
    inspectors = models.CharField("考察人员", max_length=300)
    safety_qualification_checked = models.BooleanField("已核查合作单位安全生产资质", default=False)
    emergency_plan_checked = models.BooleanField("已审查合作单位应急预案", default=False)
    findings = models.TextField("考察意见")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now=True)

    class Meta:
        verbose_name = "实地考察"
        verbose_name_plural = "实地考察"

    def __str__(self):
        return f"{self.application} 实地考察（{self.inspected_on}）"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(SiteInspection, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to=GeneratedName("applications/inspection"))
    original_name = models.CharField("文件名", max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考察照片"
        verbose_name_plural = "考察照片"
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class MeetingRecord(models.Model):
    """校长办公会 decision (Art 7(4))."""

    application = models.OneToOneField(
        BaseApplication, on_delete=models.CASCADE, related_name="meeting_record"
    )
    meeting_date = models.DateField("会议日期")
    session = models.CharField(
        "会议届次", max_length=100, help_text="例如：2026年第12次校长办公会"
    )
    decision = models.CharField("审定结果", max_length=20, choices=MeetingDecision.choices)
    notes = models.TextField("会议纪要摘要", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now=True)

    class Meta:
        verbose_name = "校长办公会审定"
        verbose_name_plural = "校长办公会审定"

    def __str__(self):
        return f"{self.session}：{self.get_decision_display()}"


class ApplicationSnapshot(models.Model):
    """What was submitted, frozen: reviewers approve exactly this."""

    application = models.ForeignKey(
        BaseApplication, on_delete=models.CASCADE, related_name="snapshots"
    )
    round = models.PositiveSmallIntegerField("提交轮次")
    data = models.JSONField("申报内容")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "申报书提交版本"
        verbose_name_plural = "申报书提交版本"
        ordering = ["round"]
        constraints = [
            models.UniqueConstraint(fields=["application", "round"], name="one_snapshot_per_round")
        ]

    def __str__(self):
        return f"{self.application} 第 {self.round} 次提交"


class PrintRecord(models.Model):
    """Each printed copy of Annex 1 carries its own serial number."""

    application = models.ForeignKey(
        BaseApplication, on_delete=models.CASCADE, related_name="prints"
    )
    serial = models.CharField("打印编号", max_length=40, unique=True)
    round = models.PositiveSmallIntegerField("打印的提交轮次")
    is_draft = models.BooleanField("草稿", default=False)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    printed_at = models.DateTimeField("打印时间", default=timezone.now)

    class Meta:
        verbose_name = "打印记录"
        verbose_name_plural = "打印记录"
        ordering = ["-printed_at"]

    def __str__(self):
        return self.serial
