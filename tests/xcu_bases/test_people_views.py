import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.conftest import make_student, make_user
from xcu_bases.models import TransitionLog


@pytest.fixture
def people(college_a, college_b):
    tutor = make_user("tutor", "campus_supervisor", college=college_a)
    return {
        "office": make_user("office", "graduate_office"),
        "secretary": make_user("secretary", "college_secretary", college=college_a),
        "secretary_b": make_user("secretary_b", "college_secretary", college=college_b),
        "tutor": tutor,
        "expert": make_user("expert", "expert"),
        "student": make_student("student", college_a, supervisor=tutor),
        "student_b": make_student("student_b", college_b),
    }


def login(client, user):
    client.force_login(user)
    return client


# --- student list -----------------------------------------------------------


def test_secretary_lists_own_college_only(client, people):
    response = login(client, people["secretary"]).get(reverse("student_list"))
    assert response.status_code == 200
    assert people["student"].student_number in response.text
    assert people["student_b"].student_number not in response.text
    assert response["Cache-Control"].count("no-store") == 1


@pytest.mark.parametrize("who", ["expert", "student"])
def test_student_list_is_404_for_roles_without_it(client, people, who):
    user = people[who].user if who == "student" else people[who]
    assert login(client, user).get(reverse("student_list")).status_code == 404


def test_student_list_filters_and_searches(client, people, college_a):
    make_student("s_found", college_a, number="2025000777")
    login(client, people["secretary"])
    response = client.get(reverse("student_list"), {"q": "000777"})
    assert "2025000777" in response.text
    assert people["student"].student_number not in response.text
    response = client.get(reverse("student_list"), {"coursework": "completed"})
    assert "没有符合条件的研究生" in response.text


def _make_many(college, n, start):
    for i in range(n):
        make_student(f"bulk{start + i}", college, number=f"2026{start + i:06d}")


def test_student_list_query_count_does_not_grow_with_rows(
    client, people, college_a, django_assert_max_num_queries
):
    login(client, people["office"])
    _make_many(college_a, 3, 0)
    # 9 = the list's own queries and the bell's unread count (one query, any number of rows).
    with django_assert_max_num_queries(9):
        small = client.get(reverse("student_list"))
    _make_many(college_a, 40, 100)
    with django_assert_max_num_queries(9):
        large = client.get(reverse("student_list"))
    assert small.status_code == large.status_code == 200
    assert "第 1 / 2 页" in large.text  # 25 a page


# --- student detail -----------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "secretary", "tutor"])
def test_student_detail_visible_to_office_college_and_supervisor(client, people, who):
    response = login(client, people[who]).get(
        reverse("student_detail", args=[people["student"].pk])
    )
    assert response.status_code == 200
    assert people["student"].student_number in response.text


@pytest.mark.parametrize("who", ["secretary_b", "expert"])
def test_student_detail_of_other_college_is_404(client, people, who):
    url = reverse("student_detail", args=[people["student"].pk])
    assert login(client, people[who]).get(url).status_code == 404


def test_student_cannot_see_another_student(client, people):
    url = reverse("student_detail", args=[people["student_b"].pk])
    assert login(client, people["student"].user).get(url).status_code == 404


# --- Art 21 coursework confirmation ---------------------------------------------


def test_art21_secretary_confirms_coursework_and_it_is_logged(client, people):
    profile = people["student"]
    url = reverse("student_coursework", args=[profile.pk])
    login(client, people["secretary"])
    assert "确认课程学习情况" in client.get(url).text

    response = client.post(url, {"completed": "1", "comment": "成绩单已核对"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.coursework_completed is True
    assert profile.coursework_confirmed_by == people["secretary"]
    log = TransitionLog.objects.for_object(profile).get()
    assert (log.source_label, log.target_label, log.comment) == (
        "未确认",
        "已完成",
        "成绩单已核对",
    )
    assert log.by == people["secretary"] and log.role == "college_secretary"
    detail = client.get(response.url)
    assert "成绩单已核对" in detail.text


def test_art21_office_can_mark_coursework_not_completed(client, people):
    profile = people["student_b"]
    login(client, people["office"]).post(
        reverse("student_coursework", args=[profile.pk]), {"completed": "0"}
    )
    profile.refresh_from_db()
    assert profile.coursework_completed is False
    assert profile.coursework_confirmed_at is not None


@pytest.mark.parametrize("who", ["student", "tutor", "secretary_b", "expert"])
def test_art21_others_cannot_set_coursework(client, people, who):
    user = people[who].user if who == "student" else people[who]
    url = reverse("student_coursework", args=[people["student"].pk])
    login(client, user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"completed": "1"}).status_code == 404
    people["student"].refresh_from_db()
    assert people["student"].coursework_confirmed_at is None
    assert not TransitionLog.objects.exists()


def test_coursework_without_a_choice_shows_the_form_again(client, people):
    url = reverse("student_coursework", args=[people["student"].pk])
    response = login(client, people["secretary"]).post(url, {"comment": "留言不丢"})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.text
    assert "留言不丢" in response.text
    people["student"].refresh_from_db()
    assert people["student"].coursework_confirmed_at is None


def test_coursework_action_refuses_other_methods(client, people):
    url = reverse("student_coursework", args=[people["student"].pk])
    assert login(client, people["secretary"]).put(url).status_code == 405


# --- the student's own page -------------------------------------------------------


def test_student_updates_own_contact_details(client, people):
    profile = people["student"]
    response = login(client, profile.user).post(
        reverse("my_profile"),
        {
            "contact-phone": "13800001111",
            "contact-email": "me@stu.xcc.edu.cn",
            "family-family_contact": "赵国平",
            "family-family_phone": "0834-1234567",
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert profile.user.phone == "13800001111"
    assert profile.family_contact == "赵国平"


def test_student_cannot_set_own_coursework_through_profile_form(client, people):
    profile = people["student"]
    login(client, profile.user).post(
        reverse("my_profile"),
        {
            "contact-phone": "13800001111",
            "contact-email": "me@stu.xcc.edu.cn",
            "family-family_contact": "赵国平",
            "family-family_phone": "0834-1234567",
            "family-coursework_completed": "on",
            "coursework_completed": "on",
            "contact-college": people["student_b"].user.college_id,
        },
    )
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert profile.coursework_completed is False
    assert profile.user.college_id == people["student"].user.college_id


def test_invalid_phone_keeps_what_was_typed_and_saves_nothing(client, people):
    profile = people["student"]
    response = login(client, profile.user).post(
        reverse("my_profile"),
        {
            "contact-phone": "电话号码",
            "contact-email": "me@stu.xcc.edu.cn",
            "family-family_contact": "赵国平",
            "family-family_phone": "0834-1234567",
        },
    )
    assert response.status_code == 200
    assert "请输入有效的电话号码" in response.text
    assert "信息未保存" in response.text
    assert 'value="me@stu.xcc.edu.cn"' in response.text
    assert 'value="赵国平"' in response.text
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert profile.user.email == "" and profile.family_contact == ""


def test_my_profile_is_404_for_non_students(client, people):
    assert login(client, people["secretary"]).get(reverse("my_profile")).status_code == 404


# --- pages in general --------------------------------------------------------------


def test_friendly_chinese_404(client, people):
    response = login(client, people["office"]).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "系统出现错误" in html


def test_csrf_failure_page_is_chinese(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["office"])
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize(
    "url_name", ["home", "student_list", "password_change", "login", "my_profile"]
)
def test_no_page_loads_anything_from_outside(client, people, url_name):
    user = people["student"].user if url_name == "my_profile" else people["office"]
    if url_name != "login":
        login(client, user)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert not EXTERNAL.search(response.text)
    assert "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css" in response.text


def test_navigation_depends_on_role(client, people):
    office_home = login(client, people["office"]).get(reverse("home")).text
    assert "研究生名单" in office_home and "我的信息" not in office_home
    client.logout()
    student_home = login(client, people["student"].user).get(reverse("home")).text
    assert "我的信息" in student_home and "研究生名单" not in student_home


def test_empty_inbox_says_so_in_chinese(client, people):
    response = login(client, people["expert"]).get(reverse("home"))
    assert "暂无待办事项" in response.text


def test_home_query_count_is_bounded(client, people, college_a, django_assert_max_num_queries):
    # One query per inbox provider of the office (9: coursework, applications, Art 27's
    # allocations due, renewals, Annex 2, Annex 3, evaluations, Art 29's revocation decisions),
    # plus session, user, roles, the bell's count and the session's save (3): 15, whatever the rows.
    _make_many(college_a, 30, 500)
    login(client, people["office"])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("home")).status_code == 200


def test_403_page_is_chinese(rf):
    from django.views.defaults import permission_denied

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, exception=None)
    assert response.status_code == 403
    assert "无权执行此操作" in response.content.decode()
