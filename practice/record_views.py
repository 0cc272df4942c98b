"""Pages of the practice record: contacts (Art 20), allowances (Art 23), the thesis (Art 24)
and publication clearance (Art 25). Views route: parse input, call one service, redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practice import ending, record_services, rules
from practice.choices import ClearanceUse
from practice.models import PublicationClearance
from practice.record_forms import (
    AllowanceForm,
    ClearanceAnswerForm,
    ClearanceForm,
    ContactForm,
    EndEarlyForm,
    FileForm,
    ThesisForm,
)
from practice.views import _get_request_for_user
from xcu_bases.selectors import timeline
from xcu_bases.workflow import WorkflowError


def _record_url(req, anchor: str) -> str:
    return reverse("practice:request_detail", args=[req.pk]) + f"#{anchor}"


def _form_page(request, req, form, *, title, note, submit, anchor):
    return render(
        request,
        "practice/record_form.html",
        {"req": req, "form": form, "title": title, "note": note, "submit": submit,
         "back": _record_url(req, anchor)},
    )  # fmt: skip


def _flash_errors(request, form, what: str) -> None:
    """A file form posted from a section of another page: its errors go back as messages."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, f"{what}：{message}")


def _refuse(form, error: WorkflowError):
    form.add_error(None, error.message)


# --- Art 20 ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_new(request, pk):
    req = _get_request_for_user(request, pk)
    if not rules.is_either_supervisor(req, request.user):
        raise Http404
    # Today, or the practice's last day when it is over and the log is being completed.
    last = req.effective_ends_on
    on = min(timezone.localdate(), last) if last else timezone.localdate()
    form = ContactForm(request.POST or None, initial={"on": on})
    if request.method == "POST" and form.is_valid():
        try:
            record_services.contact_record(req=req, by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            _refuse(form, error)
        else:
            messages.success(request, "沟通记录已登记。")
            return redirect(_record_url(req, "contacts"))
    return _form_page(
        request, req, form, title="登记导师沟通",
        note="第二十条：双方导师每月至少沟通 1 次，每年在联合指导方面须有 2 次以上面对面交流或讨论"
             "（按实践年度计，自实践开始之日起每 12 个月为一年；最后不足 6 个月的部分至少 1 次）。",
        submit="登记", anchor="contacts",
    )  # fmt: skip


# --- Art 23 ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def allowance_new(request, pk):
    req = _get_request_for_user(request, pk)
    if not record_services.may_record_allowance(req, request.user):
        raise Http404
    form = AllowanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_services.allowance_record(req=req, by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            _refuse(form, error)
        else:
            messages.success(request, "津贴已登记。")
            return redirect(_record_url(req, "allowances"))
    return _form_page(
        request, req, form, title="登记工作津贴（生活补助）",
        note="第二十三条：研究生在完成导师与合作单位安排的工作前提下，每月可获得一定数额的工作津贴或生活补助。每月登记一条。",
        submit="登记", anchor="allowances",
    )  # fmt: skip


# --- Art 24 ------------------------------------------------------------------------------


@require_POST
def thesis_upload(request, pk):
    req = _get_request_for_user(request, pk)
    if not rules.is_the_student(req, request.user):
        raise Http404
    form = ThesisForm(request.POST, request.FILES, label="学位论文")
    if not form.is_valid():
        _flash_errors(request, form, "学位论文未上传")
        return redirect(_record_url(req, "thesis"))
    try:
        record_services.thesis_set(req=req, file=form.cleaned_data["file"], by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "学位论文已上传。")
    return redirect(_record_url(req, "thesis"))


def _attachment(field, name):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=name)


@require_GET
def thesis_file(request, pk):
    req = _get_request_for_user(request, pk)
    return _attachment(req.thesis, req.thesis_name)


# --- Art 24: ending a practice early --------------------------------------------------------


@require_http_methods(["GET", "POST"])
def end_early(request, pk):
    """The student's college or the office ends the practice early (提前结束实践)."""
    req = _get_request_for_user(request, pk)
    if not rules.may_end_early(req, request.user):
        raise Http404
    if not ending.may_end_early(req, request.user):  # over, completed, or Annex 3 submitted
        messages.error(
            request,
            f"专业实践当前为“{req.get_state_display()}”"
            f"{'，已提前结束' if req.ended_early_on else ''}，不能办理提前结束。",
        )
        return redirect("practice:request_detail", pk=req.pk)
    form = EndEarlyForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            ending.practice_end_early(req=req, by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            _refuse(form, error)
        else:
            messages.success(
                request,
                f"已提前结束实践，最后一天为 {form.cleaned_data['ended_on']:%Y年%m月%d日}；"
                "研究生现在可以填写考核登记表。",
            )
            return redirect(_record_url(req, "assessment"))
    return _form_page(
        request, req, form, title="提前结束实践",
        note="提前结束后，实践以提前结束日期为最后一天：双导师沟通（第二十条）、考核登记表的填写和提交"
             "期限（第二十四条）都按这一天计算。提前结束将记入处理记录，办理后不能撤销。",
        submit="确认提前结束", anchor="assessment",
    )  # fmt: skip


# --- Art 25 ------------------------------------------------------------------------------


def _get_clearance_for_user(request, pk) -> PublicationClearance:
    qs = PublicationClearance.objects.visible_to(request.user).select_related(
        "request__student", "request__base", "request__base_supervisor", "answered_by"
    )
    return get_object_or_404(qs, pk=pk)


@require_http_methods(["GET", "POST"])
def clearance_new(request, pk):
    req = _get_request_for_user(request, pk)
    if not rules.is_the_student(req, request.user):
        raise Http404
    # The student's home links here for the thesis clearance Art 25 requires before archiving.
    use = request.GET.get("use")
    initial = {"use": use} if use in ClearanceUse.values else None
    form = ClearanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clearance = record_services.clearance_ask(
                req=req, by=request.user, data=form.cleaned_data
            )
        except WorkflowError as error:
            _refuse(form, error)
        else:
            messages.success(request, "已提交，等待基地导师确认涉密性。")
            return redirect("practice:clearance_detail", pk=clearance.pk)
    return _form_page(
        request, req, form, title="申请成果涉密性确认",
        note="第二十五条：运用在基地期间本人的研究内容及成果参加学术交流、发表文章及撰写学位论文的，应经基地单位确认其涉密性。",
        submit="提交确认申请", anchor="clearances",
    )  # fmt: skip


@require_GET
@never_cache
def clearance_detail(request, pk):
    clearance = _get_clearance_for_user(request, pk)
    req = clearance.request
    is_supervisor = rules.is_base_supervisor(req, request.user)
    return render(
        request,
        "practice/clearance_detail.html",
        {
            "clearance": clearance,
            "req": req,
            "answer_form": ClearanceAnswerForm()
            if is_supervisor and clearance.state == "pending"
            else None,
            "agreement_form": (
                FileForm(label="保密协议扫描件")
                if clearance.state == "confidential"
                and record_services.may_file_agreement(clearance, request.user)
                else None
            ),
            "timeline": list(timeline(clearance)),
        },
    )


@require_POST
def clearance_answer(request, pk):
    clearance = _get_clearance_for_user(request, pk)
    if not rules.is_base_supervisor(clearance.request, request.user):
        raise Http404
    form = ClearanceAnswerForm(request.POST)
    if form.is_valid():
        try:
            record_services.clearance_answer(
                clearance=clearance, by=request.user,
                confidential=form.cleaned_data["decision"] == "confidential",
                answer=form.cleaned_data["answer"],
            )  # fmt: skip
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已确认，研究生将看到确认结果。")
            return redirect("practice:clearance_detail", pk=clearance.pk)
    return render(
        request,
        "practice/clearance_detail.html",
        {"clearance": clearance, "req": clearance.request, "answer_form": form,
         "agreement_form": None, "timeline": list(timeline(clearance))},
    )  # fmt: skip


@require_POST
def clearance_agreement(request, pk):
    clearance = _get_clearance_for_user(request, pk)
    if not record_services.may_file_agreement(clearance, request.user):
        raise Http404
    form = FileForm(request.POST, request.FILES, label="保密协议扫描件")
    if not form.is_valid():
        _flash_errors(request, form, "保密协议未上传")
        return redirect("practice:clearance_detail", pk=clearance.pk)
    try:
        record_services.clearance_agreement_set(
            clearance=clearance, file=form.cleaned_data["file"], by=request.user
        )
    except (WorkflowError, ValidationError) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        messages.success(request, "保密协议扫描件已上传。")
    return redirect("practice:clearance_detail", pk=clearance.pk)


@require_GET
def clearance_agreement_file(request, pk):
    clearance = _get_clearance_for_user(request, pk)
    return _attachment(clearance.agreement_scan, clearance.agreement_scan_name)
