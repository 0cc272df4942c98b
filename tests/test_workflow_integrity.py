"""Issue 8 item 7: workflow integrity, for every state machine.

1. Eight people acting on one object at the same moment (eight threads, eight connections)
   make exactly one state change, one TransitionLog row and one set of notifications; the
   other seven get a friendly Chinese refusal, never a database error.
2. An exception after the state change, inside the same service call, leaves no state
   change, no log row and no notification: the whole call is one transaction.
3. Whoever submitted an item cannot approve it at a later step, whatever other roles they hold.

(TransitionLog rows being read-only is covered by tests/xcu_bases/test_log_integrity.py.)
"""

import re
import threading
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection

from agreements import renewals as renewal_services
from agreements import services as base_services
from agreements.choices import BaseLevel, BaseState
from agreements.choices import RenewalState as RS
from agreements.models import Base, BaseLevelChange, FundingEntry
from applications import services as app_services
from applications.choices import ApplicationState as S1
from applications.models import BaseApplication
from evaluation import decisions as eval_decisions
from evaluation import notifications as evaluation_notifications
from evaluation import services as eval_services
from evaluation.choices import DecisionState, RoundKind, StandardState
from evaluation.choices import EvaluationState as E
from evaluation.models import BaseEvaluation, EvaluationRound, RevocationDecision
from practice import assessment_services as a3
from practice import record_services
from practice import services as p_services
from practice.choices import AssessmentState as A
from practice.choices import ClearanceState, ClearanceUse, SupervisorState
from practice.choices import RequestState as S2
from practice.models import PracticeRequest
from tests.agreements import renewal_factories
from tests.applications import factories as app_factories
from tests.conftest import make_student, make_user, threads_share_the_test_database
from tests.practice import factories as p_factories
from xcu_bases import notify
from xcu_bases import services as people_services
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import Notification, TransitionLog, User
from xcu_bases.workflow import AlreadyHandled, WorkflowError, seen

THREADS = 8
CJK = re.compile(r"[\u4e00-\u9fff]")
# The friendly refusals: the chains' WorkflowError (AlreadyHandled is one) and the
# agreements app's BaseError, which its views show the same way.
FRIENDLY = (WorkflowError, base_services.BaseError)


# --- people and objects -------------------------------------------------------------------


@pytest.fixture
def people(college_a, college_b):
    """Everyone the chains meet, under the keys the app factories expect."""
    tutor_a = make_user("tutor_a", R.CAMPUS_SUPERVISOR, college=college_a, name="张明华")
    found = {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "legal": make_user("legal", R.LEGAL_OFFICE, name="何志刚"),
        "secretary_a": make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="李明华"),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "head_b": make_user("head_b", R.COLLEGE_HEAD, college=college_b, name="张伟"),
        "tutor_a": tutor_a,
        "expert": make_user("expert", R.EXPERT, name="王建国"),
        "expert1": make_user("expert1", R.EXPERT, name="赵国庆"),
        "expert2": make_user("expert2", R.EXPERT, name="孙晓燕"),
        "expert3": make_user("expert3", R.EXPERT, name="周国强"),
    }
    found["student_a"] = _student_ready("student_a", college_a, tutor_a, found["secretary_a"])
    return found


def _student_ready(username, college, tutor, secretary, *extra_roles):
    """A student of ``college`` whose coursework is done (Art 21)."""
    profile = make_student(username, college, supervisor=tutor)
    people_services.student_set_coursework(
        profile=profile, completed=True, by=secretary, comment="依据成绩单确认。"
    )
    user = User.objects.get(pk=profile.user_id)
    if extra_roles:
        from xcu_bases.models import Role

        user.roles.add(*Role.objects.filter(code__in=extra_roles))
        user = User.objects.get(pk=user.pk)
    return user


def _many(prefix, *roles, college=None) -> list:
    return [make_user(f"{prefix}{i}", *roles, college=college) for i in range(THREADS)]


@pytest.fixture
def base(people, college_a):
    return p_factories.active_base(college_a, people["office"])


@pytest.fixture
def supervisor(base, people):
    return p_factories.certified_supervisor(base, people)


@pytest.fixture
def approved_request(people, base, supervisor):
    draft = p_factories.complete_request(people["student_a"], base, supervisor)
    return p_factories.advance_to(draft, S2.APPROVED, people)


def _scored(people, standard, base, *, kind=RoundKind.TERM, year=2029, total="70"):
    """A round with one evaluation, self-assessed and scored by one expert (``total``)."""
    evaluation_round = eval_services.round_open(
        year=year, kind=kind, standard=standard, deadline=date(2029, 12, 1), bases=[base],
        by=people["office"],
    )  # fmt: skip
    evaluation = evaluation_round.evaluations.get()
    texts = {e.indicator_id: "自评说明" for e in evaluation.evidence.all()}
    eval_services.evidence_save(evaluation=evaluation, by=people["secretary_a"], texts=texts)
    eval_services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    (assignment,) = eval_services.experts_assign(
        evaluation=evaluation, experts=[people["expert"]], by=people["office"]
    )
    left = Decimal("100") - Decimal(total)
    values = {}
    for score in assignment.scores.select_related("indicator"):
        take = min(left, score.indicator.max_points)
        values[score.indicator_id] = (score.indicator.max_points - take, "")
        left -= take
    eval_services.scores_save(assignment=assignment, by=people["expert"], values=values)
    eval_services.scores_submit(assignment=assignment, by=people["expert"])
    return BaseEvaluation.objects.get(pk=evaluation.pk)


def _self_assessing(people, standard, base):
    evaluation_round = eval_services.round_open(
        year=2026, kind=RoundKind.YEARLY, standard=standard, deadline=date(2026, 12, 1),
        bases=[base], by=people["office"],
    )  # fmt: skip
    evaluation = evaluation_round.evaluations.get()
    texts = {e.indicator_id: "自评说明" for e in evaluation.evidence.all()}
    eval_services.evidence_save(evaluation=evaluation, by=people["secretary_a"], texts=texts)
    return BaseEvaluation.objects.get(pk=evaluation.pk)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def logs(obj, transition=None) -> int:
    rows = TransitionLog.objects.for_object(obj)
    return (rows.filter(transition=transition) if transition else rows).count()


def notifications_of(obj):
    return Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )


# --- 1. eight at once ------------------------------------------------------------------------


def race(action, actors, page) -> list:
    """Run ``action(user, page_copy)`` for each actor, all released at once.

    ``page`` is a callable giving the object as each actor's page showed it (read before the
    race). Returns one outcome per actor: "ok" or the exception raised.
    """
    shared, reason = threads_share_the_test_database()
    if not shared:
        pytest.skip(reason)
    pages = [page() for _ in actors]
    barrier = threading.Barrier(len(actors))
    outcomes: list = [None] * len(actors)

    def run(i, user, seen_page):
        try:
            barrier.wait(timeout=20)
            action(user, seen_page)
            outcomes[i] = "ok"
        except Exception as error:  # judged by check_race
            outcomes[i] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, user, p))
        for i, (user, p) in enumerate(zip(actors, pages, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return outcomes


def check_race(outcomes, *, friendly=FRIENDLY):
    """Exactly one winner; every loser got a friendly Chinese refusal, no database error."""
    unexpected = [o for o in outcomes if o != "ok" and not isinstance(o, friendly)]
    assert not unexpected, f"not a friendly refusal: {unexpected!r}"
    assert not any(isinstance(o, DatabaseError) for o in outcomes)
    assert outcomes.count("ok") == 1, outcomes
    for refusal in outcomes:
        if refusal != "ok":
            assert CJK.search(refusal.message), refusal.message


def check_one_set_of_notifications(obj, before: int, *, some=True):
    """The transition notified each recipient once (not once per thread)."""
    rows = list(notifications_of(obj).order_by("pk")[before:])
    keys = Counter((n.recipient_id, n.kind, n.title) for n in rows)
    assert all(count == 1 for count in keys.values()), keys
    if some:
        assert rows, "the transition notified nobody"


@pytest.mark.django_db(transaction=True)
def test_annex1_eight_college_heads_approve_at_once(people, college_a):
    app = app_factories.advance_to(
        app_factories.complete_application(people["secretary_a"]), S1.COLLEGE_REVIEW, people
    )
    heads = _many("head", R.COLLEGE_HEAD, college=college_a)
    log_before, sent_before = logs(app), notifications_of(app).count()

    outcomes = race(
        lambda user, page: app_services.application_college_approve(
            app=page, by=user, expected=seen(page), comment="同意推荐。"
        ),
        heads,
        lambda: fresh(app),
    )

    check_race(outcomes)
    assert all(isinstance(o, AlreadyHandled) for o in outcomes if o != "ok")
    assert fresh(app).state == S1.OFFICE_REVIEW
    assert logs(app) == log_before + 1 and logs(app, "college_approve") == 1
    check_one_set_of_notifications(app, sent_before)


@pytest.mark.django_db(transaction=True)
def test_annex1_eight_secretaries_submit_at_once(people, college_a):
    app = app_factories.complete_application(people["secretary_a"])
    secretaries = [people["secretary_a"]] * THREADS  # one person, eight tabs

    outcomes = race(
        lambda user, page: app_services.application_submit(app=page, by=user, expected=seen(page)),
        secretaries,
        lambda: fresh(app),
    )

    check_race(outcomes)
    row = fresh(app)
    assert (row.state, row.round) == (S1.COLLEGE_REVIEW, 1)
    assert row.snapshots.count() == 1
    assert logs(app) == 1 and logs(app, "submit") == 1
    check_one_set_of_notifications(app, 0)


def _preparing_base(college, office) -> Base:
    base = p_factories.active_base(college, office)
    Base.objects.filter(pk=base.pk).update(state=BaseState.PREPARING)
    return fresh(base)


BASE_RACES = {
    "revoke": (
        lambda base, user: base_services.base_revoke(base=base, by=user, reason="考核不合格。"),
        BaseState.ACTIVE, BaseState.REVOKED, "revoke",
    ),
    "level": (
        lambda base, user: base_services.level_change(
            base=base, by=user, level=BaseLevel.PROVINCIAL, changed_on=date(2026, 6, 1),
            document_number="川教函〔2026〕88号",
        ),
        BaseState.ACTIVE, BaseState.ACTIVE, "change_level",
    ),
    "plaque": (
        lambda base, user: base_services.base_register_existing(
            base=base, by=user, plaque_date=date(2025, 9, 1)  # Art 27 in force
        ),
        BaseState.PREPARING, BaseState.ACTIVE, "award_plaque",
    ),
}  # fmt: skip


@pytest.mark.parametrize("which", sorted(BASE_RACES))
@pytest.mark.django_db(transaction=True)
def test_base_eight_office_staff_act_at_once(people, college_a, which):
    act, source, target, transition = BASE_RACES[which]
    base = p_factories.active_base(college_a, people["office"])
    if source == BaseState.PREPARING:
        Base.objects.filter(pk=base.pk).update(state=BaseState.PREPARING)
    office = _many("office", R.GRADUATE_OFFICE)

    outcomes = race(lambda user, page: act(page, user), office, lambda: fresh(base))

    check_race(outcomes)
    row = fresh(base)
    assert row.state == target
    assert logs(base) == 1 and logs(base, transition) == 1
    if which == "level":
        assert row.level == BaseLevel.PROVINCIAL
        assert BaseLevelChange.objects.filter(base=base).count() == 1
    if which == "plaque":
        assert FundingEntry.objects.filter(base=base).count() == 3  # Art 27, once
    check_one_set_of_notifications(base, 0)


@pytest.mark.django_db(transaction=True)
def test_renewal_eight_office_staff_approve_at_once(people, base):
    """Art 7: two (eight) office users approve the same renewal: one transition."""
    renewal = renewal_factories.advance(
        renewal_factories.file_renewal(base, people["secretary_a"]), RS.OFFICE_REVIEW, people
    )
    office = _many("office", R.GRADUATE_OFFICE)
    log_before, sent_before = logs(renewal), notifications_of(renewal).count()

    outcomes = race(
        lambda user, page: renewal_services.renewal_office_approve(
            renewal=page, by=user, expected=seen(page), comment="同意续签。"
        ),
        office,
        lambda: fresh(renewal),
    )

    check_race(outcomes)
    assert all(isinstance(o, AlreadyHandled) for o in outcomes if o != "ok")
    assert fresh(renewal).state == RS.MEETING
    assert logs(renewal) == log_before + 1 and logs(renewal, "office_approve") == 1
    check_one_set_of_notifications(renewal, sent_before)


@pytest.mark.django_db(transaction=True)
def test_renewal_eight_office_staff_record_the_signing_at_once(people, base):
    """One new agreement, one log row on the renewal and one on the base."""
    renewal = renewal_factories.advance(
        renewal_factories.file_renewal(base, people["secretary_a"]), RS.APPROVED, people
    )
    office = _many("office", R.GRADUATE_OFFICE)
    agreements_before, base_logs_before = base.agreements.count(), logs(base)

    outcomes = race(
        lambda user, page: renewal_services.renewal_sign(
            renewal=page, by=user, expected=seen(page), signed_on=date(2026, 5, 8),
            starts_on=page.starts_on, ends_on=None, scan=app_factories.pdf_file(),
        ),
        office,
        lambda: fresh(renewal),
    )  # fmt: skip

    check_race(outcomes)
    assert fresh(renewal).state == RS.SIGNED
    assert base.agreements.count() == agreements_before + 1
    assert logs(renewal, "sign") == 1 and logs(base) == base_logs_before + 1


@pytest.mark.django_db(transaction=True)
def test_annex2_eight_college_heads_approve_at_once(people, base, supervisor, college_a):
    draft = p_factories.complete_request(people["student_a"], base, supervisor)
    req = p_factories.advance_to(draft, S2.COLLEGE_REVIEW, people)
    staff = _many("staff", R.COLLEGE_HEAD, college=college_a)
    log_before, sent_before = logs(req), notifications_of(req).count()

    outcomes = race(
        lambda user, page: p_services.request_college_approve(
            req=page, by=user, expected=seen(page), comment="同意。"
        ),
        staff,
        lambda: fresh(req),
    )

    check_race(outcomes)
    assert all(isinstance(o, AlreadyHandled) for o in outcomes if o != "ok")
    assert fresh(req).state == S2.OFFICE_REVIEW
    assert logs(req) == log_before + 1 and logs(req, "college_approve") == 1
    check_one_set_of_notifications(req, sent_before)


@pytest.mark.django_db(transaction=True)
def test_annex3_eight_office_staff_archive_at_once(people, approved_request):
    assessment = p_factories.advance_assessment_to(
        p_factories.complete_assessment(approved_request), A.OFFICE_REVIEW, people
    )
    record_services.thesis_set(
        req=approved_request, file=p_factories.thesis_file(), by=people["student_a"]
    )
    p_factories.clear_thesis(approved_request)  # Art 25: the base answered the thesis clearance
    office = _many("office", R.GRADUATE_OFFICE)
    log_before, sent_before = logs(assessment), notifications_of(assessment).count()
    req_logs_before = logs(approved_request)

    outcomes = race(
        lambda user, page: a3.assessment_archive(
            assessment=page, by=user, expected=seen(page), comment="予以归档。"
        ),
        office,
        lambda: fresh(assessment),
    )

    check_race(outcomes)
    assert fresh(assessment).state == A.ARCHIVED
    assert fresh(approved_request).state == S2.COMPLETED
    assert logs(assessment) == log_before + 1 and logs(assessment, "archive") == 1
    assert logs(approved_request) == req_logs_before + 1
    assert logs(approved_request, "complete") == 1
    check_one_set_of_notifications(assessment, sent_before)


@pytest.mark.django_db(transaction=True)
def test_supervisor_eight_office_staff_certify_at_once(people, base):
    nominee = p_factories.nominated_supervisor(base, people["secretary_a"])
    office = _many("office", R.GRADUATE_OFFICE)
    numbers = iter(f"XCU-JDDS-9{i:03d}" for i in range(THREADS))
    per_user = {user.pk: next(numbers) for user in office}
    users_before, sent_before = User.objects.count(), notifications_of(nominee).count()

    outcomes = race(
        lambda user, page: p_services.supervisor_certify(
            supervisor=page, by=user, certificate_number=per_user[user.pk],
            certified_on=date(2025, 2, 1), valid_until=None,
        ),
        office,
        lambda: fresh(nominee),
    )  # fmt: skip

    check_race(outcomes)
    row = fresh(nominee)
    assert row.state == SupervisorState.CERTIFIED and row.user_id
    assert User.objects.count() == users_before + 1  # one account, not eight
    assert logs(nominee, "certify") == 1 and logs(nominee) == 2  # nominate, certify
    check_one_set_of_notifications(nominee, sent_before)


@pytest.mark.django_db(transaction=True)
def test_supervisor_eight_office_staff_revoke_at_once(people, supervisor):
    office = _many("office", R.GRADUATE_OFFICE)
    before, sent_before = logs(supervisor), notifications_of(supervisor).count()

    outcomes = race(
        lambda user, page: p_services.supervisor_revoke(
            supervisor=page, by=user, reason="已调离基地。"
        ),
        office,
        lambda: fresh(supervisor),
    )

    check_race(outcomes)
    assert fresh(supervisor).state == SupervisorState.REVOKED
    assert logs(supervisor) == before + 1 and logs(supervisor, "revoke") == 1
    assert not User.objects.get(pk=supervisor.user_id).is_active
    check_one_set_of_notifications(supervisor, sent_before)


def _clearance(people, req):
    return record_services.clearance_ask(
        req=req, by=people["student_a"],
        data={"use": ClearanceUse.PAPER, "title": "苦荞黄酮含量的品种差异",
              "venue": "《西南农业学报》", "content": "拟使用 2026 年田间试验数据。"},
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_clearance_eight_answers_at_once(people, approved_request, supervisor):
    clearance = _clearance(people, approved_request)
    sent_before = notifications_of(clearance).count()
    # The request has one base supervisor: one person, eight tabs, opposite answers.
    answers = [supervisor.user] * THREADS
    flags = iter([True, False] * (THREADS // 2))
    confidential = {i: next(flags) for i in range(THREADS)}
    counter = iter(range(THREADS))

    outcomes = race(
        lambda user, page: record_services.clearance_answer(
            clearance=page, by=user, confidential=confidential[next(counter)], answer="已确认。"
        ),
        answers,
        lambda: fresh(clearance),
    )

    check_race(outcomes)
    assert all(isinstance(o, AlreadyHandled) for o in outcomes if o != "ok")
    assert fresh(clearance).state in (ClearanceState.OPEN, ClearanceState.CONFIDENTIAL)
    assert logs(clearance) == 2  # ask, one answer
    check_one_set_of_notifications(clearance, sent_before)


@pytest.mark.django_db(transaction=True)
def test_evaluation_eight_college_staff_submit_at_once(people, base, college_a):
    standard = eval_services.standard_create(year=2026, by=people["office"])
    evaluation = _self_assessing(people, standard, base)
    staff = _many("staff", R.COLLEGE_SECRETARY, college=college_a)
    sent_before = notifications_of(evaluation).count()

    outcomes = race(
        lambda user, page: eval_services.self_assessment_submit(evaluation=page, by=user),
        staff,
        lambda: fresh(evaluation),
    )

    check_race(outcomes)
    assert all(isinstance(o, AlreadyHandled) for o in outcomes if o != "ok")
    assert fresh(evaluation).state == E.SCORING
    assert logs(evaluation) == 1 and logs(evaluation, "submit") == 1
    check_one_set_of_notifications(evaluation, sent_before)


@pytest.mark.django_db(transaction=True)
def test_evaluation_eight_office_staff_finalise_at_once(people, base):
    standard = eval_services.standard_create(year=2026, by=people["office"])
    evaluation = _scored(people, standard, base, total="50")  # a term assessment, Unqualified
    office = _many("office", R.GRADUATE_OFFICE)
    before, sent_before = logs(evaluation), notifications_of(evaluation).count()

    outcomes = race(
        lambda user, page: eval_services.evaluation_finalise(evaluation=page, by=user),
        office,
        lambda: fresh(evaluation),
    )

    check_race(outcomes)
    assert fresh(evaluation).state == E.FINALISED
    assert logs(evaluation) == before + 1 and logs(evaluation, "finalise") == 1
    # Art 29: the consequence — one revocation decision for the office — lands once.
    assert fresh(base).state == BaseState.ACTIVE and logs(base, "revoke") == 0
    decision = RevocationDecision.objects.get(evaluation=evaluation)
    assert logs(decision) == 1 and logs(decision, "propose") == 1
    check_one_set_of_notifications(evaluation, sent_before)
    check_one_set_of_notifications(decision, 0)


@pytest.mark.django_db(transaction=True)
def test_evaluation_eight_office_staff_confirm_a_revocation_at_once(people, base):
    """Art 29: the office confirms the revocation an Unqualified term assessment proposed."""
    standard = eval_services.standard_create(year=2026, by=people["office"])
    evaluation = _scored(people, standard, base, total="50")
    eval_services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    decision = RevocationDecision.objects.get(evaluation=evaluation)
    office = _many("office", R.GRADUATE_OFFICE)
    sent_before = notifications_of(base).count()

    outcomes = race(
        lambda user, page: eval_decisions.revocation_confirm(
            decision=page, by=user, reference="校长办公会纪要〔2029〕8号"
        ),
        office,
        lambda: fresh(decision),
    )

    check_race(outcomes)
    assert all(isinstance(o, AlreadyHandled) for o in outcomes if o != "ok")
    assert fresh(decision).state == DecisionState.CONFIRMED and logs(decision, "confirm") == 1
    assert fresh(base).state == BaseState.REVOKED and logs(base, "revoke") == 1
    check_one_set_of_notifications(base, sent_before)


@pytest.mark.django_db(transaction=True)
def test_standard_eight_rounds_opened_at_once_put_it_in_use_once(people, base):
    standard = eval_services.standard_create(year=2026, by=people["office"])
    office = _many("office", R.GRADUATE_OFFICE)
    years = {user.pk: 2026 + i for i, user in enumerate(office)}

    outcomes = race(
        lambda user, page: eval_services.round_open(
            year=years[user.pk], kind=RoundKind.YEARLY, standard=page,
            deadline=date(2030, 12, 1), bases=[base], by=user,
        ),
        office,
        lambda: fresh(standard),
    )  # fmt: skip

    # Opening a round is not a refusal-worthy duplicate (each opens its own round); the
    # standard's transition happens once, and nobody gets a database error.
    assert outcomes == ["ok"] * THREADS, outcomes
    assert fresh(standard).state == StandardState.IN_USE
    assert logs(standard) == 1 and logs(standard, "put_in_use") == 1
    assert EvaluationRound.objects.filter(standard=standard).count() == THREADS


# --- 2. a failure after the state change undoes it -----------------------------------------


class Boom(Exception):
    pass


@pytest.fixture
def fail_after(monkeypatch):
    """Make the notification step of ``record_transition`` (which runs after the state has
    changed and the log row is written) raise, for one model or for all."""

    def arm(model=None):
        real = notify.transition_logged

        def failing(obj, log):
            if model is None or isinstance(obj, model):
                raise Boom("通知服务故障")
            return real(obj, log)

        monkeypatch.setattr(notify, "transition_logged", failing)

    return arm


def _footprint(*objs) -> dict:
    return {
        "states": [getattr(fresh(o), "state", None) for o in objs],
        "logs": TransitionLog.objects.count(),
        "notifications": Notification.objects.count(),
        "users": User.objects.count(),
    }


@pytest.mark.django_db
def test_annex1_failure_after_college_approval_undoes_it(people, fail_after):
    app = app_factories.advance_to(
        app_factories.complete_application(people["secretary_a"]), S1.COLLEGE_REVIEW, people
    )
    before = _footprint(app)
    fail_after()
    with pytest.raises(Boom):
        app_services.application_college_approve(
            app=app, by=people["head_a"], expected=seen(app), comment="同意。"
        )
    assert _footprint(app) == before


@pytest.mark.django_db
def test_annex1_failure_after_submit_undoes_round_and_snapshot(people, fail_after):
    app = app_factories.complete_application(people["secretary_a"])
    before = _footprint(app)
    fail_after()
    with pytest.raises(Boom):
        app_services.application_submit(app=app, by=people["secretary_a"], expected=seen(app))
    assert _footprint(app) == before
    row = fresh(app)
    assert (row.round, row.submitted_at, row.snapshots.count()) == (0, None, 0)


@pytest.mark.django_db
def test_annex1_failure_in_the_second_log_of_establishment_undoes_the_plaque(people, fail_after):
    """Establishment moves two machines (the base, then the application): a failure in the
    second one's log leaves the base unplaqued and without its Art 27 allocations."""
    app = app_factories.advance_to(
        app_factories.complete_application(people["secretary_a"]), S1.SIGNED, people
    )
    the_base = Base.objects.get(application=app)
    before = _footprint(app, the_base)
    fail_after(BaseApplication)
    with pytest.raises(Boom):
        app_services.application_establish(
            app=app, by=people["office"], expected=seen(app), plaque_date=date(2026, 5, 1)
        )
    assert _footprint(app, the_base) == before
    assert fresh(the_base).plaque_date is None
    assert not FundingEntry.objects.filter(base=the_base).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("which", sorted(BASE_RACES))
def test_base_failure_after_the_change_undoes_it(people, college_a, fail_after, which):
    act, source, _target, _transition = BASE_RACES[which]
    base = p_factories.active_base(college_a, people["office"])
    if source == BaseState.PREPARING:
        Base.objects.filter(pk=base.pk).update(state=BaseState.PREPARING)
    before = _footprint(base)
    fail_after()
    with pytest.raises(Boom):
        act(fresh(base), people["office"])
    assert _footprint(base) == before
    row = fresh(base)
    assert (row.level, row.plaque_date) == (BaseLevel.SCHOOL, None)
    assert not BaseLevelChange.objects.filter(base=base).exists()
    assert not FundingEntry.objects.filter(base=base).exists()


@pytest.mark.django_db
def test_renewal_failure_in_the_base_log_undoes_the_signing(people, base, fail_after):
    """Signing a renewal moves two machines (the renewal, then the base's timeline): a failure
    in the second leaves no agreement, no signed renewal and no log row."""
    renewal = renewal_factories.advance(
        renewal_factories.file_renewal(base, people["secretary_a"]), RS.APPROVED, people
    )
    before = {**_footprint(renewal, base), "agreements": base.agreements.count()}
    fail_after(Base)
    with pytest.raises(Boom):
        renewal_services.renewal_sign(
            renewal=renewal, by=people["office"], expected=seen(renewal),
            signed_on=date(2026, 5, 8), starts_on=renewal.starts_on, ends_on=None,
            scan=app_factories.pdf_file(),
        )  # fmt: skip
    assert {**_footprint(renewal, base), "agreements": base.agreements.count()} == before
    assert fresh(renewal).agreement_id is None


@pytest.mark.django_db
def test_annex2_failure_after_office_approval_undoes_it(people, base, supervisor, fail_after):
    draft = p_factories.complete_request(people["student_a"], base, supervisor)
    req = p_factories.advance_to(draft, S2.OFFICE_REVIEW, people)
    before = _footprint(req)
    fail_after()
    with pytest.raises(Boom):
        p_services.request_office_approve(
            req=req, by=people["office"], expected=seen(req), comment="同意。"
        )
    assert _footprint(req) == before


@pytest.mark.django_db
def test_annex2_failure_after_submit_undoes_round_and_snapshot(
    people, base, supervisor, fail_after
):
    req = p_factories.complete_request(people["student_a"], base, supervisor)
    before = _footprint(req)
    fail_after()
    with pytest.raises(Boom):
        p_services.request_submit(req=req, by=people["student_a"], expected=seen(req))
    assert _footprint(req) == before
    row = fresh(req)
    assert (row.round, row.snapshots.count()) == (0, 0)


@pytest.mark.django_db
def test_annex3_failure_completing_the_request_undoes_the_archiving(
    people, approved_request, fail_after
):
    """Archiving Annex 3 completes Annex 2 in the same call: a failure in the second
    transition's log leaves Annex 3 in office review too."""
    assessment = p_factories.advance_assessment_to(
        p_factories.complete_assessment(approved_request), A.OFFICE_REVIEW, people
    )
    record_services.thesis_set(
        req=approved_request, file=p_factories.thesis_file(), by=people["student_a"]
    )
    p_factories.clear_thesis(approved_request)  # Art 25: the base answered the thesis clearance
    before = _footprint(assessment, approved_request)
    fail_after(PracticeRequest)
    with pytest.raises(Boom):
        a3.assessment_archive(
            assessment=assessment, by=people["office"], expected=seen(assessment),
            comment="予以归档。",
        )  # fmt: skip
    assert _footprint(assessment, approved_request) == before
    assert fresh(assessment).state == A.OFFICE_REVIEW


@pytest.mark.django_db
def test_annex3_failure_after_grading_undoes_grade_and_state(people, approved_request, fail_after):
    assessment = p_factories.advance_assessment_to(
        p_factories.complete_assessment(approved_request), A.BASE_SUPERVISOR_REVIEW, people
    )
    before = _footprint(assessment)
    fail_after()
    with pytest.raises(Boom):
        a3.assessment_base_supervisor_approve(
            assessment=assessment, by=approved_request.base_supervisor.user,
            expected=seen(assessment), comment="认真完成。", grade="excellent",
        )  # fmt: skip
    assert _footprint(assessment) == before
    assert fresh(assessment).grade == ""


@pytest.mark.django_db
def test_supervisor_failure_after_certification_undoes_it_and_the_account(
    people, base, fail_after
):
    nominee = p_factories.nominated_supervisor(base, people["secretary_a"])
    before = _footprint(nominee)
    fail_after()
    with pytest.raises(Boom):
        p_services.supervisor_certify(
            supervisor=nominee, by=people["office"], certificate_number="XCU-JDDS-0999",
            certified_on=date(2025, 2, 1), valid_until=None,
        )  # fmt: skip
    assert _footprint(nominee) == before  # including: no login account was left behind
    row = fresh(nominee)
    assert (row.certificate_number, row.user_id) == ("", None)


@pytest.mark.django_db
def test_supervisor_failure_after_revocation_keeps_the_account_active(
    people, supervisor, fail_after
):
    before = _footprint(supervisor)
    fail_after()
    with pytest.raises(Boom):
        p_services.supervisor_revoke(supervisor=supervisor, by=people["office"], reason="调离。")
    assert _footprint(supervisor) == before
    assert User.objects.get(pk=supervisor.user_id).is_active


@pytest.mark.django_db
def test_clearance_failure_after_the_answer_undoes_it(
    people, approved_request, supervisor, fail_after
):
    clearance = _clearance(people, approved_request)
    before = _footprint(clearance)
    fail_after()
    with pytest.raises(Boom):
        record_services.clearance_answer(
            clearance=clearance, by=supervisor.user, confidential=True, answer="涉密。"
        )
    assert _footprint(clearance) == before
    row = fresh(clearance)
    assert (row.answer, row.answered_by_id, row.answered_at) == ("", None, None)


@pytest.mark.django_db
def test_evaluation_failure_after_submit_undoes_it(people, base, fail_after):
    standard = eval_services.standard_create(year=2026, by=people["office"])
    evaluation = _self_assessing(people, standard, base)
    before = _footprint(evaluation)
    fail_after()
    with pytest.raises(Boom):
        eval_services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    assert _footprint(evaluation) == before


@pytest.mark.django_db
def test_evaluation_failure_in_the_consequence_undoes_the_finalising(people, base, monkeypatch):
    """Art 29: an Unqualified term assessment opens the revocation decision in the same call;
    if that step fails, the evaluation is not finalised either (no grade without its
    consequence)."""
    standard = eval_services.standard_create(year=2026, by=people["office"])
    evaluation = _scored(people, standard, base, total="50")
    before = _footprint(evaluation, base)

    def failing_propose(**kwargs):
        raise Boom("撤销决定未能建立")

    monkeypatch.setattr(eval_decisions, "revocation_propose", failing_propose)
    with pytest.raises(Boom):
        eval_services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    assert _footprint(evaluation, base) == before
    row = fresh(evaluation)
    assert (row.state, row.total, row.grade, row.finalised_at) == (E.SCORING, None, "", None)
    assert not RevocationDecision.objects.exists()


@pytest.mark.django_db
def test_evaluation_failure_revoking_the_base_undoes_the_confirmation(people, base, monkeypatch):
    """Art 29: confirming the decision and revoking the base are one change, or none."""
    standard = eval_services.standard_create(year=2026, by=people["office"])
    evaluation = _scored(people, standard, base, total="50")
    eval_services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    decision = RevocationDecision.objects.get()
    before = _footprint(decision, base)

    def failing_revoke(**kwargs):
        raise Boom("撤销失败")

    monkeypatch.setattr(base_services, "base_revoke", failing_revoke)
    with pytest.raises(Boom):
        eval_decisions.revocation_confirm(decision=decision, by=people["office"], reference="纪要")
    assert _footprint(decision, base) == before
    row = fresh(decision)
    assert (row.state, row.reference, row.decided_by_id) == (DecisionState.PENDING, "", None)


@pytest.mark.django_db
def test_standard_failure_after_put_in_use_undoes_it_and_the_round(people, base, monkeypatch):
    standard = eval_services.standard_create(year=2026, by=people["office"])
    before = _footprint(standard)

    def failing(*args, **kwargs):
        raise Boom("通知服务故障")

    monkeypatch.setattr(evaluation_notifications, "round_opened", failing)
    with pytest.raises(Boom):
        eval_services.round_open(
            year=2026, kind=RoundKind.YEARLY, standard=standard, deadline=date(2026, 12, 1),
            bases=[base], by=people["office"],
        )  # fmt: skip
    assert _footprint(standard) == before
    assert fresh(standard).state == StandardState.DRAFT
    assert not EvaluationRound.objects.exists() and not BaseEvaluation.objects.exists()


# --- 3. nobody approves what they submitted -----------------------------------------------


def _refused_own(call, obj):
    before = _footprint(obj)
    with pytest.raises((WorkflowError, PermissionDenied)) as refused:
        call()
    message = getattr(refused.value, "message", None) or str(refused.value)
    assert CJK.search(message), message
    assert _footprint(obj) == before
    return message


@pytest.mark.django_db
def test_annex1_secretary_who_is_also_head_cannot_approve_what_they_submitted(people, college_a):
    both = make_user("secretary_head", R.COLLEGE_SECRETARY, R.COLLEGE_HEAD, college=college_a)
    app = app_factories.complete_application(both)
    app = app_services.application_submit(app=app, by=both, expected=seen(app))

    message = _refused_own(
        lambda: app_services.application_college_approve(
            app=app, by=both, expected=seen(app), comment="同意。"
        ),
        app,
    )
    assert "本人提交" in message
    # Another head of the college may.
    app = app_services.application_college_approve(
        app=app, by=people["head_a"], expected=seen(app), comment="同意。"
    )
    assert app.state == S1.OFFICE_REVIEW


@pytest.mark.django_db
def test_annex1_secretary_who_is_also_office_cannot_pass_the_office_review(people, college_a):
    both = make_user("secretary_office", R.COLLEGE_SECRETARY, R.GRADUATE_OFFICE, college=college_a)
    app = app_factories.complete_application(both)
    app = app_services.application_submit(app=app, by=both, expected=seen(app))
    app = app_factories.advance_to(app, S1.OFFICE_REVIEW, people)
    app = app_factories.complete_office_review(app, people)

    message = _refused_own(
        lambda: app_services.application_office_approve(
            app=app, by=both, expected=seen(app), comment="同意。"
        ),
        app,
    )
    assert "本人提交" in message
    app = app_services.application_office_approve(
        app=app, by=people["office"], expected=seen(app), comment="同意。"
    )
    assert app.state == S1.MEETING


@pytest.mark.django_db
def test_renewal_secretary_who_is_also_office_cannot_pass_the_office_review(
    people, base, college_a
):
    both = make_user("secretary_office", R.COLLEGE_SECRETARY, R.GRADUATE_OFFICE, college=college_a)
    renewal = renewal_factories.file_renewal(base, both)
    renewal = renewal_services.renewal_submit(renewal=renewal, by=both, expected=seen(renewal))
    renewal = renewal_factories.advance(renewal, RS.OFFICE_REVIEW, people)

    message = _refused_own(
        lambda: renewal_services.renewal_office_approve(
            renewal=renewal, by=both, expected=seen(renewal), comment="同意。"
        ),
        renewal,
    )
    assert "本人提交" in message
    renewal = renewal_services.renewal_office_approve(
        renewal=renewal, by=people["office"], expected=seen(renewal), comment="同意。"
    )
    assert renewal.state == RS.MEETING


@pytest.mark.django_db
def test_annex2_student_who_is_also_college_head_cannot_approve_own_request(
    people, base, supervisor, college_a
):
    """A member of staff enrolled as a part-time graduate student (在职研究生)."""
    both = _student_ready(
        "staff_student", college_a, people["tutor_a"], people["secretary_a"], R.COLLEGE_HEAD
    )
    req = p_factories.complete_request(both, base, supervisor)
    req = p_factories.advance_to(req, S2.COLLEGE_REVIEW, people)

    message = _refused_own(
        lambda: p_services.request_college_approve(
            req=req, by=both, expected=seen(req), comment="同意。"
        ),
        req,
    )
    assert "本人提交" in message
    req = p_services.request_college_approve(
        req=req, by=people["head_a"], expected=seen(req), comment="同意。"
    )
    assert req.state == S2.OFFICE_REVIEW


@pytest.mark.django_db
def test_annex2_student_who_is_also_office_cannot_approve_own_request(
    people, base, supervisor, college_a
):
    both = _student_ready(
        "office_student", college_a, people["tutor_a"], people["secretary_a"], R.GRADUATE_OFFICE
    )
    req = p_factories.complete_request(both, base, supervisor)
    req = p_factories.advance_to(req, S2.OFFICE_REVIEW, people)

    message = _refused_own(
        lambda: p_services.request_office_approve(
            req=req, by=both, expected=seen(req), comment="同意。"
        ),
        req,
    )
    assert "本人提交" in message


@pytest.mark.django_db
def test_annex3_student_who_is_also_college_head_cannot_approve_own_assessment(
    people, base, supervisor, college_a
):
    both = _student_ready(
        "staff_student", college_a, people["tutor_a"], people["secretary_a"], R.COLLEGE_HEAD
    )
    req = p_factories.advance_to(
        p_factories.complete_request(both, base, supervisor), S2.APPROVED, people
    )
    assessment = p_factories.advance_assessment_to(
        p_factories.complete_assessment(req), A.COLLEGE_REVIEW, people
    )

    message = _refused_own(
        lambda: a3.assessment_college_approve(
            assessment=assessment, by=both, expected=seen(assessment), comment="同意。"
        ),
        assessment,
    )
    assert "本人提交" in message
    assessment = a3.assessment_college_approve(
        assessment=assessment, by=people["head_a"], expected=seen(assessment),
        comment="同意。",
    )  # fmt: skip
    assert assessment.state == A.OFFICE_REVIEW


@pytest.mark.django_db
def test_evaluation_college_secretary_who_is_also_office_cannot_finalise_own_self_assessment(
    people, base, college_a
):
    both = make_user("secretary_office", R.COLLEGE_SECRETARY, R.GRADUATE_OFFICE, college=college_a)
    standard = eval_services.standard_create(year=2026, by=people["office"])
    evaluation = _scored(
        dict(people, secretary_a=both), standard, base, kind=RoundKind.YEARLY, year=2026
    )

    message = _refused_own(
        lambda: eval_services.evaluation_finalise(evaluation=evaluation, by=both), evaluation
    )
    assert "本人提交" in message
    evaluation = eval_services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    assert evaluation.state == E.FINALISED
