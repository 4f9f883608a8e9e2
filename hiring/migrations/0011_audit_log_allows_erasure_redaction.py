"""The audit log stays append-only, with one exception: erasure.

An audit row may hold a value about a candidate (the address an invitation went to,
the reason of a decision). When the candidate is erased, that value must go too, or
the log keeps a copy of what was erased. The trigger now lets an UPDATE through only
when it replaces at least one value of ``data`` with the marker "[erased]" and
changes nothing else: no column, key or other value; rows still cannot be deleted.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION criba_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id
       AND NEW.at = OLD.at
       AND NEW.action = OLD.action
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.job_id IS NOT DISTINCT FROM OLD.job_id
       AND NEW.object_type = OLD.object_type
       AND NEW.object_id = OLD.object_id
       AND (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(NEW.data) k)
           IS NOT DISTINCT FROM
           (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(OLD.data) k)
       AND EXISTS (
           SELECT 1 FROM jsonb_each(NEW.data) AS changed(key, value)
           WHERE changed.value IS DISTINCT FROM OLD.data -> changed.key
       )
       AND NOT EXISTS (
           SELECT 1 FROM jsonb_each(NEW.data) AS changed(key, value)
           WHERE changed.value IS DISTINCT FROM OLD.data -> changed.key
             AND changed.value <> '"[erased]"'::jsonb
       )
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END
$$ LANGUAGE plpgsql;
"""

RESTORE = """
CREATE OR REPLACE FUNCTION criba_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$ LANGUAGE plpgsql;
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("hiring", "0010_candidate_consent_and_retention")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(RESTORE)),
    ]
