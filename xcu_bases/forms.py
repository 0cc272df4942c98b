from django import forms
from django.contrib.auth.forms import AuthenticationForm

from xcu_bases.models import StudentProfile, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。注意密码区分大小写。",
        "inactive": "该账号已停用，请联系学科与研究生处。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autofocus": True, "autocomplete": "username"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class ContactForm(forms.ModelForm):
    """What a student may change about themself: contact details only."""

    class Meta:
        model = User
        fields = ["phone", "email"]
        labels = {"email": "电子邮箱"}


class FamilyContactForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        # Never coursework: Art 21 makes that the college's or the office's call.
        fields = ["family_contact", "family_phone"]


class CourseworkForm(forms.Form):
    completed = forms.TypedChoiceField(
        label="课程学习情况",
        choices=[("1", "已完成规定课程学习"), ("0", "尚未完成规定课程学习")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="说明",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="可选，例如依据的成绩单或培养方案。",
    )


class StudentFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50)
    coursework = forms.ChoiceField(
        label="课程学习",
        required=False,
        choices=[
            ("", "全部"),
            ("pending", "未确认"),
            ("completed", "已完成"),
            ("not_completed", "未完成"),
        ],
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []
