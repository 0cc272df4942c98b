"""Forms of the practice record: contacts (Art 20), allowances (Art 23), the thesis (Art 24)
and publication clearance (Art 25). Rules live in practice/record_services.py."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from practice.choices import ClearanceUse
from practice.models import Allowance, PublicationClearance, SupervisorContact
from practice.record_services import THESIS_MAX_BYTES
from xcu_bases.uploads import DOCUMENT_KINDS, EVIDENCE_KINDS, check_upload


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContactForm(forms.ModelForm):
    class Meta:
        model = SupervisorContact
        fields = ["on", "mode", "topic", "notes"]
        widgets = {
            "on": _date(),
            "mode": forms.RadioSelect,
            "topic": forms.TextInput(attrs={"placeholder": "例如：实践进展与论文数据采集安排"}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "notes": "双方交流的研究生思想、学习、生活等情况及商定的事项（第二十条）。",
        }


class MonthField(forms.CharField):
    """A calendar month typed as YYYY-MM (the browser's month picker)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-09"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValidationError("请按“年-月”填写月份，例如 2026-09。")
        return date(int(match[1]), int(match[2]), 1)

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class AllowanceForm(forms.ModelForm):
    month = MonthField(label="月份")

    class Meta:
        model = Allowance
        fields = ["month", "amount", "note"]
        widgets = {"amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"})}
        help_texts = {"note": "例如：完成导师与合作单位安排的工作后发放（第二十三条）。"}


class FileForm(forms.Form):
    """One file, checked by content (magic bytes) and size before any service sees it."""

    file = forms.FileField(label="文件")
    kinds = EVIDENCE_KINDS
    max_bytes = None

    def __init__(self, *args, label="文件", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if self.max_bytes:
            check_upload(upload, self.kinds, max_bytes=self.max_bytes)
        else:
            check_upload(upload, self.kinds)
        return upload


class ThesisForm(FileForm):
    kinds = DOCUMENT_KINDS
    max_bytes = THESIS_MAX_BYTES


class ClearanceForm(forms.ModelForm):
    class Meta:
        model = PublicationClearance
        fields = ["use", "title", "venue", "content"]
        widgets = {"use": forms.RadioSelect, "content": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["use"].choices = ClearanceUse.choices  # no "---------" radio button


class ClearanceAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label="确认结果",
        choices=[("open", "不涉密，同意使用"), ("confidential", "涉密")],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label="确认意见",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="涉密时请写明哪些内容不得公开，以及需签订的保密协议（第二十五条）。",
        error_messages={"required": "请填写确认意见。"},
    )

    def clean_answer(self):
        text = self.cleaned_data["answer"].strip()
        if not text:
            raise ValidationError("请填写确认意见。")
        return text


class EndEarlyForm(forms.Form):
    """Art 24: the college or the office ends a practice before its planned end."""

    ended_on = forms.DateField(
        label="提前结束日期",
        widget=_date(),
        help_text="实践的最后一天：不早于实践开始日期，不晚于今天，且早于计划结束日期。",
        error_messages={"required": "请填写提前结束日期。", "invalid": "请填写有效的日期。"},
    )
    reason = forms.CharField(
        label="提前结束原因",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="写明由谁提出（研究生本人、校内导师、基地导师或基地）及提前结束的原因；"
        "将记入申请的处理记录。",
        error_messages={"required": "请填写提前结束原因。"},
    )

    def clean_reason(self):
        text = self.cleaned_data["reason"].strip()
        if not text:
            raise ValidationError("请填写提前结束原因。")
        return text
