from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from xcu_bases import access, dashboard, inbox, selectors, services
from xcu_bases import home as home_panels
from xcu_bases.forms import ContactForm, CourseworkForm, FamilyContactForm, StudentFilterForm
from xcu_bases.models import StudentProfile

STUDENTS_PER_PAGE = 25


@require_GET
def home(request):
    tasks = inbox.tasks_for(request.user)
    return render(
        request,
        "home.html",
        {
            "tasks": tasks,
            "groups": inbox.grouped(tasks),
            "panels": home_panels.panels_for(request.user),
            "show_dashboard": access.is_office(request.user),
        },
    )


@require_GET
@never_cache
def dashboard_page(request):
    """统计看板: how the bases are doing, for the graduate office only."""
    if not access.is_office(request.user):
        raise Http404("仅学科与研究生处可查看统计看板。")
    board = dashboard.build(request.user, timezone.localdate())
    return render(request, "dashboard.html", {"board": board})


@require_GET
@never_cache
def student_list(request):
    if not access.can_list_students(request.user):
        raise Http404("无权查看研究生名单。")
    form = StudentFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    students = selectors.student_list(
        user=request.user, q=filters.get("q", ""), coursework=filters.get("coursework", "")
    )
    page = Paginator(students, STUDENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/student_list.html",
        {"page": page, "filter_form": form, "query": query.urlencode()},
    )


def _get_student_for_user(request, pk):
    """The one way a view fetches a student: 404 unless the user may see them."""
    qs = StudentProfile.objects.visible_to(request.user).select_related(
        "user", "user__college", "campus_supervisor", "coursework_confirmed_by"
    )
    return get_object_or_404(qs, pk=pk)


@require_GET
@never_cache
def student_detail(request, pk):
    profile = _get_student_for_user(request, pk)
    return render(
        request,
        "people/student_detail.html",
        {
            "profile": profile,
            "can_set_coursework": access.can_set_coursework(request.user, profile),
            "timeline": selectors.timeline(profile),
        },
    )


@require_http_methods(["GET", "POST"])
def student_coursework(request, pk):
    """GET: a confirmation page; POST: Art 21 coursework recorded by the college/office."""
    profile = _get_student_for_user(request, pk)
    if not access.can_set_coursework(request.user, profile):
        raise Http404("无权确认该学生的课程学习情况。")
    initial = {"completed": "1" if profile.coursework_completed else "0"}
    form = CourseworkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.student_set_coursework(
            profile=profile,
            completed=form.cleaned_data["completed"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        )
        messages.success(request, f"已记录 {profile.user} 的课程学习情况。")
        return redirect("student_detail", pk=profile.pk)
    return render(request, "people/student_coursework.html", {"profile": profile, "form": form})


@require_http_methods(["GET", "POST"])
@never_cache
def my_profile(request):
    profile = get_object_or_404(
        StudentProfile.objects.select_related("user__college", "campus_supervisor"),
        user=request.user,
    )
    data = request.POST if request.method == "POST" else None
    contact = ContactForm(data, instance=request.user, prefix="contact")
    family = FamilyContactForm(data, instance=profile, prefix="family")
    if request.method == "POST" and contact.is_valid() and family.is_valid():
        with transaction.atomic():
            contact.save()
            family.save()
        messages.success(request, "个人信息已保存。")
        return redirect("my_profile")
    if request.method == "POST":
        messages.error(request, "信息未保存，请按提示修改后重新提交。")
    return render(
        request,
        "people/my_profile.html",
        {"profile": profile, "contact_form": contact, "family_form": family},
    )
