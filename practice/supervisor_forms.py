"""Forms of the base supervisor pages (Art 18(2)). Uploads are checked by the service."""

from django import forms
from django.utils import timezone

from practice.choices import SupervisorState
from practice.models import BaseSupervisor
from xcu_bases.dates import add_years

PROFILE_FIELDS = ["name", "gender", "title", "position", "phone", "email"]
CERTIFICATE_YEARS = 3  # the default term of a certificate


def _date(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class NominateForm(forms.ModelForm):
    cv = forms.FileField(label="个人简历", help_text="PDF 或 DOCX，不超过 20 MB。")
    evidence = forms.FileField(
        label="资格证明",
        required=False,
        help_text="职称证书、获奖证明等（可选）；PDF、JPG、PNG、DOCX、XLSX，不超过 20 MB。",
    )

    class Meta:
        model = BaseSupervisor
        fields = PROFILE_FIELDS

    def profile(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}


class CertifyForm(forms.Form):
    certificate_number = forms.CharField(label="认定证书编号", max_length=50)
    certified_on = _date("认定日期")
    valid_until = _date(
        "有效期至",
        required=False,
        help_text=f"默认自认定日期起 {CERTIFICATE_YEARS} 年；留空表示长期有效。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["certified_on"].initial = today
        self.fields["valid_until"].initial = add_years(today, CERTIFICATE_YEARS)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="将记入办理记录；撤销后该导师的系统账号同时停用。",
    )


class FilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50)
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *SupervisorState.choices]
    )
