"""Annex 2 forms. A draft saves whatever is typed (types are still checked);
whether it may be submitted is the gates' business (practice/gates.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory

from agreements.choices import BaseState
from agreements.models import Base
from practice.choices import RequestState
from practice.gates import PURPOSE_MIN_CHARS
from practice.models import BaseSupervisor, PlanTask, PracticeRequest
from xcu_bases.uploads import EVIDENCE_KINDS, check_upload


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BaseSelect(forms.Select):
    """Each base carries its partner's address, so the page can offer it."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        base = getattr(value, "instance", None)
        if base is not None:
            option["attrs"]["data-address"] = base.partner.address
        return option


class SupervisorSelect(forms.Select):
    """Each supervisor carries its base, so static/js/practice-request.js can filter them."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        supervisor = getattr(value, "instance", None)
        if supervisor is not None:
            option["attrs"]["data-base"] = supervisor.base_id
        return option


# Sections of the edit page, in the order of the paper form.
BASE_FIELDS = ["base_type", "base", "other_base_name", "base_address", "base_postcode", "base_contact",
               "base_contact_phone", "base_contact_email", "base_supervisor"]  # fmt: skip
PERIOD_FIELDS = ["starts_on", "ends_on", "purpose"]
INSURANCE_FIELDS = ["insurer", "policy_number", "insured_from", "insured_to"]
PLEDGE_FIELDS = ["pledge_accepted", "pledge_signature", "pledge_date"]


class RequestForm(forms.ModelForm):
    insurance_upload = forms.FileField(
        label="保单扫描件",
        required=False,
        help_text="PDF、JPG、PNG、DOCX 或 XLSX，不超过 20 MB。再次上传将替换已上传的文件。",
    )

    class Meta:
        model = PracticeRequest
        fields = BASE_FIELDS + PERIOD_FIELDS + INSURANCE_FIELDS + PLEDGE_FIELDS
        widgets = {
            "base_type": forms.RadioSelect,
            "base": BaseSelect,
            "base_supervisor": SupervisorSelect,
            "base_postcode": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 6}),
            "starts_on": _date(),
            "ends_on": _date(),
            "purpose": forms.Textarea(attrs={"rows": 8, "data-min-chars": PURPOSE_MIN_CHARS}),
            "insured_from": _date(),
            "insured_to": _date(),
            "pledge_date": _date(),
        }
        labels = {
            "base_contact_phone": "基地负责人联系方式（电话）",
            "base_contact_email": "基地负责人联系方式（邮箱）",
        }
        help_texts = {
            "base": "只能选择运行中的基地；实践期间须在基地协议有效期内（第七条第二项）。",
            "base_supervisor": "只能选择经学校认定且在有效期内的基地导师（第十八条）。",
            "purpose": "可从实践内容、与学位论文选题的关系、预期达到的能力和成果等方面填写。",
            "insured_to": "保险期间须覆盖整个实践期间（第十二条第四项、第二十二条）。",
            "pledge_signature": "请输入与学籍信息一致的本人姓名。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        req = self.instance
        # A draft keeps what it already chose, so it can still be saved; the gates
        # explain on submit why a base or supervisor that changed is no longer allowed.
        bases = Base.objects.filter(state=BaseState.ACTIVE)
        if req.base_id:
            bases = Base.objects.filter(pk=req.base_id) | bases
        self.fields["base"].queryset = bases.select_related("partner").order_by("name")
        self.fields["base"].empty_label = "请选择实践基地"
        supervisors = BaseSupervisor.objects.selectable()
        if req.base_supervisor_id:
            supervisors = BaseSupervisor.objects.filter(pk=req.base_supervisor_id) | supervisors
        field = self.fields["base_supervisor"]
        field.queryset = supervisors.select_related("base").order_by("base__name", "name")
        field.empty_label = "请选择基地导师"
        field.label_from_instance = lambda s: f"{s.name}（{s.title}）· {s.base.name}"

    def clean_insurance_upload(self):
        file = self.cleaned_data.get("insurance_upload")
        if file:
            check_upload(file, EVIDENCE_KINDS)
        return file

    def clean(self):
        data = super().clean()
        for start, end, message in (
            ("starts_on", "ends_on", "实践结束日期不能早于开始日期。"),
            ("insured_from", "insured_to", "保险终止日期不能早于起始日期。"),
        ):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, message)
        return data

    def section(self, names):
        return [self[name] for name in names]

    def base_section(self):
        return self.section(BASE_FIELDS)

    def period_section(self):
        return self.section(PERIOD_FIELDS)

    def insurance_section(self):
        return self.section(INSURANCE_FIELDS)

    def pledge_section(self):
        return self.section(PLEDGE_FIELDS)


class PlanTaskForm(forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = ["task", "starts_on", "ends_on"]
        widgets = {"starts_on": _date(), "ends_on": _date()}
        labels = {"task": "任务内容"}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return data


class _PlanFormSet(forms.BaseInlineFormSet):
    def get_queryset(self):
        return super().get_queryset().order_by("position", "pk")


PlanTaskFormSet = inlineformset_factory(
    PracticeRequest, PlanTask, form=PlanTaskForm, formset=_PlanFormSet,
    extra=0, can_delete=True, max_num=30,
)  # fmt: skip
# A request with no plan yet starts with one empty row.
FirstPlanTaskFormSet = inlineformset_factory(
    PracticeRequest, PlanTask, form=PlanTaskForm, formset=_PlanFormSet,
    extra=1, can_delete=True, max_num=30,
)  # fmt: skip


def plan_formset(data, req):
    cls = PlanTaskFormSet if req.tasks.exists() else FirstPlanTaskFormSet
    return cls(data, instance=req, prefix="tasks")


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="意见", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )

    def __init__(self, *args, label="意见", stand_in=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = label
        if stand_in:  # Art 18: the office acting for a base supervisor who cannot act
            self.fields["reason"] = forms.CharField(
                label="代基地导师办理的理由",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=1000,
                error_messages={"required": "请填写代基地导师办理的理由。"},
                help_text="该生的基地导师目前无法办理（资格撤销、认定过期或待认定）。"
                "理由将记入办理记录，并注明“学科与研究生处代基地导师”。",
            )

    def clean_reason(self):
        text = self.cleaned_data["reason"].strip()
        if not text:
            raise ValidationError("请填写代基地导师办理的理由。")
        return text

    def clean_comment(self):
        text = self.cleaned_data["comment"].strip()
        if not text:
            raise ValidationError("这个字段是必填项。")
        return text


class RequestFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50)
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *RequestState.choices]
    )
    month = forms.DateField(
        label="实践月份",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": "请按“年-月”填写实践月份，例如 2026-03。"},
        help_text="该月内处于实践期的申请（已批准实践中或已完成）。",
    )


class ForwardForm(forms.Form):
    """The college secretary's check before the head decides (logged, not a state change)."""

    comment = forms.CharField(
        label="核对说明",
        required=False,
        max_length=1000,
        initial="材料已核对，转学院负责人。",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplaceSupervisorForm(forms.Form):
    """Art 18: the college names another supervisor of the same base for a running practice."""

    supervisor = forms.ModelChoiceField(
        label="新基地导师",
        queryset=BaseSupervisor.objects.none(),
        empty_label="请选择本基地的其他基地导师",
        help_text="只列出本基地已认定且在有效期内、或已提名待认定的基地导师。"
        "新导师尚未认定的，认定后即可办理；认定前由学科与研究生处代为办理。",
    )
    reason = forms.CharField(
        label="更换理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写更换理由。"},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["supervisor"]
        field.queryset = choices
        field.label_from_instance = lambda s: f"{s.name}（{s.title}，{s.get_state_display()}）"

    def clean_reason(self):
        text = self.cleaned_data["reason"].strip()
        if not text:
            raise ValidationError("请填写更换理由。")
        return text
