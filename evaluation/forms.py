"""Forms of evaluation. Rules live in evaluation/services.py."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from agreements.choices import BaseState
from agreements.models import Base
from evaluation.choices import RoundKind
from evaluation.models import Standard
from xcu_bases.choices import RoleCode
from xcu_bases.models import User


class RoundForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类型", choices=RoundKind.choices, widget=forms.RadioSelect)
    standard = forms.ModelChoiceField(label="评价标准", queryset=Standard.objects.all())
    deadline = forms.DateField(
        label="专家评分截止日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    bases = forms.ModelMultipleChoiceField(
        label="参评基地",
        queryset=Base.objects.exclude(state=BaseState.REVOKED).order_by("college__code", "name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="期满考核默认选中协议在该年度期满的基地；年度对标默认选中全部运行中的基地。",
    )


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
