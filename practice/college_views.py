"""The college's pages on an Annex 2 request beside the chain: the secretary's check and forward
to the head (学院意见：负责人签字), and the replacement of a base supervisor (Art 18). Views route."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from practice import forwarding, rules, selectors, services
from practice.choices import REQUEST_RUNNING_STATES
from practice.forms import ForwardForm, ReplaceSupervisorForm
from practice.views import _get_request_for_user


@require_http_methods(["GET", "POST"])
def request_college_forward(request, pk):
    """The secretary checks the material and forwards it to the college head (logged only)."""
    req = _get_request_for_user(request, pk)
    if not rules.is_college_secretary(req, request.user):
        raise PermissionDenied("无权执行此操作。")
    if not forwarding.may_forward(req, req, request.user) or forwarding.forwarded(req):
        messages.error(
            request, f"申请当前为“{req.get_state_display()}”，无需核对转交，或已转学院负责人。"
        )
        return redirect("practice:request_detail", pk=req.pk)
    form = ForwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_college_forward(
                req=req, by=request.user, comment=form.cleaned_data["comment"]
            )
        except services.PracticeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已记录材料核对情况，并通知学院负责人审核。")
        return redirect("practice:request_detail", pk=req.pk)
    return render(
        request,
        "practice/request_confirm.html",
        {"req": req, "form": form, "title": forwarding.FORWARD_LABEL, "note": FORWARD_NOTE,
         "seen": services.seen(req)},
    )  # fmt: skip


FORWARD_NOTE = (
    "请核对申请表各项材料（课程学习确认、保险及保单、安全承诺、实践计划及基地导师确认）是否齐全。"
    "学院意见由学院负责人签署；此操作记入办理记录并通知学院负责人，不改变申请状态。"
)


@require_http_methods(["GET", "POST"])
@never_cache
def request_replace_supervisor(request, pk):
    """Art 18: the college names another supervisor of the same base for a running practice."""
    req = _get_request_for_user(request, pk)
    if not services.may_replace_supervisor(req, request.user):
        raise PermissionDenied("无权执行此操作。")
    if req.state not in REQUEST_RUNNING_STATES:
        messages.error(request, f"申请当前为“{req.get_state_display()}”，不能更换基地导师。")
        return redirect("practice:request_detail", pk=req.pk)
    form = ReplaceSupervisorForm(request.POST or None, choices=selectors.replacement_choices(req))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_replace_supervisor(
                req=req, by=request.user, supervisor=form.cleaned_data["supervisor"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except services.PracticeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已更换基地导师，记入办理记录。")
            return redirect("practice:request_detail", pk=req.pk)
    return render(
        request,
        "practice/request_replace_supervisor.html",
        {
            "req": req,
            "form": form,
            "notice": selectors.supervisor_notice(req),
            "nominate_url": selectors.nominate_url(req, request.user),
        },
    )
