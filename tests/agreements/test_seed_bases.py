"""The demo bases of ``manage.py seed_demo``: every level, every state, every colour of the panel."""

import os
import re
from datetime import timedelta

import pypdf
import pytest
from django.core.management import call_command
from django.utils import timezone

from agreements import compliance, inbox
from agreements.choices import (
    BaseLevel,
    BaseState,
    FundingKind,
    GovernanceBody,
    GovernanceRole,
    MeetingKind,
    ProjectLevel,
    RenewalState,
)
from agreements.demo import BASES, seed_bases
from agreements.models import Base, FundingEntry, Partner
from agreements.renewal_models import Renewal
from tests.xcu_bases.test_seed import snapshot
from xcu_bases.models import TransitionLog, User
from xcu_bases.uploads import DOCUMENT_KINDS, PDF, check_upload

DOCUMENT_NUMBER = re.compile(r"^(川教函|教研函)〔20\d\d〕\d+号$")


def _seed():
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)


@pytest.fixture
def bases(db):
    _seed()
    return list(Base.objects.select_related("college", "partner").order_by("pk"))


@pytest.fixture
def demo_bases(bases):
    """The bases of agreements/demo.py (not those born from the applications demo)."""
    names = {spec["name"] for spec in BASES}
    return [b for b in bases if b.name in names]


def _panel(base) -> dict:
    result = compliance.lines(compliance.facts_for(base), today=timezone.localdate())
    return {line.key: line for line in result}


def _log(base) -> list:
    return list(TransitionLog.objects.for_object(base))


def test_every_level_and_every_state_appears(bases, demo_bases):
    assert len(demo_bases) == len(BASES)
    assert {b.level for b in bases} == set(BaseLevel.values)
    assert {b.state for b in bases} == set(BaseState.values)
    assert {b.college.code for b in demo_bases} == {"01", "02"}
    for code in ("01", "02"):
        states = {b.state for b in demo_bases if b.college.code == code}
        assert BaseState.ACTIVE in states and states & {BaseState.EXPIRED, BaseState.REVOKED}


def test_art8_levels_changed_through_the_service_with_document_numbers(demo_bases):
    raised = [b for b in demo_bases if b.level != BaseLevel.SCHOOL]
    assert raised
    for base in raised:
        changes = list(base.level_changes.all())
        assert changes[-1].level == base.level
        assert all(DOCUMENT_NUMBER.match(c.document_number) for c in changes), changes
        assert all(str(c.changed_on.year) in c.document_number for c in changes)
        logged = [row.comment for row in _log(base) if row.transition == "change_level"]
        assert logged == [c.document_number for c in changes]
    national = next(b for b in demo_bases if b.level == BaseLevel.NATIONAL)
    assert [c.level for c in national.level_changes.all()] == ["provincial", "national"]


def test_art7_exactly_one_base_is_red_because_its_agreement_ends_within_three_months(bases):
    today = timezone.localdate()
    red = [
        b
        for b in bases
        if _panel(b)["agreement"].status == compliance.RED
        and b.latest_agreement()
        and b.latest_agreement().ends_on >= today
    ]
    assert len(red) == 1
    assert red[0].state == BaseState.ACTIVE
    assert red[0].latest_agreement().ends_on <= today + timedelta(days=92)


def test_panel_shows_amber_for_six_months_amber_for_a_missing_course_and_a_green_base(demo_bases):
    panels = {b.name: _panel(b) for b in demo_bases if b.state == BaseState.ACTIVE}
    assert any(p["agreement"].status == compliance.AMBER for p in panels.values())
    assert any(
        p["course"].status == compliance.AMBER and "已过半" in p["course"].detail
        for p in panels.values()
    )
    assert any(compliance.worst(list(p.values())) == compliance.GREEN for p in panels.values())


def test_the_expired_base_was_expired_by_the_daily_job(demo_bases):
    today = timezone.localdate()
    [expired] = [b for b in demo_bases if b.state == BaseState.EXPIRED]
    assert expired.latest_agreement().ends_on < today
    row = _log(expired)[-1]
    assert (row.transition, row.by) == ("expire", None)


def test_the_renewed_base_went_expired_then_active(demo_bases):
    [renewed] = [b for b in demo_bases if b.agreements.count() == 2]
    assert renewed.state == BaseState.ACTIVE and renewed.agreement_in_force() is not None
    transitions = [row.transition for row in _log(renewed)]
    assert transitions.index("expire") < transitions.index("renew")


def test_art7_the_demo_renewals_went_through_review(demo_bases):
    """苦荞: signed on the authorising document; 盐源苹果 waits for the office; 雅砻江渔业 is
    with the legal office because the office found it deviating."""
    renewals = {r.base.name: r for r in Renewal.objects.select_related("base", "agreement")}
    [renewed] = [b for b in demo_bases if b.agreements.count() == 2]
    signed = renewals[renewed.name]
    assert signed.state == RenewalState.SIGNED and signed.agreement in renewed.agreements.all()
    assert signed.authorisation_number and signed.meeting_date is None
    steps = [row.transition for row in TransitionLog.objects.for_object(signed)]
    assert steps == ["submit", "college_approve", "record_authorisation", "office_approve", "sign"]
    under_way = {r.state: r for r in renewals.values() if r.is_open}
    assert set(under_way) == {RenewalState.OFFICE_REVIEW, RenewalState.LEGAL_REVIEW}
    legal = under_way[RenewalState.LEGAL_REVIEW]
    assert (legal.deviates_from_template, legal.office_deviates, legal.sent_to_legal) == (
        False, True, True,
    )  # fmt: skip
    for renewal in under_way.values():
        assert renewal.base.state == BaseState.ACTIVE  # stays active while under review
        assert renewal.starts_on == renewal.base.latest_agreement().ends_on + timedelta(days=1)


def test_art29_the_revoked_base_cites_the_article(demo_bases):
    [revoked] = [b for b in demo_bases if b.state == BaseState.REVOKED]
    row = _log(revoked)[-1]
    assert row.transition == "revoke" and "第二十九条" in row.comment
    assert row.by.username == "office"


def test_every_demo_base_was_registered_through_the_service(demo_bases):
    for base in demo_bases:
        first = _log(base)[0]
        assert (first.transition, first.by.username) == ("award_plaque", "office")
        assert (
            base.plaque_date
            and base.plaque_date >= base.agreements.order_by("starts_on")[0].signed_on
        )


def test_art9_art10_governance_and_the_inspector(demo_bases):
    heads = {u.college.code: u.name for u in User.objects.filter(username__in=["head", "head2"])}
    for base in demo_bases:
        members = list(base.governance.all())
        committee = [m for m in members if m.body == GovernanceBody.COMMITTEE]
        group = [m for m in members if m.body == GovernanceBody.WORKING_GROUP]
        leader = next(m for m in committee if m.role == GovernanceRole.LEADER)
        assert "分管研究生教育" in leader.position
        assert any(m.unit == base.partner.name for m in committee)
        assert any(m.unit == "学科与研究生处" and m.position == "处长" for m in committee)
        group_leader = next(m for m in group if m.role == GovernanceRole.LEADER)
        assert (group_leader.name, group_leader.position) == (heads[base.college.code], "院长")
        deputy = next(m for m in group if m.role == GovernanceRole.DEPUTY)
        assert deputy.unit == base.partner.name
        assert all(m.capacity for m in members)  # Art 9, Art 10: whom each one represents
        # Art 12(3): a teacher account of the base's college, or (one base) not yet named.
        if base.inspector is not None:
            assert base.inspector.college_id == base.college_id
            assert base.inspector.has_role("campus_supervisor", "college_head")
    shared = [b for b in demo_bases if b.participating_colleges.exists()]
    assert shared and all(b.responsible_college == b.college for b in shared)
    panels = {b.name: _panel(b) for b in demo_bases}
    keys = ("committee", "working_group", "inspector", "responsible_college", "exchange")
    # A base with full governance (no governance line) and one showing governance lines.
    assert any(all(p[k].status == compliance.GREEN for k in keys) for p in panels.values())
    [unnamed] = [b for b in demo_bases if b.inspector is None]
    assert panels[unnamed.name]["inspector"].status == compliance.AMBER
    assert panels[unnamed.name]["exchange"].status == compliance.AMBER


def test_art17_art27_art28_activities(demo_bases):
    kinds = {m.kind for b in demo_bases for m in b.meetings.all()}
    assert kinds == set(MeetingKind.values)
    assert {p.level for b in demo_bases for p in b.projects.all()} == set(ProjectLevel.values)
    assert sum(b.courses.count() for b in demo_bases) >= 5
    today = timezone.localdate()
    for base in demo_bases:
        allocations = base.funding.filter(kind=FundingKind.ALLOCATION)
        # Art 27: planned only for bases plaqued once the regulation was in force (all demo
        # bases start at school level); every one due has been paid, with its document number.
        funded = compliance.automatic_allocations(BaseLevel.SCHOOL, base.plaque_date)
        assert sorted(allocations.values_list("year_no", flat=True)) == (
            [1, 2, 3] if funded else []
        )
        for a in allocations:
            due = a.due_on <= today
            assert a.state == ("paid" if due else "planned"), (base, a.year_no)
            assert (a.paid_on is not None and a.voucher_number and a.paid_on <= today) is due
        paid = sum(a.amount for a in allocations if a.state == "paid")
        spending = base.funding.filter(kind=FundingKind.SPENDING)
        assert all(e.file and e.entry_date <= today for e in spending)
        assert sum(e.amount for e in spending) <= paid
        assert spending.exists() is (paid > 0)
        assert all(m.held_on <= today and m.file for m in base.meetings.all())
        # Entered by the college secretary through the services: each one on the timeline.
        logged = [row.transition for row in _log(base)]
        assert logged.count("add_funding") == spending.count()
        assert logged.count("pay_allocation") == allocations.filter(state="paid").count()
        assert logged.count("add_member") == base.governance.count() == 9
        assert {row.by.username for row in _log(base) if row.transition.startswith("add_")} == {
            "secretary" if base.college.code == "01" else "secretary2"
        }


def test_art27_the_demo_shows_planned_paid_and_due_unpaid_allocations(bases):
    today = timezone.localdate()
    rows = FundingEntry.objects.filter(kind=FundingKind.ALLOCATION)
    assert rows.filter(state="paid").exists() and rows.filter(state="planned").exists()
    # A base born from an application with its year 1 due and unpaid: in the office's inbox.
    overdue = rows.filter(state="planned", due_on__lte=today, base__application__isnull=False)
    assert overdue.exists()
    office = User.objects.get(username="office")
    titles = [t.title for t in inbox.allocations_due(office)]
    assert titles == [f"登记拨付：{a.base.name} 第 {a.year_no} 年建设经费" for a in
                      overdue.select_related("base").order_by("due_on", "pk")]  # fmt: skip


def test_partners_have_valid_credit_codes_and_scans_are_real_pdfs(demo_bases):
    for partner in Partner.objects.filter(bases__in=demo_bases):
        partner.full_clean()
    for base in demo_bases:
        for agreement in base.agreements.all():
            with agreement.scan.open("rb") as handle:
                assert check_upload(handle, DOCUMENT_KINDS) == PDF
                text = pypdf.PdfReader(handle).pages[0].extract_text()
            assert "西昌学院" in text and base.partner.name in text


def test_seed_demo_twice_gives_the_same_rows(db):
    _seed()
    first = snapshot()
    assert len(first["agreements.Base"]) >= len(BASES)
    _seed()
    assert snapshot() == first
    assert seed_bases() == 0
