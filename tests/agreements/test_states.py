"""The Base state machine (preparing → active → expired / revoked), driven through the services."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from agreements import renewals, services
from agreements.choices import BaseLevel, BaseState, RenewalState
from agreements.models import Agreement, Base, BaseLevelChange
from agreements.services import BaseError
from tests.agreements.renewal_factories import advance, file_renewal
from tests.agreements.test_compliance import make_base
from tests.applications.factories import (
    pdf_file,
)
from tests.conftest import make_user
from xcu_bases.choices import RoleCode as R
from xcu_bases.dates import add_years
from xcu_bases.models import TransitionLog
from xcu_bases.workflow import WorkflowError, seen

REASON = "年度对标检查得分 52 分，评定为不合格，依据第二十九条撤销基地资格。"


@pytest.fixture
def people(college_a, college_b):
    """Everyone who acts on a base, named by role; college A owns the bases."""
    return {
        "secretary_a": make_user(
            "secretary_a", R.COLLEGE_SECRETARY, college=college_a, name="杨静"
        ),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="陈志强"),
        "secretary_b": make_user(
            "secretary_b", R.COLLEGE_SECRETARY, college=college_b, name="刘芳"
        ),
        "head_b": make_user("head_b", R.COLLEGE_HEAD, college=college_b, name="苏建军"),
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "legal": make_user("legal", R.LEGAL_OFFICE, name="李婷"),
        "expert1": make_user("expert1", R.EXPERT, name="王建国"),
        "expert2": make_user("expert2", R.EXPERT, name="李正祥"),
    }


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def registered(people, college_a, today):
    """``registered(ends_on=...)``: an active base whose five-year agreement ends on that day."""

    def build(*, ends_on, name="西昌学院—凉山测试种业有限公司研究生联合培养基地"):
        starts_on = add_years(ends_on + timedelta(days=1), -5)
        base = make_base(
            college_a, people["office"], starts_on=starts_on, ends_on=ends_on, name=name
        )
        return services.base_register_existing(
            base=base, by=people["office"], plaque_date=starts_on + timedelta(days=30)
        )

    return build


def fresh(base) -> Base:
    return Base.objects.get(pk=base.pk)


def log(base) -> list:
    return list(TransitionLog.objects.for_object(base))


def footprint(base) -> dict:
    """Everything a refused action must leave as it was."""
    row = fresh(base)
    return {
        "state": row.state,
        "level": row.level,
        "agreements": row.agreements.count(),
        "levels": row.level_changes.count(),
        "log": len(log(row)),
        "funding": row.funding.count(),
    }


# --- Art 7(5): the plaque (Art 27 allocations: tests/agreements/test_funding.py) -------------------


def test_art7_registering_an_existing_base_awards_the_plaque_once(people, college_a, today):
    office = people["office"]
    starts_on = today - timedelta(days=400)
    base = make_base(
        college_a, office, starts_on=starts_on, ends_on=add_years(starts_on, 5) - timedelta(days=1)
    )
    services.base_register_existing(
        base=base, by=office, plaque_date=starts_on + timedelta(days=20)
    )
    base = fresh(base)
    assert (base.state, base.plaque_date) == (BaseState.ACTIVE, starts_on + timedelta(days=20))
    assert sorted(base.funding.values_list("year_no", "amount")) == [
        (n, Decimal("10000.00")) for n in (1, 2, 3)
    ]
    [row] = log(base)
    assert (row.transition, row.source_state, row.target_state) == (
        "award_plaque",
        "preparing",
        "active",
    )
    assert (row.by, row.role) == (office, R.GRADUATE_OFFICE)

    before = footprint(base)
    with pytest.raises(BaseError):
        services.base_register_existing(base=base, by=office)
    assert footprint(base) == before


def test_art7_registering_needs_the_office_an_agreement_and_a_plaque_date(
    people, college_a, today
):
    office = people["office"]
    base = make_base(college_a, office, starts_on=today, ends_on=add_years(today, 5))
    before = footprint(base)
    with pytest.raises(PermissionDenied):
        services.base_register_existing(base=base, by=people["secretary_a"], plaque_date=today)
    with pytest.raises(BaseError, match="挂牌日期"):
        services.base_register_existing(base=base, by=office)
    assert footprint(base) == before
    no_agreement = make_base(college_a, office, name="无协议基地")
    with pytest.raises(BaseError, match="协议书"):
        services.base_register_existing(base=no_agreement, by=office, plaque_date=today)
    assert fresh(no_agreement).state == BaseState.PREPARING


def test_the_state_field_is_protected(registered, today):
    base = registered(ends_on=today + timedelta(days=100))
    with pytest.raises(AttributeError):
        base.state = BaseState.REVOKED


# --- expiry (run daily) -----------------------------------------------------------------------


def test_expire_due_expires_an_active_base_whose_agreement_ended(registered, today):
    base = registered(ends_on=today - timedelta(days=1))
    assert [b.pk for b in services.base_expire_due()] == [base.pk]
    assert fresh(base).state == BaseState.EXPIRED
    row = log(base)[-1]
    assert (row.transition, row.source_state, row.target_state) == ("expire", "active", "expired")
    assert (row.by, row.role) == (None, "")
    assert row.comment == f"协议于 {today - timedelta(days=1):%Y年%m月%d日} 到期，未续签。"


@pytest.mark.parametrize("days_left", [0, 1, 400])
def test_expire_due_leaves_a_base_whose_agreement_is_in_force(registered, today, days_left):
    base = registered(ends_on=today + timedelta(days=days_left))
    assert services.base_expire_due() == []
    assert fresh(base).state == BaseState.ACTIVE
    assert [row.transition for row in log(base)] == ["award_plaque"]


def test_expire_due_does_not_expire_twice(registered, today):
    base = registered(ends_on=today - timedelta(days=30))
    services.base_expire_due()
    before = footprint(base)
    assert services.base_expire_due() == []
    assert footprint(base) == before


def test_expire_due_leaves_preparing_and_revoked_bases(people, college_a, registered, today):
    ended = today - timedelta(days=10)
    preparing = make_base(
        college_a, people["office"], starts_on=add_years(ended, -5), ends_on=ended
    )
    revoked = registered(ends_on=ended, name="已撤销基地")
    services.base_revoke(base=revoked, by=people["office"], reason=REASON)
    assert services.base_expire_due() == []
    assert (fresh(preparing).state, fresh(revoked).state) == (
        BaseState.PREPARING,
        BaseState.REVOKED,
    )


# --- renewal ------------------------------------------------------------------------------------


def _renew(base, people, starts_on, ends_on=None):
    """Art 7: a renewal filed by the college and walked through review to its signing."""
    ends_on = ends_on or add_years(starts_on, 5) - timedelta(days=1)
    renewal = file_renewal(base, people["secretary_a"], starts_on=starts_on, ends_on=ends_on)
    return advance(renewal, RenewalState.SIGNED, people).agreement


def test_renew_makes_an_expired_base_active_again(people, registered, today):
    base = registered(ends_on=today - timedelta(days=60))
    services.base_expire_due()
    starts_on = today - timedelta(days=10)
    agreement = _renew(base, people, starts_on)
    base = fresh(base)
    assert base.state == BaseState.ACTIVE
    assert agreement.ends_on == add_years(starts_on, 5) - timedelta(days=1)
    assert base.agreement_in_force() == agreement and base.agreements.count() == 2
    row = log(base)[-1]
    assert (row.transition, row.source_state, row.target_state) == ("renew", "expired", "active")
    assert (row.by, row.role) == (people["office"], R.GRADUATE_OFFICE)
    assert f"{starts_on:%Y年%m月%d日}" in row.comment


def test_renew_on_an_active_base_just_records_the_agreement(people, registered, today):
    base = registered(ends_on=today + timedelta(days=60))
    _renew(base, people, today + timedelta(days=61))
    base = fresh(base)
    assert base.state == BaseState.ACTIVE and base.agreements.count() == 2
    row = log(base)[-1]
    assert (row.transition, row.source_state, row.target_state) == (
        "add_agreement",
        "active",
        "active",
    )


def test_a_revoked_base_cannot_be_renewed(people, registered, today):
    base = registered(ends_on=today + timedelta(days=60))
    services.base_revoke(base=base, by=people["office"], reason=REASON)
    before = footprint(base)
    with pytest.raises(WorkflowError, match="已撤销"):
        _renew(fresh(base), people, today + timedelta(days=61))
    assert footprint(base) == before


@pytest.mark.parametrize("who", ["secretary_a", "head_a"])
def test_recording_the_signed_renewal_is_for_the_office_only(people, registered, today, who):
    base = registered(ends_on=today - timedelta(days=60))
    services.base_expire_due()
    renewal = file_renewal(base, people["secretary_a"], starts_on=today,
                           ends_on=add_years(today, 5))  # fmt: skip
    renewal = advance(renewal, RenewalState.APPROVED, people)
    before = footprint(base)
    with pytest.raises(PermissionDenied):
        renewals.renewal_sign(
            renewal=renewal, by=people[who], expected=seen(renewal), signed_on=today,
            starts_on=today, ends_on=None, scan=pdf_file(),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # nor the base's own step, called directly
        services.base_renewed(base=fresh(base), agreement=base.latest_agreement(), by=people[who])
    assert footprint(base) == before


def test_renew_refuses_an_end_before_the_start(people, registered, today):
    base = registered(ends_on=today + timedelta(days=60))
    before = footprint(base)
    with pytest.raises(WorkflowError, match="晚于开始日期"):
        _renew(base, people, today, ends_on=today)
    assert footprint(base) == before


# --- Art 29: revocation --------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_art29_revoke_needs_a_reason(people, registered, today, reason):
    base = registered(ends_on=today + timedelta(days=600))
    before = footprint(base)
    with pytest.raises(BaseError, match="撤销理由"):
        services.base_revoke(base=base, by=people["office"], reason=reason)
    assert footprint(base) == before


@pytest.mark.parametrize("who", ["secretary_a", "head_a", "secretary_b"])
def test_art29_revoke_is_for_the_office_only(people, registered, today, who):
    base = registered(ends_on=today + timedelta(days=600))
    before = footprint(base)
    with pytest.raises(PermissionDenied):
        services.base_revoke(base=base, by=people[who], reason=REASON)
    assert footprint(base) == before


def test_art29_revoke_records_the_reason(people, registered, today):
    base = registered(ends_on=today + timedelta(days=600))
    services.base_revoke(base=base, by=people["office"], reason=f"  {REASON}  ")
    assert fresh(base).state == BaseState.REVOKED
    row = log(base)[-1]
    assert (row.transition, row.source_state, row.target_state) == ("revoke", "active", "revoked")
    assert (row.by, row.comment, row.target_label) == (people["office"], REASON, "已撤销")
    before = footprint(base)
    with pytest.raises(BaseError):
        services.base_revoke(base=base, by=people["office"], reason=REASON)
    assert footprint(base) == before


def test_art29_an_expired_base_can_be_revoked(people, registered, today):
    base = registered(ends_on=today - timedelta(days=1))
    services.base_expire_due()
    services.base_revoke(base=base, by=people["office"], reason=REASON)
    assert [row.transition for row in log(base)] == ["award_plaque", "expire", "revoke"]


def test_art29_revoke_without_a_user_is_refused(registered, today):
    base = registered(ends_on=today + timedelta(days=600))
    with pytest.raises(PermissionDenied):
        services.base_revoke(base=base, by=None, reason=REASON)


# --- Art 4, Art 8: levels ----------------------------------------------------------------------------


def test_art8_level_change_records_the_document_and_the_history(people, registered, today):
    office = people["office"]
    base = registered(ends_on=today + timedelta(days=600))
    services.level_change(
        base=base, by=office, level=BaseLevel.PROVINCIAL, changed_on=date(2024, 12, 20),
        document_number="  川教函〔2024〕512号 ", note="认定为四川省研究生联合培养基地。",
    )  # fmt: skip
    services.level_change(
        base=base, by=office, level=BaseLevel.NATIONAL, changed_on=date(2025, 3, 8),
        document_number="教研函〔2025〕8号",
    )  # fmt: skip
    assert fresh(base).level == BaseLevel.NATIONAL
    history = base.level_changes.values_list(
        "level", "changed_on", "document_number", "recorded_by"
    )
    assert list(history) == [
        ("provincial", date(2024, 12, 20), "川教函〔2024〕512号", office.pk),
        ("national", date(2025, 3, 8), "教研函〔2025〕8号", office.pk),
    ]
    rows = [row for row in log(base) if row.transition == "change_level"]
    assert [(r.source_label, r.target_label, r.comment, r.by) for r in rows] == [
        ("校级", "省级", "川教函〔2024〕512号", office),
        ("省级", "国家级", "教研函〔2025〕8号", office),
    ]


@pytest.mark.parametrize(
    ("who", "level", "number", "error"),
    [
        ("office", BaseLevel.SCHOOL, "川教函〔2024〕512号", BaseError),
        ("office", BaseLevel.PROVINCIAL, "   ", BaseError),
        ("office", "city", "川教函〔2024〕512号", BaseError),
        ("secretary_a", BaseLevel.PROVINCIAL, "川教函〔2024〕512号", PermissionDenied),
        ("head_a", BaseLevel.PROVINCIAL, "川教函〔2024〕512号", PermissionDenied),
    ],
    ids=["same-level", "no-document-number", "unknown-level", "secretary", "college-head"],
)
def test_art8_level_change_refusals_change_nothing(
    people, registered, today, who, level, number, error
):
    base = registered(ends_on=today + timedelta(days=600))
    before = footprint(base)
    with pytest.raises(error):
        services.level_change(
            base=base, by=people[who], level=level, changed_on=today, document_number=number
        )
    assert footprint(base) == before
    assert not BaseLevelChange.objects.exists()


# --- manage.py expire_agreements ------------------------------------------------------------------


def _expire_agreements() -> str:
    out = StringIO()
    call_command("expire_agreements", stdout=out)
    return out.getvalue()


def test_expire_agreements_command_names_the_bases_and_changes_nothing_twice(registered, today):
    ended_on = today - timedelta(days=3)
    ended = registered(ends_on=ended_on, name="西昌学院—会理测试牧业有限公司研究生联合培养基地")
    running = registered(
        ends_on=today + timedelta(days=90), name="西昌学院—盐源测试果业有限公司研究生联合培养基地"
    )

    text = _expire_agreements()
    assert "已将 1 个基地标记为“协议到期”" in text
    assert ended.name in text and ended.college.name in text
    assert f"协议于 {ended_on:%Y年%m月%d日} 到期" in text
    assert running.name not in text
    assert (fresh(ended).state, fresh(running).state) == (BaseState.EXPIRED, BaseState.ACTIVE)

    before = [footprint(ended), footprint(running)]
    assert _expire_agreements().strip() == "没有需要标记为协议到期的基地。"
    assert [footprint(ended), footprint(running)] == before


def test_daily_job_reactivates_an_expired_base_once_its_renewal_starts(people, registered, today):
    base = registered(ends_on=today - timedelta(days=60))
    services.base_expire_due()
    # The renewal was signed in advance and starts later: the base stays expired for now.
    agreement = _renew(base, people, today + timedelta(days=3))
    assert fresh(base).state == BaseState.EXPIRED
    Agreement.objects.filter(pk=agreement.pk).update(starts_on=today)  # the day arrives
    assert [b.pk for b in services.base_expire_due()] == [base.pk]
    assert fresh(base).state == BaseState.ACTIVE
    log = TransitionLog.objects.for_object(base).last()
    assert (log.transition, log.by) == ("renew", None)
    assert services.base_expire_due() == []
