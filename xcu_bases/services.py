"""Actions that change shared records. Views call these; nothing else writes."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from xcu_bases import access, notify
from xcu_bases.models import StudentProfile, TransitionLog


def record_transition(
    obj,
    *,
    transition: str,
    source: str,
    target: str,
    by,
    role: str = "",
    comment: str = "",
    transition_label: str = "",
    state_labels=None,
) -> TransitionLog:
    """Write one row of ``obj``'s timeline.

    ``state_labels`` is the TextChoices class (or a mapping) of the states, so the
    timeline keeps the Chinese names the states had when the change happened.
    """
    labels = dict(state_labels.choices) if hasattr(state_labels, "choices") else state_labels or {}
    log = TransitionLog.objects.create(
        target=obj,
        transition=transition,
        transition_label=transition_label or transition,
        source_state=source,
        target_state=target,
        source_label=labels.get(source, source),
        target_label=labels.get(target, target),
        by=by,
        role=role,
        comment=comment,
    )
    # Whoever must act next (or hear the outcome) is told, in the same transaction.
    notify.transition_logged(obj, log)
    return log


_COURSEWORK_LABELS = {"pending": "未确认", "completed": "已完成", "not_completed": "未完成"}


def _coursework_state(profile: StudentProfile) -> str:
    if profile.coursework_confirmed_at is None:
        return "pending"
    return "completed" if profile.coursework_completed else "not_completed"


def student_set_coursework(*, profile: StudentProfile, completed: bool, by, comment: str = ""):
    """Art 21: the college or the office records whether coursework is done.

    Raises Http404 for a user who may not do it, so a view never reveals the student.
    """
    if not access.can_set_coursework(by, profile):
        raise Http404("无权确认该学生的课程学习情况。")
    with transaction.atomic():
        locked = StudentProfile.objects.select_for_update().get(pk=profile.pk)
        source = _coursework_state(locked)
        locked.coursework_completed = completed
        locked.coursework_confirmed_by = by
        locked.coursework_confirmed_at = timezone.now()
        locked.save(
            update_fields=[
                "coursework_completed",
                "coursework_confirmed_by",
                "coursework_confirmed_at",
            ]
        )
        record_transition(
            locked,
            transition="set_coursework",
            transition_label="确认课程学习情况",
            source=source,
            target=_coursework_state(locked),
            state_labels=_COURSEWORK_LABELS,
            by=by,
            role=_acting_role(by),
            comment=comment,
        )
    return locked


def _acting_role(user) -> str:
    for code in ("graduate_office", "college_secretary", "college_head"):
        if user.has_role(code):
            return code
    return ""
