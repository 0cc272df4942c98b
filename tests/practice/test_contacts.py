"""Art 20: the two supervisors talk at least once in every calendar month of a practice and
meet face to face at least twice in every practice year of it (12 months from its start; a
shorter last part needs 1 meeting under 6 months, otherwise 2).

The rule (``practice.contacts.evaluate``) is checked at its month and practice-year boundaries
with explicit dates; then the compliance line that shows it on the base's panel, through both
``facts_for(base)`` (the panel) and the registry's batch path, which must agree.
"""

from datetime import date, timedelta

import pytest

from agreements import compliance
from agreements.compliance import AMBER, GREEN, RED
from agreements.models import Base
from practice import contacts, record_services
from practice.choices import ContactMode
from practice.choices import RequestState as S
from practice.contacts import evaluate
from practice.models import PracticeRequest, SupervisorContact
from tests.conftest import make_student
from tests.practice.factories import (
    PERIOD,
    active_base,
    advance_to,
    certified_supervisor,
    complete_request,
)
from xcu_bases.models import User

F2F, PHONE, ONLINE = ContactMode.FACE_TO_FACE, ContactMode.PHONE, ContactMode.ONLINE
MARCH_2 = PERIOD[0]  # the usual practice: 2026-03-02 .. 2026-08-31
WINTER = (date(2025, 11, 3), date(2026, 2, 27))  # spans the end of 2025


def rule(contacts_=(), today=None, period=PERIOD):
    return evaluate(*period, contacts_, today=today)


# --- one contact in every calendar month ---------------------------------------------------------


def test_art20_open_month_without_contact_is_amber_not_red_on_its_last_day():
    record = rule(today=date(2026, 3, 31))
    assert (record.status, record.problems) == (AMBER, ["2026年3月尚未沟通，还剩 1 天"])
    (march,) = record.months
    assert (march.month, march.contacts, march.closed, march.missed) == (
        date(2026, 3, 1),
        0,
        False,
        False,
    )


@pytest.mark.parametrize(
    "today, status, problems",
    [
        (date(2026, 3, 24), GREEN, []),  # 8 days left
        (date(2026, 3, 25), AMBER, ["2026年3月尚未沟通，还剩 7 天"]),
    ],
)
def test_art20_month_turns_amber_within_its_last_seven_days(today, status, problems):
    record = rule(today=today)
    assert (record.status, record.problems) == (status, problems)


def test_art20_missed_month_is_red_the_day_after_it_closes():
    record = rule(today=date(2026, 4, 1))
    assert (record.status, record.problems) == (RED, ["2026年3月未沟通"])
    assert [m.label for m in record.missed_months] == ["2026年3月"]
    assert [m.closed for m in record.months] == [True, False]  # April has only begun


def test_art20_contact_on_the_last_day_of_a_month_counts_for_it():
    record = rule([(date(2026, 3, 31), PHONE)], today=date(2026, 4, 1))
    assert (record.status, record.problems) == (GREEN, [])
    assert [m.contacts for m in record.months] == [1, 0]


def test_art20_contact_on_the_first_of_the_next_month_does_not_count_for_the_last():
    record = rule([(date(2026, 4, 1), PHONE)], today=date(2026, 4, 2))
    assert (record.status, record.problems) == (RED, ["2026年3月未沟通"])
    assert [m.contacts for m in record.months] == [0, 1]


def test_art20_every_missed_month_is_listed_in_order():
    talks = [(date(2026, 4, 15), F2F), (date(2026, 6, 2), F2F)]
    record = rule(talks, today=date(2026, 7, 10))
    assert record.problems == ["2026年3月未沟通", "2026年5月未沟通"]


MONTHLY_TO_JULY = [
    (date(2026, 3, 10), F2F),
    (date(2026, 4, 10), PHONE),
    (date(2026, 5, 10), F2F),
    (date(2026, 6, 10), ONLINE),
    (date(2026, 7, 10), PHONE),
]


@pytest.mark.parametrize(
    "today, status, problems",
    [
        (date(2026, 8, 8), GREEN, []),  # 8 days of the practice's August left
        (date(2026, 8, 9), AMBER, ["2026年8月尚未沟通，还剩 7 天"]),
        (date(2026, 8, 15), AMBER, ["2026年8月尚未沟通，还剩 1 天"]),
        (date(2026, 8, 16), RED, ["2026年8月未沟通"]),
        (date(2026, 12, 1), RED, ["2026年8月未沟通"]),
    ],
)
def test_art20_practice_ending_mid_month_closes_that_month_the_day_after_it_ends(
    today, status, problems
):
    period = (MARCH_2, date(2026, 8, 15))
    record = rule(MONTHLY_TO_JULY, today=today, period=period)
    assert (record.status, record.problems) == (status, problems)
    assert record.months[-1].month == date(2026, 8, 1)


def test_art20_contact_after_the_end_does_not_rescue_the_last_month():
    period = (MARCH_2, date(2026, 8, 15))
    late = [*MONTHLY_TO_JULY, (date(2026, 8, 20), PHONE)]
    record = rule(late, today=date(2026, 8, 21), period=period)
    assert (record.status, record.problems) == (RED, ["2026年8月未沟通"])


def test_art20_contacts_outside_the_period_do_not_count():
    before_start = [(date(2026, 3, 1), F2F), (date(2026, 2, 20), F2F)]
    record = rule(before_start, today=date(2026, 4, 1))
    assert (record.status, record.problems) == (RED, ["2026年3月未沟通"])
    assert [m.contacts for m in record.months] == [0, 0]
    assert [y.face_to_face for y in record.years] == [0]  # 1 March is before the start


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 3, 1)])
def test_art20_before_the_start_is_green_and_not_started(today):
    record = rule([(date(2026, 2, 20), F2F)], today=today)
    assert (record.status, record.problems, record.started) == (GREEN, [], False)
    assert (record.months, record.years) == ([], [])


def test_art20_first_day_of_the_practice_is_green_and_started():
    record = rule(today=MARCH_2)
    assert (record.status, record.started) == (GREEN, True)
    assert [m.month for m in record.months] == [date(2026, 3, 1)]


# --- two face-to-face meetings in every practice year (12 months from the start) --------------

WINTER_TALKS = [(date(2025, 11, 20), F2F), (date(2025, 12, 5), PHONE)]
WINTER_PART = "实践期间（2025年11月3日至2026年2月27日）"


def test_art20_four_month_practice_over_new_year_needs_one_face_to_face():
    """Not one per calendar year it touches (2025 and 2026), not four: one meeting in all."""
    monthly = [
        *WINTER_TALKS,
        (date(2026, 1, 12), PHONE),
        (date(2026, 2, 10), ONLINE),
    ]
    record = rule(monthly, today=date(2026, 3, 1), period=WINTER)
    (part,) = record.years
    assert (part.starts_on, part.ends_on, part.required, part.face_to_face) == (
        date(2025, 11, 3), date(2026, 2, 27), 1, 1,
    )  # fmt: skip
    assert (record.status, record.problems) == (GREEN, [])


def test_art20_four_month_practice_without_a_meeting_is_red_once_it_ends():
    calls = [(date(2025, 11, 20), PHONE), (date(2025, 12, 5), PHONE), (date(2026, 1, 12), PHONE),
             (date(2026, 2, 10), ONLINE)]  # fmt: skip
    assert rule(calls, today=date(2026, 2, 27), period=WINTER).problems == [
        f"{WINTER_PART}面对面交流目前 0 次，还剩 1 天须达到 1 次"
    ]
    record = rule(calls, today=date(2026, 2, 28), period=WINTER)
    assert (record.status, record.problems) == (
        RED, [f"{WINTER_PART}面对面交流仅 0 次（至少 1 次）"],
    )  # fmt: skip
    assert [y.number for y in record.missed_years] == [1]


def test_art20_new_year_does_not_judge_a_calendar_year():
    """1 January used to close "2025" with one meeting (red); the practice year is still open."""
    record = rule(WINTER_TALKS, today=date(2026, 1, 1), period=WINTER)
    assert (record.status, record.problems) == (GREEN, [])
    assert record.missed_years == []


YEAR_AND_A_HALF = (date(2025, 9, 1), date(2027, 2, 28))  # 12 months, then 6 months


def calls(first: date, last: date) -> list[tuple[date, str]]:
    """A phone call on the 15th of every month from ``first``'s to ``last``'s."""
    return [(month.replace(day=15), PHONE) for month in contacts.months_between(first, last)]


EVERY_MONTH = calls(*YEAR_AND_A_HALF)
FIRST_YEAR = "实践第 1 年（2025年9月1日至2026年8月31日）"
SECOND_PART = "实践第 2 年（2026年9月1日至2027年2月28日）"


def test_art20_practice_year_needs_two_face_to_face():
    one = [*EVERY_MONTH, (date(2025, 9, 10), F2F)]
    record = rule(one, today=date(2026, 8, 31), period=YEAR_AND_A_HALF)
    assert (record.status, record.problems) == (
        AMBER, [f"{FIRST_YEAR}面对面交流目前 1 次，还剩 1 天须达到 2 次"],
    )  # fmt: skip
    record = rule(one, today=date(2026, 9, 1), period=YEAR_AND_A_HALF)
    assert f"{FIRST_YEAR}面对面交流仅 1 次（至少 2 次）" in record.problems
    assert [(y.number, y.required, y.closed) for y in record.years] == [
        (1, 2, True),
        (2, 2, False),
    ]
    # Two meetings in the first practice year — one in each calendar year — satisfy it.
    two = [*one, (date(2026, 3, 5), F2F)]
    record = rule(two, today=date(2026, 9, 1), period=YEAR_AND_A_HALF)
    assert record.missed_years == []
    assert [y.face_to_face for y in record.years] == [2, 0]


def test_art20_meeting_counts_in_the_practice_year_it_falls_in():
    talks = [(date(2026, 8, 31), F2F), (date(2026, 9, 1), F2F)]  # the last and the first day
    record = rule(talks, today=date(2027, 3, 1), period=YEAR_AND_A_HALF)
    assert [y.face_to_face for y in record.years] == [1, 1]


@pytest.mark.parametrize(
    "ends_on, required",
    [
        (date(2027, 2, 27), 1),  # second part: 1 Sep 2026 .. 27 Feb 2027, a day short of 6 months
        (date(2027, 2, 28), 2),  # exactly 6 months
        (date(2027, 8, 31), 2),  # a whole second year
    ],
)
def test_art20_short_remainder_prorated(ends_on, required):
    """The last part of a practice shorter than 12 months: under 6 months 1, otherwise 2."""
    period = (date(2025, 9, 1), ends_on)
    record = rule([], today=ends_on + timedelta(days=1), period=period)
    assert [(y.ends_on, y.required) for y in record.years] == [
        (date(2026, 8, 31), 2), (ends_on, required),
    ]  # fmt: skip
    assert contacts.practice_years(*period)[-1] == (date(2026, 9, 1), ends_on, required)


@pytest.mark.parametrize(
    "ends_on, required",
    [(date(2026, 2, 28), 1), (date(2026, 3, 1), 2), (date(2026, 8, 31), 2)],
)
def test_art20_practice_shorter_than_a_year_is_one_part(ends_on, required):
    """A practice from 2 September: to 28 February is under 6 months, to 1 March is 6."""
    period = (date(2025, 9, 2), ends_on)
    assert contacts.practice_years(*period) == [(date(2025, 9, 2), ends_on, required)]


def test_art20_practice_years_start_on_the_practice_day_of_the_month():
    """29 February: the next practice year starts on 28 February (the same day, clipped)."""
    assert [first for first, _, _ in contacts.practice_years(date(2024, 2, 29), date(2026, 6, 1))] == [
        date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28),
    ]  # fmt: skip


def test_art20_phone_and_online_do_not_count_as_face_to_face():
    talks = [*EVERY_MONTH, (date(2025, 9, 10), F2F), (date(2025, 12, 10), ONLINE),
             (date(2026, 5, 20), PHONE)]  # fmt: skip
    record = rule(talks, today=date(2026, 9, 1), period=YEAR_AND_A_HALF)
    assert record.problems == [f"{FIRST_YEAR}面对面交流仅 1 次（至少 2 次）"]


ACROSS_YEARS = (date(2025, 9, 1), date(2026, 6, 30))  # 10 months: one part, needs 2
AUTUMN = [(date(2025, 9, 10), F2F), (date(2025, 10, 10), PHONE)]
WHOLE = "实践期间（2025年9月1日至2026年6月30日）"


@pytest.mark.parametrize(
    "today, status, problems",
    [
        (date(2025, 12, 31), GREEN, []),  # 31 December is no boundary any more
        (date(2026, 4, 30), GREEN, []),  # 62 days of the practice left
        (date(2026, 5, 2), AMBER, [f"{WHOLE}面对面交流目前 1 次，还剩 60 天须达到 2 次"]),
    ],
)
def test_art20_year_turns_amber_within_sixty_days_of_its_end(today, status, problems):
    record = rule([*AUTUMN, *calls(date(2025, 11, 1), ACROSS_YEARS[1])], today=today,
                  period=ACROSS_YEARS)  # fmt: skip
    assert (record.status, record.problems) == (status, problems)


def test_art20_no_year_amber_once_two_meetings_are_held():
    talks = [*AUTUMN, (date(2025, 11, 1), F2F), (date(2025, 12, 1), PHONE)]
    record = rule(talks, today=date(2025, 12, 20), period=ACROSS_YEARS)
    assert (record.status, record.problems) == (GREEN, [])


def test_art20_missed_month_red():
    """Kept from the calendar reading: a calendar month of the practice without any contact is
    red the day after it ends, whatever the practice year says."""
    talks = [(date(2025, 9, 10), F2F), (date(2025, 11, 3), F2F)]  # nothing in October
    record = rule(talks, today=date(2025, 11, 4), period=ACROSS_YEARS)
    assert (record.status, record.problems) == (RED, ["2025年10月未沟通"])
    assert record.missed_years == []


def test_art20_practice_ended_early_is_judged_to_its_early_end():
    """Art 24: a practice ended early is over on its early end — its months and its (shorter)
    practice year stop there: planned a year, ended after 4 months, it needs one meeting."""
    planned = (date(2025, 9, 1), date(2026, 8, 31))
    early = (date(2025, 9, 1), date(2025, 12, 31))
    talks = [(date(2025, 9, 10), F2F), (date(2025, 10, 9), PHONE), (date(2025, 11, 9), PHONE),
             (date(2025, 12, 9), ONLINE)]  # fmt: skip
    as_planned = rule(talks, today=date(2026, 2, 1), period=planned)
    assert as_planned.problems == ["2026年1月未沟通"]
    ended = rule(talks, today=date(2026, 9, 1), period=early)
    assert (ended.status, ended.problems) == (GREEN, [])
    assert [(y.ends_on, y.required) for y in ended.years] == [(date(2025, 12, 31), 1)]
    assert [m.month for m in ended.months][-1] == date(2025, 12, 1)


# --- the compliance line on the base's panel -------------------------------------------------------


@pytest.fixture
def in_practice(people, draft):
    """student_a (赵雨桐) at ``base`` from 2026-03-02 to 2026-08-31, approved, no contacts yet."""
    return advance_to(draft, S.APPROVED, people)


def panel_line(base, today):
    """The "contacts" line of the base's panel; the registry's batch path must say the same."""
    direct = compliance.lines(compliance.facts_for(base), today=today)
    annotated = compliance.with_facts(Base.objects.filter(pk=base.pk)).get()
    practices = contacts.practices_at([base.pk])[base.pk]
    batch = compliance.lines(compliance.facts_from_annotations(annotated, practices), today=today)
    assert batch == direct
    return {line.key: line for line in direct}["contacts"]


def _talk(req, by, on, mode=PHONE):
    return record_services.contact_record(
        req=req, by=by, on=on, mode=mode, topic="实践进展", today=date(2026, 8, 31)
    )


def test_art20_compliance_line_is_red_and_names_the_student(base, in_practice):
    line = panel_line(base, date(2026, 4, 1))
    assert (line.status, line.article) == (RED, "第二十条")
    assert line.detail == "赵雨桐：2026年3月未沟通。"


def test_art20_compliance_line_is_amber_near_the_end_of_an_open_month(base, in_practice):
    line = panel_line(base, date(2026, 3, 31))
    assert (line.status, line.detail) == (AMBER, "赵雨桐：2026年3月尚未沟通，还剩 1 天。")


def test_art20_compliance_line_is_green_with_a_recorded_contact(people, base, in_practice):
    _talk(in_practice, people["tutor_a"], date(2026, 3, 31))
    line = panel_line(base, date(2026, 4, 1))
    assert (line.status, line.detail) == (GREEN, "1 名研究生在本基地实践，沟通记录符合要求。")


def test_art20_compliance_line_ignores_requests_not_in_practice(base, draft):
    assert draft.state == S.DRAFT
    line = panel_line(base, date(2026, 4, 1))
    assert (line.status, line.detail) == (GREEN, "目前没有在本基地实践的研究生。")


def _also_in_practice(student_name, username, base, supervisor, college, number):
    """Another student at ``base``, put straight into practice (the chain is tested elsewhere)."""
    profile = make_student(username, college, number=number)
    User.objects.filter(pk=profile.user_id).update(name=student_name)
    req = complete_request(User.objects.get(pk=profile.user_id), base, supervisor)
    PracticeRequest.objects.filter(pk=req.pk).update(state=S.APPROVED)
    return req


def test_art20_compliance_line_lists_only_the_students_of_the_worst_colour(
    people, base, supervisor, in_practice, college_a
):
    other = _also_in_practice("孙浩然", "student_c", base, supervisor, college_a, "2024095103")
    SupervisorContact.objects.create(
        request=other,
        on=date(2026, 3, 10),
        mode=PHONE,
        topic="进展",
        recorded_by=people["tutor_a"],
    )
    # 31 March: 赵雨桐 has no contact in March yet (amber); 孙浩然 has one (green)
    line = panel_line(base, date(2026, 3, 31))
    assert (line.status, line.detail) == (AMBER, "赵雨桐：2026年3月尚未沟通，还剩 1 天。")
    # 1 April: 赵雨桐 missed March (red); 孙浩然 is fine
    line = panel_line(base, date(2026, 4, 1))
    assert (line.status, line.detail) == (RED, "赵雨桐：2026年3月未沟通。")
    assert "孙浩然" not in line.detail


# --- loading many bases at once ----------------------------------------------------------------------


def test_art20_practices_at_loads_many_bases_with_many_contacts_in_two_queries(
    people, college_a, django_assert_num_queries
):
    bases = []
    for n in range(4):
        base = active_base(college_a, people["office"])
        supervisor = certified_supervisor(base, people, name=f"导师{n}")
        req = _also_in_practice(
            f"学生{n}", f"student_{n}", base, supervisor, college_a, f"20240960{n:02d}"
        )
        SupervisorContact.objects.bulk_create(
            SupervisorContact(
                request=req, on=date(2026, month, 10), mode=F2F, topic="进展",
                recorded_by=people["tutor_a"],
            )
            for month in range(3, 8)
        )  # fmt: skip
        bases.append(base)

    with django_assert_num_queries(2):
        found = contacts.practices_at([b.pk for b in bases])
    with django_assert_num_queries(2):
        by_queryset = contacts.practices_at(Base.objects.filter(pk__in=[b.pk for b in bases]))

    registry = compliance.with_facts(Base.objects.all()).filter(
        agreement_ends__gte=date(2029, 1, 1)
    )
    with django_assert_num_queries(2):
        by_registry = contacts.practices_at(registry.order_by("name"))

    assert found == by_queryset == by_registry
    for n, base in enumerate(bases):
        (practice,) = found[base.pk]
        assert (practice.student, practice.starts_on, practice.ends_on) == (f"学生{n}", *PERIOD)
        assert sorted(on.month for on, _ in practice.contacts) == [3, 4, 5, 6, 7]


def test_art20_practices_at_without_students_in_practice_is_one_query(
    base, draft, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = contacts.practices_at([base.pk])
    assert found[base.pk] == []
    with django_assert_num_queries(0):
        assert contacts.practices_at([]) == {}


def test_art20_practices_at_counts_a_student_without_contacts_in_two_queries(
    base, in_practice, django_assert_num_queries
):
    with django_assert_num_queries(2):
        (practice,) = contacts.practices_at([base.pk])[base.pk]
    assert (practice.request_id, practice.contacts) == (in_practice.pk, ())
