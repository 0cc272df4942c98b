"""Annex 3 forms. A draft saves whatever is typed; whether it may be submitted is
practice/assessment_checks.py's business."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory

from practice.assessment_checks import PLAN_COMPLETION_MIN_CHARS, REPORT_MIN_CHARS
from practice.choices import PracticeGrade
from practice.forms import CommentForm
from practice.models import PracticeAssessment, TaskCompletion


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = PracticeAssessment
        fields = ["plan_completion", "report", "signature", "signed_on"]
        widgets = {
            "plan_completion": forms.Textarea(
                attrs={"rows": 5, "data-min-chars": PLAN_COMPLETION_MIN_CHARS}
            ),
            "report": forms.Textarea(attrs={"rows": 24, "data-min-chars": REPORT_MIN_CHARS}),
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "report": (
                "对照个人实践计划全面总结本次实践学习的收获：运用了哪些理论知识，遇到的问题如何解决，"
                "能否提出合理化建议及创新方法；综合素质得到了哪些提高；学习和工作方面的进步及还存在的不足。"
                f"不少于 {REPORT_MIN_CHARS} 字（不计空格和换行）。"
            ),
        }


class CompletionForm(forms.ModelForm):
    class Meta:
        model = TaskCompletion
        fields = ["status", "note"]
        widgets = {
            "status": forms.Select(
                attrs={"class": "form-select form-select-sm", "aria-label": "完成情况"}
            ),
            "note": forms.TextInput(
                attrs={"class": "form-control form-control-sm", "aria-label": "说明",
                       "placeholder": "可选：完成情况说明"}
            ),
        }  # fmt: skip


# edit_only: the rows are the plan's tasks; a POST with more forms than the page never adds one.
CompletionFormSet = modelformset_factory(
    TaskCompletion, form=CompletionForm, extra=0, edit_only=True
)


def completion_formset(data, assessment):
    return CompletionFormSet(
        data,
        queryset=assessment.completions.select_related("task"),
        prefix="tasks",
    )


class GradeForm(CommentForm):
    """The base supervisor's opinion with the grade (Annex 3 基地导师意见)."""

    grade = forms.ChoiceField(
        label="成绩评定", choices=PracticeGrade.choices, widget=forms.RadioSelect
    )
    field_order = ["grade", "comment"]

    def clean_grade(self):
        grade = self.cleaned_data["grade"]
        if grade not in PracticeGrade.values:
            raise ValidationError("请评定成绩。")
        return grade
