"""What a complete Annex 1 needs. Checked on submit; every gap listed in Chinese.

A draft may be saved with anything missing; these rules are the same ones the
browser's live counters show.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError

from xcu_bases.creditcode import validate_credit_code
from xcu_bases.text import count_chars

NECESSITY_MIN_CHARS = 500  # Annex 1 I: 不少于 500 字
ACHIEVEMENTS_MAX_CHARS = 500  # Annex 1 II: 500 字内
INSTRUMENT_MIN_PRICE = Decimal("10")  # Annex 1 IV: 单价 10 万元以上

COVER = ["base_name", "person_in_charge", "contact_person", "contact_phone"]
SECTION2 = [
    "national_projects", "national_funding", "provincial_projects", "provincial_funding",
    "contract_projects", "contract_funding", "avg_projects_per_supervisor",
    "avg_funding_per_supervisor", "avg_contract_funding_per_supervisor",
    "college_lead", "college_lead_phone",
    "college_contact", "college_contact_phone", "college_contact_email",
]  # fmt: skip
SECTION3 = [
    "partner_name", "partner_address", "partner_lead", "partner_lead_phone", "partner_contact",
    "partner_contact_phone", "partner_contact_email", "partner_main_fields",
    "partner_students_per_year", "partner_total_staff", "partner_senior_staff",
    "partner_doctorate_staff", "partner_avg_rd_spend",
]  # fmt: skip
ART5 = [
    "art5_support", "art5_representative", "art5_staff", "art5_management",
    "art5_safety", "art5_rules", "art5_funding",
]  # fmt: skip
ART6 = [
    ("art6_station", "art6_station_evidence"),
    ("art6_platform", "art6_platform_evidence"),
    ("art6_partnership", "art6_partnership_evidence"),
]
# V. 基地建设合作单位意见: the partner signs and seals it on the paper form (Art 7(1) asks for
# the form, not for an online opinion), so it is optional for submission and never listed below.
PARTNER_OPINION = ["partner_opinion", "partner_opinion_signatory", "partner_opinion_date"]
PARTNER_OPINION_MAX_CHARS = 300
PARTNER_OPINION_MAX_PARAGRAPHS = 5
AGREEMENT = ["goals", "content", "fields", "partner_duties", "college_duties", "ip_ownership"]


def _label(model, name):
    return model._meta.get_field(name).verbose_name


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing(obj, names, section):
    return [
        f"{section}：请填写“{_label(type(obj), n)}”。" for n in names if _blank(getattr(obj, n))
    ]


def problems(app) -> list[str]:
    """Every reason ``app`` cannot be submitted yet, in form order."""
    found = _missing(app, COVER, "封面")
    found += _necessity(app)
    found += _disciplines(app)
    found += _missing(app, SECTION2, "二、申报单位基本情况")
    found += _achievements(app)
    found += _partner(app)
    found += _missing(app, ART5, "三、合作单位情况简介（第五条）")
    found += _art6(app)
    found += _instruments(app)
    found += _agreement(app)
    if not app.attachments.exists():
        found.append("证明材料：请上传已有建设基础的证明材料（第七条第一项）。")
    return found


def _necessity(app):
    n = count_chars(app.necessity)
    if n < NECESSITY_MIN_CHARS:
        return [
            f"一、必要性和可行性论证分析不少于 {NECESSITY_MIN_CHARS} 字，当前 {n} 字（不计空白字符）。"
        ]
    return []


def _achievements(app):
    n = count_chars(app.achievements)
    if n == 0:
        return ["二、申报单位基本情况：请填写“近三年政产学研用取得的成果”。"]
    if n > ACHIEVEMENTS_MAX_CHARS:
        return [f"二、近三年政产学研用取得的成果限 {ACHIEVEMENTS_MAX_CHARS} 字以内，当前 {n} 字。"]
    return []


def _disciplines(app):
    rows = list(app.disciplines.all())
    if not rows:
        return ["二、申报单位基本情况：请至少填写一个参与基地建设的学科、专业。"]
    fields = ["name", "code", "supervisors", "enrolment_1", "enrolment_2", "enrolment_3"]
    found = []
    for i, row in enumerate(rows, start=1):
        gaps = [str(_label(type(row), f)) for f in fields if _blank(getattr(row, f))]
        if gaps:
            found.append(f"二、学科专业第 {i} 行：请填写" + "、".join(gaps) + "。")
    return found


def _partner(app):
    found = _missing(app, ["partner_name", "partner_credit_code"], "三、合作单位基本情况")
    if app.partner_credit_code:
        try:
            validate_credit_code(app.partner_credit_code)
        except ValidationError as error:
            found.append("三、合作单位基本情况：" + error.messages[0])
    if not app.partner_is_legal_person:
        found.append("三、合作单位必须具有独立法人资格（第五条），请确认后勾选。")
    return found + [
        m for m in _missing(app, SECTION3, "三、合作单位基本情况") if "合作单位名称" not in m
    ]


def _art6(app):
    found = []
    for flag, evidence in ART6:
        if getattr(app, flag) and _blank(getattr(app, evidence)):
            found.append(
                f"三、优先条件（第六条）：已勾选“{_label(type(app), flag)}”，请填写证明。"
            )
    return found


def _instruments(app):
    found = []
    for i, row in enumerate(app.instruments.all(), start=1):
        gaps = [str(_label(type(row), f)) for f in ["name", "model", "acquired_on", "unit_price"]
                if _blank(getattr(row, f))]  # fmt: skip
        if gaps:
            found.append(f"四、支撑条件第 {i} 行：请填写" + "、".join(gaps) + "。")
        elif row.unit_price < INSTRUMENT_MIN_PRICE:
            found.append(
                f"四、支撑条件第 {i} 行：仅填写单价 10 万元以上的仪器设备，当前 {row.unit_price} 万元。"
            )
    return found


def _agreement(app):
    draft = getattr(app, "agreement_draft", None)
    if draft is None:
        return ["协议书草案：请填写协议书草案（第七条第二项）。"]
    found = _missing(draft, AGREEMENT, "协议书草案")
    if not draft.document:
        found.append("协议书草案：请上传协议书草案文件。")
    return found
