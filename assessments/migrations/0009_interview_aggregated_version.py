from django.db import migrations, models
from django.db.models import Exists, F, OuterRef, Q, Subquery

from assessments.scoring.version import INTERVIEW_SCORING_VERSION


def aggregated_version_backfill(apps, schema_editor):
    """Mark what the sweeper of lost aggregations looked for until now: an
    interview with a scorecard version newer than its result under the current
    interview scoring version, or with no such result, is "due"; other interviews
    with scorecards are current; those without stay ""."""
    Interview = apps.get_model("assessments", "Interview")
    ScorecardVersion = apps.get_model("assessments", "ScorecardVersion")
    InterviewResult = apps.get_model("assessments", "InterviewResult")
    versions = ScorecardVersion.objects.filter(scorecard__interview=OuterRef("pk"))
    newest = versions.order_by("-created_at").values("created_at")[:1]
    computed = InterviewResult.objects.filter(
        interview=OuterRef("pk"), scoring_version=INTERVIEW_SCORING_VERSION
    ).values("computed_at")[:1]
    Interview.objects.filter(Exists(versions)).update(
        aggregated_version=INTERVIEW_SCORING_VERSION
    )
    stale = list(
        Interview.objects.annotate(newest=Subquery(newest), computed=Subquery(computed))
        .filter(newest__isnull=False)
        .filter(Q(computed__isnull=True) | Q(computed__lt=F("newest")))
        .values_list("pk", flat=True)
    )
    for start in range(0, len(stale), 5000):
        Interview.objects.filter(pk__in=stale[start : start + 5000]).update(
            aggregated_version="due"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_development_goal_check_in_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="interview",
            name="aggregated_version",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=20
            ),
        ),
        migrations.AddIndex(
            model_name="interview",
            index=models.Index(
                fields=["aggregated_version"], name="interview_aggregated_version"
            ),
        ),
        migrations.RunPython(aggregated_version_backfill, migrations.RunPython.noop),
    ]
