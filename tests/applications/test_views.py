"""Annex 1 pages: who may see and do what, input handling, lists and exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import AgreementTemplate
from applications import services
from applications.choices import ApplicationState as S
from applications.models import ApplicationAttachment, BaseApplication, PrintRecord
from tests.applications.factories import advance_to, complete_application, fresh, pdf_file
from xcu_bases.models import TransitionLog


def login(client, user):
    client.force_login(user)
    return client


def seen_post(app, **data):
    return {"seen_state": app.state, "seen_round": app.round, **data}


@pytest.fixture
def app(people):
    return complete_application(people["secretary_a"])


@pytest.fixture
def reviewed(people, app):
    """In office review with expert1 assigned."""
    app = advance_to(app, S.OFFICE_REVIEW, people)
    services.experts_assign(
        app=app, experts=[people["expert1"]], by=people["office"], expected=services.seen(app)
    )
    return fresh(app)


def file_urls(app):
    attachment = app.attachments.first()
    return [
        reverse("applications:detail", args=[app.pk]),
        reverse("applications:pdf", args=[app.pk]),
        reverse("applications:attachment", args=[app.pk, attachment.pk]),
        reverse("applications:agreement_document", args=[app.pk]),
    ]


# --- who sees what ----------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["secretary_b", "head_b", "expert_unassigned", "legal", "student_a"]
)
def test_outsiders_get_404_on_page_pdf_and_attachments(client, people, reviewed, who):
    login(client, people[who])
    for url in file_urls(reviewed):
        assert client.get(url).status_code == 404, url
    assert not PrintRecord.objects.exists()


@pytest.mark.parametrize("who", ["secretary_a", "head_a", "office", "expert1"])
def test_insiders_see_page_pdf_and_attachments(client, people, reviewed, who):
    login(client, people[who])
    for url in file_urls(reviewed):
        response = client.get(url)
        assert response.status_code == 200, url
    assert PrintRecord.objects.count() == 1


def test_attachment_is_sent_as_a_download_with_its_original_name(client, people, app):
    attachment = app.attachments.first()
    response = login(client, people["secretary_a"]).get(
        reverse("applications:attachment", args=[app.pk, attachment.pk])
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_legal_office_sees_only_what_was_sent_to_it(client, people):
    plain = advance_to(complete_application(people["secretary_a"]), S.MEETING, people)
    sent = advance_to(
        complete_application(people["secretary_a"], deviates=True), S.LEGAL_REVIEW, people
    )
    login(client, people["legal"])
    assert client.get(reverse("applications:detail", args=[plain.pk])).status_code == 404
    assert client.get(reverse("applications:detail", args=[sent.pk])).status_code == 200
    listed = client.get(reverse("applications:list")).text
    assert sent.base_name in listed


def test_list_shows_own_college_only(client, people, app):
    other = complete_application(people["secretary_b"], base_name="动物科学学院—测试基地")
    response = login(client, people["secretary_a"]).get(reverse("applications:list"))
    assert app.base_name in response.text
    assert other.base_name not in response.text


def test_list_filters_by_state_and_year(client, people, app):
    advance_to(
        complete_application(people["secretary_a"], base_name="已提交的基地"),
        S.COLLEGE_REVIEW,
        people,
    )
    login(client, people["office"])
    response = client.get(reverse("applications:list"), {"state": "college_review"})
    assert "已提交的基地" in response.text and app.base_name not in response.text
    response = client.get(reverse("applications:list"), {"year": app.year + 1})
    assert "没有符合条件的申报书" in response.text


def test_list_query_count_does_not_grow(client, people, django_assert_max_num_queries):
    login(client, people["office"])
    for _ in range(3):
        services.application_create(by=people["secretary_a"])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("applications:list")).status_code == 200
    for _ in range(30):
        services.application_create(by=people["secretary_b"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("applications:list"))
    assert "第 1 / 2 页" in response.text


def test_excel_export_lists_the_filtered_rows(client, people, app):
    complete_application(people["secretary_b"], base_name="乙学院的基地")
    response = login(client, people["secretary_a"]).get(reverse("applications:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "申报年度", "基地名称")
    assert [r[2] for r in rows[1:]] == [app.base_name]


# --- drafting -----------------------------------------------------------------------


def test_secretary_creates_a_draft(client, people):
    response = login(client, people["secretary_a"]).post(reverse("applications:create"))
    app = BaseApplication.objects.get()
    assert response.url == reverse("applications:edit", args=[app.pk])
    assert app.college == people["secretary_a"].college and app.state == S.DRAFT


@pytest.mark.parametrize("who", ["head_a", "office", "expert1", "student_a"])
def test_only_secretaries_create(client, people, who):
    assert login(client, people[who]).post(reverse("applications:create")).status_code == 404
    assert not BaseApplication.objects.exists()


def edit_data(app, **changes):
    from applications.forms import ApplicationForm

    form = ApplicationForm(instance=app)
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update({
        "disciplines-TOTAL_FORMS": "0", "disciplines-INITIAL_FORMS": "0",
        "instruments-TOTAL_FORMS": "0", "instruments-INITIAL_FORMS": "0",
        "agreement-term_years": "5",
    })  # fmt: skip
    data.update(changes)
    return data


def test_draft_saves_incomplete_data(client, people):
    app = services.application_create(by=people["secretary_a"])
    url = reverse("applications:edit", args=[app.pk])
    response = login(client, people["secretary_a"]).post(
        url,
        edit_data(app, base_name="只填了名称的基地", **{
            "disciplines-TOTAL_FORMS": "1", "disciplines-0-name": "兽医", "disciplines-0-code": "0952",
        }),
    )  # fmt: skip
    assert response.status_code == 302
    app = fresh(app)
    assert app.base_name == "只填了名称的基地"
    assert list(app.disciplines.values_list("code", flat=True)) == ["0952"]


def test_typing_error_keeps_everything_typed_and_saves_nothing(client, people):
    app = services.application_create(by=people["secretary_a"])
    response = login(client, people["secretary_a"]).post(
        reverse("applications:edit", args=[app.pk]),
        edit_data(app, base_name="不会丢失的名称", national_projects="三项", necessity="论证内容" * 50,
                  college_contact_email="not-an-email"),
    )  # fmt: skip
    assert response.status_code == 200
    assert "草稿未保存" in response.text
    assert "不会丢失的名称" in response.text and "论证内容论证内容" in response.text
    assert "输入整数" in response.text and "Email 地址" in response.text
    assert fresh(app).base_name == ""


def test_exe_renamed_pdf_is_refused_with_a_message_and_not_stored(client, people):
    app = services.application_create(by=people["secretary_a"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = login(client, people["secretary_a"]).post(
        reverse("applications:edit", args=[app.pk]),
        edit_data(app, **{"evidence-files": fake}),
        follow=True,
    )
    assert "不是允许的类型" in response.text
    assert not ApplicationAttachment.objects.exists()


@pytest.mark.parametrize("who", ["secretary_b", "head_a", "office"])
def test_others_cannot_edit(client, people, app, who):
    url = reverse("applications:edit", args=[app.pk])
    assert (
        login(client, people[who]).post(url, edit_data(app, base_name="改名")).status_code == 404
    )
    assert fresh(app).base_name != "改名"


def test_submitted_application_cannot_be_edited(client, people, app):
    app = advance_to(app, S.COLLEGE_REVIEW, people)
    response = login(client, people["secretary_a"]).post(
        reverse("applications:edit", args=[app.pk]), edit_data(app, base_name="改名")
    )
    assert response.status_code == 302
    assert fresh(app).base_name != "改名"


# --- submitting and moving on ------------------------------------------------------------


def test_submit_page_lists_every_missing_item(client, people):
    app = services.application_create(by=people["secretary_a"])
    response = login(client, people["secretary_a"]).get(
        reverse("applications:submit", args=[app.pk])
    )
    assert "申报书尚不完整" in response.text
    assert "必要性和可行性论证分析不少于 500 字，当前 0 字" in response.text
    response = client.post(reverse("applications:submit", args=[app.pk]), seen_post(app))
    assert response.status_code == 200
    assert fresh(app).state == S.DRAFT


def test_submit_and_college_approval_through_the_pages(client, people, app):
    login(client, people["secretary_a"]).post(
        reverse("applications:submit", args=[app.pk]), seen_post(app)
    )
    app = fresh(app)
    assert app.state == S.COLLEGE_REVIEW and app.round == 1
    url = reverse("applications:college_approve", args=[app.pk])
    login(client, people["head_a"])
    response = client.post(url, seen_post(app, comment=""))
    assert response.status_code == 200 and "这个字段是必填项" in response.text
    assert fresh(app).state == S.COLLEGE_REVIEW
    client.post(url, seen_post(app, comment="同意申报。"))
    assert fresh(app).state == S.OFFICE_REVIEW
    log = TransitionLog.objects.for_object(app).get(transition="college_approve")
    assert log.by == people["head_a"] and log.comment == "同意申报。"


@pytest.mark.parametrize(
    ("who", "status"), [("head_b", 404), ("student_a", 404), ("office", 302), ("secretary_a", 302)]
)
def test_wrong_role_cannot_approve_and_nothing_changes(client, people, app, who, status):
    app = advance_to(app, S.COLLEGE_REVIEW, people)
    url = reverse("applications:college_approve", args=[app.pk])
    response = login(client, people[who]).post(url, seen_post(app, comment="同意"))
    assert response.status_code == status
    assert fresh(app).state == S.COLLEGE_REVIEW
    assert not TransitionLog.objects.for_object(app).filter(transition="college_approve").exists()


def test_a_stale_page_is_told_in_chinese_and_nothing_happens_twice(client, people, app):
    app = advance_to(app, S.COLLEGE_REVIEW, people)
    stale = seen_post(app, comment="同意")
    login(client, people["head_a"]).post(
        reverse("applications:college_approve", args=[app.pk]), stale
    )
    response = client.post(
        reverse("applications:return", args=[app.pk]), {**stale, "comment": "退回"}, follow=True
    )
    assert response.status_code == 200
    assert "已被他人处理" in response.text or "不能执行此操作" in response.text
    assert fresh(app).state == S.OFFICE_REVIEW
    assert TransitionLog.objects.for_object(app).filter(transition="college_approve").count() == 1


def test_expert_review_page(client, people, reviewed):
    login(client, people["expert1"])
    url = reverse("applications:review", args=[reviewed.pk])
    assert reviewed.base_name in client.get(url).text
    client.post(url, {"recommendation": "approve", "opinion": "建议批准。"})
    review = reviewed.expert_reviews.get()
    assert review.submitted_at is not None and review.opinion == "建议批准。"
    assert login(client, people["expert2"]).get(url).status_code == 404


def test_expert_sees_only_own_opinion(client, people, reviewed):
    services.experts_assign(
        app=reviewed,
        experts=[people["expert2"]],
        by=people["office"],
        expected=services.seen(reviewed),
    )
    review = reviewed.expert_reviews.get(expert=people["expert2"])
    services.expert_review_submit(
        review=review,
        by=people["expert2"],
        recommendation="approve",
        opinion="第二位专家的保密意见",
    )
    page = (
        login(client, people["expert1"])
        .get(reverse("applications:detail", args=[reviewed.pk]))
        .text
    )
    assert "第二位专家的保密意见" not in page
    page = (
        login(client, people["office"])
        .get(reverse("applications:detail", args=[reviewed.pk]))
        .text
    )
    assert "第二位专家的保密意见" in page


def test_resubmission_shows_what_changed(client, people, app):
    app = advance_to(app, S.COLLEGE_REVIEW, people)
    app = services.application_return(
        app=app, by=people["head_a"], expected=services.seen(app), comment="请补充联系人电话"
    )
    BaseApplication.objects.filter(pk=app.pk).update(contact_phone="0834-9999999")
    app = services.application_submit(
        app=fresh(app), by=people["secretary_a"], expected=services.seen(fresh(app))
    )
    page = login(client, people["head_a"]).get(reverse("applications:detail", args=[app.pk])).text
    assert "与上一次提交相比的修改" in page
    assert "0834-9999999" in page


def test_pdf_is_a_pdf_with_a_serial(client, people, app):
    response = login(client, people["secretary_a"]).get(reverse("applications:pdf", args=[app.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    record = PrintRecord.objects.get()
    assert record.is_draft and record.printed_by == people["secretary_a"]


# --- the model agreement ------------------------------------------------------------------


def test_office_uploads_template_versions_and_colleges_download(client, people):
    login(client, people["office"])
    url = reverse("agreements:templates")
    client.post(url, {"document": pdf_file("协议书模板.pdf"), "note": "首版"})
    client.post(url, {"document": pdf_file("协议书模板-修订.pdf"), "note": "修订知识产权条款"})
    assert list(AgreementTemplate.objects.values_list("version", flat=True)) == [2, 1]
    current = AgreementTemplate.current()
    response = login(client, people["secretary_a"]).get(
        reverse("agreements:template_download", args=[current.pk])
    )
    assert response.status_code == 200
    assert client.post(url, {"document": pdf_file("x.pdf")}).status_code == 404
    assert login(client, people["student_a"]).get(url).status_code == 404


def test_template_upload_refuses_other_types(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, people["office"])
    response = client.post(
        reverse("agreements:templates"), {"document": SimpleUploadedFile("模板.pdf", b"<html>")}
    )
    assert "不是允许的类型" in response.text
    assert not AgreementTemplate.objects.exists()
