"""Webhook endpoints belong to the API key that registered them.

Endpoints that exist already get no key: nothing recorded which key registered
one, and guessing would hand an endpoint to a key that may not own it. They are
administrators' endpoints from now on (the settings page manages them all); an
integration that must manage one through the API registers it again.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0017_audit_about_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="api_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="webhook_endpoints",
                to="hiring.apikey",
                verbose_name="API key",
            ),
        ),
        migrations.AlterField(
            model_name="webhookendpoint",
            name="disabled_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Enabled"),
                    ("manual", "Disabled by an administrator"),
                    ("gone", "The receiver answered 410 Gone"),
                    ("failing", "Every delivery failed for too long"),
                    ("revoked", "The API key that registered it was revoked"),
                ],
                default="",
                max_length=10,
            ),
        ),
    ]
