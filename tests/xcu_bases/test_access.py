"""Model-level visibility: what each role may see (DESIGN.md), in one module."""

import pytest

from tests.conftest import make_student, make_user
from xcu_bases import access, inbox
from xcu_bases.models import StudentProfile


@pytest.fixture
def people(college_a, college_b):
    tutor_a = make_user("tutor_a", "campus_supervisor", college=college_a)
    tutor_b = make_user("tutor_b", "campus_supervisor", college=college_b)
    return {
        "office": make_user("office", "graduate_office"),
        "secretary_a": make_user("secretary_a", "college_secretary", college=college_a),
        "head_a": make_user("head_a", "college_head", college=college_a),
        "secretary_b": make_user("secretary_b", "college_secretary", college=college_b),
        "expert": make_user("expert", "expert"),
        "legal": make_user("legal", "legal_office"),
        "mentor": make_user("mentor", "base_supervisor"),
        "tutor_a": tutor_a,
        "tutor_b": tutor_b,
        "student_a": make_student("student_a", college_a, supervisor=tutor_a),
        "student_a2": make_student("student_a2", college_a, supervisor=tutor_a),
        "student_b": make_student("student_b", college_b, supervisor=tutor_b),
        # A secretary without a college sees no college's records.
        "secretary_none": make_user("secretary_none", "college_secretary"),
    }


def visible_usernames(user):
    return set(StudentProfile.objects.visible_to(user).values_list("user__username", flat=True))


def test_office_sees_every_college(people):
    assert visible_usernames(people["office"]) == {"student_a", "student_a2", "student_b"}


@pytest.mark.parametrize("who", ["secretary_a", "head_a"])
def test_college_a_staff_do_not_see_college_b(people, who):
    assert visible_usernames(people[who]) == {"student_a", "student_a2"}


def test_college_b_secretary_does_not_see_college_a(people):
    assert visible_usernames(people["secretary_b"]) == {"student_b"}


def test_campus_supervisor_sees_only_own_students(people):
    assert visible_usernames(people["tutor_a"]) == {"student_a", "student_a2"}
    assert visible_usernames(people["tutor_b"]) == {"student_b"}


def test_student_sees_only_self(people):
    assert visible_usernames(people["student_a"].user) == {"student_a"}


@pytest.mark.parametrize("who", ["expert", "legal", "mentor", "secretary_none"])
def test_roles_without_students_see_none(people, who):
    assert visible_usernames(people[who]) == set()


def test_anonymous_sees_nothing(people):
    from django.contrib.auth.models import AnonymousUser

    assert visible_usernames(AnonymousUser()) == set()
    assert not access.is_office(AnonymousUser())


def test_a_user_with_several_roles_sees_the_union(people, college_a):
    both = make_user("both", "campus_supervisor", "student", college=college_a)
    make_student("pupil", college_a, supervisor=both)
    from xcu_bases.models import StudentProfile as SP

    SP.objects.create(user=both, student_number="2025999999", gender="male", major="兽医硕士")
    assert visible_usernames(both) == {"pupil", "both"}


def test_college_scoped_helper(people, college_a):
    from xcu_bases.models import College

    qs = College.objects.all()
    assert set(access.college_scoped(qs, people["office"], "pk")) == set(qs)
    assert list(access.college_scoped(qs, people["secretary_a"], "pk")) == [college_a]
    assert list(access.college_scoped(qs, people["expert"], "pk")) == []


def test_art21_coursework_is_set_by_college_or_office_never_by_student(people):
    student_a = people["student_a"]
    assert access.can_set_coursework(people["office"], student_a)
    assert access.can_set_coursework(people["secretary_a"], student_a)
    assert access.can_set_coursework(people["head_a"], student_a)
    assert not access.can_set_coursework(people["secretary_b"], student_a)
    assert not access.can_set_coursework(people["tutor_a"], student_a)
    assert not access.can_set_coursework(student_a.user, student_a)


def test_inbox_lists_coursework_to_confirm_for_own_college_only(people):
    tasks_a = inbox.tasks_for(people["secretary_a"])
    assert [t.title for t in tasks_a] == ["确认研究生课程学习完成情况"]
    assert "2 名研究生" in tasks_a[0].detail
    assert "1 名研究生" in inbox.tasks_for(people["secretary_b"])[0].detail
    assert "3 名研究生" in inbox.tasks_for(people["office"])[0].detail


def test_inbox_asks_student_to_complete_contact_details(people):
    (task,) = inbox.tasks_for(people["student_a"].user)
    assert task.title == "完善个人联系信息"
    assert "家庭联系人" in task.detail


@pytest.mark.parametrize("who", ["expert", "legal", "mentor", "tutor_a"])
def test_inbox_is_empty_for_roles_without_work_yet(people, who):
    assert inbox.tasks_for(people[who]) == []
