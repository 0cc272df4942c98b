"""The practice record's pages: contacts (Art 20), allowances (Art 23), the thesis (Art 24),
publication clearance (Art 25) and the homes. Wrong person → 404, anonymous → login, invalid
input → the form again with a message and nothing saved (habit 9)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practice import record_services
from practice.choices import ClearanceState, ContactMode
from practice.choices import RequestState as S
from practice.models import Allowance, PublicationClearance, SupervisorContact
from tests.conftest import make_student
from tests.practice.factories import (
    TINY_PDF,
    advance_to,
    complete_request,
    fresh,
    logs,
    pdf_file,
    thesis_file,
)
from xcu_bases.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(draft, people):
    return advance_to(draft, S.APPROVED, people)


@pytest.fixture
def mentor(supervisor):
    """The base supervisor's account (created when the office certified her)."""
    return User.objects.get(pk=supervisor.user_id)


@pytest.fixture
def outsider(college_b):
    """A student of college B: sees nothing of student_a's practice."""
    profile = make_student("student2", college_b, number="2024095201")
    return User.objects.get(pk=profile.user_id)


def url(name, obj, *args):
    return reverse(f"practice:{name}", args=[obj.pk, *args])


def login(client, user):
    client.force_login(user)
    return client


# --- Art 20: contacts ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["tutor_a", "mentor"])
def test_art20_either_supervisor_records_a_contact(client, people, approved, mentor, who):
    user = mentor if who == "mentor" else people[who]
    login(client, user)
    assert client.get(url("contact_new", approved)).status_code == 200
    response = client.post(
        url("contact_new", approved),
        {"on": "2026-04-15", "mode": ContactMode.FACE_TO_FACE, "topic": "田间试验进展",
         "notes": "商定五月完成农艺性状调查。"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].endswith("#contacts")
    contact = SupervisorContact.objects.get(request=approved)
    assert (contact.on, contact.recorded_by_id) == (date(2026, 4, 15), user.pk)
    page = client.get(url("request_detail", approved)).text
    assert "田间试验进展" in page and "2026年3月未沟通" in page


def test_art20_contact_outside_the_period_is_refused_and_everything_typed_stays(
    client, people, approved
):
    login(client, people["tutor_a"])
    response = client.post(
        url("contact_new", approved),
        {
            "on": "2026-09-15",
            "mode": ContactMode.PHONE,
            "topic": "论文进展",
            "notes": "保留的内容",
        },
    )
    assert response.status_code == 200
    assert "沟通日期须在实践期间" in response.text
    assert "保留的内容" in response.text and "论文进展" in response.text
    assert not SupervisorContact.objects.exists()


def test_art20_contact_without_topic_or_mode_shows_the_form_again(client, people, approved):
    login(client, people["tutor_a"])
    response = client.post(url("contact_new", approved), {"on": "2026-04-15", "topic": ""})
    assert response.status_code == 200
    assert response.text.count("这个字段是必填项") >= 2
    assert not SupervisorContact.objects.exists()


@pytest.mark.parametrize("who", ["student_a", "tutor_b", "secretary_a", "office"])
def test_art20_only_the_two_supervisors_record_contacts(client, people, approved, who):
    login(client, people[who])
    assert client.get(url("contact_new", approved)).status_code == 404
    data = {"on": "2026-04-15", "mode": ContactMode.PHONE, "topic": "x"}
    assert client.post(url("contact_new", approved), data).status_code == 404
    assert not SupervisorContact.objects.exists()


def test_anonymous_is_sent_to_login(client, approved):
    for name in ("contact_new", "allowance_new", "clearance_new", "thesis_file"):
        response = client.get(url(name, approved))
        assert response.status_code == 302 and reverse("login") in response["Location"]


# --- Art 23: allowances ------------------------------------------------------------------------


def test_art23_base_supervisor_records_allowances_listed_with_a_total(client, approved, mentor):
    login(client, mentor)
    for month, amount in (("2026-03", "1800.00"), ("2026-04", "1800.50")):
        response = client.post(
            url("allowance_new", approved), {"month": month, "amount": amount, "note": "按月发放"}
        )
        assert response.status_code == 302
    assert list(Allowance.objects.values_list("month", "amount")) == [
        (date(2026, 4, 1), Decimal("1800.50")),
        (date(2026, 3, 1), Decimal("1800.00")),
    ]
    page = client.get(url("request_detail", approved)).text
    assert "3600.50" in page and "2026年3月" in page


def test_art23_second_entry_for_a_month_is_refused_with_a_message(client, approved, mentor):
    login(client, mentor)
    client.post(url("allowance_new", approved), {"month": "2026-03", "amount": "1800"})
    response = client.post(url("allowance_new", approved), {"month": "2026-03", "amount": "900"})
    assert response.status_code == 200 and "2026年03月的津贴已登记" in response.text
    assert Allowance.objects.count() == 1


@pytest.mark.parametrize(
    ("month", "amount", "message"),
    [
        ("2026-13", "100", "请按“年-月”填写月份"),
        ("2026-10", "100", "月份须在实践期间"),
        ("2026-04", "0", "金额"),
        ("2026-04", "abc", "输入一个数字"),
    ],
)
def test_art23_bad_allowances_are_refused(client, approved, mentor, month, amount, message):
    login(client, mentor)
    response = client.post(url("allowance_new", approved), {"month": month, "amount": amount})
    assert response.status_code == 200 and message in response.text
    assert not Allowance.objects.exists()


def test_art23_other_college_staff_and_students_cannot_record(client, people, approved):
    for who in ("secretary_b", "student_a", "tutor_a"):
        login(client, people[who])
        assert client.get(url("allowance_new", approved)).status_code == 404
    assert not Allowance.objects.exists()


def test_art23_base_page_lists_allowances_per_student(client, people, approved, mentor, base):
    record_services.allowance_record(
        req=approved, by=mentor, month=date(2026, 3, 1), amount=Decimal("1500")
    )
    record_services.allowance_record(
        req=approved, by=mentor, month=date(2026, 4, 1), amount=Decimal("1500")
    )
    login(client, people["office"])
    page = client.get(reverse("agreements:base_detail", args=[base.pk])).text
    assert 'data-testid="base-allowances"' in page
    assert "赵雨桐" in page and "3000.00" in page


# --- Art 24: the thesis ------------------------------------------------------------------------


def test_art24_student_uploads_the_thesis_and_supervisors_download_it(
    client, people, approved, mentor
):
    login(client, people["student_a"])
    response = client.post(url("thesis_upload", approved), {"file": thesis_file("论文终稿.pdf")})
    assert response.status_code == 302
    approved = fresh(approved)
    assert approved.thesis_name == "论文终稿.pdf" and approved.thesis_uploaded_at
    for user in (mentor, people["tutor_a"], people["secretary_a"], people["office"]):
        login(client, user)
        download = client.get(url("thesis_file", approved))
        assert download.status_code == 200
        assert "attachment" in download["Content-Disposition"]
        assert b"".join(download.streaming_content) == TINY_PDF


def test_art24_exe_renamed_pdf_is_refused_and_nothing_stored(client, people, approved):
    login(client, people["student_a"])
    fake = SimpleUploadedFile("论文.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post(url("thesis_upload", approved), {"file": fake}, follow=True)
    assert "学位论文未上传" in response.text
    assert not fresh(approved).thesis


def test_art24_only_the_student_uploads(client, people, approved, mentor):
    login(client, mentor)
    assert client.post(url("thesis_upload", approved), {"file": thesis_file()}).status_code == 404
    assert not fresh(approved).thesis


def test_thesis_upload_is_post_only(client, people, approved):
    login(client, people["student_a"])
    assert client.get(url("thesis_upload", approved)).status_code == 405


# --- Art 25: publication clearance ------------------------------------------------------------


def ask(client, people, req):
    login(client, people["student_a"])
    return client.post(
        url("clearance_new", req),
        {"use": "paper", "title": "苦荞种质黄酮含量的遗传变异分析", "venue": "《西南农业学报》",
         "content": "拟使用 2026 年田间试验的黄酮含量数据和分析结论。"},
    )  # fmt: skip


def test_art25_student_asks_and_the_base_supervisor_confirms_open(
    client, people, approved, mentor
):
    response = ask(client, people, approved)
    clearance = PublicationClearance.objects.get()
    assert response["Location"] == url("clearance_detail", clearance)
    login(client, mentor)
    page = client.get(url("clearance_detail", clearance)).text
    assert "基地确认涉密性" in page
    response = client.post(
        url("clearance_answer", clearance), {"decision": "open", "answer": "数据不涉及商业秘密。"}
    )
    assert response.status_code == 302
    clearance = fresh(clearance)
    assert clearance.state == ClearanceState.OPEN and clearance.answered_by_id == mentor.pk
    assert [e.transition for e in logs(clearance)] == ["ask", "confirm_open"]


def test_art25_confidential_result_carries_an_agreement_scan(client, people, approved, mentor):
    ask(client, people, approved)
    clearance = PublicationClearance.objects.get()
    login(client, mentor)
    client.post(
        url("clearance_answer", clearance),
        {"decision": "confidential", "answer": "品种选育数据涉密，须签订保密协议。"},
    )
    response = client.post(
        url("clearance_agreement", clearance), {"file": pdf_file("保密协议.pdf")}
    )
    assert response.status_code == 302
    clearance = fresh(clearance)
    assert clearance.state == ClearanceState.CONFIDENTIAL
    assert clearance.agreement_scan_name == "保密协议.pdf"
    login(client, people["student_a"])
    download = client.get(url("clearance_agreement_file", clearance))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_art25_answer_needs_a_comment_and_only_the_base_supervisor_answers(
    client, people, approved, mentor
):
    ask(client, people, approved)
    clearance = PublicationClearance.objects.get()
    for who in ("student_a", "tutor_a", "office"):
        login(client, people[who])
        data = {"decision": "open", "answer": "同意"}
        assert client.post(url("clearance_answer", clearance), data).status_code == 404
    login(client, mentor)
    response = client.post(url("clearance_answer", clearance), {"decision": "open", "answer": " "})
    assert response.status_code == 200 and "请填写确认意见" in response.text
    assert fresh(clearance).state == ClearanceState.PENDING


def test_art25_invalid_question_keeps_what_was_typed(client, people, approved):
    login(client, people["student_a"])
    response = client.post(url("clearance_new", approved), {"use": "paper", "content": "保留我"})
    assert response.status_code == 200 and "保留我" in response.text
    assert not PublicationClearance.objects.exists()


# --- student2 sees nothing of student_a's practice -----------------------------------------------


def test_another_student_gets_404_on_every_page_and_file(client, people, approved, outsider):
    record_services.thesis_set(req=approved, file=thesis_file(), by=people["student_a"])
    ask(client, people, approved)
    clearance = PublicationClearance.objects.get()
    login(client, outsider)
    for address in (
        url("request_detail", approved),
        url("request_pdf", approved),
        url("request_insurance", approved),
        url("thesis_file", approved),
        url("contact_new", approved),
        url("allowance_new", approved),
        url("clearance_new", approved),
        url("clearance_detail", clearance),
        url("clearance_agreement_file", clearance),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url("thesis_upload", approved), {"file": thesis_file()}).status_code == 404
    assert (
        client.post(
            url("clearance_answer", clearance), {"decision": "open", "answer": "x"}
        ).status_code
        == 404
    )


# --- homes -----------------------------------------------------------------------------------


def test_student_home_shows_practice_steps_and_what_is_due(client, people, approved):
    login(client, people["student_a"])
    page = client.get(reverse("home")).text
    assert 'data-testid="home-student-practice"' in page
    assert "专业实践申请已批准" in page
    assert "填写专业实践考核登记表（附件3）" in page and "2026年09月30日" in page
    assert "上传学位论文" in page
    assert "2026年3月未沟通" in page


def test_supervisor_home_lists_students_with_overdue_contacts(client, people, approved, mentor):
    for user in (people["tutor_a"], mentor):
        login(client, user)
        page = client.get(reverse("home")).text
        assert 'data-testid="home-supervised"' in page
        assert "赵雨桐" in page and 'data-testid="overdue-count"' in page
        assert "导师沟通逾期：赵雨桐" in page  # the inbox task too


def test_home_query_count_does_not_grow_with_students(
    client, people, base, supervisor, college_a, django_assert_max_num_queries
):
    tutor = people["tutor_a"]
    from xcu_bases import services as people_services

    def add_practices(first, count):
        for n in range(first, first + count):
            profile = make_student(f"s{n}", college_a, supervisor=tutor, number=f"20240990{n:02d}")
            people_services.student_set_coursework(
                profile=profile, completed=True, by=people["secretary_a"], comment="确认"
            )
            student = User.objects.get(pk=profile.user_id)
            req = complete_request(student, base, supervisor)
            advance_to(req, S.APPROVED, people)
            record_services.contact_record(
                req=req, by=tutor, on=date(2026, 3, 10), mode=ContactMode.PHONE, topic="进展"
            )

    add_practices(1, 2)
    login(client, tutor)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("home"))
    add_practices(10, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("home")).text
    assert page.count("登记沟通") >= 8
