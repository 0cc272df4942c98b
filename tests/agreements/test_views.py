"""Registry and base pages: who sees and edits what, filters, the compliance panel,
uploads and the office's actions (level, revocation)."""

import re
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agreements.choices import BaseLevel, BaseState, FundingKind, GovernanceBody
from agreements.models import (
    Agreement,
    Base,
    BaseLevelChange,
    Course,
    ExchangeMeeting,
    FundingEntry,
    GovernanceMember,
    JointProject,
    Partner,
)
from tests.agreements.factories import allocation
from tests.applications.factories import complete_application
from tests.conftest import make_student, make_user
from xcu_bases.choices import RoleCode as R
from xcu_bases.dates import add_months, add_years
from xcu_bases.models import College, TransitionLog

PDF = b"%PDF-1.4\n%%EOF"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
_serial = count(1)


def pdf(name="协议.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_base(
    name, college, *, partner="凉山州农业科学研究院", state=BaseState.ACTIVE,
    level=BaseLevel.SCHOOL, starts_on=None, ends_on=None, by=None,
):  # fmt: skip
    """A base and its agreement, made directly; the state field is protected, so update()."""
    n = next(_serial)
    today = timezone.localdate()
    starts_on = starts_on or today - timedelta(days=400)
    ends_on = ends_on or add_years(starts_on, 5) - timedelta(days=1)
    partner_row, _ = Partner.objects.get_or_create(
        name=partner, defaults={"credit_code": f"91510000MA{n:08d}"}
    )
    base = Base.objects.create(name=name, partner=partner_row, college=college, level=level)
    Agreement.objects.create(
        base=base, signed_on=starts_on, starts_on=starts_on, ends_on=ends_on, scan=pdf(),
        scan_name="协议.pdf", recorded_by=by or make_user(f"recorder{n}"),
    )  # fmt: skip
    Base.objects.filter(pk=base.pk).update(state=state)
    return Base.objects.get(pk=base.pk)


@pytest.fixture
def people(college_a, college_b):
    """Everyone who meets a base, named by role; college A owns the bases."""
    return {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "secretary_a": make_user(
            "secretary_a", R.COLLEGE_SECRETARY, college=college_a, name="杨静"
        ),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="陈志强"),
        "secretary_b": make_user(
            "secretary_b", R.COLLEGE_SECRETARY, college=college_b, name="刘芳"
        ),
        "expert": make_user("expert", R.EXPERT, name="王建国"),
        "student_a": make_student("student_a", college_a).user,
    }


@pytest.fixture
def base(people, college_a):
    return make_base("凉山农科研究生联合培养基地", college_a, by=people["office"])


def login(client, user):
    client.force_login(user)
    return client


def listed(client, **params) -> str:
    return client.get(reverse("agreements:base_list"), params).text


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def url(name, base, *args):
    return reverse(f"agreements:{name}", args=[base.pk, *args])


# --- the registry -------------------------------------------------------------------------


def test_registry_shows_columns_and_worst_compliance(client, people, base):
    text = listed(login(client, people["student_a"]))
    assert base.name in text and "凉山州农业科学研究院" in text and "测试甲学院" in text
    agreement = base.agreements.get()
    assert f"{agreement.starts_on:%Y-%m-%d} 至 {agreement.ends_on:%Y-%m-%d}" in plain(text)
    # Started 400 days ago with no yearly check recorded: amber, "需关注" (Art 29).
    assert (
        'compliance compliance-amber"><span class="compliance-dot" aria-hidden="true"></span>需关注'
        in text
    )


def test_registry_filters_by_name_partner_college_and_level(client, people, college_a, college_b):
    make_base("甲学院苦荞基地", college_a, partner="凉山苦荞种业有限公司")
    make_base("乙学院牦牛基地", college_b, partner="四川牦牛产业集团", level=BaseLevel.PROVINCIAL)
    shared = make_base("丙学院果蔬基地", college_a, partner="攀西果蔬合作社")
    shared.participating_colleges.add(college_b)
    login(client, people["office"])

    def names(**params):
        text = listed(client, **params)
        return {n for n in ["甲学院苦荞基地", "乙学院牦牛基地", "丙学院果蔬基地"] if n in text}

    assert names(q="苦荞") == {"甲学院苦荞基地"}
    assert names(partner="牦牛产业") == {"乙学院牦牛基地"}
    # Art 14: a participating college finds the bases it shares.
    assert names(college=college_b.pk) == {"乙学院牦牛基地", "丙学院果蔬基地"}
    assert names(level=BaseLevel.PROVINCIAL) == {"乙学院牦牛基地"}
    assert names(q="不存在的基地") == set()


def test_registry_filters_by_state_for_staff(client, people, college_a):
    make_base("运行中的基地", college_a)
    make_base("已撤销的基地", college_a, state=BaseState.REVOKED)
    text = listed(login(client, people["secretary_a"]), state=BaseState.REVOKED)
    assert "已撤销的基地" in text and "运行中的基地" not in text


def test_art7_expiry_filter_at_its_boundary(client, people, college_a):
    today = timezone.localdate()
    edge = add_months(today, 3)
    start = today - timedelta(days=1000)
    make_base("三个月整到期", college_a, starts_on=start, ends_on=edge)
    make_base("三个月零一天到期", college_a, starts_on=start, ends_on=edge + timedelta(days=1))
    make_base("已到期未续签", college_a, starts_on=start, ends_on=today - timedelta(days=1))
    make_base("远未到期", college_a, starts_on=today - timedelta(days=10))
    login(client, people["office"])

    def names(months):
        text = listed(client, expires_within=months)
        return {
            n
            for n in ["三个月整到期", "三个月零一天到期", "已到期未续签", "远未到期"]
            if n in text
        }

    assert names(3) == {"三个月整到期", "已到期未续签"}
    assert names(6) == {"三个月整到期", "三个月零一天到期", "已到期未续签"}
    assert names("") == {"三个月整到期", "三个月零一天到期", "已到期未续签", "远未到期"}


def test_registry_paginates_by_25(client, people, college_a):
    for n in range(27):
        make_base(f"分页基地{n:02d}", college_a, by=people["office"])
    text = listed(login(client, people["office"]))
    assert "第 1 / 2 页" in text and "共 27 个基地" in text


def test_registry_query_count_does_not_grow(
    client, people, college_a, django_assert_max_num_queries
):
    login(client, people["office"])
    for n in range(3):
        make_base(f"基地{n:02d}", college_a, by=people["office"])
    # 9 for the registry, + 2 for the students in practice and their contacts (Art 20),
    # + 1 for the yearly checks (Art 29).
    with django_assert_max_num_queries(12):
        assert client.get(reverse("agreements:base_list")).status_code == 200
    for n in range(3, 40):
        base = make_base(f"基地{n:02d}", college_a, by=people["office"])
        Course.objects.create(base=base, title="课程", starts_on=base.agreements.get().starts_on,
                              people="甲")  # fmt: skip
    with django_assert_max_num_queries(12):
        response = client.get(reverse("agreements:base_list"))
    assert "第 1 / 2 页" in response.text


# --- who sees what ------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, base):
    for target in [reverse("agreements:base_list"), url("base_detail", base)]:
        response = client.get(target)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_student_browses_only_active_bases(client, people, college_a, base):
    revoked = make_base("已撤销的基地", college_a, state=BaseState.REVOKED)
    preparing = make_base("待挂牌的基地", college_a, state=BaseState.PREPARING)
    login(client, people["student_a"])
    text = listed(client, state=BaseState.REVOKED)  # the state filter is ignored for students
    assert base.name in text and revoked.name not in text and preparing.name not in text
    assert client.get(url("base_detail", base)).status_code == 200
    assert client.get(url("base_detail", revoked)).status_code == 404
    assert client.get(url("base_detail", preparing)).status_code == 404


def test_staff_of_any_college_browse_every_state(client, people, college_a):
    revoked = make_base("已撤销的基地", college_a, state=BaseState.REVOKED)
    response = login(client, people["secretary_b"]).get(url("base_detail", revoked))
    assert response.status_code == 200
    assert "编辑基本信息" not in response.text


def edit_urls(base, people):
    member = GovernanceMember.objects.create(
        base=base, body=GovernanceBody.WORKING_GROUP, name="李明华", unit="测试甲学院"
    )
    names = ["base_edit", "governance", "meeting_add", "spending_add", "course_add",
             "project_add", "allocation_add", "level_change", "revoke"]  # fmt: skip
    return [url(name, base) for name in names] + [url("governance_remove", base, member.pk)]


@pytest.mark.parametrize("who", ["student_a", "secretary_b", "expert"])
def test_outsiders_get_404_on_every_edit_url_and_nothing_changes(client, people, base, who):
    login(client, people[who])
    for target in edit_urls(base, people):
        assert client.get(target).status_code == 404, target
        assert client.post(target, {"title": "x", "reason": "x"}).status_code == 404, target
    base.refresh_from_db()
    assert base.state == BaseState.ACTIVE and base.level == BaseLevel.SCHOOL
    assert GovernanceMember.objects.count() == 1
    assert not TransitionLog.objects.for_object(base).exists()


def test_other_college_secretary_cannot_edit_profile(client, people, base):
    response = login(client, people["secretary_b"]).post(
        url("base_edit", base), {"inspector": people["head_a"].pk}
    )
    assert response.status_code == 404
    base.refresh_from_db()
    assert base.inspector is None


def test_agreement_scan_only_for_staff(client, people, base):
    agreement = base.agreements.get()
    target = url("agreement_scan", base, agreement.pk)
    assert login(client, people["student_a"]).get(target).status_code == 404
    response = login(client, people["secretary_b"]).get(target)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_detail_is_not_cached(client, people, base):
    response = login(client, people["office"]).get(url("base_detail", base))
    assert "no-cache" in response["Cache-Control"]


def test_navigation_lists_the_registry_for_everyone(client, people):
    text = login(client, people["student_a"]).get(reverse("home")).text
    assert "基地名录" in text and 'href="/agreements/"' in text


# --- the base page ------------------------------------------------------------------------


def test_panel_shows_every_line_with_its_article(client, people, base):
    text = login(client, people["student_a"]).get(url("base_detail", base)).text
    for title, article in [
        ("协议期限", "第七条"),
        ("共建实践课程（协议期内至少 1 门）", "第二十八条"),
        ("联合科研项目（协议期内至少 1 项）", "第二十八条"),
        ("年度对标检查", "第二十九条"),
        ("建设经费（前三年每年 1 万元）", "第二十七条"),
        ("基地建设管理委员会", "第九条"),
        ("基地工作小组", "第十条"),
        ("督导员", "第十二条第三项"),
        ("责任学院", "第十四条"),
        ("定期交流研讨（近 12 个月至少 1 次）", "第十七条"),
    ]:
        assert title in text and article in text
    assert 'data-testid="compliance-yearly_check"' in text
    assert "暂无记录：第 1 年。" in text


def test_art27_panel_and_ledger_follow_the_funding(client, people, base):
    today = timezone.localdate()
    for year_no in (1, 2):
        allocation(base, year_no, people["office"], due_on=today, paid_on=today)
    login(client, people["secretary_a"])
    response = client.post(
        url("spending_add", base),
        {"entry_date": "2026-03-01", "amount": "2500.50", "description": "学生保险",
         "upload": pdf("发票.pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    spending = FundingEntry.objects.get(kind=FundingKind.SPENDING)
    assert spending.file_name == "发票.pdf" and spending.recorded_by == people["secretary_a"]
    text = client.get(url("base_detail", base)).text
    assert "20000.00 元" in text and "2500.50 元" in text and "17499.50 元" in text
    # Students do not see the ledger.
    text = login(client, people["student_a"]).get(url("base_detail", base)).text
    assert "学生保险" not in text


def test_application_link_only_when_the_user_may_see_it(client, people, base):
    assert (
        "查看基地申报书" not in login(client, people["office"]).get(url("base_detail", base)).text
    )
    app = complete_application(people["secretary_a"])
    Base.objects.filter(pk=base.pk).update(application=app)
    link = reverse("applications:detail", args=[app.pk])
    for who, shown in [("office", True), ("secretary_a", True), ("secretary_b", False),
                       ("student_a", False)]:  # fmt: skip
        assert (link in login(client, people[who]).get(url("base_detail", base)).text) is shown


def test_downloads_are_get_only(client, people, base):
    target = url("agreement_scan", base, base.agreements.get().pk)
    assert login(client, people["office"]).post(target).status_code == 405


# --- editing ------------------------------------------------------------------------------


def test_own_college_secretary_edits_profile(client, people, base, college_b):
    response = login(client, people["secretary_a"]).post(
        url("base_edit", base),
        {
            "participating_colleges": [college_b.pk],
            "responsible_college": college_b.pk,
            "inspector": people["head_a"].pk,
        },
    )
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.responsible_college == college_b and base.inspector == people["head_a"]
    assert list(base.participating_colleges.all()) == [college_b]
    log = TransitionLog.objects.for_object(base).get()
    assert log.transition == "update_profile" and log.by == people["secretary_a"]


def test_art14_responsible_college_must_be_at_the_base(client, people, base):
    other = College.objects.create(code="93", name="测试丙学院")
    response = login(client, people["head_a"]).post(
        url("base_edit", base), {"responsible_college": other.pk}
    )
    assert response.status_code == 200
    assert "责任学院须为基地所属学院或勾选的参与学院" in response.text
    base.refresh_from_db()
    assert base.responsible_college is None


def test_governance_add_and_remove(client, people, base):
    login(client, people["secretary_a"])
    data = {"body": GovernanceBody.WORKING_GROUP, "role": "leader", "capacity": "college_head",
            "name": "陈志强", "unit": "测试甲学院", "position": "院长", "phone": ""}  # fmt: skip
    assert client.post(url("governance", base), data).status_code == 302
    # Art 10: one leader per body.
    response = client.post(url("governance", base), {**data, "name": "另一人"}, follow=True)
    assert "已有组长（陈志强）" in response.text
    member = GovernanceMember.objects.get()
    assert client.get(url("governance_remove", base, member.pk)).status_code == 200
    assert GovernanceMember.objects.exists()
    assert client.post(url("governance_remove", base, member.pk)).status_code == 302
    assert not GovernanceMember.objects.exists()
    assert [log.transition for log in TransitionLog.objects.for_object(base)] == [
        "add_member",
        "remove_member",
    ]


def test_art28_course_and_project_with_evidence(client, people, base):
    login(client, people["secretary_a"])
    response = client.post(
        url("course_add", base),
        {"title": "苦荞育种实践", "starts_on": "2026-03-01", "people": "吉克石一",
         "hours": "32", "upload": pdf("课程大纲.pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    course = Course.objects.get()
    assert course.base == base and course.file_name == "课程大纲.pdf"
    response = client.post(
        url("project_add", base),
        {"title": "马铃薯脱毒种薯繁育", "level": "city", "starts_on": "2026-01-01",
         "people": "王建国、吉克石一"},
    )  # fmt: skip
    assert response.status_code == 302 and JointProject.objects.get().file_name == ""
    text = client.get(url("base_detail", base)).text
    assert (
        "苦荞育种实践" in text and "协议期内已有 1 门。" in text and "协议期内已有 1 项。" in text
    )
    download = client.get(url("evidence", base, "course", course.pk))
    assert b"".join(download.streaming_content) == PDF


def test_course_end_before_start_is_refused(client, people, base):
    response = login(client, people["secretary_a"]).post(
        url("course_add", base),
        {"title": "课程", "starts_on": "2026-03-01", "ends_on": "2026-02-01", "people": "甲"},
    )
    assert response.status_code == 200 and "结束日期不能早于开始日期" in response.text
    assert not Course.objects.exists()


COURSE = {"title": "课程", "starts_on": "2026-03-01", "people": "甲"}
MEETING = {"held_on": "2026-03-01", "kind": "exchange", "title": "交流会", "participants": "甲",
           "minutes": "纪要"}  # fmt: skip
SPENDING = {"entry_date": "2026-03-01", "amount": "100", "description": "保险"}


@pytest.mark.parametrize(
    ("name", "model", "data"),
    [
        ("course_add", Course, COURSE),
        ("meeting_add", ExchangeMeeting, MEETING),
        ("spending_add", FundingEntry, SPENDING),
    ],
)
def test_renamed_exe_is_refused_and_nothing_saved(client, people, base, name, model, data):
    upload = SimpleUploadedFile("证明.pdf", EXE, content_type="application/pdf")
    response = login(client, people["secretary_a"]).post(
        url(name, base), {**data, "upload": upload}
    )
    assert response.status_code == 200
    assert "内容不是允许的类型" in response.text
    assert not model.objects.exists()
    assert not TransitionLog.objects.for_object(base).exists()


def test_spending_needs_a_voucher(client, people, base):
    response = login(client, people["secretary_a"]).post(
        url("spending_add", base),
        {"entry_date": "2026-03-01", "amount": "100", "description": "保险"},
    )
    assert response.status_code == 200 and not FundingEntry.objects.exists()


def test_revoked_base_is_closed_to_editing(client, people, college_a):
    revoked = make_base("已撤销的基地", college_a, state=BaseState.REVOKED)
    login(client, people["office"])
    response = client.post(url("course_add", revoked), {"title": "课程"})
    assert response.status_code == 302 and response.url == url("base_detail", revoked)
    assert not Course.objects.exists()


# --- the office's actions -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["level_change", "revoke", "allocation_add"])
@pytest.mark.parametrize("who", ["secretary_a", "head_a"])
def test_office_actions_are_refused_for_the_college(client, people, base, name, who):
    login(client, people[who])
    assert client.get(url(name, base)).status_code == 404
    data = {"level": "provincial", "changed_on": "2026-01-01", "document_number": "川教函〔2026〕1号",
            "reason": "不合格", "signed_on": "2026-01-01", "starts_on": "2026-01-01",
            "scan": pdf(), "year_no": "1", "amount": "10000", "due_on": "2026-01-01"}  # fmt: skip
    assert client.post(url(name, base), data).status_code == 404
    base.refresh_from_db()
    assert base.state == BaseState.ACTIVE and base.level == BaseLevel.SCHOOL
    assert base.agreements.count() == 1 and not FundingEntry.objects.exists()
    assert not TransitionLog.objects.for_object(base).exists()


def test_office_changes_the_level(client, people, base):
    login(client, people["office"])
    assert "川教函" in client.get(url("level_change", base)).text
    response = client.post(
        url("level_change", base),
        {
            "level": "provincial",
            "changed_on": "2026-01-10",
            "document_number": "川教函〔2026〕12号",
        },
    )
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.level == BaseLevel.PROVINCIAL
    assert BaseLevelChange.objects.get().document_number == "川教函〔2026〕12号"
    log = TransitionLog.objects.for_object(base).get()
    assert (log.transition, log.source_state, log.target_state) == (
        "change_level",
        "school",
        "provincial",
    )
    assert "2026-01-10 认定为省级（川教函〔2026〕12号）" in plain(
        client.get(url("base_detail", base)).text
    )


def test_same_level_is_a_message_not_a_500(client, people, base):
    response = login(client, people["office"]).post(
        url("level_change", base),
        {"level": "school", "changed_on": "2026-01-10", "document_number": "文号"},
    )
    assert response.status_code == 200 and "基地已是校级" in response.text
    assert not TransitionLog.objects.for_object(base).exists()


# Renewals are filed by the college and reviewed (Art 7): tests/agreements/test_renewal_views.py.


def test_office_revokes_with_a_reason(client, people, base):
    login(client, people["office"])
    response = client.post(url("revoke", base), {"reason": ""})
    assert response.status_code == 200
    base.refresh_from_db()
    assert base.state == BaseState.ACTIVE
    response = client.post(url("revoke", base), {"reason": "期末考核不合格（第二十九条）"})
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.state == BaseState.REVOKED
    log = TransitionLog.objects.for_object(base).get()
    assert (log.transition, log.target_state) == ("revoke", "revoked")
    assert log.comment == "期末考核不合格（第二十九条）"
    # Students no longer see it.
    assert login(client, people["student_a"]).get(url("base_detail", base)).status_code == 404


def test_art27_office_plans_a_missing_allocation(client, people, base):
    login(client, people["office"])
    response = client.post(
        url("allocation_add", base),
        {"year_no": "2", "amount": "10000", "due_on": "2026-01-01"},
    )
    assert response.status_code == 302
    entry = FundingEntry.objects.get()
    assert (entry.kind, entry.year_no, entry.amount) == ("allocation", 2, Decimal(10000))
    assert (entry.state, entry.due_on, entry.paid_on) == ("planned", date(2026, 1, 1), None)
    assert TransitionLog.objects.for_object(base).get().transition == "add_allocation"


OFFICE_ONLY = ["allocation_add", "level_change", "revoke"]
COLLEGE_FORMS = ["base_edit", "governance", "meeting_add", "spending_add", "course_add",
                 "project_add"]  # fmt: skip


def test_editors_open_their_forms(client, people, base):
    login(client, people["secretary_a"])
    for name in COLLEGE_FORMS:
        response = client.get(url(name, base))
        assert response.status_code == 200 and "<form" in response.text, name
        assert "no-cache" in response["Cache-Control"], name
    for name in OFFICE_ONLY:
        assert client.get(url(name, base)).status_code == 404, name
    login(client, people["office"])
    for name in COLLEGE_FORMS + OFFICE_ONLY:
        assert client.get(url(name, base)).status_code == 200, name


def test_registry_links_export_for_all_and_import_for_the_office(client, people, base):
    text = listed(login(client, people["student_a"]))
    assert reverse("agreements:base_export") in text
    assert reverse("agreements:base_import") not in text
    assert reverse("agreements:base_import") in listed(login(client, people["office"]))


def test_art7_certificate_button_once_the_plaque_is_awarded(client, people, base):
    target = reverse("agreements:certificate_pdf", args=[base.pk])
    login(client, people["student_a"])
    assert target not in client.get(url("base_detail", base)).text  # no plaque date yet
    Base.objects.filter(pk=base.pk).update(plaque_date=timezone.localdate())
    assert target in client.get(url("base_detail", base)).text
