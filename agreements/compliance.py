"""The rules the system watches for every base: one module, used by the base's
panel, the registry's filters and (later) the reminders.

Each line is red / amber / green and cites the article it comes from. The governance lines
(Art 9, 10, 12(3), 14, 17) live in ``agreements.governance_rules``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from agreements import governance_rules
from agreements.choices import AllocationState, BaseLevel, FundingKind
from agreements.governance_rules import GovernanceFacts
from agreements.lines import AMBER, GREEN, LABELS, ORDER, RED, Line
from practice import contacts
from xcu_bases.dates import add_months, add_years

__all__ = ["AMBER", "GREEN", "LABELS", "ORDER", "RED", "Line"]

EXPIRY_AMBER_MONTHS = 6  # remind 6 months ahead
EXPIRY_RED_MONTHS = 3  # and 3 months ahead
FUNDED_YEARS = 3  # Art 27: the first three years
YEARLY_ALLOCATION = 10_000  # yuan
# Art 27 applies to bases established once the regulation is in force (Art 31: from its
# issue). The text gives the approval dates, the last being 13 July 2025; the issue cannot be
# earlier. Bases plaqued before it get no automatic allocations.
ART27_IN_FORCE = date(2025, 7, 13)
OVERDUE_RED_DAYS = 90  # an allocation unpaid 90 days after it was due turns red


@dataclass(frozen=True)
class Allocation:
    """One yearly allocation (Art 27) as the panel needs it."""

    due_on: date
    paid: bool


def automatic_allocations(level: str, plaque_date: date | None) -> bool:
    """Art 27 (and Art 8 for provincial and national bases): whether a base established on
    ``plaque_date`` gets its three yearly allocations planned automatically."""
    return level == BaseLevel.SCHOOL and plaque_date is not None and plaque_date >= ART27_IN_FORCE


def allocation_due_on(plaque_date: date, year_no: int) -> date:
    """Year 1 is due at the plaque (the base is established, Art 7(5)); years 2 and 3 one and
    two years later."""
    return add_years(plaque_date, year_no - 1)


@dataclass
class Facts:
    """What the rules need to know about one base; built by queries or annotations."""

    starts_on: date | None = None  # of the current (latest) agreement
    ends_on: date | None = None
    courses: int = 0  # within that agreement's term
    projects: int = 0
    checked_years: set[int] = field(default_factory=set)  # yearly checks, by agreement year
    plaque_date: date | None = None  # established (Art 7(5)); funding starts then
    level: str = BaseLevel.SCHOOL
    allocations: dict[int, Allocation] = field(default_factory=dict)  # by year (Art 27)
    practices: list = field(default_factory=list)  # practice.contacts.Practice, students there now
    governance: GovernanceFacts = field(default_factory=GovernanceFacts)

    @property
    def established(self) -> bool:
        return self.plaque_date is not None

    @property
    def paid_years(self) -> list[int]:
        return sorted(n for n, a in self.allocations.items() if a.paid)

    @property
    def planned_years(self) -> list[int]:
        return sorted(n for n, a in self.allocations.items() if not a.paid)


def yearly_checks_at(bases) -> dict[int, set[int]]:
    """Calendar years of each base's finalised yearly checks (Art 29), in one query.
    ``bases``: ids or a queryset of bases."""
    from django.db.models import QuerySet

    from evaluation.choices import EvaluationState, RoundKind
    from evaluation.models import BaseEvaluation

    rows = BaseEvaluation.objects.filter(
        state=EvaluationState.FINALISED, round__kind=RoundKind.YEARLY
    )
    if isinstance(bases, QuerySet):
        rows = rows.filter(base__in=bases.order_by().values("pk"))
    else:
        rows = rows.filter(base_id__in=list(bases))
    found: dict[int, set[int]] = defaultdict(set)
    for base_id, year in rows.values_list("base_id", "round__year"):
        found[base_id].add(year)
    return found


def agreement_years_checked(starts_on: date | None, check_years) -> set[int]:
    """Agreement year n is checked by the yearly check of the calendar year it ends in."""
    if starts_on is None:
        return set()
    return {
        n
        for n in range(1, 11)
        if (add_years(starts_on, n) - timedelta(days=1)).year in set(check_years)
    }


def facts_for(base) -> Facts:
    practices = contacts.practices_at([base.pk])[base.pk]
    check_years = yearly_checks_at([base.pk])[base.pk]
    agreement = base.agreements.order_by("-ends_on").first()
    allocations = {
        year_no: Allocation(due_on, state == AllocationState.PAID)
        for year_no, due_on, state in base.funding.filter(kind=FundingKind.ALLOCATION).values_list(
            "year_no", "due_on", "state"
        )
    }
    facts = Facts(
        plaque_date=base.plaque_date,
        level=base.level,
        allocations=allocations,
        practices=practices,
        governance=governance_rules.governance_for(base),
    )
    if agreement is None:
        return facts
    term = Q(starts_on__lte=agreement.ends_on) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=agreement.starts_on)
    )
    facts.starts_on, facts.ends_on = agreement.starts_on, agreement.ends_on
    facts.courses = base.courses.filter(term).count()
    facts.projects = base.projects.filter(term).count()
    facts.checked_years = agreement_years_checked(agreement.starts_on, check_years)
    return facts


def _in_term(model):
    """Rows of ``model`` for the base, within its latest agreement's term, counted."""
    rows = model.objects.filter(
        base=OuterRef("pk"), starts_on__lte=OuterRef("agreement_ends")
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("agreement_starts")))
    counted = rows.order_by().values("base").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def latest_agreement(field: str) -> Subquery:
    """``field`` of each base's latest agreement (the one ending last), as an annotation."""
    from agreements.models import Agreement

    latest = Agreement.objects.filter(base=OuterRef("pk")).order_by("-ends_on")
    return Subquery(latest.values(field)[:1])


def with_facts(queryset):
    """Annotate a Base queryset with what the registry needs, in one query."""
    from agreements.models import Course, FundingEntry, JointProject

    allocation = FundingEntry.objects.filter(base=OuterRef("pk"), kind=FundingKind.ALLOCATION)
    per_year = {}
    for n in range(1, FUNDED_YEARS + 1):
        year = allocation.filter(year_no=n)
        per_year[f"allocation_due_{n}"] = Subquery(year.values("due_on")[:1])
        per_year[f"allocation_paid_{n}"] = Exists(year.filter(state=AllocationState.PAID))
    return queryset.annotate(
        agreement_starts=latest_agreement("starts_on"),
        agreement_ends=latest_agreement("ends_on"),
    ).annotate(
        n_courses=_in_term(Course),
        n_projects=_in_term(JointProject),
        **per_year,
        **governance_rules.annotations(),
    )


def facts_from_annotations(base, practices=(), check_years=()) -> Facts:
    """``practices``: this base's entry of ``practice.contacts.practices_at`` for the page;
    ``check_years``: its entry of ``yearly_checks_at``."""
    return Facts(
        starts_on=base.agreement_starts,
        ends_on=base.agreement_ends,
        courses=base.n_courses,
        projects=base.n_projects,
        plaque_date=base.plaque_date,
        level=base.level,
        allocations={
            n: Allocation(
                getattr(base, f"allocation_due_{n}"), getattr(base, f"allocation_paid_{n}")
            )
            for n in range(1, FUNDED_YEARS + 1)
            if getattr(base, f"allocation_due_{n}") is not None
        },
        practices=list(practices),
        checked_years=agreement_years_checked(base.agreement_starts, check_years),
        governance=governance_rules.from_annotations(base),
    )


def lines(facts: Facts, *, today: date) -> list[Line]:
    return [
        agreement_expiry(facts, today),
        obligation(facts, today, "course", "共建实践课程", facts.courses, "门"),
        obligation(facts, today, "project", "联合科研项目", facts.projects, "项"),
        yearly_checks(facts, today),
        funding(facts, today),
        supervision(facts, today),
        *governance_rules.lines(facts.governance, plaque_date=facts.plaque_date, today=today),
    ]


def worst(result: list[Line]) -> str:
    return min((line.status for line in result), key=ORDER.__getitem__, default=GREEN)


def expiry_window(status: str, today: date) -> tuple[date, date]:
    """The end dates (inclusive) of agreements still in force that are reminded ``status``:
    red within 3 months, amber from 3 to 6 months. The panel line, the registry's
    "续签提醒" filter and the dashboard all use this one rule."""
    red_until = add_months(today, EXPIRY_RED_MONTHS)
    if status == RED:
        return today, red_until
    if status == AMBER:
        return red_until + timedelta(days=1), add_months(today, EXPIRY_AMBER_MONTHS)
    raise ValueError(status)


def agreement_expiry(facts: Facts, today: date) -> Line:
    """Art 7(2): the agreement normally runs 5 years; remind 6 and 3 months ahead."""
    title, article = "协议期限", "第七条"
    if facts.ends_on is None:
        return Line("agreement", title, article, RED, "没有已签订的协议书。")
    if facts.ends_on < today:
        return Line(
            "agreement",
            title,
            article,
            RED,
            f"协议已于 {facts.ends_on:%Y年%m月%d日} 到期，未续签。",
        )
    days = (facts.ends_on - today).days
    text = f"协议至 {facts.ends_on:%Y年%m月%d日} 到期，还有 {days} 天。"
    if facts.ends_on <= expiry_window(RED, today)[1]:
        return Line("agreement", title, article, RED, text + "请尽快办理续签。")
    if facts.ends_on <= expiry_window(AMBER, today)[1]:
        return Line("agreement", title, article, AMBER, text + "请着手准备续签。")
    return Line("agreement", title, article, GREEN, text)


def obligation(facts: Facts, today: date, key: str, what: str, count: int, unit: str) -> Line:
    """Art 28: at least one co-built practice course and one joint project per agreement."""
    article = "第二十八条"
    title = f"{what}（协议期内至少 1 {unit}）"
    if count:
        return Line(key, title, article, GREEN, f"协议期内已有 {count} {unit}。")
    if facts.starts_on is None:
        return Line(key, title, article, AMBER, f"尚无{what}记录，也没有协议期限可以对照。")
    if facts.ends_on < today:
        return Line(key, title, article, RED, f"协议期内未建设{what}。")
    half = facts.starts_on + (facts.ends_on - facts.starts_on) / 2
    if today >= half:
        return Line(
            key, title, article, AMBER, f"协议期限已过半（{half:%Y年%m月%d日}），尚无{what}。"
        )
    return Line(
        key,
        title,
        article,
        GREEN,
        f"尚无{what}；须在协议期满（{facts.ends_on:%Y年%m月%d日}）前完成。",
    )


def full_years(facts: Facts, today: date) -> int:
    if facts.starts_on is None:
        return 0
    end = min(today, facts.ends_on)
    years = 0
    while add_years(facts.starts_on, years + 1) <= end:
        years += 1
    return years


def yearly_checks(facts: Facts, today: date) -> Line:
    """Art 29: one check a year against Annex 4."""
    title, article = "年度对标检查", "第二十九条"
    due = full_years(facts, today)
    if due == 0:
        return Line("yearly_check", title, article, GREEN, "协议执行未满一年，尚无需对标检查。")
    missing = [n for n in range(1, due + 1) if n not in facts.checked_years]
    if not missing:
        return Line("yearly_check", title, article, GREEN, f"已完成 {due} 个协议年度的对标检查。")
    years = "、".join(f"第 {n} 年" for n in missing)
    return Line("yearly_check", title, article, AMBER, f"暂无记录：{years}。")


def funding(facts: Facts, today: date) -> Line:
    """Art 27: 10,000 yuan a year for each of the first three years, planned at establishment
    and paid when the office records it; amber once a year is due unpaid, red 90 days later."""
    key, title, article = "funding", "建设经费（前三年每年 1 万元）", "第二十七条"
    if not facts.established:
        return Line(key, title, article, GREEN, "基地尚未挂牌，挂牌后列入前三年计划拨付。",
                    applies=False)  # fmt: skip
    automatic = automatic_allocations(facts.level, facts.plaque_date)
    if not automatic and not facts.allocations:
        return Line(key, title, article, GREEN, _why_not(facts), applies=False)
    years = range(1, FUNDED_YEARS + 1) if automatic else sorted(facts.allocations)
    overdue = []  # (year, due on, days overdue)
    for n in years:
        allocation = facts.allocations.get(n)
        due_on = allocation.due_on if allocation else allocation_due_on(facts.plaque_date, n)
        if due_on <= today and not (allocation and allocation.paid):
            overdue.append((n, due_on, (today - due_on).days))
    if overdue:
        status = RED if any(days >= OVERDUE_RED_DAYS for *_, days in overdue) else AMBER
        text = "；".join(
            f"第 {n} 年应于 {due:%Y年%m月%d日} 拨付，{'今天到期' if not days else f'已过 {days} 天'}"
            for n, due, days in overdue
        )
        return Line(key, title, article, status, f"{text}，尚未登记拨付。")
    paid = "、".join(f"第 {n} 年" for n in facts.paid_years)
    planned = "、".join(
        f"第 {n} 年（{facts.allocations[n].due_on:%Y年%m月%d日}）" for n in facts.planned_years
    )
    parts = [f"已拨付：{paid}" if paid else "", f"计划拨付：{planned}" if planned else ""]
    return Line(key, title, article, GREEN, "；".join(p for p in parts if p) + "。"
                if paid or planned else "尚无拨款记录，尚未到拨付日期。")  # fmt: skip


def _why_not(facts: Facts) -> str:
    if facts.level != BaseLevel.SCHOOL:
        level = BaseLevel(facts.level).label
        return f"{level}基地按省级要求建设和考核（第八条），学校不自动列支前三年建设经费。"
    return (
        f"基地于 {facts.plaque_date:%Y年%m月%d日} 挂牌，早于本办法施行（{ART27_IN_FORCE:%Y年%m月%d日}），"
        "学校不自动列支前三年建设经费。"
    )


def supervision(facts: Facts, today: date) -> Line:
    """Art 20: for every student in practice here, a contact in every month and two
    face-to-face meetings in every practice year — 12 months from the practice's start, a short
    last part pro-rated (the rule is ``practice.contacts.evaluate``)."""
    key, title, article = (
        "contacts",
        "双导师沟通（每月至少 1 次，每个实践年度面对面至少 2 次）",
        "第二十条",
    )
    if not facts.practices:
        return Line(key, title, article, GREEN, "目前没有在本基地实践的研究生。")
    found = [(p, p.record(today)) for p in facts.practices]
    status = min((record.status for _, record in found), key=ORDER.__getitem__)
    if status == GREEN:
        started = sum(1 for _, record in found if record.started)
        waiting = f"，另有 {len(found) - started} 名即将开始" if started < len(found) else ""
        return Line(
            key, title, article, GREEN,
            f"{started} 名研究生在本基地实践{waiting}，沟通记录符合要求。",
        )  # fmt: skip
    detail = "；".join(
        f"{p.student}：{'，'.join(record.problems)}"
        for p, record in found
        if record.status == status
    )
    return Line(key, title, article, status, detail + "。")
