"""The transition log is evidence (issue 8, workflow integrity): the application can add rows and
never change or remove one; on PostgreSQL a trigger refuses UPDATE and DELETE even in raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from tests.conftest import make_user
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import AppendOnly, College, TransitionLog
from xcu_bases.services import record_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    college = College.objects.create(code="91", name="测试学院")
    office = make_user("office", R.GRADUATE_OFFICE)
    return record_transition(college, transition="test", source="a", target="b", by=office)


def test_a_log_row_cannot_be_changed_through_the_model(log):
    log.comment = "改过"
    with pytest.raises(AppendOnly, match="不能修改"):
        log.save()
    assert TransitionLog.objects.get(pk=log.pk).comment == ""


def test_a_log_row_cannot_be_deleted_through_the_model(log):
    with pytest.raises(AppendOnly, match="不能删除"):
        log.delete()
    assert TransitionLog.objects.filter(pk=log.pk).exists()


def test_querysets_refuse_bulk_update_and_delete(log):
    with pytest.raises(AppendOnly):
        TransitionLog.objects.filter(pk=log.pk).update(comment="改过")
    with pytest.raises(AppendOnly):
        TransitionLog.objects.all().delete()
    assert TransitionLog.objects.get(pk=log.pk).comment == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE xcu_bases_transitionlog SET comment = 'x' WHERE id = %s",
        "DELETE FROM xcu_bases_transitionlog WHERE id = %s",
    ],
)
def test_postgresql_trigger_refuses_raw_update_and_delete(log, sql):
    with (
        pytest.raises(DatabaseError, match="办理记录不能修改或删除"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [log.pk])
    assert TransitionLog.objects.get(pk=log.pk).comment == ""
