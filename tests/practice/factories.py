"""Annex 2 test data: a base in force, a certified base supervisor, a request ready to submit.

Supervisors go through ``practice.services``; the base is written directly (its own life
cycle is tested in tests/agreements), then set active, as the brief of issue #5 asks.
"""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agreement, Base, Partner
from practice import services
from practice.choices import BaseType
from practice.models import BaseSupervisor, PlanTask, PracticeRequest
from xcu_bases.creditcode import check_character
from xcu_bases.models import TransitionLog

TINY_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

# The agreement of the usual test base, and a practice period well inside it.
AGREEMENT = (date(2025, 1, 1), date(2029, 12, 31))
PERIOD = (date(2026, 3, 2), date(2026, 8, 31))

PURPOSE = (
    "在基地导师指导下参与苦荞种质资源的田间鉴定与评价，掌握苦荞杂交育种、"
    "株系选择和品比试验的基本方法；结合学位论文选题，完成两百份苦荞种质农艺性状"
    "和黄酮含量的调查分析，撰写专业实践总结报告，提高解决生产实际问题的能力。"
)

SUPERVISOR = {
    "name": "吉克曲布",
    "gender": "male",
    "title": "高级农艺师",
    "position": "技术研发中心副主任",
    "phone": "13882401102",
    "email": "jikeqb@example.cn",
}

BASE_CONTACT = {
    "base_address": "四川省西昌市航天大道三段68号",
    "base_postcode": "615000",
    "base_contact": "罗永康",
    "base_contact_phone": "0834-3212001",
    "base_contact_email": "luoyk@example.cn",
}


def pdf_file(name="证明.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015), different for each ``n``."""
    first17 = f"91513401MA6{n:06d}"
    return first17 + check_character(first17)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def logs(obj, transition=None) -> list[TransitionLog]:
    rows = TransitionLog.objects.for_object(obj)
    return list(rows.filter(transition=transition) if transition else rows)


def active_base(college, office, *, starts_on=AGREEMENT[0], ends_on=AGREEMENT[1]) -> Base:
    """A base of ``college`` with one signed agreement from ``starts_on`` to ``ends_on``."""
    n = Partner.objects.count() + 1
    partner = Partner.objects.create(
        name=f"凉山州测试农业科学研究院{n}",
        credit_code=credit_code(n),
        address=BASE_CONTACT["base_address"],
    )
    base = Base.objects.create(
        name=f"西昌学院—{partner.name}研究生联合培养基地", partner=partner, college=college
    )
    Agreement.objects.create(
        base=base, signed_on=starts_on - timedelta(days=10), starts_on=starts_on, ends_on=ends_on,
        scan=ContentFile(TINY_PDF, name="协议书.pdf"), scan_name="协议书.pdf", recorded_by=office,
    )  # fmt: skip
    Base.objects.filter(pk=base.pk).update(state="active")
    return Base.objects.get(pk=base.pk)


def nominated_supervisor(base, by, **data) -> BaseSupervisor:
    return services.supervisor_nominate(
        base=base, data={**SUPERVISOR, **data}, cv=pdf_file("简历.pdf"), by=by
    )


def certified_supervisor(
    base, people, *, certified_on=date(2025, 2, 1), valid_until=None, account=None, **data
) -> BaseSupervisor:
    """Nominated by the base's college secretary (or the office), certified by the office."""
    secretary = people["secretary_a"]
    by = secretary if secretary.college_id == base.college_id else people["office"]
    supervisor = nominated_supervisor(base, by, **data)
    supervisor, _ = services.supervisor_certify(
        supervisor=supervisor, by=people["office"],
        certificate_number=f"XCU-JDDS-{BaseSupervisor.objects.count():04d}",
        certified_on=certified_on, valid_until=valid_until, account=account,
    )  # fmt: skip
    return supervisor


def plan(req, *tasks) -> None:
    """Replace the plan of ``req`` by ``tasks`` (text, starts_on, ends_on)."""
    req.tasks.all().delete()
    for position, (text, starts_on, ends_on) in enumerate(tasks, start=1):
        PlanTask.objects.create(
            request=req, position=position, task=text, starts_on=starts_on, ends_on=ends_on
        )


def default_plan(starts_on: date, ends_on: date) -> list[tuple]:
    middle = starts_on + (ends_on - starts_on) // 2
    return [
        ("参加基地安全教育，熟悉苦荞种质资源圃和田间试验规程", starts_on, middle),
        ("苦荞种质农艺性状调查与黄酮含量测定，整理数据并撰写实践总结", middle, ends_on),
    ]


def complete_request(
    student, base, supervisor, *, starts_on=PERIOD[0], ends_on=PERIOD[1], **overrides
) -> PracticeRequest:
    """A draft of Annex 2 that ``gates.problems`` has nothing to say about.

    ``overrides`` replace form fields; ``tasks=[...]`` replaces the plan.
    """
    req = services.request_create(by=student)
    tasks = overrides.pop("tasks", None)
    values = {
        "base_type": BaseType.OFF_CAMPUS,
        "base": base,
        **BASE_CONTACT,
        "base_supervisor": supervisor,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "purpose": PURPOSE,
        "pledge_accepted": True,
        "pledge_signature": student.get_full_name(),
        "pledge_date": starts_on - timedelta(days=14),
        "insurer": "中国人寿保险股份有限公司凉山分公司",
        "policy_number": "2026513400010086",
        "insured_from": starts_on,
        "insured_to": ends_on,
        **overrides,
    }
    for name, value in values.items():
        setattr(req, name, value)
    req.save()
    plan(req, *(default_plan(starts_on, ends_on) if tasks is None else tasks))
    services.insurance_scan_set(req=req, file=pdf_file("人身意外伤害保险保单.pdf"), by=student)
    return fresh(req)


# What each reviewer writes in ``advance_to``, so tests can find it in the log.
COMMENTS = {
    "supervisor_approve": "实践内容与学位论文选题一致，同意赴基地开展专业实践。",
    "plan_confirm": "实践计划与基地年度科研安排一致，同意；基地提供试验田和实验室。",
    "college_approve": "经审核，实践计划可行，保险和安全承诺齐全，同意。",
    "office_approve": "同意。请按计划进入基地，每月向校内导师报告实践进展。",
}


def advance_to(req, state, people) -> PracticeRequest:
    """Walk ``req`` along the chain (student → tutor → base supervisor → college head → office)
    until ``state``."""
    student = req.student
    steps = [
        ("draft", lambda r: services.request_submit(req=r, by=student, expected=services.seen(r))),
        ("supervisor_review", lambda r: _approve(r, "supervisor_approve", people["tutor_a"])),
        ("plan_review", lambda r: _approve(r, "plan_confirm", r.base_supervisor.user)),
        ("college_review", lambda r: _approve(r, "college_approve", people["head_a"])),
        ("office_review", lambda r: _approve(r, "office_approve", people["office"])),
    ]
    order = [source for source, _ in steps]
    start = order.index(req.state) if req.state in order else 0
    for source, step in steps[start:]:
        if req.state == state:
            break
        assert req.state == source, f"cannot walk from {req.state} to {state}"
        req = step(req)
    assert req.state == state
    return fresh(req)


def _approve(req, name, by):
    service = getattr(services, f"request_{name}")
    return service(req=req, by=by, expected=services.seen(req), comment=COMMENTS[name])


# --- Annex 3 -------------------------------------------------------------------------------

REPORT_PARAGRAPH = (
    "在基地导师吉克曲布高级农艺师和校内导师张明华教授的共同指导下，我参与了苦荞种质资源的田间鉴定、"
    "农艺性状调查和黄酮含量测定工作，运用作物育种学、试验统计学和植物生理学的理论知识，"
    "解决了田间试验设计、数据采集和品质分析中遇到的实际问题。"
)  # 100 non-whitespace characters


def report_of(chars: int) -> str:
    """A report of exactly ``chars`` non-whitespace characters, in paragraphs."""
    paragraphs, left = [], chars
    while left > 0:
        piece = REPORT_PARAGRAPH[: min(left, len(REPORT_PARAGRAPH))]
        paragraphs.append(piece)
        left -= len(piece)
    return "\n\n".join(paragraphs)


PLAN_COMPLETION = (
    "实践计划两项任务均已按期完成：参加了基地安全教育并熟悉了种质资源圃；"
    "完成两百份苦荞种质的农艺性状调查和黄酮含量测定，数据已整理入学位论文。"
)


def complete_assessment(req, *, report_chars=5000):
    """Annex 3 for an approved ``req``, filled so that it can be submitted."""
    from practice import assessment_services
    from practice.choices import TaskStatus

    assessment = assessment_services.assessment_create(req=req, by=req.student)
    assessment.completions.update(status=TaskStatus.DONE, note="按计划完成")
    assessment.plan_completion = PLAN_COMPLETION
    assessment.report = report_of(report_chars)
    assessment.signature = req.student.get_full_name()
    assessment.signed_on = req.ends_on
    assessment.save()
    return fresh(assessment)


ASSESSMENT_COMMENTS = {
    "base_supervisor_approve": "该生实践期间工作认真，较好地完成了实践计划。",
    "campus_supervisor_approve": "实践总结内容翔实，同意。",
    "college_approve": "经学院审核，同意。",
    "archive": "材料齐全，予以归档。",
}


def thesis_file(name="学位论文.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def advance_assessment_to(assessment, state, people, *, grade="good"):
    """Walk Annex 3 along its chain until ``state`` (uploading the thesis before archiving)."""
    from practice import assessment_services as a
    from practice import record_services

    req = assessment.request
    supervisor_user = req.base_supervisor.user
    steps = [
        ("draft", lambda x: a.assessment_submit(assessment=x, by=req.student, expected=services.seen(x))),
        ("base_supervisor_review", lambda x: a.assessment_base_supervisor_approve(
            assessment=x, by=supervisor_user, expected=services.seen(x),
            comment=ASSESSMENT_COMMENTS["base_supervisor_approve"], grade=grade)),
        ("campus_supervisor_review", lambda x: a.assessment_campus_supervisor_approve(
            assessment=x, by=people["tutor_a"], expected=services.seen(x),
            comment=ASSESSMENT_COMMENTS["campus_supervisor_approve"])),
        ("college_review", lambda x: a.assessment_college_approve(
            assessment=x, by=people["head_a"], expected=services.seen(x),
            comment=ASSESSMENT_COMMENTS["college_approve"])),
        ("office_review", lambda x: _archive(x, people, record_services)),
    ]  # fmt: skip
    order = [source for source, _ in steps]
    assert assessment.state in order, f"cannot walk from {assessment.state}"
    for source, step in steps[order.index(assessment.state) :]:
        if assessment.state == state:
            break
        assert assessment.state == source, f"cannot walk from {assessment.state} to {state}"
        assessment = step(assessment)
    assert assessment.state == state
    return fresh(assessment)


THESIS_CLEARANCE = {
    "use": "thesis",
    "title": "凉山苦荞种质资源农艺性状与黄酮含量的鉴定评价",
    "venue": "硕士学位论文",
    "content": "拟在学位论文中使用在基地完成的两百份苦荞种质农艺性状调查和黄酮含量测定数据。",
}


def clear_thesis(
    req, *, confidential=False, answer="经基地确认，学位论文使用的数据不涉密，同意使用。"
):
    """Art 25: the student asks for the thesis clearance and the base supervisor answers it."""
    from practice import record_services

    clearance = record_services.clearance_ask(req=req, by=req.student, data=THESIS_CLEARANCE)
    return record_services.clearance_answer(
        clearance=clearance, by=req.base_supervisor.user, confidential=confidential,
        answer=answer,
    )  # fmt: skip


def _archive(assessment, people, record_services):
    from practice import assessment_services as a

    req = assessment.request
    if not req.thesis:
        record_services.thesis_set(req=req, file=thesis_file(), by=req.student)
    if not req.clearances.filter(use="thesis").exists():  # Art 25: the base has answered
        clear_thesis(req)
    return a.assessment_archive(
        assessment=assessment, by=people["office"], expected=services.seen(assessment),
        comment=ASSESSMENT_COMMENTS["archive"],
    )  # fmt: skip
