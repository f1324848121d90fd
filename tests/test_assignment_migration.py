"""Review samples became assignments: the data migration, run for real on the test database."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("qa", "0001_assignments"), ("rubrics", "0009_interaction_agent_reference_index")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_review_samples_become_assignments(agent, supervisor, north):
    from tests.conftest import review, self_score

    sampled = self_score(agent, reference="ZD-SAMPLED").interaction
    by_command = self_score(agent, reference="ZD-COMMAND").interaction
    reviewed = self_score(agent, reference="ZD-REVIEWED").interaction
    review(reviewed, supervisor)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        ReviewSample = old.get_model("rubrics", "ReviewSample")
        for interaction, person in (
            (sampled, supervisor),
            (by_command, None),
            (reviewed, supervisor),
        ):
            ReviewSample.objects.create(
                interaction_id=interaction.pk, sampled_by_id=getattr(person, "pk", None)
            )
    finally:
        migrate(latest)
    from qa.models import Assignment

    made = {a.interaction.reference: a for a in Assignment.objects.select_related("interaction")}
    assert set(made) == {"ZD-SAMPLED", "ZD-COMMAND", "ZD-REVIEWED"}
    # The command's sample goes to the team's first supervisor.
    assert {a.reviewer for a in made.values()} == {supervisor}
    assert made["ZD-SAMPLED"].status == "open" and made["ZD-REVIEWED"].status == "done"
    today = timezone.localdate()
    assert made["ZD-SAMPLED"].period_start <= today <= made["ZD-SAMPLED"].due_on
    assert made["ZD-SAMPLED"].source == "sample"
