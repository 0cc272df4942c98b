"""Demo standards, yearly checks and expert scores for ``manage.py seed_demo`` (Annex 4, Art 29).

Everything goes through ``evaluation.services``, as the people would do it: the office creates
each year's standard (this year's a copy of last year's) and opens the round, the college
secretary writes the self-assessment per indicator and submits it, the office assigns the
experts, the experts score with a comment per indicator and submit, the office finalises. A
standard is keyed on its year, a round on its year and kind: what exists is left alone, so
seeding twice changes nothing.

What the demo shows, with the years relative to today:
last year's 年度对标 — closed, every base that was active then finalised by two or three experts:
    苦荞 and 雅砻江渔业 优秀, 盐源苹果, 钒钛修复, 会理牧业 and 蜀兴动物药业 合格, 航天城农旅
    不合格 (52 分, the score its revocation cites). A yearly check has no consequences for the
    base (Art 29): nothing is revoked or recommended by it.
this year's 年度对标 — open, the experts' deadline in 25 days, over every active base:
    (every submitted self-assessment carries two PDFs, under B1 and D4)
    苦荞 — submitted; 王建国 part-way (scores saved, not submitted), 王丽华 not started;
    盐源苹果 — submitted; 李正祥 submitted, 王丽华 not started;
    雅砻江渔业 — submitted; 王建国 and 李正祥 assigned, not started;
    蜀兴动物药业 — submitted, waiting for the office to assign experts;
    钒钛修复 — self-assessment half written, not submitted;
    the other active bases — self-assessment not begun.
this year's 期满考核 — closed, over the school-level bases due under Art 29 (苦荞 and 雅砻江渔业
    are national and provincial: they follow the provincial rules, Art 8): 会理牧业 (agreement
    ended, expired) 合格 72.8, nothing changes; 盐源苹果 (plaque over three years ago) 优秀 86.8 →
    recommended for the provincial and national level (logged on the base); 钒钛修复 (three
    years since its plaque) 不合格 56.5 → a revocation decision waiting in the office's inbox, the
    base still active until the office confirms it.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from agreements.choices import BaseState
from agreements.models import Base
from applications.demo import demo_pdf
from evaluation import services
from evaluation.choices import RoundKind
from evaluation.models import EvaluationRound, Standard
from practice.demo import FANTAI, KUQIAO, SHUXING, YALONG, YANYUAN
from xcu_bases.models import User

OFFICE = "office"
EXPERTS = ("expert", "expert2", "expert3")
SECRETARY = {"01": "secretary", "02": "secretary2"}
HANGTIAN = "西昌学院—西昌航天城农旅融合发展有限公司研究生联合培养基地"
HUILI = "西昌学院—会理山地生态牧业有限公司研究生联合培养基地"
HALF = Decimal("0.5")
# Files every submitted self-assessment carries: (indicator, file name, title).
ATTACHMENTS = (
    ("B1", "双导师名单.pdf", "校外导师聘任与双导师名单"),
    ("D4", "联合科研项目清单.pdf", "联合科研项目与成果清单"),
)


@dataclass(frozen=True)
class Scoring:
    """One base in a round. ``experts``: username → total (None: assigned, not started;
    ``partial``: the codes that expert has saved so far, not submitted)."""

    base: str
    submit: bool = True
    evidence: tuple[str, ...] = ()  # only these codes written (when not submitted)
    experts: dict[str, Decimal | None] = field(default_factory=dict)
    weak: tuple[str, ...] = ()  # the indicators the experts take most points off
    partial: dict[str, tuple[str, ...]] = field(default_factory=dict)


D = Decimal
# Last year's yearly check: every base that was active then.
FINISHED = [
    Scoring(KUQIAO, experts={"expert": D("92"), "expert2": D("89.5"), "expert3": D("91")},
            weak=("C3", "E")),
    Scoring(YANYUAN, experts={"expert": D("78.5"), "expert2": D("74"), "expert3": D("76.5")},
            weak=("D1", "D2", "D4")),
    Scoring(FANTAI, experts={"expert": D("66"), "expert3": D("69.5")},
            weak=("D1", "D3", "B1", "D5")),
    Scoring(HANGTIAN, experts={"expert": D("51.5"), "expert2": D("53"), "expert3": D("51.5")},
            weak=("D1", "D2", "D3", "D4", "B1", "C1", "B3")),
    Scoring(YALONG, experts={"expert2": D("87.5"), "expert3": D("86")}, weak=("D3", "C2")),
    Scoring(HUILI, experts={"expert": D("72"), "expert2": D("70.5"), "expert3": D("73")},
            weak=("D4", "B2", "C3")),
    Scoring(SHUXING, experts={"expert": D("81"), "expert2": D("79.5")}, weak=("D1", "E")),
]  # fmt: skip

# This year's yearly check, waiting for the experts.
OPEN = [
    Scoring(KUQIAO, experts={"expert": D("90"), "expert3": None}, weak=("C3",),
            partial={"expert": ("A1", "A2", "A3", "B1", "B2", "B3", "C1")}),
    Scoring(YANYUAN, experts={"expert2": D("79"), "expert3": None}, weak=("D1", "D2")),
    Scoring(YALONG, experts={"expert": None, "expert2": None}),
    Scoring(SHUXING),
    Scoring(FANTAI, submit=False, evidence=("A1", "A2", "A3", "B1", "B2")),
]  # fmt: skip
OPEN_DEADLINE_DAYS = 25

# This year's term assessment (期满考核, Art 29), finished: 会理牧业 (agreement ended), 盐源苹果
# and 钒钛修复 (plaque over three years ago, "三年一考核"). School-level bases only (Art 8).
TERM = [
    Scoring(HUILI, experts={"expert": D("74.5"), "expert3": D("71")}, weak=("D4", "B2", "C3")),
    Scoring(YANYUAN, experts={"expert": D("88"), "expert2": D("85.5"), "expert3": D("87")},
            weak=("D1", "D2")),
    Scoring(FANTAI, experts={"expert": D("56.5"), "expert2": D("58"), "expert3": D("55")},
            weak=("D1", "D3", "B1", "D5", "C1", "B3")),
]  # fmt: skip
TERM_DEADLINE_AGO_DAYS = 20

# --- the college's self-assessment, per indicator ({p}: partner, {y}: the year checked) ---------

EVIDENCE = {
    "A1": "{y} 年基地管理委员会召开全体会议 2 次，研究确定年度研究生接收计划和实践课题；{p}明确"
          "由分管副总经理牵头的基地工作小组，学院研究生秘书为日常联系人，职责分工已印发。",
    "A2": "修订完善《基地研究生管理办法》《基地导师工作职责》等制度 4 项，研究生专业实践实施方案"
          "与培养方案衔接，考勤、请假和周报制度执行到位，相关文件已在系统中归档。",
    "A3": "研究生进入基地首日开展安全教育和实验室、生产区准入培训，签订安全承诺书；全员购买人身意"
          "外伤害保险，学院巡查教师每季度到基地巡查一次，全年未发生安全事故。",
    "B1": "{y} 年接收研究生开展专业实践，实践时长均不少于 6 个月，每人均有经双导师审定的实践计划"
          "和任务分解，实践计划与学位论文选题相衔接。",
    "B2": "基地导师均经学校认定，双导师每月通过线上或现场方式沟通研究生实践进展，全年面对面交流"
          "不少于 2 次，沟通记录在系统中逐月登记。",
    "B3": "研究生按期提交专业实践考核登记表和实践总结，基地导师评定等次有据；研究生满意度问卷平"
          "均 4.6 分（满分 5 分），实践成果用于学位论文相关章节。",
    "C1": "{p}提供研究生专用办公和实验场地约 200 平方米，开放检测仪器和试验田（场），配备电脑和"
          "文献数据库账号，满足实践和研究需要。",
    "C2": "研究生在基地职工食堂就餐，统一安排住宿；按月发放工作津贴（生活补助），发放记录由学院"
          "登记备查。",
    "C3": "学校下达的基地建设专项经费按预算用于研究生实践补助、保险和安全培训，支出凭证齐全，账"
          "目由学院财务秘书核对。",
    "D1": "与{p}技术骨干共同建设专业实践类课程，基地导师承担部分课时，课程大纲和教学记录已归档。",
    "D2": "围绕企业生产中的技术难题，校企联合开展合作课题研究，研究生参与课题试验和数据分析。",
    "D3": "合作申报并承担市（州）级科研项目和企业委托横向项目，项目合同和到账凭证已上传。",
    "D4": "联合发表学术论文，申请专利和技术标准，研究成果在{p}生产中示范应用。",
    "D5": "召开基地建设交流会和专题研讨会，基地导师到校开设专题讲座，学院安排青年教师到基地挂职"
          "实践锻炼。",
    "D6": "在基地实践的研究生毕业后部分留在合作单位或相关行业就业，基地面向凉山州开展技术培训和"
          "服务。",
    "E": "探索“双导师、真课题、全过程”的联合培养模式，形成专业实践案例，在学院研究生教育工作会"
          "议上交流。",
}  # fmt: skip

# --- the experts' comments: (≥ 90 %, ≥ 70 %, below) of the indicator's points ----------------

COMMENTS = {
    "A1": ("管理委员会和工作小组健全，会议纪要完整，职责清楚。",
           "机构健全，但年度内研究基地工作的会议偏少，纪要不够具体。",
           "管理委员会未实际运行，缺少会议记录，职责落实不到位。"),
    "A2": ("制度体系完备且执行有记录，与培养方案衔接好。",
           "制度基本齐全，部分制度执行记录不完整。",
           "仅有协议文本，缺少基地层面的研究生管理制度。"),
    "A3": ("安全教育、保险和巡查均有记录，落实到位。",
           "保险和安全教育已落实，巡查记录不够连续。",
           "安全教育和巡查记录缺失，存在安全管理隐患。"),
    "B1": ("接收人数稳定，实践时长和计划均符合要求。",
           "接收人数基本达到协议约定，个别实践计划过于笼统。",
           "年度内接收研究生人数明显不足，实践时长达不到要求。"),
    "B2": ("双导师沟通记录逐月完整，指导扎实。",
           "双导师沟通基本按月开展，面对面交流记录偏少。",
           "双导师沟通不规律，多个月份无记录。"),
    "B3": ("考核登记表和实践总结质量高，研究生评价好。",
           "实践考核材料齐全，实践成果与学位论文结合度有待提高。",
           "实践总结流于形式，缺少可核实的实践成果。"),
    "C1": ("场地和仪器设备充足，研究生使用便利。",
           "场地基本满足需要，大型仪器开放时间有限。",
           "实践场地不固定，经营调整后已不能提供必要的实践条件。"),
    "C2": ("食宿安排妥当，津贴按月足额发放。",
           "食宿有保障，津贴发放个别月份延迟。",
           "食宿和津贴落实不到位，研究生反映较多。"),
    "C3": ("经费使用规范，凭证齐全。",
           "经费按用途使用，个别支出凭证不够规范。",
           "经费使用进度慢，账目说明不清。"),
    "D1": ("共建课程已开课并形成课程资料，质量较高。",
           "共建课程处于建设阶段，尚未形成完整的教学资料。",
           "协议期内尚未共建专业实践类课程。"),
    "D2": ("合作课题紧扣企业需求，研究生深度参与。",
           "已开展合作课题，研究生参与程度一般。",
           "未开展实质性的合作课题研究。"),
    "D3": ("联合承担纵向和横向项目，合作层次较高。",
           "有横向合作项目，纵向项目尚待突破。",
           "无合作承担的纵向或横向项目。"),
    "D4": ("联合成果丰富，有论文、专利并在生产中应用。",
           "有联合发表的论文，专利和成果转化较少。",
           "年度内无联合成果产出。"),
    "D5": ("交流会定期召开，基地导师参与教学积极。",
           "开展了交流活动，基地导师参与课程教学偏少。",
           "交流活动很少，基地导师基本未参与教学。"),
    "D6": ("毕业生就业对口率高，服务地方成效明显。",
           "有一定服务地方的成效，就业带动作用有待加强。",
           "服务地方和就业带动方面无明显成效。"),
    "E": ("联合培养模式有特色，具有示范推广价值。",
           "有一定特色做法，尚需总结提炼。",
           "特色不明显，未形成可推广的做法。"),
}  # fmt: skip


def seed_evaluation(stdout=None) -> int:
    """Create the demo standards and rounds that do not exist yet; return how many rounds."""
    today = timezone.localdate()
    usernames = {OFFICE, *EXPERTS, *SECRETARY.values()}
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = usernames - set(people)
    if missing:
        raise RuntimeError("演示评估需要以下账号：" + "、".join(sorted(missing)))
    office = people[OFFICE]
    last, this = today.year - 1, today.year
    created = 0
    with transaction.atomic():
        for year in (last, this):
            if not Standard.objects.filter(year=year).exists():
                services.standard_create(year=year, by=office)
        if not EvaluationRound.objects.filter(year=last, kind=RoundKind.YEARLY).exists():
            bases = _bases(FINISHED)
            evaluation_round = services.round_open(
                year=last, kind=RoundKind.YEARLY, standard=Standard.objects.get(year=last),
                deadline=today.replace(year=last, month=12, day=15), bases=bases.values(),
                by=office,
            )  # fmt: skip
            _walk(evaluation_round, FINISHED, people, last)
            for evaluation in evaluation_round.evaluations.all():
                services.evaluation_finalise(evaluation=evaluation, by=office)
            services.round_close(evaluation_round=evaluation_round, by=office)
            created += 1
        if not EvaluationRound.objects.filter(year=this, kind=RoundKind.YEARLY).exists():
            # Every active base, those whose first agreement year is still running included
            # (the form would leave them unticked): the demo is the same on any day of the year.
            active = Base.objects.filter(state=BaseState.ACTIVE).order_by("college__code", "name")
            evaluation_round = services.round_open(
                year=this, kind=RoundKind.YEARLY, standard=Standard.objects.get(year=this),
                deadline=today + timedelta(days=OPEN_DEADLINE_DAYS), bases=active, by=office,
            )  # fmt: skip
            _walk(evaluation_round, OPEN, people, this)
            created += 1
        if not EvaluationRound.objects.filter(year=this, kind=RoundKind.TERM).exists():
            bases = [b for b in services.proposed_bases(this, RoundKind.TERM)
                     if b.name in {p.base for p in TERM}]  # fmt: skip
            evaluation_round = services.round_open(
                year=this, kind=RoundKind.TERM, standard=Standard.objects.get(year=this),
                deadline=today - timedelta(days=TERM_DEADLINE_AGO_DAYS), bases=bases, by=office,
            )  # fmt: skip
            _walk(evaluation_round, TERM, people, this)
            for evaluation in evaluation_round.evaluations.all():
                services.evaluation_finalise(evaluation=evaluation, by=office)
            # 钒钛修复's 不合格 waits for the office's revocation decision (Art 29): the round
            # closes, the base stays active until the office confirms.
            services.round_close(evaluation_round=evaluation_round, by=office)
            created += 1
    if stdout is not None:
        stdout.write(f"演示评估：新建 {created} 个评估批次（共 3 个）。")
    return created


def _bases(plans: list[Scoring]) -> dict[str, Base]:
    """The demo bases by name, in the order of ``plans``; a base that does not exist is left out."""
    found = {b.name: b for b in Base.objects.filter(name__in=[p.base for p in plans])}
    return {p.base: found[p.base] for p in plans if p.base in found}


def _walk(evaluation_round, plans: list[Scoring], people: dict, year: int) -> None:
    for plan in plans:
        evaluation = (
            evaluation_round.evaluations.select_related("base__partner", "base__college")
            .filter(base__name=plan.base)
            .first()
        )
        if evaluation is None:
            continue
        secretary = people[SECRETARY[evaluation.base.college.code]]
        partner = evaluation.base.partner.name
        rows = list(evaluation.evidence.select_related("indicator"))
        texts = {
            row.indicator_id: EVIDENCE[row.indicator.code].format(p=partner, y=year)
            for row in rows
            if plan.submit or row.indicator.code in plan.evidence
        }
        if texts:
            services.evidence_save(evaluation=evaluation, by=secretary, texts=texts)
        if not plan.submit:
            continue
        by_code = {row.indicator.code: row.indicator_id for row in rows}
        for code, name, title in ATTACHMENTS:
            body = EVIDENCE[code].format(p=partner, y=year)
            file = ContentFile(demo_pdf(f"{partner} {title}（{year} 年）", body), name=name)
            services.evidence_attach(
                evaluation=evaluation, indicator_id=by_code[code], file=file, by=secretary
            )
        services.self_assessment_submit(evaluation=evaluation, by=secretary)
        if not plan.experts:
            continue
        experts = [people[u] for u in plan.experts]
        services.experts_assign(evaluation=evaluation, experts=experts, by=people[OFFICE])
        for username, total in plan.experts.items():
            if total is None:
                continue
            expert = people[username]
            assignment = evaluation.assignments.get(expert=expert)
            values = _values(assignment, total, plan.weak)
            partial = plan.partial.get(username)
            if partial is not None:
                codes = dict(assignment.scores.values_list("indicator_id", "indicator__code"))
                values = {pk: value for pk, value in values.items() if codes[pk] in partial}
            services.scores_save(assignment=assignment, by=expert, values=values)
            if partial is None:
                services.scores_submit(assignment=assignment, by=expert)


def _values(assignment, total: Decimal, weak: tuple[str, ...]) -> dict:
    """Points adding up to ``total``: the deduction spread over the indicators in half points,
    three times as heavily on the ``weak`` ones; each with the comment its share earns."""
    scores = sorted(assignment.scores.select_related("indicator"), key=lambda s: s.indicator.code)
    weight = {s.indicator.code: s.indicator.max_points * (3 if s.indicator.code in weak else 1)
              for s in scores}  # fmt: skip
    whole = sum(weight.values(), Decimal("0"))
    deduction = Decimal("100") - total
    taken = {}
    for s in scores:
        share = deduction * weight[s.indicator.code] / whole
        steps = (share / HALF).to_integral_value(rounding=ROUND_FLOOR)
        taken[s.indicator.code] = min(steps * HALF, s.indicator.max_points)
    left = deduction - sum(taken.values(), Decimal("0"))
    # The rest, half a point at a time, to the weakest indicators that still have points.
    order = sorted(scores, key=lambda s: (s.indicator.code not in weak, s.indicator.code))
    while left > 0:
        for s in order:
            if left > 0 and taken[s.indicator.code] < s.indicator.max_points:
                taken[s.indicator.code] += HALF
                left -= HALF
    values = {}
    for s in scores:
        maximum = s.indicator.max_points
        points = maximum - taken[s.indicator.code]
        good, fair, poor = COMMENTS[s.indicator.code]
        ratio = points / maximum
        comment = good if ratio >= Decimal("0.9") else fair if ratio >= Decimal("0.7") else poor
        values[s.indicator_id] = (points, comment)
    return values
