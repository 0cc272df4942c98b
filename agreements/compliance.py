"""The rules the system watches for every base: one module, used by the base's
panel, the registry's filters and (later) the reminders.

Each line is red / amber / green and cites the article it comes from.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from agreements.choices import FundingKind
from practice import contacts
from xcu_bases.dates import add_months, add_years

RED, AMBER, GREEN = "red", "amber", "green"
ORDER = {RED: 0, AMBER: 1, GREEN: 2}
LABELS = {RED: "需立即处理", AMBER: "需关注", GREEN: "正常"}

EXPIRY_AMBER_MONTHS = 6  # remind 6 months ahead
EXPIRY_RED_MONTHS = 3  # and 3 months ahead
FUNDED_YEARS = 3  # Art 27: the first three years
YEARLY_ALLOCATION = 10_000  # yuan


@dataclass(frozen=True)
class Line:
    key: str
    title: str
    article: str
    status: str
    detail: str

    @property
    def label(self) -> str:
        return LABELS[self.status]


@dataclass
class Facts:
    """What the rules need to know about one base; built by queries or annotations."""

    starts_on: date | None = None  # of the current (latest) agreement
    ends_on: date | None = None
    courses: int = 0  # within that agreement's term
    projects: int = 0
    funded_years: set[int] = field(default_factory=set)
    checked_years: set[int] = field(default_factory=set)  # yearly checks, by agreement year
    established: bool = True  # plaque awarded (Art 7(5)); funding starts then
    practices: list = field(default_factory=list)  # practice.contacts.Practice, students there now


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
    if agreement is None:
        return Facts(established=base.plaque_date is not None, practices=practices)
    term = Q(starts_on__lte=agreement.ends_on) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=agreement.starts_on)
    )
    return Facts(
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        courses=base.courses.filter(term).count(),
        projects=base.projects.filter(term).count(),
        established=base.plaque_date is not None,
        funded_years=set(
            base.funding.filter(kind=FundingKind.ALLOCATION, year_no__isnull=False).values_list(
                "year_no", flat=True
            )
        ),
        practices=practices,
        checked_years=agreement_years_checked(agreement.starts_on, check_years),
    )


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
    return queryset.annotate(
        agreement_starts=latest_agreement("starts_on"),
        agreement_ends=latest_agreement("ends_on"),
    ).annotate(
        n_courses=_in_term(Course),
        n_projects=_in_term(JointProject),
        **{
            f"funded_{n}": Exists(allocation.filter(year_no=n)) for n in range(1, FUNDED_YEARS + 1)
        },
    )


def facts_from_annotations(base, practices=(), check_years=()) -> Facts:
    """``practices``: this base's entry of ``practice.contacts.practices_at`` for the page;
    ``check_years``: its entry of ``yearly_checks_at``."""
    return Facts(
        starts_on=base.agreement_starts,
        ends_on=base.agreement_ends,
        courses=base.n_courses,
        projects=base.n_projects,
        funded_years={n for n in range(1, FUNDED_YEARS + 1) if getattr(base, f"funded_{n}")},
        established=base.plaque_date is not None,
        practices=list(practices),
        checked_years=agreement_years_checked(base.agreement_starts, check_years),
    )


def lines(facts: Facts, *, today: date) -> list[Line]:
    return [
        agreement_expiry(facts, today),
        obligation(facts, today, "course", "共建实践课程", facts.courses, "门"),
        obligation(facts, today, "project", "联合科研项目", facts.projects, "项"),
        yearly_checks(facts, today),
        funding(facts, today),
        supervision(facts, today),
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
    """Art 27: 10,000 yuan a year for each of the first three years, recorded."""
    title, article = "建设经费（前三年每年 1 万元）", "第二十七条"
    if not facts.established:
        return Line("funding", title, article, GREEN, "基地尚未挂牌，挂牌后登记前三年拨款。")
    if facts.starts_on is None:
        return Line("funding", title, article, AMBER, "没有协议期限，无法核对经费。")
    started = [n for n in range(1, FUNDED_YEARS + 1) if add_years(facts.starts_on, n - 1) <= today]
    missing = [n for n in started if n not in facts.funded_years]
    if missing:
        years = "、".join(f"第 {n} 年" for n in missing)
        return Line("funding", title, article, AMBER, f"未登记拨款：{years}。")
    if len(started) < FUNDED_YEARS:
        return Line("funding", title, article, GREEN, f"已登记前 {len(started)} 年拨款。")
    return Line("funding", title, article, GREEN, "前三年拨款均已登记。")


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
