import pytest
from django.core.management import call_command

from xcu_bases.models import College, Role, StudentProfile, User

DEMO_PASSWORD = "xcu-demo-2025"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads of a test go to a temporary directory, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _notification_mail_inline(settings):
    """Notification e-mails go out inline (not in a background thread) so tests can read them."""
    settings.NOTIFY_EMAIL_IN_BACKGROUND = False


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    """The demo data of seed_demo, as a dict of users by username."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def college_a(db):
    return College.objects.create(code="91", name="测试甲学院")


@pytest.fixture
def college_b(db):
    return College.objects.create(code="92", name="测试乙学院")


def make_user(username, *roles, college=None, **extra):
    user = User.objects.create_user(
        username=username, password=DEMO_PASSWORD, name=extra.pop("name", username), **extra
    )
    user.college = college
    user.save(update_fields=["college"])
    user.roles.set(Role.objects.filter(code__in=roles))
    return User.objects.get(pk=user.pk)  # fresh, without a cached role set


def make_student(username, college, *, supervisor=None, number=None, **extra):
    user = make_user(username, "student", college=college)
    return StudentProfile.objects.create(
        user=user,
        student_number=number or f"2025{user.pk:06d}",
        gender="female",
        major="农业硕士（农艺与种业）",
        campus_supervisor=supervisor,
        **extra,
    )


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}".rstrip()


def threads_share_the_test_database() -> tuple[bool, str]:
    """Whether test threads (concurrent approvals) can see one database: PostgreSQL always, SQLite
    only on disk (xcu_bases/settings.py gives the test database a file). (shared, why not)."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        return True, ""
    if connection.is_in_memory_db() or not settings.DATABASES["default"].get("TEST", {}).get(
        "NAME"
    ):
        return False, "the SQLite test database is in memory; run on PostgreSQL or on disk"
    return True, ""
