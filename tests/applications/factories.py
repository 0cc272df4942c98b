"""Annex 1 test data: a complete application and a walk along the Art 7 chain.

Everything is made through ``applications.services``, so the tests start from
the same rows the application itself would have written.
"""

import io
import zipfile
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agreement, Base
from applications import completeness, rules, services
from applications.choices import ApplicationState as S
from applications.choices import MeetingDecision, Recommendation
from applications.models import BaseApplication, DisciplineRow, InstrumentRow, MeetingRecord
from xcu_bases.models import TransitionLog
from xcu_bases.text import count_chars

# GB 32100-2015: a valid unified social credit code (check character "3").
CREDIT_CODE = "91350100M000100Y43"
OTHER_CREDIT_CODE = "91513401MA62X1234H"

TINY_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

NECESSITY = (
    "凉山州是全国重要的马铃薯、苦荞和特色水果产区，现代种业和特色农业是州委州政府确定的重点产业。"
    "我院农业硕士（农艺与种业）专业学位点于二〇二一年获批，目前在读研究生八十余人，"
    "但校内实践条件偏重基础教学，缺少贴近生产一线的育种、栽培和检测实践平台，"
    "研究生专业实践的深度和广度难以满足专业学位培养方案的要求。\n"
    "凉山彝族自治州农业科学研究院是省级公益性科研机构，建有省级马铃薯工程技术研究中心、"
    "国家现代农业产业技术体系综合试验站和两个院士（专家）工作站，拥有试验基地六百余亩，"
    "高级职称科技人员四十五人，近三年承担国家级和省部级科研项目三十余项，"
    "年均科研经费投入六百余万元，具备指导研究生开展专业实践和学位论文研究的条件。\n"
    "双方自二〇一八年起已在马铃薯脱毒种薯繁育、苦荞新品种选育和高原特色果蔬栽培等方面合作，"
    "联合承担省级科研项目五项，共同指导本科生毕业论文四十余篇，"
    "合作单位已有六名高级职称专家受聘为我校兼职硕士生导师，合作基础扎实、互信程度高。\n"
    "建立联合培养基地后，研究生可在基地导师和校内导师共同指导下，"
    "深度参与品种选育、栽培试验、病虫害绿色防控和农产品质量检测等科研与生产任务，"
    "将课程学习与产业需求紧密结合，提高解决实际问题的能力；"
    "合作单位也可借助学校的人才和学科优势，解决生产中的关键技术问题，储备后备人才。"
    "基地拟每年接收六名研究生开展为期不少于六个月的专业实践，"
    "双方成立基地建设领导小组，制定研究生实践管理、安全管理和经费管理制度，"
    "每年投入专项经费一万元用于研究生实践补助和保险，保障基地规范、长期、稳定运行。"
    "学校和学院将把基地建设纳入学科建设规划，在导师聘任、项目申报和成果转化等方面给予政策支持，"
    "定期开展检查评估，确保基地建设取得实效，形成可复制、可推广的产教融合研究生培养模式。"
)

ACHIEVEMENTS = (
    "近三年，学院与地方政府、企业和科研院所合作，选育马铃薯、苦荞新品种四个，"
    "获四川省科技进步奖二等奖一项、三等奖两项，授权发明专利九件，"
    "制定地方标准三项，技术成果在凉山州推广应用面积累计超过一百万亩，"
    "新增经济效益三亿余元；学院教师牵头组建科技服务团队十二个，"
    "在乡村振兴重点帮扶县开展技术培训一百二十余场，培训农民和技术人员八千余人次。"
)

APPLICATION_VALUES = {
    "base_name": "西昌学院—凉山州农业科学研究院研究生联合培养基地",
    "person_in_charge": "李明华",
    "contact_person": "杨静",
    "contact_phone": "0834-2580123",
    "necessity": NECESSITY,
    "national_projects": 3,
    "national_funding": Decimal("180.00"),
    "provincial_projects": 12,
    "provincial_funding": Decimal("240.50"),
    "contract_projects": 25,
    "contract_funding": Decimal("315.00"),
    "avg_projects_per_supervisor": Decimal("1.60"),
    "avg_funding_per_supervisor": Decimal("18.50"),
    "avg_contract_funding_per_supervisor": Decimal("7.20"),
    "college_lead": "王建国",
    "college_lead_phone": "13908140001",
    "college_contact": "杨静",
    "college_contact_phone": "0834-2580211",
    "college_contact_email": "yangjing@xcc.edu.cn",
    "achievements": ACHIEVEMENTS,
    "partner_name": "凉山彝族自治州农业科学研究院",
    "partner_credit_code": CREDIT_CODE,
    "partner_is_legal_person": True,
    "partner_address": "四川省西昌市航天大道三段88号",
    "partner_lead": "陈志强",
    "partner_lead_phone": "0834-3226001",
    "partner_contact": "张丽",
    "partner_contact_phone": "13518140002",
    "partner_contact_email": "zhangli@lsnky.cn",
    "partner_main_fields": "作物遗传育种、马铃薯栽培、高原特色果蔬",
    "partner_students_per_year": 6,
    "partner_total_staff": 180,
    "partner_senior_staff": 45,
    "partner_doctorate_staff": 12,
    "partner_avg_rd_spend": Decimal("650.00"),
    "art5_support": "院党委高度重视人才培养，愿意与西昌学院联合培养农业硕士研究生。",
    "art5_representative": "是凉山州唯一的州级综合性农业科研机构，承担全州主要作物的品种选育和技术推广。",
    "art5_staff": "现有研究员12人、副研究员33人，其中6人已受聘为西昌学院兼职硕士生导师。",
    "art5_management": "设有科研管理科和人事科，管理制度健全，愿与学校签订五年合作协议并长期合作。",
    "art5_safety": "试验基地配有宿舍、食堂和医务室，实验室安全管理制度健全，为研究生购买意外伤害保险。",
    "art5_rules": "制定了《研究生实践管理办法》《实验室安全守则》和《基地导师工作职责》。",
    "art5_funding": "每年从科研经费中安排不少于五万元用于研究生实践补助和基地运行。",
}

AGREEMENT_VALUES = {
    "goals": "建成设施完善、管理规范、特色鲜明的省内一流农业硕士联合培养基地。",
    "content": "共建实践课程两门、联合申报科研项目、共同指导研究生专业实践和学位论文。",
    "fields": "作物遗传育种、马铃薯脱毒种薯繁育、农产品质量安全检测。",
    "partner_duties": "提供实践场地、住宿和安全保障，选派基地导师，负责研究生实践期间的日常管理。",
    "college_duties": "制定培养方案，选派校内导师，支付研究生保险和实践补助，参与基地考核。",
    "ip_ownership": "研究生在基地完成的创新成果，知识产权由双方按合同约定共享，署名以实际贡献为准。",
}

# What each step of ``advance_to`` says, so tests can find it in the log.
COMMENTS = {
    "college_approve": "同意推荐。学院已组织专家论证，合作基础扎实。",
    "office_approve": "专家论证和实地考察均已通过，同意提交审定。",
    "legal_approve": "协议条款经审查，符合法律法规规定。",
    "expert_opinion": "合作单位条件优越，建议批准建设。",
}
MEETING = {"meeting_date": date(2026, 4, 15), "session": "2026年第12次校长办公会"}
SIGNING = {
    "signed_on": date(2026, 5, 8),
    "starts_on": date(2026, 5, 10),
    "ends_on": date(2031, 5, 9),
}
PLAQUE_DATE = date(2026, 6, 1)
INSPECTION = {
    "inspected_on": date(2026, 3, 20),
    "inspectors": "罗晓梅、赵国庆、孙晓燕",
    "findings": "实验室和试验基地条件良好，安全生产资质齐全，应急预案完备。",
}
CHAIN = [
    S.DRAFT,
    S.COLLEGE_REVIEW,
    S.OFFICE_REVIEW,
    S.LEGAL_REVIEW,
    S.MEETING,
    S.APPROVED,
    S.SIGNED,
    S.ESTABLISHED,
]


def pdf_file(name="证明.pdf", content=TINY_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def office_file(name, kind="docx"):
    """A minimal DOCX or XLSX: a zip with the parts that identify it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        if kind == "docx":
            archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        else:
            archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return SimpleUploadedFile(name, buffer.getvalue())


def fresh(app) -> BaseApplication:
    return BaseApplication.objects.get(pk=app.pk)


def complete_application(secretary, *, deviates=False, **overrides) -> BaseApplication:
    """A draft of Annex 1 that ``completeness.problems`` has nothing to say about."""
    app = services.application_create(by=secretary)
    for name, value in {**APPLICATION_VALUES, **overrides}.items():
        setattr(app, name, value)
    app.save()
    DisciplineRow.objects.create(
        application=app,
        position=1,
        name="农业（农艺与种业）",
        code="0951",
        supervisors=18,
        enrolment_1=12,
        enrolment_2=15,
        enrolment_3=20,
    )
    InstrumentRow.objects.create(
        application=app,
        position=1,
        name="实时荧光定量PCR仪",
        model="Bio-Rad CFX96",
        acquired_on=date(2021, 9, 1),
        unit_price=Decimal("38.50"),
    )
    services.attachment_add(
        app=app, file=pdf_file("合作协议（2018）.pdf"), description="既往合作协议", by=secretary
    )
    draft = app.agreement_draft
    for name, value in AGREEMENT_VALUES.items():
        setattr(draft, name, value)
    draft.deviates_from_template = deviates
    draft.save()
    services.agreement_document_set(draft=draft, file=pdf_file("协议书草案.pdf"), by=secretary)
    app = fresh(app)
    assert count_chars(app.necessity) >= completeness.NECESSITY_MIN_CHARS
    return app


def _staff(app, people, role):
    """The secretary or head of the application's own college."""
    for key in (f"{role}_a", f"{role}_b"):
        if people[key].college_id == app.college_id:
            return people[key]
    raise LookupError(f"no {role} for college {app.college_id}")


def complete_office_review(app, people, *, safety=True, emergency=True) -> BaseApplication:
    """Art 7(3): two experts answer and the site inspection is recorded."""
    office = people["office"]
    experts = [people["expert1"], people["expert2"]]
    reviews = services.experts_assign(
        app=app, experts=experts, by=office, expected=services.seen(app)
    )
    for review in reviews:
        services.expert_review_submit(
            review=review,
            by=review.expert,
            recommendation=Recommendation.APPROVE,
            opinion=COMMENTS["expert_opinion"],
        )
    services.inspection_record(
        app=app,
        by=office,
        expected=services.seen(app),
        data={
            **INSPECTION,
            "safety_qualification_checked": safety,
            "emergency_plan_checked": emergency,
        },
    )
    return fresh(app)


def step(app, people) -> BaseApplication:
    """Take ``app`` one step further along the Art 7 chain, as the right person."""
    expected = services.seen(app)
    office = people["office"]
    if app.state == S.DRAFT:
        by = _staff(app, people, "secretary")
        return services.application_submit(app=app, by=by, expected=expected)
    if app.state == S.COLLEGE_REVIEW:
        return services.application_college_approve(
            app=app,
            by=_staff(app, people, "head"),
            expected=expected,
            comment=COMMENTS["college_approve"],
        )
    if app.state == S.OFFICE_REVIEW:
        if rules.office_review_gaps(app):
            app = complete_office_review(app, people)
        return services.application_office_approve(
            app=app, by=office, expected=expected, comment=COMMENTS["office_approve"]
        )
    if app.state == S.LEGAL_REVIEW:
        return services.application_legal_approve(
            app=app, by=people["legal"], expected=expected, comment=COMMENTS["legal_approve"]
        )
    if app.state == S.MEETING:
        return services.meeting_record(
            app=app, by=office, expected=expected, decision=MeetingDecision.APPROVE, **MEETING
        )
    if app.state == S.APPROVED:
        return services.application_sign(
            app=app,
            by=office,
            expected=expected,
            scan=pdf_file("协议书（签字盖章）.pdf"),
            **SIGNING,
        )
    if app.state == S.SIGNED:
        return services.application_establish(
            app=app, by=office, expected=expected, plaque_date=PLAQUE_DATE
        )
    raise ValueError(f"no step forward from {app.state}")


def advance_to(app, state, people) -> BaseApplication:
    """Walk ``app`` forward with the services until it is in ``state``."""
    if CHAIN.index(state) < CHAIN.index(app.state):
        raise ValueError(f"{app.state} is already past {state}")
    while app.state != state:
        app = step(app, people)
        if CHAIN.index(app.state) > CHAIN.index(state):
            raise ValueError(f"stepped past {state} to {app.state}")
    return app


def _footprint(app) -> dict:
    """Everything a refused action must leave as it was."""
    row = fresh(app)
    return {
        "state": row.state,
        "round": row.round,
        "submitted_at": row.submitted_at,
        "sent_to_legal": row.sent_to_legal,
        "partner": row.partner_id,
        "log": TransitionLog.objects.for_object(row).count(),
        "snapshots": row.snapshots.count(),
        "expert_reviews": row.expert_reviews.count(),
        "attachments": row.attachments.count(),
        "meeting_record": MeetingRecord.objects.filter(application=row).exists(),
        "base": Base.objects.filter(application=row).exists(),
        "agreement": Agreement.objects.filter(application=row).exists(),
    }


@contextmanager
def unchanged(app):
    """Assert that the block leaves the application, its log and its rows untouched."""
    before = _footprint(app)
    yield
    assert _footprint(app) == before
