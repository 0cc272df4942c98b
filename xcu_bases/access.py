"""Who may see what: the one place that answers it.

Views never filter by role themselves; they ask a queryset's ``visible_to(user)``
(which delegates here) and answer 404 for anything outside it (DESIGN.md: do
not reveal that an object exists).
"""

from django.db.models import Q, QuerySet

from xcu_bases.choices import COLLEGE_STAFF_ROLES, RoleCode


def is_office(user) -> bool:
    """The graduate office (and superusers) see everything."""
    return user.is_authenticated and (user.is_superuser or user.has_role(RoleCode.GRADUATE_OFFICE))


def is_college_staff(user) -> bool:
    return user.is_authenticated and bool(user.college_id) and user.has_role(*COLLEGE_STAFF_ROLES)


def college_scoped(queryset: QuerySet, user, college_field: str = "college") -> QuerySet:
    """Objects that belong to a college: the office sees all, college staff their own."""
    if is_office(user):
        return queryset
    if is_college_staff(user):
        return queryset.filter(**{college_field: user.college_id})
    return queryset.none()


def student_profiles_visible_to(queryset: QuerySet, user) -> QuerySet:
    if not user.is_authenticated:
        return queryset.none()
    if is_office(user):
        return queryset
    condition = Q(pk__in=[])
    if is_college_staff(user):
        condition |= Q(user__college_id=user.college_id)
    if user.has_role(RoleCode.CAMPUS_SUPERVISOR):
        condition |= Q(campus_supervisor=user)
    if user.has_role(RoleCode.STUDENT):
        condition |= Q(user=user)
    return queryset.filter(condition)


def can_list_students(user) -> bool:
    return (
        is_office(user)
        or is_college_staff(user)
        or (user.is_authenticated and user.has_role(RoleCode.CAMPUS_SUPERVISOR))
    )


def can_set_coursework(user, profile) -> bool:
    """Art 21: coursework is confirmed by the college or the office, never by the student."""
    if profile.user_id == user.pk:
        return False
    if is_office(user):
        return True
    return is_college_staff(user) and profile.user.college_id == user.college_id
