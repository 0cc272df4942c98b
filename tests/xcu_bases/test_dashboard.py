"""The graduate office's dashboard (统计看板): who sees it, that every bar's number is the
number of rows its linked list shows, that its query count does not grow, and the list
filters added for it (registry: 续签提醒, practice requests: 实践月份, round page: 等次)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.choices import BaseLevel, BaseState
from agreements.models import Base
from applications import services as application_services
from applications.choices import ApplicationState
from applications.models import BaseApplication
from evaluation import services as evaluation_services
from evaluation.choices import EvaluationState, Grade, RoundKind
from evaluation.models import BaseEvaluation, EvaluationRound, Standard
from practice import services as practice_services
from practice.choices import RequestState
from practice.models import PracticeRequest
from practice.selectors import in_practice_during, month_span
from tests.conftest import make_student, make_user
from tests.practice.factories import active_base
from xcu_bases.choices import RoleCode as R
from xcu_bases.dates import add_months

URL = "/dashboard/"
# Same bound for a small and a three times larger data set: the page is aggregate queries.
MAX_QUERIES = 18


@pytest.fixture
def people(college_a, college_b):
    return {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "secretary_a": make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "student": make_student("student", college_a).user,
        "expert": make_user("expert", R.EXPERT, name="王建国"),
    }


def today():
    return timezone.localdate()


def base_of(college, office, *, level=BaseLevel.SCHOOL, ends_in_days=900, state=None):
    start = today() - timedelta(days=700)
    base = active_base(
        college, office, starts_on=start, ends_on=today() + timedelta(days=ends_in_days)
    )
    Base.objects.filter(pk=base.pk).update(level=level, state=state or BaseState.ACTIVE)
    return Base.objects.get(pk=base.pk)


def application_in(secretary, state):
    app = application_services.application_create(by=secretary)
    BaseApplication.objects.filter(pk=app.pk).update(state=state)
    return app


def practice_in(college, base, state, starts_on, ends_on):
    n = PracticeRequest.objects.count() + 1
    student = make_student(f"practice{n}", college).user
    req = practice_services.request_create(by=student)
    PracticeRequest.objects.filter(pk=req.pk).update(
        state=state, base=base, starts_on=starts_on, ends_on=ends_on
    )
    return req


def build(people, college_a, college_b, copies=1):
    """Bases in two colleges and two levels (one shared, one ending soon, one expired),
    applications in several states, practice across months, a finalised round."""
    office = people["office"]
    this_month = today().replace(day=1)
    bases = []
    for _ in range(copies):
        a1 = base_of(college_a, office)
        a2 = base_of(college_a, office, level=BaseLevel.PROVINCIAL, ends_in_days=40)
        b1 = base_of(college_b, office, ends_in_days=150)
        b1.participating_colleges.add(college_a)
        base_of(college_b, office, state=BaseState.EXPIRED, ends_in_days=-10)
        bases += [a1, a2, b1]
        for state in (
            ApplicationState.DRAFT,
            ApplicationState.COLLEGE_REVIEW,
            ApplicationState.OFFICE_REVIEW,
            ApplicationState.MEETING,
            ApplicationState.REJECTED,
        ):
            application_in(people["secretary_a"], state)
        application_in(people["secretary_b"], ApplicationState.COLLEGE_REVIEW)
        # In practice now; ended two months ago; spanning the last half year; a draft
        # and a request under review with dates, which are not "in practice".
        practice_in(college_a, a1, RequestState.APPROVED, this_month, add_months(this_month, 3))
        start = add_months(this_month, -5)
        practice_in(college_a, a2, RequestState.COMPLETED, start, add_months(start, 2))
        practice_in(college_b, b1, RequestState.APPROVED, start, today())
        practice_in(college_b, b1, RequestState.DRAFT, start, today())
        practice_in(college_a, a1, RequestState.OFFICE_REVIEW, this_month, today())
    finalised_round(people, bases)
    return bases


def finalised_round(people, bases):
    office = people["office"]
    standard = Standard.objects.filter(year=today().year).first()
    standard = standard or evaluation_services.standard_create(year=today().year, by=office)
    # One yearly check a year: a second build goes into an earlier year.
    year = today().year - EvaluationRound.objects.filter(kind=RoundKind.YEARLY).count()
    evaluation_round = evaluation_services.round_open(
        year=year, kind=RoundKind.YEARLY, standard=standard,
        deadline=today() + timedelta(days=30), bases=bases, by=office,
    )  # fmt: skip
    grades = [(Grade.EXCELLENT, 90), (Grade.QUALIFIED, 70), (Grade.QUALIFIED, 65)]
    rows = list(evaluation_round.evaluations.order_by("pk"))
    for evaluation, (grade, total) in zip(rows, grades * len(rows), strict=False):
        BaseEvaluation.objects.filter(pk=evaluation.pk).update(
            state=EvaluationState.FINALISED, grade=grade, total=total
        )
    return evaluation_round


def login(client, user):
    client.force_login(user)
    return client


def list_count(client, url) -> int:
    """The number of rows the linked list shows for its filter."""
    response = client.get(url)
    assert response.status_code == 200, url
    if "page" in response.context:
        return response.context["page"].paginator.count
    return len(response.context["rows"])  # the round page lists every base on one page


def every_bar(board):
    yield from (("college", bar) for bar in board.by_college)
    yield from (("level", bar) for bar in board.by_level)
    yield from (("application", bar) for bar in board.applications)
    yield from (("expiry", bar) for bar in board.expiry)
    yield from (("grade", bar) for bar in board.grades.bars)
    yield from (("month", column) for column in board.months.columns)


# --- who sees it ---------------------------------------------------------------------------


def test_office_sees_the_dashboard_and_its_navigation_entry(client, people):
    response = login(client, people["office"]).get(URL)
    assert response.status_code == 200
    assert "统计看板" in response.text
    assert f'href="{reverse("dashboard")}"' in response.text  # navigation (and current page)
    home = client.get("/")
    assert 'data-testid="dashboard-link"' in home.text


@pytest.mark.parametrize("who", ["secretary_a", "student", "expert"])
def test_everybody_else_gets_404_and_no_navigation_entry(client, people, who):
    login(client, people[who])
    assert client.get(URL).status_code == 404
    home = client.get("/")
    assert "统计看板" not in home.text


def test_anonymous_goes_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"


# --- every bar is the count of its linked list ---------------------------------------------


def test_each_chart_number_equals_the_rows_of_its_linked_list(
    client, people, college_a, college_b
):
    build(people, college_a, college_b)
    login(client, people["office"])
    board = client.get(URL).context["board"]
    seen = set()
    for chart, bar in every_bar(board):
        assert list_count(client, bar.url) == bar.count, (chart, bar.label, bar.url)
        seen.add(chart)
    assert seen == {"college", "level", "application", "expiry", "grade", "month"}


def test_the_figures_are_what_was_built(client, people, college_a, college_b):
    build(people, college_a, college_b)
    board = login(client, people["office"]).get(URL).context["board"]
    by_college = {bar.label: bar.count for bar in board.by_college}
    # College A: its two bases and the one it shares with college B (Art 14).
    assert by_college == {college_a.name: 3, college_b.name: 1}
    assert {bar.label: bar.count for bar in board.by_level} == {"校级": 2, "省级": 1, "国家级": 0}
    assert [bar.count for bar in board.expiry] == [1, 1]
    apps = {bar.label: bar.count for bar in board.applications}
    assert apps["学院审核"] == 2 and apps["草稿"] == 1 and apps["未获批准"] == 1
    months = [column.count for column in board.months.columns]
    assert months[-1] == 2  # approved this month, and the one spanning up to today
    assert months[-6] == 2  # the completed one and the spanning one started then
    assert months[0] == 0
    assert {bar.label: bar.count for bar in board.grades.bars} == {
        "优秀": 1, "合格": 2, "不合格": 0,
    }  # fmt: skip
    figures = {figure.label: figure.value for figure in board.figures}
    assert figures["运行中的基地"] == 3
    assert figures["实践中的研究生"] == 2
    assert figures["审核中的申报书"] == 4  # college (2), office review, president's meeting
    html = client.get(URL).text
    for figure in board.figures:
        assert f">{figure.value}</div>" in html
        if figure.url:
            assert list_count(client, figure.url) == figure.value


def test_the_dashboard_renders_every_bar_as_a_link(client, people, college_a, college_b):
    build(people, college_a, college_b)
    response = login(client, people["office"]).get(URL)
    html = response.text
    for _, bar in every_bar(response.context["board"]):
        link = f'href="{bar.url.replace("&", "&amp;")}" data-count="{bar.count}"'
        assert link in html
    assert "style=" not in html.split("<main", 1)[-1]  # the CSP forbids inline styles


def test_query_count_does_not_grow_with_the_data(
    client, people, college_a, college_b, django_assert_max_num_queries
):
    login(client, people["office"])
    build(people, college_a, college_b)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(URL).status_code == 200
    build(people, college_a, college_b, copies=3)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(URL).status_code == 200


def test_an_empty_system_shows_zeros(client, people):
    response = login(client, people["office"]).get(URL)
    assert response.status_code == 200
    assert "尚未发起评估" in response.text
    assert all(column.count == 0 for column in response.context["board"].months.columns)


# --- the filters added for the dashboard ---------------------------------------------------


def test_art7_registry_expiry_filter_uses_the_compliance_reminders(client, people, college_a):
    office = people["office"]
    red = base_of(college_a, office, ends_in_days=20)
    amber = base_of(college_a, office, ends_in_days=120)
    base_of(college_a, office, ends_in_days=400)
    base_of(college_a, office, ends_in_days=-5)  # already ended: not a reminder
    login(client, office)

    def names(url):
        return [base.name for base in client.get(url).context["page"].object_list]

    assert names("/agreements/?expiry=red") == [red.name]
    assert names("/agreements/?expiry=amber") == [amber.name]
    response = client.get("/agreements/?expiry=soon")  # bad value: the filter is ignored
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 4
    assert 'name="expiry"' in response.text


def test_practice_month_filter_uses_the_overlap_rule(client, people, college_a):
    office = people["office"]
    base = base_of(college_a, office)
    inside = practice_in(
        college_a, base, RequestState.APPROVED, date(2026, 2, 20), date(2026, 3, 1)
    )
    done = practice_in(
        college_a, base, RequestState.COMPLETED, date(2026, 3, 31), date(2026, 6, 1)
    )
    practice_in(college_a, base, RequestState.APPROVED, date(2026, 4, 1), date(2026, 5, 1))
    practice_in(college_a, base, RequestState.COLLEGE_REVIEW, date(2026, 3, 1), date(2026, 3, 9))
    login(client, office)
    response = client.get("/practice/requests/?month=2026-03")
    assert {r.pk for r in response.context["page"].object_list} == {inside.pk, done.pk}
    assert 'name="month"' in response.text
    march = in_practice_during(*month_span(date(2026, 3, 9)))  # the dashboard's rule
    assert set(PracticeRequest.objects.filter(march).values_list("pk", flat=True)) == {
        inside.pk, done.pk,
    }  # fmt: skip


def test_practice_month_filter_bad_value_gives_a_message(client, people, college_a):
    base = base_of(college_a, people["office"])
    practice_in(college_a, base, RequestState.APPROVED, date(2026, 2, 20), date(2026, 3, 1))
    practice_in(college_a, base, RequestState.DRAFT, None, None)
    login(client, people["office"])
    response = client.get("/practice/requests/?month=2026-13&state=approved")
    assert response.status_code == 200
    assert "请按“年-月”填写实践月份" in response.text
    assert response.context["page"].paginator.count == 1  # the valid state filter still applies


def test_round_page_filters_by_grade_and_ignores_a_bad_grade(client, people, college_a):
    bases = [base_of(college_a, people["office"]) for _ in range(3)]
    evaluation_round = finalised_round(people, bases)
    login(client, people["office"])
    url = reverse("evaluation:round_detail", args=[evaluation_round.pk])
    response = client.get(url, {"grade": Grade.QUALIFIED})
    assert [e.grade for e in response.context["rows"]] == [Grade.QUALIFIED] * 2
    assert [e.rank for e in response.context["rows"]] == [2, 3]  # ranks of the whole round
    assert 'data-testid="grade-filter"' in response.text
    response = client.get(url, {"grade": "best"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3


def test_month_chart_labels_each_year_once_without_collisions():
    from xcu_bases.dashboard import month_chart

    months = [add_months(date(2025, 12, 1), n) for n in range(12)]
    chart = month_chart(months, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    assert [c.year for c in chart.columns if c.year] == ["2026"]  # under January only
    assert chart.columns[-1].url == "/practice/requests/?month=2026-11"
    assert chart.ticks[-1].label == "12"  # 0, 3, 6, 9, 12
    assert all(c.height >= 0 and c.y >= chart.top for c in chart.columns)
    later = month_chart([add_months(date(2025, 3, 1), n) for n in range(12)], [0] * 12)
    assert [c.year for c in later.columns if c.year] == ["2025", "2026"]
