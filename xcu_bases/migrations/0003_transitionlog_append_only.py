"""On PostgreSQL the database itself refuses to change or remove a transition log row (the
application refuses too: xcu_bases.models.TransitionLog). TRUNCATE, which only the schema's owner
may run (test databases are flushed that way), is not affected. SQLite: the application check only.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION xcu_transitionlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '办理记录不能修改或删除（xcu_bases_transitionlog 只允许追加）'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS xcu_transitionlog_append_only ON xcu_bases_transitionlog;
CREATE TRIGGER xcu_transitionlog_append_only
    BEFORE UPDATE OR DELETE ON xcu_bases_transitionlog
    FOR EACH ROW EXECUTE FUNCTION xcu_transitionlog_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS xcu_transitionlog_append_only ON xcu_bases_transitionlog;
DROP FUNCTION IF EXISTS xcu_transitionlog_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("xcu_bases", "0002_notifications")]

    operations = [migrations.RunPython(forward, backward)]
