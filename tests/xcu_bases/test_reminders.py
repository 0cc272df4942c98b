# ruff: noqa: F811  (the practice fixtures are imported by name and then requested by name)
"""The daily reminders (xcu_bases/reminders.py, ``manage.py send_reminders``) with a frozen clock:
each fires on the first day its rule says so (not the day before), goes to the right people, and
running again — the same day, the next day, or after a missed day — sends nothing new."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from evaluation import services as evaluation_services
from evaluation.choices import RoundKind
from practice.choices import ContactMode
from practice.choices import RequestState as S
from practice.models import SupervisorContact
from tests.conftest import make_user
from tests.practice.conftest import base, draft, people, supervisor  # noqa: F401 (fixtures)
from tests.practice.factories import PERIOD, active_base, advance_to
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import Notification
from xcu_bases.reminders import send_reminders

pytestmark = pytest.mark.django_db


def kinds_to(kind, today) -> list[tuple[str, str]]:
    """Run the reminders for ``today``; the new (recipient, occasion) pairs of ``kind``."""
    before = set(Notification.objects.values_list("pk", flat=True))
    send_reminders(today)
    rows = Notification.objects.exclude(pk__in=before).filter(kind=kind)
    return sorted(rows.values_list("recipient__username", "occasion"))


# --- agreements ending in 6 and 3 months (the compliance module's windows) ------------------


@pytest.fixture
def ending(people, college_a):
    """A base whose agreement ends on 2027-06-30."""
    return active_base(college_a, people["office"], starts_on=date(2022, 7, 1),
                       ends_on=date(2027, 6, 30))  # fmt: skip


def test_agreement_reminders_at_six_and_three_months_once_each(people, ending):
    staff = ["head_a", "office", "secretary_a"]
    assert kinds_to(K.REMINDER_AGREEMENT, date(2026, 12, 29)) == []  # 6 months + 1 day
    six = kinds_to(K.REMINDER_AGREEMENT, date(2026, 12, 30))  # exactly 6 months ahead
    assert [u for u, _ in six] == staff
    assert {o for _, o in six} == {f"agreement-ends:6m:{ending.pk}:2027-06-30"}
    assert kinds_to(K.REMINDER_AGREEMENT, date(2026, 12, 30)) == []  # the same day again
    assert kinds_to(K.REMINDER_AGREEMENT, date(2027, 2, 15)) == []  # still amber
    assert kinds_to(K.REMINDER_AGREEMENT, date(2027, 3, 29)) == []  # 3 months + 1 day
    three = kinds_to(K.REMINDER_AGREEMENT, date(2027, 3, 30))
    assert {o for _, o in three} == {f"agreement-ends:3m:{ending.pk}:2027-06-30"}
    assert kinds_to(K.REMINDER_AGREEMENT, date(2027, 6, 30)) == []  # last day: nothing new
    assert kinds_to(K.REMINDER_AGREEMENT, date(2027, 7, 1)) == []  # ended: the daily job's


def test_a_missed_cron_day_still_sends_the_reminder_once(people, ending):
    # The job did not run on 2026-12-30; the next day it catches up.
    assert len(kinds_to(K.REMINDER_AGREEMENT, date(2026, 12, 31))) == 3
    assert kinds_to(K.REMINDER_AGREEMENT, date(2027, 1, 1)) == []


def test_a_renewed_agreement_is_reminded_again_for_its_own_end(people, ending):
    from agreements.models import Agreement

    kinds_to(K.REMINDER_AGREEMENT, date(2027, 3, 30))
    Agreement.objects.create(
        base=ending, signed_on=date(2027, 4, 1), starts_on=date(2027, 7, 1),
        ends_on=date(2032, 6, 30), scan_name="续签.pdf", recorded_by=people["office"],
    )  # fmt: skip
    assert kinds_to(K.REMINDER_AGREEMENT, date(2027, 4, 2)) == []  # green again
    found = kinds_to(K.REMINDER_AGREEMENT, date(2031, 12, 30))
    assert {o for _, o in found} == {f"agreement-ends:6m:{ending.pk}:2032-06-30"}


def test_other_colleges_are_not_told(people, ending):
    found = kinds_to(K.REMINDER_AGREEMENT, date(2027, 3, 30))
    assert "secretary_b" not in {u for u, _ in found}


# --- Art 20: a month without contact ----------------------------------------------------------


@pytest.fixture
def practising(people, draft):
    """student_a at the base from 2026-03-02 to 2026-08-31, approved."""
    return advance_to(draft, S.APPROVED, people)


def _contact(req, on, by):
    SupervisorContact.objects.create(
        request=req, on=on, mode=ContactMode.PHONE, topic="进展", recorded_by=by
    )


def test_missed_month_reminds_both_supervisors_once_the_day_after_it(people, practising):
    _contact(practising, date(2026, 3, 10), people["tutor_a"])
    assert kinds_to(K.REMINDER_CONTACT, date(2026, 4, 30)) == []  # April not over yet
    found = kinds_to(K.REMINDER_CONTACT, date(2026, 5, 1))
    mentor = practising.base_supervisor.user.username
    assert found == sorted([("tutor_a", f"contact-missed:{practising.pk}:2026-04"),
                            (mentor, f"contact-missed:{practising.pk}:2026-04")])  # fmt: skip
    assert kinds_to(K.REMINDER_CONTACT, date(2026, 5, 2)) == []
    # May also passes without contact: a new occasion, one more reminder each.
    found = kinds_to(K.REMINDER_CONTACT, date(2026, 6, 1))
    assert {o for _, o in found} == {f"contact-missed:{practising.pk}:2026-05"}


def test_no_contact_reminder_when_every_month_has_one(people, practising):
    for month in range(3, 9):
        _contact(practising, date(2026, month, 5), people["tutor_a"])
    assert kinds_to(K.REMINDER_CONTACT, date(2026, 8, 20)) == []


# --- Art 24: Annex 3 after the practice, within the school's 30 days (XCU_ANNEX3_DUE_DAYS) ----


def test_annex3_due_then_overdue_each_once(people, practising):
    end = PERIOD[1]  # 2026-08-31
    for month in range(3, 9):
        _contact(practising, date(2026, month, 5), people["tutor_a"])
    assert kinds_to(K.REMINDER_ANNEX3, end) == []  # the last day of the practice
    due = kinds_to(K.REMINDER_ANNEX3, end + timedelta(days=1))
    assert due == [("student_a", f"annex3-due:{practising.pk}:2026-08-31")]
    assert kinds_to(K.REMINDER_ANNEX3, end + timedelta(days=30)) == []  # the due date itself
    overdue = kinds_to(K.REMINDER_ANNEX3, end + timedelta(days=31))
    assert overdue == sorted([("student_a", f"annex3-overdue:{practising.pk}:2026-08-31"),
                              ("tutor_a", f"annex3-overdue:{practising.pk}:2026-08-31")])  # fmt: skip
    assert kinds_to(K.REMINDER_ANNEX3, end + timedelta(days=60)) == []


def test_no_annex3_reminder_once_it_is_submitted(people, practising):
    from practice import assessment_services
    from tests.practice.factories import complete_assessment
    from xcu_bases.workflow import seen

    assessment = complete_assessment(practising)
    assessment_services.assessment_submit(
        assessment=assessment, by=people["student_a"],
        expected=seen(assessment),
    )  # fmt: skip
    assert kinds_to(K.REMINDER_ANNEX3, PERIOD[1] + timedelta(days=40)) == []


def _annex3_texts(today) -> list[tuple[str, str]]:
    before = set(Notification.objects.values_list("pk", flat=True))
    send_reminders(today)
    rows = Notification.objects.exclude(pk__in=before).filter(kind=K.REMINDER_ANNEX3)
    return sorted(rows.values_list("title", "body"))


def test_annex3_reminder_names_the_school_rule_not_art24_and_follows_the_setting(
    people, practising, settings
):
    settings.XCU_ANNEX3_DUE_DAYS = 45
    end = PERIOD[1]  # 2026-08-31
    ((title, body),) = _annex3_texts(end + timedelta(days=1))
    assert title == "请提交专业实践考核登记表（附件3）"
    assert "请在 2026年10月15日 前提交（学校规定：实践结束后 45 天内提交）" in body
    assert "第二十四条要求基地培养结束后提交考核登记表和学位论文" in body
    assert "45 天内提交（第二十四条）" not in body and "None" not in body
    assert kinds_to(K.REMINDER_ANNEX3, end + timedelta(days=45)) == []  # the due date itself
    overdue = _annex3_texts(end + timedelta(days=46))
    assert {title for title, _ in overdue} == {"专业实践考核登记表已逾期：赵雨桐"}
    assert all("（学校规定：实践结束后 45 天内提交）" in body for _, body in overdue)


def test_annex3_reminder_counts_from_the_early_end(people, practising):
    from practice import ending

    ending.practice_end_early(
        req=practising, by=people["secretary_a"], ended_on=date(2026, 6, 15),
        reason="应研究生本人申请提前结束。", today=date(2026, 6, 20),
    )  # fmt: skip
    assert kinds_to(K.REMINDER_ANNEX3, date(2026, 6, 15)) == []  # its last day
    ((_, body),) = _annex3_texts(date(2026, 6, 16))
    assert "已于 2026年06月15日 提前结束" in body and "请在 2026年07月15日 前提交" in body
    overdue = kinds_to(K.REMINDER_ANNEX3, date(2026, 7, 16))
    assert {o for _, o in overdue} == {f"annex3-overdue:{practising.pk}:2026-06-15"}


def test_reminder_names_other_place_not_none(people, practising):
    """A practice at an "其他" place has no base: every reminder names the place, never None."""
    from practice.choices import BaseType
    from practice.models import PracticeRequest

    PracticeRequest.objects.filter(pk=practising.pk).update(
        base_type=BaseType.OTHER, base=None, other_base_name="凉山州农业农村局种子管理站"
    )
    _contact(practising, date(2026, 3, 10), people["tutor_a"])
    before = set(Notification.objects.values_list("pk", flat=True))
    send_reminders(date(2026, 5, 1))  # April without contact
    send_reminders(PERIOD[1] + timedelta(days=1))  # Annex 3 due
    send_reminders(PERIOD[1] + timedelta(days=31))  # and overdue
    rows = Notification.objects.exclude(pk__in=before).filter(
        kind__in=[K.REMINDER_CONTACT, K.REMINDER_ANNEX3]
    )
    assert {row.kind for row in rows} == {K.REMINDER_CONTACT, K.REMINDER_ANNEX3}
    for row in rows:
        assert "None" not in row.title + row.body, row.body
    bodies = [row.body for row in rows]
    assert any("凉山州农业农村局种子管理站，2026年4月没有沟通记录" in b for b in bodies)
    assert any(
        "您在凉山州农业农村局种子管理站的专业实践已于 2026年08月31日 结束" in b for b in bodies
    )
    assert any("凉山州农业农村局种子管理站的专业实践已于 2026年08月31日 结束，考核登记表应于" in b
               for b in bodies)  # fmt: skip


# --- Art 29: yearly checks --------------------------------------------------------------------


def test_yearly_check_reminder_when_an_agreement_year_ends_without_one(people, base):
    # The agreement starts 2025-01-01: year 1 ends 2025-12-31.
    assert kinds_to(K.REMINDER_YEARLY, date(2025, 12, 31)) == []
    found = kinds_to(K.REMINDER_YEARLY, date(2026, 1, 1))
    assert sorted(u for u, _ in found) == ["head_a", "office", "secretary_a"]
    assert {o for _, o in found} == {f"yearly-check:{base.pk}:2025-01-01:1"}
    assert kinds_to(K.REMINDER_YEARLY, date(2026, 6, 1)) == []
    # Year 2 also passes unchecked: one reminder naming the latest missing year.
    found = kinds_to(K.REMINDER_YEARLY, date(2027, 1, 1))
    assert {o for _, o in found} == {f"yearly-check:{base.pk}:2025-01-01:2"}


# --- Annex 4: an expert's deadline -----------------------------------------------------------


def test_scoring_deadline_three_days_ahead_to_experts_who_have_not_submitted(people, base):
    expert2 = make_user("expert2", R.EXPERT, name="李秀英")
    standard = evaluation_services.standard_create(year=2026, by=people["office"])
    evaluation = evaluation_services.round_open(
        year=2026, kind=RoundKind.YEARLY, standard=standard, deadline=date(2026, 12, 20),
        bases=[base], by=people["office"],
    ).evaluations.get()  # fmt: skip
    evaluation_services.evidence_save(
        evaluation=evaluation, by=people["secretary_a"],
        texts={e.indicator_id: "自评" for e in evaluation.evidence.all()},
    )  # fmt: skip
    evaluation_services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    evaluation_services.experts_assign(
        evaluation=evaluation, experts=[people["expert"], expert2], by=people["office"]
    )
    done = evaluation.assignments.get(expert=expert2)
    evaluation_services.scores_save(
        assignment=done, by=expert2,
        values={s.indicator_id: (s.indicator.max_points, "") for s in
                done.scores.select_related("indicator")},
    )  # fmt: skip
    evaluation_services.scores_submit(assignment=done, by=expert2)
    assert kinds_to(K.REMINDER_SCORING, date(2026, 12, 16)) == []  # 4 days ahead
    found = kinds_to(K.REMINDER_SCORING, date(2026, 12, 17))
    waiting = evaluation.assignments.get(expert=people["expert"])
    assert found == [("expert", f"scoring-deadline:{waiting.pk}:2026-12-20")]
    assert kinds_to(K.REMINDER_SCORING, date(2026, 12, 20)) == []
    assert kinds_to(K.REMINDER_SCORING, date(2026, 12, 21)) == []  # past the deadline


# --- the command ------------------------------------------------------------------------------


def test_command_reports_and_a_second_run_sends_nothing(
    people, ending, django_capture_on_commit_callbacks
):
    people["office"].email = "office@xcc.edu.cn"
    people["office"].save(update_fields=["email"])
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2027-03-30", stdout=out)
    # The base's agreement ends in 3 months and its 4th agreement year has no yearly check.
    assert "新提醒 6 条（协议到期提醒 3 条，年度对标提醒 3 条）" in out.getvalue()
    assert {m.to[0] for m in mail.outbox} == {"office@xcc.edu.cn"}  # the only one with an address
    subjects = sorted(m.subject for m in mail.outbox)
    assert [s.split("：")[0] for s in subjects] == [
        "【研究生联合培养基地】协议将在 3 个月内到期", "【研究生联合培养基地】年度对标检查未完成"
    ]  # fmt: skip
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2027-03-30", stdout=out)
    assert "新提醒 0 条" in out.getvalue()
    assert len(mail.outbox) == 2


def test_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "2027-13-01", stdout=StringIO())
