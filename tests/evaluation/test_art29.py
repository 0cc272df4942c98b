"""Art 29 "一年一对标，三年一考核" and Art 8: which bases a term round takes (agreement ended or
ending within the year, or three years since the plaque / the last term assessment; school-level
only), the revocation an Unqualified term assessment proposes and the office decides, the
recommendation an Excellent one makes, and bases joining or leaving an open round."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from agreements import services as base_services
from agreements.choices import BaseLevel, BaseState
from agreements.models import Base
from evaluation import decisions, eligibility, inbox, services
from evaluation.choices import DecisionState, Grade, RoundKind, RoundState
from evaluation.eligibility import Facts
from evaluation.models import BaseEvaluation, EvaluationRound, RevocationDecision
from tests.conftest import make_user, threads_share_the_test_database
from tests.evaluation.test_services import _points_for, open_round, scored
from tests.notices import about, captured, who
from tests.practice.factories import active_base, fresh, logs
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode as R
from xcu_bases.workflow import AlreadyHandled, WorkflowError

pytestmark = pytest.mark.django_db

REFERENCE = "校长办公会纪要〔2029〕8号"


def with_plaque(base, day: date) -> Base:
    Base.objects.filter(pk=base.pk).update(plaque_date=day)
    return fresh(base)


def at_level(base, level) -> Base:
    Base.objects.filter(pk=base.pk).update(level=level)
    return fresh(base)


def term_round(people, standard, bases, year):
    return services.round_open(
        year=year, kind=RoundKind.TERM, standard=standard, deadline=date(year, 12, 1),
        bases=bases, by=people["office"],
    )  # fmt: skip


@pytest.fixture
def office2():
    return make_user("office2", R.GRADUATE_OFFICE, name="陈静")


@pytest.fixture
def head_a(college_a):
    return make_user("head_a", R.COLLEGE_HEAD, college=college_a)


@pytest.fixture
def unqualified(people, standard, base, office2):
    """The usual base (agreement 2025–2029) graded 不合格 in the 2029 term assessment."""
    evaluation = scored(people, standard, base, [Decimal("50"), Decimal("54")])
    return services.evaluation_finalise(evaluation=evaluation, by=people["office"])


# --- which bases a term round takes -----------------------------------------------------------


def test_art29_term_round_refuses_base_not_due(people, standard, base):
    """Agreement to 2029, plaque 2025: not due in 2026 — refused by name, with the rule."""
    base = with_plaque(base, date(2025, 1, 20))
    with pytest.raises(WorkflowError) as refused:
        term_round(people, standard, [base], 2026)
    assert "第二十九条" in refused.value.message and "三年一考核" in refused.value.message
    assert refused.value.details == [
        f"{base.name}：协议 2029年12月31日 期满，2025年1月20日挂牌，未满三年（第二十九条）"
    ]
    assert not EvaluationRound.objects.exists() and not BaseEvaluation.objects.exists()
    # The form says the same, and does not tick it.
    (candidate,) = eligibility.candidates(RoundKind.TERM, 2026)
    assert (candidate.base, candidate.agreement_ends) == (base, date(2029, 12, 31))
    assert not candidate.verdict.eligible and not candidate.verdict.proposed
    assert services.proposed_bases(2026, RoundKind.TERM) == []


def test_art29_agreement_ending_within_the_year_qualifies(people, standard, base):
    verdict = eligibility.check(base, RoundKind.TERM, 2029)
    assert verdict.eligible and verdict.proposed
    assert verdict.text == "协议于 2029年12月31日 期满（本年度，第二十九条）"
    assert services.proposed_bases(2029, RoundKind.TERM) == [base]
    evaluation_round = term_round(people, standard, [base], 2029)
    assert evaluation_round.evaluations.get().base == base


def test_art29_three_years_since_plaque_qualifies(people, standard, base):
    base = with_plaque(base, date(2025, 1, 20))
    assert not eligibility.check(base, RoundKind.TERM, 2027).eligible
    verdict = eligibility.check(base, RoundKind.TERM, 2028)
    assert verdict.eligible and verdict.text == "2025年1月20日挂牌，已满三年（三年一考核）"
    evaluation_round = term_round(people, standard, [base], 2028)
    assert evaluation_round.evaluations.get().base == base
    # Three years again from that assessment (a renewed agreement running to 2035).
    after = Facts(
        state=BaseState.ACTIVE, plaque_date=date(2025, 1, 20),
        agreements=((date(2030, 1, 1), date(2035, 12, 31)),),
        term_rounds=((2028, "2028 年期满考核"),),
    )  # fmt: skip
    assert eligibility.term_verdict(after, 2030).text == (
        "协议 2035年12月31日 期满，距上次期满考核（2028 年）未满三年（第二十九条）"
    )
    assert eligibility.term_verdict(after, 2031).reasons == (
        "距上次期满考核（2028 年）已满三年（三年一考核）",
    )


def test_art29_an_ended_agreement_qualifies_until_it_is_assessed():
    ended = Facts(state=BaseState.EXPIRED, agreements=((date(2020, 1, 1), date(2024, 12, 31)),))
    assert (
        eligibility.term_verdict(ended, 2026).text
        == "协议于 2024年12月31日 期满（尚未考核，第二十九条）"
    )
    assessed = Facts(state=BaseState.EXPIRED, agreements=ended.agreements,
                     term_rounds=((2025, "2025 年期满考核"),))  # fmt: skip
    assert not eligibility.term_verdict(assessed, 2026).eligible


@pytest.mark.parametrize(
    ("level", "why"),
    [
        (BaseLevel.PROVINCIAL, "省级基地按省级要求考核，不参加学校期满考核（第八条）"),
        (BaseLevel.NATIONAL, "国家级基地按国家和省级要求考核，不参加学校期满考核（第八条）"),
    ],
)
def test_art8_provincial_base_excluded_from_term_round(people, standard, base, level, why):
    base = at_level(base, level)
    with pytest.raises(WorkflowError) as refused:
        term_round(people, standard, [base], 2029)  # its agreement ends in 2029
    assert refused.value.details == [f"{base.name}：{why}"]
    assert "第八条" in refused.value.message
    assert not EvaluationRound.objects.exists()
    # It may still take the yearly check (Art 29 一年一对标).
    yearly = eligibility.check(base, RoundKind.YEARLY, 2029)
    assert yearly.eligible and yearly.proposed and "可参加学校年度对标（第八条）" in yearly.text
    open_round(people, standard, base, kind=RoundKind.YEARLY, year=2029)


def test_art29_yearly_check_proposes_bases_whose_agreement_year_ends_that_year(
    people, base, college_a
):
    young = active_base(college_a, people["office"], starts_on=date(2026, 3, 1),
                        ends_on=date(2031, 2, 28))  # fmt: skip
    assert (
        eligibility.check(base, RoundKind.YEARLY, 2026).text
        == "第 2 个协议年度于 2026年12月31日 结束"
    )
    verdict = eligibility.check(young, RoundKind.YEARLY, 2026)
    assert verdict.eligible and not verdict.proposed
    assert (
        verdict.text == "协议执行未满一年（第一个协议年度于 2027年2月28日 结束），本年度无需对标"
    )
    assert services.proposed_bases(2026, RoundKind.YEARLY) == [base]


def test_art29_a_base_revoked_within_the_year_takes_no_yearly_check(people, standard, base):
    base_services.base_revoke(base=base, by=people["office"], reason="测试撤销。")
    this_year = timezone.localdate().year
    earlier = eligibility.check(fresh(base), RoundKind.YEARLY, this_year - 1)  # history
    assert earlier.eligible and not earlier.proposed and "本年度仍具有基地资格" in earlier.text
    verdict = eligibility.check(fresh(base), RoundKind.YEARLY, this_year)
    assert not verdict.eligible and verdict.text.startswith("基地已于")
    assert eligibility.check(fresh(base), RoundKind.TERM, 2029).text == "基地已撤销"


# --- an Unqualified term assessment: a decision for the office ---------------------------------


def test_art29_unqualified_creates_revocation_decision_not_revocation(unqualified, base, office2):
    assert unqualified.grade == Grade.UNQUALIFIED
    base = fresh(base)
    assert base.state == BaseState.ACTIVE and logs(base, "revoke") == []
    decision = RevocationDecision.objects.get()
    assert (decision.evaluation, decision.base, decision.state) == (
        unqualified, base, DecisionState.PENDING
    )  # fmt: skip
    (proposed,) = logs(decision)
    assert (proposed.transition, proposed.target_state) == ("propose", DecisionState.PENDING)
    assert "2029 年期满考核结果为不合格（总分 52.0）" in proposed.comment
    # In the office's inbox, and told to the other office users (not to the one who acted).
    (task,) = inbox.revocation_for_office(office2)
    assert task.title == f"确认是否撤销基地资格：{base.name}"
    assert task.url == f"/evaluation/revocations/{decision.pk}/"
    assert [n.recipient.username for n in about(list(office2.notifications.all()), decision)] == [
        "office2"
    ]
    assert "由学科与研究生处确认" in logs(unqualified, "finalise")[0].comment


def test_art29_yearly_check_unqualified_opens_no_decision(people, standard, base):
    evaluation = scored(people, standard, base, [Decimal("40")], kind=RoundKind.YEARLY, year=2026)
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    assert not RevocationDecision.objects.exists()
    assert fresh(base).state == BaseState.ACTIVE


def test_art29_office_confirms_revocation(unqualified, people, base, office2, head_a):
    decision = RevocationDecision.objects.get()
    with pytest.raises(WorkflowError, match="校长办公会纪要〔2026〕8号"):
        decisions.revocation_confirm(decision=decision, by=office2, reference="  ")
    assert fresh(decision).state == DecisionState.PENDING
    with captured() as rows:
        decisions.revocation_confirm(decision=decision, by=office2, reference=REFERENCE)
    decision = fresh(decision)
    assert (decision.state, decision.reference, decision.decided_by) == (
        DecisionState.CONFIRMED, REFERENCE, office2
    )  # fmt: skip
    assert decision.decided_at is not None
    (confirmed,) = logs(decision, "confirm")
    assert (confirmed.source_state, confirmed.target_state, confirmed.by) == (
        DecisionState.PENDING, DecisionState.CONFIRMED, office2
    )  # fmt: skip
    assert confirmed.comment == f"依据：{REFERENCE}"
    base = fresh(base)
    assert base.state == BaseState.REVOKED
    (revoked,) = logs(base, "revoke")
    assert (revoked.source_state, revoked.target_state, revoked.by) == (
        BaseState.ACTIVE, BaseState.REVOKED, office2
    )  # fmt: skip
    assert revoked.comment == (
        f"2029 年期满考核结果为不合格（总分 52.0），经{REFERENCE}确认，取消其联合培养基地资格（第二十九条）。"
    )
    # The college hears the outcome (from the base's own rule); nobody hears it twice.
    college = about(rows, base)
    assert who(college) == [("head_a", K.RESULT), ("secretary_a", K.RESULT)]
    assert all(REFERENCE in n.body for n in college)
    assert about(rows, decision) == []
    assert inbox.revocation_for_office(office2) == []
    with pytest.raises(AlreadyHandled, match="已被他人处理"):
        decisions.revocation_confirm(decision=decision, by=people["office"], reference=REFERENCE)
    assert len(logs(base, "revoke")) == 1


def test_art29_office_declines_revocation_with_reason(unqualified, people, base, office2, head_a):
    decision = RevocationDecision.objects.get()
    with pytest.raises(WorkflowError, match="请填写不予撤销的理由"):
        decisions.revocation_decline(decision=decision, by=office2, reason="")
    reason = "合作单位已完成整改，经基地建设管理委员会研究，限期一年整改后复核。"
    with captured() as rows:
        decisions.revocation_decline(decision=decision, by=office2, reason=reason)
    decision = fresh(decision)
    assert (decision.state, decision.reason, decision.reference) == (
        DecisionState.DECLINED, reason, ""
    )  # fmt: skip
    assert [(log.transition, log.comment) for log in logs(decision)] == [
        ("propose", logs(decision)[0].comment), ("decline", reason),
    ]  # fmt: skip
    base = fresh(base)
    assert base.state == BaseState.ACTIVE and logs(base, "revoke") == []
    told = about(rows, decision)
    assert who(told) == [("head_a", K.RESULT), ("secretary_a", K.RESULT)]
    assert all(reason in n.body for n in told)
    with pytest.raises(AlreadyHandled):
        decisions.revocation_confirm(decision=decision, by=office2, reference=REFERENCE)
    assert fresh(base).state == BaseState.ACTIVE


def test_art29_only_the_office_decides(unqualified, people, base):
    decision = RevocationDecision.objects.get()
    with pytest.raises(PermissionDenied):
        decisions.revocation_confirm(
            decision=decision, by=people["secretary_a"], reference=REFERENCE
        )
    with pytest.raises(PermissionDenied):
        decisions.revocation_decline(decision=decision, by=people["expert"], reason="不撤销")
    assert fresh(decision).state == DecisionState.PENDING
    assert fresh(base).state == BaseState.ACTIVE


def test_art29_a_base_revoked_meanwhile_is_not_confirmed_twice(unqualified, people, base):
    decision = RevocationDecision.objects.get()
    base_services.base_revoke(base=base, by=people["office"], reason="另行撤销。")
    with pytest.raises(WorkflowError) as refused:
        decisions.revocation_confirm(decision=decision, by=people["office"], reference=REFERENCE)
    assert "基地已被撤销" in refused.value.details[0]
    assert fresh(decision).state == DecisionState.PENDING
    decisions.revocation_decline(decision=decision, by=people["office"], reason="已另行撤销。")
    assert fresh(decision).state == DecisionState.DECLINED
    assert len(logs(base, "revoke")) == 1


@pytest.mark.django_db(transaction=True)
def test_art29_two_office_users_confirming_at_once_make_one_transition(people, standard, base):
    shared, reason = threads_share_the_test_database()
    if not shared:
        pytest.skip(reason)
    second = make_user("office2", R.GRADUATE_OFFICE, name="陈静")
    evaluation = scored(people, standard, base, [Decimal("50")])
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    decision = RevocationDecision.objects.get()
    users = [people["office"], second]
    pages = [fresh(decision) for _ in users]
    barrier = threading.Barrier(len(users))
    outcomes: dict[str, str] = {}

    def confirm(user, page):
        try:
            barrier.wait(timeout=10)
            decisions.revocation_confirm(decision=page, by=user, reference=REFERENCE)
            outcomes[user.username] = "confirmed"
        except AlreadyHandled:
            outcomes[user.username] = "already handled"
        except Exception as error:  # reported by the assertion below
            outcomes[user.username] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=p) for p in zip(users, pages, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["already handled", "confirmed"], outcomes
    assert fresh(decision).state == DecisionState.CONFIRMED
    assert len(logs(decision, "confirm")) == 1
    assert fresh(base).state == BaseState.REVOKED and len(logs(base, "revoke")) == 1


# --- an Excellent term assessment: recommended for the provincial AND the national level -------


def test_art29_excellent_recommends_provincial_and_national(people, standard, base, head_a):
    evaluation = scored(people, standard, base, [Decimal("90"), Decimal("88")])
    with captured() as rows:
        services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    base = fresh(base)
    assert base.recommended_for_higher_level and base.state == BaseState.ACTIVE
    assert Base._meta.get_field("recommended_for_higher_level").verbose_name == (
        "推荐申报省级和国家级基地"
    )
    (recommended,) = logs(base, "recommend")
    assert recommended.transition_label == "推荐申报省级和国家级基地"
    assert "优先推荐申报省级和国家级联合培养基地（第二十九条）" in recommended.comment
    assert [n.title for n in about(rows, base)] == [
        f"基地被推荐申报省级和国家级基地：{base.name}"
    ] * 2
    assert not RevocationDecision.objects.exists()


# --- bases joining and leaving an open round ---------------------------------------------------


def test_art29_a_base_joins_an_open_round_under_the_same_rule(people, standard, base, college_a):
    base = with_plaque(base, date(2025, 1, 20))
    due = with_plaque(
        active_base(college_a, people["office"], starts_on=date(2024, 1, 1),
                    ends_on=date(2028, 12, 31)),
        date(2024, 1, 20),
    )  # fmt: skip
    evaluation_round = term_round(people, standard, [due], 2028)
    with pytest.raises(WorkflowError, match="第二十九条") as refused:
        services.round_base_add(
            evaluation_round=evaluation_round, base=with_plaque(base, date(2026, 1, 1)),
            by=people["office"],
        )  # fmt: skip
    assert refused.value.details[0].endswith("2026年1月1日挂牌，未满三年（第二十九条）")
    assert evaluation_round.evaluations.count() == 1
    base = with_plaque(base, date(2025, 1, 20))  # three years by the end of 2028
    with captured() as rows:
        evaluation = services.round_base_add(
            evaluation_round=evaluation_round, base=base, by=people["office"]
        )
    assert evaluation.round == evaluation_round and evaluation.base == base
    assert evaluation.evidence.count() == standard.indicators.filter(parent__isnull=False).count()
    assert [log.comment for log in logs(evaluation_round, "add_base")] == [base.name]
    assert who(about(rows, evaluation)) == [("secretary_a", K.TASK)]
    with pytest.raises(AlreadyHandled, match="已在"):
        services.round_base_add(evaluation_round=evaluation_round, base=base, by=people["office"])


def test_art29_more_than_one_term_round_a_year_each_base_in_one(people, standard, base, college_a):
    other = active_base(college_a, people["office"], starts_on=date(2024, 7, 1),
                        ends_on=date(2029, 6, 30))  # fmt: skip
    first = term_round(people, standard, [base], 2029)
    second = term_round(people, standard, [other], 2029)
    assert (first.number, second.number) == (1, 2)
    assert (str(first), str(second)) == ("2029 年期满考核", "2029 年期满考核（第 2 批）")
    with pytest.raises(WorkflowError) as refused:
        term_round(people, standard, [base], 2029)
    assert refused.value.details == [f"{base.name}：已在2029 年期满考核中"]
    with pytest.raises(WorkflowError):
        services.round_base_add(evaluation_round=second, base=base, by=people["office"])
    assert EvaluationRound.objects.count() == 2


def _scoring(people, evaluation):
    texts = {e.indicator_id: "自评说明" for e in evaluation.evidence.all()}
    services.evidence_save(evaluation=evaluation, by=people["secretary_a"], texts=texts)
    services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    (assignment,) = services.experts_assign(
        evaluation=evaluation, experts=[people["expert"]], by=people["office"]
    )
    return assignment


def test_an_unscored_base_leaves_the_round_a_scored_one_stays(people, standard, base, college_a):
    other = active_base(college_a, people["office"], starts_on=date(2024, 7, 1),
                        ends_on=date(2029, 6, 30))  # fmt: skip
    evaluation_round = term_round(people, standard, [base, other], 2029)
    leaving = evaluation_round.evaluations.get(base=base)
    staying = evaluation_round.evaluations.get(base=other)
    assignment = _scoring(people, leaving)  # self-assessed, an expert assigned: still unscored
    assert services.may_remove(leaving)
    with captured() as rows:
        services.round_base_remove(evaluation=leaving, by=people["office"])
    assert not BaseEvaluation.objects.filter(pk=leaving.pk).exists()
    assert [log.comment for log in logs(evaluation_round, "remove_base")] == [base.name]
    assert {n.recipient.username for n in rows} == {"secretary_a", "expert"}
    assert not type(assignment).objects.filter(pk=assignment.pk).exists()
    # The base may join again (or another term round of the year).
    assert eligibility.check(base, RoundKind.TERM, 2029).eligible
    # A base some expert has scored stays, with a reason.
    scored_one = _scoring(people, staying)
    values = _points_for(scored_one, Decimal("80"))
    services.scores_save(
        assignment=scored_one, by=people["expert"], values=dict(list(values.items())[:1])
    )
    with pytest.raises(WorkflowError, match="已有专家评分"):
        services.round_base_remove(evaluation=staying, by=people["office"])
    assert BaseEvaluation.objects.filter(pk=staying.pk).exists()
    with pytest.raises(AlreadyHandled):
        services.round_base_remove(evaluation=leaving, by=people["office"])


def test_a_closed_round_takes_and_loses_no_base(people, standard, base, college_a):
    evaluation = scored(people, standard, base, [Decimal("70")])
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    services.round_close(evaluation_round=evaluation.round, by=people["office"])
    other = active_base(college_a, people["office"], starts_on=date(2024, 7, 1),
                        ends_on=date(2029, 6, 30))  # fmt: skip
    assert fresh(evaluation.round).state == RoundState.CLOSED
    with pytest.raises(WorkflowError, match="已结束"):
        services.round_base_add(evaluation_round=evaluation.round, base=other, by=people["office"])
    with pytest.raises(WorkflowError, match="已结束"):
        services.round_base_remove(evaluation=evaluation, by=people["office"])
    assert evaluation.round.evaluations.count() == 1
