from django.apps import apps
from django.core.management import call_command

from tests.conftest import DEMO_PASSWORD
from xcu_bases.choices import RoleCode
from xcu_bases.models import College, StudentProfile, User


def snapshot():
    """Every row of every project model, as plain values."""
    rows = {}
    for label in ("xcu_bases", "applications", "agreements", "practice", "evaluation"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = sorted(
                model.objects.order_by("pk").values_list(), key=lambda row: str(row[0])
            )
    rows["user_roles"] = sorted(User.roles.through.objects.values_list("user_id", "role_id"))
    return rows


def test_seed_demo_twice_gives_the_same_rows(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == first


def test_seed_demo_has_one_account_per_role(demo):
    holders = {code: set() for code in RoleCode.values}
    for user in User.objects.prefetch_related("roles"):
        for role in user.roles.all():
            holders[role.code].add(user.username)
    assert "office" in holders["graduate_office"]
    assert {"secretary", "secretary2"} <= holders["college_secretary"]
    assert "head" in holders["college_head"]
    assert "legal" in holders["legal_office"]
    assert "expert" in holders["expert"]
    assert {"student", "student2"} <= holders["student"]
    assert "tutor" in holders["campus_supervisor"]
    assert "mentor" in holders["base_supervisor"]


def test_demo_accounts_use_the_documented_password(demo):
    for username in ["office", "secretary", "head", "legal", "expert", "student", "tutor",
                     "mentor", "secretary2", "student2", "admin"]:  # fmt: skip
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD), username


def test_demo_people_sit_in_the_right_colleges(demo):
    college_a = demo["secretary"].college
    college_b = demo["secretary2"].college
    assert college_a != college_b
    assert demo["head"].college == college_a
    assert demo["student"].college == college_a
    assert demo["student2"].college == college_b
    assert StudentProfile.objects.get(user=demo["student"]).campus_supervisor == demo["tutor"]
    assert demo["office"].college is None
    assert College.objects.count() >= 2
    assert demo["admin"].is_superuser
