"""Annex 1 forms. A draft saves whatever is typed (types are still checked);
completeness is the submit step's business (applications/completeness.py)."""

from datetime import date

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone

from agreements import review
from agreements.models import AgreementDraft
from applications import completeness
from applications.choices import ApplicationState, Art6Priority, MeetingDecision, Recommendation
from applications.models import (
    BaseApplication,
    DisciplineRow,
    InstrumentRow,
    SiteInspection,
)
from xcu_bases.forms import MultipleFileField, MultipleFileInput
from xcu_bases.models import College, User
from xcu_bases.text import count_chars
from xcu_bases.workflow import WorkflowError

# Sections of the edit page, in the order of the paper form. Templates loop over these.
SECTIONS = [
    ("cover", "封面", ["year", "base_name", "person_in_charge", "contact_person", "contact_phone"]),
    ("s1", "一、建立基地的必要性和可行性论证分析", ["necessity"]),
    ("s2", "二、申报单位基本情况", [
        "national_projects", "national_funding", "provincial_projects", "provincial_funding",
        "contract_projects", "contract_funding", "avg_projects_per_supervisor",
        "avg_funding_per_supervisor", "avg_contract_funding_per_supervisor",
        "college_lead", "college_lead_phone", "college_contact", "college_contact_phone",
        "college_contact_email", "achievements",
    ]),
    ("s3", "三、合作单位基本情况", [
        "partner_name", "partner_credit_code", "partner_is_legal_person", "partner_address",
        "partner_lead", "partner_lead_phone", "partner_contact", "partner_contact_phone",
        "partner_contact_email", "partner_main_fields", "partner_students_per_year",
        "partner_total_staff", "partner_senior_staff", "partner_doctorate_staff",
        "partner_avg_rd_spend",
    ]),
    ("art5", "合作单位情况简介（按第五条逐条说明）", completeness.ART5),
    ("art6", "优先条件（第六条）", [
        "art6_station", "art6_station_evidence", "art6_platform", "art6_platform_evidence",
        "art6_partnership", "art6_partnership_evidence",
    ]),
]  # fmt: skip
# V comes after IV (its own card on the edit page); only the partner's box is typed in here:
# the other three opinions are given in the system at each review step.
OPINION_SECTION = ("s5", "五、基地建设合作单位意见", completeness.PARTNER_OPINION)

WIDE_TEXT = {"necessity", "achievements", *completeness.ART5}


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = BaseApplication
        fields = [name for _, _, names in [*SECTIONS, OPINION_SECTION] for name in names]
        widgets = {
            "necessity": forms.Textarea(attrs={"rows": 14, "data-min-chars": completeness.NECESSITY_MIN_CHARS}),
            "achievements": forms.Textarea(attrs={"rows": 6, "data-max-chars": completeness.ACHIEVEMENTS_MAX_CHARS}),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in completeness.ART5},
            "art6_station_evidence": forms.Textarea(attrs={"rows": 2}),
            "art6_platform_evidence": forms.Textarea(attrs={"rows": 2}),
            "art6_partnership_evidence": forms.Textarea(attrs={"rows": 2}),
            "partner_opinion": forms.Textarea(attrs={"rows": 4, "data-max-chars": completeness.PARTNER_OPINION_MAX_CHARS}),
            "partner_opinion_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }  # fmt: skip
        labels = {
            "national_projects": "国家级项目数（项）",
            "national_funding": "国家级项目经费（万元）",
            "provincial_projects": "省部级项目数（项）",
            "provincial_funding": "省部级项目经费（万元）",
            "contract_projects": "横向项目数（项）",
            "contract_funding": "横向项目经费（万元）",
            "avg_projects_per_supervisor": "导师年均项目数（项）",
            "avg_funding_per_supervisor": "导师年均经费（万元）",
            "avg_contract_funding_per_supervisor": "导师年均横向经费（万元）",
            "college_lead": "姓名",
            "college_lead_phone": "联系电话",
            "college_contact": "姓名",
            "college_contact_phone": "联系电话",
            "college_contact_email": "E-mail",
            "partner_opinion": "合作单位意见",
            "partner_opinion_signatory": "负责人（签章人）",
            "partner_opinion_date": "签署日期",
        }
        help_texts = {
            "necessity": "不少于 500 字（不计空格和换行）。可从建设内容、建设基础、预期目标和标志性成果等方面论证。",
            "achievements": "500 字以内。",
            "partner_credit_code": "18 位，见合作单位营业执照或事业单位法人证书。",
            "year": "所填数据为申报年度前三年的情况。",
            "partner_opinion": (
                f"照录合作单位负责人签署的意见，{completeness.PARTNER_OPINION_MAX_CHARS} 字以内、"
                f"不超过 {completeness.PARTNER_OPINION_MAX_PARAGRAPHS} 段。"
            ),
            "partner_opinion_date": "合作单位负责人签署的日期，不能晚于今天。",
        }

    def clean_partner_credit_code(self):
        return self.cleaned_data["partner_credit_code"].strip().upper()

    def clean_partner_opinion(self):
        """The printed box holds a short opinion: a length in characters as counted
        everywhere (whitespace not counted) and a few paragraphs."""
        text = self.cleaned_data["partner_opinion"]
        n = count_chars(text)
        if n > completeness.PARTNER_OPINION_MAX_CHARS:
            raise forms.ValidationError(
                f"合作单位意见限 {completeness.PARTNER_OPINION_MAX_CHARS} 字以内，当前 {n} 字（不计空格和换行）。"
            )
        if (
            sum(1 for line in text.splitlines() if line.strip())
            > completeness.PARTNER_OPINION_MAX_PARAGRAPHS
        ):
            raise forms.ValidationError(
                f"合作单位意见请分 {completeness.PARTNER_OPINION_MAX_PARAGRAPHS} 段以内（每个非空行算一段）。"
            )
        return text

    def clean_partner_opinion_date(self):
        day = self.cleaned_data["partner_opinion_date"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("合作单位签署日期不能晚于今天。")
        if day and day < date(2000, 1, 1):
            raise forms.ValidationError("请填写 2000 年以后的签署日期。")
        return day

    def sections(self):
        """(id, title, [bound fields]) for the template."""
        return [(key, title, [self[name] for name in names]) for key, title, names in SECTIONS]

    def opinion_section(self):
        key, title, names = OPINION_SECTION
        return key, title, [self[name] for name in names]


class DisciplineForm(forms.ModelForm):
    class Meta:
        model = DisciplineRow
        fields = ["name", "code", "supervisors", "enrolment_1", "enrolment_2", "enrolment_3"]


class InstrumentForm(forms.ModelForm):
    class Meta:
        model = InstrumentRow
        fields = ["name", "model", "acquired_on", "unit_price"]
        widgets = {"acquired_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


DisciplineFormSet = inlineformset_factory(
    BaseApplication, DisciplineRow, form=DisciplineForm, extra=0, can_delete=True, max_num=20
)
InstrumentFormSet = inlineformset_factory(
    BaseApplication, InstrumentRow, form=InstrumentForm, extra=0, can_delete=True, max_num=50
)


class AgreementDraftForm(forms.ModelForm):
    document_upload = forms.FileField(
        label="协议书草案文件", required=False, help_text="PDF 或 DOCX，不超过 20 MB。"
    )

    class Meta:
        model = AgreementDraft
        fields = ["goals", "content", "fields", "partner_duties", "college_duties",
                  "ip_ownership", "term_years", "deviates_from_template"]  # fmt: skip
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in
                   ["goals", "content", "fields", "partner_duties", "college_duties", "ip_ownership"]}  # fmt: skip
        help_texts = {"term_years": "合作协议期限一般为 5 年（第七条第二项）。"}


class AttachmentForm(forms.Form):
    files = MultipleFileField(
        label="上传证明材料",
        required=False,
        help_text="PDF、JPG、PNG、DOCX、XLSX，每个文件不超过 20 MB。",
    )
    description = forms.CharField(label="材料说明", required=False, max_length=200)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="意见", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )

    def __init__(self, *args, label="意见", required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = label
        self.fields["comment"].required = required


DEVIATION_CHOICES = [
    ("0", "协议书与模板内容一致"),
    ("1", "协议书与模板内容不一致（送法治与督办科审核）"),
]


def deviation_field(declared: bool | None = None) -> forms.TypedChoiceField:
    """Art 7(3): the office's decision, starting from what the college declared."""
    return forms.TypedChoiceField(
        label="学科与研究生处认定",
        choices=DEVIATION_CHOICES,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1" if declared else "0",
        help_text="默认为学院申报的情况；改变学院申报时须填写理由（第七条第三项）。",
    )


class OfficeApproveForm(CommentForm):
    """The office passes its review and decides whether the agreement deviates (Art 7(3))."""

    deviation_reason = forms.CharField(
        label="认定理由",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="改变学院申报时必填，例如：第五条知识产权归属与模板约定不同。",
    )

    def __init__(self, *args, declared: bool = False, **kwargs):
        super().__init__(*args, label="学科与研究生处审核意见", **kwargs)
        self.declared = declared
        self.fields["deviates"] = deviation_field(declared)
        self.order_fields(["deviates", "deviation_reason", "comment"])

    def clean(self):
        data = super().clean()
        changed = data.get("deviates") is not None and data["deviates"] != self.declared
        if changed and not (data.get("deviation_reason") or "").strip():
            self.add_error("deviation_reason", "改变学院申报的认定时，请填写理由。")
        return data


class ExpertAssignForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label="评审专家",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一位评审专家。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = User.objects.filter(
            roles__code="expert", is_active=True
        ).order_by("name")
        self.fields["experts"].label_from_instance = lambda u: u.get_full_name()


class ExpertReviewForm(forms.Form):
    recommendation = forms.ChoiceField(
        label="评审结论", choices=Recommendation.choices, widget=forms.RadioSelect
    )
    opinion = forms.CharField(
        label="评审意见", widget=forms.Textarea(attrs={"rows": 8}), max_length=4000
    )


class InspectionForm(forms.ModelForm):
    photos = MultipleFileField(
        label="考察照片",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text="JPG 或 PNG，每张不超过 20 MB。",
    )

    class Meta:
        model = SiteInspection
        fields = ["inspected_on", "inspectors", "safety_qualification_checked",
                  "emergency_plan_checked", "findings"]  # fmt: skip
        widgets = {
            "inspected_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "findings": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "safety_qualification_checked": "第七条第三项：实地考察应包括合作单位安全生产资质核查。",
            "emergency_plan_checked": "第七条第三项：实地考察应包括应急预案审查。",
        }


class MeetingForm(forms.Form):
    meeting_date = forms.DateField(
        label="会议日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    session = forms.CharField(
        label="会议届次", max_length=100, help_text="例如：2026年第12次校长办公会"
    )
    decision = forms.ChoiceField(
        label="审定结果", choices=MeetingDecision.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="会议纪要摘要", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="不予批准时必填。")  # fmt: skip

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == MeetingDecision.REJECT
            and not (data.get("notes") or "").strip()
        ):
            self.add_error("notes", "不予批准时请填写理由（会议纪要摘要）。")
        return data


class SignForm(forms.Form):
    """Art 7(2), 7(4): the signed agreement; its term is the approved draft's unless a reason
    is given for another."""

    signed_on = forms.DateField(label="签订日期", widget=forms.DateInput(attrs={"type": "date"}))
    starts_on = forms.DateField(
        label="协议开始日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label="协议结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    term_reason = forms.CharField(
        label="期限与草案不一致的理由",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="协议期限与协议书草案约定不一致时必填，将记入办理记录并显示在基地的协议列表中。",
    )
    scan = forms.FileField(label="已签协议书扫描件", help_text="PDF 或 DOCX，不超过 20 MB。")

    def __init__(self, *args, term_years: int = 5, **kwargs):
        super().__init__(*args, **kwargs)
        self.term_years = term_years
        note = f"不填则为开始日期起 {term_years} 年，即协议书草案约定的期限（第七条第二项）。"
        self.fields["ends_on"].help_text = note

    def clean(self):
        data = super().clean()
        starts = data.get("starts_on")
        if starts and not date(2000, 1, 1) <= starts <= date(2099, 12, 31):
            self.add_error("starts_on", "请填写 2000 年至 2099 年之间的协议开始日期。")
            return data
        if not starts:
            return data
        try:
            reviewed = review.term_end(starts, self.term_years)
        except WorkflowError as error:
            self.add_error("starts_on", error.message)
            return data
        ends = data["ends_on"] = data.get("ends_on") or reviewed
        if ends <= starts:
            self.add_error("ends_on", "协议结束日期必须晚于开始日期。")
        elif ends != reviewed and not (data.get("term_reason") or "").strip():
            self.add_error(
                "term_reason",
                f"协议期限与协议书草案约定的 {self.term_years} 年不一致（应至 "
                f"{reviewed:%Y年%m月%d日}），请填写理由。",
            )
        return data


class EstablishForm(forms.Form):
    plaque_date = forms.DateField(label="挂牌日期", widget=forms.DateInput(attrs={"type": "date"}))


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50)
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *ApplicationState.choices]
    )
    college = forms.ModelChoiceField(
        label="申报单位",
        required=False,
        queryset=College.objects.all(),
        empty_label="全部学院",
        widget=forms.Select(attrs={"class": "form-select", "id": "id_college"}),
    )
    year = forms.IntegerField(label="申报年度", required=False, min_value=2020, max_value=2100)
    # Art 6: those who decide can pick out the partners to be considered first.
    priority = forms.ChoiceField(
        label="优先条件（第六条）",
        required=False,
        choices=[("", "不限"), ("1", "符合任一优先条件"), *Art6Priority.choices],
    )  # fmt: skip
