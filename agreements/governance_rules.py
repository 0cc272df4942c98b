"""How a base is governed (Art 9, 10, 12(3), 14, 17), as lines of its compliance panel.

Amber, never blocking: they say what the office would ask about. The facts come from
``governance_for(base)`` (the base page) or from ``annotations()`` read back by
``from_annotations(base)`` (the registry, the export, the reminders: one query for all bases);
both give the same lines (tests/agreements/test_governance.py).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from agreements.choices import GovernanceBody, GovernanceRole
from agreements.choices import GovernanceCapacity as C
from agreements.lines import AMBER, GREEN, Line
from agreements.models import Base, ExchangeMeeting, GovernanceMember
from xcu_bases.choices import RoleCode
from xcu_bases.dates import add_months
from xcu_bases.models import User

# Art 12(3): the inspector is a full-time teacher (专任教师) of the base's college.
INSPECTOR_ROLES = (RoleCode.CAMPUS_SUPERVISOR, RoleCode.COLLEGE_HEAD)

# Art 9: who sits on the management committee, each met by any of these capacities.
COMMITTEE_REQUIRED = {
    C.SCHOOL_LEADER.label: (C.SCHOOL_LEADER,),
    C.PARTNER.label: (C.PARTNER, C.PARTNER_DEPT_HEAD),
    C.GRADUATE_OFFICE.label: (C.GRADUATE_OFFICE,),
    C.COLLEGE_HEAD.label: (C.COLLEGE_HEAD,),
}
MEETING_MONTHS = 12  # Art 17 says "定期"; the school reads it as at least once in 12 months


def inspector_candidates_all():
    """Art 12(3): every account an inspector may be chosen from (each of its own college)."""
    return (
        User.objects.filter(college__isnull=False, is_active=True, roles__code__in=INSPECTOR_ROLES)
        .distinct()
        .order_by("name", "pk")
    )


def inspector_candidates(college_id):
    """Art 12(3): the teacher accounts of a college the inspector is chosen from."""
    return inspector_candidates_all().filter(college_id=college_id)


@dataclass(frozen=True)
class GovernanceFacts:
    committee_size: int = 0
    committee_missing: tuple[str, ...] = tuple(COMMITTEE_REQUIRED)
    group_size: int = 0
    leader: str | None = None  # the working group leader's capacity; None: no leader
    deputies: int = 0
    deputies_ok: int = 0  # deputies who head a partner department
    inspector: str = ""  # the inspector account's name; "": none named
    inspector_ok: bool = False  # still an active teacher of the base's college
    inspector_legacy: str = ""
    participating: int = 0  # other colleges at the base (Art 14)
    responsible: str = ""  # the responsible college's name
    last_meeting: date | None = None


def _missing(present) -> tuple[str, ...]:
    return tuple(
        label
        for label, capacities in COMMITTEE_REQUIRED.items()
        if not any(c in present for c in capacities)
    )


def governance_for(base) -> GovernanceFacts:
    members = list(base.governance.values_list("body", "role", "capacity"))
    committee = [m for m in members if m[0] == GovernanceBody.COMMITTEE]
    group = [m for m in members if m[0] == GovernanceBody.WORKING_GROUP]
    leader = next((m[2] for m in group if m[1] == GovernanceRole.LEADER), None)
    deputies = [m[2] for m in group if m[1] == GovernanceRole.DEPUTY]
    inspector = base.inspector
    latest = base.meetings.order_by("-held_on").values_list("held_on", flat=True).first()
    return GovernanceFacts(
        committee_size=len(committee),
        committee_missing=_missing({m[2] for m in committee}),
        group_size=len(group),
        leader=leader,
        deputies=len(deputies),
        deputies_ok=deputies.count(C.PARTNER_DEPT_HEAD),
        inspector=inspector.name if inspector else "",
        inspector_ok=bool(inspector)
        and inspector_candidates(base.college_id).filter(pk=inspector.pk).exists(),
        inspector_legacy=base.inspector_legacy,
        participating=base.participating_colleges.count(),
        responsible=base.responsible_college.name if base.responsible_college_id else "",
        last_meeting=latest,
    )


def _count(queryset):
    counted = queryset.order_by().values("base").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def annotations() -> dict:
    """What ``from_annotations`` reads, as subqueries of one Base query (no joins that multiply
    rows)."""
    members = GovernanceMember.objects.filter(base=OuterRef("pk"))
    committee = members.filter(body=GovernanceBody.COMMITTEE)
    group = members.filter(body=GovernanceBody.WORKING_GROUP)
    deputies = group.filter(role=GovernanceRole.DEPUTY)
    leader = group.filter(role=GovernanceRole.LEADER).order_by("pk").values("capacity")[:1]
    shared = Base.participating_colleges.through.objects.filter(base=OuterRef("pk"))
    latest = ExchangeMeeting.objects.filter(base=OuterRef("pk")).order_by("-held_on")
    teacher = inspector_candidates(OuterRef("college_id")).filter(pk=OuterRef("inspector_id"))
    return {
        "gov_committee": _count(committee),
        **{
            f"gov_has_{i}": Exists(committee.filter(capacity__in=capacities))
            for i, capacities in enumerate(COMMITTEE_REQUIRED.values())
        },
        "gov_group": _count(group),
        "gov_leader": Subquery(leader),
        "gov_deputies": _count(deputies),
        "gov_deputies_ok": _count(deputies.filter(capacity=C.PARTNER_DEPT_HEAD)),
        "gov_inspector": F("inspector__name"),
        "gov_inspector_ok": Exists(teacher),
        "gov_participating": _count(shared),
        "gov_responsible": F("responsible_college__name"),
        "gov_last_meeting": Subquery(latest.values("held_on")[:1]),
    }


def from_annotations(base) -> GovernanceFacts:
    labels = list(COMMITTEE_REQUIRED)
    return GovernanceFacts(
        committee_size=base.gov_committee,
        committee_missing=tuple(
            label for i, label in enumerate(labels) if not getattr(base, f"gov_has_{i}")
        ),
        group_size=base.gov_group,
        leader=base.gov_leader,
        deputies=base.gov_deputies,
        deputies_ok=base.gov_deputies_ok,
        inspector=base.gov_inspector or "",
        inspector_ok=bool(base.gov_inspector_ok),
        inspector_legacy=base.inspector_legacy,
        participating=base.gov_participating,
        responsible=base.gov_responsible or "",
        last_meeting=base.gov_last_meeting,
    )


# --- the lines ------------------------------------------------------------------------------


def lines(g: GovernanceFacts, *, plaque_date: date | None, today: date) -> list[Line]:
    return [
        committee(g),
        working_group(g),
        inspector(g),
        responsible_college(g),
        exchange_meetings(g, plaque_date, today),
    ]


def committee(g: GovernanceFacts) -> Line:
    """Art 9: the school leader in charge of graduate education, the partner, the graduate
    office and the college heads together form the management committee."""
    key, title, article = "committee", "基地建设管理委员会", "第九条"
    if not g.committee_size:
        return Line(key, title, article, AMBER, "尚未登记管理委员会成员：应由分管研究生教育校领导、"
                    "合作单位、学科与研究生处和学院负责人共同组成。")  # fmt: skip
    if g.committee_missing:
        return Line(key, title, article, AMBER, f"委员会缺少{'、'.join(g.committee_missing)}"
                    "（请在管理机构中注明成员的代表身份）。")  # fmt: skip
    return Line(key, title, article, GREEN, f"{g.committee_size} 名成员，含分管研究生教育校领导、"
                "合作单位、学科与研究生处和学院负责人。")  # fmt: skip


def working_group(g: GovernanceFacts) -> Line:
    """Art 10: each base has a working group led by the college head, with a head of the
    partner's department as deputy."""
    key, title, article = "working_group", "基地工作小组", "第十条"
    if not g.group_size:
        return Line(key, title, article, AMBER, "尚未成立基地工作小组。")
    problems = []
    if g.leader is None:
        problems.append("未指定组长（应由学院负责人兼任）")
    elif g.leader != C.COLLEGE_HEAD:
        problems.append("组长应由学院负责人兼任")
    if not g.deputies:
        problems.append("未指定副组长（应由合作单位相关部门负责人兼任）")
    elif g.deputies_ok < g.deputies:
        problems.append("副组长应由合作单位相关部门负责人兼任")
    if problems:
        return Line(key, title, article, AMBER, "；".join(problems) + "。")
    return Line(key, title, article, GREEN, f"{g.group_size} 名成员，组长为学院负责人，"
                "副组长为合作单位部门负责人。")  # fmt: skip


def inspector(g: GovernanceFacts) -> Line:
    """Art 12(3): the college names a full-time teacher as the base's inspector."""
    key, title, article = "inspector", "督导员", "第十二条第三项"
    if not g.inspector:
        legacy = (
            f"原登记的“{g.inspector_legacy}”未对应本学院教师账号，请重新指定。"
            if g.inspector_legacy
            else ""
        )
        return Line(key, title, article, AMBER, f"尚未指定督导员（须为本学院教师）。{legacy}")
    if not g.inspector_ok:
        return Line(key, title, article, AMBER,
                    f"督导员{g.inspector}已不是本学院在岗教师账号，请重新指定。")  # fmt: skip
    return Line(key, title, article, GREEN, f"督导员：{g.inspector}。")


def responsible_college(g: GovernanceFacts) -> Line:
    """Art 14: a base shared by several colleges has one responsible college."""
    key, title, article = "responsible_college", "责任学院", "第十四条"
    if not g.participating:
        return Line(key, title, article, GREEN, "基地仅由所属学院使用，无需指定责任学院。",
                    applies=False)  # fmt: skip
    if not g.responsible:
        return Line(key, title, article, AMBER,
                    f"基地由 {g.participating + 1} 个学院共用，尚未指定责任学院。")  # fmt: skip
    return Line(key, title, article, GREEN, f"责任学院：{g.responsible}。")


def exchange_meetings(g: GovernanceFacts, plaque_date: date | None, today: date) -> Line:
    """Art 17: regular exchange meetings or seminars; one in the last 12 months."""
    key, title, article = "exchange", "定期交流研讨（近 12 个月至少 1 次）", "第十七条"
    since = add_months(today, -MEETING_MONTHS)
    if g.last_meeting and g.last_meeting >= since:
        return Line(key, title, article, GREEN, f"最近一次：{g.last_meeting:%Y年%m月%d日}。")
    if plaque_date is None:
        return Line(key, title, article, GREEN, "基地尚未挂牌。", applies=False)
    if plaque_date > since:
        return Line(key, title, article, GREEN, "基地挂牌未满 12 个月，尚无交流研讨会记录。")
    last = f"（最近一次：{g.last_meeting:%Y年%m月%d日}）" if g.last_meeting else ""
    return Line(key, title, article, AMBER, f"近 12 个月没有交流研讨会记录{last}。")
