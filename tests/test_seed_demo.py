import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from rubrics.models import Evaluation, Interaction, Rating
from teams.access import has_role
from teams.models import Team

pytestmark = pytest.mark.django_db


def seed(**options):
    # Tests run with DEBUG off, as production does; --force is the documented way past that.
    call_command("seed_demo", **{"interactions": 40, "force": True, **options})


def test_seed_demo_creates_teams_people_and_scored_interactions(client):
    seed(password="try-it-out-123")
    User = get_user_model()
    north, south = Team.objects.get(name="Team North"), Team.objects.get(name="Team South")
    assert [u.username for u in north.agents()] == ["agent1", "agent2", "agent3", "agent4"]
    assert [u.username for u in south.agents()] == ["agent5", "agent6", "agent7", "agent8"]
    assert list(north.supervisors.values_list("username", flat=True)) == ["supervisor1"]
    assert list(south.supervisors.values_list("username", flat=True)) == ["supervisor2"]
    admin = User.objects.get(username="admin")
    assert has_role(admin, "Admin") and admin.is_staff
    # Through the login form: django-axes needs the request that client.login() does not pass.
    response = client.post("/accounts/login/", {"username": "agent1", "password": "try-it-out-123"})
    assert response.status_code == 302 and response.url == "/"

    assert Interaction.objects.count() == 40
    assert Evaluation.objects.filter(kind="self").count() == 40
    assert Rating.objects.count() == 5 * Evaluation.objects.count()
    for interaction in Interaction.objects.select_related("agent__membership"):
        assert interaction.team_id == interaction.agent.membership.team_id


def test_reviews_are_written_by_the_agents_own_supervisor():
    seed(interactions=60, review_share=1.0)
    reviews = Evaluation.objects.filter(kind="review").select_related("author", "interaction__team")
    assert reviews.count() == 60
    for review in reviews:
        assert review.interaction.team.supervisors.filter(pk=review.author_id).exists()


def test_nothing_seeded_happens_in_the_future():
    # 400 calls over 90 days put a few in the last two days, whose reviews come "2 days later".
    seed(interactions=400, review_share=1.0)
    now = timezone.now()
    assert not Interaction.objects.filter(created_at__gt=now).exists()
    assert not Evaluation.objects.filter(created_at__gt=now).exists()
    for evaluation in Evaluation.objects.select_related("interaction"):
        assert evaluation.created_at >= evaluation.interaction.occurred_at


def test_seeded_scores_match_the_scoring_engine():
    seed(interactions=60, review_share=0.5)
    evaluations = Evaluation.objects.select_related("rubric").prefetch_related("ratings__criterion")
    for evaluation in evaluations:
        ratings = {r.criterion.key: r.value for r in evaluation.ratings.all()}
        result = evaluation.rubric.score(ratings)
        assert (evaluation.score, evaluation.percent, evaluation.critical_fail) == (
            result.score,
            result.percent,
            result.critical_fail,
        )
        assert evaluation.flagged == Evaluation.is_flagged(result, ratings)


def test_running_twice_does_not_duplicate_people_teams_or_interactions():
    seed()
    users, teams = get_user_model().objects.count(), Team.objects.count()
    seed()
    assert (get_user_model().objects.count(), Team.objects.count()) == (users, teams)
    assert Interaction.objects.count() == 40
    seed(interactions=50)
    assert Interaction.objects.count() == 50


def test_if_empty_leaves_an_existing_database_alone(agent):
    seed(if_empty=True)
    assert not Team.objects.filter(name="Team North").exists()


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", interactions=5)
    assert not get_user_model().objects.exists()
    seed(force=True, interactions=5)
    assert Interaction.objects.count() == 5


def test_rejects_a_negative_count():
    with pytest.raises(CommandError, match="negative"):
        seed(interactions=-1)


def test_seeded_flags_and_acknowledgements_follow_the_rules():
    from datetime import timedelta

    from django.utils import timezone

    seed(interactions=80, review_share=0.5)
    two_weeks_ago = timezone.now() - timedelta(days=14)
    for evaluation in Evaluation.objects.prefetch_related("ratings").select_related("interaction"):
        low = any(rating.value <= 2 for rating in evaluation.ratings.all())
        assert evaluation.flagged == (low or evaluation.critical_fail)
        acknowledged = evaluation.acknowledged_at is not None
        if evaluation.kind == "self":
            assert not acknowledged
        elif abs(evaluation.interaction.occurred_at - two_weeks_ago) > timedelta(minutes=1):
            assert acknowledged == (evaluation.interaction.occurred_at < two_weeks_ago)


def test_two_revealed_calibration_sessions_once():
    from calibration.models import AgreedRating, CalibrationSession

    seed()
    seed()
    sessions = CalibrationSession.objects.all()
    assert sessions.count() == 2
    assert all(session.revealed_at is not None for session in sessions)
    assert all(session.scores.count() == 6 for session in sessions)
    assert AgreedRating.objects.count() == 2
    assert not Evaluation.objects.filter(author__username="admin").exists()


def test_root_causes_and_discount_requests_once():
    from checklists.models import TriageRequest
    from rubrics.models import RootCause

    seed(interactions=200, review_share=1.0)
    tagged = Evaluation.root_causes.through.objects.count()
    low = Evaluation.objects.filter(kind="review", ratings__value__lte=2).distinct().count()
    assert tagged == low > 0
    # Uneven on purpose, so the dashboard's top root causes have an order.
    counts = sorted(
        (RootCause.objects.filter(reviews__isnull=False).values_list("slug", flat=True)),
    )
    assert len(set(counts)) > 1
    discount = TriageRequest.objects.filter(topic="discount")
    assert discount.count() == 8
    assert discount.filter(handling="declined").count() == 5
    assert not discount.filter(created_at__gt=timezone.now()).exists()
    seed(interactions=200, review_share=1.0)
    assert Evaluation.root_causes.through.objects.count() == tagged
    assert TriageRequest.objects.filter(topic="discount").count() == 8
