"""Governance on the compliance panel (amber, never blocking), each line citing its article:
the management committee (Art 9), the working group (Art 10), the inspector chosen from the
college's teacher accounts (Art 12(3)), the responsible college of a shared base (Art 14), an
exchange meeting in the last 12 months (Art 17); and the "other" project level (Art 28)."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import compliance, services
from agreements.choices import GovernanceBody, ProjectLevel
from agreements.compliance import AMBER, GREEN
from agreements.models import Base, ExchangeMeeting, GovernanceMember, JointProject
from tests.agreements.factories import FULL, ROLE, B, C, members, teacher
from tests.agreements.test_compliance import make_base, panel
from tests.agreements.test_excel import post_rows, row
from tests.conftest import make_student, make_user
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import TransitionLog

TODAY = date(2026, 1, 15)


@pytest.fixture
def people(college_a, college_b):
    return {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "secretary_a": make_user(
            "secretary_a", R.COLLEGE_SECRETARY, college=college_a, name="杨静"
        ),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="陈志强"),
        "tutor_a": teacher("tutor_a", college_a, name="张明华"),
        "tutor_b": teacher("tutor_b", college_b, name="何永红"),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "student_a": make_student("student_a", college_a).user,
    }


@pytest.fixture
def base(people, college_a):
    """An established base (plaque two years before TODAY), governance as each test sets it."""
    plaque = date(2024, 1, 10)
    return make_base(college_a, people["office"], starts_on=plaque, ends_on=date(2028, 12, 31),
                     plaque_date=plaque)  # fmt: skip


def url(name, base, *args):
    return reverse(f"agreements:{name}", args=[base.pk, *args])


# --- Art 9: the management committee ------------------------------------------------------


def test_art9_committee_missing_members_amber(base):
    line = panel(base, TODAY)["committee"]
    assert (line.status, line.article) == (AMBER, "第九条")
    assert line.detail.startswith("尚未登记管理委员会成员")
    # Everyone but the school leader and the college head.
    members(base, [row for row in FULL if row[0] == B.COMMITTEE
                   and row[2] not in (C.SCHOOL_LEADER, C.COLLEGE_HEAD)])  # fmt: skip
    line = panel(base, TODAY)["committee"]
    assert (line.status, line.detail) == (
        AMBER, "委员会缺少分管研究生教育校领导、学院负责人（请在管理机构中注明成员的代表身份）。")  # fmt: skip
    members(base, [row for row in FULL if row[0] == B.COMMITTEE
                   and row[2] in (C.SCHOOL_LEADER, C.COLLEGE_HEAD)])  # fmt: skip
    assert panel(base, TODAY)["committee"].status == GREEN


def test_art9_a_partner_department_head_stands_for_the_partner(base):
    rows = [r for r in FULL if r[0] == B.COMMITTEE and r[2] != C.PARTNER]
    members(base, [*rows, (B.COMMITTEE, ROLE.MEMBER, C.PARTNER_DEPT_HEAD, "张德明", "合作单位")])
    assert panel(base, TODAY)["committee"].status == GREEN


def test_art9_art10_member_capacity_is_asked_and_logged(client, people, base):
    client.force_login(people["secretary_a"])
    data = {"body": GovernanceBody.COMMITTEE, "role": "member", "name": "唐文彬",
            "unit": "学科与研究生处", "position": "处长"}  # fmt: skip
    response = client.post(url("governance", base), data)
    assert response.status_code == 200 and not GovernanceMember.objects.exists()
    assert "这个字段是必填项" in response.text  # capacity
    response = client.post(url("governance", base), {**data, "capacity": "graduate_office"})
    assert response.status_code == 302
    member = GovernanceMember.objects.get()
    assert member.capacity == C.GRADUATE_OFFICE
    assert "学科与研究生处" in TransitionLog.objects.for_object(base).get().comment
    with pytest.raises(services.BaseError, match="代表身份"):
        services.governance_member_add(base=base, by=people["secretary_a"], body="committee",
                                       role="member", capacity="", name="甲", unit="乙")  # fmt: skip


# --- Art 10: the working group ---------------------------------------------------------------


def test_art10_working_group_leader_must_be_college_head(base):
    line = panel(base, TODAY)["working_group"]
    assert (line.status, line.article, line.detail) == (AMBER, "第十条", "尚未成立基地工作小组。")
    members(base, [
        (B.WORKING_GROUP, ROLE.LEADER, C.GRADUATE_OFFICE, "罗晓梅", "学科与研究生处"),
        (B.WORKING_GROUP, ROLE.DEPUTY, C.PARTNER, "吉克曲布", "合作单位"),
    ])  # fmt: skip
    line = panel(base, TODAY)["working_group"]
    assert (line.status, line.detail) == (
        AMBER, "组长应由学院负责人兼任；副组长应由合作单位相关部门负责人兼任。")  # fmt: skip
    GovernanceMember.objects.filter(base=base, role=ROLE.LEADER).update(capacity=C.COLLEGE_HEAD)
    GovernanceMember.objects.filter(base=base, role=ROLE.DEPUTY).update(
        capacity=C.PARTNER_DEPT_HEAD
    )
    assert panel(base, TODAY)["working_group"].status == GREEN
    GovernanceMember.objects.filter(base=base, role=ROLE.DEPUTY).delete()
    line = panel(base, TODAY)["working_group"]
    assert line.detail == "未指定副组长（应由合作单位相关部门负责人兼任）。"


# --- Art 12(3): the inspector is a teacher account of the college ------------------------------


def test_art12_inspector_is_a_college_teacher_account(client, people, base):
    line = panel(base, TODAY)["inspector"]
    assert (line.status, line.article) == (AMBER, "第十二条第三项")
    client.force_login(people["secretary_a"])
    form = client.get(url("base_edit", base)).text
    select = re.search(r'<select name="inspector".*?</select>', form, re.S).group(0)
    offered = re.findall(r"<option value=\"\d+\">([^<]+)</option>", select)
    assert sorted(offered) == sorted(
        ["张明华（校内导师）", "陈志强（学院负责人）"]
    )  # no 何永红, 杨静
    # Another college's teacher, or a secretary of this college: refused, nothing saved.
    for outsider in (people["tutor_b"], people["secretary_a"], people["student_a"]):
        response = client.post(url("base_edit", base), {"inspector": outsider.pk})
        assert response.status_code == 200, outsider
        assert "选择一个有效的选项" in response.text
        with pytest.raises(services.BaseError, match="本学院的教师账号"):
            services.base_profile_update(base=base, by=people["secretary_a"],
                                         responsible_college=None, participating_colleges=[],
                                         inspector=outsider)  # fmt: skip
    base.refresh_from_db()
    assert base.inspector is None and not TransitionLog.objects.for_object(base).exists()
    response = client.post(url("base_edit", base), {"inspector": people["tutor_a"].pk})
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.inspector == people["tutor_a"]
    assert "督导员：张明华" in TransitionLog.objects.for_object(base).get().comment
    line = panel(Base.objects.get(pk=base.pk), TODAY)["inspector"]
    assert (line.status, line.detail) == (GREEN, "督导员：张明华。")
    # A teacher who leaves the college no longer counts.
    people["tutor_a"].college = people["tutor_b"].college
    people["tutor_a"].save(update_fields=["college"])
    line = panel(Base.objects.get(pk=base.pk), TODAY)["inspector"]
    assert (line.status, line.detail) == (
        AMBER,
        "督导员张明华已不是本学院在岗教师账号，请重新指定。",
    )


def test_art12_typed_inspector_from_before_is_shown_until_an_account_is_named(
    client, people, base
):
    Base.objects.filter(pk=base.pk).update(inspector_legacy="李建平（13908141101）")
    line = panel(Base.objects.get(pk=base.pk), TODAY)["inspector"]
    assert "原登记的“李建平（13908141101）”未对应本学院教师账号" in line.detail
    client.force_login(people["secretary_a"])
    assert "原登记：李建平（13908141101）" in client.get(url("base_detail", base)).text
    client.post(url("base_edit", base), {"inspector": people["head_a"].pk})
    base.refresh_from_db()
    assert (base.inspector, base.inspector_legacy) == (people["head_a"], "")


# --- Art 14: a shared base has a responsible college --------------------------------------------


def test_art14_shared_base_needs_responsible_college(base, college_a, college_b):
    line = panel(base, TODAY)["responsible_college"]
    assert (line.status, line.label, line.article) == (GREEN, "不适用", "第十四条")
    base.participating_colleges.add(college_b)
    line = panel(base, TODAY)["responsible_college"]
    assert (line.status, line.detail) == (AMBER, "基地由 2 个学院共用，尚未指定责任学院。")
    Base.objects.filter(pk=base.pk).update(responsible_college=college_b)
    line = panel(Base.objects.get(pk=base.pk), TODAY)["responsible_college"]
    assert (line.status, line.detail) == (GREEN, "责任学院：测试乙学院。")


# --- Art 17: an exchange meeting in the last 12 months ----------------------------------------


def meeting(base, office, held_on):
    ExchangeMeeting.objects.create(base=base, held_on=held_on, title="交流会", participants="甲",
                                   minutes="纪要", recorded_by=office)  # fmt: skip


def test_art17_no_meeting_in_12_months_amber(people, base):
    line = panel(base, TODAY)["exchange"]
    assert (line.status, line.article, line.detail) == (
        AMBER, "第十七条", "近 12 个月没有交流研讨会记录。")  # fmt: skip
    meeting(base, people["office"], date(2025, 1, 14))  # 12 months and a day before TODAY
    line = panel(base, TODAY)["exchange"]
    assert (line.status, line.detail) == (
        AMBER, "近 12 个月没有交流研讨会记录（最近一次：2025年01月14日）。")  # fmt: skip
    meeting(base, people["office"], date(2025, 1, 15))  # exactly 12 months
    assert panel(base, TODAY)["exchange"].status == GREEN


def test_art17_a_base_plaqued_less_than_12_months_ago_is_not_yet_due(people, college_a):
    young = make_base(college_a, people["office"], name="新基地", starts_on=date(2025, 6, 1),
                      ends_on=date(2030, 5, 31), plaque_date=date(2025, 6, 1))  # fmt: skip
    line = panel(young, TODAY)["exchange"]
    assert (line.status, line.detail) == (GREEN, "基地挂牌未满 12 个月，尚无交流研讨会记录。")


def test_art17_a_meeting_cannot_be_recorded_before_it_is_held(client, people, base):
    client.force_login(people["secretary_a"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(url("meeting_add", base), {
        "held_on": tomorrow.isoformat(), "kind": "exchange", "title": "交流会",
        "participants": "甲", "minutes": "纪要"})  # fmt: skip
    assert response.status_code == 200 and "会议日期不能晚于今天" in response.text
    assert not ExchangeMeeting.objects.exists()


def test_governance_lines_are_amber_never_red_and_the_registry_agrees(people, base, college_b):
    base.participating_colleges.add(college_b)
    lines = panel(base, TODAY)  # panel() also checks with_facts gives the same lines
    keys = ("committee", "working_group", "inspector", "responsible_college", "exchange")
    assert {lines[k].status for k in keys} == {AMBER}


def test_governance_page_shows_capacity_and_the_lines(client, people, base):
    members(base)
    GovernanceMember.objects.create(base=base, body=B.COMMITTEE, name="旧成员", unit="某单位")
    client.force_login(people["secretary_a"])
    text = client.get(url("governance", base)).text
    assert "分管研究生教育校领导" in text and "代表身份未注明" in text
    detail = client.get(url("base_detail", base)).text
    assert "合作单位部门负责人" in detail and "第九条、第十条" in detail


def test_art9_art17_registry_lines_in_few_queries(client, people, college_a,
                                                  django_assert_max_num_queries):  # fmt: skip
    for n in range(12):
        shared = make_base(college_a, people["office"], name=f"基地{n}", starts_on=TODAY,
                           ends_on=date(2030, 1, 1), plaque_date=TODAY)  # fmt: skip
        members(shared)
        meeting(shared, people["office"], TODAY)
    client.force_login(people["office"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("agreements:base_list")).status_code == 200


# --- Art 28: the "other" project level --------------------------------------------------------


def test_art28_project_level_other(client, people, base):
    assert (ProjectLevel.OTHER.value, ProjectLevel.OTHER.label) == ("other", "其他")
    client.force_login(people["secretary_a"])
    form = client.get(url("project_add", base)).text
    assert '<option value="other">其他</option>' in form
    response = client.post(url("project_add", base), {
        "title": "彝家传统腊肉工艺整理", "level": "other", "starts_on": "2026-01-01",
        "people": "何永红"})  # fmt: skip
    assert response.status_code == 302
    project = JointProject.objects.get()
    assert (project.level, project.get_level_display()) == ("other", "其他")
    text = client.get(url("base_detail", base)).text
    assert '<td data-label="级别" class="text-nowrap">其他</td>' in text
    assert compliance.facts_for(base).projects == 1  # counts for Art 28 like any other


def test_art12_import_matches_the_inspector_to_a_teacher_account(client, people, college_a):
    client.force_login(people["office"])
    response = post_rows(client, [row("甲基地", inspector="张明华")])
    assert response.status_code == 302
    assert Base.objects.get(name="甲基地").inspector == people["tutor_a"]


def test_art14_a_college_number_beyond_64_bits_is_refused_not_a_500(client, people, base):
    """Hypothesis found it: SQLite's driver raised OverflowError on ``pk__in``."""
    client.force_login(people["secretary_a"])
    client.raise_request_exception = True
    response = client.post(url("base_edit", base), {"participating_colleges": [str(2**63)]})
    assert response.status_code == 200 and "选择一个有效的选项" in response.text
    assert not base.participating_colleges.exists()
