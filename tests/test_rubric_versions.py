"""Rubric versions in the admin: every saved change is a new version; scored evaluations keep theirs."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.forms import BooleanField
from django.urls import reverse
from django.utils import timezone

from rubrics.models import Criterion, Evaluation, Interaction, Rating, Rubric

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:rubrics_rubric_changelist")
ADD = reverse("admin:rubrics_rubric_add")


def change_url(rubric):
    return reverse("admin:rubrics_rubric_change", args=[rubric.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(client, url):
    """The POST an admin would send from the page at url without touching anything."""
    response = client.get(url)
    assert response.status_code == 200
    data = {"_save": "Save"}
    rubric_form = response.context["adminform"].form
    for name in rubric_form.fields:
        data[name] = rubric_form[name].value() or ""
    formset = response.context["inline_admin_formsets"][0].formset
    for name in formset.management_form.fields:
        data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, BooleanField):
                if value:  # an unticked checkbox is simply absent from a real POST
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else value
    return data


def criterion_prefix(data, key):
    for name, value in data.items():
        if name.endswith("-key") and value == key:
            return name.removesuffix("key")
    raise AssertionError(f"No criterion {key!r} in the form.")


def edit(data, criterion_key, /, **fields):
    prefix = criterion_prefix(data, criterion_key)
    for name, value in fields.items():
        if value is True:
            data[prefix + name] = "on"
        elif value is False:
            data.pop(prefix + name, None)
        else:
            data[prefix + name] = value
    return data


def weights(rubric):
    return {criterion.key: criterion.weight for criterion in rubric.criteria.all()}


@pytest.fixture
def version_1():
    return Rubric.objects.get(version=1)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def scored_on_version_1(agent, version_1):
    """Alice's self-score of one interaction, on version 1."""
    values = {"empathy": 2, "accuracy": 5, "fairness": 3, "transparency": 4, "respect": 5}
    result = version_1.score(values)
    interaction = Interaction.objects.create(
        agent=agent,
        team=agent.membership.team,
        occurred_at=timezone.now(),
        channel="phone",
        reference="ZD-4821",
        topic="Refund request",
    )
    evaluation = Evaluation.objects.create(
        interaction=interaction,
        rubric=version_1,
        kind=Evaluation.Kind.SELF,
        author=agent,
        score=result.score,
        percent=result.percent,
        critical_fail=result.critical_fail,
    )
    for criterion in version_1.criteria.all():
        Rating.objects.create(
            evaluation=evaluation, criterion=criterion, value=values[criterion.key]
        )
    return evaluation


def test_editing_weights_saves_version_2_and_leaves_version_1_as_it_was(admin_client, version_1):
    v1_criteria = list(version_1.criteria.values_list("pk", "key", "weight"))
    data = edit(form_data(admin_client, change_url(version_1)), "empathy", weight=30)
    edit(data, "respect", weight=10)

    response = admin_client.post(change_url(version_1), data)

    version_2 = Rubric.objects.get(version=2)
    assert response.status_code == 302
    assert response.url == change_url(version_2)
    assert messages_of(response) == [
        "Saved as version 2; evaluations already scored keep version 1."
    ]
    assert Rubric.objects.current() == version_2
    assert weights(version_2) == {
        "empathy": 30,
        "accuracy": 25,
        "fairness": 20,
        "transparency": 15,
        "respect": 10,
    }
    assert list(version_1.criteria.values_list("pk", "key", "weight")) == v1_criteria
    assert not set(version_2.criteria.values_list("pk", flat=True)) & {
        pk for pk, _, _ in v1_criteria
    }
    # The descriptors travel with the copy.
    old, new = version_1.criteria.get(key="fairness"), version_2.criteria.get(key="fairness")
    assert [new.description, *new.levels.values()] == [old.description, *old.levels.values()]


def test_an_evaluation_keeps_its_version_score_and_percent_after_an_edit(
    admin_client, version_1, scored_on_version_1
):
    before = Evaluation.objects.values("rubric", "score", "percent").get()
    assert (before["score"], before["percent"]) == (Decimal("3.70"), Decimal("67.5"))
    data = edit(form_data(admin_client, change_url(version_1)), "empathy", weight=30)
    edit(data, "respect", weight=10)

    admin_client.post(change_url(version_1), data)

    assert Rubric.objects.current().version == 2
    assert Evaluation.objects.values("rubric", "score", "percent").get() == before
    assert {rating.criterion.rubric for rating in scored_on_version_1.ratings.all()} == {version_1}


def test_weights_totalling_99_are_refused_and_make_no_version(admin_client, version_1):
    data = edit(form_data(admin_client, change_url(version_1)), "respect", weight=14)

    response = admin_client.post(change_url(version_1), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == ["The weights must total 100; they total 99."]
    assert "The weights must total 100; they total 99." in response.text
    assert list(Rubric.objects.values_list("version", flat=True)) == [1]
    assert version_1.criteria.get(key="respect").weight == 15
    # The page keeps its Save button, and the corrected form goes through.
    assert 'name="_save"' in response.text
    admin_client.post(change_url(version_1), edit(data, "empathy", weight=26))
    assert weights(Rubric.objects.get(version=2))["empathy"] == 26


def test_repeated_keys_are_refused_and_make_no_version(admin_client, version_1):
    data = edit(form_data(admin_client, change_url(version_1)), "respect", key="empathy")

    response = admin_client.post(change_url(version_1), data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Each criterion needs its own key; used more than once: empathy."
    ]
    assert Rubric.objects.count() == 1


def test_a_rubric_without_criteria_is_refused(admin_client, version_1):
    data = form_data(admin_client, change_url(version_1))
    for key in ["empathy", "accuracy", "fairness", "transparency", "respect"]:
        data[criterion_prefix(data, key) + "DELETE"] = "on"

    response = admin_client.post(change_url(version_1), data)

    assert response.status_code == 200
    assert "A rubric needs at least one criterion." in response.text
    assert Rubric.objects.count() == 1


@pytest.mark.parametrize("flag", ["critical", "allows_na"])
def test_marking_a_criterion_critical_or_not_applicable_makes_a_new_version(
    admin_client, version_1, flag
):
    data = edit(form_data(admin_client, change_url(version_1)), "accuracy", **{flag: True})

    response = admin_client.post(change_url(version_1), data)

    assert response.status_code == 302
    version_2 = Rubric.objects.get(version=2)
    assert list(version_2.criteria.filter(**{flag: True}).values_list("key", flat=True)) == [
        "accuracy"
    ]
    assert not version_1.criteria.filter(**{flag: True}).exists()


def test_added_criteria_are_kept_and_deleted_ones_left_out(admin_client, version_1):
    data = form_data(admin_client, change_url(version_1))
    data[criterion_prefix(data, "transparency") + "DELETE"] = "on"
    index = data["criteria-TOTAL_FORMS"]
    data["criteria-TOTAL_FORMS"] = index + 1
    data.update(
        {
            f"criteria-{index}-key": "confidentiality",
            f"criteria-{index}-name": "Confidentiality",
            f"criteria-{index}-weight": 15,
            f"criteria-{index}-position": 6,
            f"criteria-{index}-description": "Whether the agent kept account details private.",
            f"criteria-{index}-allows_na": "on",
            **{f"criteria-{index}-level_{level}": f"Level {level}." for level in range(1, 6)},
        }
    )

    response = admin_client.post(change_url(version_1), data)

    assert response.status_code == 302
    assert weights(Rubric.objects.get(version=2)) == {
        "empathy": 25,
        "accuracy": 25,
        "fairness": 20,
        "respect": 15,
        "confidentiality": 15,
    }
    assert Criterion.objects.get(key="confidentiality").allows_na
    assert version_1.criteria.count() == 5


def test_saving_without_a_change_makes_no_version(admin_client, version_1):
    data = form_data(admin_client, change_url(version_1))

    response = admin_client.post(change_url(version_1), data)

    assert response.status_code == 302
    assert response.url == change_url(version_1)
    assert messages_of(response) == [
        "Nothing changed, so no new version was made; version 1 is still current."
    ]
    assert list(Rubric.objects.values_list("version", flat=True)) == [1]


def test_changing_only_the_notes_is_a_new_version_too(admin_client, version_1):
    data = form_data(admin_client, change_url(version_1))
    data["notes"] = "Clarified the notes."

    admin_client.post(change_url(version_1), data)

    assert Rubric.objects.get(version=2).notes == "Clarified the notes."
    assert version_1.notes != "Clarified the notes."


def test_the_add_page_numbers_the_new_rubric_itself(admin_client, version_1):
    data = form_data(admin_client, ADD)
    assert "version" not in data
    data.update(
        {
            "name": "Short rubric",
            "version": 99,  # not a form field: ignored
            "criteria-TOTAL_FORMS": 1,
            "criteria-0-key": "respect",
            "criteria-0-name": "Respect",
            "criteria-0-weight": 100,
            "criteria-0-position": 1,
            "criteria-0-description": "Courtesy throughout.",
            **{f"criteria-0-level_{level}": f"Level {level}." for level in range(1, 6)},
        }
    )

    response = admin_client.post(ADD, data)

    added = Rubric.objects.get(name="Short rubric")
    assert added.version == 2
    assert response.url == change_url(added)
    assert messages_of(response) == [
        "Saved as version 2; evaluations already scored keep version 1."
    ]


def test_the_changelist_shows_which_version_is_current(admin_client, version_1):
    data = edit(form_data(admin_client, change_url(version_1)), "empathy", weight=30)
    admin_client.post(change_url(version_1), edit(data, "respect", weight=10))

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert "<span>Current</span>" in response.text
    rows = {rubric.version: rubric.is_latest for rubric in response.context["cl"].result_list}
    assert rows == {1: False, 2: True}


def test_an_earlier_version_is_read_only(admin_client, version_1):
    data = edit(form_data(admin_client, change_url(version_1)), "empathy", weight=30)
    admin_client.post(change_url(version_1), edit(data, "respect", weight=10))

    page = admin_client.get(change_url(version_1))

    assert page.status_code == 200
    assert "earlier version, kept read-only" in page.text
    assert 'name="criteria-0-weight"' not in page.text
    assert 'name="_save"' not in page.text


def test_a_stale_change_page_saves_nothing(admin_client, version_1):
    stale = edit(form_data(admin_client, change_url(version_1)), "empathy", weight=30)
    edit(stale, "respect", weight=10)
    data = edit(form_data(admin_client, change_url(version_1)), "accuracy", weight=35)
    admin_client.post(change_url(version_1), edit(data, "fairness", weight=10))

    response = admin_client.post(change_url(version_1), stale)

    version_2 = Rubric.objects.get(version=2)
    assert response.url == change_url(version_2)
    assert messages_of(response)[-1] == (
        "Version 1 is no longer current: version 2 was saved since. "
        "Nothing was saved; make your change on version 2."
    )
    assert Rubric.objects.count() == 2
    assert weights(version_2)["empathy"] == 25


def test_a_version_with_evaluations_cannot_be_deleted(admin_client, version_1, scored_on_version_1):
    delete_url = reverse("admin:rubrics_rubric_delete", args=[version_1.pk])

    page = admin_client.get(delete_url)
    response = admin_client.post(delete_url, {"post": "yes"})

    assert page.status_code == response.status_code == 200
    # Evaluations are protected twice over: by the foreign key and by being read-only in the admin.
    assert "<title>Cannot delete rubric" in response.text
    assert Rubric.objects.filter(pk=version_1.pk).exists()


def test_a_failed_save_leaves_no_half_made_version(admin_client, version_1, monkeypatch):
    data = edit(form_data(admin_client, change_url(version_1)), "empathy", weight=30)
    edit(data, "respect", weight=10)
    save = Criterion.save

    def failing_save(criterion, *args, **kwargs):
        if criterion.key == "respect":
            raise RuntimeError("database went away")
        return save(criterion, *args, **kwargs)

    monkeypatch.setattr(Criterion, "save", failing_save)

    with pytest.raises(RuntimeError):
        admin_client.post(change_url(version_1), data)

    assert Rubric.objects.count() == 1
    assert Criterion.objects.count() == 5


@pytest.mark.parametrize("persona", ["agent", "supervisor"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_agents_and_supervisors_cannot_reach_the_rubric_admin(
    client, request, persona, method, version_1
):
    client.force_login(request.getfixturevalue(persona))

    for url in [CHANGELIST, ADD, change_url(version_1)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    assert Rubric.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_admin_login(client, version_1):
    response = client.get(change_url(version_1))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
