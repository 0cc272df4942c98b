"""Renewal (续签) pages. Views route: parse input, call one service or selector, render."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from agreements import renewal_rules as rules
from agreements import renewal_selectors as selectors
from agreements import renewals as services
from agreements import review
from agreements.choices import RenewalState as S
from agreements.models import Base
from agreements.renewal_forms import (
    AuthoriseForm,
    RenewalForm,
    RenewalOfficeApproveForm,
    RenewalSignForm,
)
from agreements.renewal_models import Renewal
from agreements.views import _file_response
from applications.forms import CommentForm, MeetingForm
from xcu_bases import access
from xcu_bases.workflow import WorkflowError, may, seen, seen_in


def _get_renewal_for_user(request, pk) -> Renewal:
    """The one way a view fetches a renewal: 404 unless the user may see it."""
    qs = Renewal.objects.visible_to(request.user).select_related(
        "base", "base__college", "base__partner", "agreement", "template"
    )
    return get_object_or_404(qs, pk=pk)


def _to_detail(renewal):
    return redirect("agreements:renewal_detail", pk=renewal.pk)


def _refused(request, renewal):
    messages.error(
        request,
        f"续签申请当前为“{renewal.get_state_display()}”，您不能执行此操作，或已被他人处理。",
    )
    return _to_detail(renewal)


def _show(request, error: WorkflowError) -> None:
    messages.error(request, error.message)
    for detail in error.details:
        messages.warning(request, detail)


# --- the college files it ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def renewal_new(request, pk):
    base = get_object_or_404(Base.objects.visible_to(request.user), pk=pk)
    if not rules.is_own_secretary(Renewal(base=base), request.user):
        raise Http404
    context = selectors.for_base(base, request.user)
    if context["renewal_under_way"]:
        messages.info(request, "该基地已有办理中的续签申请。")
        return _to_detail(context["renewal_under_way"])
    if not context["can_file_renewal"]:
        messages.error(request, f"基地当前为“{base.get_state_display()}”，不能申请续签。")
        return redirect("agreements:base_detail", pk=base.pk)
    form = RenewalForm(request.POST or None, request.FILES or None, initial=_initial_term(base))
    if request.method == "POST" and form.is_valid():
        try:
            renewal = services.renewal_create(base=base, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("document", error)
        except WorkflowError as error:
            _show(request, error)
        else:
            messages.success(request, "已保存续签申请草稿。")
            if "submit" in request.POST:
                return redirect("agreements:renewal_submit", pk=renewal.pk)
            return _to_detail(renewal)
    return _form_page(request, base, form, "申请续签")


def _initial_term(base) -> dict:
    """Art 7(2): the new term follows the current one, normally for five years."""
    latest = base.latest_agreement()
    if latest is None:
        return {}
    starts = latest.ends_on + timedelta(days=1)
    try:
        return {"starts_on": starts, "ends_on": review.term_end(starts, 5)}
    except WorkflowError:
        return {"starts_on": starts}


def _form_page(request, base, form, title, renewal=None):
    latest = base.latest_agreement()
    return render(
        request,
        "agreements/renewal_form.html",
        {"base": base, "form": form, "title": title, "renewal": renewal, "latest": latest},
    )


@require_http_methods(["GET", "POST"])
@never_cache
def renewal_edit(request, pk):
    renewal = _get_renewal_for_user(request, pk)
    if not rules.is_own_secretary(renewal, request.user):
        raise Http404
    if renewal.state != S.DRAFT:
        messages.error(request, "续签申请已提交，不能修改。如需修改，请先撤回。")
        return _to_detail(renewal)
    initial = {
        "starts_on": renewal.starts_on,
        "ends_on": renewal.ends_on,
        "summary": renewal.summary,
        "deviates_from_template": renewal.deviates_from_template,
    }
    form = RenewalForm(
        request.POST or None, request.FILES or None, initial=initial,
        has_document=bool(renewal.document),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.renewal_update(renewal=renewal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("document", error)
        except WorkflowError as error:
            _show(request, error)
        else:
            messages.success(request, "已保存续签申请。")
            if "submit" in request.POST:
                return redirect("agreements:renewal_submit", pk=renewal.pk)
            return _to_detail(renewal)
    return _form_page(request, renewal.base, form, "修改续签申请", renewal)


@require_http_methods(["GET", "POST"])
def renewal_submit(request, pk):
    renewal = _get_renewal_for_user(request, pk)
    if not rules.is_own_secretary(renewal, request.user):
        raise Http404
    if renewal.state != S.DRAFT:
        return _refused(request, renewal)
    problems = rules.problems(renewal)
    if request.method == "POST":
        try:
            services.renewal_submit(
                renewal=renewal, by=request.user, expected=seen_in(request.POST)
            )
        except WorkflowError as error:
            _show(request, error)
            problems = error.details
        else:
            messages.success(request, "续签申请已提交学院审核。")
            return _to_detail(renewal)
    return _step(request, renewal, None, "提交续签申请",
                 "提交后由学院负责人审核，再报学科与研究生处。提交后不能修改，可在校长办公会审定前撤回。",
                 problems=problems, button="确认提交")  # fmt: skip


# --- one page per transition --------------------------------------------------------------

# action: (service, transition, comment label, comment required, note)
ACTIONS = {
    "withdraw": (services.renewal_withdraw, "withdraw", "撤回说明", False,
                 "撤回后续签申请回到草稿，可修改后重新提交。"),
    "college_approve": (services.renewal_college_approve, "college_approve", "学院意见", True,
                        "学院同意续签，报学科与研究生处审核。"),
    "legal_approve": (services.renewal_legal_approve, "legal_approve", "法律审核意见", True,
                      "协议书法律审核通过；未登记授权文件的，提交校长办公会审定。"),
    "return": (services.renewal_return, "return_to_draft", "退回修改意见", True,
               "退回后续签申请回到草稿，由学院修改后重新提交。"),
    "reject": (services.renewal_reject, "reject", "不予续签的理由", True,
               "不予续签后流程结束，不可恢复；基地现协议到期后将按期标记为协议到期。"),
}  # fmt: skip


@require_http_methods(["GET", "POST"])
def renewal_action(request, pk, action):
    """GET: a confirmation page with the comment box; POST: the transition."""
    renewal = _get_renewal_for_user(request, pk)
    service, name, label, required, note = ACTIONS[action]
    if not may(renewal, name, request.user):
        return _refused(request, renewal)
    form = CommentForm(request.POST or None, label=label, required=required)
    if request.method == "POST" and form.is_valid():
        return _run(request, renewal, service, name, comment=form.cleaned_data["comment"])
    danger = action in {"return", "reject"}
    return _step(request, renewal, form, services.TRANSITION_LABELS[name], note, danger=danger)


def _run(request, renewal, service, name, **data):
    try:
        service(renewal=renewal, by=request.user, expected=seen_in(request.POST), **data)
    except WorkflowError as error:
        _show(request, error)
    else:
        messages.success(request, f"已{services.TRANSITION_LABELS[name]}。")
    return _to_detail(renewal)


def _step(request, renewal, form, title, note, **extra):
    return render(
        request,
        "agreements/renewal_step.html",
        {"renewal": renewal, "base": renewal.base, "form": form, "title": title, "note": note,
         "seen": seen(renewal), **extra},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def renewal_office_approve(request, pk):
    """Art 7(3): the office passes the renewal and decides whether it deviates."""
    renewal = _get_renewal_for_user(request, pk)
    if not may(renewal, "office_approve", request.user):
        return _refused(request, renewal)
    form = RenewalOfficeApproveForm(request.POST or None, declared=renewal.deviates_from_template)
    if request.method == "POST" and form.is_valid():
        return _run(request, renewal, services.renewal_office_approve, "office_approve",
                    **form.cleaned_data)  # fmt: skip
    note = (
        "第七条第三项：协议书内容与模板不一致的，还需报法治与督办科审核，由学科与研究生处认定。"
        "第七条第四项：续签协议经校长办公会审定；学校已发文授权的，登记授权文件号和日期后不再上会。"
    )
    return _step(request, renewal, form, "学科与研究生处审核通过", note, show_declared=True)


def _office_step(request, pk, state):
    renewal = _get_renewal_for_user(request, pk)
    if not access.is_office(request.user):
        raise Http404
    return renewal, renewal.state == state


@require_http_methods(["GET", "POST"])
def renewal_meeting(request, pk):
    renewal, ready = _office_step(request, pk, S.MEETING)
    if not ready:
        return _refused(request, renewal)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = "meeting_approve" if form.cleaned_data["decision"] == "approve" else "reject"
        return _run(request, renewal, services.renewal_meeting_record, name, **form.cleaned_data)
    note = "第七条第四项：续签协议经校长办公会审定批准后签订。"
    return _step(request, renewal, form, "登记校长办公会审定", note)


@require_http_methods(["GET", "POST"])
def renewal_authorise(request, pk):
    renewal, ready = _office_step(request, pk, S.MEETING)
    if not ready:
        return _refused(request, renewal)
    form = AuthoriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _run(request, renewal, services.renewal_authorise, "authorise",
                    **form.cleaned_data)  # fmt: skip
    note = "不提交校长办公会审定的，须登记学校授权续签的文件（文件号和日期），记入办理记录。"
    return _step(request, renewal, form, "登记授权文件", note)


@require_http_methods(["GET", "POST"])
def renewal_sign(request, pk):
    """The office records the signed renewal: the base's new agreement."""
    renewal, ready = _office_step(request, pk, S.APPROVED)
    if not ready:
        return _refused(request, renewal)
    reviewed = (renewal.starts_on, renewal.ends_on)
    form = RenewalSignForm(request.POST or None, request.FILES or None, reviewed=reviewed)
    if request.method == "POST" and form.is_valid():
        try:
            services.renewal_sign(
                renewal=renewal, by=request.user, expected=seen_in(request.POST),
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error("scan", error)
        except WorkflowError as error:
            _show(request, error)
        else:
            messages.success(request, "已登记续签协议签订，基地协议已更新。")
            return _to_detail(renewal)
    note = (
        f"续签申请审核的期限为 {renewal.starts_on:%Y年%m月%d日} 至 {renewal.ends_on:%Y年%m月%d日}；"
        "签订的期限与此不一致的，须填写理由。登记后成为基地的新协议；已到期的基地恢复运行。"
    )
    return _step(request, renewal, form, "登记续签协议签订", note, multipart=True)


# --- reading -----------------------------------------------------------------------------


@require_GET
@never_cache
def renewal_detail(request, pk):
    renewal = _get_renewal_for_user(request, pk)
    return render(
        request,
        "agreements/renewal_detail.html",
        selectors.detail_context(renewal, request.user),
    )


@require_GET
def renewal_document(request, pk):
    renewal = _get_renewal_for_user(request, pk)
    return _file_response(renewal.document, renewal.document_name)
