"""Base supervisor pages (Art 18(2)): nominate, certify with an account, revoke; who sees what."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from practice import supervisor_views
from practice.choices import SupervisorState
from practice.models import BaseSupervisor
from tests.conftest import make_user
from tests.practice.factories import (
    SUPERVISOR,
    TINY_PDF,
    active_base,
    fresh,
    logs,
    nominated_supervisor,
    pdf_file,
)
from xcu_bases.choices import RoleCode as R
from xcu_bases.dates import add_years
from xcu_bases.models import User

# A real 2×2 PNG: a bare magic number is not accepted as an image.
TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00"
    b"\xfd\xd4\x9as\x00\x00\x00\x16IDATx\x9cc<\xc1\xc5\xc5\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0"
    b"\x00\x00\x0b8\x00\xe0\x11\xf4\xd5\xd6\x00\x00\x00\x00IEND\xaeB`\x82"
)

PASSWORD_IN_MESSAGE = re.compile(r"已认定，系统账号 (\S+)，初始密码 ([A-Za-z0-9_-]+)，")


@pytest.fixture
def nominated(base, people):
    return nominated_supervisor(base, people["secretary_a"])


def nominate_url(base):
    return reverse("practice:supervisor_nominate", args=[base.pk])


def url(name, supervisor, *args):
    return reverse(f"practice:supervisor_{name}", args=[supervisor.pk, *args])


def form_data(**extra):
    return {**SUPERVISOR, "cv": pdf_file("吉克曲布简历.pdf"), **extra}


def as_user(client, user):
    client.force_login(user)
    return client


# --- nominate ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretary_a", "head_a", "office"])
def test_art18_base_college_or_office_nominates_through_the_page(client, people, base, who):
    as_user(client, people[who])
    assert client.get(nominate_url(base)).status_code == 200
    evidence = SimpleUploadedFile("高级农艺师证书.png", TINY_PNG)
    response = client.post(nominate_url(base), form_data(evidence=evidence))

    supervisor = BaseSupervisor.objects.get()
    assert response.status_code == 302
    assert response.url == url("detail", supervisor)
    assert supervisor.base == base and supervisor.state == SupervisorState.NOMINATED
    assert (supervisor.name, supervisor.title, supervisor.phone) == (
        "吉克曲布", "高级农艺师", "13882401102"
    )  # fmt: skip
    assert supervisor.cv_name == "吉克曲布简历.pdf"
    assert supervisor.evidence_name == "高级农艺师证书.png"
    assert supervisor.nominated_by == people[who]
    assert [entry.by for entry in logs(supervisor, "nominate")] == [people[who]]


@pytest.mark.parametrize("who", ["secretary_b", "head_b", "student_a", "tutor_a", "expert"])
def test_art18_others_get_404_on_the_nominate_page_and_nothing_is_created(
    client, people, base, who
):
    as_user(client, people[who])
    assert client.get(nominate_url(base)).status_code == 404
    assert client.post(nominate_url(base), form_data()).status_code == 404
    assert not BaseSupervisor.objects.exists()


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        ("cv", SimpleUploadedFile("简历.pdf", b"just text"), "的内容不是允许的类型（仅限 PDF、DOCX）"),
        ("cv", SimpleUploadedFile("简历.docx", TINY_PDF), "的扩展名与内容（PDF）不符"),
        ("evidence", SimpleUploadedFile("证书.png", b"MZ\x90\x00" * 8), "仅限 PDF、JPG、PNG、DOCX、XLSX"),
    ],
)  # fmt: skip
def test_refused_upload_shows_its_message_and_leaves_no_row(
    client, people, base, field, upload, message
):
    as_user(client, people["secretary_a"])
    response = client.post(nominate_url(base), form_data(**{field: upload}))
    assert response.status_code == 200
    assert message in response.text
    assert not BaseSupervisor.objects.exists()
    assert not logs(base)  # nothing logged either


def test_nominate_needs_a_cv(client, people, base):
    as_user(client, people["secretary_a"])
    data = form_data()
    del data["cv"]
    response = client.post(nominate_url(base), data)
    assert response.status_code == 200
    assert not BaseSupervisor.objects.exists()


def test_no_nomination_for_a_base_that_is_not_running(client, people, base):
    type(base).objects.filter(pk=base.pk).update(state="expired")
    as_user(client, people["secretary_a"])
    response = client.get(nominate_url(base), follow=True)
    assert "只能为运行中的基地提名基地导师。" in response.text
    assert client.post(nominate_url(base), form_data()).status_code == 302
    assert not BaseSupervisor.objects.exists()


# --- certify -------------------------------------------------------------------------------


def test_certify_form_proposes_today_and_three_years(client, people, nominated):
    as_user(client, people["office"])
    form = client.get(url("certify", nominated)).context["form"]
    today = timezone.localdate()
    assert form.fields["certified_on"].initial == today
    assert form.fields["valid_until"].initial == add_years(today, 3)


def certify(client, supervisor, number="XCU-JDDS-2026-001"):
    return client.post(
        url("certify", supervisor),
        {"certificate_number": number, "certified_on": "2026-03-01", "valid_until": "2029-02-28"},
        follow=True,
    )


def test_art18_office_certifies_and_the_new_account_logs_in_with_the_shown_password(
    client, people, nominated
):
    as_user(client, people["office"])
    response = certify(client, nominated)

    nominated = fresh(nominated)
    assert nominated.state == SupervisorState.CERTIFIED
    assert nominated.certificate_number == "XCU-JDDS-2026-001"
    assert (nominated.certified_on, nominated.valid_until) == (date(2026, 3, 1), date(2029, 2, 28))
    assert [entry.by for entry in logs(nominated, "certify")] == [people["office"]]
    username, password = PASSWORD_IN_MESSAGE.search(response.text).groups()
    assert username == nominated.user.username == f"bs{nominated.pk:04d}"
    assert "请转告本人并提醒其登录后修改密码。" in response.text
    # Shown once: the next page does not repeat it.
    assert password not in client.get(url("detail", nominated)).text

    client.logout()
    assert (
        client.post(reverse("login"), {"username": username, "password": password}).status_code
        == 302
    )
    account = User.objects.get(username=username)
    assert account.has_role(R.BASE_SUPERVISOR)
    assert (account.name, account.email) == ("吉克曲布", "jikeqb@example.cn")


@pytest.mark.parametrize("who", ["secretary_a", "head_a"])
def test_art18_college_staff_may_not_certify(client, people, nominated, who):
    as_user(client, people[who])
    assert client.get(url("certify", nominated)).status_code == 403
    assert certify(client, nominated).status_code == 403
    assert fresh(nominated).state == SupervisorState.NOMINATED
    assert fresh(nominated).user is None


@pytest.mark.parametrize("who", ["student_a", "tutor_a", "secretary_b"])
def test_who_cannot_see_a_nominated_supervisor_gets_404_on_certify(client, people, nominated, who):
    as_user(client, people[who])
    assert client.get(url("certify", nominated)).status_code == 404
    assert certify(client, nominated).status_code == 404
    assert fresh(nominated).state == SupervisorState.NOMINATED


def test_student_cannot_certify_a_supervisor_they_can_see(client, people, supervisor):
    as_user(client, people["student_a"])
    response = client.get(url("certify", supervisor), follow=True)
    assert "当前状态为“已认定”，不能认定基地导师资格。" in response.text
    certify(client, supervisor, number="XCU-JDDS-9999")
    assert fresh(supervisor).certificate_number == supervisor.certificate_number


def test_certificate_number_used_twice_is_refused(client, people, base, supervisor, nominated):
    as_user(client, people["office"])
    response = certify(client, nominated, number=supervisor.certificate_number)
    assert f"认定证书编号“{supervisor.certificate_number}”已被使用。" in response.text
    assert fresh(nominated).state == SupervisorState.NOMINATED
    assert not User.objects.filter(username=f"bs{nominated.pk:04d}").exists()


def test_get_on_an_action_does_not_act(client, people, nominated):
    as_user(client, people["office"])
    client.get(url("certify", nominated))
    client.get(url("revoke", nominated))
    assert fresh(nominated).state == SupervisorState.NOMINATED


# --- revoke --------------------------------------------------------------------------------


def test_art18_revoke_needs_a_reason_and_deactivates_the_account(client, people, supervisor):
    as_user(client, people["office"])
    assert client.post(url("revoke", supervisor), {"reason": "  "}).status_code == 200
    assert fresh(supervisor).state == SupervisorState.CERTIFIED

    response = client.post(url("revoke", supervisor), {"reason": "已调离合作单位。"}, follow=True)
    assert "已撤销 吉克曲布 的基地导师资格，其系统账号已停用。" in response.text
    supervisor = fresh(supervisor)
    assert supervisor.state == SupervisorState.REVOKED
    assert supervisor.user.is_active is False
    assert [entry.comment for entry in logs(supervisor, "revoke")] == ["已调离合作单位。"]


def test_revoked_supervisor_cannot_log_in(client, people, base):
    as_user(client, people["office"])
    supervisor = nominated_supervisor(base, people["secretary_a"])
    username, password = PASSWORD_IN_MESSAGE.search(certify(client, supervisor).text).groups()
    client.post(url("revoke", supervisor), {"reason": "资格证书被注销。"})
    client.logout()
    assert (
        client.post(reverse("login"), {"username": username, "password": password}).status_code
        == 200
    )


@pytest.mark.parametrize("who", ["secretary_a", "head_a"])
def test_college_staff_may_not_revoke(client, people, supervisor, who):
    as_user(client, people[who])
    assert client.get(url("revoke", supervisor)).status_code == 403
    assert client.post(url("revoke", supervisor), {"reason": "x"}).status_code == 403
    assert fresh(supervisor).state == SupervisorState.CERTIFIED


def test_student_gets_403_on_revoke_of_a_certified_supervisor(client, people, supervisor):
    as_user(client, people["student_a"])
    assert client.post(url("revoke", supervisor), {"reason": "x"}).status_code == 403
    assert fresh(supervisor).state == SupervisorState.CERTIFIED


# --- the supervisor page and its files -------------------------------------------------------


def test_office_page_shows_contacts_files_account_timeline_and_actions(client, people, nominated):
    as_user(client, people["office"])
    page = client.get(url("detail", nominated)).text
    for text in [
        "13882401102",
        "jikeqb@example.cn",
        "简历.pdf",
        "提名基地导师",
        "认定资格",
        "撤销资格",
    ]:
        assert text in page
    assert url("file", nominated, "cv") in page


def test_student_sees_a_certified_supervisor_without_contacts_or_files(client, people, supervisor):
    as_user(client, people["student_a"])
    page = client.get(url("detail", supervisor)).text
    assert "吉克曲布" in page and "高级农艺师" in page
    for hidden in ["13882401102", "jikeqb@example.cn", url("file", supervisor, "cv"), "认定资格"]:
        assert hidden not in page
    assert client.get(url("file", supervisor, "cv")).status_code == 404


def test_cv_downloads_for_college_staff_only(client, people, nominated):
    as_user(client, people["secretary_a"])
    response = client.get(url("file", nominated, "cv"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PDF
    assert "attachment" in response["Content-Disposition"]
    assert client.get(url("file", nominated, "evidence")).status_code == 404  # none uploaded
    assert client.get(url("file", nominated, "passwd")).status_code == 404

    as_user(client, people["secretary_b"])
    assert client.get(url("file", nominated, "cv")).status_code == 404
    assert client.get(url("detail", nominated)).status_code == 404


# --- the panel on the base page --------------------------------------------------------------


def base_page(client, user, base):
    client.force_login(user)
    return client.get(reverse("agreements:base_detail", args=[base.pk])).text


def test_panel_for_the_college_lists_every_state_with_contacts(client, people, base, supervisor):
    nominated_supervisor(base, people["secretary_a"], name="阿苏拉格", phone="13882401199")
    page = base_page(client, people["secretary_a"], base)
    assert 'id="supervisors"' in page
    for text in [
        "吉克曲布",
        "已认定",
        supervisor.certificate_number,
        "阿苏拉格",
        "待认定",
        "13882401199",
    ]:
        assert text in page
    assert nominate_url(base) in page


def test_panel_for_a_student_lists_certified_supervisors_only(client, people, base, supervisor):
    nominated_supervisor(base, people["secretary_a"], name="阿苏拉格")
    revoked = nominated_supervisor(base, people["secretary_a"], name="沙马阿果")
    as_user(client, people["office"]).post(
        url("revoke", revoked), {"reason": "离职。"}, follow=True
    )
    page = base_page(client, people["student_a"], base)
    assert "吉克曲布" in page and supervisor.certificate_number in page
    for hidden in ["阿苏拉格", "沙马阿果", "13882401102", "jikeqb@example.cn", nominate_url(base)]:
        assert hidden not in page


def test_panel_marks_an_expired_certificate(client, people, base):
    from tests.practice.factories import certified_supervisor

    certified_supervisor(base, people, valid_until=date(2025, 12, 31))
    assert "证书已过期" in base_page(client, people["office"], base)


# --- the list ----------------------------------------------------------------------------------


def test_list_is_scoped_to_the_college_and_filters_by_state(client, people, base, supervisor):
    other = active_base(people["secretary_b"].college, people["office"])
    nominated_supervisor(other, people["secretary_b"], name="阿苏拉格")
    list_url = reverse("practice:supervisors")

    office = as_user(client, people["office"]).get(list_url).text
    assert "吉克曲布" in office and "阿苏拉格" in office
    college_a = as_user(client, people["secretary_a"]).get(list_url).text
    assert "吉克曲布" in college_a and "阿苏拉格" not in college_a
    nominated = as_user(client, people["office"]).get(list_url, {"state": "nominated"}).text
    assert "阿苏拉格" in nominated and "吉克曲布" not in nominated
    assert as_user(client, people["student_a"]).get(list_url).status_code == 404


def test_list_paginates(client, people, base, monkeypatch):
    monkeypatch.setattr(supervisor_views, "PER_PAGE", 2)
    for n in range(3):
        nominated_supervisor(base, people["secretary_a"], name=f"导师{n}")
    as_user(client, people["office"])
    first = client.get(reverse("practice:supervisors"), {"state": "nominated"})
    assert first.context["page"].paginator.num_pages == 2
    assert "state=nominated&amp;page=2" in first.text
    second = client.get(reverse("practice:supervisors"), {"state": "nominated", "page": 2})
    assert [s.name for s in second.context["page"].object_list] == ["导师2"]


def test_a_base_supervisor_sees_certified_supervisors_but_not_the_list(client, people, supervisor):
    account = make_user("jike", R.BASE_SUPERVISOR)
    as_user(client, account)
    assert client.get(url("detail", supervisor)).status_code == 200
    assert client.get(reverse("practice:supervisors")).status_code == 404
