"""The daily reminders (``manage.py send_reminders``): dates in the regulation that must not pass
unnoticed. The rules are the ones the base panel shows (``agreements.compliance``,
``practice.contacts``, ``practice.ending.annex3_due``); this module only decides who
hears about them, and under which *occasion*.

An occasion names one event (``agreement-ends:3m:<base>:<end date>``): a person gets one
notification per occasion, ever, so the command can run any number of times a day, or miss a day,
and each reminder still goes out exactly once. ``today`` is passed in so tests can freeze it.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse

from agreements import compliance
from agreements.choices import BaseState
from agreements.models import Base
from evaluation.choices import EvaluationState, RoundState
from evaluation.models import ExpertAssignment
from practice import contacts, ending
from practice.choices import AssessmentState
from practice.choices import RequestState as S
from practice.models import PracticeRequest
from xcu_bases import mail, notify
from xcu_bases.choices import NotificationKind as K
from xcu_bases.notify import Notice

SCORING_WARNING_DAYS = 3  # an expert hears of the deadline 3 days ahead


@dataclass(frozen=True)
class Outcome:
    notifications: int
    by_kind: dict[str, int]
    emails_retried: int


def send_reminders(today: date) -> Outcome:
    notices = [
        *agreement_expiry(today),
        *missed_contacts(today),
        *annex3_due_notices(today),
        *yearly_checks(today),
        *scoring_deadlines(today),
    ]
    with transaction.atomic():
        rows = notify.deliver(notices)
    retried = mail.retry_failed()
    return Outcome(len(rows), dict(Counter(r.kind for r in rows)), retried)


def _base_url(base) -> str:
    return reverse("agreements:base_detail", args=[base.pk])


def _active_bases():
    return compliance.with_facts(
        Base.objects.filter(state=BaseState.ACTIVE).select_related("college")
    ).order_by("pk")


# --- Art 7(2): agreements ending in 6 and in 3 months -----------------------------------------


def agreement_expiry(today: date) -> list[Notice]:
    notices = []
    office = notify.office()
    for base in _active_bases():
        facts = compliance.facts_from_annotations(base)
        if facts.ends_on is None or facts.ends_on < today:
            continue
        line = compliance.agreement_expiry(facts, today)
        if line.status == compliance.GREEN:
            continue
        months = (
            compliance.EXPIRY_RED_MONTHS
            if line.status == compliance.RED
            else compliance.EXPIRY_AMBER_MONTHS
        )
        notices.append(
            Notice(
                notify.college_staff(base.college_id) + office,
                K.REMINDER_AGREEMENT,
                f"协议将在 {months} 个月内到期：{base}",
                line.detail,
                _base_url(base),
                occasion=f"agreement-ends:{months}m:{base.pk}:{facts.ends_on:%Y-%m-%d}",
                target=base,
            )
        )
    return notices


# --- Art 20: a month without supervisor contact -----------------------------------------------


def missed_contacts(today: date) -> list[Notice]:
    practices = contacts.practices_of(PracticeRequest.objects.all())
    missed = {p.request_id: (p, p.record(today).missed_months) for p in practices}
    missed = {pk: found for pk, found in missed.items() if found[1]}
    if not missed:
        return []
    requests = PracticeRequest.objects.filter(pk__in=list(missed)).select_related(
        "student", "student__student_profile__campus_supervisor", "base_supervisor__user", "base"
    )
    notices = []
    for req in requests:
        _, months = missed[req.pk]
        month = months[-1]  # the latest missed month; earlier ones were reminded in their time
        campus = req.student.student_profile.campus_supervisor if hasattr(
            req.student, "student_profile") else None  # fmt: skip
        base_user = req.base_supervisor.user if req.base_supervisor else None
        notices.append(
            Notice(
                notify.people(campus, base_user),
                K.REMINDER_CONTACT,
                f"{month.label}未记录双导师沟通：{req.student}",
                f"第二十条要求每月至少沟通一次。{req.place_name}，{month.label}没有沟通记录，"
                "请尽快补充沟通并登记。",
                reverse("practice:request_detail", args=[req.pk]),
                occasion=f"contact-missed:{req.pk}:{month.month:%Y-%m}",
                target=req,
            )
        )
    return notices


# --- Art 24: Annex 3 after the practice, within the school's deadline (XCU_ANNEX3_DUE_DAYS) -----


def annex3_due_notices(today: date) -> list[Notice]:
    """Art 24: Annex 3 is submitted after the practice (its early end, if it was ended early);
    the deadline — ``XCU_ANNEX3_DUE_DAYS`` days after the end — is a school rule."""
    ended = (
        PracticeRequest.objects.filter(ending.ended_before(today), state=S.APPROVED)
        .exclude(
            assessment__state__in=[s for s in AssessmentState.values if s != AssessmentState.DRAFT]
        )
        .select_related("student", "base")
    )
    rule = ending.annex3_rule()
    notices = []
    for req in ended:
        end = req.effective_ends_on
        due = ending.annex3_due(req)
        url = reverse("practice:request_detail", args=[req.pk])
        how = "提前结束" if req.ended_early_on else "结束"
        if today <= due:
            notices.append(Notice(
                [req.student], K.REMINDER_ANNEX3, "请提交专业实践考核登记表（附件3）",
                f"您在{req.place_name}的专业实践已于 {end:%Y年%m月%d日} {how}。第二十四条要求基地培养"
                f"结束后提交考核登记表和学位论文，请在 {due:%Y年%m月%d日} 前提交（{rule}）。",
                url, occasion=f"annex3-due:{req.pk}:{end:%Y-%m-%d}", target=req,
            ))  # fmt: skip
        else:
            campus = getattr(getattr(req.student, "student_profile", None), "campus_supervisor",
                             None)  # fmt: skip
            notices.append(Notice(
                notify.people(req.student, campus), K.REMINDER_ANNEX3,
                f"专业实践考核登记表已逾期：{req.student}",
                f"{req.place_name}的专业实践已于 {end:%Y年%m月%d日} {how}，考核登记表应于 "
                f"{due:%Y年%m月%d日} 前提交（{rule}），至今未提交。",
                url, occasion=f"annex3-overdue:{req.pk}:{end:%Y-%m-%d}", target=req,
            ))  # fmt: skip
    return notices


# --- Art 29: one check a year -----------------------------------------------------------------


def yearly_checks(today: date) -> list[Notice]:
    bases = list(_active_bases())
    checked = compliance.yearly_checks_at([b.pk for b in bases])
    office = notify.office()
    notices = []
    for base in bases:
        facts = compliance.facts_from_annotations(base, check_years=checked[base.pk])
        due = compliance.full_years(facts, today)
        missing = [n for n in range(1, due + 1) if n not in facts.checked_years]
        if not missing:
            continue
        line = compliance.yearly_checks(facts, today)
        latest = missing[-1]
        notices.append(
            Notice(
                notify.college_staff(base.college_id) + office,
                K.REMINDER_YEARLY,
                f"年度对标检查未完成：{base}",
                f"{line.detail}请安排年度对标检查（第二十九条）。",
                _base_url(base),
                occasion=f"yearly-check:{base.pk}:{facts.starts_on:%Y-%m-%d}:{latest}",
                target=base,
            )
        )
    return notices


# --- Annex 4: an expert's scoring deadline ----------------------------------------------------


def scoring_deadlines(today: date) -> list[Notice]:
    waiting = ExpertAssignment.objects.filter(
        submitted_at__isnull=True,
        evaluation__state=EvaluationState.SCORING,
        evaluation__round__state=RoundState.OPEN,
        evaluation__round__deadline__gte=today,
        evaluation__round__deadline__lte=today + timedelta(days=SCORING_WARNING_DAYS),
    ).select_related("expert", "evaluation__base", "evaluation__round")
    notices = []
    for assignment in waiting:
        evaluation = assignment.evaluation
        deadline = evaluation.round.deadline
        days = (deadline - today).days
        when = "今天" if days == 0 else f"还有 {days} 天"
        notices.append(
            Notice(
                [assignment.expert],
                K.REMINDER_SCORING,
                f"评分即将截止（{when}）：{evaluation.base}",
                f"{evaluation.round}的专家评分截止日期为 {deadline:%Y年%m月%d日}，您尚未提交评分。",
                reverse("evaluation:evaluation_detail", args=[evaluation.pk]),
                occasion=f"scoring-deadline:{assignment.pk}:{deadline:%Y-%m-%d}",
                target=evaluation,
            )
        )
    return notices
