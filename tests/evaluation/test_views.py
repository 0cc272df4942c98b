"""Evaluation pages: the office opens a round and assigns experts; the college writes its
self-assessment; each expert scores without seeing the others; the office finalises.
Wrong person → 404, anonymous → login, bad input → a message and nothing saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.choices import EvaluationState as E
from evaluation.choices import RoundKind
from evaluation.models import BaseEvaluation, EvaluationRound, Score
from tests.practice.factories import fresh

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def evaluation(people, standard, base):
    evaluation_round = services.round_open(
        year=2026, kind=RoundKind.YEARLY, standard=standard, deadline=date(2026, 12, 20),
        bases=[base], by=people["office"],
    )  # fmt: skip
    return evaluation_round.evaluations.get()


def evidence_post(evaluation, **extra):
    return {f"evidence-{e.indicator_id}": f"{e.indicator.code} 的自评说明"
            for e in evaluation.evidence.select_related("indicator")} | extra  # fmt: skip


def points_post(evaluation, points="4", **extra):
    leaves = evaluation.round.standard.indicators.filter(parent__isnull=False)
    return {f"points-{i.pk}": points for i in leaves} | extra


def test_office_opens_a_round_through_the_page(client, people, standard, base):
    login(client, people["office"])
    page = client.get(reverse("evaluation:round_new") + "?kind=yearly&year=2026").text
    assert base.name in page
    response = client.post(
        reverse("evaluation:round_new"),
        {"year": "2026", "kind": "yearly", "standard": standard.pk, "deadline": "2026-12-20",
         "bases": [base.pk]},
    )  # fmt: skip
    evaluation_round = EvaluationRound.objects.get()
    assert response["Location"] == reverse("evaluation:round_detail", args=[evaluation_round.pk])
    assert evaluation_round.evaluations.count() == 1


def test_round_form_errors_keep_the_choices_and_save_nothing(client, people, standard, base):
    login(client, people["office"])
    response = client.post(
        reverse("evaluation:round_new"), {"year": "2026", "kind": "yearly", "bases": [base.pk]}
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.text
    assert not EvaluationRound.objects.exists()


def test_the_whole_evaluation_through_the_pages(client, people, evaluation):
    url = reverse("evaluation:evaluation_detail", args=[evaluation.pk])
    login(client, people["secretary_a"])
    client.post(reverse("evaluation:evaluation_evidence", args=[evaluation.pk]),
                evidence_post(evaluation, submit=""))  # fmt: skip
    assert fresh(evaluation).state == E.SCORING
    login(client, people["office"])
    client.post(reverse("evaluation:evaluation_assign", args=[evaluation.pk]),
                {"experts": [people["expert"].pk, people["expert2"].pk]})  # fmt: skip
    first, second = (evaluation.assignments.get(expert=people[n]) for n in ("expert", "expert2"))
    login(client, people["expert"])
    client.post(reverse("evaluation:assignment_score", args=[first.pk]),
                points_post(evaluation, "4.5", submit=""))  # fmt: skip
    assert fresh(first).submitted_at
    login(client, people["expert2"])
    page = client.get(url).text
    assert "专家平均" not in page  # isolation before submitting
    client.post(reverse("evaluation:assignment_score", args=[second.pk]),
                points_post(evaluation, "3.5", submit=""))  # fmt: skip
    page = client.get(url).text
    assert "专家平均 <strong>4.0</strong>" in page  # after submitting
    login(client, people["office"])
    client.post(reverse("evaluation:evaluation_finalise", args=[evaluation.pk]))
    evaluation = fresh(evaluation)
    assert evaluation.state == E.FINALISED and evaluation.total == Decimal(
        "64.0"
    )  # 16 × 4.5 and 16 × 3.5
    page = client.get(reverse("evaluation:round_detail", args=[evaluation.round_id])).text
    assert "合格" in page and 'data-testid="grade-chart"' in page


def test_bad_points_are_refused_with_a_message_and_nothing_saved(client, people, evaluation):
    services.evidence_save(evaluation=evaluation, by=people["secretary_a"],
                           texts={e.indicator_id: "x" for e in evaluation.evidence.all()})  # fmt: skip
    services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    (assignment,) = services.experts_assign(
        evaluation=evaluation, experts=[people["expert"]], by=people["office"]
    )
    login(client, people["expert"])
    response = client.post(reverse("evaluation:assignment_score", args=[assignment.pk]),
                           points_post(evaluation, "abc"), follow=True)  # fmt: skip
    assert "评分未保存" in response.text and "不是数字" in response.text
    assert not Score.objects.filter(points__isnull=False).exists()


def test_unassigned_expert_and_other_college_get_404(client, people, evaluation):
    (assignment,) = services.experts_assign(
        evaluation=evaluation, experts=[people["expert"]], by=people["office"]
    )
    for who in ("expert2", "secretary_b"):
        login(client, people[who])
        assert (
            client.get(reverse("evaluation:evaluation_detail", args=[evaluation.pk])).status_code
            == 404
        )
        assert (
            client.get(reverse("evaluation:round_detail", args=[evaluation.round_id])).status_code
            == 404
        )
        response = client.post(reverse("evaluation:assignment_score", args=[assignment.pk]),
                               points_post(evaluation))  # fmt: skip
        assert response.status_code == 404
    login(client, people["secretary_b"])
    response = client.post(reverse("evaluation:evaluation_evidence", args=[evaluation.pk]),
                           evidence_post(evaluation))  # fmt: skip
    assert response.status_code == 404
    assert not evaluation.evidence.exclude(text="").exists()


def test_only_the_office_opens_rounds_and_finalises(client, people, evaluation):
    login(client, people["secretary_a"])
    assert client.get(reverse("evaluation:round_new")).status_code == 404
    assert (
        client.post(reverse("evaluation:evaluation_finalise", args=[evaluation.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("evaluation:evaluation_finalise", args=[evaluation.pk])).status_code
        == 405
    )


def test_anonymous_goes_to_login(client, evaluation):
    response = client.get(reverse("evaluation:rounds"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_round_list_query_count_does_not_grow(
    client,
    people,
    standard,
    base,
    django_assert_max_num_queries,
):
    login(client, people["office"])
    for year in (2025, 2026):
        services.round_open(year=year, kind=RoundKind.YEARLY, standard=standard,
                            deadline=date(2026, 12, 20), bases=[base], by=people["office"])  # fmt: skip
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("evaluation:rounds"))
    for year in range(2010, 2020):
        services.round_open(year=year, kind=RoundKind.YEARLY, standard=standard,
                            deadline=date(2026, 12, 20), bases=[base], by=people["office"])  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("evaluation:rounds")).text
    assert BaseEvaluation.objects.count() == 12 and page.count("年度对标") >= 12


def test_annex4_pdfs_are_served_to_those_who_see_the_evaluation(client, people, evaluation):
    login(client, people["secretary_a"])
    response = client.get(reverse("evaluation:evaluation_pdf", args=[evaluation.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    blank = client.get(
        reverse("evaluation:standard_blank_pdf", args=[evaluation.round.standard_id])
    )
    assert blank.status_code == 200 and blank["Content-Type"] == "application/pdf"
    login(client, people["secretary_b"])
    assert (
        client.get(reverse("evaluation:evaluation_pdf", args=[evaluation.pk])).status_code == 404
    )


# --- the standard ---------------------------------------------------------------------------------


def standard_post(standard, **changes):
    data = {}
    for i in standard.indicators.all():
        data[f"name-{i.pk}"] = i.name
        data[f"description-{i.pk}"] = i.description
        data[f"points-{i.pk}"] = str(i.max_points)
    return data | changes


def test_annex4_office_rewords_and_repoints_within_a_block_through_the_page(
    client, people, standard
):
    login(client, people["office"])
    a1, a2 = standard.indicators.get(code="A1"), standard.indicators.get(code="A2")
    url = reverse("evaluation:standard_edit", args=[standard.pk])
    page = client.get(url).text
    assert "A 15、B 30、C 15、D 35、E 5" in page
    assert f'name="points-{standard.indicators.get(code="A").pk}"' not in page  # fixed
    # A1 alone to 6: block A would hold 16 — refused, what was typed stays, nothing saved.
    response = client.post(
        url, standard_post(standard, **{f"name-{a1.pk}": "组织机构与职责", f"points-{a1.pk}": "6"})
    )
    assert response.status_code == 200
    assert "附件4规定一级指标分值为" in response.text and "其二级指标合计 16.0" in response.text
    assert 'value="组织机构与职责"' in response.text
    assert (fresh(a1).name, fresh(a1).max_points) == ("组织机构", Decimal("5"))
    # A1 6 and A2 4: block A still 15 — saved.
    client.post(url, standard_post(standard, **{f"name-{a1.pk}": "组织机构与职责",
                                                f"points-{a1.pk}": "6", f"points-{a2.pk}": "4"}))  # fmt: skip
    assert (fresh(a1).name, fresh(a1).max_points, fresh(a2).max_points) == (
        "组织机构与职责", Decimal("6"), Decimal("4"),
    )  # fmt: skip
    assert 'data-testid="sum-problems"' not in client.get(url).text


def test_bad_points_keep_what_was_typed_and_save_nothing(client, people, standard):
    login(client, people["office"])
    a1 = standard.indicators.get(code="A1")
    url = reverse("evaluation:standard_edit", args=[standard.pk])
    response = client.post(
        url, standard_post(standard, **{f"name-{a1.pk}": "新名称", f"points-{a1.pk}": "2.3"})
    )
    assert response.status_code == 200 and "以 0.5 分为单位" in response.text
    assert "新名称" in response.text
    assert fresh(a1).name != "新名称"


def test_a_frozen_standard_is_read_only_and_next_year_is_a_copy(
    client, people, standard, evaluation
):
    login(client, people["office"])
    a1 = standard.indicators.get(code="A1")
    client.post(reverse("evaluation:standard_edit", args=[standard.pk]),
                standard_post(standard, **{f"name-{a1.pk}": "改不了"}))  # fmt: skip
    assert fresh(a1).name != "改不了"
    response = client.post(reverse("evaluation:standard_create"), {"year": "2027"})
    copy = standard.__class__.objects.get(year=2027)
    assert response["Location"] == reverse("evaluation:standard_edit", args=[copy.pk])
    assert copy.indicators.count() == standard.indicators.count()


def test_only_the_office_sees_standards(client, people, standard):
    login(client, people["secretary_a"])
    assert client.get(reverse("evaluation:standards")).status_code == 404
    assert client.get(reverse("evaluation:standard_edit", args=[standard.pk])).status_code == 404


def test_round_results_export_to_excel(client, people, evaluation):
    import io

    from openpyxl import load_workbook

    login(client, people["secretary_a"])
    response = client.get(reverse("evaluation:round_export", args=[evaluation.round_id]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "基地名称", "学院")
    assert rows[1][1] == evaluation.base.name and rows[1][3] == "学院自评"
    login(client, people["secretary_b"])
    assert (
        client.get(reverse("evaluation:round_export", args=[evaluation.round_id])).status_code
        == 404
    )


def test_base_page_shows_the_history_of_totals_to_office_and_college(
    client, people, standard, base
):
    from tests.evaluation.test_services import scored

    evaluation = scored(people, standard, base, [Decimal("88")], kind=RoundKind.YEARLY, year=2025)
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    login(client, people["secretary_a"])
    page = client.get(reverse("agreements:base_detail", args=[base.pk])).text
    assert 'data-testid="base-history"' in page
    assert "2025 年年度对标：88.0 分，优秀" in page  # the column's title, read out
    assert 'class="chart-bar-excellent"' in page
