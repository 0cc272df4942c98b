"""Who hears about a base (Art 7(5), Art 8, Art 29): its college hears every change of status,
level or term; the office also hears when a term runs out. The office's own action is not
reported back to it, another college hears nothing, a refused action notifies nobody."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from agreements import renewals, services
from agreements.choices import BaseLevel, BaseState, RenewalState
from agreements.services import BaseError
from tests.agreements.renewal_factories import advance, file_renewal
from tests.agreements.test_compliance import make_base
from tests.applications.factories import pdf_file
from tests.conftest import make_user
from tests.notices import captured, who
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode as R
from xcu_bases.dates import add_years
from xcu_bases.workflow import seen

COLLEGE_A = [("head_a", K.RESULT), ("secretary_a", K.RESULT)]


@pytest.fixture
def people(college_a, college_b):
    return {
        "secretary_a": make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "head_b": make_user("head_b", R.COLLEGE_HEAD, college=college_b),
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "office2": make_user("office2", R.GRADUATE_OFFICE, name="马丽"),
        "student_a": make_user("student_a", R.STUDENT, college=college_a),
    }


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def registered(people, college_a, today):
    """``registered(ends_on=...)``: an active base of ``college`` whose agreement ends then."""

    def build(
        *, ends_on, college=college_a, name="西昌学院—凉山测试种业有限公司研究生联合培养基地"
    ):
        starts_on = add_years(ends_on + timedelta(days=1), -5)
        base = make_base(
            college, people["office"], starts_on=starts_on, ends_on=ends_on, name=name
        )
        return services.base_register_existing(
            base=base, by=people["office"], plaque_date=starts_on + timedelta(days=30)
        )

    return build


def url(base) -> str:
    return reverse("agreements:base_detail", args=[base.pk])


def _approved_renewal(base, people, starts_on):
    """Art 7: a renewal filed and approved; what is left is to record its signing."""
    renewal = file_renewal(base, people["secretary_a"], starts_on=starts_on,
                           ends_on=add_years(starts_on, 5))  # fmt: skip
    return advance(renewal, RenewalState.APPROVED, people)


def _sign(renewal, people, today):
    return renewals.renewal_sign(
        renewal=renewal, by=people["office"], expected=seen(renewal), signed_on=today,
        starts_on=renewal.starts_on, ends_on=None, scan=pdf_file("续签协议.pdf"),
    )  # fmt: skip


def test_the_plaque_is_reported_to_the_college(people, college_a, today):
    starts_on = today - timedelta(days=100)
    base = make_base(
        college_a, people["office"], starts_on=starts_on, ends_on=add_years(starts_on, 5)
    )
    with captured() as rows:
        services.base_register_existing(base=base, by=people["office"], plaque_date=starts_on)
    assert who(rows) == COLLEGE_A
    assert {(n.title, n.url) for n in rows} == {(f"基地已授牌：{base}", url(base))}


def test_an_expired_term_is_reported_to_the_college_and_the_whole_office(registered, today):
    base = registered(ends_on=today - timedelta(days=1))
    with captured() as rows:
        services.base_expire_due()
    assert who(rows) == sorted([*COLLEGE_A, ("office", K.RESULT), ("office2", K.RESULT)])
    assert {n.url for n in rows} == {url(base)}
    assert rows[0].title == f"基地协议已到期：{base}"


def test_renewing_an_expired_base_is_reported_to_the_college(registered, people, today):
    base = registered(ends_on=today - timedelta(days=1))
    services.base_expire_due()
    renewal = _approved_renewal(base, people, today)
    with captured() as rows:
        _sign(renewal, people, today)
    assert who(rows) == COLLEGE_A  # once, by the base's rule (the renewal's says nothing more)
    assert rows[0].title == f"基地已续签：{base}"
    assert services.Base.objects.get(pk=base.pk).state == BaseState.ACTIVE


def test_a_renewal_taking_effect_overnight_is_reported_to_the_college(registered, people, today):
    base = registered(ends_on=today - timedelta(days=1))
    services.base_expire_due()
    services.Agreement.objects.create(
        base=base, signed_on=today, starts_on=today, ends_on=add_years(today, 5),
        scan=pdf_file("续签协议.pdf"), scan_name="续签协议.pdf", recorded_by=people["office"],
    )  # fmt: skip
    with captured() as rows:
        services.base_expire_due()
    assert who(rows) == COLLEGE_A
    assert rows[0].title == f"基地已续签：{base}"


def test_a_renewal_agreement_for_an_active_base_is_reported_to_the_college(
    registered, people, today
):
    base = registered(ends_on=today + timedelta(days=60))
    renewal = _approved_renewal(base, people, today + timedelta(days=61))
    with captured() as rows:
        _sign(renewal, people, today)
    assert who(rows) == COLLEGE_A
    assert rows[0].title == f"已登记续签协议：{base}"


def test_revoking_is_reported_to_the_college_with_the_reason(registered, people, today):
    base = registered(ends_on=today + timedelta(days=400))
    with captured() as rows:
        services.base_revoke(base=base, by=people["office"], reason="年度评估不合格。")
    assert who(rows) == COLLEGE_A
    assert {(n.title, n.body) for n in rows} == {(f"基地资格已取消：{base}", "年度评估不合格。")}


def test_a_new_level_is_reported_to_the_college(registered, people, today):
    base = registered(ends_on=today + timedelta(days=400))
    with captured() as rows:
        services.level_change(
            base=base, by=people["office"], level=BaseLevel.PROVINCIAL,
            changed_on=date(2026, 9, 1), document_number="川教函〔2026〕88号",
        )  # fmt: skip
    assert who(rows) == COLLEGE_A
    assert rows[0].title == f"基地级别已变更：{base}"
    assert rows[0].body == "川教函〔2026〕88号"


def test_another_colleges_base_is_its_own_business(registered, people, college_b, today):
    base = registered(ends_on=today + timedelta(days=400), college=college_b, name="乙学院基地")
    with captured() as rows:
        services.base_revoke(base=base, by=people["office"], reason="合作终止。")
    assert who(rows) == [("head_b", K.RESULT), ("secretary_b", K.RESULT)]


def test_a_college_officer_who_is_also_in_the_office_does_not_hear_of_her_own_revocation(
    registered, people, college_a, today
):
    both = make_user("both", R.GRADUATE_OFFICE, R.COLLEGE_SECRETARY, college=college_a)
    base = registered(ends_on=today + timedelta(days=400))
    with captured() as rows:
        services.base_revoke(base=base, by=both, reason="合作终止。")
    assert who(rows) == COLLEGE_A


def test_edits_of_the_record_notify_nobody(registered, people, today):
    base = registered(ends_on=today + timedelta(days=400))
    with captured() as rows:
        services.base_profile_update(
            base=base, by=people["secretary_a"], responsible_college=base.college,
            participating_colleges=[], inspector=people["head_a"],
        )  # fmt: skip
    assert rows == []


REFUSED = [
    pytest.param(
        lambda base, p: services.base_revoke(base=base, by=p["secretary_a"], reason="x"),
        PermissionDenied, id="revoke-by-college",
    ),
    pytest.param(
        lambda base, p: services.base_revoke(base=base, by=p["office"], reason=" "),
        BaseError, id="revoke-without-reason",
    ),
    pytest.param(
        lambda base, p: services.level_change(
            base=base, by=p["head_a"], level=BaseLevel.PROVINCIAL, changed_on=date(2026, 9, 1),
            document_number="川教函〔2026〕88号",
        ),
        PermissionDenied, id="level-by-college",
    ),
    pytest.param(
        lambda base, p: services.level_change(
            base=base, by=p["office"], level=BaseLevel.SCHOOL, changed_on=date(2026, 9, 1),
            document_number="川教函〔2026〕88号",
        ),
        BaseError, id="level-unchanged",
    ),
    pytest.param(
        lambda base, p: services.base_renewed(
            base=base, agreement=base.latest_agreement(), by=p["secretary_a"]
        ),
        PermissionDenied, id="renew-by-college",
    ),
    pytest.param(
        lambda base, p: services.base_register_existing(base=base, by=p["office"]),
        BaseError, id="plaque-twice",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("action", "error"), REFUSED)
def test_a_refused_action_notifies_nobody(action, error, registered, people, today):
    base = registered(ends_on=today + timedelta(days=400))
    with captured() as rows, pytest.raises(error):
        action(base, people)
    assert rows == []


def test_revoking_a_revoked_base_notifies_nobody(registered, people, today):
    base = registered(ends_on=today + timedelta(days=400))
    base = services.base_revoke(base=base, by=people["office"], reason="合作终止。")
    with captured() as rows, pytest.raises(BaseError):
        services.base_revoke(base=base, by=people["office"], reason="再次撤销。")
    assert rows == []
