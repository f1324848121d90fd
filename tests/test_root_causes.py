"""Root causes: the seeded tags and their remedies, tagging a review, a case and a checklist
"no", and the dashboards' counts held against the rows each test wrote."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cases.services import case_root_causes_set, concern_raise
from checklists.models import Checklist
from checklists.services import checklist_run_create, run_root_causes_set
from rubrics.models import Evaluation, RootCause
from scripts_library.models import CommonMistake
from tests.conftest import RATINGS, review, self_score

pytestmark = pytest.mark.django_db


def tags(*slugs):
    return list(RootCause.objects.filter(slug__in=slugs))


def test_every_common_mistake_is_a_root_cause_with_remedies():
    mistakes = CommonMistake.objects.select_related("root_cause")
    assert mistakes.count() == RootCause.objects.count() == 7
    for mistake in mistakes:
        assert mistake.root_cause.name == mistake.title
        cause = mistake.root_cause
        assert cause.remedy_scripts.exists() or cause.remedy_faq_entries.exists()


def test_the_tag_page_links_its_remedies(login, agent, django_assert_max_num_queries):
    cause = RootCause.objects.get(slug="defensive-or-arguing")
    client = login(agent)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("root_cause", args=[cause.slug]))
    body = response.content.decode()
    assert reverse("library_script", args=["angry-or-abusive-customer"]) in body
    assert "How should I deal with a customer who is angry or turns abusive?" in body
    assert cause.mistake.remedy.split(",")[0] in body
    listing = client.get(reverse("root_cause_list")).content.decode()
    assert listing.count('href="/library/root-causes/') == 7
    assert client.get(reverse("library_mistakes")).content.decode().count("root-causes/") == 7


def test_a_reviewer_tags_a_review_in_the_form_and_the_api(login, agent, supervisor):
    client = login(supervisor)
    first = self_score(agent, reference="ZD-F").interaction
    data = {"rubric_version": str(first.evaluations.get().rubric.version), "comment": ""}
    data.update({f"rating_{key}": str(value) for key, value in RATINGS.items()})
    data["root_causes"] = [RootCause.objects.get(slug="jargon").pk]
    response = client.post(reverse("review_create", args=[first.pk]), data)
    assert response.status_code == 302
    saved = Evaluation.objects.get(interaction=first, kind="review")
    assert [tag.slug for tag in saved.root_causes.all()] == ["jargon"]
    # The reviewer and the agent see the tags on the interaction, each linked to its page.
    jargon = RootCause.objects.get(slug="jargon")
    for viewer in (client, login(agent)):
        page = viewer.get(f"/interactions/{first.pk}/").content.decode()
        assert f'href="/library/root-causes/jargon/">{jargon.name}</a>' in page
    client = login(supervisor)

    second = self_score(agent, reference="ZD-API").interaction
    answer = client.post(
        f"/api/v1/interactions/{second.pk}/reviews/",
        {"ratings": RATINGS, "root_causes": ["no-follow-up", "jargon"]},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert sorted(answer.json()["root_causes"]) == ["jargon", "no-follow-up"]
    unknown = client.post(
        f"/api/v1/interactions/{self_score(agent, reference='ZD-X').interaction.pk}/reviews/",
        {"ratings": RATINGS, "root_causes": ["not-a-cause"]},
        content_type="application/json",
    )
    assert unknown.status_code == 400


def test_retired_root_causes_are_not_offered_but_stay(agent, supervisor, login):
    case, _ = concern_raise(
        reporter=agent, category="gift", description="A voucher.", anonymous=False
    )
    case_root_causes_set(case=case, root_causes=tags("jargon", "blaming-others"))
    RootCause.objects.filter(slug="jargon").update(is_active=False)
    client = login(supervisor)
    page = client.get(reverse("case_detail", args=[case.pk]))
    assert "jargon" not in [
        c.slug for c in page.context["root_cause_form"].fields["root_causes"].queryset
    ]
    response = client.post(reverse("case_root_causes", args=[case.pk]), {"root_causes": []})
    assert response.status_code == 302
    assert [tag.slug for tag in case.root_causes.all()] == ["jargon"]


def test_only_case_workers_tag_a_case(agent, other_supervisor, supervisor, login):
    case, _ = concern_raise(
        reporter=agent, category="gift", description="A voucher.", anonymous=False
    )
    url = reverse("case_root_causes", args=[case.pk])
    cause = RootCause.objects.get(slug="no-follow-up").pk
    assert login(agent).post(url, {"root_causes": [cause]}).status_code == 403
    assert login(other_supervisor).post(url, {"root_causes": [cause]}).status_code == 404
    assert login(supervisor).post(url, {"root_causes": ["nonsense"]}).status_code == 400
    assert login(supervisor).post(url, {"root_causes": [cause]}).status_code == 302
    assert [tag.slug for tag in case.root_causes.all()] == ["no-follow-up"]


RUNS = iter(range(1000))


def checklist_run(agent, *, no=True):
    checklist = Checklist.objects.get(kind=Checklist.Kind.INTERACTION)
    items = list(checklist.items.filter(is_active=True, breach_when_no=False))
    answers = {item.id: ("yes", "") for item in checklist.items.filter(is_active=True)}
    if no:
        answers[items[0].id] = ("no", "Promised a call back by noon.")
    return checklist_run_create(
        checklist=checklist,
        runner=agent,
        interaction=self_score(agent, reference=f"ZD-R{next(RUNS)}").interaction,
        answers=answers,
    )


def test_the_runner_tags_a_no(agent, supervisor, login):
    run = checklist_run(agent)
    no = run.answers.get(answer="no")
    yes = run.answers.filter(answer="yes").first()
    url = reverse("checklist_run_root_causes", args=[run.pk])
    cause = RootCause.objects.get(slug="overpromising").pk
    page = login(agent).get(reverse("checklist_run_detail", args=[run.pk]))
    assert f"root_causes_{no.pk}" in page.content.decode()
    assert login(supervisor).post(url, {f"root_causes_{no.pk}": [cause]}).status_code == 403
    assert login(agent).post(url, {f"root_causes_{no.pk}": [cause]}).status_code == 302
    assert [tag.slug for tag in no.root_causes.all()] == ["overpromising"]
    # A "yes" has no field: whatever is sent for it is ignored, and the service refuses it.
    login(agent).post(url, {f"root_causes_{yes.pk}": [cause]})
    assert not yes.root_causes.exists()
    with pytest.raises(Exception, match="no"):
        run_root_causes_set(run=run, runner=agent, chosen={yes.pk: tags("jargon")})


# --- The dashboards' counts ----------------------------------------------------------------

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
PERIOD = {"date_from": "2026-11-01", "date_to": "2026-11-20"}


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def in_period(day: date) -> bool:
    return date(2026, 11, 1) <= day <= date(2026, 11, 20)


@pytest.fixture
def tagged(agent, other_agent, supervisor, other_supervisor, admin_user):
    """Tags of every kind on both teams, inside the period and just outside it. Returns the
    written rows: (day, team name or None, slug, source)."""
    written = []
    plan = [
        (date(2026, 10, 31), "review", ["jargon"]),  # the day before the period
        (date(2026, 11, 2), "review", ["jargon", "no-follow-up"]),
        (date(2026, 11, 3), "run", ["jargon"]),
        (date(2026, 11, 10), "case", ["blaming-others", "jargon"]),
        (date(2026, 11, 12), "review", ["no-follow-up"]),
        (date(2026, 11, 19), "run", ["overpromising", "jargon"]),
        (date(2026, 11, 20), "compliance case", ["blaming-others"]),
    ]
    for index, (day, source, slugs) in enumerate(plan):
        for person, leader in ((agent, supervisor), (other_agent, other_supervisor)):
            team = person.membership.team.name
            if person == other_agent and index % 2:
                continue  # South gets fewer, so the two teams' figures differ
            with time_machine.travel(datetime(day.year, day.month, day.day, 12), tick=False):
                if source == "review":
                    interaction = self_score(person, reference=f"ZD-{index}").interaction
                    review(interaction, leader).root_causes.add(*tags(*slugs))
                elif source == "run":
                    run = checklist_run(person)
                    no = run.answers.get(answer="no")
                    run_root_causes_set(run=run, runner=person, chosen={no.pk: tags(*slugs)})
                else:
                    case, _ = concern_raise(
                        reporter=person,
                        category="gift" if source == "case" else "breach",
                        description="Something went wrong.",
                        anonymous=False,
                    )
                    case_root_causes_set(case=case, root_causes=tags(*slugs))
                    team = team if source == "case" else None
            written += [(day, team, slug) for slug in slugs]
    return written


def expected(written, teams):
    rows = [(day, slug) for day, team, slug in written if in_period(day) and team in teams]
    top = Counter(slug for _, slug in rows)
    weeks = Counter(monday(day) for day, _ in rows)
    return top, weeks


def shown(context):
    figures = context["root_causes"]
    return (
        {row["slug"]: row["count"] for row in figures["top"]},
        {row["week"]: row["total"] for row in figures["trend"] if row["total"]},
    )


@time_machine.travel(NOW, tick=False)
def test_the_team_dashboard_counts_its_teams_tags(login, supervisor, tagged):
    top, weeks = expected(tagged, {"North"})
    assert top == {"jargon": 4, "no-follow-up": 2, "blaming-others": 1, "overpromising": 1}
    context = login(supervisor).get("/dashboard/", PERIOD).context
    assert shown(context) == (top, weeks)
    assert [row["slug"] for row in context["root_causes"]["top"]][:2] == ["jargon", "no-follow-up"]


@time_machine.travel(NOW, tick=False)
def test_the_organisation_dashboard_counts_every_tag(login, admin_user, north, tagged):
    top, weeks = expected(tagged, {"North", "South", None})
    context = login(admin_user).get("/dashboard/organisation/", PERIOD).context
    assert shown(context) == (top, weeks)
    # One team chosen: its tags only, no compliance case.
    chosen = login(admin_user).get("/dashboard/organisation/", {**PERIOD, "team": north.pk})
    assert shown(chosen.context) == expected(tagged, {"North"})


@time_machine.travel(NOW, tick=False)
def test_an_agent_filter_leaves_cases_out(login, supervisor, agent, tagged):
    context = login(supervisor).get("/dashboard/", {**PERIOD, "agent": agent.pk}).context
    rows = [
        (d, s) for d, t, s in tagged if in_period(d) and t == "North" and d != date(2026, 11, 10)
    ]
    assert shown(context)[0] == Counter(slug for _, slug in rows)


def test_the_run_and_case_pages_stay_constant(login, agent, supervisor, django_assert_num_queries):
    """The tagging forms cost the same with one "no" or several, no tag or many."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    checklist = Checklist.objects.get(kind=Checklist.Kind.INTERACTION)
    items = list(checklist.items.filter(is_active=True, breach_when_no=False))
    assert len(items) >= 3

    def run_with(no_count, reference):
        answers = {item.id: ("yes", "") for item in checklist.items.filter(is_active=True)}
        for item in items[:no_count]:
            answers[item.id] = ("no", "Not this time.")
        run = checklist_run_create(
            checklist=checklist,
            runner=agent,
            interaction=self_score(agent, reference=reference).interaction,
            answers=answers,
        )
        for answer in run.answers.filter(answer="no"):
            answer.root_causes.add(*tags("jargon", "overpromising"))
        return run

    def queries(client, url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client = login(agent)
    one, three = run_with(1, "ZD-ONE"), run_with(3, "ZD-THREE")
    assert queries(client, f"/checklists/runs/{one.pk}/") == queries(
        client, f"/checklists/runs/{three.pk}/"
    )

    plain, _ = concern_raise(reporter=agent, category="gift", description="A.", anonymous=False)
    busy, _ = concern_raise(reporter=agent, category="gift", description="B.", anonymous=False)
    case_root_causes_set(case=busy, root_causes=tags("jargon", "overpromising", "no-follow-up"))
    client = login(supervisor)
    assert queries(client, f"/cases/{plain.pk}/") == queries(client, f"/cases/{busy.pk}/")
