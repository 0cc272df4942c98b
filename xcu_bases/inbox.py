"""The home page is the user's to-do inbox.

Each app registers a provider: a function ``(user) -> list[Task]`` that runs
real queries. The inbox shows every provider's tasks, oldest first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.models import StudentProfile


@dataclass(frozen=True)
class Task:
    title: str
    detail: str
    url: str
    category: str
    since: datetime | None = None


Provider = Callable[..., list[Task]]
_providers: list[Provider] = []


def provider(fn: Provider) -> Provider:
    _providers.append(fn)
    return fn


def tasks_for(user) -> list[Task]:
    tasks = [task for fn in _providers for task in fn(user)]
    return sorted(tasks, key=lambda t: (t.since is None, t.since or 0))


@provider
def coursework_to_confirm(user) -> list[Task]:
    """Art 21: the college (or the office) confirms each student's coursework."""
    if not (access.is_office(user) or access.is_college_staff(user)):
        return []
    pending = (
        StudentProfile.objects.visible_to(user)
        .filter(coursework_confirmed_at__isnull=True)
        .count()
    )
    if not pending:
        return []
    return [
        Task(
            title="确认研究生课程学习完成情况",
            detail=f"{pending} 名研究生的课程学习情况尚未确认（第二十一条）。",
            url=reverse("student_list") + "?coursework=pending",
            category="研究生",
        )
    ]


@provider
def complete_own_profile(user) -> list[Task]:
    if not user.has_role(RoleCode.STUDENT):
        return []
    profile = StudentProfile.objects.filter(user=user).select_related("user").first()
    if profile is None or not profile.missing_contact_fields:
        return []
    return [
        Task(
            title="完善个人联系信息",
            detail="尚未填写：" + "、".join(profile.missing_contact_fields) + "。",
            url=reverse("my_profile"),
            category="个人信息",
        )
    ]


def grouped(tasks: list[Task]) -> list[tuple[str, list[Task]]]:
    """Tasks by category, categories in order of their oldest task."""
    groups: dict[str, list[Task]] = {}
    for task in tasks:
        groups.setdefault(task.category, []).append(task)
    return list(groups.items())
