"""Two people acting on the same application at once: one transition, one log row.

Habit 2: every service locks the row and compares what the user saw (``Seen``)
with what is there now; the loser is told "已被他人处理" (AlreadyHandled).
"""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django_fsm import ConcurrentTransition

from applications import services
from applications.choices import ApplicationState as S
from applications.models import BaseApplication
from applications.services import AlreadyHandled
from tests.applications.factories import advance_to, complete_application, fresh
from tests.conftest import make_user, threads_share_the_test_database
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import TransitionLog


def _log_count(app, transition=None) -> int:
    logs = TransitionLog.objects.for_object(app)
    return (logs.filter(transition=transition) if transition else logs).count()


@pytest.fixture
def waiting(people):
    """College A's application waiting for the college's opinion."""
    return advance_to(complete_application(people["secretary_a"]), S.COLLEGE_REVIEW, people)


def test_art7_2_two_approvals_of_the_same_page_make_one_transition(waiting, people):
    first = BaseApplication.objects.get(pk=waiting.pk)
    second = BaseApplication.objects.get(pk=waiting.pk)
    assert services.seen(first) == services.seen(second)

    services.application_college_approve(
        app=first, by=people["head_a"], expected=services.seen(first), comment="同意推荐"
    )
    with pytest.raises(AlreadyHandled, match="已被他人处理"):
        services.application_college_approve(
            app=second, by=people["head_a"], expected=services.seen(second), comment="同意推荐"
        )

    assert fresh(waiting).state == S.OFFICE_REVIEW
    assert _log_count(waiting, "college_approve") == 1


def test_art7_approval_and_withdrawal_at_once_only_the_first_counts(waiting, people):
    head_page = BaseApplication.objects.get(pk=waiting.pk)
    secretary_page = BaseApplication.objects.get(pk=waiting.pk)

    services.application_college_approve(
        app=head_page, by=people["head_a"], expected=services.seen(head_page), comment="同意"
    )
    with pytest.raises(AlreadyHandled):
        services.application_withdraw(
            app=secretary_page, by=people["secretary_a"], expected=services.seen(secretary_page)
        )

    assert fresh(waiting).state == S.OFFICE_REVIEW
    assert [log.transition for log in TransitionLog.objects.for_object(waiting)] == [
        "submit",
        "college_approve",
    ]


def test_concurrent_transition_mixin_refuses_to_save_a_stale_instance(waiting):
    first = BaseApplication.objects.get(pk=waiting.pk)
    second = BaseApplication.objects.get(pk=waiting.pk)
    first.college_approve()
    first.save()

    second.return_to_draft()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()

    assert fresh(waiting).state == S.OFFICE_REVIEW


def test_service_turns_a_concurrent_transition_into_already_handled(waiting, people):
    """Without the row lock (e.g. a backend that ignores SELECT ... FOR UPDATE), the
    mixin still stops the second writer, and the service says so in Chinese."""
    stale = BaseApplication.objects.get(pk=waiting.pk)
    services.application_college_approve(
        app=waiting, by=people["head_a"], expected=services.seen(waiting), comment="同意"
    )

    with pytest.raises(AlreadyHandled, match="已被他人处理"), transaction.atomic():
        services._transition(stale, "college_approve", by=people["head_a"], comment="同意")

    assert _log_count(waiting, "college_approve") == 1


# --- real threads -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_art7_2_two_threads_approving_at_once_make_one_transition(people, college_a):
    shared, reason = threads_share_the_test_database()
    if not shared:
        pytest.skip(reason)
    app = advance_to(complete_application(people["secretary_a"]), S.COLLEGE_REVIEW, people)
    heads = [
        people["head_a"],
        make_user("head_a2", R.COLLEGE_HEAD, college=college_a, name="王芳"),
    ]
    pages = [BaseApplication.objects.get(pk=app.pk) for _ in heads]
    barrier = threading.Barrier(len(heads))
    outcomes: dict[str, str] = {}

    def approve(head, page):
        try:
            barrier.wait(timeout=10)
            services.application_college_approve(
                app=page, by=head, expected=services.seen(page), comment=f"{head.name}同意"
            )
            outcomes[head.username] = "approved"
        except AlreadyHandled:
            outcomes[head.username] = "already handled"
        except PermissionDenied:
            outcomes[head.username] = "refused"
        except Exception as error:  # reported by the assertion below
            outcomes[head.username] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=pair) for pair in zip(heads, pages, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["already handled", "approved"], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "approved")
    assert fresh(app).state == S.OFFICE_REVIEW
    log = TransitionLog.objects.for_object(app).filter(transition="college_approve")
    assert [(row.by.username, row.source_state) for row in log] == [(winner, "college_review")]
