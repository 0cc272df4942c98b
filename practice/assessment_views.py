"""Annex 3 pages (专业实践考核登记表). Views route: parse input, call one service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import ConcurrentTransition

from practice import (
    assessment_checks,
    assessment_selectors,
    assessment_services,
    forwarding,
    rules,
)
from practice.assessment_forms import AssessmentForm, GradeForm, completion_formset
from practice.assessment_printing import render_annex3
from practice.choices import AssessmentState as A
from practice.choices import ClearanceUse
from practice.forms import CommentForm, ForwardForm
from practice.models import PracticeAssessment
from practice.views import _get_request_for_user
from xcu_bases.selectors import timeline
from xcu_bases.text import count_chars
from xcu_bases.workflow import WorkflowError, seen, seen_in


def _get_assessment_for_user(request, pk) -> PracticeAssessment:
    """The one way a view fetches Annex 3: 404 unless the user may see its practice."""
    qs = PracticeAssessment.objects.visible_to(request.user).select_related(
        "request__student__college", "request__student__student_profile__campus_supervisor",
        "request__base", "request__base_supervisor",
    )  # fmt: skip
    return get_object_or_404(qs, pk=pk)


@require_POST
def assessment_start(request, pk):
    req = _get_request_for_user(request, pk)
    if not rules.is_the_student(req, request.user):
        raise Http404
    try:
        assessment = assessment_services.assessment_create(req=req, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("practice:request_detail", pk=req.pk)
    messages.success(request, "已打开专业实践考核登记表，请对照实践计划逐项填写。草稿可随时保存。")
    return redirect("practice:assessment_edit", pk=assessment.pk)


@require_http_methods(["GET", "POST"])
@never_cache
def assessment_edit(request, pk):
    assessment = _get_assessment_for_user(request, pk)
    if not rules.assessment_is_the_student(assessment, request.user):
        raise Http404
    if assessment.state != A.DRAFT:
        messages.error(request, "考核登记表已提交，不能修改。")
        return redirect("practice:assessment_detail", pk=assessment.pk)
    data = request.POST if request.method == "POST" else None
    form = AssessmentForm(data, instance=assessment)
    tasks = completion_formset(data, assessment)
    if request.method == "POST":
        if all([form.is_valid(), tasks.is_valid()]):
            return _save_draft(request, assessment, form, tasks)
        messages.error(
            request,
            "有内容格式不正确，草稿未保存。请按标红的提示修改，已填写的内容都保留在页面上。",
        )
    return render(
        request,
        "practice/assessment_edit.html",
        {
            "assessment": assessment,
            "req": assessment.request,
            "form": form,
            "tasks": tasks,
            "problems": assessment_checks.problems(assessment) if data is None else [],
            "last_return": assessment_selectors.last_return(assessment),
        },
    )


def _save_draft(request, assessment, form, tasks):
    try:
        with transaction.atomic():
            assessment_services.check_editable(
                PracticeAssessment.objects.select_for_update().get(pk=assessment.pk),
                request.user,
            )
            form.save()
            tasks.save()
    except (ConcurrentTransition, WorkflowError):
        messages.error(request, "考核登记表已被提交或处理，本次修改未保存。")
        return redirect("practice:assessment_detail", pk=assessment.pk)
    messages.success(request, "草稿已保存。")
    if "submit" in request.POST:
        return redirect("practice:assessment_submit", pk=assessment.pk)
    return redirect("practice:assessment_edit", pk=assessment.pk)


@require_GET
@never_cache
def assessment_detail(request, pk):
    assessment = _get_assessment_for_user(request, pk)
    history = list(timeline(assessment))
    return render(
        request,
        "practice/assessment_detail.html",
        {
            "assessment": assessment,
            "req": assessment.request,
            "completions": list(assessment.completions.select_related("task")),
            "opinions": assessment_selectors.opinions(history),
            "last_return": assessment_selectors.last_return(assessment),
            "actions": assessment_selectors.actions_for(assessment, request.user),
            "timeline": history,
            "report_chars": count_chars(assessment.report),
            # Art 24, 25: what archiving still waits for, shown before the office's turn too
            "can_ask_thesis_clearance": rules.is_the_student(assessment.request, request.user)
            and not assessment.request.clearances.filter(use=ClearanceUse.THESIS).exists(),
            "archive_gaps": []
            if assessment.state == A.ARCHIVED
            else assessment_checks.archive_problems(assessment.request),
            "forwarded": forwarding.forwarded(assessment),
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_submit(request, pk):
    assessment = _get_assessment_for_user(request, pk)
    if not rules.assessment_is_the_student(assessment, request.user):
        raise Http404
    problems = assessment_checks.problems(assessment) if assessment.state == A.DRAFT else []
    if request.method == "POST":
        try:
            assessment_services.assessment_submit(
                assessment=assessment, by=request.user, expected=seen_in(request.POST)
            )
        except WorkflowError as error:
            messages.error(request, error.message)
            problems = error.details
            assessment.refresh_from_db()
        else:
            messages.success(request, "考核登记表已提交，等待基地导师评定。")
            return redirect("practice:assessment_detail", pk=assessment.pk)
    return render(
        request,
        "practice/assessment_submit.html",
        {
            "assessment": assessment,
            "req": assessment.request,
            "problems": problems,
            "seen": seen(assessment),
        },
    )


# action: (transition, service, comment label, note, success)
ACTIONS = {
    "base_supervisor_approve": (
        "base_supervisor_approve", assessment_services.assessment_base_supervisor_approve,
        "基地导师意见",
        "请评定成绩并填写意见；意见和成绩将印在考核登记表“基地导师意见”栏，登记表交校内导师审核。",
        "已评定，登记表已交校内导师审核。",
    ),
    "campus_supervisor_approve": (
        "campus_supervisor_approve", assessment_services.assessment_campus_supervisor_approve,
        "校内导师意见", "同意后登记表交学院审核。意见将印在“校内导师意见”栏。",
        "已同意，登记表已交学院审核。",
    ),
    "college_approve": (
        "college_approve", assessment_services.assessment_college_approve, "学院意见",
        "学院意见由学院负责人签署（“学院意见：负责人签字”）。同意后登记表交学科与研究生处审核归档，"
        "意见将印在“学院意见”栏。",
        "学院已同意，登记表已交学科与研究生处。",
    ),
    "archive": (
        "archive", assessment_services.assessment_archive, "学科与研究生处意见",
        "归档后该生的专业实践即告完成（第二十四条）；归档前须已上传学位论文，学位论文涉密性须经基地"
        "确认，涉密的须有保密协议（第二十五条）。",
        "已审核归档，该生的专业实践已完成。",
    ),
    "return": (
        "return_to_draft", assessment_services.assessment_return, "退回修改的意见",
        "退回后登记表回到草稿，由研究生按意见修改后重新提交。",
        "已退回修改，研究生将收到待办提醒。",
    ),
}  # fmt: skip


@require_http_methods(["GET", "POST"])
def assessment_action(request, pk, action):
    """GET: a confirmation page with the comment box; POST: the transition."""
    assessment = _get_assessment_for_user(request, pk)
    name, service, label, note, success = ACTIONS[action]
    if not assessment_selectors.allowed(assessment, request.user, name):
        return _refused(request, assessment, name)
    form_class = GradeForm if action == "base_supervisor_approve" else CommentForm
    initial = {"grade": assessment.grade} if assessment.grade else None
    stand_in = assessment_selectors.stand_in(assessment, request.user)
    form = form_class(request.POST or None, label=label, initial=initial, stand_in=stand_in)
    if request.method == "POST" and form.is_valid():
        try:
            service(assessment=assessment, by=request.user, expected=seen_in(request.POST),
                    **form.cleaned_data)  # fmt: skip
        except WorkflowError as error:
            messages.error(request, error.message)
            for detail in error.details:
                messages.warning(request, detail)
        else:
            messages.success(request, success)
        return redirect("practice:assessment_detail", pk=assessment.pk)
    return render(
        request,
        "practice/assessment_confirm.html",
        {
            "assessment": assessment,
            "req": assessment.request,
            "form": form,
            "title": assessment_services.TRANSITION_LABELS[name],
            "note": note,
            "danger": action == "return",
            "seen": seen(assessment),
        },
    )


def _refused(request, assessment, name):
    """Not this user's kind of step: 403. Their step, but not now (a stale page): say so."""
    if not assessment_selectors.may_ever(assessment, request.user, name):
        raise PermissionDenied("无权执行此操作。")
    messages.error(
        request,
        f"考核登记表当前为“{assessment.get_state_display()}”，您不能执行此操作，或已被他人处理。",
    )
    return redirect("practice:assessment_detail", pk=assessment.pk)


@require_GET
def assessment_pdf(request, pk):
    assessment = _get_assessment_for_user(request, pk)
    pdf, serial = render_annex3(assessment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{serial}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def assessment_college_forward(request, pk):
    """The secretary checks Annex 3 and forwards it to the college head (logged only)."""
    assessment = _get_assessment_for_user(request, pk)
    req = assessment.request
    if not rules.is_college_secretary(req, request.user):
        raise PermissionDenied("无权执行此操作。")
    if not forwarding.may_forward(assessment, req, request.user) or forwarding.forwarded(
        assessment
    ):
        messages.error(
            request,
            f"考核登记表当前为“{assessment.get_state_display()}”，无需核对转交，或已转学院负责人。",
        )
        return redirect("practice:assessment_detail", pk=assessment.pk)
    form = ForwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_services.assessment_college_forward(
                assessment=assessment, by=request.user, comment=form.cleaned_data["comment"]
            )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已记录材料核对情况，并通知学院负责人审核。")
        return redirect("practice:assessment_detail", pk=assessment.pk)
    return render(
        request,
        "practice/assessment_confirm.html",
        {
            "assessment": assessment, "req": req, "form": form, "seen": seen(assessment),
            "title": forwarding.FORWARD_LABEL,
            "note": "请核对考核登记表、实践计划完成情况和总结报告是否齐全。学院意见由学院负责人签署；"
            "此操作记入办理记录并通知学院负责人，不改变登记表状态。",
        },
    )  # fmt: skip
