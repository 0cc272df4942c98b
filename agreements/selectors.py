"""Reads for the registry and the base pages: lists, the compliance panel, the ledger."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse

from agreements import compliance, governance_rules, services
from agreements.choices import (
    AllocationState,
    BaseState,
    FundingKind,
    GovernanceBody,
    GovernanceRole,
)
from agreements.models import Base
from practice import contacts
from xcu_bases import access
from xcu_bases.dates import add_months
from xcu_bases.selectors import timeline


def may_see_all(user) -> bool:
    """The office and college staff browse every base, whatever its state."""
    return access.is_office(user) or access.is_college_staff(user)


def may_see_internal(user) -> bool:
    """Agreement scans, the funding ledger, phone numbers and evidence files."""
    return may_see_all(user)


def bases_visible_to(user) -> QuerySet:
    """Everyone logged in browses active bases (students choose from them);
    the office and college staff see every state."""
    return Base.objects.visible_to(user)


def base_list(
    *,
    user,
    today: date,
    q="",
    college=None,
    level="",
    state="",
    partner="",
    expires_within=None,
    expiry="",
    recommended=False,
) -> QuerySet:
    qs = compliance.with_facts(bases_visible_to(user)).select_related("college", "partner")
    if q:
        qs = qs.filter(name__icontains=q)
    if partner:
        qs = qs.filter(partner__name__icontains=partner)
    if college:
        # Art 14: a college also finds the bases it shares as a participating college.
        shared = Base.participating_colleges.through.objects.filter(college=college)
        qs = qs.filter(Q(college=college) | Q(pk__in=shared.values("base_id")))
    if level:
        qs = qs.filter(level=level)
    if state:
        qs = qs.filter(state=state)
    if recommended:  # Art 29: Excellent term assessment
        qs = qs.filter(recommended_for_higher_level=True)
    if expires_within:
        # Ends within N months, or has already ended without a newer agreement.
        qs = qs.filter(agreement_ends__lte=add_months(today, expires_within))
    if expiry:
        # Still in force, reminded red (within 3 months) or amber (3 to 6 months).
        qs = qs.filter(agreement_ends__range=compliance.expiry_window(expiry, today))
    return qs.order_by("college__code", "name", "pk")


@dataclass(frozen=True)
class Badge:
    status: str
    label: str


def with_compliance(bases, *, today: date) -> list[Base]:
    """The worst line of each base's panel, from the registry's annotations (no queries)."""
    bases = list(bases)
    ids = [base.pk for base in bases]
    practices = contacts.practices_at(ids)
    checks = compliance.yearly_checks_at(ids)
    for base in bases:
        facts = compliance.facts_from_annotations(base, practices[base.pk], checks[base.pk])
        status = compliance.worst(compliance.lines(facts, today=today))
        base.compliance = Badge(status, compliance.LABELS[status])
    return bases


# --- the base page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    style: str = "outline-primary"
    icon: str = "pencil"


@dataclass(frozen=True)
class Totals:
    """Art 27 money of one base: paid (已拨付), planned and not yet paid (计划拨付), spent."""

    paid: Decimal
    planned: Decimal
    spent: Decimal

    @property
    def balance(self) -> Decimal:
        """结余: what was paid minus what was spent (planned money is not there yet)."""
        return self.paid - self.spent

    @property
    def overspent(self) -> bool:
        return self.balance < 0


ZERO = Decimal("0.00")


def funding_totals(base: Base) -> Totals:
    """The four figures of the base page, in one aggregate query."""
    allocation = Q(kind=FundingKind.ALLOCATION)
    totals = base.funding.aggregate(
        paid=Sum("amount", filter=allocation & Q(state=AllocationState.PAID), default=ZERO),
        planned=Sum("amount", filter=allocation & Q(state=AllocationState.PLANNED), default=ZERO),
        spent=Sum("amount", filter=Q(kind=FundingKind.SPENDING), default=ZERO),
    )
    return Totals(**totals)


@dataclass(frozen=True)
class Ledger:
    entries: list  # allocations and spending together, by date
    totals: Totals


def funding_ledger(base: Base) -> Ledger:
    """Art 27: what the university planned and paid, and what was spent."""
    entries = sorted(
        base.funding.select_related("recorded_by"),
        key=lambda e: (e.ledger_date is None, e.ledger_date, e.pk),
    )
    return Ledger(entries=entries, totals=funding_totals(base))


def planned_allocations(base: Base) -> QuerySet:
    """Art 27: allocations of the base the office has not yet recorded as paid."""
    return base.funding.filter(kind=FundingKind.ALLOCATION, state=AllocationState.PLANNED)


def agreements_of(base: Base, *, today: date) -> list:
    """All agreements, newest first, each with whether it is in force today."""
    rows = list(base.agreements.select_related("recorded_by").order_by("-starts_on", "-pk"))
    for row in rows:
        if row.in_force_on(today):
            row.term_state, row.term_label = "current", "现行"
        elif row.ends_on < today:
            row.term_state, row.term_label = "ended", "已到期"
        else:
            row.term_state, row.term_label = "future", "未生效"
    return rows


def missing_allocation_years(base: Base) -> list[int]:
    """Art 27: years 1–3 without an allocation, planned or paid (the office may plan them)."""
    have = set(base.funding.filter(kind=FundingKind.ALLOCATION).values_list("year_no", flat=True))
    return [n for n in range(1, compliance.FUNDED_YEARS + 1) if n not in have]


ROLE_ORDER = {GovernanceRole.LEADER: 0, GovernanceRole.DEPUTY: 1, GovernanceRole.MEMBER: 2}


def governance(base: Base) -> list[tuple[str, list]]:
    """(body label, members) for the management committee (Art 9) and working group (Art 10),
    leader first, then deputies, then members."""
    members = sorted(base.governance.all(), key=lambda m: (ROLE_ORDER.get(m.role, 9), m.pk))
    return [
        (label, [m for m in members if m.body == value]) for value, label in GovernanceBody.choices
    ]


def governance_lines(base: Base) -> list:
    """The Art 9 and Art 10 lines of the panel, shown again where members are entered."""
    facts = governance_rules.governance_for(base)
    return [governance_rules.committee(facts), governance_rules.working_group(facts)]


def application_visible(base: Base, user) -> bool:
    from applications.models import BaseApplication

    if not base.application_id:
        return False
    return BaseApplication.objects.visible_to(user).filter(pk=base.application_id).exists()


def actions_for(base: Base, user) -> list[Action]:
    """Buttons on the base page; templates only loop over them."""
    if base.state == BaseState.REVOKED or not services.can_edit(base, user):
        return []
    actions = [Action("编辑基本信息", _url("base_edit", base), "outline-primary", "pencil-square")]
    if access.is_office(user):
        actions += [
            Action("级别变更", _url("level_change", base), "outline-primary", "award"),
            Action("撤销基地", _url("revoke", base), "outline-danger", "x-octagon"),
        ]
    return actions


def certificate_printable(base: Base) -> bool:
    """Art 7(5): an established base has a plaque certificate."""
    from agreements.certificate import printable

    return printable(base)


def _url(name, base) -> str:
    return reverse(f"agreements:{name}", args=[base.pk])


def detail_context(base: Base, user, *, today: date) -> dict:
    internal = may_see_internal(user)
    editable = base.state != BaseState.REVOKED and services.can_edit(base, user)
    lines = compliance.lines(compliance.facts_for(base), today=today)
    worst = compliance.worst(lines)
    is_office = access.is_office(user)
    return {
        "base": base,
        "lines": lines,
        "worst": Badge(worst, compliance.LABELS[worst]),
        "agreements": agreements_of(base, today=today),
        "level_history": base.level_changes.all(),
        "participating": base.participating_colleges.all(),
        "governance": governance(base),
        "meetings": base.meetings.all(),
        "ledger": funding_ledger(base) if internal else None,
        "courses": base.courses.all(),
        "projects": base.projects.all(),
        "internal": internal,
        "can_edit": editable,
        "is_office": is_office,
        "missing_allocations": missing_allocation_years(base) if editable and is_office else [],
        "may_pay": editable and is_office,  # Art 27, Art 11(4): the office records payments
        "actions": actions_for(base, user),
        "show_application": application_visible(base, user),
        "printable": certificate_printable(base),
        "timeline": timeline(base) if internal else [],
    }
