"""Annex 1 items the paper form has and the system lacked: II's second person row (联系人:
name, phone, E-mail) and V's partner opinion (基地建设合作单位意见: text, signatory, date) —
in the form, the detail page, the frozen snapshot and the PDF."""

import io
from datetime import date

import pytest
from django.apps import apps as registry
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications import completeness, printing, services, snapshot
from applications.choices import ApplicationState as S
from applications.models import ApplicationSnapshot, BaseApplication
from tests.applications.factories import advance_to, complete_application, fresh
from tests.applications.test_views import edit_data

OPINION = (
    "我院同意与西昌学院共建研究生联合培养基地，提供试验站和实验室作为研究生实践场所，"
    "选派研究员担任基地导师。\n保障研究生实践期间的食宿和安全。"
)
SIGNED_ON = date(2026, 2, 27)


def login(client, user):
    client.force_login(user)
    return client


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def page_text(data: bytes, heading: str) -> str:
    """The text of the first page that has ``heading`` on it."""
    for page in PdfReader(io.BytesIO(data)).pages:
        text = "".join(page.extract_text().split())
        if heading in text:
            return text
    raise AssertionError(f"no page with {heading}")


def submitted(app, people):
    return advance_to(app, S.COLLEGE_REVIEW, people)


@pytest.fixture
def app(people):
    return complete_application(
        people["secretary_a"],
        partner_opinion=OPINION,
        partner_opinion_signatory="陈志强",
        partner_opinion_date=SIGNED_ON,
    )


# --- II: the two person rows --------------------------------------------------------


def test_annex1_second_contact_row_printed(app, people):
    app = submitted(app, people)
    data = app.snapshots.get(round=1).data["fields"]
    assert data["college_contact"] == {"label": "基地建设联系人（申报单位）", "value": "杨静"}
    assert data["college_contact_phone"]["value"] == "0834-2580211"
    assert data["college_contact_email"]["value"] == "yangjing@xcc.edu.cn"

    pdf, _ = printing.render_annex1(app, by=people["secretary_a"])
    text = page_text(pdf, "II申报单位基本情况")
    # Row 1 as on the paper: the lead, a phone, no E-mail; row 2: the contact with both.
    assert "基地建设负责人王建国联系电话13908140001基地建设联系人" in text
    assert "基地建设联系人杨静联系电话0834-2580211E-mailyangjing@xcc.edu.cn" in text
    assert text.count("E-mail") == 1


def test_annex1_contact_row_on_the_detail_page(client, app, people):
    html = login(client, people["office"]).get(reverse("applications:detail", args=[app.pk]))
    assert "<th>基地建设负责人</th><td>王建国　13908140001</td>" in html.text
    assert "<th>基地建设联系人</th><td>杨静　0834-2580211　yangjing@xcc.edu.cn</td>" in html.text


def test_annex1_contact_row_is_needed_for_submission(people):
    app = complete_application(people["secretary_a"], college_contact="", college_contact_phone="")
    assert completeness.problems(app) == [
        "二、申报单位基本情况：请填写“基地建设联系人（申报单位）”。",
        "二、申报单位基本情况：请填写“联系人联系电话（申报单位）”。",
    ]


def test_annex1_snapshot_frozen_before_the_contact_row_prints_its_email_on_row_two(app, people):
    """A snapshot from before migration 0003 had the E-mail on the lead's row."""
    app = submitted(app, people)
    stored = app.snapshots.get(round=1)
    fields = stored.data["fields"]
    for name in ("college_contact", "college_contact_phone", "college_contact_email"):
        del fields[name]
    fields["college_lead_email"] = {"label": "负责人 E-mail", "value": "wangjg@xcc.edu.cn"}
    ApplicationSnapshot.objects.filter(pk=stored.pk).update(data=stored.data)

    pdf, _ = printing.render_annex1(fresh(app), by=people["office"])
    text = page_text(pdf, "II申报单位基本情况")
    assert "基地建设联系人王建国联系电话13908140001E-mailwangjg@xcc.edu.cn" in text
    assert app.snapshots.get(round=1).data["fields"]["college_lead_email"]  # left as stored


def test_annex1_migration_moves_the_email_with_its_owner(people):
    migration = __import__(
        "applications.migrations.0003_annex1_contact_row_and_partner_opinion",
        fromlist=["lead_becomes_contact"],
    )
    with_email = services.application_create(by=people["secretary_a"])
    BaseApplication.objects.filter(pk=with_email.pk).update(
        college_lead="王建国", college_lead_phone="13908140001", college_contact_email="w@xcc.cn"
    )
    without = services.application_create(by=people["secretary_a"])
    BaseApplication.objects.filter(pk=without.pk).update(college_lead="李四")
    migration.lead_becomes_contact(registry, None)
    moved, kept = fresh(with_email), fresh(without)
    assert (moved.college_contact, moved.college_contact_phone, moved.college_contact_email) == (
        "王建国", "13908140001", "w@xcc.cn"
    )  # fmt: skip
    assert (kept.college_contact, kept.college_contact_phone) == ("", "")


# --- V: the partner's opinion -------------------------------------------------------


def test_annex1_partner_opinion_printed(app, people):
    app = submitted(app, people)
    pdf, _ = printing.render_annex1(app, by=people["head_a"])
    text = page_text(pdf, "V申报单位及合作单位意见")
    box = text[text.index("基地建设合作单位意见：") : text.index("学科与研究生处意见：")]
    assert "我院同意与西昌学院共建研究生联合培养基地" in box
    assert "保障研究生实践期间的食宿和安全。" in box
    assert "负责人签章：陈志强" in box
    assert box.endswith("公章2026年2月27日")  # the seal's place stays for the stamp
    assert text.count("公章") == 4
    assert text.count("年月日") == 3  # the other three boxes keep their blank date lines


def test_annex1_partner_opinion_blank_when_not_given(people):
    app = complete_application(people["secretary_a"])
    pdf, _ = printing.render_annex1(app, by=people["secretary_a"])
    text = page_text(pdf, "V申报单位及合作单位意见")
    box = text[text.index("基地建设合作单位意见：") : text.index("学科与研究生处意见：")]
    assert box == "基地建设合作单位意见：负责人签章：公章年月日"


def test_annex1_partner_opinion_signatory_only(people):
    """What was typed prints; what was not stays a blank line."""
    app = complete_application(people["secretary_a"], partner_opinion_signatory="陈志强")
    context = printing.annex1_context(
        app, data=snapshot.build(app), serial="X", printed_at=timezone.now(), is_draft=True
    )
    partner = context["opinions"][1]
    assert (partner["paragraphs"], partner["signatory"], partner["date"]) == ([], "陈志强", "")


def test_annex1_partner_opinion_optional_for_submit(client, people):
    """Signed and sealed on paper (Art 7(1) asks for the form): submitting does not wait for it."""
    app = complete_application(people["secretary_a"])
    assert app.partner_opinion == "" and app.partner_opinion_date is None
    assert completeness.problems(app) == []
    page = login(client, people["secretary_a"]).get(reverse("applications:edit", args=[app.pk]))
    assert "提交前还需完成" not in page.text
    assert "此栏为选填，不影响提交" in page.text
    app = services.application_submit(
        app=app, by=people["secretary_a"], expected=services.seen(app)
    )
    assert fresh(app).state == S.COLLEGE_REVIEW
    fields = app.snapshots.get(round=1).data["fields"]
    assert (
        fields["partner_opinion"]["value"] == "" and fields["partner_opinion_date"]["value"] == ""
    )


def test_annex1_partner_opinion_on_the_detail_page(client, app, people):
    app = submitted(app, people)
    html = login(client, people["head_a"]).get(reverse("applications:detail", args=[app.pk])).text
    assert "五、基地建设合作单位意见" in html
    assert "保障研究生实践期间的食宿和安全。" in html
    assert "负责人签章：陈志强　2026年2月27日" in html
    other = complete_application(people["secretary_a"], base_name="未录入意见的基地")
    html = client.get(reverse("applications:detail", args=[other.pk])).text
    assert "未录入。合作单位意见由合作单位负责人在纸质申报书上签署并加盖公章" in html


# --- the form: round trips ----------------------------------------------------------


def test_annex1_new_fields_round_trip_through_the_edit_form(client, people):
    app = services.application_create(by=people["secretary_a"])
    url = reverse("applications:edit", args=[app.pk])
    page = login(client, people["secretary_a"]).get(url).text
    for name in ("college_contact", "college_contact_phone", "college_contact_email",
                 "partner_opinion", "partner_opinion_signatory", "partner_opinion_date"):  # fmt: skip
        assert f'id="id_{name}"' in page, name
    response = client.post(
        url,
        edit_data(
            app,
            college_contact="杨静",
            college_contact_phone="0834-2580211",
            college_contact_email="yangjing@xcc.edu.cn",
            partner_opinion=OPINION,
            partner_opinion_signatory="陈志强",
            partner_opinion_date="2026-02-27",
        ),
    )
    assert response.status_code == 302
    app = fresh(app)
    assert (app.college_contact, app.college_contact_phone, app.college_contact_email) == (
        "杨静", "0834-2580211", "yangjing@xcc.edu.cn"
    )  # fmt: skip
    assert app.partner_opinion == OPINION
    assert (app.partner_opinion_signatory, app.partner_opinion_date) == ("陈志强", SIGNED_ON)
    page = client.get(url).text
    assert 'value="2026-02-27"' in page and 'value="0834-2580211"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"college_contact_phone": "电话1234"}, "请输入有效的电话号码"),
        ({"college_contact_email": "yangjing@"}, "输入一个有效的 Email 地址。"),
        ({"partner_opinion": "同意" * 151}, "合作单位意见限 300 字以内，当前 302 字"),
        ({"partner_opinion": "一\n二\n三\n四\n五\n六"}, "合作单位意见请分 5 段以内"),
        ({"partner_opinion_date": "2099-01-01"}, "合作单位签署日期不能晚于今天。"),
        ({"partner_opinion_date": "1999-12-31"}, "请填写 2000 年以后的签署日期。"),
        ({"partner_opinion_date": "2026-02-30"}, "输入一个有效的日期"),
        ({"partner_opinion_signatory": "长" * 51}, "不超过 50 字符"),
    ],
)
def test_annex1_invalid_new_field_shows_the_form_again_and_saves_nothing(
    client, people, changes, message
):
    app = services.application_create(by=people["secretary_a"])
    response = login(client, people["secretary_a"]).post(
        reverse("applications:edit", args=[app.pk]),
        edit_data(app, base_name="不会丢失的名称", college_contact="杨静", **changes),
    )
    assert response.status_code == 200
    assert "草稿未保存" in response.text and message in response.text
    assert "不会丢失的名称" in response.text
    app = fresh(app)
    assert (app.base_name, app.college_contact, app.partner_opinion) == ("", "", "")
    assert app.partner_opinion_date is None


def test_annex1_partner_opinion_today_is_accepted(client, people):
    app = services.application_create(by=people["secretary_a"])
    today = timezone.localdate()
    response = login(client, people["secretary_a"]).post(
        reverse("applications:edit", args=[app.pk]),
        edit_data(app, partner_opinion_date=today.isoformat(), partner_opinion="同意" * 150),
    )
    assert response.status_code == 302
    app = fresh(app)
    assert app.partner_opinion_date == today and app.partner_opinion == "同意" * 150


def test_annex1_partner_opinion_is_frozen_and_changes_show_after_a_return(client, app, people):
    app = submitted(app, people)
    BaseApplication.objects.filter(pk=app.pk).update(partner_opinion="提交后改过的意见")
    pdf, _ = printing.render_annex1(fresh(app), by=people["head_a"])
    assert "提交后改过的意见" not in pdf_text(pdf)
    app = services.application_return(
        app=fresh(app), by=people["head_a"], expected=services.seen(app), comment="请补充。"
    )
    app = services.application_submit(
        app=fresh(app), by=people["secretary_a"], expected=services.seen(app)
    )
    html = login(client, people["head_a"]).get(reverse("applications:detail", args=[app.pk])).text
    assert "合作单位意见" in html and "提交后改过的意见" in html
