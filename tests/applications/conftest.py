import pytest

from tests.conftest import make_student, make_user
from xcu_bases.choices import RoleCode as R


@pytest.fixture
def people(college_a, college_b):
    """Everyone the Art 7 chain meets, named by role; college A files the applications."""
    return {
        "secretary_a": make_user(
            "secretary_a", R.COLLEGE_SECRETARY, college=college_a, name="杨静"
        ),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="李明华"),
        "secretary_b": make_user(
            "secretary_b", R.COLLEGE_SECRETARY, college=college_b, name="刘芳"
        ),
        "head_b": make_user("head_b", R.COLLEGE_HEAD, college=college_b, name="张伟"),
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "legal": make_user("legal", R.LEGAL_OFFICE, name="何志刚"),
        "expert1": make_user("expert1", R.EXPERT, name="赵国庆"),
        "expert2": make_user("expert2", R.EXPERT, name="孙晓燕"),
        "expert_unassigned": make_user("expert_unassigned", R.EXPERT, name="钱学军"),
        "student_a": make_student("student_a", college_a).user,
    }
