"""Forms of evaluation. Rules live in evaluation/services.py."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from agreements.models import Base
from evaluation.choices import RoundKind
from evaluation.models import Standard
from xcu_bases.choices import RoleCode
from xcu_bases.models import User


class RoundForm(forms.Form):
    """发起评估: the year and kind come from the page's first step (hidden here); the bases are
    listed with why each qualifies or not (``eligibility.candidates``)."""

    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(label="类型", choices=RoundKind.choices, widget=forms.HiddenInput)
    standard = forms.ModelChoiceField(label="评价标准", queryset=Standard.objects.all())
    deadline = forms.DateField(
        label="专家评分截止日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    bases = forms.ModelMultipleChoiceField(
        label="参评基地",
        queryset=Base.objects.all(),
        error_messages={"required": "请至少选择一个基地。"},
    )


class AddBaseForm(forms.Form):
    base = forms.ModelChoiceField(
        label="加入基地", queryset=Base.objects.all(), error_messages={"required": "请选择基地。"}
    )


class ConfirmRevocationForm(forms.Form):
    reference = forms.CharField(
        label="会议纪要或文件号", max_length=100,
        help_text="确认撤销所依据的会议纪要或文件，例如：校长办公会纪要〔2026〕8号。",
        error_messages={"required": "请填写确认撤销的会议纪要或文件号。"},
    )  # fmt: skip


class DeclineRevocationForm(forms.Form):
    reason = forms.CharField(
        label="不予撤销的理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写不予撤销的理由。"},
    )  # fmt: skip


class AssignForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label="评审专家",
        queryset=User.objects.filter(roles__code=RoleCode.EXPERT, is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="退回理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        error_messages={"required": "请填写退回理由。"},
    )  # fmt: skip


def parse_points(raw: str) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(f"“{raw[:20]}”不是数字。") from None
    # NaN, Infinity and 1E+999999 are Decimals too: comparing or dividing them raises.
    if not value.is_finite() or abs(value.adjusted()) > 6:
        raise ValidationError(f"“{raw[:20]}”不是有效的分数。")
    return value
