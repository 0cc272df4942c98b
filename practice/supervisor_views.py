"""Base supervisor pages (Art 18(2)) and the printed Annex 2. Views route: they parse
input, call one service or selector, and render or redirect."""

from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_fsm import can_proceed, has_transition_perm

from agreements.choices import BaseState
from agreements.models import Base
from practice import printing, services
from practice.choices import SupervisorState
from practice.models import BaseSupervisor, PracticeRequest
from practice.supervisor_forms import CertifyForm, FilterForm, NominateForm, RevokeForm
from xcu_bases import access
from xcu_bases.selectors import timeline

PER_PAGE = 25
# kind in the URL -> (file field, stored original name)
FILES = {"cv": ("cv", "cv_name"), "evidence": ("evidence", "evidence_name")}


def may_manage(user) -> bool:
    """The office and college staff see every state, the contacts, the files and the history;
    which supervisors they see is BaseSupervisor.objects.visible_to's business."""
    return access.is_office(user) or access.is_college_staff(user)


def may_nominate(base, user) -> bool:
    """Art 18(2): the partner proposes, the owning college (or the office) nominates."""
    return access.is_office(user) or (
        access.is_college_staff(user) and user.college_id == base.college_id
    )


def _get_supervisor_for_user(request, pk) -> BaseSupervisor:
    """The one way a view fetches a supervisor: 404 unless the user may see it."""
    qs = BaseSupervisor.objects.visible_to(request.user).select_related(
        "base", "base__college", "base__partner", "user"
    )
    return get_object_or_404(qs, pk=pk)


def _to_detail(supervisor):
    return redirect("practice:supervisor_detail", pk=supervisor.pk)


@require_GET
def supervisor_list(request):
    if not may_manage(request.user):
        raise Http404
    form = FilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = BaseSupervisor.objects.visible_to(request.user).select_related("base", "base__college")
    if data.get("q"):
        qs = qs.filter(Q(name__icontains=data["q"]) | Q(base__name__icontains=data["q"]))
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    qs = qs.order_by("base__college__code", "base__name", "name", "pk")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for supervisor in page.object_list:
        supervisor.expired = certificate_expired(supervisor)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practice/supervisor_list.html",
        {"page": page, "filter_form": form, "query": query.urlencode()},
    )


@require_http_methods(["GET", "POST"])
@never_cache
def supervisor_nominate(request, base_pk):
    base = get_object_or_404(
        Base.objects.visible_to(request.user).select_related("college"), pk=base_pk
    )
    if not may_nominate(base, request.user):
        raise Http404
    if base.state != BaseState.ACTIVE:
        messages.error(request, "只能为运行中的基地提名基地导师。")
        return redirect("agreements:base_detail", pk=base.pk)
    form = NominateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            supervisor = services.supervisor_nominate(
                base=base, data=form.profile(), cv=form.cleaned_data["cv"],
                evidence=form.cleaned_data["evidence"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:  # an upload refused: nothing was saved
            form.add_error(None, error)
        except services.PracticeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已提名基地导师 {supervisor.name}，待学科与研究生处认定。")
            return _to_detail(supervisor)
    return _form_page(
        request, form, base=base, title="提名基地导师", multipart=True,
        cancel=reverse("agreements:base_detail", args=[base.pk]),
        note="第十八条第二项：基地导师由合作单位遴选、推荐，学校按照相关规定进行资格认定。"
        "请上传本人简历；职称证书等资格证明可一并上传。",
    )  # fmt: skip


@require_GET
@never_cache
def supervisor_detail(request, pk):
    supervisor = _get_supervisor_for_user(request, pk)
    internal = may_manage(request.user)
    return render(
        request,
        "practice/supervisor_detail.html",
        {
            "supervisor": supervisor,
            "base": supervisor.base,
            "internal": internal,
            "show_account": access.is_office(request.user),
            "expired": certificate_expired(supervisor),
            "actions": _actions(supervisor, request.user),
            "timeline": timeline(supervisor) if internal else [],
        },
    )


@require_GET
def supervisor_file(request, pk, kind):
    supervisor = _get_supervisor_for_user(request, pk)
    if kind not in FILES or not may_manage(request.user):
        raise Http404
    field_name, name_attr = FILES[kind]
    field = getattr(supervisor, field_name)
    if not field:
        raise Http404("未上传该文件。")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=getattr(supervisor, name_attr))


@require_http_methods(["GET", "POST"])
@never_cache
def supervisor_certify(request, pk):
    supervisor = _get_supervisor_for_user(request, pk)
    refused = _refuse_unless_allowed(request, supervisor, "certify")
    if refused:
        return refused
    form = CertifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certified, password = services.supervisor_certify(
                supervisor=supervisor, by=request.user, **form.cleaned_data
            )
        except services.AlreadyHandled as error:
            messages.error(request, error.message)
            return _to_detail(supervisor)
        except services.PracticeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _certified_message(certified, password))
            return _to_detail(certified)
    return _form_page(
        request, form, supervisor=supervisor, title="认定基地导师资格",
        note="认定后系统为该导师开设账号（角色：基地导师），初始密码只显示一次。",
    )  # fmt: skip


def _certified_message(supervisor, password) -> str:
    if password is None:
        return f"已认定，系统账号 {supervisor.user.username}。"
    return (
        f"已认定，系统账号 {supervisor.user.username}，初始密码 {password}，"
        "请转告本人并提醒其登录后修改密码。"
    )


@require_http_methods(["GET", "POST"])
@never_cache
def supervisor_revoke(request, pk):
    supervisor = _get_supervisor_for_user(request, pk)
    refused = _refuse_unless_allowed(request, supervisor, "revoke")
    if refused:
        return refused
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervisor_revoke(
                supervisor=supervisor, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.PracticeError as error:
            messages.error(request, error.message)
            return _to_detail(supervisor)
        messages.success(request, f"已撤销 {supervisor.name} 的基地导师资格，其系统账号已停用。")
        return _to_detail(supervisor)
    return _form_page(
        request, form, supervisor=supervisor, title="撤销基地导师资格", danger=True,
        note="撤销后该导师不能再被研究生选择，其系统账号同时停用；已有的申请和记录保留。",
    )  # fmt: skip


def _refuse_unless_allowed(request, supervisor, name):
    """None if ``request.user`` may ``name`` the supervisor now; a redirect back when the state
    does not allow it; PermissionDenied (403) when the role does not."""
    method = getattr(supervisor, name)
    if not can_proceed(method, check_conditions=False):
        messages.error(
            request,
            f"当前状态为“{supervisor.get_state_display()}”，不能{services.TRANSITION_LABELS[name]}。",
        )
        return _to_detail(supervisor)
    if not has_transition_perm(method, request.user):
        raise PermissionDenied("无权执行此操作。")
    return None


def _form_page(request, form, *, title, note, supervisor=None, base=None, cancel="", **extra):
    base = base or supervisor.base
    cancel = cancel or reverse("practice:supervisor_detail", args=[supervisor.pk])
    return render(
        request,
        "practice/supervisor_form.html",
        {"form": form, "title": title, "note": note, "supervisor": supervisor, "base": base,
         "cancel": cancel, **extra},
    )  # fmt: skip


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    style: str
    icon: str


def _actions(supervisor, user) -> list[Action]:
    """Buttons on the supervisor page; the template only loops over them."""
    found = []
    for name, label, style, icon in [
        ("certify", "认定资格", "success", "patch-check"),
        ("revoke", "撤销资格", "outline-danger", "x-octagon"),
    ]:
        if has_transition_perm(getattr(supervisor, name), user):
            url = reverse(f"practice:supervisor_{name}", args=[supervisor.pk])
            found.append(Action(label, url, style, icon))
    return found


def _today():
    return timezone.localdate()


def certificate_expired(supervisor) -> bool:
    """Certified, but the certificate has run out (Art 18(2): only valid ones may be chosen)."""
    return supervisor.state == SupervisorState.CERTIFIED and not supervisor.is_valid_on(_today())


# --- Annex 2 as a PDF --------------------------------------------------------------------


@require_GET
@never_cache
def request_pdf(request, pk):
    """Whoever may see the request may print it; a draft prints with the 草稿 watermark."""
    qs = PracticeRequest.objects.visible_to(request.user).select_related(
        "student", "student__college", "base", "base_supervisor"
    )
    req = get_object_or_404(qs, pk=pk)
    try:
        pdf, serial = printing.render_annex2(req)
    except printing.PrintError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"附件2-专业实践申请表-{serial}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
