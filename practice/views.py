"""Annex 2 pages (专业实践申请表). Views route: parse input, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import ConcurrentTransition

from practice import forwarding, gates, record_selectors, rules, selectors, services
from practice.choices import REQUEST_REJECT_STATES
from practice.choices import RequestState as S
from practice.forms import (
    CommentForm,
    RequestFilterForm,
    RequestForm,
    plan_formset,
)
from practice.models import PracticeRequest
from xcu_bases.models import StudentProfile
from xcu_bases.selectors import timeline
from xcu_bases.workflow import seen_in

PER_PAGE = 20


def _get_request_for_user(request, pk) -> PracticeRequest:
    """The one way a view fetches a practice request: 404 unless the user may see it."""
    qs = PracticeRequest.objects.visible_to(request.user).select_related(
        "student", "student__college", "base", "base_supervisor"
    )
    return get_object_or_404(qs, pk=pk)


@require_GET
def request_list(request):
    form = RequestFilterForm(request.GET)
    form.is_valid()  # a bad value is shown with its message; the valid filters still apply
    data = form.cleaned_data
    qs = selectors.request_list(
        user=request.user,
        q=data.get("q", ""),
        state=data.get("state", ""),
        month=data.get("month"),
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practice/request_list.html",
        {
            "page": page,
            "filter_form": form,
            "query": query.urlencode(),
            "can_create": selectors.can_create(request.user),
        },
    )


@require_POST
def request_create(request):
    if not selectors.can_create(request.user):
        raise Http404
    draft = selectors.open_draft(request.user)
    if draft:
        messages.info(request, "你已有一份尚未提交的专业实践申请，请继续填写。")
        return redirect("practice:request_edit", pk=draft.pk)
    req = services.request_create(by=request.user)
    messages.success(request, "已新建专业实践申请表，请逐项填写。草稿可随时保存。")
    return redirect("practice:request_edit", pk=req.pk)


@require_http_methods(["GET", "POST"])
@never_cache
def request_edit(request, pk):
    req = _get_request_for_user(request, pk)
    if not rules.is_the_student(req, request.user):
        raise Http404
    if req.state != S.DRAFT:
        messages.error(request, "申请已提交，不能修改。")
        return redirect("practice:request_detail", pk=req.pk)
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, request.FILES or None, instance=req)
    tasks = plan_formset(data, req)
    if request.method == "POST":
        if all([form.is_valid(), tasks.is_valid()]):
            return _save_draft(request, req, form, tasks)
        _keep_upload(request, req, form)
        messages.error(
            request,
            "有内容格式不正确，草稿未保存。请按标红的提示修改，已填写的内容都保留在页面上。",
        )
    return render(
        request,
        "practice/request_edit.html",
        {
            "req": req,
            "form": form,
            "tasks": tasks,
            "profile": _profile(request.user),
            "problems": gates.problems(req) if request.method == "GET" else [],
            "last_return": selectors.last_return(req),
        },
    )


def _profile(user) -> StudentProfile:
    return StudentProfile.objects.select_related("user__college", "campus_supervisor").get(
        user=user
    )


def _save_draft(request, req, form, tasks):
    upload = form.cleaned_data.get("insurance_upload")
    try:
        with transaction.atomic():
            form.save()
            _save_plan(tasks)
            if upload:
                services.insurance_scan_set(req=req, file=upload, by=request.user)
    except ConcurrentTransition:
        messages.error(request, "申请已被提交或处理，本次修改未保存。")
        return redirect("practice:request_detail", pk=req.pk)
    messages.success(request, "草稿已保存。" + ("保单扫描件已上传。" if upload else ""))
    if "submit" in request.POST:
        return redirect("practice:request_submit", pk=req.pk)
    return redirect("practice:request_edit", pk=req.pk)


def _save_plan(tasks):
    """Rows keep the order they have on the page (Art 19: tasks and their schedule)."""
    tasks.save(commit=False)
    for row in tasks.deleted_objects:
        row.delete()
    position = 0
    for form in tasks.forms:
        if form in tasks.deleted_forms or not (form.instance.pk or form.has_changed()):
            continue
        position += 1
        form.instance.position = position
        form.instance.save()


def _keep_upload(request, req, form):
    """A file that passed its check is stored even when another field has a typing
    error: a chosen file cannot be put back into the browser's file input."""
    upload = form.cleaned_data.get("insurance_upload")
    if not upload:
        return
    try:
        services.insurance_scan_set(req=req, file=upload, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except ConcurrentTransition:
        messages.error(request, "申请已被提交或处理，保单扫描件未保存。")
    else:
        messages.info(request, f"保单扫描件“{req.insurance_scan_name}”已上传。")


@require_GET
@never_cache
def request_detail(request, pk):
    req = _get_request_for_user(request, pk)
    data = selectors.frozen_data(req)
    history = list(timeline(req))
    return render(
        request,
        "practice/request_detail.html",
        {
            "req": req,
            "data": data,
            "changes": selectors.changes(req, data),
            "last_return": selectors.last_return(req),
            "opinions": selectors.opinions(history),
            "rejection": history[-1] if req.state == S.REJECTED and history else None,
            "actions": selectors.actions_for(req, request.user),
            "timeline": history,
            "record": record_selectors.record_for(req, request.user, today=timezone.localdate()),
            "supervisor_notice": selectors.supervisor_notice(req),
            "replaced_by": selectors.replaced_supervisor(req, data),
            "replace_url": selectors.replace_url(req, request.user),
            "forwarded": forwarding.forwarded(req),
        },
    )


@require_http_methods(["GET", "POST"])
def request_submit(request, pk):
    req = _get_request_for_user(request, pk)
    if not rules.is_the_student(req, request.user):
        raise Http404
    problems = gates.problems(req) if req.state == S.DRAFT else []
    if request.method == "POST":
        try:
            services.request_submit(req=req, by=request.user, expected=_expected(request))
        except services.PracticeError as error:
            messages.error(request, error.message)
            problems = error.details
            req.refresh_from_db()
        else:
            messages.success(request, "专业实践申请已提交，等待校内导师审核。")
            return redirect("practice:request_detail", pk=req.pk)
    return render(
        request,
        "practice/request_submit.html",
        {"req": req, "problems": problems, "seen": services.seen(req)},
    )


def _expected(request) -> services.Seen:
    return seen_in(request.POST)


# action: (transition, service, comment label, confirmation text, success message)
ACTIONS = {
    "supervisor_approve": (
        "supervisor_approve",
        services.request_supervisor_approve,
        "导师意见",
        "同意该生赴基地开展专业实践，申请交基地导师确认实践计划。意见将印在申请表“导师意见”栏。",
        "已同意，申请已交基地导师确认实践计划。",
    ),
    "plan_confirm": (
        "plan_confirm",
        services.request_plan_confirm,
        "基地导师对实践计划的意见",
        "第十九条：研究生入基地前，实践和研究工作计划由培养单位、合作单位会同研究生、校内导师和"
        "合作导师共同制订。请核对下列实践计划；同意后申请交学院负责人审核，意见和日期将印在申请表"
        "“基地导师意见（确认实践计划）”栏。需要修改的，请点“退回修改”并写明意见。",
        "已确认实践计划，申请已交学院负责人审核。",
    ),
    "college_approve": (
        "college_approve",
        services.request_college_approve,
        "学院意见",
        "学院意见由学院负责人签署（附件2“学院意见：负责人签字”）。同意后申请交学科与研究生处审批，"
        "意见将印在申请表“学院意见”栏。",
        "学院已同意，申请已交学科与研究生处审批。",
    ),
    "office_approve": (
        "office_approve",
        services.request_office_approve,
        "学科与研究生处意见",
        "批准后该生即可进入基地开展专业实践（第二十一条）。批准前系统将再次检查课程学习、"
        "保险、安全承诺、基地导师和实践计划。",
        "已批准，该生可进入基地开展专业实践。",
    ),
    "return": (
        "return_to_draft",
        services.request_return,
        "退回修改的意见",
        "退回后申请回到草稿，由研究生按意见修改后重新提交。",
        "已退回修改，研究生将收到待办提醒。",
    ),
    "reject": (
        "reject",
        services.request_reject,
        "不予批准的理由",
        "不予批准后流程结束，不可恢复；研究生可另行提交新的申请。",
        "已不予批准，流程结束。",
    ),
}


@require_http_methods(["GET", "POST"])
def request_action(request, pk, action):
    """GET: a confirmation page with the comment box; POST: the transition."""
    req = _get_request_for_user(request, pk)
    name, service, label, note, success = ACTIONS[action]
    if not selectors.allowed(req, request.user, name):
        return _refused(request, req, name)
    form = CommentForm(
        request.POST or None, label=label, stand_in=selectors.stand_in(req, request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            service(
                req=req,
                by=request.user,
                expected=_expected(request),
                comment=form.cleaned_data["comment"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except services.PracticeError as error:
            messages.error(request, error.message)
            for detail in error.details:
                messages.warning(request, detail)
        else:
            messages.success(request, success)
        return redirect("practice:request_detail", pk=req.pk)
    return render(
        request,
        "practice/request_confirm.html",
        {
            "req": req,
            "form": form,
            "title": services.TRANSITION_LABELS[name],
            "note": note,
            "danger": action in {"reject", "return"},
            "seen": services.seen(req),
            # Art 19: whoever confirms or returns the plan sees it.
            "plan": selectors.frozen_data(req) if req.state == S.PLAN_REVIEW else None,
            "submit_label": "同意该实践计划" if name == "plan_confirm" else "",
            "return_url": selectors.return_url(req, request.user)
            if name == "plan_confirm"
            else "",
        },
    )


# Who may ever take each step, whatever the state (the state is checked by the transition).
_ROLE_RULES = {
    "supervisor_approve": (rules.is_campus_supervisor,),
    "plan_confirm": (rules.acts_for_base_supervisor,),
    "college_approve": (rules.is_college_head,),
    "office_approve": (rules.is_office,),
    "return_to_draft": tuple(check for check, _ in rules.STEP_REVIEWER.values()),
    # Art 19: the base supervisor confirms or returns the plan; refusing is not theirs.
    "reject": tuple(
        check
        for state, (check, _) in rules.STEP_REVIEWER.items()
        if state in REQUEST_REJECT_STATES
    ),
}


def _refused(request, req, name):
    """Not this user's kind of step: 403. Their step, but not now (a stale page): say so."""
    if not any(check(req, request.user) for check in _ROLE_RULES[name]):
        raise PermissionDenied("无权执行此操作。")
    messages.error(
        request,
        f"申请当前为“{req.get_state_display()}”，您不能执行此操作，或已被他人处理。",
    )
    return redirect("practice:request_detail", pk=req.pk)


@require_GET
def request_insurance(request, pk):
    req = _get_request_for_user(request, pk)
    if not req.insurance_scan:
        raise Http404
    try:
        handle = req.insurance_scan.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=req.insurance_scan_name)
