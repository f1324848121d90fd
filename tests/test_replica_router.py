"""The read replica (core/replica.py), against a second PostgreSQL database: the dashboards'
reads go there only when a replica is configured, everything else stays on the primary."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings

from core import replica
from rubrics.models import ScoreRollup
from tests.conftest import self_score

ROUTED = override_settings(DATABASE_ROUTERS=["core.replica.ReplicaRouter"])


@pytest.fixture
def second_database(agent, supervisor):
    """A copy of the test database (committed data: alice's self-score), added as `replica`,
    whose rollups are then emptied so its figures differ from the primary's."""
    self_score(agent)
    default = connections["default"]
    name = f"{default.settings_dict['NAME']}_replica"
    connections.close_all()  # a template database must have no other sessions
    with default._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{default.settings_dict["NAME"]}"')
    # Registered as a connection, not in settings: the test case then lets it connect.
    second = default.__class__({**default.settings_dict, "NAME": name}, replica.REPLICA)
    connections[replica.REPLICA] = second
    with second.cursor() as cursor:
        cursor.execute("DELETE FROM rubrics_scorerollup")
        cursor.execute("DELETE FROM rubrics_criterionrollup")
    yield second
    second.close()
    del connections[replica.REPLICA]
    with default._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def dashboard_reads(client, second_database):
    """The team dashboard's scored count, and the rollup queries each database answered."""
    with (
        CaptureQueriesContext(connections["default"]) as on_default,
        CaptureQueriesContext(second_database) as on_replica,
    ):
        response = client.get("/dashboard/")
    assert response.status_code == 200

    def rollups(queries):
        return [q for q in queries if "rubrics_scorerollup" in q["sql"]]

    return response.context["totals"]["scored"], rollups(on_default), rollups(on_replica)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dashboard_reads_the_replica_only_when_routed(login, supervisor, second_database):
    client = login(supervisor)
    # Off (no router, as when ETHICSKIT_REPLICA_URL is unset): the primary's figures.
    scored, on_default, on_replica = dashboard_reads(client, second_database)
    assert scored == 1 and on_default and not on_replica
    with ROUTED:
        scored, on_default, on_replica = dashboard_reads(client, second_database)
    # On: the replica's (emptied) rollups, and not one rollup query on the primary.
    assert scored == 0 and on_replica and not on_default
    # The session, the user and the role check still read the primary.
    assert ScoreRollup.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reads_stay_on_the_primary_outside_the_block_in_a_transaction_and_after_a_write(
    agent, second_database
):
    from django.db import transaction

    with ROUTED:
        assert ScoreRollup.objects.db == "default"
        with replica.replica_reads():
            assert ScoreRollup.objects.db == replica.REPLICA
            assert not ScoreRollup.objects.exists()  # the replica's emptied table
            with transaction.atomic():
                assert ScoreRollup.objects.db == "default"
            agent.save(update_fields=["first_name"])
            # After this block's write, its reads must see it: the primary again.
            assert ScoreRollup.objects.db == "default"
        assert ScoreRollup.objects.db == "default"


@pytest.mark.django_db
def test_without_a_replica_the_block_reads_the_primary(settings):
    assert "replica" not in settings.DATABASES and not settings.DATABASE_ROUTERS
    with replica.replica_reads():
        assert ScoreRollup.objects.db == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sliced_dashboard_reads_its_temporary_tables_on_the_primary(
    login, supervisor, second_database
):
    """A channel slice sums into temporary tables of the primary's session; read from the
    replica, the page would show the replica's stored (here emptied) rollups instead."""
    client = login(supervisor)
    with (
        ROUTED,
        CaptureQueriesContext(connections["default"]) as on_default,
        CaptureQueriesContext(second_database) as on_replica,
    ):
        response = client.get("/dashboard/", {"channel": "phone"})
    assert response.status_code == 200
    assert response.context["totals"]["scored"] == 1
    assert any("rubrics_scorerollup" in q["sql"] for q in on_default)
    # Review coverage is not sliced: it reads the stored rollups, on the replica.
    assert on_replica
