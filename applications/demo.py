"""Demo Annex 1 applications for ``manage.py seed_demo``: every state of the Art 7 chain.

Each application is built the way people would build it: the secretary fills the
form and uploads files, then every step goes through ``applications.services``, so
the timeline (TransitionLog), the frozen snapshots, the partner registry, the base
and its agreement are the real thing. An application is keyed on its college and
base name: one that exists already is left alone, so seeding twice changes nothing.

Business dates (site visit, president's meeting, signing, plaque) are set relative
to today; the timeline itself records the moment of seeding.
"""

import textwrap
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from applications import services
from applications.choices import ApplicationState as S
from applications.choices import MeetingDecision, Recommendation
from applications.models import BaseApplication, DisciplineRow, InstrumentRow
from xcu_bases.creditcode import check_character
from xcu_bases.models import College, User

# --- helpers ------------------------------------------------------------------

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(prefix: str, region: str, org: str) -> str:
    """统一社会信用代码 (GB 32100-2015): registration authority and type (``91`` company,
    ``12`` public institution), the 6-digit region, the 9-character organisation code
    (8 characters + its GB 11714 check character) and the check character."""
    total = sum(int(c, 36) * w for c, w in zip(org, _ORG_WEIGHTS, strict=True))
    org_check = {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
    first17 = prefix + region + org + org_check
    return first17 + check_character(first17)


def _hex(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def demo_pdf(title: str, *paragraphs: str) -> bytes:
    """A small one-page A4 PDF with Chinese text, built by hand (no rendering).

    It uses the standard CJK font STSong-Light, which PDF readers supply, so no font
    file is embedded and each document is about two kilobytes.
    """
    ops = ["BT", "/F1 16 Tf", "72 770 Td", "22 TL"]
    ops += [f"{_hex(line)} Tj T*" for line in textwrap.wrap(title, 27)]
    ops += ["/F1 11 Tf", "18 TL"]
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, 38) or [""]:
            ops.append(f"T* {_hex(line)} Tj")
        ops.append("T*")
    ops += [f"T* {_hex('（西昌学院研究生联合培养基地管理系统演示数据）')} Tj", "ET"]
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
        b"<< /Title %s /Producer (xcu-bases seed_demo) >>" % _hex("\ufeff" + title).encode(),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(out)


def _file(name: str, title: str, *paragraphs: str) -> ContentFile:
    return ContentFile(demo_pdf(title, *paragraphs), name=name)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def meeting_session(day: date) -> str:
    """校长办公会 meets about every two weeks."""
    return f"{day.year}年第{(day.timetuple().tm_yday - 1) // 14 + 1}次校长办公会"


# --- who acts -------------------------------------------------------------------

COLLEGE_PEOPLE = {"01": ("secretary", "head"), "02": ("secretary2", "head2")}
COLLEGE_NAMES = {"01": "农业科学学院", "02": "动物科学学院"}
OFFICE, LEGAL = "office", "legal"
EXPERTS = ("expert", "expert2")
INSPECTORS = "王建国（评审专家）、李正祥（评审专家）、罗晓梅（学科与研究生处）"

# --- what the colleges write (Annex 1 II; figures for the three years before the year) --

COLLEGE_FACTS = {
    "01": {
        "person_in_charge": "陈志强",
        "contact_person": "杨静",
        "contact_phone": "0834-2580211",
        "national_projects": 6,
        "national_funding": Decimal("312.00"),
        "provincial_projects": 27,
        "provincial_funding": Decimal("846.50"),
        "contract_projects": 58,
        "contract_funding": Decimal("1273.80"),
        "avg_projects_per_supervisor": Decimal("0.58"),
        "avg_funding_per_supervisor": Decimal("15.63"),
        "avg_contract_funding_per_supervisor": Decimal("8.17"),
        "college_lead": "陈志强",
        "college_lead_phone": "0834-2580201",
        "college_contact": "杨静",
        "college_contact_phone": "0834-2580211",
        "college_contact_email": "yangjing@xcc.edu.cn",
    },
    "02": {
        "person_in_charge": "苏建军",
        "contact_person": "刘芳",
        "contact_phone": "0834-2580311",
        "national_projects": 4,
        "national_funding": Decimal("196.00"),
        "provincial_projects": 19,
        "provincial_funding": Decimal("588.20"),
        "contract_projects": 41,
        "contract_funding": Decimal("905.60"),
        "avg_projects_per_supervisor": Decimal("0.56"),
        "avg_funding_per_supervisor": Decimal("14.83"),
        "avg_contract_funding_per_supervisor": Decimal("7.94"),
        "college_lead": "苏建军",
        "college_lead_phone": "0834-2580301",
        "college_contact": "刘芳",
        "college_contact_phone": "0834-2580311",
        "college_contact_email": "liufang@xcc.edu.cn",
    },
}

COLLEGE_PARAGRAPH = {
    "01": (
        "农业科学学院现有农业硕士专业学位授权点，设农艺与种业、资源利用与植物保护等培养方向，"
        "现有校内导师五十余人，近三年招收农业硕士研究生逾百人。学院建有苦荞种质资源圃、"
        "马铃薯脱毒快繁中心和植物保护综合实验室等教学科研平台，长期服务安宁河谷现代农业发展。"
        "但研究生专业实践普遍存在实践场所分散、基地导师参与不足、实践内容与产业真实问题结合不紧"
        "等问题，亟需依托行业代表性单位建设稳定的联合培养基地。"
    ),
    "02": (
        "动物科学学院现有兽医硕士专业学位授权点和农业硕士（畜牧）培养方向，现有校内导师三十余人，"
        "近三年招收研究生七十余人。学院建有动物疫病诊断实验室、高原动物遗传育种实验室和教学动物医院，"
        "长期承担凉山州畜禽遗传资源保护与动物疫病防控技术服务。兽医和畜牧类研究生的专业实践必须在"
        "真实的养殖、屠宰加工和疫病防控一线完成，校内条件难以满足规模化、生物安全要求高的实践需要，"
        "建设校外联合培养基地十分必要。"
    ),
}

FEASIBILITY = [
    "从可行性看，双方已有多年合作基础，合作单位距学校车程较近，研究生往返方便，校内导师可定期到基地"
    "开展指导；合作单位能够提供食宿和必要的劳动保护，并承诺按月发放实践补助。学院将按照《西昌学院"
    "研究生联合培养基地建设与管理办法》成立基地工作小组，由学院负责人任组长、合作单位部门负责人任"
    "副组长，共同制定实践计划、遴选基地导师、开展过程考核，确保基地建设取得实效。",
    "基地建成后，双方将围绕产业关键技术问题共同凝练研究课题，每个协议期内至少共建1门专业实践课程、"
    "联合开展1项以上科研项目，研究生以项目组成员身份参与真实的生产和研发任务。学院为每名入站研究生"
    "配备校内导师和基地导师，督促其购买人身意外伤害保险，派出督导员负责安全和实践过程管理；合作单位"
    "提供实验条件、办公场所和住宿，双方定期召开联席会议，研究解决基地运行中的问题。",
    "综合来看，合作单位具有独立法人资格，行业代表性强，研发平台和高级职称人才能够满足研究生实践"
    "指导需要，安全生产制度健全、应急预案完备，经费来源稳定；学院相关学科导师队伍结构合理、生源"
    "充足，与合作单位研究方向高度契合。双方建设意愿强烈、分工明确，建设基地的条件已经成熟，有望形成"
    "“课题来自生产、成果用于生产”的研究生联合培养模式。",
]

ACHIEVEMENTS = {
    "01": (
        "近三年，学院与凉山州、攀枝花市农业农村部门及二十余家企业开展政产学研用合作：选育并审定苦荞新"
        "品种2个、马铃薯新品种1个；“苦荞绿色高效生产技术集成与示范”获四川省科技进步奖三等奖；"
        "制定地方标准4项，获授权发明专利9件；建设科技示范基地6个，累计推广新品种新技术三十余万亩；"
        "选派科技特派员31人次服务乡村振兴，培训基层农技人员和农户五千余人次。"
    ),
    "02": (
        "近三年，学院与凉山州畜牧兽医部门、养殖企业和合作社开展政产学研用合作：参与凉山黑猪、建昌鸭"
        "等地方品种保种选育，建立核心群3个；研发牦牛犊牛腹泻综合防控技术并在木里、盐源推广；获授权"
        "发明专利5件，制定地方标准2项；承担非洲猪瘟等重大动物疫病监测任务，年检测样品两万余份；"
        "选派科技特派员24人次，培训基层兽医和养殖户三千余人次。"
    ),
}

# --- the agreement (Art 7(2)) -----------------------------------------------------

AGREEMENT_CONTENT = (
    "（一）共同制定研究生专业实践计划和培养方案；（二）每个协议期内共建不少于1门专业实践课程；"
    "（三）联合申报和承担科研项目不少于1项，鼓励承担市厅级以上项目和横向项目；（四）由合作单位推荐、"
    "学校认定基地导师，实行校内导师与基地导师双导师制；（五）开展研究生安全教育和实践过程考核；"
    "（六）互派人员开展技术交流，接收学校青年教师到基地挂职锻炼。"
)
PARTNER_DUTIES = (
    "乙方负责提供研究生实践所需的场地、设备和实验条件，安排食宿并提供必要的劳动保护；推荐具有高级"
    "职称的技术人员担任基地导师；按月向完成工作任务的研究生发放实践补助；负责研究生在基地期间的"
    "安全教育和日常管理；同等条件下优先录用在基地实践的优秀毕业生。乙方有权参与制定研究生培养方案"
    "和实践考核，有权按约定使用合作成果。"
)
COLLEGE_DUTIES = (
    "甲方负责制定基地建设规划和管理制度，选派完成课程学习的研究生到基地实践，督促研究生购买人身意外"
    "伤害保险并签订安全承诺书，指派督导员负责基地安全和实践过程管理；组织校内导师与基地导师每月至少"
    "联系一次、每年面对面交流不少于两次；选派青年教师到基地挂职锻炼；按学校规定管理和使用基地建设"
    "经费。甲方有权对基地运行情况开展年度对标检查和协议期满考核。"
)
IP_STANDARD = (
    "研究生在基地完成的科研成果及形成的知识产权，除双方另有书面约定外，归甲乙双方共同所有；涉及乙方"
    "技术秘密的项目，研究生须另行签订保密协议。研究生使用基地成果撰写学位论文、发表论文或参加学术"
    "交流，须事先经基地确认是否涉密（《办法》第二十五条）。"
)


def _agreement(partner: str, college: str, goal: str, fields: str, **changes) -> dict:
    return {
        "goals": (
            f"依托{partner}的{goal}和西昌学院{college}的学科与人才优势，建设集研究生专业实践、"
            "联合科研和成果转化于一体的校级研究生联合培养基地，协议期内力争建成省级研究生联合培养基地。"
        ),
        "content": AGREEMENT_CONTENT,
        "fields": fields,
        "partner_duties": PARTNER_DUTIES,
        "college_duties": COLLEGE_DUTIES,
        "ip_ownership": IP_STANDARD,
        "term_years": 5,
        "deviates_from_template": False,
    } | changes


def _art5(short: str, p: dict, *, representative: str, safety: str, teams: str) -> dict:
    """The partner's introduction, answering Art 5 (一)–(七) one by one."""
    return {
        "art5_support": (
            f"{short}高度重视人才培养，将参与研究生教育纳入单位发展规划，同意与西昌学院共建研究生联合"
            f"培养基地，每年可接收{p['partner_students_per_year']}名研究生开展专业实践，并在项目、"
            "岗位和导师安排上予以保障。"
        ),
        "art5_representative": representative,
        "art5_staff": (
            f"现有职工{p['partner_total_staff']}人，其中具有高级技术职称的{p['partner_senior_staff']}人、"
            f"具有博士学位的{p['partner_doctorate_staff']}人。{teams}"
        ),
        "art5_management": (
            f"{short}设有专门的人事与科技管理部门，组织管理规范；已连续多年接收我校本科生实习和教师挂职，"
            "双方合作稳定，愿意长期共建基地，并将基地建设纳入单位年度工作计划。"
        ),
        "art5_safety": safety,
        "art5_rules": (
            f"{short}已制定《研究生联合培养基地导师管理办法》《进站研究生管理规定》和《校企（院）联合"
            "培养协商会议制度》，明确基地导师职责、研究生考勤与安全管理要求，以及与学校定期会商的机制。"
        ),
        "art5_funding": (
            f"近三年年均科研经费投入{p['partner_avg_rd_spend']}万元，经费来源稳定；另设研究生实践专项经费，"
            "用于研究生实践补助、食宿保障和基地导师指导津贴，按年度预算列支。"
        ),
    }


def _necessity(college: str, index: int, need: str, partner: str) -> str:
    return "\n\n".join(
        [need, partner, COLLEGE_PARAGRAPH[college], FEASIBILITY[index % len(FEASIBILITY)]]
    )


# --- the partners and their applications --------------------------------------------

_P_A1 = {
    "partner_name": "凉山州高原农业科学研究院",
    "partner_credit_code": credit_code("12", "513400", "45081263"),
    "partner_address": "四川省凉山彝族自治州西昌市航天大道三段68号",
    "partner_lead": "罗永康",
    "partner_lead_phone": "0834-3212001",
    "partner_contact": "吉克阿依",
    "partner_contact_phone": "13908140203",
    "partner_contact_email": "jikeay@lsnk.com.cn",
    "partner_main_fields": "苦荞、马铃薯等高原特色作物种质资源创新、新品种选育、高效栽培与病虫害绿色防控",
    "partner_students_per_year": 6,
    "partner_total_staff": 286,
    "partner_senior_staff": 92,
    "partner_doctorate_staff": 21,
    "partner_avg_rd_spend": Decimal("1850.00"),
    "art6_station": True,
    "art6_station_evidence": "2019年经四川省人力资源和社会保障厅批准设立博士后创新实践基地（川人社函〔2019〕356号）。",
    "art6_platform": True,
    "art6_platform_evidence": "四川省高原特色作物工程技术研究中心（省级，2016年认定，川科函〔2016〕112号）。",
    "art6_partnership": True,
    "art6_partnership_evidence": "2018年3月与西昌学院签订全面合作协议（2018—2023年，2023年续签至2028年），共同承担苦荞、马铃薯科研项目12项。",
}

_P_A2 = {
    "partner_name": "四川安宁河谷种业有限责任公司",
    "partner_credit_code": credit_code("91", "513401", "MA62A7K3"),
    "partner_address": "四川省凉山彝族自治州西昌市经久乡种业产业园8号",
    "partner_lead": "汪德明",
    "partner_lead_phone": "0834-3689101",
    "partner_contact": "邓晓燕",
    "partner_contact_phone": "13881512306",
    "partner_contact_email": "dengxy@anningseed.com.cn",
    "partner_main_fields": "马铃薯脱毒种薯繁育，苦荞、玉米良种繁育，种子加工与质量检测",
    "partner_students_per_year": 4,
    "partner_total_staff": 412,
    "partner_senior_staff": 26,
    "partner_doctorate_staff": 3,
    "partner_avg_rd_spend": Decimal("620.00"),
    "art6_platform": True,
    "art6_platform_evidence": "四川省马铃薯种薯企业技术中心（省级企业技术中心，2020年认定）。",
    "art6_partnership": True,
    "art6_partnership_evidence": "2020年起共同承担“安宁河谷马铃薯脱毒种薯三级繁育体系建设”横向项目，合同期2020—2024年。",
}

_P_A3 = {
    "partner_name": "会理金沙石榴科技有限公司",
    "partner_credit_code": credit_code("91", "513402", "MA6B2R4T"),
    "partner_address": "四川省凉山彝族自治州会理市鹿厂镇石榴产业园2号",
    "partner_lead": "张国富",
    "partner_lead_phone": "0834-5621188",
    "partner_contact": "李丽华",
    "partner_contact_phone": "13989201157",
    "partner_contact_email": "lilh@jsshiliu.com.cn",
    "partner_main_fields": "石榴优质高效栽培、病虫害绿色防控、采后贮藏保鲜与精深加工",
    "partner_students_per_year": 3,
    "partner_total_staff": 168,
    "partner_senior_staff": 12,
    "partner_doctorate_staff": 2,
    "partner_avg_rd_spend": Decimal("286.00"),
    "art6_partnership": True,
    "art6_partnership_evidence": "2021年起合作开展软籽石榴品种引进与水肥一体化试验，合作协议期2021—2024年。",
}

_P_A4 = {
    "partner_name": "四川凉山山地烟叶科技有限公司",
    "partner_credit_code": credit_code("91", "513401", "MA68DP7W"),
    "partner_address": "四川省凉山彝族自治州西昌市胜利路南段156号",
    "partner_lead": "赵志刚",
    "partner_lead_phone": "0834-3276510",
    "partner_contact": "阿的木呷",
    "partner_contact_phone": "13881509762",
    "partner_contact_email": "adimx@lsyykj.com.cn",
    "partner_main_fields": "烤烟优质栽培、烟田土壤改良与轮作、烟草病虫害绿色防控、密集烘烤工艺",
    "partner_students_per_year": 4,
    "partner_total_staff": 235,
    "partner_senior_staff": 31,
    "partner_doctorate_staff": 4,
    "partner_avg_rd_spend": Decimal("540.00"),
    "art6_platform": True,
    "art6_platform_evidence": "四川省山地烟草绿色生产工程技术研究中心（省级，2019年认定）。",
    "art6_partnership": True,
    "art6_partnership_evidence": "2019—2023年共同承担“凉山烟区连作障碍综合治理”等横向项目3项。",
}

_P_A5 = {
    "partner_name": "攀枝花金江钒钛循环科技有限公司",
    "partner_credit_code": credit_code("91", "510402", "MA6X8C1L"),
    "partner_address": "四川省攀枝花市东区金江镇钒钛产业园区循环路12号",
    "partner_lead": "黄建伟",
    "partner_lead_phone": "0812-3358820",
    "partner_contact": "周敏",
    "partner_contact_phone": "13881230546",
    "partner_contact_email": "zhoumin@jjvti.com.cn",
    "partner_main_fields": "钒钛冶炼固废（钛石膏、高炉渣）综合利用、土壤调理剂研制、矿区生态修复",
    "partner_students_per_year": 3,
    "partner_total_staff": 530,
    "partner_senior_staff": 38,
    "partner_doctorate_staff": 6,
    "partner_avg_rd_spend": Decimal("960.00"),
    "art6_platform": True,
    "art6_platform_evidence": "攀枝花市钒钛固废资源化工程技术研究中心（市级，2021年认定）；申报省级中心已受理。",
}

_P_B1 = {
    "partner_name": "四川木里高原牦牛产业发展有限公司",
    "partner_credit_code": credit_code("91", "513422", "MA64T9N2"),
    "partner_address": "四川省凉山彝族自治州木里藏族自治县乔瓦镇牦牛产业园1号",
    "partner_lead": "扎西次仁",
    "partner_lead_phone": "0834-6522301",
    "partner_contact": "杨春梅",
    "partner_contact_phone": "13547301628",
    "partner_contact_email": "yangcm@mlyak.com.cn",
    "partner_main_fields": "牦牛良种繁育、高原人工草地建植与冷季补饲、牦牛疫病防控、牦牛肉乳加工",
    "partner_students_per_year": 5,
    "partner_total_staff": 196,
    "partner_senior_staff": 17,
    "partner_doctorate_staff": 2,
    "partner_avg_rd_spend": Decimal("430.00"),
    "art6_platform": True,
    "art6_platform_evidence": "四川省牦牛良种繁育与健康养殖工程技术研究中心木里分中心（省级平台分中心，2020年挂牌）。",
    "art6_partnership": True,
    "art6_partnership_evidence": "2019年起共同实施“木里牦牛犊牛腹泻综合防控技术示范”项目，签有2019—2024年合作协议。",
}

_P_B2 = {
    "partner_name": "凉山州高原畜牧兽医研究所",
    "partner_credit_code": credit_code("12", "513400", "45081492"),
    "partner_address": "四川省凉山彝族自治州西昌市马道街道畜牧路21号",
    "partner_lead": "吉伍拉哈",
    "partner_lead_phone": "0834-3960012",
    "partner_contact": "陈红梅",
    "partner_contact_phone": "13908148871",
    "partner_contact_email": "chenhm@lsxmsy.org.cn",
    "partner_main_fields": "凉山黑猪、建昌鸭、凉山半细毛羊等地方畜禽遗传资源保护，动物疫病监测与诊断，饲草饲料",
    "partner_students_per_year": 6,
    "partner_total_staff": 124,
    "partner_senior_staff": 43,
    "partner_doctorate_staff": 9,
    "partner_avg_rd_spend": Decimal("760.00"),
    "art6_platform": True,
    "art6_platform_evidence": "四川省地方畜禽遗传资源保护与利用重点实验室凉山工作站（省级，2018年设立）。",
    "art6_partnership": True,
    "art6_partnership_evidence": "2017年起共建“凉山州动物疫病诊断中心”，联合承担省级科研项目4项。",
}

_P_B3 = {
    "partner_name": "西昌邛海黑猪育种有限公司",
    "partner_credit_code": credit_code("91", "513401", "MA63K5H8"),
    "partner_address": "四川省凉山彝族自治州西昌市川兴镇邛海东路228号",
    "partner_lead": "何光明",
    "partner_lead_phone": "0834-3958866",
    "partner_contact": "马晓丽",
    "partner_contact_phone": "13881567203",
    "partner_contact_email": "maxl@qhheizhu.com.cn",
    "partner_main_fields": "凉山黑猪保种选育、生态健康养殖、猪病防控与生物安全、猪肉制品加工",
    "partner_students_per_year": 4,
    "partner_total_staff": 268,
    "partner_senior_staff": 15,
    "partner_doctorate_staff": 2,
    "partner_avg_rd_spend": Decimal("380.00"),
    "art6_partnership": True,
    "art6_partnership_evidence": "2020年起合作开展凉山黑猪肉质性状选育研究，签有2020—2025年技术合作协议。",
}

_P_B4 = {
    "partner_name": "四川德昌建昌鸭业有限公司",
    "partner_credit_code": credit_code("91", "513424", "MA6C3E9U"),
    "partner_address": "四川省凉山彝族自治州德昌县德州街道建昌鸭产业园6号",
    "partner_lead": "刘永福",
    "partner_lead_phone": "0834-5228016",
    "partner_contact": "王小琴",
    "partner_contact_phone": "13989241365",
    "partner_contact_email": "wangxq@jcyaye.com.cn",
    "partner_main_fields": "建昌鸭保种与繁育、水禽营养与饲料、禽病防控、鸭肉制品加工",
    "partner_students_per_year": 3,
    "partner_total_staff": 315,
    "partner_senior_staff": 11,
    "partner_doctorate_staff": 1,
    "partner_avg_rd_spend": Decimal("240.00"),
    "art6_partnership": True,
    "art6_partnership_evidence": "2022年起合作开展建昌鸭种鸭繁殖性能提升研究，签有2022—2025年合作协议。",
}

_P_B5 = {
    "partner_name": "凉山安宁河饲料科技有限公司",
    "partner_credit_code": credit_code("91", "513401", "MA65F2Q7"),
    "partner_address": "四川省凉山彝族自治州西昌市小庙乡工业园区饲料路9号",
    "partner_lead": "蒋德华",
    "partner_lead_phone": "0834-3815522",
    "partner_contact": "吴婷",
    "partner_contact_phone": "13881593420",
    "partner_contact_email": "wuting@anninghefeed.com.cn",
    "partner_main_fields": "畜禽配合饲料与浓缩饲料研发生产、非常规饲料资源开发、饲料质量检测",
    "partner_students_per_year": 3,
    "partner_total_staff": 226,
    "partner_senior_staff": 14,
    "partner_doctorate_staff": 2,
    "partner_avg_rd_spend": Decimal("310.00"),
    "art6_partnership": True,
    "art6_partnership_evidence": "2021年起合作开展荞麦秸秆和马铃薯渣饲料化利用研究，签有2021—2024年合作协议。",
}

_R_A1 = (
    "凉山州高原农业科学研究院是凉山州高原特色作物研究的骨干力量，承担国家现代农业产业技术体系"
    "综合试验站任务，选育的苦荞、马铃薯品种在川、滇、黔高海拔地区大面积推广。院内建有种质资源库、"
    "分子育种实验室和海拔1500米至2800米的试验站3个，可通过课题组研讨、育种案例分析、田间调查和"
    "模拟育种决策等方式指导研究生。"
)
_R_A2 = (
    "公司是省级农业产业化重点龙头企业，持有农作物种子生产经营许可证，马铃薯脱毒种薯年供种能力"
    "五万吨，覆盖凉山州主要马铃薯产区。公司承担省、州种业项目多项，拥有种子检验、种薯繁育和加工"
    "包装完整生产线，研究生可参与品种测试、种薯质量检测和种子营销等真实工作。"
)
_R_A3 = (
    "公司是会理石榴产业的代表性企业之一，自建标准化示范园3200亩，带动周边农户种植两万余亩，建有"
    "万吨级气调冷库和石榴汁加工线，参与制定石榴生产技术地方标准，具备开展栽培试验、采后贮藏和"
    "加工研究的条件，可组织研究生开展田间调查和案例分析。"
)
_R_A4 = (
    "公司长期承担凉山烟区烟叶生产技术推广和试验示范任务，在西昌、会理、冕宁等地建有科技示范园"
    "和集约化烘烤工场，配备土壤与烟叶化学成分分析实验室，试验示范面积年均五千亩以上，是凉山烟区"
    "技术集成的代表性单位。"
)
_R_A5 = (
    "公司是攀西地区钒钛冶炼固废综合利用的骨干企业，年处理钛石膏能力六十万吨，建有固废资源化中试线和"
    "理化分析中心；近两年开始研制钛石膏基土壤调理剂，在矿区复垦地开展小区试验，但尚未建成稳定的"
    "田间试验示范基地。"
)
_R_B1 = (
    "公司是木里县牦牛产业的龙头企业，建有存栏两千余头的牦牛核心育种场、五千亩人工草地、兽医诊疗室"
    "和年屠宰能力两万头的加工厂，与省内外科研院所合作开展牦牛选育和疫病防控研究，可通过放牧管理、"
    "疫病诊断、繁育技术和产品加工等真实岗位指导研究生。"
)
_R_B2 = (
    "研究所是州级公益性畜牧兽医科研机构，承担全州地方畜禽遗传资源保护、动物疫病监测诊断和技术推广"
    "任务，建有生物安全二级实验室、地方畜禽保种场和饲草饲料检测中心，每年开展疫病监测、畜禽"
    "品种登记和技术培训，研究生可参与课题组研究、病例诊断和基层技术服务。"
)
_R_B3 = (
    "公司专注凉山黑猪保种选育和生态养殖，建有核心育种场和扩繁场各1个，存栏基础母猪一千二百头，"
    "配备猪病检测实验室、精准饲喂系统和环境智能监控系统，建立了严格的生物安全防控体系，是凉山黑猪"
    "产业的代表性企业。"
)
_R_B4 = (
    "公司是以建昌鸭保种、繁育、养殖和加工为主业的州级农业产业化龙头企业，建有建昌鸭原种场、孵化"
    "中心和标准化养殖示范小区，年出栏商品鸭一百二十万只，配备禽病检测室和饲料质量检测室，研究生"
    "可在育种、营养、疫病防控和加工岗位开展实践。"
)
_R_B5 = (
    "公司是凉山州规模较大的饲料生产企业，年产配合饲料、浓缩饲料十二万吨，建有饲料质量检测中心和"
    "动物营养试验场，与州内多家规模养殖场开展饲养试验合作，研究生可参与饲料配方设计、质量检测和"
    "饲养试验。"
)

_SAFETY_FIELD = (
    "单位已取得安全生产标准化三级证书，制定了《田间试验安全管理规定》《农药使用与储存管理制度》"
    "和《突发事件应急预案》，定期开展应急演练；为研究生提供宿舍、食堂和劳动防护用品，试验站配有"
    "医务室和通勤车辆。"
)
_SAFETY_ANIMAL = (
    "单位已建立动物防疫条件合格证管理和生物安全分区制度，制定了《人畜共患病防护规程》《实验室生物"
    "安全管理办法》和《突发动物疫情应急预案》；为研究生配发防护服、口罩和手套，定期开展布病等"
    "健康监测，提供宿舍和食堂。"
)
_SAFETY_PLANT = (
    "公司取得安全生产许可并通过安全生产标准化评审，制定了《生产安全事故应急预案》《危险化学品管理"
    "制度》和《特种设备安全管理制度》，车间和实验室安全设施齐全；为研究生提供员工宿舍、食堂和劳动"
    "防护用品，上岗前进行三级安全教育。"
)

_STANDARD_INSTRUMENTS = {
    "01": [
        (
            "人工气候室",
            "步入式人工气候室 PGC-FLEX／作物抗逆性鉴定训练",
            date(2018, 5, 20),
            "86.50",
        ),
        (
            "植物表型成像系统",
            "PlantScreen 高通量表型平台／表型数据采集训练",
            date(2021, 9, 8),
            "245.00",
        ),
    ],
    "02": [
        ("全自动生化分析仪", "迈瑞 BS-240VET／血液生化检测训练", date(2019, 10, 12), "32.00"),
        ("实时荧光定量PCR仪", "Bio-Rad CFX96／动物疫病分子诊断训练", date(2020, 6, 18), "45.80"),
    ],
}


def _instruments(college: str, *own) -> list:
    return [*own, *_STANDARD_INSTRUMENTS[college]]


APPLICATIONS = [
    # --- 农业科学学院 (01) ---------------------------------------------------------
    {
        "college": "01",
        "story": S.ESTABLISHED,
        "base_name": "西昌学院—凉山州高原农业科学研究院研究生联合培养基地",
        "days": {"filed": 210, "inspected": 175, "meeting": 150, "signed": 130, "plaque": 110},
        "partner": _P_A1,
        "need": (
            "苦荞和马铃薯是凉山州高寒山区群众增收致富的支柱作物，凉山苦荞种植面积和产量均居全国前列，"
            "马铃薯常年种植面积超过两百万亩。当前产业发展面临品种退化、种薯带毒率高、机械化水平低和精深"
            "加工不足等突出问题，迫切需要既懂理论又能扎根生产一线的高层次农业专业人才。"
        ),
        "partner_paragraph": (
            "凉山州高原农业科学研究院是州级综合性农业科研机构，长期从事高原特色作物育种与栽培研究，"
            "建有苦荞、马铃薯种质资源库和多个海拔梯度试验站，先后育成苦荞、马铃薯新品种二十余个，在品种"
            "选育、脱毒种薯繁育和绿色防控方面积累了丰富的研究与推广经验，能够为研究生提供从实验室到"
            "田间的完整实践链条。"
        ),
        "art5": {
            "representative": _R_A1,
            "safety": _SAFETY_FIELD,
            "teams": "设有苦荞育种、马铃薯育种、栽培生理和植物保护4个创新团队，研究员18人可担任基地导师。",
        },
        "disciplines": [("农业（农艺与种业）", "0951", 28, 18, 22, 26)],
        "instruments": _instruments(
            "01",
            (
                "高通量基因测序平台",
                "Illumina NovaSeq 6000／种质资源基因分型训练",
                date(2020, 9, 15),
                "368.00",
            ),
            (
                "马铃薯脱毒组培快繁中心",
                "组培室800平方米／脱毒种薯繁育训练",
                date(2017, 3, 1),
                "420.00",
            ),
        ),
        "agreement": _agreement(
            "凉山州高原农业科学研究院",
            "农业科学学院",
            "种质资源库、工程技术研究中心和试验站",
            "苦荞、马铃薯种质资源创新与新品种选育；高原特色作物高效栽培；病虫害绿色防控；脱毒种薯繁育。",
        ),
        "attachments": [
            (
                "西昌学院与凉山州高原农业科学研究院全面合作协议（2018—2023）.pdf",
                "双方已签订的全面合作协议",
                "全面合作协议（2018—2023年）",
            ),
            (
                "近三年联合承担科研项目清单.pdf",
                "近三年联合承担的科研项目及经费",
                "联合承担科研项目清单",
            ),
        ],
        "returned": {
            "by": "head",
            "comment": (
                "请补充近三年本科生、研究生在该院实习实践的证明材料；“近三年政产学研用取得的成果”中"
                "获奖项目请写明获奖年份和等级，修改后重新提交。"
            ),
            "changes": {
                "achievements": ACHIEVEMENTS["01"].replace(
                    "获四川省科技进步奖三等奖", "获2023年度四川省科技进步奖三等奖"
                )
            },
            "attachments": [
                (
                    "近三年学生在凉山州高原农业科学研究院实践情况证明.pdf",
                    "合作单位出具的学生实践证明",
                    "学生实践情况证明",
                ),
            ],
            "resubmit": True,
        },
        "partner_opinion": (
            "我院同意与西昌学院共建研究生联合培养基地。我院将提供种质资源库、分子育种实验室和高海拔"
            "试验站作为研究生实践场所，选派研究员担任基地导师，保障研究生实践期间的食宿和安全。",
            "罗永康",
            4,
        ),
        "college_opinion": "该院与我院合作基础扎实，实践条件和导师队伍满足要求，同意申报。",
        "reviews": [
            (
                "expert",
                Recommendation.APPROVE,
                "合作单位为州级农业科研机构，拥有省级工程技术研究中心和博士后创新实践基地，育种和栽培研究"
                "方向与农艺与种业领域高度契合，基地导师资源充足，建议批准建设。",
            ),
            (
                "expert2",
                Recommendation.APPROVE,
                "实地考察所见试验站条件良好、管理规范；建议协议中进一步细化研究生在高海拔试验站期间的"
                "交通和健康保障措施。同意建设。",
            ),
        ],
        "inspection": (
            "考察组察看了种质资源库、分子育种实验室和昭觉高海拔试验站，核查了安全生产标准化证书和"
            "《突发事件应急预案》及近两年演练记录，住宿、食堂和医务条件满足研究生实践需要。"
        ),
        "office_opinion": "专家评审和实地考察均通过，协议书草案与学校模板一致，提交校长办公会审定。",
        "meeting_notes": "同意建设西昌学院—凉山州高原农业科学研究院研究生联合培养基地，由农业科学学院负责。",
    },
    {
        "college": "01",
        "story": S.SIGNED,
        "base_name": "西昌学院—四川安宁河谷种业有限责任公司研究生联合培养基地",
        "days": {"filed": 95, "inspected": 70, "meeting": 45, "signed": 21},
        "partner": _P_A2,
        "need": (
            "种业是农业的“芯片”。安宁河谷是四川省重要的制种和种薯繁育区，但本地种业企业普遍规模小、研发"
            "力量弱，种子质量检测、品种测试和种子加工等环节专业人才缺口大。农艺与种业方向研究生的培养，"
            "需要在真实的种子生产、加工、检验和营销场景中得到系统训练。"
        ),
        "partner_paragraph": (
            "四川安宁河谷种业有限责任公司是省级农业产业化重点龙头企业，建有标准化种子检验室和年加工能力"
            "万吨的种子加工中心，在冕宁、喜德等地建有马铃薯原原种、原种繁育基地五千余亩，与多家科研单位"
            "开展品种联合测试，能为研究生提供育繁推一体化的实践岗位。"
        ),
        "art5": {
            "representative": _R_A2,
            "safety": _SAFETY_PLANT,
            "teams": "设有种薯繁育、品种测试和种子质量检验3个技术部门，高级农艺师9人可担任基地导师。",
        },
        "disciplines": [("农业（农艺与种业）", "0951", 28, 18, 22, 26)],
        "instruments": _instruments(
            "01",
            (
                "种子加工成套生产线",
                "5XF-10 精选分级包衣线／种子加工工艺训练",
                date(2019, 4, 10),
                "186.00",
            ),
            (
                "马铃薯原原种雾培繁育温室",
                "智能雾培温室3000平方米／原原种繁育训练",
                date(2021, 3, 28),
                "312.00",
            ),
        ),
        "agreement": _agreement(
            "四川安宁河谷种业有限责任公司",
            "农业科学学院",
            "省级企业技术中心和种薯繁育基地",
            "马铃薯脱毒种薯繁育；苦荞、玉米品种测试与良种繁育；种子加工与质量检测；种业经营管理。",
        ),
        "attachments": [
            (
                "安宁河谷马铃薯脱毒种薯繁育体系建设横向合同.pdf",
                "2020—2024年横向项目合同",
                "横向项目合同",
            ),
        ],
        "partner_opinion": (
            "同意共建。公司将安排种薯繁育、品种测试和种子检验岗位接收研究生实践，按月发放实践补助。",
            "汪德明",
            2,
        ),
        "college_opinion": "公司是本地种业龙头企业，实践岗位与农艺与种业领域契合，同意申报。",
        "reviews": [
            (
                "expert",
                Recommendation.APPROVE,
                "企业种薯繁育和种子检验条件完备，可为研究生提供育繁推全链条实践，建议批准建设。",
            ),
            (
                "expert2",
                Recommendation.APPROVE,
                "高级职称人员偏少，建议学院加强校内导师驻点指导；总体同意建设。",
            ),
        ],
        "inspection": (
            "考察组察看了种子检验室、种子加工车间和雾培温室，核查了安全生产许可和《生产安全事故应急"
            "预案》，加工车间安全防护到位，员工宿舍可安排研究生住宿。"
        ),
        "office_opinion": "论证考察通过，协议书草案与学校模板一致，提交校长办公会审定。",
        "meeting_notes": "同意建设，请农业科学学院加强对研究生在种子加工车间实践的安全管理。",
    },
    {
        "college": "01",
        "story": S.MEETING,
        "base_name": "西昌学院—会理金沙石榴科技有限公司研究生联合培养基地",
        "days": {"filed": 40, "inspected": 18},
        "partner": _P_A3,
        "need": (
            "会理石榴是国家地理标志保护产品，种植面积四十余万亩，是当地群众增收的支柱产业。近年来，石榴"
            "产业面临品种结构单一、裂果和果腐病危害加重、采后损耗率高、深加工产品少等问题，亟需加强栽培"
            "生理、植物保护和采后处理等方面的研究和人才支撑。"
        ),
        "partner_paragraph": (
            "会理金沙石榴科技有限公司是集石榴种植、技术服务、冷链贮藏和果汁果酒加工于一体的州级农业产业化"
            "龙头企业，自建标准化示范园三千二百亩，建有万吨级气调冷库和石榴加工生产线，与多所高校合作开展"
            "软籽石榴品种引进和水肥一体化试验，具备研究生开展田间试验和采后研究的条件。"
        ),
        "art5": {
            "representative": _R_A3,
            "safety": _SAFETY_FIELD,
            "teams": "设有栽培技术部、植保部和加工研发部，高级农艺师、高级工程师共7人可担任基地导师。",
        },
        "disciplines": [
            ("农业（资源利用与植物保护）", "0951", 24, 10, 12, 15),
            ("农业（农艺与种业）", "0951", 28, 18, 22, 26),
        ],
        "instruments": _instruments(
            "01",
            ("气调冷库", "万吨级气调贮藏库／果品采后贮藏保鲜训练", date(2020, 8, 16), "680.00"),
            (
                "水肥一体化智能灌溉系统",
                "示范园800亩滴灌系统／精准水肥管理训练",
                date(2022, 2, 25),
                "156.00",
            ),
        ),
        "agreement": _agreement(
            "会理金沙石榴科技有限公司",
            "农业科学学院",
            "标准化示范园和气调冷库",
            "石榴优质高效栽培；裂果和果腐病绿色防控；采后贮藏保鲜；石榴汁、石榴酒加工工艺。",
        ),
        "attachments": [
            (
                "软籽石榴品种引进与水肥一体化试验合作协议.pdf",
                "2021—2024年合作协议",
                "软籽石榴试验合作协议",
            ),
        ],
        "college_opinion": "会理石榴是凉山特色优势产业，公司实践条件较好，同意申报。",
        "reviews": [
            (
                "expert",
                Recommendation.APPROVE,
                "示范园和冷库条件能支撑栽培、植保和采后方向研究生实践，建议批准建设。",
            ),
            (
                "expert2",
                Recommendation.REVISE,
                "建议公司进一步明确基地导师名单和研究生食宿安排，在协议签订前完善后建设。",
            ),
        ],
        "inspection": (
            "考察组察看了示范园、气调冷库和加工车间，核查了安全生产许可和冷库氨制冷系统专项应急预案，"
            "公司已补充提交基地导师名单和研究生住宿安排。"
        ),
        "office_opinion": "专家意见已落实，论证考察通过，协议书草案与学校模板一致，提交校长办公会审定。",
    },
    {
        "college": "01",
        "story": S.OFFICE_REVIEW,
        "base_name": "西昌学院—四川凉山山地烟叶科技有限公司研究生联合培养基地",
        "days": {"filed": 20, "inspected": 5},
        "partner": _P_A4,
        "need": (
            "凉山州是全国重要的优质清香型烤烟产区，烤烟是二半山区农民增收和地方财政的重要来源。随着烟叶"
            "生产向绿色、减工降本方向转型，烟田连作障碍、土壤酸化、病毒病和黑胫病防控、烘烤能耗高等问题"
            "日益突出，亟需资源利用与植物保护方向的高层次人才。"
        ),
        "partner_paragraph": (
            "四川凉山山地烟叶科技有限公司长期承担烟叶生产技术推广与试验示范任务，在西昌、会理、冕宁等地"
            "建有科技示范园和烘烤工场，配备土壤与烟叶化学成分分析实验室，拥有一支常年扎根生产一线的农艺师"
            "队伍，可为研究生提供田间试验、病害调查和烘烤工艺研究的实践平台。"
        ),
        "art5": {
            "representative": _R_A4,
            "safety": _SAFETY_FIELD,
            "teams": "设有栽培、植保和烘烤3个技术组，高级农艺师11人可担任基地导师。",
        },
        "disciplines": [("农业（资源利用与植物保护）", "0951", 24, 10, 12, 15)],
        "instruments": _instruments(
            "01",
            (
                "连续流动化学分析仪",
                "SEAL AA3／烟叶常规化学成分检测训练",
                date(2019, 7, 5),
                "68.00",
            ),
            (
                "智能密集烘烤工场",
                "40座密集烤房及远程控制系统／烘烤工艺训练",
                date(2020, 6, 30),
                "265.00",
            ),
        ),
        "agreement": _agreement(
            "四川凉山山地烟叶科技有限公司",
            "农业科学学院",
            "省级工程技术研究中心和科技示范园",
            "烟田土壤改良与轮作；烟草病虫害绿色防控；密集烘烤节能工艺；烟叶生产数字化管理。",
        ),
        "attachments": [
            ("凉山烟区连作障碍综合治理横向合同.pdf", "2019—2023年横向项目合同", "横向项目合同"),
        ],
        "college_opinion": "双方合作项目多、实践条件好，同意申报。",
        "reviews": [
            (
                "expert",
                Recommendation.APPROVE,
                "示范园和烘烤工场为植物保护、资源利用方向提供了真实的生产场景，建议批准建设。",
            ),
            ("expert2", Recommendation.APPROVE, None),  # not yet submitted
        ],
        "inspection": (
            "考察组察看了西昌科技示范园、烘烤工场和化学分析实验室，核查了安全生产标准化证书和《烤房"
            "火灾事故应急预案》；建议对研究生进行烤房用电、用火安全专项培训。"
        ),
    },
    {
        "college": "01",
        "story": S.REJECTED,
        "base_name": "西昌学院—攀枝花金江钒钛循环科技有限公司研究生联合培养基地",
        "days": {"filed": 60},
        "partner": _P_A5,
        "need": (
            "攀西地区是我国最大的钒钛资源基地，长期开采冶炼形成了大量钛石膏、高炉渣等固体废弃物和待修复的"
            "矿区土地。利用钛石膏改良酸性土壤、开展矿区复垦和生态农业，是资源型地区实现绿色发展的重要方向，"
            "需要农业资源利用与材料化工交叉的复合型人才。"
        ),
        "partner_paragraph": (
            "攀枝花金江钒钛循环科技有限公司主要从事钒钛冶炼固废综合利用，年处理钛石膏能力六十万吨，建有"
            "固废资源化中试线和理化分析中心，近年来尝试将钛石膏制备为土壤调理剂并在矿区复垦地开展试验，"
            "希望与高校联合培养研究生。"
        ),
        "art5": {
            "representative": _R_A5,
            "safety": _SAFETY_PLANT,
            "teams": "设有固废研发中心和分析检测中心，高级工程师12人，其中从事土壤和农业方向的2人。",
        },
        "disciplines": [
            ("农业（资源利用与植物保护）", "0951", 24, 10, 12, 15),
            ("材料与化工", "0856", 6, 0, 3, 4),
        ],
        "instruments": _instruments(
            "01",
            (
                "钛石膏资源化中试线",
                "年产2万吨土壤调理剂中试线／固废资源化工艺训练",
                date(2022, 5, 12),
                "860.00",
            ),
            (
                "电感耦合等离子体质谱仪",
                "Agilent 7900／土壤重金属检测训练",
                date(2021, 11, 3),
                "198.00",
            ),
        ),
        "agreement": _agreement(
            "攀枝花金江钒钛循环科技有限公司",
            "农业科学学院",
            "固废资源化中试线和理化分析中心",
            "钛石膏基土壤调理剂研制；矿区复垦地土壤改良；钒钛固废农业资源化利用。",
        ),
        "attachments": [
            ("钛石膏土壤调理剂小区试验技术服务合同.pdf", "2023年技术服务合同", "技术服务合同"),
        ],
        "college_opinion": "该方向具有交叉特色，同意申报，请学校组织专家论证。",
        "reviews": [
            (
                "expert",
                Recommendation.DECLINE,
                "合作单位主营冶金固废处理，农业方向仅有土壤调理剂小区试验，尚无稳定的农业生产和研发场景，"
                "难以满足农业硕士专业实践要求，不建议建设。",
            ),
            (
                "expert2",
                Recommendation.DECLINE,
                "从事农业方向的高级职称人员仅2人，基地导师数量不足；建议先以横向项目形式合作。",
            ),
        ],
        "reject": (
            "经专家评审，合作单位现有农业类实践条件和基地导师不足，与申报学科契合度不高，不符合《办法》"
            "第五条第（二）项、第（三）项要求，本次不予通过。建议双方以横向项目形式继续合作，待田间示范"
            "基地建成后再行申报。"
        ),
    },
    {
        "college": "01",
        "story": "fresh",
        "base_name": "西昌学院—西昌星河遥感信息技术有限公司研究生联合培养基地",
        "fields": {
            "person_in_charge": "陈志强",
            "contact_person": "杨静",
            "necessity": (
                "西昌是我国重要的航天发射基地所在地，卫星遥感、北斗导航等空间信息技术在本地有良好的产业"
                "基础。将遥感技术用于安宁河谷作物长势监测、产量预估和病虫害预警，是智慧农业的重要方向。"
                "（未完成，待与合作单位核对数据后补充。）"
            ),
            "partner_name": "西昌星河遥感信息技术有限公司",
            "partner_main_fields": "卫星遥感数据处理、无人机低空遥感、农业遥感监测",
        },
        "disciplines": [
            ("电子信息", "0854", None, None, None, None),
            ("农业", "0951", 24, 10, 12, 15),
        ],
        "agreement": {"goals": "建设智慧农业遥感方向研究生联合培养基地。"},
    },
    # --- 动物科学学院 (02) ---------------------------------------------------------
    {
        "college": "02",
        "story": S.ESTABLISHED,
        "base_name": "西昌学院—四川木里高原牦牛产业发展有限公司研究生联合培养基地",
        "days": {"filed": 200, "inspected": 170, "meeting": 150, "signed": 120, "plaque": 100},
        "partner": _P_B1,
        "need": (
            "牦牛是青藏高原及其东缘特有的畜种，木里藏族自治县是凉山州牦牛主产区，牦牛养殖是高原牧区群众"
            "的主要生计来源。当前牦牛产业存在良种化程度低、冷季掉膘严重、包虫病和犊牛腹泻等疫病多发、"
            "产品附加值不高等问题，高原畜牧兽医专业人才十分短缺。"
        ),
        "partner_paragraph": (
            "四川木里高原牦牛产业发展有限公司是集牦牛良种繁育、牧草种植、屠宰加工于一体的县属国有控股企业，"
            "建有存栏两千余头的牦牛核心育种场、五千亩人工草地、兽医诊疗室和年屠宰能力两万头的加工厂，与省内"
            "外科研院所长期合作开展牦牛选育和疫病防控研究，可满足兽医硕士和畜牧方向研究生的实践需要。"
        ),
        "art5": {
            "representative": _R_B1,
            "safety": _SAFETY_ANIMAL,
            "teams": "设有育种、草业、兽医和加工4个技术部门，高级畜牧师、高级兽医师共9人可担任基地导师。",
        },
        "disciplines": [
            ("兽医", "0952", 21, 12, 15, 18),
            ("农业（畜牧）", "0951", 12, 5, 6, 8),
        ],
        "instruments": _instruments(
            "02",
            (
                "牦牛核心育种场",
                "存栏2000头，含性能测定站／牦牛选育与繁殖技术训练",
                date(2018, 7, 1),
                "1260.00",
            ),
            (
                "兽医诊疗室及化验室",
                "诊疗与检验设备一套／牦牛疫病诊治训练",
                date(2019, 9, 20),
                "58.00",
            ),
        ),
        "agreement": _agreement(
            "四川木里高原牦牛产业发展有限公司",
            "动物科学学院",
            "牦牛核心育种场和人工草地",
            "牦牛良种选育与繁殖；冷季补饲与人工草地建植；牦牛疫病防控；牦牛肉乳产品加工。",
            ip_ownership=(
                IP_STANDARD + "涉及牦牛核心群遗传材料的成果，乙方享有优先实施权；甲方及研究生"
                "发表相关论文须提前30日告知乙方。"
            ),
            deviates_from_template=True,
        ),
        "attachments": [
            (
                "木里牦牛犊牛腹泻综合防控技术示范合作协议.pdf",
                "2019—2024年合作协议",
                "犊牛腹泻防控技术示范合作协议",
            ),
            (
                "研究生在木里牦牛育种场实践照片及说明.pdf",
                "往年研究生实践情况",
                "研究生实践情况说明",
            ),
        ],
        "partner_opinion": (
            "公司同意与西昌学院共建研究生联合培养基地，提供核心育种场、人工草地和兽医诊疗室作为实践场所，"
            "负责研究生在牧区实践期间的食宿、交通和高原健康保障。\n"
            "公司将选派高级畜牧师、高级兽医师担任基地导师，与学校共同制定实践计划并开展考核。",
            "扎西次仁",
            5,
        ),
        "college_opinion": "牦牛是凉山高原畜牧业的特色畜种，公司条件完备，同意申报。",
        "reviews": [
            (
                "expert",
                Recommendation.APPROVE,
                "育种场、草地和加工厂构成完整产业链，兽医和畜牧方向实践内容丰富，建议批准建设。",
            ),
            (
                "expert2",
                Recommendation.APPROVE,
                "基地地处高海拔牧区，建议在协议中明确研究生高原适应期安排和应急转运措施。同意建设。",
            ),
        ],
        "inspection": (
            "考察组察看了核心育种场、人工草地、兽医诊疗室和屠宰加工厂，核查了动物防疫条件合格证、安全生产"
            "许可和《突发动物疫情应急预案》《高原病应急处置预案》，研究生住宿和医疗保障条件满足要求。"
        ),
        "office_opinion": (
            "专家评审和实地考察均通过。协议书草案在知识产权条款中增加了乙方优先实施权，与学校模板不一致，"
            "送法治与督办科审核。"
        ),
        "legal_opinion": "增加的优先实施权和论文发表告知条款不违反法律法规和学校规定，同意。",
        "meeting_notes": "同意建设，请动物科学学院做好研究生高原实践期间的健康和安全保障。",
    },
    {
        "college": "02",
        "story": S.APPROVED,
        "base_name": "西昌学院—凉山州高原畜牧兽医研究所研究生联合培养基地",
        "days": {"filed": 70, "inspected": 42, "meeting": 12},
        "partner": _P_B2,
        "need": (
            "凉山州畜禽遗传资源丰富，凉山黑猪、建昌鸭、凉山半细毛羊等地方品种具有耐粗饲、抗逆性强、肉质"
            "优良等特点，是发展特色畜牧业的重要基础。但地方品种保种群体小、选育技术落后，非洲猪瘟、禽流感"
            "等重大动物疫病防控压力大，基层畜牧兽医技术力量薄弱。"
        ),
        "partner_paragraph": (
            "凉山州高原畜牧兽医研究所是州级公益性畜牧兽医科研机构，承担地方畜禽遗传资源保护、动物疫病监测"
            "诊断和技术推广任务，建有生物安全二级实验室、地方畜禽保种场和饲草饲料检测中心，拥有研究员、"
            "高级兽医师等高级职称专业技术人员四十余人，科研与推广实践条件完备。"
        ),
        "art5": {
            "representative": _R_B2,
            "safety": _SAFETY_ANIMAL,
            "teams": "设有遗传资源、疫病诊断、饲草饲料3个研究室，研究员8人、高级兽医师15人可担任基地导师。",
        },
        "disciplines": [
            ("兽医", "0952", 21, 12, 15, 18),
            ("农业（畜牧）", "0951", 12, 5, 6, 8),
        ],
        "instruments": _instruments(
            "02",
            (
                "生物安全二级实验室",
                "BSL-2 实验室260平方米／病原分离鉴定训练",
                date(2017, 11, 15),
                "380.00",
            ),
            (
                "全自动核酸提取与检测系统",
                "Thermo KingFisher Flex／疫病监测检测训练",
                date(2021, 4, 22),
                "36.50",
            ),
        ),
        "agreement": _agreement(
            "凉山州高原畜牧兽医研究所",
            "动物科学学院",
            "生物安全二级实验室和地方畜禽保种场",
            "地方畜禽遗传资源保护与利用；重大动物疫病监测与诊断；饲草饲料资源开发；基层兽医技术推广。",
        ),
        "attachments": [
            ("共建凉山州动物疫病诊断中心协议.pdf", "2017年起共建协议", "共建动物疫病诊断中心协议"),
        ],
        "college_opinion": "研究所与我院合作多年，兽医硕士实践条件突出，同意申报。",
        "reviews": [
            (
                "expert",
                Recommendation.APPROVE,
                "生物安全二级实验室和保种场条件良好，导师队伍强，建议批准建设。",
            ),
            (
                "expert2",
                Recommendation.APPROVE,
                "研究所承担全州疫病监测任务，研究生可接触大量真实病例，同意建设。",
            ),
        ],
        "inspection": (
            "考察组察看了生物安全二级实验室、保种场和饲草饲料检测中心，核查了实验室备案、安全生产管理"
            "制度和《实验室生物安全事故应急预案》，人员防护和健康监测制度健全。"
        ),
        "office_opinion": "论证考察通过，协议书草案与学校模板一致，提交校长办公会审定。",
        "meeting_notes": "同意建设，协议由学科与研究生处会同动物科学学院尽快与研究所签订。",
    },
    {
        "college": "02",
        "story": S.LEGAL_REVIEW,
        "base_name": "西昌学院—西昌邛海黑猪育种有限公司研究生联合培养基地",
        "days": {"filed": 35, "inspected": 14},
        "partner": _P_B3,
        "need": (
            "凉山黑猪是四川省重要的地方猪种资源，肉质细嫩、风味独特，市场认可度高。但凉山黑猪生长速度慢、"
            "繁殖率偏低，规模化养殖中的营养调控、疫病净化和生物安全体系建设经验不足，产业亟需掌握分子育种、"
            "动物营养和猪病防控技术的专业人才。"
        ),
        "partner_paragraph": (
            "西昌邛海黑猪育种有限公司专注凉山黑猪保种选育和生态养殖，建有核心育种场和扩繁场各1个，存栏基础"
            "母猪一千二百头，配备猪病检测实验室、精准饲喂系统和环境智能监控系统，已建立严格的生物安全防控"
            "体系，可为研究生提供育种、营养和疫病防控实践岗位。"
        ),
        "art5": {
            "representative": _R_B3,
            "safety": _SAFETY_ANIMAL,
            "teams": "设有育种部、营养部和兽医部，高级畜牧师、高级兽医师共6人可担任基地导师。",
        },
        "disciplines": [
            ("兽医", "0952", 21, 12, 15, 18),
            ("农业（畜牧）", "0951", 12, 5, 6, 8),
        ],
        "instruments": _instruments(
            "02",
            (
                "种猪性能测定系统",
                "Osborne FIRE 自动测定站12台／种猪生长性能测定训练",
                date(2021, 8, 9),
                "156.00",
            ),
            (
                "猪场环境智能监控系统",
                "温湿度、氨气在线监测与通风控制／猪舍环境管理训练",
                date(2022, 3, 16),
                "48.00",
            ),
        ),
        "agreement": _agreement(
            "西昌邛海黑猪育种有限公司",
            "动物科学学院",
            "凉山黑猪核心育种场",
            "凉山黑猪保种选育与分子育种；生态健康养殖与营养调控；猪病防控与生物安全。",
            ip_ownership=(
                "研究生在基地完成的涉及凉山黑猪核心群选育的技术成果，专利申请权归乙方所有，甲方及研究生享有"
                "署名权和非商业性使用权；其他成果归双方共同所有。研究生须签订保密协议，对核心群系谱、育种值"
                "等数据承担保密义务，保密期限至协议终止后三年。"
            ),
            # The college did not flag it; the office did (Art 7(3)), see below.
            deviates_from_template=False,
        ),
        "attachments": [
            ("凉山黑猪肉质性状选育技术合作协议.pdf", "2020—2025年技术合作协议", "技术合作协议"),
        ],
        "college_opinion": "凉山黑猪是地方特色品种，公司育种条件较好，同意申报。",
        "reviews": [
            (
                "expert",
                Recommendation.APPROVE,
                "核心育种场和性能测定系统可支撑育种方向研究生开展研究，建议批准建设。",
            ),
            (
                "expert2",
                Recommendation.APPROVE,
                "协议中的知识产权条款与学校模板不同，请法治与督办科重点审核。同意建设。",
            ),
        ],
        "inspection": (
            "考察组按猪场生物安全要求经洗消后进场，察看了核心育种场、性能测定站和猪病检测实验室，核查了"
            "动物防疫条件合格证、安全生产管理制度和《非洲猪瘟疫情应急预案》。"
        ),
        "office_opinion": (
            "专家评审和实地考察均通过。协议书草案对核心群选育成果的专利申请权和保密期限作了特别约定，"
            "与学校模板不一致，送法治与督办科审核。"
        ),
        "office_deviates": True,
        "deviation_reason": (
            "学院申报与模板一致，但草案将核心群选育成果的专利申请权约定归乙方所有，并增加了保密期限，"
            "与学校模板“成果归双方共有”的约定不同。"
        ),
    },
    {
        "college": "02",
        "story": S.COLLEGE_REVIEW,
        "base_name": "西昌学院—四川德昌建昌鸭业有限公司研究生联合培养基地",
        "days": {"filed": 3},
        "partner": _P_B4,
        "need": (
            "建昌鸭是凉山州著名地方水禽品种，以肥肝性能好、肉质鲜美著称，是德昌、西昌等安宁河流域县市的"
            "特色产业。目前建昌鸭品种资源保护与开发利用不足，规模养殖中的种鸭繁殖、饲料营养、禽病防控和"
            "产品加工技术相对落后，与产业发展需求不相适应。"
        ),
        "partner_paragraph": (
            "四川德昌建昌鸭业有限公司是以建昌鸭保种、繁育、养殖和加工为主业的州级农业产业化龙头企业，建有"
            "建昌鸭原种场、孵化中心和标准化养殖示范小区，年出栏商品鸭一百二十万只，配备禽病检测室和饲料质量"
            "检测室，可提供育种、营养、疫病防控和加工全链条实践岗位。"
        ),
        "art5": {
            "representative": _R_B4,
            "safety": _SAFETY_ANIMAL,
            "teams": "设有育种、孵化、兽医和加工4个部门，高级畜牧师、高级兽医师共5人可担任基地导师。",
        },
        "disciplines": [
            ("农业（畜牧）", "0951", 12, 5, 6, 8),
            ("兽医", "0952", 21, 12, 15, 18),
        ],
        "instruments": _instruments(
            "02",
            (
                "智能孵化中心",
                "巷道式孵化机16台／种蛋孵化与胚胎发育训练",
                date(2020, 10, 26),
                "210.00",
            ),
            (
                "鸭肉制品加工生产线",
                "板鸭、卤鸭生产线／禽肉加工工艺训练",
                date(2019, 5, 14),
                "335.00",
            ),
        ),
        "agreement": _agreement(
            "四川德昌建昌鸭业有限公司",
            "动物科学学院",
            "建昌鸭原种场和孵化中心",
            "建昌鸭保种与繁育；水禽营养与饲料；禽病防控；鸭肉制品加工。",
        ),
        "attachments": [
            ("建昌鸭种鸭繁殖性能提升研究合作协议.pdf", "2022—2025年合作协议", "合作协议"),
        ],
    },
    {
        "college": "02",
        "story": "returned",
        "base_name": "西昌学院—凉山安宁河饲料科技有限公司研究生联合培养基地",
        "days": {"filed": 16},
        "partner": _P_B5,
        "need": (
            "饲料成本约占畜禽养殖成本的七成。凉山州饲草饲料资源丰富，荞麦秸秆、马铃薯渣、酒糟等农副产品和"
            "苜蓿、燕麦等优质牧草产量大，但饲料化利用率低。开发适合地方畜禽品种的低成本饲料配方、推进豆粕"
            "减量替代，需要动物营养与饲料科学方向的专业人才。"
        ),
        "partner_paragraph": (
            "凉山安宁河饲料科技有限公司是州内规模较大的饲料生产企业，年产配合饲料、浓缩饲料十二万吨，建有"
            "饲料质量检测中心和动物营养试验场，与多家养殖场开展饲养试验合作，能为研究生提供饲料配方设计、"
            "质量检测和饲养试验的实践条件。"
        ),
        "art5": {
            "representative": _R_B5,
            "safety": _SAFETY_PLANT,
            "teams": "设有配方研发部和质检中心，高级畜牧师、高级工程师共6人可担任基地导师。",
        },
        "disciplines": [("农业（畜牧）", "0951", 12, 5, 6, 8)],
        "instruments": _instruments(
            "02",
            (
                "饲料加工中试生产线",
                "SZLH320 制粒中试线／饲料加工工艺训练",
                date(2020, 12, 8),
                "128.00",
            ),
            (
                "近红外饲料成分分析仪",
                "FOSS DS2500F／饲料原料快速检测训练",
                date(2021, 7, 19),
                "42.00",
            ),
        ),
        "agreement": _agreement(
            "凉山安宁河饲料科技有限公司",
            "动物科学学院",
            "饲料质量检测中心和动物营养试验场",
            "非常规饲料资源开发；地方畜禽饲料配方设计；豆粕减量替代；饲料质量检测。",
            ip_ownership="由双方协商确定。",
        ),
        "attachments": [
            ("荞麦秸秆和马铃薯渣饲料化利用研究合作协议.pdf", "2021—2024年合作协议", "合作协议"),
        ],
        "college_opinion": "公司与我院合作开展非常规饲料研究多年，同意申报。",
        "returned": {
            "by": OFFICE,
            "comment": (
                "经形式审查，请修改后重新提交：1. 协议书草案“知识产权归属”仅写“由双方协商确定”，未按《办法》"
                "第七条第二项和第二十五条写明研究生创新成果的归属；2. 支撑条件中“饲料加工中试生产线”的购置"
                "时间与证明材料不一致；3. 近三年招生人数请与研究生招生统计数据核对。"
            ),
            # The secretary has fixed the first point and is still checking the others.
            "agreement_changes": {"ip_ownership": IP_STANDARD},
            "resubmit": False,
        },
    },
    {
        "college": "02",
        "story": "fresh",
        "base_name": "西昌学院—昭觉高原细毛羊繁育有限公司研究生联合培养基地",
        "fields": {
            "person_in_charge": "苏建军",
            "contact_person": "刘芳",
            "contact_phone": "0834-2580311",
            "necessity": (
                "凉山半细毛羊是在昭觉等高寒山区培育的毛肉兼用品种，羊毛品质优良。近年来养殖效益下降、"
                "品种退化，亟需开展选育提纯和高效养殖技术研究。"
            ),
            "partner_name": "昭觉高原细毛羊繁育有限公司",
            "partner_address": "四川省凉山彝族自治州昭觉县四开乡",
            "partner_main_fields": "凉山半细毛羊选育、高寒牧区养殖技术",
            "partner_is_legal_person": True,
        },
        "disciplines": [("农业（畜牧）", "0951", 12, 5, 6, 8)],
        "agreement": {"fields": "凉山半细毛羊选育；高寒牧区舍饲半舍饲技术。"},
    },
]


# --- building them, through the services --------------------------------------------


def seed_applications(stdout=None) -> int:
    """Create the demo applications that do not exist yet; return how many were created."""
    today = timezone.localdate()
    usernames = {OFFICE, LEGAL, *EXPERTS, *(u for pair in COLLEGE_PEOPLE.values() for u in pair)}
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = usernames - set(people)
    if missing:
        raise RuntimeError("演示申报书需要以下账号：" + "、".join(sorted(missing)))
    colleges = {c.code: c for c in College.objects.filter(code__in=COLLEGE_PEOPLE)}
    created = 0
    with transaction.atomic():
        for spec in APPLICATIONS:
            college = colleges[spec["college"]]
            if BaseApplication.objects.filter(
                college=college, base_name=spec["base_name"]
            ).exists():
                continue
            _build(spec, people, today)
            created += 1
    if stdout is not None:
        stdout.write(f"演示申报书：新建 {created} 份（共 {len(APPLICATIONS)} 份）。")
    return created


def _build(spec: dict, people: dict, today: date) -> BaseApplication:
    secretary, head = (people[u] for u in COLLEGE_PEOPLE[spec["college"]])
    office, legal = people[OFFICE], people[LEGAL]
    story = spec["story"]
    days = spec.get("days", {})

    def day(name: str) -> date:
        return today - timedelta(days=days[name])

    app = services.application_create(by=secretary, year=day("filed").year if days else None)
    if story == "fresh":
        _fill_partial(app, spec)
        return app
    _fill(app, spec, day("filed"))
    for name, description, title in spec["attachments"]:
        _attach(app, secretary, name, description, title, spec)
    draft = app.agreement_draft
    services.agreement_document_set(draft=draft, file=_agreement_pdf(spec, "草案"), by=secretary)
    app = services.application_submit(app=app, by=secretary, expected=services.seen(app))

    returned = spec.get("returned")
    if returned and returned["by"] == "head":
        app = _return(app, head, secretary, returned, spec)
    if story == S.COLLEGE_REVIEW:
        return app
    app = services.application_college_approve(
        app=app, by=head, expected=services.seen(app), comment=spec["college_opinion"]
    )
    if returned and returned["by"] == OFFICE:
        return _return(app, office, secretary, returned, spec)

    # Art 7(3): experts review, the office inspects on site.
    reviews = services.experts_assign(
        app=app,
        experts=[people[username] for username, *_ in spec["reviews"]],
        by=office,
        expected=services.seen(app),
    )
    for review, (username, recommendation, opinion) in zip(reviews, spec["reviews"], strict=True):
        if opinion:
            services.expert_review_submit(
                review=review, by=people[username], recommendation=recommendation, opinion=opinion
            )
    if story == S.REJECTED:
        return services.application_reject(
            app=app, by=office, expected=services.seen(app), comment=spec["reject"]
        )
    services.inspection_record(
        app=app,
        by=office,
        expected=services.seen(app),
        data={
            "inspected_on": day("inspected"),
            "inspectors": INSPECTORS
            + f"、{COLLEGE_FACTS[spec['college']]['college_lead']}（学院）",
            "safety_qualification_checked": True,
            "emergency_plan_checked": True,
            "findings": spec["inspection"],
        },
    )
    if story == S.OFFICE_REVIEW:
        return app
    app = services.application_office_approve(
        app=app, by=office, expected=services.seen(app), comment=spec["office_opinion"],
        deviates=spec.get("office_deviates"), deviation_reason=spec.get("deviation_reason", ""),
    )  # fmt: skip
    if app.state == S.LEGAL_REVIEW:
        if story == S.LEGAL_REVIEW:
            return app
        app = services.application_legal_approve(
            app=app, by=legal, expected=services.seen(app), comment=spec["legal_opinion"]
        )
    if story == S.MEETING:
        return app

    # Art 7(4)–(5): the president's meeting, the signing, the plaque.
    meeting_on = day("meeting")
    app = services.meeting_record(
        app=app,
        by=office,
        expected=services.seen(app),
        meeting_date=meeting_on,
        session=meeting_session(meeting_on),
        decision=MeetingDecision.APPROVE,
        notes=spec["meeting_notes"],
    )
    if story == S.APPROVED:
        return app
    signed_on = day("signed")
    app = services.application_sign(
        app=app,
        by=office,
        expected=services.seen(app),
        signed_on=signed_on,
        starts_on=signed_on,
        ends_on=add_years(signed_on, spec["agreement"]["term_years"]) - timedelta(days=1),
        scan=_agreement_pdf(spec, "签字盖章扫描件"),
    )
    if story == S.SIGNED:
        return app
    return services.application_establish(
        app=app, by=office, expected=services.seen(app), plaque_date=day("plaque")
    )


def _fill(app: BaseApplication, spec: dict, filed: date) -> None:
    """What the secretary types into the form (the draft is saved as the form saves it)."""
    college = spec["college"]
    partner = spec["partner"]
    if "partner_opinion" in spec:  # V: copied from the partner's signed paper form
        text, signatory, days_before = spec["partner_opinion"]
        opinion = {
            "partner_opinion": text,
            "partner_opinion_signatory": signatory,
            "partner_opinion_date": filed - timedelta(days=days_before),
        }
    else:
        opinion = {}
    values = {
        **COLLEGE_FACTS[college],
        "base_name": spec["base_name"],
        "necessity": _necessity(
            college, APPLICATIONS.index(spec), spec["need"], spec["partner_paragraph"]
        ),
        "achievements": ACHIEVEMENTS[college],
        "partner_is_legal_person": True,
        **partner,
        **_art5(partner["partner_name"], partner, **spec["art5"]),
        **opinion,
    }
    for name, value in values.items():
        setattr(app, name, value)
    app.save()
    for position, (name, code, supervisors, *enrolment) in enumerate(spec["disciplines"], 1):
        DisciplineRow.objects.create(
            application=app,
            position=position,
            name=name,
            code=code,
            supervisors=supervisors,
            enrolment_1=enrolment[0],
            enrolment_2=enrolment[1],
            enrolment_3=enrolment[2],
        )
    for position, (name, model, acquired_on, price) in enumerate(spec["instruments"], 1):
        InstrumentRow.objects.create(
            application=app,
            position=position,
            name=name,
            model=model,
            acquired_on=acquired_on,
            unit_price=Decimal(price),
        )
    draft = app.agreement_draft
    for name, value in spec["agreement"].items():
        setattr(draft, name, value)
    draft.save()


def _fill_partial(app: BaseApplication, spec: dict) -> None:
    """A draft just begun: some of the cover, a few lines, no files."""
    app.base_name = spec["base_name"]
    for name, value in spec["fields"].items():
        setattr(app, name, value)
    app.save()
    for position, (name, code, supervisors, *enrolment) in enumerate(spec["disciplines"], 1):
        DisciplineRow.objects.create(
            application=app,
            position=position,
            name=name,
            code=code,
            supervisors=supervisors,
            enrolment_1=enrolment[0],
            enrolment_2=enrolment[1],
            enrolment_3=enrolment[2],
        )
    draft = app.agreement_draft
    for name, value in spec["agreement"].items():
        setattr(draft, name, value)
    draft.save()


def _return(app, reviewer, secretary, returned: dict, spec: dict) -> BaseApplication:
    """A reviewer sends the form back; the secretary revises (and resubmits)."""
    app = services.application_return(
        app=app, by=reviewer, expected=services.seen(app), comment=returned["comment"]
    )
    for name, value in returned.get("changes", {}).items():
        setattr(app, name, value)
    app.save()
    if returned.get("agreement_changes"):
        draft = app.agreement_draft
        for name, value in returned["agreement_changes"].items():
            setattr(draft, name, value)
        draft.save()
    for name, description, title in returned.get("attachments", []):
        _attach(app, secretary, name, description, title, spec)
    if not returned["resubmit"]:
        return app
    return services.application_submit(app=app, by=secretary, expected=services.seen(app))


def _attach(app, secretary, name, description, title, spec) -> None:
    partner = spec["partner"]["partner_name"]
    services.attachment_add(
        app=app,
        file=_file(
            name,
            title,
            f"甲方：西昌学院{COLLEGE_NAMES[spec['college']]}",
            f"乙方：{partner}",
            f"说明：{description}。",
        ),
        description=description,
        by=secretary,
    )


def _agreement_pdf(spec: dict, version: str) -> ContentFile:
    terms = spec["agreement"]
    partner = spec["partner"]["partner_name"]
    return _file(
        f"研究生联合培养基地协议书（{version}）.pdf",
        f"{spec['base_name'].removeprefix('西昌学院—')}协议书（{version}）",
        "甲方：西昌学院",
        f"乙方：{partner}",
        f"一、建设目标：{terms['goals']}",
        f"二、合作领域：{terms['fields']}",
        f"三、知识产权：{terms['ip_ownership']}",
        f"四、协议期限：{terms['term_years']}年。",
    )
