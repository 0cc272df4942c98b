"""Annex 1 pages. Views route: parse input, call one service or selector, render."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import AgreementTemplate
from applications import completeness, rules, selectors, services
from applications.choices import ApplicationState as S
from applications.exports import ApplicationExporter
from applications.forms import (
    AgreementDraftForm,
    ApplicationFilterForm,
    ApplicationForm,
    AttachmentForm,
    CommentForm,
    DisciplineFormSet,
    EstablishForm,
    ExpertAssignForm,
    ExpertReviewForm,
    InspectionForm,
    InstrumentFormSet,
    MeetingForm,
    OfficeApproveForm,
    SignForm,
)
from applications.models import ApplicationAttachment, BaseApplication, InspectionPhoto
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.exports import xlsx_response
from xcu_bases.selectors import timeline
from xcu_bases.workflow import seen_in

PER_PAGE = 20


def _get_app_for_user(request, pk) -> BaseApplication:
    """The one way a view fetches an application: 404 unless the user may see it."""
    qs = BaseApplication.objects.visible_to(request.user).select_related("college", "created_by")
    return get_object_or_404(qs, pk=pk)


def _filtered(request):
    form = ApplicationFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.application_list(
        user=request.user,
        q=data.get("q", ""),
        state=data.get("state", ""),
        college=data.get("college"),
        year=data.get("year"),
        priority=data.get("priority", ""),
    )
    return form, qs


@require_GET
def application_list(request):
    form, qs = _filtered(request)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/list.html",
        {
            "page": page,
            "rows": [(app, selectors.art6_priority(app)) for app in page.object_list],
            "filter_form": form,
            "query": query.urlencode(),
            "can_create": _can_create(request.user),
            "show_college_filter": access.is_office(request.user),
        },
    )


@require_GET
def application_export(request):
    _, qs = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(ApplicationExporter(qs), f"基地申报书-{stamp}.xlsx")


def _can_create(user) -> bool:
    return user.has_role(RoleCode.COLLEGE_SECRETARY) and bool(user.college_id)


@require_POST
def application_create(request):
    if not _can_create(request.user):
        raise Http404
    app = services.application_create(by=request.user)
    messages.success(request, "已新建申报书草稿，请逐项填写。草稿可随时保存。")
    return redirect("applications:edit", pk=app.pk)


@require_http_methods(["GET", "POST"])
@never_cache
def application_edit(request, pk):
    app = _get_app_for_user(request, pk)
    if not rules.is_own_secretary(app, request.user):
        raise Http404
    if app.state != S.DRAFT:
        messages.error(request, "申报书已提交，不能修改。如需修改，请先撤回。")
        return redirect("applications:detail", pk=app.pk)
    draft = app.agreement_draft
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ApplicationForm(data, instance=app)
    disciplines = DisciplineFormSet(data, instance=app, prefix="disciplines")
    instruments = InstrumentFormSet(data, instance=app, prefix="instruments")
    agreement = AgreementDraftForm(data, files, instance=draft, prefix="agreement")
    attach = AttachmentForm(data, files, prefix="evidence")
    forms_ok = all(f.is_valid() for f in (form, disciplines, instruments, agreement, attach))
    if request.method == "POST":
        upload_errors = _store_uploads(request, app, draft, agreement, attach)
        if forms_ok:
            _save_draft(form, disciplines, instruments, agreement)
            if not upload_errors:
                messages.success(request, "草稿已保存。")
                if "submit" in request.POST:
                    return redirect("applications:submit", pk=app.pk)
                return redirect(
                    f"{reverse('applications:edit', args=[app.pk])}#{request.POST.get('anchor', '')}"
                )
        else:
            messages.error(
                request,
                "有内容格式不正确，草稿未保存。请按标红的提示修改，已填写的内容都保留在页面上。",
            )
    return render(
        request,
        "applications/edit.html",
        {
            "app": app,
            "form": form,
            "disciplines": disciplines,
            "instruments": instruments,
            "agreement": agreement,
            "attach": attach,
            "attachments": app.attachments.all(),
            "years": app.enrolment_years,
            "problems": completeness.problems(app) if request.method == "GET" else [],
            "last_return": selectors.last_return(app),
            "template": AgreementTemplate.current(),
        },
    )


def _save_draft(form, disciplines, instruments, agreement):
    with transaction.atomic():
        form.save()
        for formset in (disciplines, instruments):
            rows = formset.save(commit=False)
            for position, row in enumerate(rows):
                row.position = position
                row.save()
            for row in formset.deleted_objects:
                row.delete()
        agreement.save()


def _store_uploads(request, app, draft, agreement, attach) -> list[str]:
    """Files are kept even when another field has a typing error: a chosen file
    cannot be put back into the browser's file input."""
    errors = []
    for file in attach.cleaned_data.get("files", []) if attach.is_valid() else []:
        try:
            services.attachment_add(
                app=app,
                file=file,
                description=attach.cleaned_data.get("description", ""),
                by=request.user,
            )
            messages.success(request, f"已上传证明材料“{file.name}”。")
        except ValidationError as error:
            errors += error.messages
    document = agreement.cleaned_data.get("document_upload") if agreement.is_valid() else None
    if document:
        try:
            services.agreement_document_set(draft=draft, file=document, by=request.user)
            messages.success(request, "已上传协议书草案文件。")
        except ValidationError as error:
            errors += error.messages
    for error in errors:
        messages.error(request, error)
    return errors


@require_GET
@never_cache
def application_detail(request, pk):
    app = _get_app_for_user(request, pk)
    data = selectors.frozen_data(app)
    return render(
        request,
        "applications/detail.html",
        {
            "app": app,
            "data": data,
            "priority": selectors.art6_priority(app),
            "changes": selectors.changes(app, data),
            "last_return": selectors.last_return(app),
            "actions": selectors.actions_for(app, request.user),
            "reviews": selectors.reviews_visible_to(app, request.user),
            "inspection": getattr(app, "site_inspection", None),
            "meeting": getattr(app, "meeting_record", None),
            "signed": getattr(app, "signed_agreement", None),
            "base": getattr(app, "base", None),
            "timeline": timeline(app),
            "is_office": access.is_office(request.user),
            "office_gaps": (
                rules.office_review_gaps(app)
                if app.state == S.OFFICE_REVIEW and access.is_office(request.user)
                else []
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def application_submit(request, pk):
    app = _get_app_for_user(request, pk)
    if not rules.is_own_secretary(app, request.user):
        raise Http404
    problems = completeness.problems(app) if app.state == S.DRAFT else []
    if request.method == "POST":
        try:
            services.application_submit(app=app, by=request.user, expected=_expected(request))
        except services.ApplicationError as error:
            messages.error(request, error.message)
            problems = error.details
        else:
            messages.success(request, "申报书已提交学院审核。")
            return redirect("applications:detail", pk=app.pk)
    return render(
        request,
        "applications/submit.html",
        {"app": app, "problems": problems, "seen": services.seen(app)},
    )


def _expected(request) -> services.Seen:
    return seen_in(request.POST)


# (service, comment label, comment required, confirmation text)
ACTIONS = {
    "withdraw": (
        services.application_withdraw,
        "撤回说明",
        False,
        "撤回后申报书回到草稿，可修改后重新提交。",
    ),
    "college_approve": (
        services.application_college_approve,
        "学院意见",
        True,
        "学院同意申报，提交学科与研究生处组织论证考察。意见将印在申报书“校内申报单位意见”栏。",
    ),
    "legal_approve": (
        services.application_legal_approve,
        "法律审核意见",
        True,
        "协议书法律审核通过，提交校长办公会审定。",
    ),
    "return": (
        services.application_return,
        "退回修改意见",
        True,
        "退回后申报书回到草稿，由学院修改后重新提交。",
    ),
    "reject": (
        services.application_reject,
        "不予通过的理由",
        True,
        "不予通过后流程结束，不可恢复。",
    ),
}

ACTION_TRANSITIONS = {"return": "return_to_draft"}


@require_http_methods(["GET", "POST"])
def application_action(request, pk, action):
    """GET: a confirmation page with the comment box; POST: the transition."""
    app = _get_app_for_user(request, pk)
    service, label, required, note = ACTIONS[action]
    name = ACTION_TRANSITIONS.get(action, action)
    if not selectors._allowed(app, request.user, name):
        return _refused(request, app)
    form = CommentForm(request.POST or None, label=label, required=required)
    if request.method == "POST" and form.is_valid():
        try:
            service(
                app=app,
                by=request.user,
                expected=_expected(request),
                comment=form.cleaned_data["comment"],
            )
        except services.ApplicationError as error:
            messages.error(request, error.message)
            for detail in error.details:
                messages.warning(request, detail)
            return redirect("applications:detail", pk=app.pk)
        messages.success(request, f"已{services.TRANSITION_LABELS[name]}。")
        return redirect("applications:detail", pk=app.pk)
    return render(
        request,
        "applications/confirm.html",
        {
            "app": app,
            "form": form,
            "title": services.TRANSITION_LABELS[name],
            "priority": selectors.art6_priority(app),
            "note": note,
            "danger": action in {"reject", "return"},
            "seen": services.seen(app),
        },
    )


@require_http_methods(["GET", "POST"])
def application_office_approve(request, pk):
    """Art 7(3): the office passes its review and decides whether the agreement deviates."""
    app = _get_app_for_user(request, pk)
    if not selectors._allowed(app, request.user, "office_approve"):
        return _refused(request, app)
    draft = app.agreement_draft
    form = OfficeApproveForm(request.POST or None, declared=draft.deviates_from_template)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.application_office_approve(
                app=app, by=request.user, expected=_expected(request), comment=data["comment"],
                deviates=data["deviates"], deviation_reason=data["deviation_reason"],
            )  # fmt: skip
        except services.ApplicationError as error:
            messages.error(request, error.message)
            for detail in error.details:
                messages.warning(request, detail)
        else:
            messages.success(request, f"已{services.TRANSITION_LABELS['office_approve']}。")
            return redirect("applications:detail", pk=app.pk)
    return render(
        request,
        "applications/office_approve.html",
        {"app": app, "form": form, "draft": draft, "seen": services.seen(app),
         "gaps": rules.office_review_gaps(app), "priority": selectors.art6_priority(app)},
    )  # fmt: skip


def _refused(request, app):
    messages.error(
        request, f"申报书当前为“{app.get_state_display()}”，您不能执行此操作，或已被他人处理。"
    )
    return redirect("applications:detail", pk=app.pk)


def _office_only(request, app, state):
    if not access.is_office(request.user):
        raise Http404
    return app.state == state


@require_http_methods(["GET", "POST"])
def application_experts(request, pk):
    app = _get_app_for_user(request, pk)
    if not _office_only(request, app, S.OFFICE_REVIEW):
        return _refused(request, app)
    form = ExpertAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _run(
            request,
            app,
            services.experts_assign,
            "已指定评审专家。",
            experts=list(form.cleaned_data["experts"]),
        )
    assigned = app.expert_reviews.filter(round=app.round).select_related("expert")
    return render(
        request,
        "applications/experts.html",
        {"app": app, "form": form, "assigned": assigned, "seen": services.seen(app)},
    )


def _run(request, app, service, success, **kwargs):
    try:
        service(app=app, by=request.user, expected=_expected(request), **kwargs)
    except services.ApplicationError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    else:
        messages.success(request, success)
    return redirect("applications:detail", pk=app.pk)


@require_http_methods(["GET", "POST"])
def application_review(request, pk):
    app = _get_app_for_user(request, pk)
    review = selectors.my_pending_review(app, request.user)
    if review is None:
        if not app.expert_reviews.filter(expert=request.user).exists():
            raise Http404
        messages.info(request, "您的评审意见已提交，或申报书已不在专家评审阶段。")
        return redirect("applications:detail", pk=app.pk)
    form = ExpertReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_review_submit(review=review, by=request.user, **form.cleaned_data)
        except services.ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "评审意见已提交，感谢您的评审。")
        return redirect("applications:detail", pk=app.pk)
    return render(
        request,
        "applications/review.html",
        {
            "app": app,
            "form": form,
            "data": selectors.frozen_data(app),
            "priority": selectors.art6_priority(app),
        },
    )


@require_http_methods(["GET", "POST"])
def application_inspection(request, pk):
    app = _get_app_for_user(request, pk)
    if not _office_only(request, app, S.OFFICE_REVIEW):
        return _refused(request, app)
    instance = getattr(app, "site_inspection", None)
    form = InspectionForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
        response = _run(
            request,
            app,
            services.inspection_record,
            "已登记实地考察情况。",
            data=data,
            photos=form.cleaned_data["photos"],
        )
        if response:
            return response
    return render(
        request,
        "applications/inspection.html",
        {"app": app, "form": form, "inspection": instance, "seen": services.seen(app)},
    )


@require_http_methods(["GET", "POST"])
def application_meeting(request, pk):
    app = _get_app_for_user(request, pk)
    if not _office_only(request, app, S.MEETING):
        return _refused(request, app)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _run(
            request,
            app,
            services.meeting_record,
            "已登记校长办公会审定结果。",
            **form.cleaned_data,
        )
    return render(
        request,
        "applications/step_form.html",
        {
            "app": app,
            "form": form,
            "title": "登记校长办公会审定",
            "priority": selectors.art6_priority(app),
            "seen": services.seen(app),
            "note": "第七条第四项：校长办公会审定批准建设的基地，由学校与合作单位正式签订协议书。",
        },
    )


@require_http_methods(["GET", "POST"])
def application_sign(request, pk):
    app = _get_app_for_user(request, pk)
    if not _office_only(request, app, S.APPROVED):
        return _refused(request, app)
    years = app.agreement_draft.term_years
    form = SignForm(request.POST or None, request.FILES or None, term_years=years)
    if request.method == "POST" and form.is_valid():
        response = _run(
            request,
            app,
            services.application_sign,
            "已登记协议签订，基地已建立。",
            **form.cleaned_data,
        )
        if response:
            return response
    return render(
        request,
        "applications/step_form.html",
        {
            "app": app,
            "form": form,
            "title": "登记协议签订",
            "seen": services.seen(app),
            "multipart": True,
            "note": f"上传学校与合作单位签订的协议书扫描件。登记后系统建立校级基地及其协议。"
            f"经审核的协议书草案约定期限为 {years} 年（第七条第二项）；签订的期限与此不一致的，须填写理由。",
        },
    )


@require_http_methods(["GET", "POST"])
def application_establish(request, pk):
    app = _get_app_for_user(request, pk)
    if not _office_only(request, app, S.SIGNED):
        return _refused(request, app)
    form = EstablishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _run(
            request,
            app,
            services.application_establish,
            "已登记基地挂牌，基地进入运行。",
            **form.cleaned_data,
        )
    return render(
        request,
        "applications/step_form.html",
        {
            "app": app,
            "form": form,
            "title": "登记基地挂牌",
            "seen": services.seen(app),
            "note": "第七条第五项：合作协议签署后，学校向合作单位授予“西昌学院研究生联合培养基地”牌匾。",
        },
    )


# --- files: only through permission-checked views ---------------------------------


def _file_response(field, name):
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=name)


@require_GET
def attachment_download(request, pk, attachment_pk):
    app = _get_app_for_user(request, pk)
    attachment = get_object_or_404(ApplicationAttachment, application=app, pk=attachment_pk)
    return _file_response(attachment.file, attachment.original_name)


@require_POST
def attachment_delete(request, pk, attachment_pk):
    app = _get_app_for_user(request, pk)
    attachment = get_object_or_404(ApplicationAttachment, application=app, pk=attachment_pk)
    if not rules.is_own_secretary(app, request.user):
        raise Http404
    try:
        services.attachment_delete(attachment=attachment, by=request.user)
    except services.ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已删除证明材料“{attachment.original_name}”。")
    return redirect(reverse("applications:edit", args=[app.pk]) + "#evidence")


@require_GET
def agreement_document_download(request, pk):
    app = _get_app_for_user(request, pk)
    draft = getattr(app, "agreement_draft", None)
    if draft is None or not draft.document:
        raise Http404
    return _file_response(draft.document, draft.document_name)


@require_GET
def agreement_scan_download(request, pk):
    app = _get_app_for_user(request, pk)
    signed = getattr(app, "signed_agreement", None)
    if signed is None:
        raise Http404
    return _file_response(signed.scan, signed.scan_name)


@require_GET
def inspection_photo_download(request, pk, photo_pk):
    app = _get_app_for_user(request, pk)
    if not (access.is_office(request.user) or access.is_college_staff(request.user)):
        raise Http404
    photo = get_object_or_404(InspectionPhoto, inspection__application=app, pk=photo_pk)
    return _file_response(photo.image, photo.original_name)


@require_GET
def application_pdf(request, pk):
    from applications.printing import render_annex1

    app = _get_app_for_user(request, pk)
    pdf, record = render_annex1(app, by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"附件1-基地申报书-{record.serial}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
