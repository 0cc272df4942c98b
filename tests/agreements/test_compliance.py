"""The panel's rules (agreements/compliance.py) at their boundaries, with a frozen clock.

Each rule is checked twice: on ``Facts`` built by hand, and on real rows through both
``facts_for(base)`` (the base's panel) and ``with_facts`` + ``facts_from_annotations`` (the
registry), which must say the same thing.
"""

import itertools
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile

from agreements import compliance
from agreements.choices import ProjectLevel
from agreements.compliance import AMBER, GREEN, RED, Facts
from agreements.models import Agreement, Base, Course, JointProject, Partner
from tests.agreements.factories import allocation, full_governance
from tests.conftest import make_user
from xcu_bases.creditcode import check_character
from xcu_bases.dates import add_months, add_years

TODAY = date(2026, 1, 15)
# A five-year term of 1826 days: half of it is 913 days, on 2 July 2026.
START, END, HALF = date(2024, 1, 1), date(2028, 12, 31), date(2026, 7, 2)
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)

_codes = itertools.count(1)


def credit_code() -> str:
    first17 = f"91513401MA{next(_codes):07d}"
    return first17 + check_character(first17)


def make_base(college, office, *, starts_on=None, ends_on=None, name="测试基地", **rows) -> Base:
    """A base with (optionally) one agreement and courses, projects and allocations as given.

    ``courses`` and ``projects`` are lists of (starts_on, ends_on); ``funded`` lists the year
    numbers of allocations paid on their due date (Art 27).
    """
    partner = Partner.objects.create(name=f"{name}合作单位", credit_code=credit_code())
    base = Base.objects.create(
        name=name, partner=partner, college=college, plaque_date=rows.pop("plaque_date", None)
    )
    if starts_on:
        add_agreement(base, office, starts_on, ends_on)
    for n, (course_start, course_end) in enumerate(rows.get("courses", []), 1):
        Course.objects.create(
            base=base,
            title=f"实践课程{n}",
            starts_on=course_start,
            ends_on=course_end,
            people="张明华",
        )
    for n, (project_start, project_end) in enumerate(rows.get("projects", []), 1):
        JointProject.objects.create(
            base=base, title=f"联合项目{n}", level=ProjectLevel.CONTRACT,
            starts_on=project_start, ends_on=project_end, people="张明华",
        )  # fmt: skip
    for year_no in rows.get("funded", []):
        due_on = add_years(base.plaque_date or starts_on, year_no - 1)
        allocation(base, year_no, office, due_on=due_on, paid_on=due_on)
    return base


def add_agreement(base, office, starts_on, ends_on) -> Agreement:
    return Agreement.objects.create(
        base=base, signed_on=starts_on, starts_on=starts_on, ends_on=ends_on,
        scan=ContentFile(MINIMAL_PDF, name="协议书.pdf"), scan_name="协议书.pdf", recorded_by=office,
    )  # fmt: skip


def by_key(result) -> dict:
    return {line.key: line for line in result}


def rule(facts: Facts, today=TODAY) -> dict:
    return by_key(compliance.lines(facts, today=today))


def panel(base, today=TODAY) -> dict:
    """The base's lines; the registry's annotations must give exactly the same."""
    direct = compliance.lines(compliance.facts_for(base), today=today)
    annotated = compliance.with_facts(Base.objects.filter(pk=base.pk)).get()
    assert compliance.lines(compliance.facts_from_annotations(annotated), today=today) == direct
    return by_key(direct)


@pytest.fixture
def office(db):
    return make_user("office", "graduate_office", name="罗晓梅")


@pytest.fixture
def base_with(college_a, office):
    def build(**kwargs):
        kwargs.setdefault("plaque_date", kwargs.get("starts_on"))  # an established base
        return make_base(college_a, office, **kwargs)

    return build


# --- Art 7(2): the agreement's end date ---------------------------------------------------

EXPIRY = [
    pytest.param(add_months(TODAY, 6) + timedelta(days=1), GREEN, id="six-months-and-a-day"),
    pytest.param(add_months(TODAY, 6), AMBER, id="exactly-six-months"),
    pytest.param(add_months(TODAY, 3) + timedelta(days=1), AMBER, id="three-months-and-a-day"),
    pytest.param(add_months(TODAY, 3), RED, id="exactly-three-months"),
    pytest.param(TODAY, RED, id="last-day"),
    pytest.param(TODAY - timedelta(days=1), RED, id="expired-yesterday"),
]


@pytest.mark.parametrize(("ends_on", "status"), EXPIRY)
def test_art7_agreement_expiry_reminders_at_six_and_three_months(base_with, ends_on, status):
    starts_on = add_years(ends_on, -5)
    assert rule(Facts(starts_on=starts_on, ends_on=ends_on))["agreement"].status == status
    line = panel(base_with(starts_on=starts_on, ends_on=ends_on))["agreement"]
    assert line.status == status
    assert line.article == "第七条"


def test_art7_agreement_green_at_six_months_and_one_day_says_how_long(base_with):
    ends_on = date(2026, 7, 16)
    line = panel(base_with(starts_on=date(2021, 7, 17), ends_on=ends_on))["agreement"]
    assert line.status == GREEN
    assert line.detail == "协议至 2026年07月16日 到期，还有 182 天。"


def test_art7_agreement_red_at_exactly_three_months_asks_for_renewal(base_with):
    line = panel(base_with(starts_on=date(2021, 4, 16), ends_on=date(2026, 4, 15)))["agreement"]
    assert (line.status, line.detail) == (
        RED,
        "协议至 2026年04月15日 到期，还有 90 天。请尽快办理续签。",
    )


def test_art7_agreement_red_when_expired(base_with):
    line = panel(base_with(starts_on=date(2021, 1, 14), ends_on=date(2026, 1, 14)))["agreement"]
    assert (line.status, line.detail) == (RED, "协议已于 2026年01月14日 到期，未续签。")


def test_art7_agreement_red_with_no_agreement(base_with):
    assert rule(Facts())["agreement"].status == RED
    line = panel(base_with())["agreement"]
    assert (line.status, line.detail) == (RED, "没有已签订的协议书。")


def test_art7_the_latest_agreement_counts(base_with, office):
    base = base_with(starts_on=date(2020, 1, 1), ends_on=date(2024, 12, 31))
    add_agreement(base, office, date(2025, 1, 1), date(2029, 12, 31))
    assert panel(base)["agreement"].status == GREEN


# --- Art 28: a course and a project in each agreement's term -------------------------------

OBLIGATIONS = pytest.mark.parametrize(
    ("key", "rows"), [("course", "courses"), ("project", "projects")]
)


@OBLIGATIONS
def test_art28_green_when_one_exists_within_the_term(base_with, key, rows):
    assert rule(Facts(starts_on=START, ends_on=END, courses=1, projects=1))[key].status == GREEN
    base = base_with(
        starts_on=START, ends_on=END, **{rows: [(date(2024, 3, 1), date(2024, 6, 30))]}
    )
    line = panel(base, today=END + timedelta(days=1))[key]
    assert line.status == GREEN
    assert line.article == "第二十八条"


@OBLIGATIONS
def test_art28_not_yet_due_the_day_before_half_the_term(base_with, key, rows):
    today = HALF - timedelta(days=1)
    assert rule(Facts(starts_on=START, ends_on=END), today)[key].status == GREEN
    assert panel(base_with(starts_on=START, ends_on=END), today)[key].status == GREEN


@OBLIGATIONS
def test_art28_amber_once_half_the_term_has_passed(base_with, key, rows):
    assert rule(Facts(starts_on=START, ends_on=END), HALF)[key].status == AMBER
    line = panel(base_with(starts_on=START, ends_on=END), HALF)[key]
    assert line.status == AMBER
    assert "2026年07月02日" in line.detail


def test_art28_course_amber_once_half_the_term_has_passed_even_on_the_last_day(base_with):
    assert panel(base_with(starts_on=START, ends_on=END), END)["course"].status == AMBER


@OBLIGATIONS
def test_art28_red_after_the_end_of_the_term_without_one(base_with, key, rows):
    today = END + timedelta(days=1)
    assert rule(Facts(starts_on=START, ends_on=END), today)[key].status == RED
    assert panel(base_with(starts_on=START, ends_on=END), today)[key].status == RED


def test_art28_amber_without_an_agreement_to_measure_against():
    lines = rule(Facts())
    assert lines["course"].status == AMBER and lines["project"].status == AMBER


@OBLIGATIONS
def test_art28_ones_touching_the_term_count(base_with, key, rows):
    touching = [
        (date(2023, 9, 1), START),
        (END, None),
    ]  # ends on the first day; starts on the last
    base = base_with(starts_on=START, ends_on=END, **{rows: touching})
    assert getattr(compliance.facts_for(base), rows) == 2
    assert panel(base, HALF)[key].status == GREEN


@OBLIGATIONS
def test_art28_one_dated_outside_the_agreement_term_does_not_count(base_with, key, rows):
    outside = [(date(2023, 3, 1), date(2023, 12, 31)), (END + timedelta(days=1), None)]
    base = base_with(starts_on=START, ends_on=END, **{rows: outside})
    facts = compliance.facts_for(base)
    assert getattr(facts, rows) == 0
    expected = Facts(starts_on=START, ends_on=END, plaque_date=START, governance=facts.governance)
    assert compliance.lines(facts, today=HALF) == compliance.lines(expected, today=HALF)
    assert by_key(compliance.lines(facts, today=HALF))[key].status == AMBER


@OBLIGATIONS
def test_art28_registry_agrees_with_the_panel_on_ones_outside_the_term(base_with, key, rows):
    base = base_with(
        starts_on=START, ends_on=END, **{rows: [(date(2023, 3, 1), date(2023, 12, 31))]}
    )
    panel(base, HALF)


# --- Art 29: one check a year ------------------------------------------------------------


def test_art29_yearly_check_green_before_the_first_full_year(base_with):
    starts_on = date(2025, 1, 15)
    today = date(2026, 1, 14)
    facts = Facts(starts_on=starts_on, ends_on=date(2030, 1, 14))
    assert rule(facts, today)["yearly_check"].status == GREEN
    line = panel(base_with(starts_on=starts_on, ends_on=date(2030, 1, 14)), today)["yearly_check"]
    assert (line.status, line.article) == (GREEN, "第二十九条")


def test_art29_yearly_check_amber_with_no_record_after_the_first_full_year(base_with):
    starts_on = date(2025, 1, 15)
    line = panel(base_with(starts_on=starts_on, ends_on=date(2030, 1, 14)), TODAY)["yearly_check"]
    assert (line.status, line.detail) == (AMBER, "暂无记录：第 1 年。")


def test_art29_yearly_check_green_when_every_due_year_is_checked():
    facts = Facts(starts_on=date(2024, 1, 15), ends_on=date(2029, 1, 14), checked_years={1, 2})
    assert rule(facts)["yearly_check"].status == GREEN
    facts.checked_years = {1}
    assert rule(facts)["yearly_check"].detail == "暂无记录：第 2 年。"


# --- the overall colour ----------------------------------------------------------------------


def test_worst_is_red_over_amber_over_green():
    def line(status):
        return compliance.Line("k", "t", "第七条", status, "")

    assert compliance.worst([]) == GREEN
    assert compliance.worst([line(GREEN), line(GREEN)]) == GREEN
    assert compliance.worst([line(GREEN), line(AMBER)]) == AMBER
    assert compliance.worst([line(AMBER), line(RED), line(GREEN)]) == RED
    assert line(RED).label == "需立即处理"


def test_worst_of_a_fully_green_base(base_with, office):
    starts_on = date(2025, 6, 1)
    base = base_with(
        starts_on=starts_on, ends_on=date(2030, 5, 31), courses=[(date(2025, 9, 1), None)],
        projects=[(date(2025, 10, 1), None)], funded=[1, 2, 3],
    )  # fmt: skip
    base = full_governance(base, office=office, today=TODAY)
    assert compliance.worst(list(panel(base).values())) == GREEN
    assert compliance.worst(compliance.lines(Facts(), today=TODAY)) == RED
