import pytest

from tests.conftest import make_student, make_user
from tests.practice.factories import active_base, certified_supervisor, complete_request
from xcu_bases import services as people_services
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import User


def _student(username, name, college, tutor, number):
    profile = make_student(username, college, supervisor=tutor, number=number)
    User.objects.filter(pk=profile.user_id).update(name=name)
    return profile


@pytest.fixture
def people(college_a, college_b):
    """Everyone Annex 2 meets, named by role; student_a of college A is ready to apply (Art 21)."""
    tutor_a = make_user("tutor_a", R.CAMPUS_SUPERVISOR, college=college_a, name="张明华")
    tutor_b = make_user("tutor_b", R.CAMPUS_SUPERVISOR, college=college_a, name="王立新")
    found = {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "secretary_a": make_user(
            "secretary_a", R.COLLEGE_SECRETARY, college=college_a, name="杨静"
        ),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="陈志强"),
        "secretary_b": make_user(
            "secretary_b", R.COLLEGE_SECRETARY, college=college_b, name="刘芳"
        ),
        "head_b": make_user("head_b", R.COLLEGE_HEAD, college=college_b, name="苏建军"),
        "tutor_a": tutor_a,
        "tutor_b": tutor_b,
        "expert": make_user("expert", R.EXPERT, name="王建国"),
    }
    profile_a = _student("student_a", "赵雨桐", college_a, tutor_a, "2024095101")
    people_services.student_set_coursework(
        profile=profile_a, completed=True, by=found["secretary_a"], comment="依据成绩单确认。"
    )
    profile_b = _student("student_b", "孙浩然", college_a, tutor_b, "2024095102")
    found["student_a"] = User.objects.get(pk=profile_a.user_id)
    found["student_b"] = User.objects.get(pk=profile_b.user_id)
    return found


@pytest.fixture
def base(people, college_a):
    """College A's base; its agreement runs 2025–2029."""
    return active_base(college_a, people["office"])


@pytest.fixture
def supervisor(base, people):
    """A certified base supervisor of ``base`` (Art 18(2)), with no end to the certificate."""
    return certified_supervisor(base, people)


@pytest.fixture
def draft(people, base, supervisor):
    """student_a's Annex 2, complete and ready to submit."""
    return complete_request(people["student_a"], base, supervisor)
