"""Art 29 pages: 发起评估 lists each base with its agreement end and why it qualifies or not; the
round page adds and removes bases; the revocation decision page lets the office confirm (with
the meeting or document reference) or decline (with a reason). Wrong person → 404, anonymous →
login, invalid input → the page again with a message and nothing saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.choices import BaseLevel, BaseState
from agreements.models import Base
from evaluation import services
from evaluation.choices import DecisionState, RoundKind
from evaluation.models import BaseEvaluation, EvaluationRound, RevocationDecision
from tests.evaluation.test_services import scored
from tests.practice.factories import active_base, fresh, logs

pytestmark = pytest.mark.django_db

REFERENCE = "校长办公会纪要〔2029〕8号"


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def decision(people, standard, base):
    evaluation = scored(people, standard, base, [Decimal("50")])
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    return RevocationDecision.objects.get()


@pytest.fixture
def provincial(people, college_a):
    base = active_base(college_a, people["office"], starts_on=date(2025, 1, 1),
                       ends_on=date(2029, 12, 31))  # fmt: skip
    Base.objects.filter(pk=base.pk).update(level=BaseLevel.PROVINCIAL)
    return fresh(base)


# --- 发起评估 ----------------------------------------------------------------------------------


def test_art29_round_form_shows_each_base_with_its_agreement_end_and_why(
    client, people, standard, base, provincial
):
    login(client, people["office"])
    page = client.get(reverse("evaluation:round_new") + "?kind=term&year=2029").text
    assert "2029 年期满考核：评价标准与参评基地" in page
    due = page[page.index(f'data-testid="candidate-{base.pk}"') :]
    due = due[: due.index("</tr>")]
    assert "2029-12-31" in due and "协议于 2029年12月31日 期满（本年度，第二十九条）" in due
    assert f'value="{base.pk}" id="base-{base.pk}" checked' in due
    excluded = page[page.index(f'data-testid="candidate-{provincial.pk}"') :]
    excluded = excluded[: excluded.index("</tr>")]
    assert "省级基地按省级要求考核，不参加学校期满考核（第八条）" in excluded
    assert "disabled" in excluded and "checked" not in excluded
    yearly = client.get(reverse("evaluation:round_new") + "?kind=yearly&year=2029").text
    assert "第 5 个协议年度于 2029年12月31日 结束" in yearly
    assert "可参加学校年度对标（第八条）" in yearly


def test_art29_round_form_refuses_an_ineligible_base_and_keeps_the_choices(
    client, people, standard, base, provincial
):
    login(client, people["office"])
    response = client.post(
        reverse("evaluation:round_new"),
        {"year": "2029", "kind": "term", "standard": standard.pk, "deadline": "2029-12-01",
         "bases": [base.pk, provincial.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "以下基地不符合条件" in response.text
    assert f"{provincial.name}：省级基地按省级要求考核" in response.text
    assert not EvaluationRound.objects.exists()
    response = client.post(
        reverse("evaluation:round_new"),
        {"year": "2029", "kind": "term", "standard": standard.pk, "deadline": "2029-12-01",
         "bases": [base.pk]},
    )  # fmt: skip
    evaluation_round = EvaluationRound.objects.get()
    assert response["Location"] == reverse("evaluation:round_detail", args=[evaluation_round.pk])


def test_art29_round_form_says_where_to_add_bases_to_this_years_yearly_check(
    client, people, standard, base
):
    """Issue 16 item 4: not only "不能重复发起", but what to do instead, with the link."""
    existing = services.round_open(
        year=2026, kind=RoundKind.YEARLY, standard=standard, deadline=date(2026, 12, 1),
        bases=[base], by=people["office"],
    )  # fmt: skip
    login(client, people["office"])
    page = client.get(reverse("evaluation:round_new") + "?kind=yearly&year=2026").text
    link = reverse("evaluation:round_detail", args=[existing.pk])
    assert f'href="{link}#add-base"' in page and "每年只进行一次年度对标" in page
    response = client.post(
        reverse("evaluation:round_new"),
        {"year": "2026", "kind": "yearly", "standard": standard.pk, "deadline": "2026-12-01",
         "bases": [base.pk]},
    )  # fmt: skip
    assert response.status_code == 200 and "加入基地" in response.text
    assert EvaluationRound.objects.count() == 1


# --- the round page: adding and removing bases ---------------------------------------------


def test_art29_office_adds_and_removes_a_base_on_the_round_page(
    client, people, standard, base, college_a
):
    other = active_base(college_a, people["office"], starts_on=date(2024, 7, 1),
                        ends_on=date(2029, 6, 30))  # fmt: skip
    evaluation_round = services.round_open(
        year=2029, kind=RoundKind.TERM, standard=standard, deadline=date(2029, 12, 1),
        bases=[base], by=people["office"],
    )  # fmt: skip
    login(client, people["office"])
    url = reverse("evaluation:round_detail", args=[evaluation_round.pk])
    page = client.get(url).text
    assert 'data-testid="add-base"' in page
    assert f"{other.name}：协议于 2029年6月30日 期满（本年度，第二十九条）" in page
    response = client.post(
        reverse("evaluation:round_base_add", args=[evaluation_round.pk]), {"base": other.pk}
    )
    assert response["Location"] == url
    added = BaseEvaluation.objects.get(round=evaluation_round, base=other)
    page = client.get(url).text
    assert reverse("evaluation:evaluation_remove", args=[added.pk]) in page
    response = client.post(reverse("evaluation:evaluation_remove", args=[added.pk]))
    assert response["Location"] == url
    assert not BaseEvaluation.objects.filter(pk=added.pk).exists()
    assert [log.transition for log in logs(evaluation_round)] == ["add_base", "remove_base"]


def test_art29_adding_an_ineligible_base_says_why_and_adds_nothing(
    client, people, standard, base, provincial
):
    evaluation_round = services.round_open(
        year=2029, kind=RoundKind.TERM, standard=standard, deadline=date(2029, 12, 1),
        bases=[base], by=people["office"],
    )  # fmt: skip
    login(client, people["office"])
    response = client.post(
        reverse("evaluation:round_base_add", args=[evaluation_round.pk]),
        {"base": provincial.pk},
        follow=True,
    )
    assert "第八条" in response.text
    assert evaluation_round.evaluations.count() == 1
    response = client.post(
        reverse("evaluation:round_base_add", args=[evaluation_round.pk]), {"base": ""}, follow=True
    )
    assert "请选择要加入的基地" in response.text


def test_round_base_views_are_the_offices(client, people, standard, base):
    evaluation_round = services.round_open(
        year=2029, kind=RoundKind.TERM, standard=standard, deadline=date(2029, 12, 1),
        bases=[base], by=people["office"],
    )  # fmt: skip
    evaluation = evaluation_round.evaluations.get()
    add = reverse("evaluation:round_base_add", args=[evaluation_round.pk])
    remove = reverse("evaluation:evaluation_remove", args=[evaluation.pk])
    for who in ("secretary_a", "secretary_b", "expert"):
        login(client, people[who])
        assert client.post(add, {"base": base.pk}).status_code == 404
        assert client.post(remove).status_code == 404
    login(client, people["secretary_a"])  # sees the round, not the office's controls
    page = client.get(reverse("evaluation:round_detail", args=[evaluation_round.pk])).text
    assert 'data-testid="add-base"' not in page and remove not in page
    client.logout()
    for url in (add, remove):
        response = client.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login(client, people["office"])
    assert client.get(add).status_code == 405 and client.get(remove).status_code == 405
    assert BaseEvaluation.objects.filter(pk=evaluation.pk).exists()


def test_round_page_query_count_does_not_grow_with_bases(
    client, people, standard, base, college_a, django_assert_max_num_queries
):
    evaluation_round = services.round_open(
        year=2029, kind=RoundKind.YEARLY, standard=standard, deadline=date(2029, 12, 1),
        bases=[base], by=people["office"],
    )  # fmt: skip
    active_base(
        college_a, people["office"], starts_on=date(2025, 1, 15), ends_on=date(2029, 12, 31)
    )
    login(client, people["office"])
    url = reverse("evaluation:round_detail", args=[evaluation_round.pk])
    with django_assert_max_num_queries(40) as few:  # one base in the round, one candidate
        client.get(url)
    for n in range(6):
        extra = active_base(college_a, people["office"], starts_on=date(2025, 2, n + 1),
                            ends_on=date(2029, 12, 31))  # fmt: skip
        if n % 2:
            services.round_base_add(
                evaluation_round=evaluation_round, base=extra, by=people["office"]
            )
    with django_assert_max_num_queries(len(few.captured_queries)):  # 4 in it, 4 candidates
        client.get(url)


# --- the revocation decision page ---------------------------------------------------------------


def test_art29_decision_page_shows_the_forms_to_the_office_only(client, people, decision):
    url = reverse("evaluation:revocation_detail", args=[decision.pk])
    login(client, people["office"])
    page = client.get(url).text
    assert "确认撤销基地资格" in page and "记录不予撤销" in page and "50.0 分" in page
    assert reverse("evaluation:revocation_confirm", args=[decision.pk]) in page
    login(client, people["secretary_a"])  # the base's college: reads it
    page = client.get(url).text
    assert "待学科与研究生处决定" in page
    assert reverse("evaluation:revocation_confirm", args=[decision.pk]) not in page
    for who in ("secretary_b", "expert"):
        login(client, people[who])
        assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_art29_office_confirms_through_the_page(client, people, decision, base):
    login(client, people["office"])
    url = reverse("evaluation:revocation_confirm", args=[decision.pk])
    response = client.post(url, {"reference": ""})
    assert response.status_code == 200 and "请填写确认撤销的会议纪要或文件号" in response.text
    assert fresh(decision).state == DecisionState.PENDING
    response = client.post(url, {"reference": REFERENCE})
    assert response["Location"] == reverse("evaluation:revocation_detail", args=[decision.pk])
    assert (fresh(decision).state, fresh(decision).reference) == (
        DecisionState.CONFIRMED, REFERENCE
    )  # fmt: skip
    assert fresh(base).state == BaseState.REVOKED
    response = client.post(url, {"reference": REFERENCE}, follow=True)  # a second click
    assert "已被他人处理" in response.text
    assert len(logs(base, "revoke")) == 1


def test_art29_office_declines_through_the_page_and_a_long_reference_is_kept(
    client, people, decision, base
):
    login(client, people["office"])
    response = client.post(
        reverse("evaluation:revocation_confirm", args=[decision.pk]), {"reference": "号" * 101}
    )
    assert response.status_code == 200 and "号" * 101 in response.text
    assert fresh(decision).state == DecisionState.PENDING
    url = reverse("evaluation:revocation_decline", args=[decision.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and "请填写不予撤销的理由" in response.text
    response = client.post(url, {"reason": "限期整改一年后复核。"})
    assert response.status_code == 302
    assert (fresh(decision).state, fresh(decision).reason) == (
        DecisionState.DECLINED, "限期整改一年后复核。"
    )  # fmt: skip
    assert fresh(base).state == BaseState.ACTIVE


def test_art29_decision_actions_refuse_everyone_but_the_office(client, people, decision, base):
    for who in ("secretary_a", "secretary_b", "expert"):
        login(client, people[who])
        for name, data in (("revocation_confirm", {"reference": REFERENCE}),
                           ("revocation_decline", {"reason": "不撤销"})):  # fmt: skip
            assert (
                client.post(reverse(f"evaluation:{name}", args=[decision.pk]), data).status_code
                == 404
            )
    client.logout()
    response = client.post(reverse("evaluation:revocation_confirm", args=[decision.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login(client, people["office"])
    assert (
        client.get(reverse("evaluation:revocation_confirm", args=[decision.pk])).status_code == 405
    )
    assert fresh(decision).state == DecisionState.PENDING and fresh(base).state == BaseState.ACTIVE


def test_art29_decision_shows_on_the_evaluation_and_the_base_page(client, people, decision, base):
    login(client, people["secretary_a"])
    page = client.get(reverse("evaluation:evaluation_detail", args=[decision.evaluation_id])).text
    assert 'data-testid="decision"' in page and "基地状态尚未改变" in page
    page = client.get(reverse("agreements:base_detail", args=[base.pk])).text
    assert (
        'data-testid="base-decisions"' in page
        and "撤销基地资格：<strong>待学科与研究生处决定" in page
    )
    login(client, people["expert"])  # an assigned expert sees the evaluation, not the decision
    page = client.get(reverse("evaluation:evaluation_detail", args=[decision.evaluation_id])).text
    assert 'data-testid="decision"' not in page


def test_art29_recommended_base_shows_it_on_its_page(client, people, standard, base):
    evaluation = scored(people, standard, base, [Decimal("92")])
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    login(client, people["secretary_a"])
    page = client.get(reverse("agreements:base_detail", args=[base.pk])).text
    assert 'data-testid="recommended"' in page and "推荐申报省级和国家级基地" in page
