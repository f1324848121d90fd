"""Concerns made before cases became cases: the data migration, run for real on the test database."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_concerns_become_routed_cases(agent, other_agent, supervisor, admin_user):
    from django.contrib.auth.models import Group

    from teams.models import Membership

    # oscar's team has no supervisor here, so his gift report cannot go to a team.
    assert not Membership.objects.get(user=other_agent).team.supervisors.exists()
    reported = date(2026, 3, 30)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        Concern = old.get_model("checklists", "Concern")
        Case = old.get_model("cases", "Case")
        Case.objects.all().delete()
        Group.objects.filter(name="Compliance").delete()
        rows = {
            "named gift": dict(category="gift", reporter_id=agent.pk),
            "gift, no supervisor": dict(category="gift", reporter_id=other_agent.pk),
            "anonymous breach": dict(category="breach", is_anonymous=True, status="investigating"),
            "closed violation": dict(
                category="violation",
                reporter_id=agent.pk,
                status="closed",
                outcome="Coaching given.",
                closed_on=reported + timedelta(days=20),
            ),
        }
        ids = {
            name: Concern.objects.create(description=name, reported_on=reported, **fields).pk
            for name, fields in rows.items()
        }
    finally:
        migrate(latest)
    from cases.models import Case

    cases = {c.concern.description: c for c in Case.objects.select_related("concern")}
    assert set(cases) == set(rows)
    assert {cases[name].concern_id for name in rows} == set(ids.values())
    assert Group.objects.filter(name="Compliance").exists()

    gift = cases["named gift"]
    assert (gift.route, gift.team.name, gift.owner) == ("team", "North", supervisor)
    assert gift.status == "received" and gift.acknowledged_on is None

    # No supervisor to route to: compliance, which an admin owns by default.
    orphan = cases["gift, no supervisor"]
    assert (orphan.route, orphan.team, orphan.owner) == ("compliance", None, admin_user)

    breach = cases["anonymous breach"]
    assert (breach.route, breach.team, breach.owner) == ("compliance", None, admin_user)
    assert breach.status == "investigating" and breach.acknowledged_on == reported

    closed = cases["closed violation"]
    assert (closed.route, closed.owner, closed.status) == ("admins", admin_user, "closed")
    assert closed.outcome == "Coaching given."
    assert closed.closed_on == closed.feedback_on == reported + timedelta(days=20)

    # The directive's deadlines, counted from the day the concern was reported.
    for case in cases.values():
        assert case.opened_on == reported
        assert case.acknowledge_by == reported + timedelta(days=7)
        assert case.feedback_by == date(2026, 6, 30)
