"""Demo bases for ``manage.py seed_demo``: every level, every state, every colour of the panel.

The applications demo brings the bases born from Annex 1 (two active, one waiting for its
plaque). The bases here predate the system: each is created with its partner and its signed
agreement, then registered through ``agreements.services`` (plaque, Art 27 allocations,
timeline). Everything after that goes through the services too, as the people would do it:
the college secretary enters governance (Art 9, Art 10), exchange meetings (Art 17), courses
and projects (Art 28) and spending with its voucher (Art 27); the office changes the level
(Art 4, Art 8) and revokes (Art 29); renewals are reviewed as new agreements (Art 7,
renewal_demo.py); the daily job expires. A base is keyed on its name and college: one that
exists is left alone, so seeding twice changes nothing.

What the panel shows today:
盐源苹果 — red (agreement ends within three months; its renewal waits for the office);
雅砻江渔业 — amber (within six months; its renewal is with the legal office);
钒钛生态修复 — amber (no course after half the term, no inspector named (Art 12(3)), no
exchange meeting in 12 months (Art 17)); 乌金猪 and 苦荞 (renewed) — green, full governance;
会理牧业 — expired; 航天城农旅 — revoked; 苦荞 national, 雅砻江渔业 provincial.

Art 27: only 乌金猪 was plaqued after the regulation came into force (its year 1 paid, years
2 and 3 planned); the others predate it and their funding line says so. Of the two bases born
from applications, the office has paid year 1 of the first; the second's year 1 is due and
unpaid.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from agreements import renewal_demo, services
from agreements.choices import (
    AllocationState,
    BaseLevel,
    BaseState,
    FundingKind,
    GovernanceBody,
    GovernanceCapacity,
    GovernanceRole,
    MeetingKind,
    ProjectLevel,
)
from agreements.models import Agreement, Base, FundingEntry, Partner
from applications.demo import credit_code, demo_pdf
from xcu_bases.dates import add_years
from xcu_bases.models import College, User

# --- who acts -------------------------------------------------------------------

OFFICE = "office"
COLLEGE_PEOPLE = {"01": ("secretary", "head"), "02": ("secretary2", "head2")}
# Art 9: the university's side of the management committee.
VICE_PRESIDENT = ("黄永林", "西昌学院", "副校长（分管研究生教育）", "0834-2580001")
OFFICE_HEAD = ("唐文彬", "学科与研究生处", "处长", "0834-2580100")
OFFICE_STAFF = ("罗晓梅", "学科与研究生处", "研究生培养科", "0834-2580101")

# --- the bases ------------------------------------------------------------------------
# Dates are days before today ("ago") or after it ("in"). Agreements run five years (Art 7(2)).
# courses: title, ago, days, people, hours; projects: title, level, ago, ended ago, people, 10k yuan;
# meetings: ago, kind, title, topic; levels: level, ago, document number, note.

BASES = [
    {
        "college": "01",
        "name": "西昌学院—四川彝州苦荞科技有限公司研究生联合培养基地",
        "partner": {
            "name": "四川彝州苦荞科技有限公司",
            "code": ("91", "513401", "MA6H3K2P"),
            "address": "四川省西昌市经久工业园区荞麦路8号",
            "main_fields": "苦荞种质资源与育种、功能食品开发、绿色高效栽培",
            "students_per_year": 6,
            "total_staff": 260,
            "senior_staff": 28,
            "doctorate_staff": 5,
            "avg_rd_spend": "420.00",
        },
        "head": ("阿西木呷", "董事长", "0834-3861001"),
        "dept_head": ("张德明", "技术研发中心主任", "13882401101"),
        "mentor": ("吉克曲布", "高级农艺师（基地导师）", "13882401102"),
        "inspector": "tutor",
        "agreement": {"ended_ago": 200},
        "renewal": {"started_ago": 120},
        "levels": [
            ("provincial", 1100, "川教函〔{year}〕376号", "认定为四川省研究生联合培养基地。"),
            ("national", 60, "教研函〔{year}〕8号", "入选国家级专业学位研究生联合培养基地。"),
        ],
        "courses": [
            ("苦荞高效栽培与种子生产实践", 1500, 112, "吉克曲布、张明华", 32),
            ("苦荞功能食品开发综合实践", 75, 70, "张德明、张明华", 24),
        ],
        "projects": [
            (
                "苦荞富硒功能品种选育与产业化示范",
                "national",
                1600,
                500,
                "张明华、吉克曲布、张德明",
                "60.00",
            ),
            (
                "凉山苦荞全产业链绿色生产技术集成",
                "provincial",
                100,
                None,
                "张明华、张德明",
                "35.00",
            ),
        ],
        "meetings": [
            (1400, "exchange", "基地建设交流会", ""),
            (700, "seminar", "苦荞种质创新与功能成分利用研讨会", "苦荞种质创新与功能成分利用"),
            (90, "exchange", "续签协议后首次基地工作交流会", ""),
        ],
    },
    {
        "college": "01",
        "name": "西昌学院—四川盐源苹果产业发展有限公司研究生联合培养基地",
        "partner": {
            "name": "四川盐源苹果产业发展有限公司",
            "code": ("91", "513423", "MA62W8TF"),
            "address": "四川省凉山彝族自治州盐源县盐井镇果城大道126号",
            "main_fields": "高原苹果矮砧密植栽培、果园土壤改良、采后贮藏保鲜",
            "students_per_year": 4,
            "total_staff": 180,
            "senior_staff": 12,
            "doctorate_staff": 2,
            "avg_rd_spend": "160.00",
        },
        "head": ("海来阿支", "总经理", "0834-6321002"),
        "dept_head": ("周永福", "果树技术部部长", "13882402201"),
        "mentor": ("杨德荣", "高级农艺师（基地导师）", "13882402202"),
        "inspector": "head",
        "agreement": {"ends_in": 58},
        "courses": [("高原苹果矮砧密植栽培实践", 1300, 98, "杨德荣、张明华", 32)],
        "projects": [
            ("盐源苹果水肥一体化技术示范", "city", 1100, 400, "张明华、周永福", "12.00"),
            ("苹果采后商品化处理技术服务", "contract", 500, 200, "张明华、杨德荣", "8.50"),
        ],
        "meetings": [
            (1000, "exchange", "基地建设交流会", ""),
            (320, "seminar", "高原苹果提质增效研讨会", "高原苹果提质增效"),
            (45, "exchange", "协议续签筹备交流会", ""),
        ],
    },
    {
        "college": "01",
        "name": "西昌学院—攀枝花钒钛矿区生态修复科技有限公司研究生联合培养基地",
        "partner": {
            "name": "攀枝花钒钛矿区生态修复科技有限公司",
            "code": ("91", "510411", "MA6B5N7Q"),
            "address": "四川省攀枝花市仁和区钒钛大道二段66号",
            "main_fields": "钒钛尾矿基质改良、矿区植被恢复、重金属污染农田修复",
            "students_per_year": 3,
            "total_staff": 95,
            "senior_staff": 14,
            "doctorate_staff": 4,
            "avg_rd_spend": "210.00",
        },
        "head": ("刘国栋", "总经理", "0812-3356001"),
        "dept_head": ("陈文静", "生态修复研究所所长", "13882403301"),
        "mentor": ("赵海波", "正高级工程师（基地导师）", "13882403302"),
        "inspector": None,  # Art 12(3): not yet named, the panel says so,
        # Plaque over three years ago on any day of the year: due for the term assessment
        # ("三年一考核", Art 29) that the evaluation demo grades 不合格.
        "agreement": {"started_ago": 1130},
        "courses": [],
        "projects": [
            (
                "钒钛尾矿基质改良与先锋植物筛选",
                "contract",
                800,
                None,
                "周诗琪、赵海波、陈文静",
                "28.00",
            ),
        ],
        "meetings": [
            (1000, "exchange", "基地建设交流会", ""),
            (400, "seminar", "矿区土壤重构与植被恢复研讨会", "矿区土壤重构与植被恢复"),
        ],
    },
    {
        "college": "01",
        "name": "西昌学院—西昌航天城农旅融合发展有限公司研究生联合培养基地",
        "partner": {
            "name": "西昌航天城农旅融合发展有限公司",
            "code": ("91", "513401", "MA6C8D1R"),
            "address": "四川省西昌市航天大道四段199号",
            "main_fields": "休闲农业与乡村旅游、航天育种作物展示、农旅融合规划",
            "students_per_year": 2,
            "total_staff": 60,
            "senior_staff": 3,
            "doctorate_staff": 0,
            "avg_rd_spend": "35.00",
        },
        "head": ("俄木阿呷", "董事长", "0834-3951003"),
        "dept_head": ("孙立伟", "规划发展部经理", "13882404401"),
        "mentor": ("黄丽萍", "农艺师（基地导师）", "13882404402"),
        "inspector": "tutor",
        "agreement": {"started_ago": 800},
        "courses": [],
        "projects": [],
        "meetings": [(700, "exchange", "基地建设交流会", "")],
        "revoke": (
            "年度对标检查得分 52 分，评定为不合格；协议签订两年多来未共建实践课程、未开展联合科研项目，"
            "合作单位经营范围调整后已不能提供研究生实践条件。依据《西昌学院研究生联合培养基地建设与"
            "管理办法（试行）》第二十九条，经基地建设管理委员会研究，撤销其基地资格。"
        ),
    },
    {
        "college": "02",
        "name": "西昌学院—凉山州雅砻江水电生态渔业有限公司研究生联合培养基地",
        "partner": {
            "name": "凉山州雅砻江水电生态渔业有限公司",
            "code": ("91", "513433", "MA6D4E6U"),
            "address": "四川省凉山彝族自治州冕宁县锦屏镇水电路18号",
            "main_fields": "长江上游特有鱼类人工繁育、增殖放流、库区水生态监测",
            "students_per_year": 4,
            "total_staff": 70,
            "senior_staff": 11,
            "doctorate_staff": 3,
            "avg_rd_spend": "260.00",
        },
        "head": ("王志远", "总经理", "0834-7621005"),
        "dept_head": ("吉木子洛", "鱼类增殖站站长", "13882405501"),
        "mentor": ("罗春燕", "高级工程师（基地导师）", "13882405502"),
        "inspector": "tutor2",
        "agreement": {"ends_in": 150},
        "levels": [
            ("provincial", 700, "川教函〔{year}〕512号", "认定为四川省研究生联合培养基地。"),
        ],
        "courses": [("长江上游特有鱼类人工繁育实践", 1200, 84, "吉木子洛、何永红", 32)],
        "projects": [
            (
                "雅砻江下游短须裂腹鱼增殖放流效果评估",
                "provincial",
                1000,
                270,
                "何永红、罗春燕",
                "45.00",
            ),
            ("锦屏库区水生态监测技术服务", "contract", 400, None, "何永红、吉木子洛", "16.00"),
        ],
        "meetings": [
            (600, "seminar", "特有鱼类保护与增殖放流研讨会", "特有鱼类保护与增殖放流"),
            (100, "exchange", "基地建设交流会", ""),
        ],
    },
    {
        "college": "02",
        "name": "西昌学院—凉山彝家乌金猪产业发展有限公司研究生联合培养基地",
        "partner": {
            "name": "凉山彝家乌金猪产业发展有限公司",
            "code": ("91", "513431", "MA6E2G4K"),
            "address": "四川省凉山彝族自治州昭觉县新城镇彝风大道52号",
            "main_fields": "乌金猪保种选育、林下生态养殖、彝家传统腊肉工艺",
            "students_per_year": 4,
            "total_staff": 120,
            "senior_staff": 7,
            "doctorate_staff": 1,
            "avg_rd_spend": "90.00",
        },
        "head": ("曲比阿果", "董事长", "0834-8321006"),
        "dept_head": ("阿苦日体", "育种场场长", "13882406601"),
        "mentor": ("李红梅", "畜牧师（基地导师）", "13882406602"),
        "inspector": "tutor2",
        "agreement": {"started_ago": 200},
        "courses": [("乌金猪保种选育与生态养殖实践", 110, 70, "阿苦日体、何永红", 24)],
        "projects": [
            ("乌金猪肉质性状分子标记辅助选育", "contract", 150, None, "何永红、李红梅", "12.00"),
            # Art 28: neither a government nor a contract project (其他).
            ("彝家传统腊肉工艺整理与标准研制", "other", 120, None, "何永红、阿苦日体", ""),
        ],
        "meetings": [
            (160, "exchange", "基地启动暨研究生进站交流会", ""),
            (30, "seminar", "地方猪遗传资源保护与利用研讨会", "地方猪遗传资源保护与利用"),
        ],
    },
    {
        "college": "02",
        "name": "西昌学院—会理山地生态牧业有限公司研究生联合培养基地",
        "partner": {
            "name": "会理山地生态牧业有限公司",
            "code": ("91", "513402", "MA6F9H3L"),
            "address": "四川省凉山彝族自治州会理市鹿厂镇牧业路9号",
            "main_fields": "山地黑山羊养殖、人工饲草种植、养殖粪污资源化利用",
            "students_per_year": 3,
            "total_staff": 85,
            "senior_staff": 5,
            "doctorate_staff": 0,
            "avg_rd_spend": "60.00",
        },
        "head": ("徐光辉", "总经理", "0834-5621007"),
        "dept_head": ("沙马伍各", "养殖技术部部长", "13882407701"),
        "mentor": ("陈小兵", "畜牧师（基地导师）", "13882407702"),
        "inspector": "head2",
        "agreement": {"ended_ago": 40},
        "courses": [("山地黑山羊高效养殖实践", 1500, 84, "沙马伍各、何永红", 32)],
        "projects": [
            ("会理黑山羊舍饲育肥技术研究", "city", 1300, 700, "何永红、沙马伍各", "15.00"),
        ],
        "meetings": [
            (1600, "exchange", "基地建设交流会", ""),
            (900, "seminar", "山地草畜配套技术研讨会", "山地草畜配套技术"),
        ],
    },
    {
        "college": "02",
        "participating": ["01"],  # Art 14: 动物科学学院 coordinates
        "name": "西昌学院—成都蜀兴动物药业有限公司研究生联合培养基地",
        "partner": {
            "name": "成都蜀兴动物药业有限公司",
            "code": ("91", "510115", "MA6G7J5M"),
            "address": "四川省成都市温江区海峡两岸科技产业开发园科兴路西段16号",
            "main_fields": "兽用疫苗研发、动物疫病快速诊断、兽药质量检测、中兽药原料药材",
            "students_per_year": 5,
            "total_staff": 420,
            "senior_staff": 46,
            "doctorate_staff": 18,
            "avg_rd_spend": "1350.00",
        },
        "head": ("郑宏伟", "董事长", "028-82651008"),
        "dept_head": ("冯晓东", "研发中心副主任", "13882408801"),
        "mentor": ("唐雪梅", "研究员（基地导师）", "13882408802"),
        "inspector": "tutor2",
        "agreement": {"started_ago": 760},
        "courses": [("兽用疫苗质量检验综合实践", 500, 56, "唐雪梅、何永红", 40)],
        "projects": [
            (
                "非洲猪瘟病毒快速检测试剂盒研发",
                "national",
                400,
                None,
                "何永红、冯晓东、唐雪梅",
                "80.00",
            ),
            ("中兽药原料药材规范化种植技术服务", "contract", 300, None, "张明华、冯晓东", "10.00"),
        ],
        "meetings": [
            (600, "exchange", "基地建设交流会", ""),
            (200, "seminar", "动物疫病快速诊断技术研讨会", "动物疫病快速诊断技术"),
        ],
    },
]

# Art 27: what the yearly 10,000 yuan is spent on (days into the year, what, yuan).
SPENDING = [
    (60, "研究生专业实践补助（第二十三条）", "4800.00"),
    (150, "研究生人身意外伤害保险及安全培训（第十五条、第二十二条）", "1200.00"),
]


@dataclass(frozen=True)
class Term:
    signed_on: date
    starts_on: date
    ends_on: date


def _term(when: dict, today: date) -> Term:
    """Five years (Art 7(2)), placed by its start or its end relative to today."""
    if "started_ago" in when:
        starts = today - timedelta(days=when["started_ago"])
        ends = add_years(starts, 5) - timedelta(days=1)
    else:
        ends = today + timedelta(days=when.get("ends_in", -when.get("ended_ago", 0)))
        starts = add_years(ends + timedelta(days=1), -5)
    return Term(signed_on=starts - timedelta(days=12), starts_on=starts, ends_on=ends)


# --- building them ------------------------------------------------------------------------


def seed_bases(stdout=None) -> int:
    """Create the demo bases that do not exist yet; return how many were created."""
    today = timezone.localdate()
    usernames = {OFFICE, *(u for pair in COLLEGE_PEOPLE.values() for u in pair)}
    usernames |= {spec["inspector"] for spec in BASES if spec["inspector"]}
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = usernames - set(people)
    if missing:
        raise RuntimeError("演示基地需要以下账号：" + "、".join(sorted(missing)))
    colleges = {c.code: c for c in College.objects.filter(code__in=COLLEGE_PEOPLE)}
    with transaction.atomic():
        todo = [
            spec
            for spec in BASES
            if not Base.objects.filter(
                name=spec["name"], college=colleges[spec["college"]]
            ).exists()
        ]
        built = [(spec, _establish(spec, colleges, people, today)) for spec in todo]
        # What the daily cron job (manage.py expire_agreements) would have done by now.
        services.base_expire_due()
        for spec, base in built:
            secretary = people[COLLEGE_PEOPLE[spec["college"]][0]]
            _funding(base, spec, people[OFFICE], secretary, today)
            _afterwards(spec, base, people[OFFICE], today)
        _application_bases(people[OFFICE], today)
        renewals = renewal_demo.seed_renewals()
    if stdout is not None:
        stdout.write(
            f"演示基地：新建 {len(built)} 个（共 {len(BASES)} 个），续签申请 {renewals} 份。"
        )
    return len(built)


def _establish(spec: dict, colleges: dict, people: dict, today: date) -> Base:
    college = colleges[spec["college"]]
    office = people[OFFICE]
    first = _term(spec["agreement"], today)
    base = Base.objects.create(
        name=spec["name"],
        partner=_partner(spec["partner"]),
        college=college,
        plaque_date=first.starts_on + timedelta(days=28),
    )
    _agreement(base, spec, first, office, "签字盖章扫描件")
    services.base_register_existing(base=base, by=office)
    for change in spec.get("levels", []):
        if today - timedelta(days=change[1]) <= first.ends_on:
            _level(base, change, office, today)
    secretary, head = (people[u] for u in COLLEGE_PEOPLE[spec["college"]])
    # Art 12(3): the college appoints the inspector; Art 14: one college coordinates.
    inspector = people[spec["inspector"]] if spec["inspector"] else None
    participating = [colleges[code] for code in spec.get("participating", [])]
    services.base_profile_update(
        base=base, by=secretary, responsible_college=college if participating else None,
        participating_colleges=participating, inspector=inspector,
    )  # fmt: skip
    _governance(base, spec, head, secretary)
    _activities(base, spec, head, secretary, today)
    return base


def _afterwards(spec: dict, base: Base, office, today: date) -> None:
    """After the expiry run: renewal, later level changes, revocation — in that order."""
    first = _term(spec["agreement"], today)
    if "renewal" in spec:  # Art 7: reviewed as a new agreement (agreements/renewal_demo.py)
        term = _term(spec["renewal"], today)
        renewal_demo.renew_base(
            base, starts_on=term.starts_on, ends_on=term.ends_on, signed_on=term.signed_on,
            scan=_scan(spec, term, "续签协议签字盖章扫描件"),
        )  # fmt: skip
    for change in spec.get("levels", []):
        if today - timedelta(days=change[1]) > first.ends_on:
            _level(base, change, office, today)
    if "revoke" in spec:
        services.base_revoke(base=base, by=office, reason=spec["revoke"])


def _partner(data: dict) -> Partner:
    values = {k: v for k, v in data.items() if k not in ("code", "avg_rd_spend")}
    values["avg_rd_spend"] = Decimal(data["avg_rd_spend"])
    partner, _ = Partner.objects.get_or_create(
        credit_code=credit_code(*data["code"]), defaults=values
    )
    return partner


def _scan(spec: dict, term: Term, version: str) -> ContentFile:
    partner = spec["partner"]["name"]
    title = f"{spec['name'].removeprefix('西昌学院—')}协议书（{version}）"
    return _pdf(
        f"研究生联合培养基地协议书（{version}）.pdf",
        title,
        "甲方：西昌学院",
        f"乙方：{partner}",
        f"一、合作领域：{spec['partner']['main_fields']}。",
        "二、知识产权：研究生在基地完成的成果归双方共有，另有约定的从其约定（第二十五条）。",
        f"三、协议期限：{term.starts_on:%Y年%m月%d日}至{term.ends_on:%Y年%m月%d日}。",
        f"签订日期：{term.signed_on:%Y年%m月%d日}",
    )


def _agreement(base: Base, spec: dict, term: Term, office, version: str) -> Agreement:
    scan = _scan(spec, term, version)
    return Agreement.objects.create(
        base=base, signed_on=term.signed_on, starts_on=term.starts_on, ends_on=term.ends_on,
        scan=scan, scan_name=scan.name, recorded_by=office,
    )  # fmt: skip


def _level(base: Base, change: tuple, office, today: date) -> None:
    level, ago, number, note = change
    changed_on = today - timedelta(days=ago)
    services.level_change(
        base=base, by=office, level=BaseLevel(level), changed_on=changed_on,
        document_number=number.format(year=changed_on.year), note=note,
    )  # fmt: skip


def _governance(base: Base, spec: dict, head, secretary) -> None:
    """Art 9: the management committee; Art 10: the base's working group; each member with
    whom they represent."""
    partner = spec["partner"]["name"]
    college = base.college.name
    dean = (head.name, college, "院长", head.phone)
    c, w = GovernanceBody.COMMITTEE, GovernanceBody.WORKING_GROUP
    leader, deputy, member = GovernanceRole.LEADER, GovernanceRole.DEPUTY, GovernanceRole.MEMBER
    k = GovernanceCapacity
    rows = [
        (c, leader, k.SCHOOL_LEADER, *VICE_PRESIDENT),
        (c, deputy, k.PARTNER, spec["head"][0], partner, *spec["head"][1:]),
        (c, member, k.GRADUATE_OFFICE, *OFFICE_HEAD),
        (c, member, k.COLLEGE_HEAD, *dean),
        (w, leader, k.COLLEGE_HEAD, *dean),
        (w, deputy, k.PARTNER_DEPT_HEAD, spec["dept_head"][0], partner, *spec["dept_head"][1:]),
        (w, member, k.GRADUATE_OFFICE, *OFFICE_STAFF),
        (w, member, k.COLLEGE_STAFF, secretary.name, college, "研究生秘书", secretary.phone),
        (w, member, k.PARTNER, spec["mentor"][0], partner, *spec["mentor"][1:]),
    ]
    for body, role, capacity, name, unit, position, phone in rows:
        services.governance_member_add(
            base=base, by=secretary, body=body, role=role, capacity=capacity, name=name,
            unit=unit, position=position, phone=phone,
        )  # fmt: skip


def _activities(base: Base, spec: dict, head, secretary, today: date) -> None:
    """What the college secretary enters over the years: Art 17, Art 28 (Art 27 spending
    comes once the office has paid, ``_funding``)."""
    _meetings(base, spec, head, secretary, today)
    for title, ago, days, people, hours in spec["courses"]:
        starts = today - timedelta(days=ago)
        services.course_add(
            base=base, by=secretary, title=title, starts_on=starts,
            ends_on=starts + timedelta(days=days), people=people, hours=hours,
        )  # fmt: skip
    for title, level, ago, ended_ago, people, funding in spec["projects"]:
        services.project_add(
            base=base, by=secretary, title=title, level=ProjectLevel(level),
            starts_on=today - timedelta(days=ago),
            ends_on=today - timedelta(days=ended_ago) if ended_ago is not None else None,
            people=people, funding=Decimal(funding) if funding else None,
        )  # fmt: skip


def _meetings(base: Base, spec: dict, head, secretary, today: date) -> None:
    """Art 17: exchange meetings and seminars, each with its minutes as a PDF."""
    partner = spec["partner"]["name"]
    participants = (
        f"{head.name}、{secretary.name}、{spec['dept_head'][0]}、{spec['mentor'][0]}、"
        "校内导师及在基地实践的研究生"
    )
    for ago, kind, title, topic in spec["meetings"]:
        held_on = today - timedelta(days=ago)
        title = f"{held_on.year}年{title}" if kind == MeetingKind.EXCHANGE else title
        minutes = _minutes(kind, partner, topic, held_on)
        services.meeting_add(
            base=base, by=secretary, held_on=held_on, kind=MeetingKind(kind), title=title,
            participants=participants, minutes=minutes,
            file=_pdf("会议纪要.pdf", f"{title}会议纪要", minutes),
        )  # fmt: skip


def _funding(base: Base, spec: dict, office, secretary, today: date) -> None:
    """Art 27: the office pays each allocation that has come due (three weeks after its due
    date, with the finance office's document number); the college then spends from what was
    paid, with the voucher. Allocations not yet due stay planned."""
    partner = spec["partner"]["name"]
    due = base.funding.filter(
        kind=FundingKind.ALLOCATION, state=AllocationState.PLANNED, due_on__lte=today
    )
    for entry in due.order_by("year_no"):
        _pay(entry, office, today)
    for entry in base.funding.filter(state=AllocationState.PAID).order_by("year_no"):
        for offset, description, amount in SPENDING:
            entry_date = entry.paid_on + timedelta(days=offset)
            if entry_date > today:
                continue
            text = f"第 {entry.year_no} 年{description}"
            voucher = _pdf(
                "支出凭证.pdf", f"{partner}基地经费支出凭证", text,
                f"金额：{amount} 元", f"日期：{entry_date:%Y年%m月%d日}",
            )  # fmt: skip
            services.spending_add(
                base=base, by=secretary, amount=Decimal(amount), entry_date=entry_date,
                description=text, file=voucher,
            )  # fmt: skip


def _pay(entry: FundingEntry, office, today: date) -> None:
    paid_on = min(entry.due_on + timedelta(days=21), today)
    services.allocation_pay(
        entry=entry, by=office, paid_on=paid_on,
        voucher_number=f"西院财拨〔{paid_on.year}〕{40 + entry.base_id * 3 + entry.year_no}号",
    )  # fmt: skip


def _application_bases(office, today: date) -> None:
    """Art 27 on the bases born from the applications demo: the office has paid year 1 of
    the first one; the other's year 1 is due and unpaid (its panel and the office's inbox say
    so). Once paid, nothing is paid again, so seeding twice changes nothing."""
    born = Base.objects.filter(application__isnull=False, state=BaseState.ACTIVE)
    first = born.exclude(plaque_date=None).order_by("plaque_date", "pk").first()
    if first is None or first.funding.filter(state=AllocationState.PAID).exists():
        return
    entry = first.funding.filter(kind=FundingKind.ALLOCATION, year_no=1).first()
    if entry is not None and entry.due_on <= today:
        _pay(entry, office, today)


def _pdf(name: str, title: str, *paragraphs: str) -> ContentFile:
    return ContentFile(demo_pdf(title, *paragraphs), name=name)


def _minutes(kind: str, partner: str, topic: str, held_on: date) -> str:
    if kind == MeetingKind.EXCHANGE:
        return (
            f"{partner}通报研究生在基地的实践和课题进展；学院通报校内导师与基地导师每月联系、"
            f"每学期面对面交流情况（第二十条）；双方商定{held_on.year + 1}年研究生接收计划和基地导师人选，"
            "重申安全教育、人身意外伤害保险和安全承诺书要求（第十五条、第二十二条）。"
        )
    return (
        f"围绕“{topic}”开展专题研讨（第十七条）：在基地实践的研究生汇报课题进展，"
        "基地导师和校内导师逐一点评，明确下一阶段试验方案和学位论文选题方向。"
    )
