"""Indexes for looking audit rows up by what they are about.

An integration's read of results writes one row naming every result it showed in
``data["results"]`` (their ids as strings). On PostgreSQL a GIN index on that
array, limited to ``report.viewed`` rows, lets a candidate's file and erasure find
the reads of their results with ``?|``; SQLite has no such index and reads the
arrays with ``json_each``.
"""

from django.db import migrations, models

API_READS_INDEX = "hiring_audit_result_reads"


def create_result_reads_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {API_READS_INDEX} ON hiring_auditevent "
        "USING gin ((data -> 'results')) WHERE action = 'report.viewed'"
    )


def drop_result_reads_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {API_READS_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0016_development_audit_actions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["object_type", "object_id"], name="audit_about"),
        ),
        migrations.RunPython(create_result_reads_index, drop_result_reads_index),
    ]
