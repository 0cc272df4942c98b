from decimal import Decimal

from django import forms
from django.utils import timezone

from agreements.choices import BaseLevel, BaseState
from agreements.compliance import AMBER, RED, YEARLY_ALLOCATION, allocation_due_on
from agreements.governance_rules import inspector_candidates
from agreements.models import Course, ExchangeMeeting, FundingEntry, GovernanceMember, JointProject
from xcu_bases.choices import RoleCode
from xcu_bases.models import College


class TemplateUploadForm(forms.Form):
    document = forms.FileField(label="模板文件", help_text="DOCX 或 PDF，不超过 20 MB。")
    note = forms.CharField(label="修订说明", max_length=300, required=False)


# --- registry and base pages ----------------------------------------------------------------

DATE = {"type": "date"}


def _date(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )


EVIDENCE_HELP = "PDF、JPG、PNG、DOCX、XLSX，不超过 20 MB。"
EXPIRY_CHOICES = [
    ("", "不限"),
    ("3", "3 个月内到期"),
    ("6", "6 个月内到期"),
    ("12", "12 个月内到期"),
]
# The compliance panel's two reminders (agreements.compliance.expiry_window).
EXPIRY_REMINDER_CHOICES = [
    ("", "不限"),
    (RED, "3 个月内到期"),
    (AMBER, "3–6 个月内到期"),
]


class BaseFilterForm(forms.Form):
    q = forms.CharField(label="基地名称", required=False, max_length=50)
    partner = forms.CharField(label="合作单位", required=False, max_length=50)
    college = forms.ModelChoiceField(
        label="学院",
        required=False,
        queryset=College.objects.all(),
        empty_label="全部学院",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    level = forms.ChoiceField(
        label="级别", required=False, choices=[("", "全部级别"), *BaseLevel.choices]
    )
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *BaseState.choices]
    )
    recommended = forms.ChoiceField(
        label="推荐申报省级和国家级",
        required=False,
        choices=[("", "全部"), ("1", "已推荐")],
        help_text="期满考核优秀的基地，优先推荐申报省级和国家级联合培养基地（第二十九条）。",
    )
    expires_within = forms.TypedChoiceField(
        label="协议到期",
        required=False,
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        help_text="含已到期未续签的协议。",
    )
    expiry = forms.ChoiceField(
        label="续签提醒",
        required=False,
        choices=EXPIRY_REMINDER_CHOICES,
        help_text="协议尚未到期：3 个月内到期为红色提醒，3–6 个月内到期为黄色提醒（第七条）。",
    )


class CollegesField(forms.ModelMultipleChoiceField):
    """SQLite's driver raises OverflowError on ``pk__in`` with an integer beyond 64 bits
    (hand-made POST data): no college has such a number, so it is an invalid choice."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            text = str(pk).strip().lstrip("+-")
            if text.isdigit() and int(text) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice",
                    params={"value": pk},
                )  # fmt: skip
        return super()._check_values(value)


class BaseProfileForm(forms.Form):
    """Art 14 colleges and the Art 12(3) inspector."""

    participating_colleges = CollegesField(
        label="其他参与学院",
        required=False,
        queryset=College.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="多个学院共用本基地时勾选（第十四条）。",
    )
    responsible_college = forms.ModelChoiceField(
        label="责任学院",
        required=False,
        queryset=College.objects.all(),
        empty_label="（未指定）",
        help_text="多个学院共用基地时，由责任学院统筹协调（第十四条）；须为所属学院或参与学院。",
    )
    inspector = forms.ModelChoiceField(
        label="督导员",
        required=False,
        queryset=College.objects.none(),
        empty_label="（未指定）",
        help_text="从本学院的教师账号（校内导师、学院负责人）中选择，负责基地研究生安全与实践督导"
        "（第十二条第三项）。",
    )

    def __init__(self, *args, base, **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base
        self.fields["participating_colleges"].queryset = College.objects.exclude(
            pk=base.college_id
        )
        self.fields["inspector"].queryset = inspector_candidates(base.college_id).prefetch_related(
            "roles"
        )
        self.fields["inspector"].label_from_instance = _teacher_label

    def clean(self):
        data = super().clean()
        responsible = data.get("responsible_college")
        allowed = {self.base.college_id, *(c.pk for c in data.get("participating_colleges", []))}
        if responsible and responsible.pk not in allowed:
            self.add_error("responsible_college", "责任学院须为基地所属学院或勾选的参与学院。")
        return data


def _teacher_label(user) -> str:
    roles = [
        RoleCode(r.code).label
        for r in user.roles.all()
        if r.code in (RoleCode.CAMPUS_SUPERVISOR, RoleCode.COLLEGE_HEAD)
    ]
    return f"{user.name}（{'、'.join(roles)}）" if roles else user.name


class GovernanceMemberForm(forms.ModelForm):
    class Meta:
        model = GovernanceMember
        fields = ["body", "role", "capacity", "name", "unit", "position", "phone"]
        help_texts = {
            "role": "工作小组组长由学院负责人担任，副组长由合作单位相关部门负责人担任（第十条）。",
            "capacity": "管理委员会须有分管研究生教育校领导、合作单位、学科与研究生处和学院负责人"
            "（第九条）。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].required = True
        self.fields["capacity"].choices = [("", "请选择"), *self.fields["capacity"].choices[1:]]


class EvidenceForm(forms.ModelForm):
    """A record with an optional evidence file, checked by content in the service."""

    upload = forms.FileField(label="证明材料", required=False, help_text=EVIDENCE_HELP)


class ExchangeMeetingForm(EvidenceForm):
    class Meta:
        model = ExchangeMeeting
        fields = ["held_on", "kind", "title", "participants", "minutes"]
        widgets = {
            "held_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("会议日期不能晚于今天：请在会议召开后登记纪要。")
        return held_on


class SpendingForm(EvidenceForm):
    upload = forms.FileField(
        label="支出凭证", help_text="报销单、发票或支出明细。" + EVIDENCE_HELP
    )

    class Meta:
        model = FundingEntry
        fields = ["entry_date", "amount", "description"]
        labels = {"entry_date": "支出日期", "description": "用途"}
        widgets = {"entry_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError("支出金额必须大于 0。")
        return amount


AMOUNT_REASON_HELP = f"第二十七条：每年 {YEARLY_ALLOCATION:,} 元。金额不同时必须填写理由。"


class _AmountMixin:
    """Art 27: 10,000 yuan unless a reason is given."""

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount is not None and amount != YEARLY_ALLOCATION and not data.get("amount_reason"):
            self.add_error(
                "amount_reason", f"金额不是 {YEARLY_ALLOCATION:,} 元，请填写理由（第二十七条）。"
            )
        return data


def _amount_fields(form):
    form.fields["amount"] = forms.DecimalField(
        label="金额（元）", max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
        initial=YEARLY_ALLOCATION,
    )  # fmt: skip
    form.fields["amount_reason"] = forms.CharField(
        label="金额调整理由", required=False, max_length=300, help_text=AMOUNT_REASON_HELP
    )


class AllocationForm(_AmountMixin, forms.Form):
    """Art 27: the office plans a missing yearly allocation (planned, paid later)."""

    year_no = forms.TypedChoiceField(label="建设年度", coerce=int, choices=[])
    due_on = _date("计划拨付日期", help_text="第 1 年于挂牌时拨付，第 2、3 年依次顺延一年。")
    description = forms.CharField(label="摘要", required=False, max_length=300)

    def __init__(self, *args, years, plaque_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_no"].choices = [(n, f"第 {n} 年") for n in years]
        if plaque_date and years:
            self.fields["due_on"].initial = allocation_due_on(plaque_date, years[0])
        _amount_fields(self)
        self.order_fields(["year_no", "amount", "amount_reason", "due_on", "description"])


class AllocationPayForm(_AmountMixin, forms.Form):
    """Art 27: the payment of a planned allocation, with its date and document number."""

    paid_on = _date("拨付日期", help_text="经费实际拨付的日期，不能晚于今天。")
    voucher_number = forms.CharField(
        label="拨付凭证号",
        max_length=100,
        help_text="财务拨款文件或凭证的编号，例如：财拨〔2026〕15号。",
    )

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        _amount_fields(self)
        self.fields["amount"].initial = entry.amount
        self.fields["amount_reason"].initial = entry.amount_reason
        today = timezone.localdate()
        self.fields["paid_on"].initial = today
        self.fields["paid_on"].widget.attrs["max"] = today.isoformat()
        self.order_fields(["paid_on", "voucher_number", "amount", "amount_reason"])

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError("拨付日期不能晚于今天：只登记已经拨付的经费。")
        return paid_on

    def clean_voucher_number(self):
        voucher = self.cleaned_data["voucher_number"].strip()
        if not voucher:
            raise forms.ValidationError("请填写拨付凭证号。")
        return voucher


class _TermMixin:
    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return data


class CourseForm(_TermMixin, EvidenceForm):
    class Meta:
        model = Course
        fields = ["title", "starts_on", "ends_on", "people", "hours"]
        widgets = {
            "starts_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }


class ProjectForm(_TermMixin, EvidenceForm):
    class Meta:
        model = JointProject
        fields = ["title", "level", "starts_on", "ends_on", "people", "funding"]
        widgets = {
            "starts_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }
        help_texts = {"level": "鼓励开展市厅级及以上项目或横向项目（第二十八条）。"}


class LevelChangeForm(forms.Form):
    level = forms.ChoiceField(label="新级别", choices=BaseLevel.choices)
    changed_on = _date("认定日期")
    document_number = forms.CharField(
        label="认定文件号", max_length=100, help_text="例如：川教函〔2026〕123号"
    )
    note = forms.CharField(label="说明", required=False, max_length=300)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="例如：期末考核结果为不合格（第二十九条），或合作终止。",
    )
