"""Annex 1: what a complete application needs; every gap listed in Chinese on submit."""

from datetime import date
from decimal import Decimal

import pytest

from agreements.models import Partner
from applications import services
from applications.choices import ApplicationState as S
from applications.completeness import problems
from applications.models import ApplicationSnapshot, DisciplineRow, InstrumentRow
from applications.services import ApplicationError
from tests.applications.factories import CREDIT_CODE, complete_application, fresh, unchanged
from xcu_bases.models import TransitionLog

NECESSITY_MESSAGE = "一、必要性和可行性论证分析不少于 500 字，当前 {n} 字（不计空白字符）。"


@pytest.fixture
def secretary(people):
    return people["secretary_a"]


@pytest.fixture
def complete(secretary):
    return complete_application(secretary)


def with_values(app, **values):
    for name, value in values.items():
        setattr(app, name, value)
    app.save()
    return fresh(app)


def spread(n: int) -> str:
    """``n`` counted characters with spaces, tabs, newlines and full-width spaces between."""
    gaps = [" ", "\n", "\t", "\u3000", "\r\n", "  "]
    return "".join("研" + gaps[i % len(gaps)] for i in range(n))


def test_complete_application_has_no_gaps(complete):
    assert problems(complete) == []


def test_art7_1_an_empty_application_lists_every_missing_item(secretary):
    app = services.application_create(by=secretary)

    found = problems(app)

    for message in [
        "封面：请填写“基地名称”。",
        "封面：请填写“联系电话”。",
        NECESSITY_MESSAGE.format(n=0),
        "二、申报单位基本情况：请至少填写一个参与基地建设的学科、专业。",
        "二、申报单位基本情况：请填写“近3年国家级科研项目总数（项）”。",
        "二、申报单位基本情况：请填写“近三年政产学研用取得的成果”。",
        "三、合作单位基本情况：请填写“合作单位名称”。",
        "三、合作单位基本情况：请填写“统一社会信用代码”。",
        "三、合作单位必须具有独立法人资格（第五条），请确认后勾选。",
        "三、合作单位基本情况：请填写“每年拟接受联合培养研究生人数”。",
        "三、合作单位情况简介（第五条）：请填写“（五）劳动、卫生、安全保障与生活条件”。",
        "协议书草案：请填写“基地建设目标”。",
        "协议书草案：请填写“研究生创新成果等知识产权的归属”。",
        "协议书草案：请上传协议书草案文件。",
        "证明材料：请上传已有建设基础的证明材料（第七条第一项）。",
    ]:
        assert message in found
    # In form order: the cover first, the evidence last.
    assert found[0] == "封面：请填写“基地名称”。"
    assert found[-1] == "证明材料：请上传已有建设基础的证明材料（第七条第一项）。"
    assert found.index(NECESSITY_MESSAGE.format(n=0)) < found.index(
        "三、合作单位基本情况：请填写“合作单位名称”。"
    )
    # Optional parts are not demanded: no instrument rows, no Art 6 conditions.
    assert not [m for m in found if m.startswith(("四、", "三、优先条件"))]


def test_art7_1_every_gap_is_named_unambiguously(secretary):
    found = problems(services.application_create(by=secretary))

    assert len(found) == len(set(found))


def test_art7_1_the_agreement_draft_must_exist(complete):
    complete.agreement_draft.delete()

    assert problems(fresh(complete)) == ["协议书草案：请填写协议书草案（第七条第二项）。"]


# --- Annex 1 I: at least 500 characters, whitespace not counted ----------------


def test_necessity_of_499_characters_is_listed(complete):
    app = with_values(complete, necessity=spread(499))

    assert problems(app) == [NECESSITY_MESSAGE.format(n=499)]


def test_necessity_of_500_characters_is_enough(complete):
    app = with_values(complete, necessity=spread(500))

    assert problems(app) == []


def test_necessity_whitespace_alone_counts_nothing(complete):
    app = with_values(complete, necessity=" \n\t\u3000" * 300)

    assert problems(app) == [NECESSITY_MESSAGE.format(n=0)]


# --- Annex 1 II: achievements within 500 characters --------------------------------


def test_achievements_of_500_characters_are_fine(complete):
    app = with_values(complete, achievements=spread(500))

    assert problems(app) == []


def test_achievements_of_501_characters_are_listed(complete):
    app = with_values(complete, achievements=spread(501))

    assert problems(app) == ["二、近三年政产学研用取得的成果限 500 字以内，当前 501 字。"]


def test_discipline_row_must_be_complete(complete):
    DisciplineRow.objects.create(application=complete, position=2, name="资源与环境", code="0957")

    assert problems(fresh(complete)) == [
        "二、学科专业第 2 行：请填写校内导师人数、招生人数（第一年）、招生人数（第二年）、招生人数（第三年）。"
    ]


# --- Annex 1 III: the partner (Art 5) and the priority conditions (Art 6) ----------


def test_art5_partner_not_a_legal_person_is_listed(complete):
    app = with_values(complete, partner_is_legal_person=False)

    assert problems(app) == ["三、合作单位必须具有独立法人资格（第五条），请确认后勾选。"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "91350100M000100Y44",
            "统一社会信用代码校验不通过（GB 32100-2015），请对照营业执照逐位核对。",
        ),
        ("91350100M000100Y4", "统一社会信用代码应为 18 位，当前为 17 位。"),
        ("91350100M000100O43", "统一社会信用代码含有无效字符：O（不使用 I、O、S、V、Z）。"),
    ],
)
def test_invalid_credit_code_is_listed(code, message, complete):
    app = with_values(complete, partner_credit_code=code)

    assert problems(app) == ["三、合作单位基本情况：" + message]


def test_credit_code_in_lower_case_is_accepted(complete):
    app = with_values(complete, partner_credit_code=CREDIT_CODE.lower())

    assert problems(app) == []


def test_art5_each_condition_needs_an_answer(complete):
    app = with_values(complete, art5_rules="   ")

    assert problems(app) == ["三、合作单位情况简介（第五条）：请填写“（六）实践管理制度”。"]


def test_art6_checked_without_evidence_is_listed(complete):
    app = with_values(complete, art6_platform=True, art6_platform_evidence=" ")

    assert problems(app) == [
        "三、优先条件（第六条）：已勾选“具有省级及以上重点实验室、工程技术研究中心等研发平台”，请填写证明。"
    ]


def test_art6_checked_with_evidence_is_fine(complete):
    app = with_values(
        complete,
        art6_platform=True,
        art6_platform_evidence="四川省马铃薯工程技术研究中心（川科平〔2019〕12号）",
        art6_station=True,
        art6_station_evidence="凉山州院士（专家）工作站（凉科〔2020〕5号）",
    )

    assert problems(app) == []


# --- Annex 1 IV: instruments of at least 100,000 yuan -------------------------------


def test_instrument_below_10_wan_yuan_is_listed(complete):
    InstrumentRow.objects.create(
        application=complete,
        position=2,
        name="电子天平",
        model="ME204E",
        acquired_on=date(2020, 3, 1),
        unit_price=Decimal("9.99"),
    )

    assert problems(fresh(complete)) == [
        "四、支撑条件第 2 行：仅填写单价 10 万元以上的仪器设备，当前 9.99 万元。"
    ]


def test_instrument_of_exactly_10_wan_yuan_is_fine(complete):
    complete.instruments.update(unit_price=Decimal("10.00"))

    assert problems(fresh(complete)) == []


def test_instrument_row_must_be_complete(complete):
    InstrumentRow.objects.create(application=complete, position=2, name="气相色谱仪")

    assert problems(fresh(complete)) == [
        "四、支撑条件第 2 行：请填写规格型号（训练内容）、购置（建设）时间、单价（万元）。"
    ]


# --- submitting with gaps --------------------------------------------------------------


def test_art7_1_submit_with_gaps_is_refused_and_changes_nothing(complete, secretary):
    app = with_values(complete, necessity=spread(499), partner_is_legal_person=False)
    expected = problems(app)
    assert len(expected) == 2

    with unchanged(app), pytest.raises(ApplicationError) as refused:
        services.application_submit(app=app, by=secretary, expected=services.seen(app))

    assert refused.value.message == "申报书尚不完整，不能提交。"
    assert refused.value.details == expected
    app.refresh_from_db()
    assert (app.state, app.round, app.submitted_at, app.partner) == (S.DRAFT, 0, None, None)
    assert not ApplicationSnapshot.objects.filter(application=app).exists()
    assert not TransitionLog.objects.for_object(app).exists()
    assert not Partner.objects.exists()


def test_art7_1_submit_of_an_empty_application_lists_everything(secretary):
    app = services.application_create(by=secretary)

    with pytest.raises(ApplicationError) as refused:
        services.application_submit(app=app, by=secretary, expected=services.seen(app))

    assert refused.value.details == problems(app)
    assert fresh(app).state == S.DRAFT
