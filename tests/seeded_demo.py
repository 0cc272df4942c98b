"""The demo data of ``seed_demo``, loaded once per test module and rolled back after it.

``seed_demo`` takes many seconds, too slow to run before each of a thousand tests. The
module-scoped ``seeded`` fixture runs it once inside an outer transaction; every test runs in
its own savepoint (``db``), so what a test writes is undone before the next one, and
the whole demo is rolled back when the module ends (the next module starts from an empty
database, as the rest of the suite expects).

The tests must not use pytest-django's ``db`` mark: its TestCase closes the connection after
each test, which would end the outer transaction. Use it from a test module with
``seeded, db, _media_root = seeded_demo.seeded, seeded_demo.db, seeded_demo._media_root``
(``db`` replaces pytest-django's there).
"""

import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, models, transaction
from django.forms.models import model_to_dict
from django.test import override_settings

from xcu_bases.models import User

DEMO_USERS = [
    "office", "secretary", "head", "legal", "expert", "expert2", "expert3", "student", "tutor",
    "mentor", "secretary2", "head2", "tutor2", "student2", "admin",
]  # fmt: skip
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _extras():
    """What the demo lacks and the matrix needs: a model agreement and an inspection photo."""
    from agreements.models import AgreementTemplate
    from applications.models import BaseApplication, InspectionPhoto
    from xcu_bases.models import Notification

    office = User.objects.get(username="office")
    Notification.objects.create(
        recipient=User.objects.get(username="student"), kind="task", title="矩阵测试通知",
        url="/practice/requests/",
    )  # fmt: skip
    AgreementTemplate.objects.create(
        version=1, document=ContentFile(PDF, name="template.pdf"),
        original_name="协议书模板.pdf", uploaded_by=office,
    )  # fmt: skip
    app = BaseApplication.objects.get(college__code="01", state="office_review")
    InspectionPhoto.objects.create(
        inspection=app.site_inspection, image=ContentFile(PNG, name="photo.png"),
        original_name="考察照片.png",
    )  # fmt: skip


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(
            MEDIA_ROOT=media, PASSWORD_HASHERS=fast, NOTIFY_EMAIL_IN_BACKGROUND=False
        ),
        django_db_blocker.unblock(),
    ):
        name = str(connection.settings_dict["NAME"])
        assert "test" in name, f"not a test database: {name}"  # never seed the real one
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            _extras()
            yield SimpleNamespace(media=media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media_root(settings, seeded):
    """Replaces the suite's per-test MEDIA_ROOT: the seeded files must stay readable."""
    settings.MEDIA_ROOT = seeded.media


@pytest.fixture(autouse=True)
def db(seeded):
    """Replaces pytest-django's ``db`` in the modules that import it: each test runs in a
    savepoint inside the module's transaction, rolled back after it. (The name matters:
    pytest-django creates the test database for the tests that use a fixture named ``db``.)"""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def user(username) -> User:
    return User.objects.get(username=username)


def project_models():
    from django.apps import apps

    labels = {"xcu_bases", "applications", "agreements", "practice", "evaluation"}
    return [m for m in apps.get_models() if m._meta.app_label in labels]


def row(obj) -> dict:
    """Every concrete field of one row, fresh from the database (files by name)."""
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    data = model_to_dict(fresh)
    for field in fresh._meta.concrete_fields:
        value = getattr(fresh, field.attname)
        if isinstance(field, models.FileField):
            value = value.name
        data[field.attname] = value
    data.pop("last_login", None)  # force_login writes it
    return data


def counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in project_models()}
