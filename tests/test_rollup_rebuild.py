"""`rebuild_rollups` builds aside and swaps (rubrics/rollup_rebuild.py): pages answer with the
old figures until the swap, writes made during the build are kept, and the new tables take
the old ones' names, indexes and constraints."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from rubrics import rollup_rebuild, rollups
from rubrics.models import RollupRebuild, RollupTouched, ScoreRollup
from tests.conftest import self_score

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def scored(client, team) -> int:
    response = client.get(f"/dashboard/?team={team.pk}")
    assert response.status_code == 200
    return response.context["totals"]["scored"]


def names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE oid IN (SELECT indexrelid FROM pg_index "
            "WHERE indrelid = %s::regclass) UNION SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass",
            [table, table],
        )
        return {name for (name,) in cursor.fetchall()}


def test_pages_read_the_old_rollups_until_the_swap_and_writes_meanwhile_are_kept(
    login, agent, admin_user, north
):
    self_score(agent)
    before = names("rubrics_scorerollup")
    # Stale rollups, as a rebuild would find them: every count doubled.
    ScoreRollup.objects.update(n=F("n") * 2)
    client = login(admin_user)
    assert scored(client, north) == 2

    holder = rollup_rebuild.begin()
    written = rollup_rebuild.build(holder)
    assert written["ScoreRollup"] == 10  # day to year, for alice and for North
    # Built aside: the page still answers, with the old figures.
    assert scored(client, north) == 2
    # A score during the build updates the live rollups and is noted for the swap.
    self_score(agent, reference="ZD-2")
    assert scored(client, north) == 3
    assert RollupTouched.objects.count() == 1

    assert rollup_rebuild.swap(holder) == 1
    assert scored(client, north) == 2  # the two self-scores, counted right
    assert rollups.stored() == rollups.expected()
    assert names("rubrics_scorerollup") == before
    assert not RollupRebuild.objects.exists() and not RollupTouched.objects.exists()
    # The swapped tables take writes as before.
    self_score(agent, reference="ZD-3")
    assert scored(client, north) == 3
    assert rollups.stored() == rollups.expected()


def test_writes_record_nothing_when_no_rebuild_is_under_way(agent):
    self_score(agent)
    assert not RollupTouched.objects.exists()


def test_the_command_builds_aside_outside_a_transaction(agent):
    self_score(agent)
    ScoreRollup.objects.all().delete()
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "Rebuilt the rollups: 10 ScoreRollup" in out.getvalue()
    assert "0 interactions written meanwhile caught up" in out.getvalue()
    assert rollups.stored() == rollups.expected()
