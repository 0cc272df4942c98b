from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from agreements import renewal_selectors, selectors, services
from agreements.choices import BaseState
from agreements.forms import (
    AllocationForm,
    AllocationPayForm,
    BaseFilterForm,
    BaseProfileForm,
    CourseForm,
    ExchangeMeetingForm,
    GovernanceMemberForm,
    LevelChangeForm,
    ProjectForm,
    RevokeForm,
    SpendingForm,
    TemplateUploadForm,
)
from agreements.models import AgreementTemplate, Base
from xcu_bases import access
from xcu_bases.workflow import WorkflowError


def _may_see_templates(user) -> bool:
    return access.is_office(user) or access.is_college_staff(user) or user.has_role("legal_office")


@require_http_methods(["GET", "POST"])
def template_list(request):
    """The office's model agreement, every version (Art 7(3))."""
    if not _may_see_templates(request.user):
        raise Http404
    is_office = access.is_office(request.user)
    form = TemplateUploadForm(request.POST or None, request.FILES or None) if is_office else None
    if request.method == "POST":
        if not is_office:
            raise Http404
        if form.is_valid():
            try:
                template = services.template_upload(
                    file=form.cleaned_data["document"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error("document", error)
            else:
                messages.success(request, f"已上传协议书模板第 {template.version} 版。")
                return redirect("agreements:templates")
    templates = AgreementTemplate.objects.select_related("uploaded_by")
    return render(
        request,
        "agreements/templates.html",
        {"templates": templates, "form": form, "current": templates.first()},
    )


@require_GET
def template_download(request, pk):
    if not _may_see_templates(request.user):
        raise Http404
    template = get_object_or_404(AgreementTemplate, pk=pk)
    return FileResponse(
        template.document.open("rb"), as_attachment=True, filename=template.original_name
    )


# --- registry and base pages ---------------------------------------------------------------

PER_PAGE = 25


def _get_base_for_user(request, pk) -> Base:
    """The one way a view fetches a base: 404 unless the user may see it."""
    qs = selectors.bases_visible_to(request.user).select_related(
        "college", "partner", "responsible_college", "inspector"
    )
    return get_object_or_404(qs, pk=pk)


def _base_view(*, office=False):
    """Fetch the base for its editors (or the office only); 404 for everyone else.
    A revoked base is closed: its editors are sent back to its page."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, pk, **kwargs):
            base = _get_base_for_user(request, pk)
            user = request.user
            if not (access.is_office(user) if office else services.can_edit(base, user)):
                raise Http404
            if base.state == BaseState.REVOKED:
                messages.error(request, "基地已被撤销，不能再修改其信息。")
                return redirect("agreements:base_detail", pk=base.pk)
            return view(request, base, **kwargs)

        return wrapper

    return decorate


def _to_base(base, anchor=""):
    url = reverse("agreements:base_detail", args=[base.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_GET
def base_list(request):
    form = BaseFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    bases = selectors.base_list(
        user=request.user,
        today=today,
        q=data.get("q", ""),
        partner=data.get("partner", ""),
        college=data.get("college"),
        level=data.get("level", ""),
        state=data.get("state", "") if selectors.may_see_all(request.user) else "",
        expires_within=data.get("expires_within"),
        expiry=data.get("expiry", ""),
        recommended=data.get("recommended") == "1",
    )
    page = Paginator(bases, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_compliance(page.object_list, today=today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agreements/list.html",
        {
            "page": page,
            "filter_form": form,
            "query": query.urlencode(),
            "show_state_filter": selectors.may_see_all(request.user),
            "can_import": access.is_office(request.user),
        },
    )


@require_GET
@never_cache
def base_detail(request, pk):
    base = _get_base_for_user(request, pk)
    context = selectors.detail_context(base, request.user, today=timezone.localdate())
    context |= renewal_selectors.for_base(base, request.user)  # Art 7: the renewal under way
    return render(request, "agreements/detail.html", context)


def _form_page(request, base, form, title, note="", **extra):
    return render(
        request,
        "agreements/form.html",
        {"base": base, "form": form, "title": title, "note": note, **extra},
    )


@require_http_methods(["GET", "POST"])
@never_cache
@_base_view()
def base_edit(request, base):
    initial = {
        "responsible_college": base.responsible_college,
        "participating_colleges": base.participating_colleges.all(),
        "inspector": base.inspector_id,
    }
    form = BaseProfileForm(request.POST or None, base=base, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.base_profile_update(base=base, by=request.user, **form.cleaned_data)
        except services.BaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已保存基地基本信息。")
            return _to_base(base, "profile")
    return _form_page(request, base, form, "编辑基本信息")


@require_http_methods(["GET", "POST"])
@never_cache
@_base_view()
def governance_edit(request, base):
    """Art 9 management committee and Art 10 working group: list, add."""
    form = GovernanceMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.governance_member_add(
                base=base, by=request.user, **form.cleaned_data
            )
        except services.BaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已增加{member.get_body_display()}成员 {member.name}。")
            return redirect("agreements:governance", pk=base.pk)
    return render(
        request,
        "agreements/governance.html",
        {
            "base": base,
            "form": form,
            "governance": selectors.governance(base),
            "lines": selectors.governance_lines(base),
        },
    )


@require_http_methods(["GET", "POST"])
@_base_view()
def governance_remove(request, base, member_pk):
    member = get_object_or_404(base.governance, pk=member_pk)
    if request.method == "POST":
        try:
            services.governance_member_remove(member=member, by=request.user)
        except services.BaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已移除 {member.name}。")
        return redirect("agreements:governance", pk=base.pk)
    return render(
        request,
        "agreements/confirm.html",
        {
            "base": base,
            "title": "移除管理机构成员",
            "note": f"从{member.get_body_display()}中移除 {member.name}（{member.get_role_display()}，{member.unit}）。",
            "danger": True,
            "cancel": reverse("agreements:governance", args=[base.pk]),
        },
    )


# kind: (form, service, title, note, anchor on the base page)
RECORDS = {
    "meeting": (
        ExchangeMeetingForm,
        services.meeting_add,
        "登记交流研讨会",
        "第十七条：基地定期召开交流会、研讨会。请填写会议纪要，可附签到表或纪要扫描件。",
        "meetings",
    ),
    "spending": (
        SpendingForm,
        services.spending_add,
        "登记经费支出",
        "第二十七条：学校前三年每年给予基地 1 万元建设经费。请登记支出并上传凭证。",
        "funding",
    ),
    "course": (
        CourseForm,
        services.course_add,
        "登记共建实践课程",
        "第二十八条：协议期内每个基地至少共建 1 门实践课程。",
        "obligations",
    ),
    "project": (
        ProjectForm,
        services.project_add,
        "登记联合科研项目",
        "第二十八条：协议期内每个基地至少开展 1 项联合科研项目，鼓励市厅级及以上项目或横向项目。",
        "obligations",
    ),
}


@require_http_methods(["GET", "POST"])
@never_cache
@_base_view()
def record_add(request, base, kind):
    form_class, service, title, note, anchor = RECORDS[kind]
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "upload"}
        try:
            service(base=base, by=request.user, file=form.cleaned_data["upload"], **data)
        except ValidationError as error:
            form.add_error("upload", error)
        except services.BaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已{title}。")
            return _to_base(base, anchor)
    return _form_page(request, base, form, title, note, multipart=True)


@require_http_methods(["GET", "POST"])
@_base_view(office=True)
def allocation_add(request, base):
    """Art 27: the office plans a yearly allocation that is missing."""
    years = selectors.missing_allocation_years(base)
    if not years:
        messages.info(request, "前三年的学校拨款均已列入计划。")
        return _to_base(base, "funding")
    form = AllocationForm(request.POST or None, years=years, plaque_date=base.plaque_date)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_add(base=base, by=request.user, **form.cleaned_data)
        except services.BaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已列入计划拨付。")
            return _to_base(base, "funding")
    note = (
        "第二十七条：学校前三年每年给予基地 1 万元建设经费。符合条件的校级基地挂牌时系统已列入计划；"
        "此处补列缺少的年度（计划拨付，拨付后再登记拨付日期和凭证号）。"
    )
    return _form_page(request, base, form, "补列计划拨付", note)


@require_http_methods(["GET", "POST"])
@never_cache
@_base_view(office=True)
def allocation_pay(request, base, entry_pk):
    """Art 27: the office records that a planned allocation was paid (GET: the form to confirm)."""
    entry = get_object_or_404(selectors.planned_allocations(base), pk=entry_pk)
    form = AllocationPayForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_pay(entry=entry, by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已登记第 {entry.year_no} 年建设经费拨付。")
            return _to_base(base, "funding")
    note = (
        f"第 {entry.year_no} 年建设经费：计划于 {entry.due_on:%Y年%m月%d日} 拨付 "
        f"{entry.amount:,.2f} 元。登记拨付日期和拨付凭证号后，该笔经费计为“已拨付”（第二十七条）。"
    )
    return _form_page(request, base, form, "登记拨付", note, confirm=True)


@require_http_methods(["GET", "POST"])
@_base_view(office=True)
def level_change(request, base):
    form = LevelChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.level_change(base=base, by=request.user, **form.cleaned_data)
        except services.BaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已登记级别变更。")
            return _to_base(base, "profile")
    note = (
        f"当前级别：{base.get_level_display()}。第四条、第八条：基地分校级、省级和国家级，"
        "省级基地从校级基地中择优推荐；请填写认定文件号。"
    )
    return _form_page(request, base, form, "级别变更", note, confirm=True)


@require_http_methods(["GET", "POST"])
@_base_view(office=True)
def base_revoke(request, base):
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.base_revoke(base=base, by=request.user, reason=form.cleaned_data["reason"])
        except services.BaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已撤销基地资格。")
            return _to_base(base)
    note = "第二十九条：期末考核不合格的基地取消其基地资格。撤销后不可恢复，基地信息不能再修改。"
    return _form_page(request, base, form, "撤销基地", note, confirm=True, danger=True)


# --- files: only through permission-checked views ---------------------------------------


def _file_response(field, name):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=name)


def _get_base_for_insider(request, pk) -> Base:
    base = _get_base_for_user(request, pk)
    if not selectors.may_see_internal(request.user):
        raise Http404
    return base


@require_GET
def agreement_scan(request, pk, agreement_pk):
    base = _get_base_for_insider(request, pk)
    agreement = get_object_or_404(base.agreements, pk=agreement_pk)
    return _file_response(agreement.scan, agreement.scan_name)


EVIDENCE = {
    "meeting": "meetings",
    "funding": "funding",
    "course": "courses",
    "project": "projects",
}


@require_GET
def evidence_download(request, pk, kind, item_pk):
    if kind not in EVIDENCE:
        raise Http404
    base = _get_base_for_insider(request, pk)
    row = get_object_or_404(getattr(base, EVIDENCE[kind]), pk=item_pk)
    return _file_response(row.file, row.file_name)
