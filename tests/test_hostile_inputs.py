"""Every form and API endpoint against the hostile-input corpus (tests/hostile_corpus.py).

For each endpoint one field of an otherwise valid request is replaced by each hostile value.
Whatever is sent: never a 5xx; a rejected request shows a clear message (a form error, a flash
message or a JSON field error) and leaves the row count of every table unchanged; text that is
accepted is shown back escaped. Then: posts without a CSRF token, tampered hidden ids and other
people's objects.

The people and records are made once for the module inside a transaction that is rolled back
at the end; each test runs in its own savepoint on top of it.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.forms import BaseForm
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.html import escape

from cases.services import concern_raise
from checklists.models import Checklist, ProofPlanTask
from checklists.services import (
    checklist_run_create,
    decision_record_create,
    service_change_review_create,
    triage_request_log,
)
from core.privacy import find_personal_data
from rubrics.disputes import dispute_raise
from rubrics.models import Rubric
from scripts_library.models import Script
from signin.two_factor import two_factor_required
from teams.models import ApiToken, Role, Team
from tests.conftest import make_user, pass_second_factor, review, self_score
from tests.hostile_corpus import HOSTILE_VALUES, IMG, MISSING, RAW, SCRIPT, Hostile
from training.models import Dilemma, Module

RATINGS = {"empathy": 4, "accuracy": 5, "fairness": 3, "transparency": 4, "respect": 5}
FORM_CONTENT = "application/x-www-form-urlencoded"


# The world: people and records, made once -------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        with transaction.atomic():
            yield _build_world()
            transaction.set_rollback(True)
    cache.clear()


def _build_world():
    north, south = Team.objects.create(name="North"), Team.objects.create(name="South")
    people = {
        "agent": make_user("alice", Role.AGENT, team=north),
        "other_agent": make_user("oscar", Role.AGENT, team=south),
        "supervisor": make_user("sue", Role.SUPERVISOR, leads=[north]),
        "other_supervisor": make_user("sam", Role.SUPERVISOR, leads=[south]),
        "admin": make_user("ada", Role.ADMIN, is_staff=True),
    }
    agent, oscar, sue = people["agent"], people["other_agent"], people["supervisor"]
    w = {"people": people, "north": north, "south": south, "rubric": Rubric.objects.current()}
    w["fresh"] = self_score(agent, reference="ZD-FRESH").interaction
    w["reviewed"] = self_score(agent, reference="ZD-REVIEWED").interaction
    review(w["reviewed"], sue)
    w["disputed"] = self_score(agent, reference="ZD-DISPUTED").interaction
    review(w["disputed"], sue, {**RATINGS, "fairness": 2})
    w["dispute"] = dispute_raise(
        interaction=w["disputed"], agent=agent, reason="Fair enough call.", proposed={"fairness": 4}
    )
    w["oscar_interaction"] = self_score(oscar, reference="ZD-OSCAR").interaction
    w["oscar_reviewed"] = self_score(oscar, reference="ZD-OSCAR2").interaction
    review(w["oscar_reviewed"], people["other_supervisor"], {**RATINGS, "fairness": 2})
    w["oscar_dispute"] = dispute_raise(
        interaction=w["oscar_reviewed"], agent=oscar, reason="I disagree.", proposed={"fairness": 4}
    )
    checklists = {c.kind: c for c in Checklist.objects.filter(is_active=True)}
    w["interaction_checklist"] = checklists[Checklist.Kind.INTERACTION]
    w["policy_checklist"] = checklists[Checklist.Kind.POLICY]
    w["service_checklist"] = checklists[Checklist.Kind.SERVICE_CHANGE]
    w["oscar_run"] = checklist_run_create(
        checklist=w["interaction_checklist"],
        runner=oscar,
        interaction=w["oscar_interaction"],
        answers={item.id: ("yes", "") for item in _items(w["interaction_checklist"])},
    )
    w["service_change"] = service_change_review_create(
        proposed_by=sue,
        title="Close the phone line on Sundays",
        description="Weekend phone cover ends.",
        answers={item.id: ("low", "Fine.") for item in _items(w["service_checklist"])},
    )
    triage = {"ethical_risk": "high", "business_impact": "low", "description": "Refund."}
    w["triage"] = triage_request_log(logged_by=agent, **triage)
    w["oscar_triage"] = triage_request_log(logged_by=oscar, **triage)
    decision = {
        name: "Thought it through."
        for name in [
            "issue",
            "values_at_stake",
            "facts",
            "policies",
            "alternatives",
            "consequences",
            "decision",
            "actions",
        ]
    }
    decision["follow_up_on"] = timezone.localdate() + timedelta(days=7)
    w["decision"] = decision_record_create(author=agent, fields=decision)
    w["oscar_decision"] = decision_record_create(author=oscar, fields=decision)
    w["case"], _ = concern_raise(
        reporter=agent, category="violation", description="Pushed to upsell.", anonymous=False
    )
    w["concern"] = w["case"].concern
    w["dilemma"] = Dilemma.objects.published().order_by("pk").first()
    w["module"] = Module.objects.get(slug="data-and-privacy")
    w["task"] = ProofPlanTask.objects.first()
    w["script"] = next(s for s in Script.objects.published() if s.placeholders)
    w["oscar_token"], _ = ApiToken.issue(user=oscar, name="Oscar's helpdesk")
    w["keys"] = {name: ApiToken.issue(user=user, name="API")[1] for name, user in people.items()}
    # Sessions made here outlive each test's rollback, so every test can reuse them.
    w["sessions"] = {}
    for name, user in people.items():
        client = Client()
        client.force_login(user)
        if two_factor_required(user):
            pass_second_factor(client, user)
        w["sessions"][name] = client.cookies["sessionid"].value
    # Every case starts from this state, so one count serves as every case's "before".
    w["counts"] = row_counts()
    return w


def _items(checklist):
    return list(checklist.items.filter(is_active=True))


@pytest.fixture
def db(world, django_db_blocker):
    """Database access for one case: a savepoint of the world's transaction, rolled back after.

    It stands in for pytest-django's `db` fixture (whose name also tells pytest-django to set up
    the test database): a test transaction per case costs ten times more, over 1,000 cases.
    """
    cache.clear()  # the API's throttles count requests in the cache
    with django_db_blocker.unblock():
        savepoint = transaction.savepoint()
        yield world
        transaction.savepoint_rollback(savepoint)


def client_for(world, persona, **kwargs):
    client = Client(**kwargs)
    if persona is not None:
        client.cookies["sessionid"] = world["sessions"][persona]
    return client


# Row counts of every table, in one query ---------------------------------------------------


def row_counts() -> dict[str, int]:
    tables = sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)})
    sql = "SELECT " + ", ".join(
        f"(SELECT count(*) FROM {connection.ops.quote_name(table)})" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


# What the response says -------------------------------------------------------------------


def _forms_in(response):
    if response.context is None:
        return []
    found = []
    for context in response.context:
        for value in context.flatten().values():
            if isinstance(value, BaseForm) and value.is_bound and value not in found:
                found.append(value)
    return found


def shown_errors(response) -> list[str]:
    """The error messages the response carries and shows: form errors, error flashes, JSON."""
    if getattr(response, "streaming", False):
        return []
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json"):
        body = response.json()
        return [str(value) for value in _leaves(body)] if response.status_code >= 400 else []
    if content_type.startswith("text/plain"):
        return [response.content.decode()] if response.status_code >= 400 else []
    html = response.content.decode()
    errors = [
        message
        for form in _forms_in(response)
        for field_errors in form.errors.values()
        for message in field_errors
    ]
    if response.context is not None:
        refused = response.context.get("refused") or {}
        errors += refused.get("errors", [])
    shown = [message for message in errors if escape(message) in html]
    shown += [
        message.message
        for message in get_messages(response.wsgi_request)
        if message.level >= message_levels.WARNING
    ]
    return shown


def _leaves(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _leaves(value)
    elif isinstance(data, list):
        for value in data:
            yield from _leaves(value)
    elif data not in (None, ""):
        yield data


def assert_nothing_unescaped(response):
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert SCRIPT not in html
        assert IMG not in html


# Targets: one field of one endpoint ---------------------------------------------------------


@dataclass
class Target:
    id: str
    persona: str
    url: object  # world -> path
    valid: object  # world -> dict of field -> value (the request that succeeds)
    field: str  # the field to replace; for JSON bodies a dotted path
    kind: str  # "text", "choice" (no hostile value is valid) or "token" (anything goes)
    max_length: int = 0
    required: bool = True
    method: str = "post"
    api: bool = False
    # Where accepted text is shown: "redirect" (the page redirected to), "response", a
    # function of the world giving the page's URL, or None.
    shown: object = "redirect"
    privacy: bool = True  # the field refuses e-mail addresses, phone and card numbers
    valid_ids: frozenset = frozenset()  # hostile values that happen to be valid here
    not_found_ok: bool = False  # an id field: a number that is not yours is a 404

    def expects_acceptance(self, value: Hostile) -> bool:
        if self.kind == "token" or value.id in self.valid_ids:
            return True
        json_body = self.api and self.method == "post"
        raw = value.json if json_body else value.effective_form_text()
        if raw is MISSING or (not json_body and raw == ""):
            return not self.required
        if raw is None:
            return False
        if isinstance(raw, str) and not raw.strip():
            return not self.required and self.kind == "text"
        if self.kind != "text":
            return False
        if isinstance(raw, RAW):
            # Numbers JSON can carry but Python cannot write: 1e309 reads as infinity ("inf").
            try:
                raw = json.loads(raw.text, parse_constant=_refuse_constant)
            except (ValueError, RecursionError):
                return False
        if json_body:
            # DRF writes numbers into text fields as text; it refuses other types.
            if isinstance(raw, bool) or not isinstance(raw, str | int | float):
                return False
            raw = str(raw)
        return (
            len(raw.strip()) <= self.max_length
            and "\x00" not in raw
            and not any("\ud800" <= char <= "\udfff" for char in raw)
            and not (self.privacy and find_personal_data(raw))
        )


def _refuse_constant(name):
    raise ValueError(f"DRF's parser refuses {name}")


def _self_score_valid(w):
    return {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "reference": "ZD-4821",
        "topic": "Refund request",
        "summary": "",
        "rubric_version": str(w["rubric"].version),
        "submission_token": str(uuid.uuid4()),
        **{f"rating_{key}": str(value) for key, value in RATINGS.items()},
    }


def _ratings_form(w):
    return {
        "rubric_version": str(w["rubric"].version),
        **{f"rating_{key}": str(value) for key, value in RATINGS.items()},
    }


def _run_valid(w, checklist="interaction_checklist"):
    data = {f"answer_{item.id}": "yes" for item in _items(w[checklist])}
    if checklist == "interaction_checklist":
        data["interaction"] = str(w["fresh"].pk)
    else:
        data["policy_change"] = "New refund window"
    return data


def _service_change_valid(w):
    data = {"title": "Shorter refund window", "description": "From 30 to 14 days."}
    for item in _items(w["service_checklist"]):
        data[f"risk_{item.id}"] = "low"
        data[f"note_{item.id}"] = "Little risk."
    return data


def _decision_valid(w):
    data = {
        name: "Weighed it."
        for name in [
            "issue",
            "values_at_stake",
            "facts",
            "policies",
            "alternatives",
            "consequences",
            "decision",
            "actions",
        ]
    }
    data["follow_up_on"] = (timezone.localdate() + timedelta(days=7)).isoformat()
    return data


def _api_interaction_valid(w):
    return {
        "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "channel": "phone",
        "reference": "ZD-4821",
        "topic": "Refund request",
        "summary": "",
        "self_evaluation": {"ratings": dict(RATINGS), "comments": {}},
    }


def _first_item(w, checklist):
    return _items(w[checklist])[0].id


TARGETS = [
    # Self-scoring, correcting, reviewing, disputing, settling, coaching, sampling.
    Target(
        "score.reference", "agent", lambda w: "/score/", _self_score_valid, "reference", "text", 64
    ),
    Target(
        "score.rating", "agent", lambda w: "/score/", _self_score_valid, "rating_empathy", "choice"
    ),
    Target(
        "score.occurred_at",
        "agent",
        lambda w: "/score/",
        _self_score_valid,
        "occurred_at",
        "choice",
    ),
    Target(
        "score.rubric_version",
        "agent",
        lambda w: "/score/",
        _self_score_valid,
        "rubric_version",
        "choice",
    ),
    Target(
        "score.submission_token",
        "agent",
        lambda w: "/score/",
        _self_score_valid,
        "submission_token",
        "token",
        shown=None,
    ),
    Target(
        "correct.reason",
        "agent",
        lambda w: f"/interactions/{w['fresh'].pk}/correct/",
        lambda w: {**_ratings_form(w), "reason": "Misread the call."},
        "reason",
        "text",
        1000,
        shown=None,
    ),
    Target(
        "review.comment",
        "supervisor",
        lambda w: f"/interactions/{w['fresh'].pk}/review/",
        lambda w: {**_ratings_form(w), "comment": "Good call."},
        "comment",
        "text",
        2000,
        required=False,
    ),
    Target(
        "review.rating",
        "supervisor",
        lambda w: f"/interactions/{w['fresh'].pk}/review/",
        lambda w: {**_ratings_form(w), "comment": ""},
        "rating_accuracy",
        "choice",
    ),
    Target(
        "dispute.reason",
        "agent",
        lambda w: f"/interactions/{w['reviewed'].pk}/dispute/",
        lambda w: {"reason": "The refund was right.", "propose_fairness": "4"},
        "reason",
        "text",
        2000,
    ),
    Target(
        "dispute.proposal",
        "agent",
        lambda w: f"/interactions/{w['reviewed'].pk}/dispute/",
        lambda w: {"reason": "The refund was right.", "propose_fairness": "4"},
        "propose_fairness",
        "choice",
    ),
    Target(
        "resolve.reason",
        "supervisor",
        lambda w: f"/disputes/{w['dispute'].pk}/resolve/",
        lambda w: {"decision": "rejected", "reason": "The review stands."},
        "reason",
        "text",
        2000,
    ),
    Target(
        "coaching.body",
        "supervisor",
        lambda w: f"/interactions/{w['reviewed'].pk}/coaching/",
        lambda w: {"body": "Offer the credit sooner."},
        "body",
        "text",
        2000,
    ),
    Target(
        "sample.per_agent",
        "supervisor",
        lambda w: "/reviews/sample/",
        lambda w: {"per_agent": "2"},
        "per_agent",
        "choice",
        valid_ids=frozenset({"six"}),
    ),
    Target(
        "sample.team",
        "supervisor",
        lambda w: "/reviews/sample/",
        lambda w: {"per_agent": "2", "team": str(w["north"].pk)},
        "team",
        "choice",
        required=False,
        not_found_ok=True,
    ),
    # Profile and library.
    Target(
        "profile.token_name",
        "agent",
        lambda w: "/profile/",
        lambda w: {"name": "Zendesk"},
        "name",
        "text",
        60,
        shown="response",
        privacy=False,
    ),
    Target(
        "library.fill",
        "agent",
        lambda w: f"/library/scripts/{w['script'].slug}/fill/",
        lambda w: {"p0": "Sam"},
        "p0",
        "text",
        200,
        required=False,
        shown="response",
        privacy=False,
    ),
    Target(
        "library.acknowledge",
        "agent",
        lambda w: f"/library/scripts/{w['script'].slug}/acknowledge/",
        lambda w: {"version": str(w["script"].version)},
        "version",
        "choice",
        shown=None,
    ),
    # Training: only a response of the dilemma answered is a valid choice.
    Target(
        "training.answer",
        "agent",
        lambda w: f"/training/dilemmas/{w['dilemma'].pk}/answer/",
        lambda w: {"option": str(w["dilemma"].options.get(verdict="best").pk)},
        "option",
        "choice",
        shown=None,
    ),
    Target(
        "training.module",
        "agent",
        lambda w: f"/training/modules/{w['module'].slug}/",
        lambda w: {
            f"dilemma-{d.pk}": str(d.options.get(verdict="best").pk)
            for d in w["module"].dilemmas.all()
        },
        "FIRST_DILEMMA",
        "choice",
        shown=None,
    ),
    # Checklists and decision tools.
    Target(
        "run.note",
        "agent",
        lambda w: f"/checklists/{w['interaction_checklist'].slug}/run/",
        lambda w: {
            **_run_valid(w),
            f"answer_{_first_item(w, 'interaction_checklist')}": "no",
            f"note_{_first_item(w, 'interaction_checklist')}": "Missed it.",
        },
        "note_FIRST",
        "text",
        1000,
    ),
    Target(
        "run.answer",
        "agent",
        lambda w: f"/checklists/{w['interaction_checklist'].slug}/run/",
        _run_valid,
        "answer_FIRST",
        "choice",
    ),
    # A run may be made before acting, about no interaction yet.
    Target(
        "run.interaction",
        "agent",
        lambda w: f"/checklists/{w['interaction_checklist'].slug}/run/",
        _run_valid,
        "interaction",
        "choice",
        required=False,
    ),
    Target(
        "run.ticket_reference",
        "agent",
        lambda w: f"/checklists/{w['interaction_checklist'].slug}/run/",
        _run_valid,
        "ticket_reference",
        "text",
        64,
        required=False,
    ),
    Target(
        "service_change.title",
        "supervisor",
        lambda w: "/service-changes/new/",
        _service_change_valid,
        "title",
        "text",
        160,
    ),
    Target(
        "triage.description",
        "agent",
        lambda w: "/triage/new/",
        lambda w: {
            "description": "Wants a refund.",
            "reference": "",
            "ethical_risk": "high",
            "business_impact": "low",
        },
        "description",
        "text",
        1000,
    ),
    Target(
        "triage.outcome",
        "agent",
        lambda w: f"/triage/{w['triage'].pk}/resolve/",
        lambda w: {"outcome": "Refunded."},
        "outcome",
        "text",
        2000,
        shown=lambda w: f"/triage/{w['triage'].pk}/",
    ),
    Target(
        "decision.issue",
        "agent",
        lambda w: "/decisions/new/",
        _decision_valid,
        "issue",
        "text",
        2000,
    ),
    Target(
        "decision.follow_up_on",
        "agent",
        lambda w: "/decisions/new/",
        _decision_valid,
        "follow_up_on",
        "choice",
    ),
    Target(
        "concern.description",
        "agent",
        lambda w: "/concerns/new/",
        lambda w: {"category": "violation", "description": "Told to hide the fee."},
        "description",
        "text",
        4000,
        shown=None,
    ),
    Target(
        "case.outcome",
        "admin",
        lambda w: f"/cases/{w['case'].pk}/status/",
        lambda w: {"status": "closed", "outcome": "Coached."},
        "outcome",
        "text",
        4000,
        shown=lambda w: f"/cases/{w['case'].pk}/",
    ),
    Target(
        "proof_plan.notes",
        "agent",
        lambda w: f"/proof-plan/tasks/{w['task'].pk}/",
        lambda w: {"done": "on", "notes": "Done on Monday."},
        "notes",
        "text",
        3000,
        required=False,
    ),
    # The API.
    Target(
        "api.reference",
        "agent",
        lambda w: "/api/v1/interactions/",
        _api_interaction_valid,
        "reference",
        "text",
        64,
        api=True,
        shown=None,
    ),
    Target(
        "api.channel",
        "agent",
        lambda w: "/api/v1/interactions/",
        _api_interaction_valid,
        "channel",
        "choice",
        api=True,
    ),
    Target(
        "api.rating",
        "agent",
        lambda w: "/api/v1/interactions/",
        _api_interaction_valid,
        "self_evaluation.ratings.empathy",
        "choice",
        api=True,
    ),
    Target(
        "api.review_comment",
        "supervisor",
        lambda w: f"/api/v1/interactions/{w['fresh'].pk}/reviews/",
        lambda w: {"ratings": dict(RATINGS), "comment": "Good."},
        "comment",
        "text",
        2000,
        required=False,
        api=True,
        shown=None,
    ),
    Target(
        "api.review_rating",
        "supervisor",
        lambda w: f"/api/v1/interactions/{w['fresh'].pk}/reviews/",
        lambda w: {"ratings": dict(RATINGS)},
        "ratings.respect",
        "choice",
        api=True,
    ),
    # Filters and searches (GET).
    Target(
        "dashboard.team",
        "supervisor",
        lambda w: "/dashboard/",
        lambda w: {"team": str(w["north"].pk)},
        "team",
        "choice",
        method="get",
        required=False,
        not_found_ok=True,
    ),
    Target(
        "dashboard.threshold",
        "supervisor",
        lambda w: "/dashboard/",
        lambda w: {"threshold": "60"},
        "threshold",
        "choice",
        method="get",
        required=False,
        valid_ids=frozenset({"zero", "six"}),
    ),
    Target(
        "organisation.agent",
        "admin",
        lambda w: "/dashboard/organisation/",
        lambda w: {},
        "agent",
        "choice",
        method="get",
        required=False,
        not_found_ok=True,
    ),
    Target(
        "export.date_to",
        "supervisor",
        lambda w: "/dashboard/export.csv",
        lambda w: {},
        "date_to",
        "choice",
        method="get",
        required=False,
    ),
    Target(
        "queue.team",
        "supervisor",
        lambda w: "/reviews/",
        lambda w: {"team": str(w["north"].pk)},
        "team",
        "choice",
        method="get",
        required=False,
        # A whole number that is not one of the supervisor's teams: someone else's, 404.
        not_found_ok=True,
    ),
    Target(
        "my_scores.date_from",
        "agent",
        lambda w: "/my/scores/",
        lambda w: {},
        "date_from",
        "choice",
        method="get",
        required=False,
    ),
    Target(
        "search.q",
        "agent",
        lambda w: "/library/search/",
        lambda w: {"q": "refund"},
        "q",
        "text",
        200,
        method="get",
        required=False,
        privacy=False,
        shown="response",
    ),
    Target(
        "runs.only",
        "agent",
        lambda w: "/checklists/runs/",
        lambda w: {"only": "no"},
        "only",
        "token",
        method="get",
        shown=None,
    ),
    Target(
        "evidence.date_from",
        "agent",
        lambda w: "/proof-plan/evidence/",
        lambda w: {},
        "date_from",
        "choice",
        method="get",
        required=False,
    ),
    Target(
        "api.list.team",
        "supervisor",
        lambda w: "/api/v1/interactions/",
        lambda w: {"team": str(w["north"].pk)},
        "team",
        "choice",
        method="get",
        api=True,
        valid_ids=frozenset({"missing", "six", "int32-overflow"}),
    ),
    Target(
        "api.summary.from",
        "supervisor",
        lambda w: f"/api/v1/teams/{w['north'].pk}/summary/",
        lambda w: {},
        "from",
        "choice",
        method="get",
        api=True,
        valid_ids=frozenset({"missing"}),
    ),
    Target(
        "api.scripts.q",
        "agent",
        lambda w: "/api/v1/scripts/",
        lambda w: {},
        "q",
        "text",
        200,
        method="get",
        required=False,
        api=True,
        privacy=False,
        shown=None,
    ),
]


CASES = [
    pytest.param(target, value, id=f"{target.id}-{value.id}")
    for target in TARGETS
    for value in HOSTILE_VALUES
]


def _resolve_field(target, world):
    """FIRST stands for the first active item of the checklist the target posts to;
    FIRST_DILEMMA for the first dilemma of the module the target sits."""
    if "FIRST" not in target.field:
        return target.field
    if target.field == "FIRST_DILEMMA":
        return f"dilemma-{world['module'].dilemmas.order_by('pk').first().pk}"
    checklist = {
        "run.note": "interaction_checklist",
        "run.answer": "interaction_checklist",
    }[target.id]
    return target.field.replace("FIRST", str(_first_item(world, checklist)))


def _form_body(data: dict, name: str, value) -> str:
    pairs = []
    for key, current in data.items():
        if key == name:
            current = value
        if current is MISSING:
            continue
        for one in current if isinstance(current, list) else [current]:
            pairs.append((key, one))
    if name not in data and value is not MISSING:
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, one))
    return urlencode(pairs)


def _json_body(data: dict, path: str, value) -> str:
    """The JSON text of `data` with `path` set to `value` (RAW text spliced in as it is)."""
    marker = "__HOSTILE__"
    data = json.loads(json.dumps(data))
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is MISSING:
        node.pop(last, None)
        return json.dumps(data)
    node[last] = marker
    text = json.dumps(data)
    replacement = value.text if isinstance(value, RAW) else json.dumps(value)
    return text.replace(json.dumps(marker), replacement)


def send(target, world, value, client=None, valid_only=False):
    """The target's valid request with its field set to `value` (left as it is if valid_only)."""
    client = client or client_for(world, target.persona)
    url = target.url(world)
    data = target.valid(world)
    name = _resolve_field(target, world)
    if valid_only:
        name = "__unused__"
    headers = {}
    if target.api:
        headers["HTTP_AUTHORIZATION"] = f"Token {world['keys'][target.persona]}"
    if target.method == "get":
        return client.get(f"{url}?{_form_body(data, name, value.form)}", **headers)
    if target.api:
        body = _json_body(data, name, value.json)
        return client.post(url, body, content_type="application/json", **headers)
    return client.post(url, _form_body(data, name, value.form), content_type=FORM_CONTENT)


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
def test_the_valid_request_of_each_target_is_accepted(db, target):
    """The baseline each hostile case changes one field of: proves that field is what fails."""
    response = send(target, db, Hostile("valid", MISSING, MISSING), valid_only=True)
    assert response.status_code in (200, 201, 302), response.content[:2000]
    assert not shown_errors(response), shown_errors(response)


@pytest.mark.parametrize(("target", "value"), CASES)
def test_hostile_value(db, target, value):
    world = db
    response = send(target, world, value)
    assert response.status_code < 500
    assert_nothing_unescaped(response)
    if target.expects_acceptance(value):
        assert response.status_code in (200, 201, 302), response.content[:2000]
        assert not shown_errors(response), shown_errors(response)
        _assert_shown_escaped(target, world, value, response)
    elif target.not_found_ok and response.status_code == 404:
        assert row_counts() == world["counts"]
    else:
        assert response.status_code in (200, 302, 400), response.content[:2000]
        assert shown_errors(response), response.content.decode()[:3000]
        assert row_counts() == world["counts"]


def _assert_shown_escaped(target, world, value, response):
    text = value.effective_form_text()
    if target.shown is None or text not in (SCRIPT, IMG):
        return
    if target.shown == "redirect":
        assert response.status_code == 302
        response = client_for(world, target.persona).get(response["Location"])
    elif callable(target.shown):
        response = client_for(world, target.persona).get(target.shown(world))
    html = response.content.decode()
    assert SCRIPT not in html and IMG not in html
    assert escape(text) in html


# A missing CSRF token ------------------------------------------------------------------------

WEB_POSTS = [t for t in TARGETS if t.method == "post" and not t.api]


@pytest.mark.parametrize("target", WEB_POSTS, ids=[t.id for t in WEB_POSTS])
def test_a_post_without_its_csrf_token_is_refused_with_the_friendly_page(db, target):
    client = client_for(db, target.persona, enforce_csrf_checks=True)
    response = send(target, db, Hostile("valid", MISSING, MISSING), client=client, valid_only=True)
    assert response.status_code == 403
    assert "That form could not be sent" in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert row_counts() == db["counts"]


def test_an_api_post_on_a_session_without_csrf_token_is_refused(db):
    client = client_for(db, "agent", enforce_csrf_checks=True)
    body = json.dumps(_api_interaction_valid(db))
    response = client.post("/api/v1/interactions/", body, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert row_counts() == db["counts"]


# Tampered hidden ids and other people's objects ----------------------------------------------


def test_another_agents_submission_token_is_refused_not_a_500(db):
    """A copied or tampered form token that another agent used: a message, nothing saved."""
    oscars_token = uuid.uuid4()
    self_score(db["people"]["other_agent"], reference="ZD-TOKEN")
    from rubrics.models import Interaction

    Interaction.objects.filter(reference="ZD-TOKEN").update(submission_token=oscars_token)
    counts = row_counts()
    data = {**_self_score_valid(db), "submission_token": str(oscars_token)}
    response = client_for(db, "agent").post("/score/", urlencode(data), content_type=FORM_CONTENT)
    assert response.status_code == 200
    assert "This form has already been used" in response.content.decode()
    assert row_counts() == counts
    api = client_for(db, "agent").post(
        "/api/v1/interactions/",
        json.dumps(_api_interaction_valid(db)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {db['keys']['agent']}",
        HTTP_IDEMPOTENCY_KEY=str(oscars_token),
    )
    assert api.status_code == 422
    assert "already been used" in api.json()["non_field_errors"][0]
    assert row_counts() == counts


def test_a_checklist_run_about_someone_elses_interaction_is_refused(db):
    data = {**_run_valid(db), "interaction": str(db["oscar_interaction"].pk)}
    response = client_for(db, "agent").post(
        f"/checklists/{db['interaction_checklist'].slug}/run/",
        urlencode(data),
        content_type=FORM_CONTENT,
    )
    assert response.status_code == 200
    assert "Choose one of the interactions you can see." in response.content.decode()
    assert row_counts() == db["counts"]


def test_answers_for_items_of_another_checklist_are_refused(db):
    foreign = _first_item(db, "policy_checklist")
    data = {**_run_valid(db), f"answer_{foreign}": "yes", f"note_{foreign}": "Sneaky."}
    response = client_for(db, "agent").post(
        f"/checklists/{db['interaction_checklist'].slug}/run/",
        urlencode(data),
        content_type=FORM_CONTENT,
    )
    assert response.status_code == 200
    assert escape("questions that are not on this checklist") in response.content.decode()
    assert row_counts() == db["counts"]


OTHER_PEOPLES_OBJECTS = [
    (
        "agent",
        "post",
        lambda w: f"/interactions/{w['oscar_interaction'].pk}/correct/",
        _ratings_form,
    ),
    (
        "supervisor",
        "post",
        lambda w: f"/interactions/{w['oscar_interaction'].pk}/review/",
        _ratings_form,
    ),
    (
        "agent",
        "post",
        lambda w: f"/interactions/{w['oscar_reviewed'].pk}/dispute/",
        lambda w: {"reason": "No.", "propose_fairness": "4"},
    ),
    (
        "supervisor",
        "post",
        lambda w: f"/disputes/{w['oscar_dispute'].pk}/resolve/",
        lambda w: {"decision": "rejected", "reason": "No."},
    ),
    (
        "supervisor",
        "post",
        lambda w: f"/interactions/{w['oscar_reviewed'].pk}/coaching/",
        lambda w: {"body": "Hi."},
    ),
    (
        "agent",
        "post",
        lambda w: f"/interactions/{w['oscar_reviewed'].pk}/acknowledge/",
        lambda w: {},
    ),
    ("agent", "post", lambda w: f"/profile/tokens/{w['oscar_token'].pk}/revoke/", lambda w: {}),
    (
        "agent",
        "post",
        lambda w: f"/triage/{w['oscar_triage'].pk}/resolve/",
        lambda w: {"outcome": "Done."},
    ),
    (
        "agent",
        "post",
        lambda w: f"/decisions/{w['oscar_decision'].pk}/follow-up/",
        lambda w: {"note": "Fine."},
    ),
    ("agent", "post", lambda w: f"/proof-plan/tasks/{2**63}/", lambda w: {"notes": "x"}),
    ("agent", "post", lambda w: f"/interactions/{2**63}/correct/", _ratings_form),
    ("other_agent", "get", lambda w: f"/concerns/{w['concern'].pk}/", lambda w: {}),
    ("agent", "get", lambda w: f"/checklists/runs/{w['oscar_run'].pk}/", lambda w: {}),
    (
        "supervisor",
        "get",
        lambda w: f"/proof-plan/evidence/{w['people']['other_agent'].pk}/",
        lambda w: {},
    ),
    ("supervisor", "get", lambda w: f"/dashboard/?team={w['south'].pk}", lambda w: {}),
    (
        "supervisor",
        "get",
        lambda w: f"/dashboard/export.csv?agent={w['people']['other_agent'].pk}",
        lambda w: {},
    ),
    (
        "supervisor",
        "api-post",
        lambda w: f"/api/v1/interactions/{w['oscar_interaction'].pk}/reviews/",
        lambda w: {"ratings": RATINGS},
    ),
    (
        "agent",
        "api-get",
        lambda w: f"/api/v1/interactions/{w['oscar_interaction'].pk}/",
        lambda w: {},
    ),
    ("supervisor", "api-get", lambda w: f"/api/v1/teams/{w['south'].pk}/summary/", lambda w: {}),
    ("supervisor", "api-get", lambda w: f"/api/v1/interactions/{2**63}/", lambda w: {}),
]


@pytest.mark.parametrize(
    ("persona", "method", "url", "data"),
    OTHER_PEOPLES_OBJECTS,
    ids=[f"{case[0]}-{case[1]}-{index}" for index, case in enumerate(OTHER_PEOPLES_OBJECTS)],
)
def test_other_peoples_objects_are_a_404_and_nothing_is_saved(db, persona, method, url, data):
    client = client_for(db, persona)
    token = {"HTTP_AUTHORIZATION": f"Token {db['keys'][persona]}"}
    if method == "post":
        response = client.post(url(db), urlencode(data(db)), content_type=FORM_CONTENT)
    elif method == "get":
        response = client.get(url(db))
    elif method == "api-post":
        body = json.dumps(data(db))
        response = client.post(url(db), body, content_type="application/json", **token)
    else:
        response = client.get(url(db), **token)
    assert response.status_code == 404
    assert response.content
    assert row_counts() == db["counts"]


# Regressions for what the corpus found ---------------------------------------------------------

EMPTY_POSTS = [
    ("agent", lambda w: "/profile/", "Give the token a name"),
    ("supervisor", lambda w: "/service-changes/new/", "This field is required."),
    ("agent", lambda w: "/triage/new/", "Choose the ethical risk: high or low."),
    ("agent", lambda w: "/decisions/new/", "This field is required."),
    ("agent", lambda w: "/concerns/new/", "Describe what happened."),
    ("agent", lambda w: f"/interactions/{w['reviewed'].pk}/dispute/", "Say why you disagree"),
    (
        "supervisor",
        lambda w: f"/disputes/{w['dispute'].pk}/resolve/",
        "Choose accept, partly accept or reject.",
    ),
]


@pytest.mark.parametrize(("persona", "url", "message"), EMPTY_POSTS)
def test_an_empty_post_shows_what_is_missing_instead_of_a_blank_form(db, persona, url, message):
    response = client_for(db, persona).post(url(db))
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert row_counts() == db["counts"]


@pytest.mark.parametrize(
    "body",
    ['{"reference": "ZD-\\ud800"}', '{"ratings": {"\\udfff": 4}}', "[" * 100000 + "]" * 100000],
    ids=["lone-surrogate-value", "lone-surrogate-key", "deep-nesting"],
)
def test_json_the_server_could_not_answer_about_is_a_400(db, body):
    response = client_for(db, "agent").post(
        "/api/v1/interactions/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {db['keys']['agent']}",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert row_counts() == db["counts"]


def test_an_api_search_with_a_nul_character_is_a_400(db):
    for path in ["/api/v1/scripts/", "/api/v1/faq/"]:
        response = client_for(db, "agent").get(
            f"{path}?q=refund%00", HTTP_AUTHORIZATION=f"Token {db['keys']['agent']}"
        )
        assert response.status_code == 400
        assert response.json() == {"q": ["Search words cannot contain a NUL character."]}


def test_the_evidence_page_says_which_date_it_could_not_read(db):
    response = client_for(db, "agent").get("/proof-plan/evidence/?date_from=soon")
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
