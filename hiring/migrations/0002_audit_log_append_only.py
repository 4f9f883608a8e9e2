"""On PostgreSQL the database itself refuses to change or delete audit rows.

The model already refuses in Python; the trigger also stops raw SQL and other
clients. SQLite, the embedded development database, keeps the Python guard only
(its test flush deletes rows one by one, which a trigger would block).
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION criba_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER hiring_auditevent_append_only
    BEFORE UPDATE OR DELETE ON hiring_auditevent
    FOR EACH ROW EXECUTE FUNCTION criba_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS hiring_auditevent_append_only ON hiring_auditevent;
DROP FUNCTION IF EXISTS criba_audit_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("hiring", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
