"""Which bases a round may include, and why (Art 29 "一年一对标，三年一考核", Art 8): one rule
for the 发起评估 form, the round page and the services that open rounds and add bases.

Term assessment (期满考核): a school-level base whose agreement has ended, or ends within the
round's year, without a term assessment since; or whose plaque (or last term assessment) is
three years old by the end of the round's year. Provincial and national bases follow the
provincial rules (Art 8) and are left out. A base is in at most one term round a year.

Yearly check (年度对标): every base that held its status throughout the year (plaque awarded,
not revoked within or before it). It is *due* when one of its agreement years ends within the
year: the compliance panel counts agreement year n as checked by the yearly check of the
calendar year it ends in. A base not yet due may still be included; it is not proposed.

``term_verdict`` and ``yearly_verdict`` are pure (facts and year in, verdict out);
``facts_for`` reads what they need for many bases in three queries.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from agreements.choices import BaseLevel, BaseState
from agreements.models import Agreement, Base
from evaluation.choices import RoundKind
from evaluation.models import BaseEvaluation
from xcu_bases.dates import add_years
from xcu_bases.models import TransitionLog

ART29 = "第二十九条"
TERM_CYCLE = 3  # 三年一考核


@dataclass(frozen=True)
class Facts:
    """What the rules read about one base."""

    state: str
    level: str = BaseLevel.SCHOOL
    plaque_date: date | None = None
    agreements: tuple[tuple[date, date], ...] = ()  # (starts_on, ends_on)
    term_rounds: tuple[tuple[int, str], ...] = ()  # (year, name) of the term rounds it is in
    revoked_on: date | None = None

    @property
    def agreement_ends(self) -> date | None:
        return max((ends for _, ends in self.agreements), default=None)


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    proposed: bool  # ticked on the form
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return "；".join(self.reasons)


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _no(reason: str) -> Verdict:
    return Verdict(False, False, (reason,))


# --- term assessment ---------------------------------------------------------------------


def term_verdict(facts: Facts, year: int) -> Verdict:
    """Art 29 and Art 8, for a term round of ``year``."""
    if facts.state == BaseState.REVOKED:
        return _no("基地已撤销")
    if facts.state == BaseState.PREPARING:
        return _no("尚未挂牌（第七条）")
    if facts.level == BaseLevel.PROVINCIAL:
        return _no("省级基地按省级要求考核，不参加学校期满考核（第八条）")
    if facts.level == BaseLevel.NATIONAL:
        return _no("国家级基地按国家和省级要求考核，不参加学校期满考核（第八条）")
    same_year = [name for y, name in facts.term_rounds if y == year]
    if same_year:
        return _no(f"已在{same_year[0]}中")
    reasons = [r for r in (_agreement_ended(facts, year), _three_years(facts, year)) if r]
    if reasons:
        return Verdict(True, True, tuple(reasons))
    return _no(_not_due(facts, year))


def _agreement_ended(facts: Facts, year: int) -> str:
    """An agreement ended (or ends within ``year``) with no term assessment since."""
    end_of_year = date(year, 12, 31)
    assessed = [y for y, _ in facts.term_rounds]
    open_ends = [
        ends
        for _, ends in facts.agreements
        if ends <= end_of_year and not any(y >= ends.year for y in assessed)
    ]
    if not open_ends:
        return ""
    ends = max(open_ends)
    when = "本年度" if ends.year == year else "尚未考核"
    return f"协议于 {_day(ends)} 期满（{when}，{ART29}）"


def _three_years(facts: Facts, year: int) -> str:
    """三年一考核: three years since the last term assessment, or since the plaque."""
    earlier = [y for y, _ in facts.term_rounds if y < year]
    if earlier:
        last = max(earlier)
        if year - last >= TERM_CYCLE:
            return f"距上次期满考核（{last} 年）已满三年（三年一考核）"
        return ""
    if facts.plaque_date and add_years(facts.plaque_date, TERM_CYCLE) <= date(year, 12, 31):
        return f"{_day(facts.plaque_date)}挂牌，已满三年（三年一考核）"
    return ""


def _not_due(facts: Facts, year: int) -> str:
    ends = facts.agreement_ends
    agreement = f"协议 {_day(ends)} 期满" if ends else "没有协议书"
    earlier = [y for y, _ in facts.term_rounds if y < year]
    if earlier:
        return f"{agreement}，距上次期满考核（{max(earlier)} 年）未满三年（{ART29}）"
    if facts.plaque_date:
        return f"{agreement}，{_day(facts.plaque_date)}挂牌，未满三年（{ART29}）"
    return f"{agreement}，挂牌未满三年（{ART29}）"


# --- yearly check ------------------------------------------------------------------------


def agreement_year_ends(starts_on: date, ends_on: date) -> list[tuple[int, date]]:
    """(n, last day of agreement year n); a shorter last year ends with the agreement."""
    found, n = [], 1
    while True:
        end = min(add_years(starts_on, n) - timedelta(days=1), ends_on)
        found.append((n, end))
        if end >= ends_on:
            return found
        n += 1


def yearly_verdict(facts: Facts, year: int) -> Verdict:
    """Art 29 "一年一对标", for the yearly check of ``year``."""
    if facts.state == BaseState.PREPARING:
        return _no("尚未挂牌（第七条）")
    if facts.revoked_on and facts.revoked_on.year <= year:
        return _no(f"基地已于 {_day(facts.revoked_on)} 撤销")
    notes = []
    if facts.level != BaseLevel.SCHOOL:
        notes.append(
            f"{BaseLevel(facts.level).label}基地按省级要求考核，可参加学校年度对标（第八条）"
        )
    if facts.revoked_on:  # a year before its revocation (a check recorded afterwards)
        held = f"基地于 {_day(facts.revoked_on)} 撤销，本年度仍具有基地资格"
        return Verdict(True, False, (held, *notes))
    due = [
        (n, end)
        for starts, ends in facts.agreements
        for n, end in agreement_year_ends(starts, ends)
        if end.year == year
    ]
    if due:
        n, end = max(due, key=lambda d: d[1])
        return Verdict(True, True, (f"第 {n} 个协议年度于 {_day(end)} 结束", *notes))
    return Verdict(True, False, (_yearly_not_due(facts, year), *notes))


def _yearly_not_due(facts: Facts, year: int) -> str:
    if not facts.agreements:
        return "没有协议书"
    first = min(add_years(starts, 1) - timedelta(days=1) for starts, _ in facts.agreements)
    if first.year > year:
        return f"协议执行未满一年（第一个协议年度于 {_day(first)} 结束），本年度无需对标"
    return f"协议已于 {_day(facts.agreement_ends)} 期满，本年度没有需对标的协议年度"


def verdict(kind: str, facts: Facts, year: int) -> Verdict:
    return term_verdict(facts, year) if kind == RoundKind.TERM else yearly_verdict(facts, year)


# --- reading the facts -------------------------------------------------------------------


def facts_for(bases, *, exclude_round=None) -> dict[int, Facts]:
    """Facts of ``bases`` (Base rows), ignoring ``exclude_round`` (the round being edited)."""
    bases = list(bases)
    ids = [b.pk for b in bases]
    agreements: dict[int, list] = {pk: [] for pk in ids}
    rows = Agreement.objects.filter(base_id__in=ids).values_list("base_id", "starts_on", "ends_on")
    for base_id, starts, ends in rows:
        agreements[base_id].append((starts, ends))
    terms: dict[int, list] = {pk: [] for pk in ids}
    evaluations = BaseEvaluation.objects.filter(base_id__in=ids, round__kind=RoundKind.TERM)
    if exclude_round is not None:
        evaluations = evaluations.exclude(round=exclude_round)
    for evaluation in evaluations.select_related("round"):
        terms[evaluation.base_id].append((evaluation.round.year, str(evaluation.round)))
    revoked = dict(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Base),
            object_id__in=[str(pk) for pk in ids], transition="revoke",
        ).values_list("object_id", "at")
    )  # fmt: skip
    return {
        b.pk: Facts(
            state=b.state,
            level=b.level,
            plaque_date=b.plaque_date,
            agreements=tuple(sorted(agreements[b.pk])),
            term_rounds=tuple(sorted(terms[b.pk])),
            revoked_on=timezone.localdate(revoked[str(b.pk)]) if str(b.pk) in revoked else None,
        )
        for b in bases
    }


@dataclass(frozen=True)
class Candidate:
    base: Base
    agreement_ends: date | None
    verdict: Verdict


def candidates(kind: str, year: int, *, evaluation_round=None) -> list[Candidate]:
    """Every base the form lists for a round of ``kind`` and ``year`` (revoked bases only
    where they still count), with its verdict; bases already in ``evaluation_round`` left out."""
    bases = Base.objects.select_related("college").order_by("college__code", "name", "pk")
    if evaluation_round is not None:
        bases = bases.exclude(evaluations__round=evaluation_round)
    bases = list(bases)
    facts = facts_for(bases, exclude_round=evaluation_round)
    found = []
    for base in bases:
        verdict_ = verdict(kind, facts[base.pk], year)
        if base.state == BaseState.REVOKED and not verdict_.eligible:
            continue
        found.append(Candidate(base, facts[base.pk].agreement_ends, verdict_))
    return found


def check(base: Base, kind: str, year: int, *, evaluation_round=None) -> Verdict:
    """The verdict for one base (the services' guard)."""
    return verdict(kind, facts_for([base], exclude_round=evaluation_round)[base.pk], year)
