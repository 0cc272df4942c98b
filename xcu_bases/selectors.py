"""Reads for the people pages."""

from django.db.models import Q, QuerySet

from xcu_bases.models import StudentProfile, TransitionLog


def student_list(*, user, q: str = "", coursework: str = "") -> QuerySet:
    qs = StudentProfile.objects.visible_to(user).select_related(
        "user", "user__college", "campus_supervisor"
    )
    if q:
        qs = qs.filter(
            Q(student_number__icontains=q) | Q(user__name__icontains=q) | Q(major__icontains=q)
        )
    if coursework == "pending":
        qs = qs.filter(coursework_confirmed_at__isnull=True)
    elif coursework == "completed":
        qs = qs.filter(coursework_completed=True, coursework_confirmed_at__isnull=False)
    elif coursework == "not_completed":
        qs = qs.filter(coursework_completed=False, coursework_confirmed_at__isnull=False)
    return qs.order_by("user__college__code", "student_number")


def timeline(obj) -> QuerySet:
    return TransitionLog.objects.for_object(obj).select_related("by")
