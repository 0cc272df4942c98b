"""How long a fully filled Annex 1 (西昌学院研究生联合培养基地申报书) takes to print.

    .venv/bin/python bench/annex1_pdf.py [runs] [--keep PATH]

Builds one complete application (long Chinese text, 3 disciplines, 4 instruments)
in a throwaway SQLite database, renders it ``runs`` times (default 20) through
applications.printing.render_annex1 and prints the median time and the PDF size.
--keep writes the last PDF to PATH. Not run by CI; figures go in bench/README.md.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import django

DB = Path(tempfile.gettempdir()) / "xcu-bench.sqlite3"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xcu_bases.settings")
DB.unlink(missing_ok=True)
django.setup()

from django.core.management import call_command  # noqa: E402

from applications.models import DisciplineRow, InstrumentRow  # noqa: E402
from applications.printing import render_annex1  # noqa: E402
from applications.services import application_create  # noqa: E402
from xcu_bases.creditcode import check_character  # noqa: E402
from xcu_bases.models import College, Role, User  # noqa: E402

NECESSITY = [
    "凉山州地处攀西战略资源创新开发试验区核心区域，安宁河谷是四川省第二大平原，光热资源充足，"
    "是全国重要的早春蔬菜、优质水果和制种基地。近年来，凉山州大力推进现代农业园区建设，"
    "特色农业产业规模持续扩大，但高层次农业技术人才短缺、科技成果转化率不高的问题依然突出，"
    "亟需一批既懂理论又能解决生产实际问题的应用型高层次人才。建立研究生联合培养基地，"
    "是落实《西昌学院研究生联合培养基地建设与管理办法（试行）》、深化产教融合、提升专业学位研究生"
    "实践创新能力的重要举措，也是服务乡村振兴和区域经济社会发展的现实需要。",
    "从学校层面看，我院现有农业硕士专业学位授权点，设有农艺与种业、资源利用与植物保护两个培养方向，"
    "拥有校内导师三十余人，近三年承担国家级、省部级科研项目二十余项，在马铃薯、苦荞、"
    "特色水果品种选育与高效栽培方面形成了稳定的研究方向和较好的工作基础。但校内实践条件有限，"
    "研究生参与大规模生产实践、新品种区域试验和产业化推广的机会不足，专业实践环节亟待加强。",
    "从合作单位层面看，凉山州安宁河谷农业科技有限公司是集良种繁育、标准化种植、"
    "农产品加工和技术服务于一体的省级农业产业化重点龙头企业，建有省级企业技术中心和"
    "博士后创新实践基地，拥有核心示范基地三千余亩、智能温室一万二千平方米，"
    "配备分子检测、品质分析等大型仪器设备，高级职称技术人员二十余人，"
    "每年承担各级科技项目十余项，具备接收研究生开展专业实践和科研训练的良好条件。",
    "双方自二〇一九年起在马铃薯脱毒种薯繁育、苦荞新品种示范推广等方面开展了长期合作，"
    "联合承担省级科技项目三项，共同发表论文十余篇，获授权发明专利两项，"
    "已有十二名本科生和研究生在该公司完成毕业实习和论文试验，合作基础扎实、成效明显。"
    "基地建成后，双方将按照“优势互补、资源共享、互利共赢、共同发展”的原则，"
    "共同制定研究生培养方案，共同指导专业实践和学位论文，共同开展技术攻关和成果转化。",
    "在运行机制上，双方将成立由学院院长和公司总经理共同担任组长的基地建设领导小组，"
    "下设办公室负责日常管理；实行校内导师与基地导师共同指导的双导师制，"
    "研究生进入基地前签订安全责任书并购买意外伤害保险，实践期间每月提交实践记录，"
    "学院研究生秘书每月与基地联系人沟通一次；实践结束后由双方导师共同考核，"
    "考核结果记入研究生培养档案。基地每年向学校报送建设情况报告，接受学校对标检查。",
    "基地建设目标是：用三年左右时间，建成一个管理规范、条件完备、特色鲜明的研究生联合培养基地，"
    "每年接收研究生八至十名开展不少于六个月的专业实践；遴选基地导师十名以上，"
    "形成校内导师与基地导师共同指导的双导师制；联合申报省级以上科研项目两项以上，"
    "形成一批有应用价值的学位论文和技术成果，争取建成省级研究生联合培养示范基地。"
    "综上所述，建立本基地既有必要性，也具备可行性，恳请学校批准建设。",
]
ART5 = {
    "art5_support": "公司高度重视人才培养和产学研合作，董事会专题研究同意与西昌学院共建研究生联合培养基地，"
    "承诺在场地、设备、经费、人员和生活保障等方面给予全力支持，将研究生联合培养纳入公司年度工作计划，"
    "指定分管副总经理负责基地建设，愿意与学校长期合作培养高层次应用型人才，服务地方农业产业发展。"
    "公司近五年已接收西昌学院本科生和研究生实习六十余人次，其中九人毕业后入职公司，成为技术骨干。",
    "art5_representative": "公司为省级农业产业化重点龙头企业，是凉山州马铃薯种薯和早春蔬菜的主要生产企业之一，"
    "建有三千余亩核心示范基地，年推广良种十万亩以上，承担省市科技项目十余项，"
    "具备开展新品种选育、栽培技术集成和成果转化推广的条件，能够运用现场研究、案例分析等方法指导研究生。"
    "公司牵头的马铃薯脱毒种薯三级繁育体系已在凉山州十七个县市推广应用，具有较强的行业示范作用。",
    "art5_staff": "公司现有员工二百一十人，其中具有高级技术职称人员二十三人、博士学位人员六人、"
    "硕士学位人员二十八人，多人具有十年以上生产一线技术工作经历，曾获省科技进步奖三项；"
    "拟遴选十名具有高级职称、实践经验丰富的技术骨干担任基地导师，负责研究生专业实践的日常指导。"
    "基地导师均参加过学校组织的导师培训，熟悉研究生培养各环节要求，能够胜任专业实践指导工作。",
    "art5_management": "公司建立了完善的现代企业管理制度，通过质量管理体系认证，设有技术研发部和人力资源部，"
    "负责基地日常管理；双方已签订长期战略合作协议，计划联合申报国家和省级科研项目，"
    "共建技术研发中心，在种质资源创新、绿色高效栽培等领域进一步拓展科研技术合作研发。"
    "公司已将与学校的合作写入“十四五”发展规划，计划五年内共同培养研究生五十名以上。",
    "art5_safety": "公司按规定为员工和实习人员购买意外伤害保险，制定了安全生产责任制、突发事件应急预案和农药安全使用规程，"
    "定期开展安全培训和应急演练；为研究生提供标准化宿舍、食堂、网络和办公学习场所，"
    "实验室配备通风、消防和个人防护设施，能够满足研究生实践学习、工作和生活的基本需要。"
    "公司距西昌学院约十五公里，每日有通勤班车往返，距最近的县级医院车程十分钟，就医便利。",
    "art5_rules": "公司已制定《研究生实践管理办法》《基地导师职责》《研究生考勤与请假制度》等制度，"
    "明确研究生进站、实践、考核和离站的工作流程，对研究生的思想政治、学术诚信、安全保密和日常考勤实行全过程管理，"
    "按月记录研究生实践情况并与学院研究生秘书沟通反馈，保证实践质量。"
    "对违反实践纪律或存在安全隐患的行为，基地将及时制止并书面告知学院，共同研究处理。",
    "art5_funding": "公司每年安排不少于三十万元专项经费用于基地建设和研究生实践补助，"
    "按每人每月一千二百元标准发放实践补助，承担研究生实践期间的住宿费用；"
    "同时将基地导师指导工作量纳入绩效考核，并积极争取地方政府产教融合项目资金支持，经费来源稳定可靠。"
    "基地经费实行专账管理，专款专用，每年向学院通报经费使用情况，接受学校审计监督。",
}
ACHIEVEMENTS = (
    "近三年，学院依托农业硕士学位点，主持国家自然科学基金项目三项、四川省重点研发计划项目五项，"
    "选育马铃薯、苦荞新品种四个，其中“西薯5号”通过国家品种登记，累计推广面积三十余万亩；"
    "制定四川省地方标准两项，获授权发明专利九项、实用新型专利十六项，"
    "获四川省科技进步奖二等奖一项、三等奖两项；与地方政府和企业共建科技小院三个、专家大院两个，"
    "选派科技特派员二十六人次，开展技术培训六十余场次、培训农民五千余人次，"
    "为凉山州特色农业产业发展和乡村振兴提供了有力的科技和人才支撑。"
)


def credit_code(first17: str = "91513400MA6B2C3D4") -> str:
    return first17 + check_character(first17)


def build_application():
    call_command("migrate", verbosity=0)
    college = College.objects.create(code="11", name="农业科学学院")
    secretary = User.objects.create_user(username="secretary", password="x", name="杨静")
    secretary.college = college
    secretary.save(update_fields=["college"])
    secretary.roles.set(Role.objects.filter(code="college_secretary"))
    secretary = User.objects.get(pk=secretary.pk)
    app = application_create(by=secretary, year=2026)
    values = {
        "base_name": "西昌学院—凉山州安宁河谷农业科技有限公司研究生联合培养基地",
        "person_in_charge": "陈志强",
        "contact_person": "杨静",
        "contact_phone": "0834-2580123",
        "necessity": "\n".join(NECESSITY),
        "national_projects": 3,
        "national_funding": Decimal("186.5"),
        "provincial_projects": 11,
        "provincial_funding": Decimal("420"),
        "contract_projects": 24,
        "contract_funding": Decimal("356.8"),
        "avg_projects_per_supervisor": Decimal("1.2"),
        "avg_funding_per_supervisor": Decimal("11.6"),
        "avg_contract_funding_per_supervisor": Decimal("3.9"),
        "college_lead": "陈志强",
        "college_lead_phone": "13980012345",
        "college_contact": "杨静",
        "college_contact_phone": "0834-2580211",
        "college_contact_email": "yangjing@xcc.edu.cn",
        "achievements": ACHIEVEMENTS,
        "partner_name": "凉山州安宁河谷农业科技有限公司",
        "partner_credit_code": credit_code(),
        "partner_is_legal_person": True,
        "partner_address": "四川省凉山彝族自治州西昌市安宁镇现代农业园区科技路8号",
        "partner_lead": "吉克阿依",
        "partner_lead_phone": "13881556677",
        "partner_contact": "马文华",
        "partner_contact_phone": "0834-3226688",
        "partner_contact_email": "mawenhua@anninghegu-agri.com",
        "partner_main_fields": "马铃薯脱毒种薯繁育、早春蔬菜标准化种植、特色水果栽培与农产品加工",
        "partner_students_per_year": 10,
        "partner_total_staff": 210,
        "partner_senior_staff": 23,
        "partner_doctorate_staff": 6,
        "partner_avg_rd_spend": Decimal("268.4"),
        "art6_platform": True,
        "art6_platform_evidence": "四川省企业技术中心（川经信技术〔2021〕118号）",
        "art6_partnership": True,
        "art6_partnership_evidence": "2019年起合作，战略合作协议（2019年3月—2029年3月）",
        **ART5,
    }
    for name, value in values.items():
        setattr(app, name, value)
    app.save()
    disciplines = [
        ("农业硕士（农艺与种业）", "095131", 18, 12, 15, 18),
        ("农业硕士（资源利用与植物保护）", "095132", 11, 8, 9, 12),
        ("生物学", "0710", 7, 0, 3, 5),
    ]
    for i, (name, code, sup, e1, e2, e3) in enumerate(disciplines, start=1):
        DisciplineRow.objects.create(
            application=app, position=i, name=name, code=code, supervisors=sup,
            enrolment_1=e1, enrolment_2=e2, enrolment_3=e3,
        )  # fmt: skip
    instruments = [
        ("全自动凯氏定氮仪", "FOSS Kjeltec 8400（蛋白质含量测定训练）", date(2021, 5, 18), "38.6"),
        ("实时荧光定量PCR系统", "Bio-Rad CFX96（病毒检测与分子鉴定）", date(2022, 3, 9), "42"),
        ("智能连栋温室", "12000平方米（设施栽培与环境调控）", date(2020, 10, 1), "860"),
        ("近红外品质分析仪", "DA7250（农产品品质快速检测）", date(2023, 7, 22), "55.3"),
    ]
    for i, (name, model, acquired, price) in enumerate(instruments, start=1):
        InstrumentRow.objects.create(
            application=app, position=i, name=name, model=model, acquired_on=acquired,
            unit_price=Decimal(price),
        )  # fmt: skip
    return app, secretary


def main(runs: int = 20, keep: str | None = None):
    app, secretary = build_application()
    render_annex1(app, by=secretary)  # warm-up: font cache, template loading
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        pdf, _record = render_annex1(app, by=secretary)
        times.append(time.perf_counter() - started)
    if keep:
        Path(keep).write_bytes(pdf)
    print(
        f"{runs} runs: median {statistics.median(times):.3f} s, max {max(times):.3f} s, "
        f"{len(pdf) / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    keep = args[args.index("--keep") + 1] if "--keep" in args else None
    numbers = [a for a in args if a.isdigit()]
    main(int(numbers[0]) if numbers else 20, keep=keep)
