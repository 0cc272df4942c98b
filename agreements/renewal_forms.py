"""Renewal (续签) forms: what the college files and what the office records (Art 7)."""

from datetime import date

from django import forms

from agreements import review
from applications.forms import OfficeApproveForm
from xcu_bases.workflow import WorkflowError

DATE = {"type": "date"}
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _date(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )


def _check_term(form, data, starts="starts_on", ends="ends_on"):
    """A term inside 2000–2099 whose end follows its start."""
    for name in (starts, ends):
        day = data.get(name)
        if day and not FIRST_DAY <= day <= LAST_DAY:
            form.add_error(name, "请填写 2000 年至 2099 年之间的日期。")
            data.pop(name, None)
    if data.get(starts) and data.get(ends) and data[ends] <= data[starts]:
        form.add_error(ends, "协议结束日期必须晚于开始日期。")


class RenewalForm(forms.Form):
    """What a college secretary files: the new term, the draft, the deviation, the changes."""

    starts_on = _date("续签协议开始日期")
    ends_on = _date("续签协议结束日期", help_text="合作协议期限一般为 5 年（第七条第二项）。")
    summary = forms.CharField(
        label="主要变更内容",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="与现协议相比的主要变化，例如合作领域、双方权利义务、知识产权条款；没有变化的请写“无实质变化”。",
    )
    deviates_from_template = forms.BooleanField(
        label="协议书草案与学科与研究生处现行模板内容不一致",
        required=False,
        help_text="不一致的，经学科与研究生处认定后须报法治与督办科审核（第七条第三项）。",
    )
    document = forms.FileField(
        label="续签协议书草案", help_text="PDF 或 DOCX，不超过 20 MB；按文件内容检查类型。"
    )

    def __init__(self, *args, has_document: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_document:
            self.fields["document"].required = False
            self.fields["document"].help_text = "已上传草案；重新上传将替换原文件。"

    def clean(self):
        data = super().clean()
        _check_term(self, data)
        return data


class RenewalOfficeApproveForm(OfficeApproveForm):
    """The office's review of a renewal: the Annex 1 decision on deviation, and optionally the
    document that authorises the renewal without the president's meeting."""

    authorisation_number = forms.CharField(
        label="授权文件号",
        required=False,
        max_length=100,
        help_text="学校已发文授权续签的，填写文件号和日期后不再提交校长办公会审定；否则留空。",
    )
    authorised_on = _date("授权文件日期", required=False)

    def clean(self):
        data = super().clean()
        number = (data.get("authorisation_number") or "").strip()
        if bool(number) != bool(data.get("authorised_on")):
            self.add_error("authorisation_number", "授权文件须同时填写文件号和日期。")
        return data


class AuthoriseForm(forms.Form):
    """The meeting is skipped only with the authorising document (文件号 + date)."""

    authorisation_number = forms.CharField(
        label="授权文件号", max_length=100, help_text="例如：西学院〔2026〕12号"
    )
    authorised_on = _date("授权文件日期")
    comment = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RenewalSignForm(forms.Form):
    """The signed renewal: its term defaults to the reviewed one; another needs a reason."""

    signed_on = _date("签订日期")
    starts_on = _date("协议开始日期")
    ends_on = _date("协议结束日期")
    term_reason = forms.CharField(
        label="期限与审核不一致的理由",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="签订的期限与续签申请审核的期限不一致时必填；记入办理记录并显示在基地的协议列表中。",
    )
    scan = forms.FileField(label="已签协议书扫描件", help_text="PDF 或 DOCX，不超过 20 MB。")

    def __init__(self, *args, reviewed: tuple[date, date] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewed = reviewed
        if reviewed:
            self.fields["starts_on"].initial, self.fields["ends_on"].initial = reviewed

    def clean(self):
        data = super().clean()
        _check_term(self, data)
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if self.reviewed and starts and ends and ends > starts:
            try:
                review.term_reason(
                    term=(starts, ends), reviewed=self.reviewed,
                    reason=data.get("term_reason", ""), what="续签申请审核的期限",
                )  # fmt: skip
            except WorkflowError as error:
                self.add_error("term_reason", error.message)
        return data
