"""Each sampled interaction becomes an assignment: to the person who sampled it, or else to
its team's first supervisor (by username); due by the end of the week it was sampled in;
done when it already has a review. A sample whose team has nobody to review it is left out."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def samples_to_assignments(apps, schema_editor):
    ReviewSample = apps.get_model("rubrics", "ReviewSample")
    Evaluation = apps.get_model("rubrics", "Evaluation")
    Assignment = apps.get_model("qa", "Assignment")
    reviewed = set(
        Evaluation.objects.filter(kind="review").values_list("interaction_id", flat=True)
    )
    made = []
    for sample in ReviewSample.objects.select_related("interaction__team").order_by("pk"):
        interaction = sample.interaction
        reviewer_id = sample.sampled_by_id
        if reviewer_id is None:
            first = interaction.team.supervisors.order_by("username").first()
            reviewer_id = first.pk if first else None
        if reviewer_id is None or reviewer_id == interaction.agent_id:
            continue
        day = timezone.localdate(sample.sampled_at)
        start = day - timedelta(days=day.weekday())
        done = interaction.pk in reviewed
        made.append(
            Assignment(
                interaction_id=interaction.pk,
                reviewer_id=reviewer_id,
                team_id=interaction.team_id,
                agent_id=interaction.agent_id,
                period="week",
                period_start=start,
                due_on=start + timedelta(days=6),
                source="sample",
                status="done" if done else "open",
                done_at=sample.sampled_at if done else None,
            )
        )
    Assignment.objects.bulk_create(made, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("qa", "0001_assignments"),
        ("rubrics", "0009_interaction_agent_reference_index"),
    ]

    operations = [migrations.RunPython(samples_to_assignments, migrations.RunPython.noop)]
