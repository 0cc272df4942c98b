"""People, the Annex 4 standard and a base for the evaluation tests."""

import pytest

from evaluation import services
from tests.conftest import make_user
from tests.practice.factories import active_base
from xcu_bases.choices import RoleCode as R


@pytest.fixture
def people(college_a, college_b):
    return {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "secretary_a": make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "expert": make_user("expert", R.EXPERT, name="王建国"),
        "expert2": make_user("expert2", R.EXPERT, name="李秀英"),
        "expert3": make_user("expert3", R.EXPERT, name="周国强"),
    }


@pytest.fixture
def standard(people):
    return services.standard_create(year=2026, by=people["office"])


@pytest.fixture
def base(people, college_a):
    return active_base(college_a, people["office"])
