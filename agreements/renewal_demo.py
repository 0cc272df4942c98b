"""Demo renewals (续签) for ``manage.py seed_demo``, each walked through ``agreements.renewals``
as its people would (Art 7).

- 苦荞 (expired, then renewed): the renewal the demo bases already tell of, approved on the
  strength of the school's authorising document instead of the president's meeting; signing
  it brought the expired base back to active (``renew_base``, called by ``agreements.demo``).
- 盐源苹果 (ends within three months): filed, approved by the college head, waiting for the
  graduate office.
- 雅砻江渔业 (ends within six months): the college declared the draft consistent with the
  template; the office found otherwise, with its reason, and sent it to the legal office.

``seed_renewals`` adds the renewals under way to demo bases that have none yet: seeding twice
changes nothing.
"""

from datetime import date, timedelta

from django.core.files.base import ContentFile

from agreements import renewals, review
from agreements.models import Base
from agreements.renewal_models import Renewal
from applications.demo import demo_pdf
from xcu_bases.models import User
from xcu_bases.workflow import seen

COLLEGE_PEOPLE = {"01": ("secretary", "head"), "02": ("secretary2", "head2")}

UNDER_WAY = [
    {
        "base": "西昌学院—四川盐源苹果产业发展有限公司研究生联合培养基地",
        "summary": (
            "一、合作领域增加“果园智能水肥管理”；\n"
            "二、每年接收研究生由 4 名增至 6 名；\n"
            "三、其余条款与现协议及学校模板一致。"
        ),
        "college_opinion": "基地运行良好，研究生实践质量高，同意续签五年。",
        "stop": "office_review",
    },
    {
        "base": "西昌学院—凉山州雅砻江水电生态渔业有限公司研究生联合培养基地",
        "summary": (
            "一、增殖放流监测数据的使用须经乙方书面同意；\n"
            "二、研究生在库区作业须随船配备救生设备，由乙方负责安全培训。"
        ),
        "college_opinion": "省级基地，合作成效显著，同意续签。",
        "office_opinion": "学院意见明确，续签协议主要条款已核对。",
        "office_deviates": True,
        "deviation_reason": (
            "第一条约定监测数据的使用须经乙方书面同意，改变了学校模板中研究生成果"
            "归双方共有的约定（第二十五条），应报法治与督办科审核。"
        ),
        "stop": "legal_review",
    },
]


def _draft(base: Base, starts_on: date, ends_on: date) -> ContentFile:
    name = base.name.removeprefix("西昌学院—")
    pdf = demo_pdf(
        f"{name}协议书（续签草案）",
        "甲方：西昌学院",
        f"乙方：{base.partner}",
        f"协议期限：{starts_on:%Y年%m月%d日}至{ends_on:%Y年%m月%d日}。",
        "本协议为双方原研究生联合培养基地协议的续签，未约定事项按原协议执行。",
    )
    return ContentFile(pdf, name="续签协议书（草案）.pdf")


def _file(base: Base, secretary, head, starts_on, ends_on, summary, college_opinion) -> Renewal:
    renewal = renewals.renewal_create(
        base=base, by=secretary, starts_on=starts_on, ends_on=ends_on, summary=summary,
        deviates_from_template=False, document=_draft(base, starts_on, ends_on),
    )  # fmt: skip
    renewal = renewals.renewal_submit(renewal=renewal, by=secretary, expected=seen(renewal))
    return renewals.renewal_college_approve(
        renewal=renewal, by=head, expected=seen(renewal), comment=college_opinion
    )


def renew_base(base: Base, *, starts_on: date, ends_on: date, signed_on: date, scan) -> Renewal:
    """The 苦荞 renewal: filed, approved on the authorising document, signed."""
    secretary, head = _people(base)
    office = User.objects.get(username="office")
    renewal = _file(
        base, secretary, head, starts_on, ends_on,
        "一、合作领域增加“苦荞功能食品开发”；\n二、共建实践课程由 1 门增至 2 门。",
        "国家级基地，合作成效显著，同意续签五年。",
    )  # fmt: skip
    renewal = renewals.renewal_office_approve(
        renewal=renewal, by=office, expected=seen(renewal),
        comment="续签协议与学校模板一致，同意续签。", authorisation_number=f"西学院〔{signed_on.year}〕21号",
        authorised_on=signed_on - timedelta(days=20),
    )  # fmt: skip
    return renewals.renewal_sign(
        renewal=renewal, by=office, expected=seen(renewal), signed_on=signed_on,
        starts_on=starts_on, ends_on=ends_on, scan=scan,
    )  # fmt: skip


def _people(base: Base):
    usernames = COLLEGE_PEOPLE[base.college.code]
    found = {u.username: u for u in User.objects.filter(username__in=usernames)}
    return found[usernames[0]], found[usernames[1]]


def seed_renewals() -> int:
    """The renewals under way, on demo bases that have no renewal yet."""
    office = User.objects.get(username="office")
    created = 0
    for spec in UNDER_WAY:
        base = Base.objects.filter(name=spec["base"]).select_related("college").first()
        if base is None or base.renewals.exists():
            continue
        secretary, head = _people(base)
        latest = base.latest_agreement()
        starts_on = latest.ends_on + timedelta(days=1)
        renewal = _file(base, secretary, head, starts_on, review.term_end(starts_on, 5),
                        spec["summary"], spec["college_opinion"])  # fmt: skip
        if spec["stop"] == "legal_review":
            renewals.renewal_office_approve(
                renewal=renewal, by=office, expected=seen(renewal),
                comment=spec["office_opinion"], deviates=spec["office_deviates"],
                deviation_reason=spec["deviation_reason"],
            )  # fmt: skip
        created += 1
    return created
