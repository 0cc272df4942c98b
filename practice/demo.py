"""Demo base supervisors, practice requests and practice records for ``manage.py seed_demo``
(Art 18–25, Annexes 2 and 3).

Everything goes through ``practice.services``, as the people would do it: the college secretary
nominates the partner's supervisors, the office certifies them (the demo account ``mentor``,
吉克阿依, is linked to hers) or revokes one; the students fill in Annex 2 — the form's fields
are saved as the form saves them — upload their policy scan and submit; the reviewers approve,
return or reject. A supervisor is keyed on its base and name, a request on its student and
base: what exists is left alone, so seeding twice changes nothing. What happens once a request
is approved — contacts, allowances, Annex 3, thesis, clearance — is in ``demo_records``.

What the demo shows today, with dates relative to today and inside each base's agreement:
赵雨桐 — stage one approved (实践中 at 高原农科院 with 吉克阿依, who confirmed the plan, Art 19;
    the secretary checked and forwarded, the head signed the college's opinion), stage two
    waiting for her tutor;
周诗琪 — rejected by the office at 盐源苹果, a new request whose plan 赵海波 confirmed, waiting
    for the college head;
沙马拉且 — waiting for the office, a second stage whose plan 唐雪梅 returned with comments;
杨帆 — a second stage at 高原农科院 waiting for mentor (吉克阿依) to confirm the plan (Art 19);
孙浩然 — a draft whose insurance ends one day before the practice ends (Art 12(4), 22);
马文斌 — a draft just begun, with his coursework not completed (Art 21).
In practice and after (contacts Art 20, allowances Art 23, Annex 3 Art 24, clearance Art 25):
赵雨桐 — no contact in her first month (closed): 高原农科院's contacts line is red;
李俊杰 (雅砻江渔业, 向红军) — in practice, contacts every month;
杨帆 (苦荞, 吉克曲布) — ended early 12 days ago by the college secretary, with the reason
    (Art 24): his Annex 3 may be filled in now, due 30 days after the early end;
李佳怡 (苦荞, its first agreement) — Annex 3 archived (优秀), thesis on record, practice
    completed; her thesis results confirmed 涉密 by the base supervisor before archiving, the
    confidentiality agreement on file (the Art 25 gate of archiving);
王子涵 (钒钛修复, 赵海波) — Annex 3 waiting for the office (良好), thesis uploaded; a paper
    confirmed 不涉密, but no thesis clearance yet: the Annex 3 page lists it as missing, and the
    office cannot archive until the base has answered (Art 25);
吉克伍呷 (蜀兴动物药业, 唐雪梅) — Annex 3 waiting for the college (优秀); his allowances
    recorded by the college secretary;
张可欣 (盐源苹果, 杨德荣) — Annex 3 waiting for her tutor (良好);
陈思远 (高原农科院, 吉克阿依) — Annex 3 waiting for mentor's grade, and a thesis clearance for her
    answer;
刘欣悦 (木里牦牛, 格绒丹增) — Annex 3 filled in, not yet submitted;
海来阿木 (乌金猪, 曲比拉哈, who replaced the revoked 王德才) — Annex 3 returned by his tutor.
Every approved practice has its contacts (each month, two face to face in each practice year,
recorded by both supervisors) and an allowance for each month of it that is over. Annex 3 exists
only for practices that have ended (Art 24).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from agreements.choices import BaseState
from agreements.models import Base
from applications.demo import demo_pdf
from practice import services
from practice.models import BaseSupervisor, PlanTask, PracticeRequest
from xcu_bases import services as people_services
from xcu_bases.models import StudentProfile, User

OFFICE = "office"
# In ``steps``: "secretary" and "head" are those of the student's college, TUTOR the student's own,
# BASE the request's base supervisor (through the account linked at certification).
COLLEGE_PEOPLE = {
    "01": {"secretary": "secretary", "head": "head"},
    "02": {"secretary": "secretary2", "head": "head2"},
}
TUTOR = "tutor"
BASE = "base"
# The secretary checks the material and forwards it; the head signs the college's opinion.
FORWARD_NOTE = (
    "材料已核对：课程学习确认、保险及保单、安全承诺、实践计划及基地导师确认齐全，转学院负责人。"
)

# The bases (all active in the demo of agreements and applications), with what Annex 2 asks
# about them: postcode, person in charge, phone and e-mail (联系方式（电话、邮箱）).
GAOYUAN = "西昌学院—凉山州高原农业科学研究院研究生联合培养基地"
KUQIAO = "西昌学院—四川彝州苦荞科技有限公司研究生联合培养基地"
YANYUAN = "西昌学院—四川盐源苹果产业发展有限公司研究生联合培养基地"
FANTAI = "西昌学院—攀枝花钒钛矿区生态修复科技有限公司研究生联合培养基地"
MULI = "西昌学院—四川木里高原牦牛产业发展有限公司研究生联合培养基地"
WUJIN = "西昌学院—凉山彝家乌金猪产业发展有限公司研究生联合培养基地"
SHUXING = "西昌学院—成都蜀兴动物药业有限公司研究生联合培养基地"
YALONG = "西昌学院—凉山州雅砻江水电生态渔业有限公司研究生联合培养基地"

CONTACTS = {
    GAOYUAN: ("615000", "罗永康", "0834-3212001", "luoyk@lsnk.com.cn"),
    KUQIAO: ("615000", "阿西木呷", "0834-3861001", "axmg@yzkuqiao.com.cn"),
    YANYUAN: ("615700", "海来阿支", "0834-6321002", "hailaiaz@yyapple.com.cn"),
    FANTAI: ("617061", "刘国栋", "0812-3356001", "liugd@pzhfttx.com.cn"),
    MULI: ("615800", "扎西次仁", "0834-6522301", "zhaxicr@mlyak.com.cn"),
    SHUXING: ("611130", "郑宏伟", "028-82651008", "zhenghw@shuxingvet.com.cn"),
    WUJIN: ("616150", "吉伍木呷", "0834-8302016", "jiwumg@yjwujin.com.cn"),
    YALONG: ("615600", "杨国华", "0834-6721088", "yanggh@yljfishery.com.cn"),
}


@dataclass(frozen=True)
class Supervisor:
    base: str
    name: str
    gender: str
    title: str
    position: str
    phone: str
    email: str
    state: str = "certified"  # nominated, certified or revoked
    account: str = ""  # username of an existing account to link
    revoke: str = ""
    certified_ago: int = 100  # days before today; before the practices they supervise began


SUPERVISORS = [
    Supervisor(GAOYUAN, "吉克阿依", "female", "研究员", "苦荞研究所副所长", "13908140203",
               "jikeay@lsnk.com.cn", account="mentor", certified_ago=126),
    Supervisor(KUQIAO, "吉克曲布", "male", "高级农艺师", "技术研发中心副主任", "13882401102",
               "jikeqb@yzkuqiao.com.cn", certified_ago=420),
    Supervisor(YANYUAN, "杨德荣", "male", "高级农艺师", "果树技术部副部长", "13882402202",
               "yangdr@yyapple.com.cn", certified_ago=300),
    Supervisor(FANTAI, "赵海波", "male", "正高级工程师", "生态修复研究所副所长", "13882403302",
               "zhaohb@pzhfttx.com.cn", certified_ago=340),
    Supervisor(MULI, "格绒丹增", "male", "高级兽医师", "兽医诊疗室主任", "13547301629",
               "gerongdz@mlyak.com.cn", certified_ago=118),
    Supervisor(MULI, "泽仁拉姆", "female", "畜牧师", "草地畜牧部技术员", "13547301630",
               "zerenlm@mlyak.com.cn", state="nominated"),
    Supervisor(SHUXING, "唐雪梅", "female", "研究员", "兽用疫苗研究室主任", "13882408802",
               "tangxm@shuxingvet.com.cn", certified_ago=310),
    Supervisor(WUJIN, "王德才", "male", "兽医师", "育种场兽医", "13882406603",
               "wangdc@yjwujin.com.cn", state="revoked", certified_ago=198,
               revoke="合作单位来函：王德才同志已调离凉山彝家乌金猪产业发展有限公司，不再承担研究生"
                      "指导工作，申请撤销其基地导师资格（第十八条）。"),
    Supervisor(WUJIN, "曲比拉哈", "male", "高级畜牧师", "乌金猪保种场场长", "13882406604",
               "qubilh@yjwujin.com.cn", certified_ago=195),
    Supervisor(YALONG, "向红军", "male", "高级工程师", "特有鱼类繁育中心主任", "13882407702",
               "xianghj@yljfishery.com.cn", certified_ago=150),
]  # fmt: skip


@dataclass(frozen=True)
class Request:
    """One Annex 2. Days are counted from today; ``steps`` are (action, who, comment)."""

    student: str
    base: str
    supervisor: str
    period: tuple[int, int]
    purpose: str
    tasks: list[tuple[str, int, int]] = field(default_factory=list)
    insurance: tuple[str, str, int, int] | None = None  # insurer, policy no., from, to
    steps: list[tuple[str, str, str]] = field(default_factory=list)


REQUESTS = [
    Request(
        student="student", base=GAOYUAN, supervisor="吉克阿依", period=(-45, 140),
        purpose=(
            "在基地导师吉克阿依研究员和校内导师张明华教授共同指导下，参与凉山州高原农业科学研"
            "究院苦荞种质资源创新与新品种选育工作。通过田间鉴定和室内分析，系统掌握苦荞种质资"
            "源收集、保存、评价和利用的方法，完成两百份凉山地方苦荞种质农艺性状和黄酮含量的鉴"
            "定评价，为学位论文《凉山地方苦荞种质资源遗传多样性与优异种质筛选》积累试验数据；"
            "同时学习科研项目管理和成果转化流程，提高解决苦荞生产实际问题的能力。"
        ),
        tasks=[
            ("参加基地安全教育和实验室准入培训，熟悉苦荞种质资源库管理规程", -45, -38),
            ("苦荞种质资源田间种植与农艺性状调查（株高、主茎分枝数、千粒重等）", -37, 60),
            ("苦荞籽粒总黄酮和芦丁含量测定，筛选高黄酮优异种质", 61, 120),
            ("整理试验数据，撰写第一阶段专业实践总结报告", 121, 140),
        ],
        insurance=("中国人寿保险股份有限公司凉山州分公司", "P513400202500381", -46, 180),
        steps=[
            ("submit", "", ""),
            ("supervisor_approve", TUTOR,
             "实践内容与学位论文选题紧密结合，基地条件和基地导师指导力量满足要求，同意。"),
            ("plan_confirm", BASE,
             "实践计划与研究院苦荞种质资源创新项目的年度安排一致，同意。研究院提供资源圃、田间试验"
             "地和品质分析实验室，安排专人负责安全教育；田间调查期间由我每周检查一次进度。"),
            ("college_forward", "secretary", FORWARD_NOTE),
            ("college_approve", "head",
             "经学院审核，实践计划安排合理，保险和安全承诺齐全，同意赴基地开展专业实践。"),
            ("office_approve", OFFICE,
             "同意。请按计划进入基地，实践期间每月向校内导师报告进展（第二十条），遵守基地安全管理"
             "制度。"),
        ],
    ),
    Request(
        student="student", base=KUQIAO, supervisor="吉克曲布", period=(150, 330),
        purpose=(
            "专业实践第二阶段：在四川彝州苦荞科技有限公司技术研发中心，参与苦荞新品系多点品比"
            "试验和苦荞茶、苦荞挂面等功能食品的加工工艺优化，学习种子生产技术规程和产品质量检"
            "测方法，将第一阶段筛选出的高黄酮种质用于品比试验，完成学位论文第三章的试验内容，"
            "并了解企业研发和市场推广的运作方式。"
        ),
        tasks=[
            ("苦荞新品系多点品比试验布置与田间管理", 150, 250),
            ("苦荞功能食品加工工艺优化与黄酮保留率测定", 200, 310),
            ("撰写第二阶段专业实践总结报告", 311, 330),
        ],
        insurance=("中国人寿保险股份有限公司凉山州分公司", "P513400202600127", 150, 365),
        steps=[
            ("submit", "", ""),
        ],
    ),
    Request(
        student="s2024095103", base=YANYUAN, supervisor="杨德荣", period=(7, 55),
        purpose=(
            "在盐源苹果基地开展高原苹果园土壤酸化与养分状况调查，学习果园有机肥替代化肥和生草"
            "覆盖等土壤改良技术，采集不同树龄果园的土壤样品进行理化性质测定，为学位论文中安宁"
            "河流域土壤改良研究提供对比数据。"
        ),
        tasks=[
            ("果园土壤样品采集与理化性质测定", 7, 40),
            ("整理数据，撰写专业实践报告", 41, 55),
        ],
        insurance=("中国平安财产保险股份有限公司凉山中心支公司", "PA51340020250917", 7, 60),
        steps=[
            ("submit", "", ""),
            ("supervisor_approve", TUTOR, "同意，实践内容与研究方向相关。"),
            ("plan_confirm", BASE, "同意。基地可安排不同树龄果园供采样。"),
            ("college_approve", "head", "学院同意，请学科与研究生处审批。"),
            ("reject", OFFICE,
             "不予批准：该基地协议将于两个月内到期，续签工作尚未启动；本次实践仅七周，达不到专业学"
             "位研究生专业实践时间要求，且实践内容与学位论文研究区域（安宁河流域）关联不足。建议改"
             "选攀枝花钒钛矿区生态修复基地，延长实践时间后重新申请。"),
        ],
    ),
    Request(
        student="s2024095103", base=FANTAI, supervisor="赵海波", period=(30, 210),
        purpose=(
            "在攀枝花钒钛矿区生态修复科技有限公司参与钒钛尾矿基质改良与先锋植物筛选项目，学习"
            "矿区土壤重构、重金属污染农田修复的技术路线和监测方法；开展改良剂对尾矿基质理化性"
            "质和植物生长影响的盆栽与小区试验，为学位论文《安宁河流域退化土壤改良技术研究》提"
            "供试验数据，提高运用专业知识解决生态修复实际问题的能力。"
        ),
        tasks=[
            ("参加企业安全生产培训和实验室准入考核", 30, 37),
            ("尾矿基质改良盆栽试验与先锋植物生长监测", 38, 150),
            ("土壤和植株重金属含量测定与数据分析", 120, 190),
            ("撰写专业实践总结报告", 191, 210),
        ],
        insurance=("中国平安财产保险股份有限公司凉山中心支公司", "PA51340020251106", 28, 215),
        steps=[
            ("submit", "", ""),
            ("supervisor_approve", TUTOR, "同意。矿区作业须严格遵守企业安全生产规程，按月报告进展。"),
            ("plan_confirm", BASE,
             "同意该实践计划。盆栽与小区试验安排在公司修复示范区，进入矿区须经安全生产培训考核并由"
             "公司人员陪同。"),
        ],
    ),
    Request(
        student="student2", base=MULI, supervisor="格绒丹增", period=(15, 195),
        purpose=(
            "在四川木里高原牦牛产业发展有限公司核心育种场，参与牦牛包虫病、犊牛腹泻和牦牛传染"
            "性胸膜肺炎等常见疫病的流行病学调查和综合防控工作，学习高原牧区动物疫病诊断、免疫"
            "程序制定和驱虫技术，采集血清和粪便样本开展检测，为学位论文《木里高原牦牛犊牛腹泻"
            "病原分离鉴定与防控》积累第一手资料。"
        ),
        tasks=[
            ("参加高原安全与防疫培训，熟悉育种场生物安全制度", 15, 22),
            ("牦牛常见疫病流行病学调查与样本采集", 23, 120),
            ("犊牛腹泻病原分离鉴定与药敏试验", 90, 180),
            ("整理资料，撰写专业实践总结报告", 181, 195),
        ],
        insurance=("中国人民财产保险股份有限公司木里支公司", "PICC5134222025066", 10, 200),
        steps=[
            ("submit", "", ""),
            ("supervisor_approve", TUTOR, "同意。高原地区实践须注意防寒和高原反应，按时报告。"),
            ("plan_confirm", BASE, "同意。育种场提供食宿，疫病调查和采样由我带队。"),
            ("college_forward", "secretary", FORWARD_NOTE),
            ("college_approve", "head", "学院同意，已落实基地督导员和高原安全预案。"),
        ],
    ),
    Request(
        student="student2", base=SHUXING, supervisor="唐雪梅", period=(210, 330),
        purpose=(
            "专业实践第二阶段：在成都蜀兴动物药业有限公司研发中心参与兽用疫苗质量检验和动物疫"
            "病快速诊断试剂研发，学习兽药生产质量管理规范条件下疫苗效力检验、无菌检验和安全检"
            "验的标准操作规程。"
        ),
        tasks=[
            ("学习兽药生产质量管理规范，参加岗前培训", 210, 220),
            ("牦牛常见病原快速检测方法的建立与验证", 221, 330),
        ],
        insurance=("中国人民财产保险股份有限公司木里支公司", "PICC5134222026012", 205, 335),
        steps=[
            ("submit", "", ""),
            ("supervisor_approve", TUTOR, "同意。"),
            # Art 19: the base supervisor sends the plan back with comments.
            ("return_to_draft", BASE,
             "第二阶段与第一阶段的衔接安排不清楚；实践计划第 2 项未写明检测样本来源和预期成果。"
             "请与校内导师商定后细化计划再提交，研发中心可提供牦牛腹泻病料样本。"),
        ],
    ),
    # Art 12(4), 22: the policy ends one day before the practice does — the submit page says so.
    Request(
        student="s2024095102", base=GAOYUAN, supervisor="吉克阿依", period=(20, 200),
        purpose=(
            "在凉山州高原农业科学研究院马铃薯研究所参与马铃薯脱毒种薯繁育和高效栽培技术试验，"
            "学习茎尖脱毒、组培快繁和原原种生产技术，开展不同种植密度和施肥水平对马铃薯产量与"
            "品质影响的田间试验，为学位论文《凉山马铃薯高效栽培技术研究》积累数据。"
        ),
        tasks=[
            ("马铃薯茎尖脱毒与组培快繁技术学习", 20, 80),
            ("马铃薯种植密度与施肥水平田间试验及产量测定", 81, 190),
            ("撰写专业实践总结报告", 191, 200),
        ],
        insurance=("中国平安财产保险股份有限公司凉山中心支公司", "PA51340020260003", 20, 199),
    ),
    # A draft just begun: no plan, no insurance, no pledge yet; coursework not completed (Art 21).
    Request(
        student="s2024095104", base=YANYUAN, supervisor="杨德荣", period=(25, 55),
        purpose=(
            "参与高原苹果品质提升技术研究，学习套袋和采后贮藏保鲜技术。"
        ),
    ),
]  # fmt: skip


def seed_practice(stdout=None) -> int:
    """Create the demo students, supervisors, requests and practice records that do not exist
    yet; return how many requests were created."""
    from practice import demo_records  # its stories build on this module's bases and helpers

    today = timezone.localdate()
    requests = REQUESTS + demo_records.REQUESTS
    with transaction.atomic():
        students = demo_records.seed_students()
        people = {u.username: u for u in User.objects.filter(username__in=_usernames(requests))}
        bases = {b.name: b for b in Base.objects.filter(name__in={s.base for s in SUPERVISORS})}
        made = sum(
            _supervisor(spec, number, bases.get(spec.base), people, today)
            for number, spec in enumerate(SUPERVISORS, start=1)
        )
        created = sum(_request(spec, bases.get(spec.base), people, today) for spec in requests)
        records = demo_records.seed_records(people, today)
    if stdout is not None:
        stdout.write(
            f"演示专业实践：新建 {students} 名研究生、{made} 名基地导师、{created} 份申请、"
            f"{records} 条实践记录（共 {len(SUPERVISORS)} 名基地导师、{len(requests)} 份申请）。"
        )
    return created


def _usernames(requests) -> set[str]:
    staff = {u for college in COLLEGE_PEOPLE.values() for u in college.values()}
    accounts = {s.account for s in SUPERVISORS if s.account}
    return {OFFICE, *staff, *accounts, *(spec.student for spec in requests)}


# --- base supervisors (Art 18(2)) ------------------------------------------------------------


def _supervisor(spec: Supervisor, number: int, base, people: dict, today: date) -> int:
    if base is None or BaseSupervisor.objects.filter(base=base, name=spec.name).exists():
        return 0
    if base.state != BaseState.ACTIVE:
        return 0
    secretary = people[COLLEGE_PEOPLE[base.college.code]["secretary"]]
    cv = _pdf(
        "个人简历.pdf", f"{spec.name}个人简历", f"单位：{base.partner.name}",
        f"职称：{spec.title}；职务：{spec.position}",
        "长期从事一线技术研发和推广工作，主持或参与省、州级科研项目多项，具有指导研究生的经验。",
    )  # fmt: skip
    supervisor = services.supervisor_nominate(
        base=base, by=secretary, cv=cv,
        data={"name": spec.name, "gender": spec.gender, "title": spec.title,
              "position": spec.position, "phone": spec.phone, "email": spec.email},
    )  # fmt: skip
    if spec.state == "nominated":
        return 1
    certified_on = today - timedelta(days=spec.certified_ago)
    supervisor, _ = services.supervisor_certify(
        supervisor=supervisor, by=people[OFFICE],
        certificate_number=f"西院基导认〔{certified_on.year}〕{number:02d}号",
        certified_on=certified_on, valid_until=base.latest_agreement().ends_on,
        account=people[spec.account] if spec.account else None,
    )  # fmt: skip
    if spec.revoke:
        services.supervisor_revoke(supervisor=supervisor, by=people[OFFICE], reason=spec.revoke)
    return 1


# --- practice requests (Annex 2) ---------------------------------------------------------------


def _request(spec: Request, base, people: dict, today: date) -> int:
    student = people[spec.student]
    if base is None or PracticeRequest.objects.filter(student=student, base=base).exists():
        return 0
    supervisor = BaseSupervisor.objects.filter(base=base, name=spec.supervisor).first()
    starts, ends = (today + timedelta(days=n) for n in spec.period)
    in_term = base.agreements.filter(starts_on__lte=starts, ends_on__gte=ends).exists()
    if supervisor is None or base.state != BaseState.ACTIVE or not in_term:
        return 0  # a database seeded long ago: the base's term no longer fits the story
    if spec.steps:
        _confirm_coursework(student, people)
    req = services.request_create(by=student)
    _fill(req, spec, base, supervisor, today)
    for action, who, comment in spec.steps:
        req = _step(req, action, who, comment, people)
    return 1


def _confirm_coursework(student, people: dict) -> None:
    """Art 21: a student who submits has had the coursework confirmed by the college."""
    profile = StudentProfile.objects.get(user=student)
    if profile.coursework_confirmed_at is None:
        people_services.student_set_coursework(
            profile=profile, completed=True,
            by=people[COLLEGE_PEOPLE[student.college.code]["secretary"]],
            comment="依据成绩单确认，培养方案规定的学位课程已全部合格。",
        )  # fmt: skip


def _fill(req, spec: Request, base, supervisor, today: date) -> None:
    """What the student types into the form, saved as the form saves it."""
    student = req.student
    services.check_editable(req, student)

    def day(n: int) -> date:
        return today + timedelta(days=n)

    postcode, contact, phone, email = CONTACTS.get(base.name, ("", "", "", ""))
    req.base, req.base_supervisor = base, supervisor
    req.base_address, req.base_postcode = base.partner.address, postcode
    req.base_contact, req.base_contact_phone, req.base_contact_email = contact, phone, email
    req.starts_on, req.ends_on = day(spec.period[0]), day(spec.period[1])
    req.purpose = spec.purpose
    if spec.insurance:
        insurer, policy, insured_from, insured_to = spec.insurance
        req.insurer, req.policy_number = insurer, policy
        req.insured_from, req.insured_to = day(insured_from), day(insured_to)
        req.pledge_accepted, req.pledge_signature = True, student.get_full_name()
        req.pledge_date = day(min(spec.period[0], 0) - 7)
    req.save()
    for position, (text, starts, ends) in enumerate(spec.tasks, start=1):
        PlanTask.objects.create(
            request=req, position=position, task=text, starts_on=day(starts), ends_on=day(ends)
        )
    if spec.insurance:
        scan = _pdf(
            "人身意外伤害保险保单.pdf", f"{insurer}个人意外伤害保险保险单",
            f"保单号：{policy}", f"被保险人：{student.get_full_name()}",
            f"保险期间：{req.insured_from:%Y年%m月%d日}零时起至{req.insured_to:%Y年%m月%d日}二十四时止",
        )  # fmt: skip
        services.insurance_scan_set(req=req, file=scan, by=student)


def _step(req, action: str, who: str, comment: str, people: dict):
    expected = services.seen(req)
    if action == "submit":
        return services.request_submit(req=req, by=req.student, expected=expected)
    if who == TUTOR:
        by = req.student.student_profile.campus_supervisor
    elif who == BASE:
        by = req.base_supervisor.user
    elif who == OFFICE:
        by = people[OFFICE]
    else:
        by = people[COLLEGE_PEOPLE[req.student.college.code][who]]
    if action == "college_forward":
        return services.request_college_forward(req=req, by=by, comment=comment)
    service = {
        "supervisor_approve": services.request_supervisor_approve,
        "plan_confirm": services.request_plan_confirm,
        "college_approve": services.request_college_approve,
        "office_approve": services.request_office_approve,
        "return_to_draft": services.request_return,
        "reject": services.request_reject,
    }[action]
    return service(req=req, by=by, expected=expected, comment=comment)


def _pdf(name: str, title: str, *paragraphs: str) -> ContentFile:
    return ContentFile(demo_pdf(title, *paragraphs), name=name)
