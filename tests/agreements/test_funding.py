"""Art 27: three yearly allocations of 10,000 yuan, planned at establishment, paid only when the
office records the payment date and document number; the base page's totals, the compliance
line (amber when due unpaid, red 90 days later), the office's inbox and the payment page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agreements import compliance, inbox, selectors, services
from agreements.choices import AllocationState, BaseLevel, BaseState, FundingKind
from agreements.compliance import AMBER, ART27_IN_FORCE, GREEN, RED, Facts
from agreements.models import Base, FundingEntry
from applications.choices import ApplicationState as S
from tests.agreements.factories import allocation
from tests.agreements.test_compliance import make_base, panel
from tests.agreements.test_excel import CODE_B, post_rows, row, sheet_rows
from tests.applications.factories import PLAQUE_DATE, advance_to, complete_application
from tests.conftest import make_student, make_user
from tests.notices import captured, who
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode as R
from xcu_bases.dates import add_years
from xcu_bases.models import TransitionLog

TODAY = timezone.localdate


@pytest.fixture
def people(college_a, college_b):
    return {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "secretary_a": make_user(
            "secretary_a", R.COLLEGE_SECRETARY, college=college_a, name="杨静"
        ),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="陈志强"),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "head_b": make_user("head_b", R.COLLEGE_HEAD, college=college_b, name="苏建军"),
        "legal": make_user("legal", R.LEGAL_OFFICE, name="李婷"),
        "expert1": make_user("expert1", R.EXPERT, name="王建国"),
        "expert2": make_user("expert2", R.EXPERT, name="李正祥"),
        "student_a": make_student("student_a", college_a).user,
    }


@pytest.fixture
def funded(people, college_a):
    """An active school-level base plaqued 100 days ago, its allocations planned (Art 27)."""
    plaque = TODAY() - timedelta(days=100)
    base = make_base(college_a, people["office"], starts_on=plaque - timedelta(days=20),
                     ends_on=add_years(plaque, 5), plaque_date=plaque)  # fmt: skip
    Base.objects.filter(pk=base.pk).update(state=BaseState.ACTIVE)
    base = Base.objects.get(pk=base.pk)
    services.allocations_create(base=base, by=people["office"])
    return base


def year(base, n) -> FundingEntry:
    return FundingEntry.objects.get(base=base, kind=FundingKind.ALLOCATION, year_no=n)


def funded_url(base) -> str:
    return reverse("agreements:base_detail", args=[base.pk])


def pay_url(entry) -> str:
    return reverse("agreements:allocation_pay", args=[entry.base_id, entry.pk])


# --- planned at establishment ------------------------------------------------------------


def test_art27_allocations_planned_at_establishment(people):
    office = people["office"]
    app = advance_to(complete_application(people["secretary_a"]), S.ESTABLISHED, people)
    base = Base.objects.get(application=app)
    assert base.state == BaseState.ACTIVE and base.plaque_date == PLAQUE_DATE
    rows = FundingEntry.objects.filter(base=base, kind=FundingKind.ALLOCATION).order_by("year_no")
    # Year 1 due at the plaque, years 2 and 3 one and two years later; none of it paid.
    assert [(a.year_no, a.state, a.amount, a.due_on, a.paid_on, a.voucher_number) for a in rows] == [
        (n, AllocationState.PLANNED, Decimal("10000.00"), add_years(PLAQUE_DATE, n - 1), None, "")
        for n in (1, 2, 3)
    ]  # fmt: skip
    totals = selectors.funding_totals(base)
    assert (totals.paid, totals.planned, totals.balance) == (0, Decimal("30000.00"), 0)
    assert services.allocations_create(base=base, by=office) == []  # once only
    assert rows.count() == 3


def test_art27_registering_an_existing_base_plans_them_too(people, college_a):
    plaque = ART27_IN_FORCE + timedelta(days=10)
    base = make_base(college_a, people["office"], starts_on=plaque, ends_on=add_years(plaque, 5))
    services.base_register_existing(base=base, by=people["office"], plaque_date=plaque)
    assert sorted(base.funding.values_list("year_no", "state", "due_on")) == [
        (n, AllocationState.PLANNED, add_years(plaque, n - 1)) for n in (1, 2, 3)
    ]


# --- paying: date and document number, never in the future ------------------------------


def test_art27_payment_needs_date_and_voucher(client, people, funded):
    entry, office = year(funded, 1), people["office"]
    with pytest.raises(services.WorkflowError, match="拨付凭证号"):
        services.allocation_pay(entry=entry, by=office, paid_on=TODAY(), voucher_number="  ")
    client.force_login(office)
    response = client.post(pay_url(entry), {"paid_on": "", "voucher_number": ""})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.text or "必填" in response.text
    entry.refresh_from_db()
    assert (entry.state, entry.paid_on, entry.voucher_number) == ("planned", None, "")
    # The database refuses a paid allocation without its document number.
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingEntry.objects.filter(pk=entry.pk).update(state="paid", paid_on=TODAY())

    paid_on = TODAY() - timedelta(days=3)
    with captured() as notices:
        response = client.post(
            pay_url(entry),
            {
                "paid_on": paid_on.isoformat(),
                "voucher_number": "财拨〔2026〕15号",
                "amount": "10000",
            },
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.state, entry.paid_on, entry.voucher_number) == (
        "paid",
        paid_on,
        "财拨〔2026〕15号",
    )
    [log] = TransitionLog.objects.for_object(entry)
    assert (log.transition, log.source_state, log.target_state, log.by) == (
        "pay", "planned", "paid", office)  # fmt: skip
    assert "财拨〔2026〕15号" in log.comment
    assert TransitionLog.objects.for_object(funded).get().transition == "pay_allocation"
    assert who(notices) == [("head_a", K.RESULT), ("secretary_a", K.RESULT)]
    # Paid once: the page is gone, the service refuses.
    assert client.get(pay_url(entry)).status_code == 404
    with pytest.raises(services.WorkflowError, match="已拨付"):
        services.allocation_pay(entry=entry, by=office, paid_on=paid_on, voucher_number="X")


def test_art27_payment_date_not_in_future(client, people, funded):
    entry = year(funded, 1)
    tomorrow = TODAY() + timedelta(days=1)
    with pytest.raises(services.BaseError, match="不能晚于今天"):
        services.allocation_pay(
            entry=entry, by=people["office"], paid_on=tomorrow, voucher_number="财拨〔2026〕1号"
        )
    client.force_login(people["office"])
    response = client.post(
        pay_url(entry), {"paid_on": tomorrow.isoformat(), "voucher_number": "财拨〔2026〕1号",
                         "amount": "10000"},
    )  # fmt: skip
    assert response.status_code == 200 and "拨付日期不能晚于今天" in response.text
    entry.refresh_from_db()
    assert entry.state == AllocationState.PLANNED and entry.paid_on is None
    assert not TransitionLog.objects.for_object(entry).exists()


def test_art27_non_default_amount_needs_reason(client, people, funded):
    office = people["office"]
    entry = year(funded, 2)
    client.force_login(office)
    data = {"paid_on": TODAY().isoformat(), "voucher_number": "财拨〔2026〕20号", "amount": "8000"}
    response = client.post(pay_url(entry), data)
    assert response.status_code == 200 and "请填写理由" in response.text
    with pytest.raises(services.BaseError, match="请填写理由"):
        services.allocation_pay(entry=entry, by=office, paid_on=TODAY(), voucher_number="X",
                                amount=Decimal("8000"))  # fmt: skip
    entry.refresh_from_db()
    assert (entry.state, entry.amount) == ("planned", Decimal("10000.00"))
    # With the reason: stored, logged, shown on the base page.
    reason = "第 1 年结余 2,000 元，按学校经费管理办法核减"
    response = client.post(pay_url(entry), {**data, "amount_reason": reason})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.state, entry.amount, entry.amount_reason) == ("paid", Decimal("8000.00"), reason)
    assert reason in TransitionLog.objects.for_object(entry).get().comment
    page = client.get(reverse("agreements:base_detail", args=[funded.pk])).text
    assert f"金额调整理由：{reason}" in page
    # The database refuses another amount without a reason.
    with pytest.raises(IntegrityError), transaction.atomic():
        allocation(Base.objects.create(name="另一基地", partner=funded.partner,
                                       college=funded.college, plaque_date=TODAY()),
                   1, office, amount=9000)  # fmt: skip


def test_art27_planning_a_missing_year_needs_a_reason_for_another_amount(client, people, funded):
    year(funded, 3).delete()
    client.force_login(people["office"])
    url = reverse("agreements:allocation_add", args=[funded.pk])
    data = {"year_no": "3", "amount": "12000", "due_on": "2028-01-01"}
    response = client.post(url, data)
    assert response.status_code == 200 and "请填写理由" in response.text
    assert not funded.funding.filter(year_no=3).exists()
    response = client.post(url, {**data, "amount_reason": "追加实践教学耗材"})
    assert response.status_code == 302
    entry = year(funded, 3)
    assert (entry.state, entry.amount, entry.amount_reason, entry.due_on) == (
        "planned", Decimal("12000.00"), "追加实践教学耗材", date(2028, 1, 1))  # fmt: skip
    log = TransitionLog.objects.for_object(funded).get()
    assert log.transition == "add_allocation" and "追加实践教学耗材" in log.comment


# --- the totals ------------------------------------------------------------------------------


def test_art27_totals_split_paid_planned_spent_balance(
    client, people, funded, django_assert_num_queries
):
    office = people["office"]
    services.allocation_pay(entry=year(funded, 1), by=office, paid_on=TODAY(),
                            voucher_number="财拨〔2026〕15号")  # fmt: skip
    FundingEntry.objects.create(
        base=funded, kind=FundingKind.SPENDING, amount=Decimal("2500.50"), entry_date=TODAY(),
        description="研究生人身意外伤害保险", recorded_by=people["secretary_a"],
    )  # fmt: skip
    with django_assert_num_queries(1):
        totals = selectors.funding_totals(funded)
    assert (totals.paid, totals.planned, totals.spent, totals.balance) == (
        Decimal("10000.00"), Decimal("20000.00"), Decimal("2500.50"), Decimal("7499.50"))  # fmt: skip
    client.force_login(people["secretary_a"])
    text = client.get(reverse("agreements:base_detail", args=[funded.pk])).text
    for label, amount in [("已拨付", "10000.00"), ("计划拨付", "20000.00"),
                          ("已支出", "2500.50"), ("结余（已拨付 − 已支出）", "7499.50")]:  # fmt: skip
        assert f'{label}</div><div class="fw-semibold">{amount} 元' in text, label
    assert pay_url(year(funded, 2)) not in text  # only the office records payments
    client.force_login(office)
    assert pay_url(year(funded, 2)) in client.get(funded_url(funded)).text


# --- the compliance line ------------------------------------------------------------------------

DUE = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (DUE - timedelta(days=1), GREEN),
        (DUE, AMBER),
        (DUE + timedelta(days=89), AMBER),
        (DUE + timedelta(days=90), RED),
    ],
    ids=["day-before", "due-day", "89-days", "90-days"],
)
def test_art27_due_unpaid_amber_then_red_after_90_days(people, college_a, today, status):
    office = people["office"]
    base = make_base(college_a, office, starts_on=DUE - timedelta(days=10),
                     ends_on=add_years(DUE, 5), plaque_date=DUE)  # fmt: skip
    services.allocations_create(base=base, by=office)
    line = panel(base, today)["funding"]  # the panel and the registry agree (panel() checks)
    assert (line.status, line.article) == (status, "第二十七条")
    if status != GREEN:
        assert line.detail.startswith("第 1 年应于 2026年03月01日 拨付，")
    FundingEntry.objects.filter(base=base, year_no=1).update(
        state="paid", paid_on=DUE, voucher_number="财拨〔2026〕3号"
    )
    assert panel(base, today)["funding"].status == GREEN


def test_art27_missing_year_of_a_funded_base_counts_as_unpaid():
    facts = Facts(plaque_date=DUE, starts_on=DUE, ends_on=add_years(DUE, 5))
    line = compliance.funding(facts, DUE + timedelta(days=120))
    assert (line.status, line.detail) == (
        RED,
        "第 1 年应于 2026年03月01日 拨付，已过 120 天，尚未登记拨付。",
    )


def test_art27_excel_export_shows_the_funding_line_and_the_money(client, people, college_a):
    office = people["office"]
    due = TODAY() - timedelta(days=30)
    base = make_base(college_a, office, starts_on=due, ends_on=add_years(due, 5), plaque_date=due)
    services.allocations_create(base=base, by=office)
    client.force_login(office)
    header, row = sheet_rows(client.get(reverse("agreements:base_export")))
    values = dict(zip(header, row, strict=True))
    assert values["建设经费（第二十七条）"] == panel(base, TODAY())["funding"].cell
    assert values["建设经费（第二十七条）"].startswith("需关注：第 1 年应于")
    assert (values["已拨付(元)"], values["计划拨付(元)"], values["已支出(元)"], values["结余(元)"]) == (
        0, 30000, 0, 0)  # fmt: skip


# --- who gets none -------------------------------------------------------------------------


def test_art27_imported_and_provincial_bases_get_no_allocations(people, college_a):
    office = people["office"]
    cases = [
        (
            "本办法施行前挂牌",
            BaseLevel.SCHOOL,
            ART27_IN_FORCE - timedelta(days=1),
            "早于本办法施行",
        ),
        ("省级基地", BaseLevel.PROVINCIAL, ART27_IN_FORCE + timedelta(days=30), "第八条"),
        ("国家级基地", BaseLevel.NATIONAL, ART27_IN_FORCE + timedelta(days=30), "第八条"),
    ]
    for name, level, plaque, why in cases:
        base = make_base(college_a, office, name=name, starts_on=plaque,
                         ends_on=add_years(plaque, 5))  # fmt: skip
        Base.objects.filter(pk=base.pk).update(level=level)
        base = services.base_register_existing(base=Base.objects.get(pk=base.pk), by=office,
                                               plaque_date=plaque)  # fmt: skip
        assert not base.funding.exists(), name
        line = panel(Base.objects.get(pk=base.pk), TODAY())["funding"]
        assert (line.status, line.label) == (GREEN, "不适用") and why in line.detail, name


def test_art27_imported_base_plaqued_before_the_regulation_gets_none(client, people, college_a):
    client.force_login(people["office"])
    after = ART27_IN_FORCE + timedelta(days=5)
    rows = [
        row("旧基地", plaque=date(2024, 6, 18)),
        row("新基地", plaque=after, signed=after, starts=after, code=CODE_B),
        row("新省级基地", plaque=after, signed=after, starts=after, level="省级", code=CODE_B),
    ]
    assert post_rows(client, rows).status_code == 302
    old, new, provincial = (Base.objects.get(name=n) for n in ("旧基地", "新基地", "新省级基地"))
    assert not old.funding.exists() and not provincial.funding.exists()
    assert sorted(new.funding.values_list("year_no", "state")) == [
        (1, "planned"), (2, "planned"), (3, "planned")]  # fmt: skip
    assert "早于本办法施行" in panel(old, TODAY())["funding"].detail


# --- the office's inbox and the payment page: who may ---------------------------------------


def test_art27_office_inbox_lists_due_unpaid_allocations(
    people, funded, django_assert_num_queries
):
    office = people["office"]
    assert office.has_role(R.GRADUATE_OFFICE)  # roles are read once per request
    with django_assert_num_queries(1):
        tasks = inbox.allocations_due(office)
    [task] = tasks  # year 1 only: years 2 and 3 are not due yet
    assert task.title == f"登记拨付：{funded.name} 第 1 年建设经费"
    assert "已过 100 天（超过 90 天）" in task.detail and task.url == pay_url(year(funded, 1))
    assert inbox.allocations_due(people["secretary_a"]) == []
    services.allocation_pay(
        entry=year(funded, 1), by=office, paid_on=TODAY(), voucher_number="1号"
    )
    assert inbox.allocations_due(office) == []


@pytest.mark.parametrize("who", ["secretary_a", "head_a", "secretary_b", "student_a"])
def test_art27_only_the_office_records_payments(client, people, funded, who):
    entry = year(funded, 1)
    client.force_login(people[who])
    assert client.get(pay_url(entry)).status_code == 404
    data = {"paid_on": TODAY().isoformat(), "voucher_number": "财拨〔2026〕1号", "amount": "10000"}
    assert client.post(pay_url(entry), data).status_code == 404
    entry.refresh_from_db()
    assert entry.state == AllocationState.PLANNED
    with pytest.raises(PermissionDenied):
        services.allocation_pay(entry=entry, by=people[who], paid_on=TODAY(), voucher_number="1")
    assert not TransitionLog.objects.for_object(entry).exists()


def test_art27_payment_page_anonymous_goes_to_login_and_other_base_is_404(
    client, people, funded, college_a
):
    entry = year(funded, 1)
    response = client.get(pay_url(entry))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    other = make_base(college_a, people["office"], name="另一基地")
    client.force_login(people["office"])
    wrong = reverse("agreements:allocation_pay", args=[other.pk, entry.pk])
    assert client.get(wrong).status_code == 404
    page = client.get(pay_url(entry))
    assert page.status_code == 200 and "确认登记拨付" in page.text
    assert "no-cache" in page["Cache-Control"]
