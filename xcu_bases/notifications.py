"""Who is told what about a student's record: the student hears the coursework check (Art 21)."""

from django.urls import reverse

from xcu_bases import notify
from xcu_bases.choices import NotificationKind as K
from xcu_bases.notify import Notice


@notify.rule("xcu_bases.StudentProfile")
def student_profile(profile, log) -> list[Notice]:
    if log.transition != "set_coursework":
        return []
    return [
        Notice(
            notify.people(profile.user),
            K.RESULT,
            f"课程学习情况已确认：{log.target_label}",
            "课程学习完成后方可申请专业实践（第二十一条）。"
            + (f"说明：{log.comment}" if log.comment else ""),
            reverse("my_profile"),
        )
    ]
