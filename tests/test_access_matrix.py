"""The access matrix: every URL pattern of the app, for every persona, in one table.

The table below is keyed by every pattern Django's URL resolver knows (namespaced names such as
`api:interactions` or `admin:rubrics_evaluation_changelist`; the few unnamed patterns by their
route). A new URL without a row fails `test_every_url_pattern_has_a_row`, so nobody adds a page
without deciding who may open it. Each row is tried for each persona against one shared world of
records that each persona owns, and the answers must be exactly the ones in the table:

- LOGIN: a 302 to the login page with `?next=`; ADMIN_LOGIN: the same for the Django admin.
- 403: the role does not give access; 404: the object is someone else's (or does not exist for
  this persona); 200/302/400: allowed (a POST may be refused as bad input: the point is access).

And nowhere a 5xx; API errors are JSON.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from calibration.services import calibration_session_open
from cases.services import concern_raise
from checklists.models import Checklist, ProofPlanTask
from checklists.services import (
    checklist_run_create,
    concern_report,
    decision_record_create,
    proof_plan_task_update,
    service_change_review_create,
    triage_request_log,
)
from integrations.import_models import ImportJob
from integrations.models import AgentMapping, Connection, UnmappedAgent
from notifications.models import Notification
from qa.models import Assignment
from qa.services import assignment_rule_set
from rubrics.disputes import dispute_raise
from rubrics.models import RootCause, Rubric
from rubrics.recording import interaction_record
from scripts_library.models import (
    CommonMistake,
    FaqEntry,
    Phrase,
    Playbook,
    Script,
    ScriptCategory,
)
from signin.two_factor import two_factor_required
from teams.models import ApiToken, Membership, Role, Team
from tests.conftest import RATINGS, make_user, pass_second_factor, review, self_score
from tests.helpdesk import make_connection
from training.models import Dilemma, Module, Option
from training.services import assignment_create, module_submit

PERSONAS = ("anon", "agent", "other_agent", "supervisor", "other_supervisor", "admin")
LOGIN = "LOGIN"
ADMIN_LOGIN = "ADMIN_LOGIN"


def expect(*, anon, agent, other_agent, supervisor, other_supervisor, admin):
    """One answer per persona, all six named, so every cell of a row is a decision."""
    return {
        "anon": anon,
        "agent": agent,
        "other_agent": other_agent,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "admin": admin,
    }


@dataclass(frozen=True)
class Case:
    """One request to try: `kwargs` and `args` name objects of the world (see `world`)."""

    method: str
    expected: dict
    kwargs: dict = field(default_factory=dict)
    args: tuple = ()
    query: str = ""
    data: dict | None = None
    # Only for unnamed patterns, which cannot be reversed: the path, with {names} from the world.
    path: str = ""
    label: str = ""
    # For lists: a text (or a world name) of someone's record that exactly these personas find
    # in a 200 answer.
    mark: str = ""
    seen_by: tuple = ()


def get(expected, **options):
    return Case("get", expected, **options)


def options(expected, **kwargs):
    return Case("options", expected, **kwargs)


def post(expected, **options):
    return Case("post", expected, **options)


# The answers that recur. Pages first (anonymous people go to the login page), then the API
# (anonymous callers get 401). "Alice's" means a record of Alice's in North, which she, North's
# supervisor Sue and admins may see; Oscar (South) and Sam (leads South) get 404.
EVERYONE = expect(
    anon=200, agent=200, other_agent=200, supervisor=200, other_supervisor=200, admin=200
)
SIGNED_IN = expect(
    anon=LOGIN, agent=200, other_agent=200, supervisor=200, other_supervisor=200, admin=200
)
AGENTS = expect(
    anon=LOGIN, agent=200, other_agent=200, supervisor=403, other_supervisor=403, admin=403
)
SUPERVISORS = expect(
    anon=LOGIN, agent=403, other_agent=403, supervisor=200, other_supervisor=200, admin=403
)
LEADERS = expect(
    anon=LOGIN, agent=403, other_agent=403, supervisor=200, other_supervisor=200, admin=200
)
ADMINS = expect(
    anon=LOGIN, agent=403, other_agent=403, supervisor=403, other_supervisor=403, admin=200
)
ALICES = expect(
    anon=LOGIN, agent=200, other_agent=404, supervisor=200, other_supervisor=404, admin=200
)
OSCARS = expect(
    anon=LOGIN, agent=404, other_agent=200, supervisor=404, other_supervisor=200, admin=200
)
# An import Sue started: other leaders do not find it, agents lack the role; a POST redirects.
SUES_IMPORT = expect(
    anon=LOGIN, agent=403, other_agent=403, supervisor=200, other_supervisor=404, admin=200
)
SUES_IMPORT_POST = {**SUES_IMPORT, "supervisor": 302, "admin": 302}
# Alice's own actions on her records: other agents 404, leaders lack the role (403).
ALICE_ONLY = expect(
    anon=LOGIN, agent=200, other_agent=404, supervisor=403, other_supervisor=403, admin=403
)
# Reviewing North's work: its supervisor only; admins oversee but do not review.
NORTHS_REVIEWER = expect(
    anon=LOGIN, agent=403, other_agent=403, supervisor=200, other_supervisor=404, admin=403
)
# North's records for leaders (and settling Alice's dispute: the reviewer, Sue, or an admin).
NORTHS_LEADERS = expect(
    anon=LOGIN, agent=403, other_agent=403, supervisor=200, other_supervisor=404, admin=200
)
API_EVERYONE = expect(
    anon=401, agent=200, other_agent=200, supervisor=200, other_supervisor=200, admin=200
)
STAFF = expect(
    anon=ADMIN_LOGIN,
    agent=ADMIN_LOGIN,
    other_agent=ADMIN_LOGIN,
    supervisor=ADMIN_LOGIN,
    other_supervisor=ADMIN_LOGIN,
    admin=200,
)


def staff(admin_status):
    """A Django admin page: everyone but staff goes to the admin's login page."""
    return {**STAFF, "admin": admin_status}


# --- The table: the app's own pages and the API ---------------------------------------------

# One row per line reads as a table, so the formatter leaves it alone.
# fmt: off
MATRIX = {
    "home": [get(SIGNED_IN)],
    "healthz": [get(EVERYONE)],
    # Signed-in people are sent on to the home page.
    "login": [
        get(expect(anon=200, agent=302, other_agent=302, supervisor=302, other_supervisor=302, admin=302))
    ],
    # Logging out is a POST; everyone lands on the login page (no ?next=).
    "logout": [
        post(expect(anon=302, agent=302, other_agent=302, supervisor=302, other_supervisor=302, admin=302))
    ],
    "profile": [
        get(SIGNED_IN, mark="Matrix token of agent", seen_by=("agent",)),
        post(SIGNED_IN, data={}),
    ],
    "profile_export": [get(SIGNED_IN)],
    # Accounts: sessions and password self-service (a reset link is for anyone who has one).
    "sessions_end_others": [
        post(expect(anon=LOGIN, agent=302, other_agent=302, supervisor=302, other_supervisor=302, admin=302))
    ],
    "password_change": [get(SIGNED_IN), post(SIGNED_IN, data={})],
    "password_change_done": [get(SIGNED_IN)],
    "password_reset": [get(EVERYONE), post(EVERYONE, data={})],
    "password_reset_done": [get(EVERYONE)],
    "password_reset_confirm": [get(EVERYONE, path="accounts/password/reset/MQ/not-a-real-token/")],
    "password_reset_complete": [get(EVERYONE)],
    "audit_log": [get(ADMINS)],
    "audit_export": [get(ADMINS)],
    "token_revoke": [
        post(
            expect(anon=LOGIN, agent=302, other_agent=404, supervisor=404, other_supervisor=404, admin=404),
            kwargs={"pk": "alice_token"},
        )
    ],
    # Scoring
    "self_score": [get(AGENTS), post(AGENTS, data={})],
    "score_preview": [post(SIGNED_IN, data={"rubric_version": "rubric_version"})],
    "interaction_detail": [
        get(ALICES, kwargs={"pk": "alice_interaction"}, label="reviewed"),
        get(ALICES, kwargs={"pk": "alice_waiting"}, label="unreviewed"),
        get(OSCARS, kwargs={"pk": "oscar_interaction"}, label="south"),
        # Recorded by Sue for review, never self-scored.
        get(ALICES, kwargs={"pk": "alice_recorded"}, label="recorded"),
    ],
    "self_score_revise": [
        get(ALICE_ONLY, kwargs={"pk": "alice_waiting"}),
        post(ALICE_ONLY, kwargs={"pk": "alice_waiting"}, data={}),
    ],
    "my_scores": [get(AGENTS, mark="ZD-REVIEWED", seen_by=("agent",))],
    "my_reviews": [get(AGENTS, mark="ZD-REVIEWED", seen_by=("agent",))],
    # Reviewing is the supervisors' job; admins oversee but have no queue.
    "review_queue": [
        get(SUPERVISORS, mark="ZD-WAITING", seen_by=("supervisor",)),
        # Another team's id in the query is someone else's: 404.
        get(NORTHS_REVIEWER, query="team={north}", label="north"),
    ],
    # Recording an interaction to review: supervisors, for the agents of the teams they review.
    "interaction_record": [
        get(SUPERVISORS),
        post(SUPERVISORS, data={}),
        # Alice is Sue's agent: recorded, then on to the review (302); Sam is refused (200, the
        # form with its error).
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=302, other_supervisor=200, admin=403),
            data={"agent": "alice_username", "occurred_at": "record_when", "channel": "phone", "reference": "ZD-MATRIX-REC", "topic": "Refund request"},
            label="alice",
        ),
    ],
    "review_sample": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=302, other_supervisor=302, admin=403)
        ),
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=302, other_supervisor=404, admin=403),
            data={"team": "north", "per_agent": "1"},
            label="north",
        ),
    ],
    # Assignments: reviewers' own page; reassigning and skipping for the team's leaders.
    "my_assignments": [get(SUPERVISORS, mark="ZD-WAITING", seen_by=("supervisor",))],
    "assignment_reassign": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=302, other_supervisor=404, admin=302),
            kwargs={"pk": "alice_assignment"},
            data={"reviewer": "sue"},
        )
    ],
    "assignment_skip": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=302, other_supervisor=404, admin=302),
            kwargs={"pk": "alice_assignment"},
            data={"reason": "A test call, not a customer."},
        )
    ],
    "assignment_rules": [get(LEADERS, mark="2 per agent", seen_by=("supervisor", "admin"))],
    "assignment_rule_edit": [
        get(NORTHS_LEADERS, kwargs={"team_pk": "north"}),
        post(NORTHS_LEADERS, kwargs={"team_pk": "north"}, data={}),
    ],
    "review_create": [
        get(NORTHS_REVIEWER, kwargs={"pk": "alice_waiting"}),
        post(NORTHS_REVIEWER, kwargs={"pk": "alice_waiting"}, data={}),
        get(NORTHS_REVIEWER, kwargs={"pk": "alice_recorded"}, label="recorded"),
        post(NORTHS_REVIEWER, kwargs={"pk": "alice_recorded"}, data={}, label="recorded"),
    ],
    "coaching_comment_create": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=302, other_supervisor=404, admin=302),
            kwargs={"pk": "alice_interaction"},
            data={"body": "Keep asking before offering."},
        )
    ],
    "review_mark_read": [
        post(
            expect(anon=LOGIN, agent=302, other_agent=404, supervisor=403, other_supervisor=403, admin=403),
            kwargs={"pk": "alice_interaction"},
        )
    ],
    "review_acknowledge": [
        post(
            expect(anon=LOGIN, agent=302, other_agent=404, supervisor=403, other_supervisor=403, admin=403),
            kwargs={"pk": "alice_interaction"},
        )
    ],
    "dispute_create": [
        get(ALICE_ONLY, kwargs={"pk": "alice_interaction"}),
        post(ALICE_ONLY, kwargs={"pk": "alice_interaction"}, data={}),
    ],
    "dispute_resolve": [
        get(NORTHS_LEADERS, kwargs={"pk": "alice_dispute"}),
        post(NORTHS_LEADERS, kwargs={"pk": "alice_dispute"}, data={}),
    ],
    "team_dashboard": [
        get(LEADERS, mark="Alice", seen_by=("supervisor", "admin")),
        get(NORTHS_LEADERS, query="team={north}", label="north"),
        get(NORTHS_LEADERS, query="team={north}&agent={alice}", label="alice"),
    ],
    "organisation_dashboard": [get(ADMINS)],
    # Leaders' own lists: Sue's review of Alice and its open dispute; Sam sees nothing of North.
    "reviews_given": [
        get(LEADERS, mark="ZD-REVIEWED", seen_by=("supervisor", "admin")),
        get(LEADERS, query="dispute=open&acknowledgement=waiting", label="filtered", mark="ZD-REVIEWED", seen_by=("supervisor", "admin")),
    ],
    "disputes_to_settle": [get(LEADERS, mark="ZD-REVIEWED", seen_by=("supervisor", "admin"))],
    "dashboard_export": [
        get(LEADERS, mark="ZD-REVIEWED", seen_by=("supervisor", "admin")),
        get(NORTHS_LEADERS, query="team={north}", label="north"),
        get(NORTHS_LEADERS, query="agent={alice}", label="alice"),
    ],
    # The API, with each persona's token
    "api:rubric": [get(API_EVERYONE)],
    "api:interactions": [
        get(API_EVERYONE, mark="ZD-REVIEWED", seen_by=("agent", "supervisor", "admin")),
        get(
            API_EVERYONE,
            query="team={south}",
            mark="ZD-SOUTH",
            seen_by=("other_agent", "other_supervisor", "admin"),
            label="south",
        ),
        # Agents record their own with a self-score, supervisors one of their agents' to
        # review: an empty body is bad input for an agent, and for a supervisor the agent's
        # shape (no "agent"), which their role may not send (403). Admins do not record
        # (ETHICSKIT_ADMINS_REVIEW off).
        post(
            expect(anon=401, agent=400, other_agent=400, supervisor=403, other_supervisor=403, admin=403),
            data={},
        ),
        # Naming Alice: Sue records it (201); Sam, not her supervisor, is refused by a rule about
        # the data (422); agents may not send the supervisors' shape (403).
        post(
            expect(anon=401, agent=403, other_agent=403, supervisor=201, other_supervisor=422, admin=403),
            data={"agent": "alice_username", "occurred_at": "record_when", "channel": "chat", "reference": "ZD-MATRIX-API", "topic": "Refund request"},
            label="record",
        ),
    ],
    "api:interaction": [
        get({**ALICES, "anon": 401}, kwargs={"pk": "alice_interaction"}, label="north"),
        get({**OSCARS, "anon": 401}, kwargs={"pk": "oscar_interaction"}, label="south"),
    ],
    "api:interaction_reviews": [
        post(
            expect(anon=401, agent=403, other_agent=403, supervisor=400, other_supervisor=404, admin=403),
            kwargs={"pk": "alice_waiting"},
            data={},
        ),
        post(
            expect(anon=401, agent=403, other_agent=403, supervisor=400, other_supervisor=404, admin=403),
            kwargs={"pk": "alice_recorded"},
            data={},
            label="recorded",
        ),
    ],
    "api:assignments": [
        get(
            expect(anon=401, agent=403, other_agent=403, supervisor=200, other_supervisor=200, admin=403),
            mark="ZD-WAITING",
            seen_by=("supervisor",),
        )
    ],
    # A team's assignment rule: its leaders read and set it; an empty PUT is bad input.
    "api:assignment_rule": [
        get(
            expect(anon=401, agent=403, other_agent=403, supervisor=200, other_supervisor=404, admin=200),
            kwargs={"pk": "north"},
        ),
        Case(
            "put",
            expect(anon=401, agent=403, other_agent=403, supervisor=400, other_supervisor=404, admin=400),
            kwargs={"pk": "north"},
        ),
    ],
    "api:team_summary": [
        get(
            expect(anon=401, agent=403, other_agent=403, supervisor=200, other_supervisor=404, admin=200),
            kwargs={"pk": "north"},
        )
    ],
    "api:scripts": [get(API_EVERYONE, mark="draft_script", seen_by=("admin",))],
    "api:faq": [get(API_EVERYONE, mark="draft_script", seen_by=("admin",))],
    # Cases: any signed-in person raises a concern; owners, compliance and admins read cases.
    "api:concerns": [
        post(expect(anon=401, agent=400, other_agent=400, supervisor=400, other_supervisor=400, admin=400), data={})
    ],
    "api:cases": [
        get(expect(anon=401, agent=403, other_agent=403, supervisor=200, other_supervisor=200, admin=200), mark="\"owner\":\"sue\"", seen_by=("supervisor", "admin"))
    ],
    "api:case": [
        get(expect(anon=401, agent=403, other_agent=403, supervisor=200, other_supervisor=404, admin=200), kwargs={"pk": "alice_case"})
    ],
    "api:checklists": [
        get(API_EVERYONE, mark="policy_checklist", seen_by=("supervisor", "other_supervisor", "admin"))
    ],
    # Training: the best response never leaves the server before an answer.
    "api:dilemmas": [get(API_EVERYONE, mark="Unreleased dilemma", seen_by=())],
    "api:dilemma_answers": [
        post(expect(anon=401, agent=400, other_agent=400, supervisor=403, other_supervisor=403, admin=403), kwargs={"pk": "dilemma"}, data={}),
        post(expect(anon=401, agent=404, other_agent=404, supervisor=403, other_supervisor=403, admin=403), kwargs={"pk": "draft_dilemma"}, data={"option": "draft_option"}, label="unpublished"),
    ],
    "api:training_progress": [get(API_EVERYONE, mark="alice_certificate", seen_by=("agent",))],
    # Each caller's own notifications; someone else's is not found.
    "api:notifications": [get(API_EVERYONE, mark="alice_notification_text", seen_by=("agent",))],
    "api:notification_read": [
        post(
            expect(anon=401, agent=200, other_agent=404, supervisor=404, other_supervisor=404, admin=404),
            kwargs={"pk": "alice_notification"},
        )
    ],
    # Calibration (calibration/): leaders only; a session exists for its facilitator (Sue) and
    # participants (Sue, Ada); Sam (not in it) gets 404.
    "calibration_list": [get(LEADERS)],
    "calibration_new": [get(LEADERS), post(LEADERS, data={})],
    "calibration_detail": [get(NORTHS_LEADERS, kwargs={"pk": "sue_calibration"})],
    "calibration_score": [
        get(NORTHS_LEADERS, kwargs={"pk": "sue_calibration", "interaction": "alice_waiting"}),
        post(NORTHS_LEADERS, kwargs={"pk": "sue_calibration", "interaction": "alice_waiting"}, data={}),
    ],
    "calibration_agree": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=302, other_supervisor=404, admin=302),
            kwargs={"pk": "sue_calibration"},
            data={},
        )
    ],
    # The fairness audit: admins the organisation or any team; supervisors their own teams.
    "fairness_audit": [get(LEADERS), get(NORTHS_LEADERS, query="team={north}", label="north")],
    "fairness_export": [get(LEADERS), get(NORTHS_LEADERS, query="team={north}", label="north")],
    "api:calibrations": [
        post(expect(anon=401, agent=403, other_agent=403, supervisor=400, other_supervisor=400, admin=400), data={})
    ],
    "api:calibration": [
        get(expect(anon=401, agent=403, other_agent=403, supervisor=200, other_supervisor=404, admin=200), kwargs={"pk": "sue_calibration"})
    ],
    "api:calibration_scores": [
        post(
            expect(anon=401, agent=403, other_agent=403, supervisor=400, other_supervisor=404, admin=400),
            kwargs={"pk": "sue_calibration"},
            data={},
        )
    ],
    # The schema and its docs are public: they describe the API, not anyone's data.
    "api_schema": [get(EVERYONE)],
    "api_docs": [
        get(EVERYONE),
        # The Swagger UI page answered OPTIONS with a 500 (no template for DRF's metadata).
        options(expect(anon=405, agent=405, other_agent=405, supervisor=405, other_supervisor=405, admin=405)),
    ],
    # Training (training/README.md)
    "training_home": [get(SIGNED_IN, mark="alice_certificate", seen_by=("agent",))],
    "training_practice": [get(AGENTS)],
    "training_dilemma": [
        get(SIGNED_IN, kwargs={"pk": "dilemma"}),
        get(expect(anon=LOGIN, agent=404, other_agent=404, supervisor=404, other_supervisor=404, admin=200), kwargs={"pk": "draft_dilemma"}, label="unpublished"),
    ],
    "training_dilemma_answer": [
        post(AGENTS, kwargs={"pk": "dilemma"}, data={"option": "dilemma_option"}),
        post(expect(anon=LOGIN, agent=404, other_agent=404, supervisor=403, other_supervisor=403, admin=403), kwargs={"pk": "draft_dilemma"}, data={"option": "draft_option"}, label="unpublished"),
    ],
    "training_module": [get(SIGNED_IN, kwargs={"slug": "module"}), post(AGENTS, kwargs={"slug": "module"}, data={})],
    "training_module_assign": [get(LEADERS, kwargs={"slug": "module"}), post(LEADERS, kwargs={"slug": "module"}, data={})],
    "training_certificate": [get(ALICES, kwargs={"code": "alice_certificate"})],
    "training_verify": [get(ADMINS, query="code={alice_certificate}", mark="Genuine", seen_by=("admin",))],
    "training_team": [
        get(LEADERS, mark="alice_certificate", seen_by=("supervisor", "admin")),
        get(expect(anon=LOGIN, agent=403, other_agent=403, supervisor=404, other_supervisor=200, admin=200), query="team={south}", label="south"),
    ],
    # Checklists and decision tools (checklists/README.md)
    "checklist_index": [
        get(SIGNED_IN, mark="policy_checklist_link", seen_by=("supervisor", "other_supervisor", "admin"))
    ],
    "checklist_runs": [get(SIGNED_IN, mark="ZD-REVIEWED", seen_by=("agent", "supervisor", "admin"))],
    "checklist_run_detail": [get(ALICES, kwargs={"pk": "alice_run"})],
    # Only the runner tags the "no" answers of a run; leaders who can see it get 403.
    "checklist_run_root_causes": [
        post(expect(anon=LOGIN, agent=302, other_agent=404, supervisor=403, other_supervisor=404, admin=403), kwargs={"pk": "alice_run"}, data={})
    ],
    # Only the runner attaches or takes off a run: leaders who see it 403, others 404. Alice's
    # empty form is sent back (200); her run's interaction is reviewed, so it stays (302).
    "checklist_run_attach": [
        post(
            expect(anon=LOGIN, agent=200, other_agent=404, supervisor=403, other_supervisor=404, admin=403),
            kwargs={"pk": "alice_run"},
            data={},
        )
    ],
    "checklist_run_detach": [
        post(
            expect(anon=LOGIN, agent=302, other_agent=404, supervisor=403, other_supervisor=404, admin=403),
            kwargs={"pk": "alice_run"},
            data={},
        )
    ],
    "checklist_run": [
        get(SIGNED_IN, kwargs={"slug": "interaction_checklist"}, label="interaction"),
        post(SIGNED_IN, kwargs={"slug": "interaction_checklist"}, data={}, label="interaction"),
        # Another team's interaction named in the query is not offered.
        get(
            SIGNED_IN,
            kwargs={"slug": "interaction_checklist"},
            query="interaction={oscar_interaction}",
            mark="ZD-SOUTH",
            seen_by=("other_agent", "other_supervisor", "admin"),
            label="south-interaction",
        ),
        get(LEADERS, kwargs={"slug": "policy_checklist"}, label="policy"),
        # The service-change checklist has its own pages.
        get(
            expect(anon=LOGIN, agent=404, other_agent=404, supervisor=404, other_supervisor=404, admin=404),
            kwargs={"slug": "service_change_checklist"},
            label="service-change",
        ),
    ],
    # Ticket imports: leaders import; an import is seen by who started it (Sue) and admins.
    "import_list": [get(LEADERS, mark="sue-tickets.csv", seen_by=("supervisor", "admin"))],
    "import_new": [get(LEADERS), post(LEADERS, data={})],
    "import_detail": [get(SUES_IMPORT, kwargs={"pk": "sue_import"})],
    "import_start": [post(SUES_IMPORT_POST, kwargs={"pk": "sue_import"}, data={})],
    "import_undo": [post(SUES_IMPORT_POST, kwargs={"pk": "sue_import"}, data={"confirm": "yes"})],
    "import_map_agent": [post(SUES_IMPORT_POST, kwargs={"pk": "sue_import"}, data={})],
    # Service changes are not tied to a team: every leader may see and decide them.
    "service_change_list": [get(LEADERS)],
    "service_change_new": [get(LEADERS), post(LEADERS, data={})],
    "service_change_detail": [get(LEADERS, kwargs={"pk": "sue_change"})],
    # Sue proposed it: she may open it, but another leader decides.
    "service_change_decide": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=403, other_supervisor=200, admin=200),
            kwargs={"pk": "sue_change"},
            data={},
        )
    ],
    "triage_queue": [get(SIGNED_IN, mark="(triage mark)", seen_by=("agent", "supervisor", "admin"))],
    "triage_new": [get(SIGNED_IN), post(SIGNED_IN, data={})],
    "triage_detail": [get(ALICES, kwargs={"pk": "alice_triage"})],
    # An empty outcome is refused on the page (200); the point is who gets that far.
    "triage_resolve": [post(ALICES, kwargs={"pk": "alice_triage"}, data={})],
    "decision_list": [get(SIGNED_IN, mark="(alice_decision mark)", seen_by=("agent", "supervisor", "admin"))],
    "decision_new": [get(SIGNED_IN), post(SIGNED_IN, data={})],
    "decision_detail": [
        get(ALICES, kwargs={"pk": "alice_decision"}, label="agent's"),
        # A supervisor's own record is theirs (and the admins'): they are in no team.
        get(
            expect(anon=LOGIN, agent=404, other_agent=404, supervisor=200, other_supervisor=404, admin=200),
            kwargs={"pk": "sue_decision"},
            label="supervisor's",
        ),
    ],
    # Only the author records the follow-up; leaders who can see the record get 403.
    "decision_follow_up": [
        post(
            expect(anon=LOGIN, agent=200, other_agent=404, supervisor=403, other_supervisor=404, admin=403),
            kwargs={"pk": "alice_decision"},
            data={},
        )
    ],
    # The list links each report of one's own; its text is on the report's page.
    "concern_mine": [get(SIGNED_IN, mark="alice_concern_link", seen_by=("agent",))],
    "concern_new": [get(SIGNED_IN), post(SIGNED_IN, data={})],
    # Concerns are worked as cases: the old queue and update lead there.
    "concern_queue": [
        get(expect(anon=LOGIN, agent=403, other_agent=403, supervisor=403, other_supervisor=403, admin=302))
    ],
    # A concern is its named reporter's and the admins' only: not even her supervisor sees it.
    "concern_detail": [
        get(
            expect(anon=LOGIN, agent=200, other_agent=404, supervisor=404, other_supervisor=404, admin=200),
            kwargs={"pk": "alice_concern"},
            label="named",
        ),
        get(
            expect(anon=LOGIN, agent=404, other_agent=200, supervisor=404, other_supervisor=404, admin=200),
            kwargs={"pk": "oscar_concern"},
            label="named-south",
        ),
        get(
            expect(anon=LOGIN, agent=404, other_agent=404, supervisor=404, other_supervisor=404, admin=200),
            kwargs={"pk": "anonymous_concern"},
            label="anonymous",
        ),
    ],
    "concern_update": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=403, other_supervisor=403, admin=302),
            kwargs={"pk": "alice_concern"},
            data={},
        )
    ],
    # The follow-up page needs no sign-in: a wrong code gets the page again.
    "concern_follow_up": [get(EVERYONE), post(EVERYONE, data={"code": "NOT-A-CODE"})],
    # Cases: supervisors (their teams' cases), compliance and admins; agents never own one.
    "case_list": [get(LEADERS, mark="alice_case_link", seen_by=("supervisor", "admin"))],
    "case_detail": [get(NORTHS_LEADERS, kwargs={"pk": "alice_case"})],
    "case_acknowledge": [
        post(expect(anon=LOGIN, agent=403, other_agent=403, supervisor=302, other_supervisor=404, admin=302), kwargs={"pk": "alice_case"}, data={})
    ],
    "case_message": [
        post(expect(anon=LOGIN, agent=403, other_agent=403, supervisor=400, other_supervisor=404, admin=400), kwargs={"pk": "alice_case"}, data={})
    ],
    "case_status": [
        post(expect(anon=LOGIN, agent=403, other_agent=403, supervisor=400, other_supervisor=404, admin=400), kwargs={"pk": "alice_case"}, data={})
    ],
    "case_reassign": [
        post(expect(anon=LOGIN, agent=403, other_agent=403, supervisor=400, other_supervisor=404, admin=400), kwargs={"pk": "alice_case"}, data={})
    ],
    # Linking a decision record to a case: as the case's other actions (no decision chosen: 400).
    "case_decision": [
        post(expect(anon=LOGIN, agent=403, other_agent=403, supervisor=400, other_supervisor=404, admin=400), kwargs={"pk": "alice_case"}, data={})
    ],
    # Tagging a case with root causes: as the case's other actions; no tag ticked is a valid answer.
    "case_root_causes": [
        post(expect(anon=LOGIN, agent=403, other_agent=403, supervisor=302, other_supervisor=404, admin=302), kwargs={"pk": "alice_case"}, data={})
    ],
    "proof_plan": [get(AGENTS)],
    "proof_plan_task_update": [
        post(
            expect(anon=LOGIN, agent=302, other_agent=302, supervisor=403, other_supervisor=403, admin=403),
            kwargs={"task_id": "proof_task"},
            data={"notes": ""},
        )
    ],
    "evidence": [get(AGENTS)],
    "evidence_for_agent": [
        get(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=200, other_supervisor=404, admin=200),
            kwargs={"user_id": "alice"},
        )
    ],
    # The library: drafts exist only for admins.
    "library_scripts": [get(SIGNED_IN, mark="draft_script_link", seen_by=("admin",))],
    "library_script": [
        get(SIGNED_IN, kwargs={"slug": "published_script"}, label="published"),
        get(
            expect(anon=LOGIN, agent=404, other_agent=404, supervisor=404, other_supervisor=404, admin=200),
            kwargs={"slug": "draft_script"},
            label="draft",
        ),
    ],
    "library_script_fill": [
        post(SIGNED_IN, kwargs={"slug": "published_script"}, data={}, label="published"),
        post(
            expect(anon=LOGIN, agent=404, other_agent=404, supervisor=404, other_supervisor=404, admin=200),
            kwargs={"slug": "draft_script"},
            data={},
            label="draft",
        ),
    ],
    # Confirming fails without a version (a message and a redirect); leaders have nothing to confirm.
    "library_script_acknowledge": [
        post(
            expect(anon=LOGIN, agent=302, other_agent=302, supervisor=403, other_supervisor=403, admin=403),
            kwargs={"slug": "published_script"},
            data={},
        )
    ],
    "library_search": [get(SIGNED_IN, query="q=unreleased", mark="draft_script_link", seen_by=("admin",))],
    "library_faq": [get(SIGNED_IN, mark="draft_script_link", seen_by=("admin",))],
    "library_language": [get(SIGNED_IN)],
    "library_mistakes": [get(SIGNED_IN)],
    "root_cause_list": [get(SIGNED_IN)],
    "root_cause": [get(SIGNED_IN, kwargs={"slug": "root_cause"}, mark="published_script_link", seen_by=("agent", "other_agent", "supervisor", "other_supervisor", "admin"))],
    "library_playbooks": [get(SIGNED_IN)],
    "library_playbook": [get(SIGNED_IN, kwargs={"slug": "playbook"}, mark="draft_script_link", seen_by=("admin",))],
    "library_acknowledgements": [get(ADMINS)],
    "library_acknowledgement_detail": [get(ADMINS, kwargs={"slug": "published_script"})],
    # --- The inbox: everyone's own; someone else's notification does not exist for them ---
    "inbox": [get(SIGNED_IN, mark="alice_notification_text", seen_by=("agent",))],
    "notification_preferences": [get(SIGNED_IN), post(SIGNED_IN, data={})],
    "notification_mark_all_read": [
        post(expect(anon=LOGIN, agent=302, other_agent=302, supervisor=302, other_supervisor=302, admin=302))
    ],
    "notification_open": [
        get(
            expect(anon=LOGIN, agent=302, other_agent=404, supervisor=404, other_supervisor=404, admin=404),
            kwargs={"pk": "alice_notification"},
        )
    ],
    "notification_mark_read": [
        post(
            expect(anon=LOGIN, agent=302, other_agent=404, supervisor=404, other_supervisor=404, admin=404),
            kwargs={"pk": "alice_notification"},
        )
    ],
    # --- Helpdesk connections (integrations): admins manage them ---
    "connection_list": [get(ADMINS, mark="Matrix helpdesk", seen_by=("admin",))],
    "connection_new": [get(ADMINS), post(ADMINS, data={})],
    "connection_detail": [
        get(ADMINS, kwargs={"slug": "helpdesk"}, mark="held.agent@corp.test", seen_by=("admin",)),
        post(ADMINS, kwargs={"slug": "helpdesk"}, data={}),
    ],
    "connection_mapping_add": [post(ADMINS, kwargs={"slug": "helpdesk"}, data={})],
    "connection_mapping_delete": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=403, other_supervisor=403, admin=302),
            kwargs={"slug": "helpdesk", "pk": "helpdesk_mapping"},
        )
    ],
    "connection_unmapped_map": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=403, other_supervisor=403, admin=302),
            kwargs={"slug": "helpdesk", "pk": "helpdesk_held"},
            data={"user": "alice"},
        )
    ],
    "connection_unmapped_dismiss": [
        post(
            expect(anon=LOGIN, agent=403, other_agent=403, supervisor=403, other_supervisor=403, admin=302),
            kwargs={"slug": "helpdesk", "pk": "helpdesk_held"},
        )
    ],
    # The webhook: no session, no token, only a signature; unsigned, everyone gets 401.
    "api:helpdesk_webhook": [
        post(expect(anon=401, agent=401, other_agent=401, supervisor=401, other_supervisor=401, admin=401), kwargs={"slug": "helpdesk"}, data={})
    ],
    # --- The Django admin's own pages (the per-model pages are generated below) ---
    "admin:index": [get(STAFF)],
    # Signed-in people who are not staff see the form with a note; staff go on to the index.
    "admin:login": [
        get(expect(anon=200, agent=200, other_agent=200, supervisor=200, other_supervisor=200, admin=302))
    ],
    # Non-staff are sent to the admin index (and from there to its login); staff are signed out
    # and land on the app's login page.
    "admin:logout": [
        post(expect(anon=302, agent=302, other_agent=302, supervisor=302, other_supervisor=302, admin=302))
    ],
    "admin:password_change": [get(STAFF)],
    "admin:password_change_done": [get(STAFF)],
    "admin:autocomplete": [
        get(STAFF, query="app_label=teams&model_name=membership&field_name=user&term=al")
    ],
    "admin:jsi18n": [get(STAFF)],
    "admin:app_list": [
        get(STAFF, path="admin/rubrics/", label="rubrics"),
        get(STAFF, path="admin/auth/", label="auth"),
    ],
    # No model of ours has a public URL to jump to.
    "admin:view_on_site": [
        get(staff(404), kwargs={"content_type_id": "interaction_type", "object_id": "alice_interaction"})
    ],
    # Django's catch-all: 404 for staff, and nothing about what exists for anyone else.
    "admin/(?P<url>.*)$": [get(staff(404), path="admin/no-such-page/")],
    # --- Two-factor sign-in and single sign-on (signin) ---
    # Only for people who must use two-factor sign-in: admins and staff (supervisors too when
    # ETHICSKIT_2FA_FOR_SUPERVISORS is on, which it is not here).
    "two_factor_setup": [get(ADMINS), post(ADMINS, data={"code": "000000"})],
    "two_factor_verify": [get(ADMINS), post(ADMINS, data={"code": "000000"})],
    # Single sign-on is not configured here, so its pages do not exist for anyone.
    "oidc_authentication_init": [get(expect(anon=404, agent=404, other_agent=404, supervisor=404, other_supervisor=404, admin=404))],
    "oidc_authentication_callback": [get(expect(anon=404, agent=404, other_agent=404, supervisor=404, other_supervisor=404, admin=404))],
}
# fmt: on


# --- The table: the Django admin's pages for each registered model ---------------------------
# Every registered model needs an entry here, with what Ada (staff, Admin group) gets on each of
# its pages; everyone else is sent to the admin's login page. A newly registered model has no
# entry, so its pages have no rows and the coverage test fails until someone decides.


def admin_model(
    *, changelist=200, add=200, change=200, delete=200, history=200, revert=None, password=None
):
    """`revert` is django-simple-history's page of one past version, for models that keep one;
    `password` is the user admin's set-a-password page."""
    pages = {"changelist": changelist, "add": add, "change": change, "delete": delete}
    pages["history"] = history
    if revert is not None:
        pages["simple_history"] = revert
    if password is not None:
        pages["password_change"] = password
    return pages


CONTENT = admin_model()
VERSIONED_CONTENT = admin_model(revert=200)
# Scores, reviews and disputes change only through the app, which keeps their revisions.
SCORED_RECORD = admin_model(add=403, delete=403)
# Records people make with the tools: read-only here, though an admin may delete one.
TOOL_RECORD = admin_model(add=403)
SIGN_IN_RECORD = admin_model(add=403)

ADMIN_MODELS = {
    # Roles are fixed groups kept in step by code (teams.access), so no one edits them here.
    "auth.group": admin_model(changelist=403, add=403, change=403, delete=403, history=403),
    "auth.user": admin_model(password=200),
    "teams.team": CONTENT,
    "teams.membership": CONTENT,
    "rubrics.rubric": CONTENT,
    # Root causes are content every role reads; admins rename and retire them, with history.
    "rubrics.rootcause": VERSIONED_CONTENT,
    "rubrics.interaction": SCORED_RECORD,
    "rubrics.evaluation": SCORED_RECORD,
    "rubrics.dispute": SCORED_RECORD,
    # Assignments and rules change only through the app's pages; an admin may delete one.
    "qa.assignmentrule": TOOL_RECORD,
    "qa.assignment": TOOL_RECORD,
    "checklists.checklist": CONTENT,
    "checklists.triagerule": CONTENT,
    "checklists.decisionstep": CONTENT,
    "checklists.proofplantask": CONTENT,
    "checklists.checklistrun": TOOL_RECORD,
    "checklists.servicechangereview": TOOL_RECORD,
    "checklists.triagerequest": TOOL_RECORD,
    "checklists.decisionrecord": TOOL_RECORD,
    "checklists.concern": TOOL_RECORD,
    "checklists.proofplanprogress": TOOL_RECORD,
    # Routing is content; cases are worked on /cases/ and only read here.
    "cases.routingrule": CONTENT,
    "cases.case": SCORED_RECORD,
    "scripts_library.scriptcategory": CONTENT,
    "scripts_library.script": VERSIONED_CONTENT,
    "scripts_library.faqcategory": CONTENT,
    "scripts_library.faqentry": VERSIONED_CONTENT,
    "scripts_library.phrase": VERSIONED_CONTENT,
    "scripts_library.commonmistake": VERSIONED_CONTENT,
    "scripts_library.playbook": VERSIONED_CONTENT,
    "training.dilemma": VERSIONED_CONTENT,
    "training.module": VERSIONED_CONTENT,
    "training.assignment": CONTENT,
    # Certificates are issued only by passing a module; an admin may withdraw one.
    "training.certificate": admin_model(add=403),
    # The audit log: read-only; entries are written only by the changes they record.
    "teams.auditentry": admin_model(add=403, delete=403),
    # django-axes: failed and successful sign-ins, read-only; deleting an attempt lifts a lockout.
    "axes.accessattempt": SIGN_IN_RECORD,
    "axes.accesslog": SIGN_IN_RECORD,
    "axes.accessfailurelog": SIGN_IN_RECORD,
    # Background jobs (Procrastinate's admin): read-only, with each attempt's error.
    "procrastinate.procrastinatejob": admin_model(add=403, delete=403),
    "notifications.joberror": admin_model(add=403, delete=403),
    # Second factors (signin.admin): read-only, keys never shown; deleting one resets it.
    "otp_totp.totpdevice": admin_model(add=403),
    "otp_static.staticdevice": admin_model(add=403),
}


def admin_rows():
    rows = {}
    for label, pages in ADMIN_MODELS.items():
        app_label, model_name = label.split(".")
        prefix = f"admin:{app_label}_{model_name}"
        name = f"{app_label}_{model_name}"
        obj = {"object_id": f"admin_object_{name}"}
        for page, status in pages.items():
            if page in ("changelist", "add"):
                case = get(staff(status))
            elif page == "simple_history":
                case = get(staff(status), args=(f"admin_object_{name}", f"admin_history_{name}"))
            elif page == "password_change":
                case = get(staff(status), kwargs={"id": f"admin_object_{name}"})
            else:
                case = get(staff(status), kwargs=obj)
            rows[f"{prefix}_{page}"] = [case]
        # The bare object URL redirects to its change page.
        route = f"admin/{app_label}/{model_name}/<path:object_id>/"
        rows[route] = [
            get(staff(302), path=f"admin/{app_label}/{model_name}/{{admin_object_{name}}}/")
        ]
    return rows


ADMIN_MODEL_ROWS = admin_rows()
MATRIX.update(ADMIN_MODEL_ROWS)


# --- Walking the resolver ----------------------------------------------------------------------


def resolver_patterns(resolver=None, prefix="", namespace=""):
    """(key, route) for every URLPattern: the namespaced name, or the route when unnamed."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from resolver_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            else:
                yield route, route


def test_every_url_pattern_has_a_row():
    # Nothing is excluded: static files are served by WhiteNoise's middleware, not by URL
    # patterns, and there is no media serving. Anything the resolver knows is ours to decide.
    keys = [key for key, _ in resolver_patterns()]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"Patterns sharing a name cannot each have a row: {duplicates}"
    missing = sorted(set(keys) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(keys))
    assert not missing and not stale, (
        "The access matrix and the URL patterns differ.\n"
        f"Patterns without a row (decide who may open them): {missing}\n"
        f"Rows without a pattern (remove them): {stale}"
    )


# --- The world ---------------------------------------------------------------------------------


def build_world() -> dict:
    """Each persona with records of their own; values are what URLs need (pks, slugs)."""
    north, south = Team.objects.create(name="North"), Team.objects.create(name="South")
    people = {
        "agent": make_user("alice", Role.AGENT, team=north, first_name="Alice"),
        "other_agent": make_user("oscar", Role.AGENT, team=south, first_name="Oscar"),
        "supervisor": make_user("sue", Role.SUPERVISOR, leads=[north], first_name="Sue"),
        "other_supervisor": make_user("sam", Role.SUPERVISOR, leads=[south], first_name="Sam"),
        "admin": make_user("ada", Role.ADMIN, is_staff=True, first_name="Ada"),
    }
    alice, oscar, sue = people["agent"], people["other_agent"], people["supervisor"]

    reviewed = self_score(alice, reference="ZD-REVIEWED").interaction
    review(reviewed, sue, {**RATINGS, "fairness": 2})
    dispute = dispute_raise(
        interaction=reviewed, agent=alice, reason="The offer was fair.", proposed={"fairness": 4}
    )
    waiting = self_score(alice, reference="ZD-WAITING").interaction
    recorded = interaction_record(
        recorder=sue,
        agent_username="alice",
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(days=1),
            "channel": "email",
            "reference": "ZD-RECORDED",
            "topic": "Late delivery",
        },
    )
    oscars = self_score(oscar, reference="ZD-SOUTH").interaction
    calibration = calibration_session_open(
        facilitator=sue,
        interaction_ids=[waiting.pk],
        participant_usernames=["sue", "ada"],
        deadline=timezone.now() + timedelta(days=30),
    )

    interaction_checklist = Checklist.objects.get(kind=Checklist.Kind.INTERACTION)
    run = checklist_run_create(
        checklist=interaction_checklist,
        runner=alice,
        interaction=reviewed,
        answers={
            item.id: ("yes", "") for item in interaction_checklist.items.filter(is_active=True)
        },
    )
    sue_import = ImportJob.objects.create(
        connection=make_connection("matrix-imports"), created_by=sue, file_name="sue-tickets.csv"
    )
    service_change = Checklist.objects.get(kind=Checklist.Kind.SERVICE_CHANGE)
    change = service_change_review_create(
        proposed_by=sue,
        title="Chat only on Sundays",
        description="Phone support moves to chat on Sundays.",
        answers={
            item.id: ("low", "Checked.") for item in service_change.items.filter(is_active=True)
        },
    )
    triage = triage_request_log(
        logged_by=alice,
        description="Wants a refund outside the window (triage mark).",
        ethical_risk="high",
        business_impact="low",
    )
    decisions = {
        name: decision_record_create(
            author=author,
            fields={
                "issue": f"Backdate a cancellation? ({name} mark)",
                "values_at_stake": "Fairness.",
                "facts": "Ten days late.",
                "policies": "Fourteen days allowed.",
                "alternatives": "Refuse or backdate.",
                "consequences": "Trust kept.",
                "decision": "Backdate.",
                "actions": "Confirm in writing.",
                "follow_up_on": timezone.localdate() + timedelta(days=7),
            },
        )
        for name, author in [("alice_decision", alice), ("sue_decision", sue)]
    }
    concerns = {
        name: concern_report(
            reporter=reporter,
            category="violation",
            description=f"A refund was promised that policy does not allow ({name} mark).",
            anonymous=reporter is None,
        )
        for name, reporter in [
            ("alice_concern", alice),
            ("oscar_concern", oscar),
            ("anonymous_concern", None),
        ]
    }
    # Gifts go to the reporter's team supervisors: Alice's to Sue, Oscar's to Sam.
    cases = {
        name: concern_raise(
            reporter=reporter,
            category="gift",
            description=f"A voucher was offered for a refund ({name} mark).",
            anonymous=False,
        )[0]
        for name, reporter in [("alice_case", alice), ("oscar_case", oscar)]
    }
    proof_task = ProofPlanTask.objects.order_by("pk").first()
    proof_plan_task_update(user=alice, task=proof_task, done=True, notes="Done.")

    published = Script.objects.get(slug="data-breach-report")
    published.change_note = "Clearer first sentence."
    published.acknowledgement_version = published.version + 1
    published.save()  # also gives it a history row to revert to
    draft = Script.objects.create(
        category=ScriptCategory.objects.order_by("pk").first(),
        title="Unreleased wording",
        slug="unreleased-wording",
        situation="Not yet approved.",
        body="Hello [Customer Name].",
        status=Script.Status.DRAFT,
    )
    # The draft sits beside published content, so lists can show they leave it out.
    FaqEntry.objects.order_by("pk").first().related_scripts.add(draft)
    playbook = Playbook.objects.order_by("pk").first()
    # Seeded by a migration, so the admin's first one is saved here to have a past version.
    RootCause.objects.order_by("pk").first().save()
    root_cause = RootCause.objects.get(slug="no-follow-up")  # remedied by `published`
    playbook.script = draft
    for model in (FaqEntry, Phrase, CommonMistake):
        model.objects.order_by("pk").first().save()  # a history row for the revert page
    playbook.save()

    dilemma = Dilemma.objects.published().order_by("pk").first()
    draft_dilemma = Dilemma.objects.create(
        title="Unreleased dilemma", slug="unreleased-dilemma", channel="chat", situation="Draft."
    )
    draft_option = Option.objects.create(
        dilemma=draft_dilemma, text="Say yes.", verdict="best", feedback="Fine."
    )
    module = Module.objects.get(slug="data-and-privacy")
    assignment_create(
        assigned_by=sue, module=module, team=north, due_on=timezone.localdate() + timedelta(days=7)
    )
    _, certificate = module_submit(
        user=alice,
        module=module,
        answers={d.pk: d.options.get(verdict="best").pk for d in module.dilemmas.all()},
    )
    rule = assignment_rule_set(team=north, per_agent=2, period="week")
    assignment = Assignment.objects.create(
        interaction=waiting,
        reviewer=sue,
        team=north,
        agent=alice,
        period_start=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=3),
    )

    helpdesk = Connection.objects.create(
        name="Matrix helpdesk",
        slug="matrix-desk",
        kind=Connection.Kind.GENERIC,
        ticket_url_template="https://desk.example.test/tickets/{id}",
        signing_secret="matrix-signing-secret-0123",
    )
    helpdesk_mapping = AgentMapping.objects.create(
        connection=helpdesk, identity="alice@corp.test", user=alice
    )
    helpdesk_held = UnmappedAgent.objects.create(
        connection=helpdesk, identity="held.agent@corp.test"
    )

    tokens = {}
    for persona, user in people.items():
        token, key = ApiToken.issue(user=user, name=f"Matrix token of {persona}")
        tokens[persona] = key

    world = {
        "people": {persona: user.pk for persona, user in people.items()},
        "tokens": tokens,
        "north": north.pk,
        "south": south.pk,
        "alice": alice.pk,
        "alice_token": ApiToken.objects.get(user=alice).pk,
        "rubric_version": Rubric.objects.current().version,
        "alice_interaction": reviewed.pk,
        "helpdesk": helpdesk.slug,
        "helpdesk_mapping": helpdesk_mapping.pk,
        "helpdesk_held": helpdesk_held.pk,
        "alice_notification": Notification.objects.filter(recipient=alice).first().pk,
        "alice_notification_text": Notification.objects.filter(recipient=alice).first().text,
        "alice_waiting": waiting.pk,
        "alice_recorded": recorded.pk,
        "alice_username": alice.get_username(),
        "record_when": (timezone.now() - timedelta(hours=2)).isoformat(timespec="seconds"),
        "alice_dispute": dispute.pk,
        "alice_assignment": assignment.pk,
        "north_rule": rule.pk,
        "sue": sue.pk,
        "interaction_type": _content_type_id(reviewed),
        "alice_run": run.pk,
        "interaction_checklist": interaction_checklist.slug,
        "policy_checklist": Checklist.objects.get(kind=Checklist.Kind.POLICY).slug,
        "service_change_checklist": service_change.slug,
        "sue_change": change.pk,
        "sue_import": sue_import.pk,
        "alice_triage": triage.pk,
        **{name: decision.pk for name, decision in decisions.items()},
        "oscar_interaction": oscars.pk,
        "sue_calibration": calibration.pk,
        **{name: concern.pk for name, concern in concerns.items()},
        "alice_concern_link": reverse("concern_detail", args=[concerns["alice_concern"].pk]),
        **{name: case.pk for name, case in cases.items()},
        "alice_case_link": reverse("case_detail", args=[cases["alice_case"].pk]),
        "proof_task": proof_task.pk,
        "dilemma": dilemma.pk,
        "dilemma_option": dilemma.options.order_by("pk").first().pk,
        "draft_dilemma": draft_dilemma.pk,
        "draft_option": draft_option.pk,
        "module": module.slug,
        "alice_certificate": certificate.code,
        "published_script": published.slug,
        "draft_script": draft.slug,
        "playbook": playbook.slug,
        "root_cause": root_cause.slug,
        "published_script_link": reverse("library_script", args=[published.slug]),
        "draft_script_link": reverse("library_script", args=[draft.slug]),
        "policy_checklist_link": reverse(
            "checklist_run", args=[Checklist.objects.get(kind=Checklist.Kind.POLICY).slug]
        ),
    }
    # django-axes' records of sign-ins, so its admin pages have something to open.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {
        "username": "alice",
        "ip_address": "203.0.113.9",
        "user_agent": "matrix",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=2)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    # A failed attempt of a background job, for the job errors' admin pages.
    from notifications.models import JobError

    JobError.objects.create(job_id=1, task_name="matrix.task", attempt=1, error="Boom")
    # Ada's second factors, so their admin pages have something to open.
    from signin.two_factor import recovery_codes_issue

    TOTPDevice.objects.create(user=people["admin"], name="Authenticator app", confirmed=True)
    recovery_codes_issue(people["admin"])
    for model in admin.site._registry:
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"The world has no {name} to open in the admin; make one."
        world[f"admin_object_{name}"] = obj.pk
        if hasattr(model, "history"):
            world[f"admin_history_{name}"] = model.history.filter(id=obj.pk).first().history_id
    return world


def signed_in_sessions(people: dict) -> dict:
    """A session key per persona, made once: signing in for each request would double the time."""
    sessions = {}
    for persona, pk in people.items():
        client = Client()
        user = get_user_model().objects.get(pk=pk)
        client.force_login(user)
        if two_factor_required(user):
            pass_second_factor(client, user)
        sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def _content_type_id(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint within it (as Django's TestCase.setUpTestData does)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                built = build_world()
            built["sessions"] = signed_in_sessions(built["people"])
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# --- Trying every row --------------------------------------------------------------------------


def _fill(value, world):
    return world[value] if isinstance(value, str) and value in world else value


def _named(name, world):
    if name not in world:
        raise KeyError(f"The row names {name!r}, which the world does not have.")
    return world[name]


def url_for(key, case, world):
    if case.path:
        path = "/" + case.path.format_map(_Lookup(world))
    else:
        kwargs = {name: _named(value, world) for name, value in case.kwargs.items()}
        args = [_named(value, world) for value in case.args]
        path = reverse(key, kwargs=kwargs or None, args=args or None)
    query = case.query.format_map(_Lookup(world))
    return f"{path}?{query}" if query else path


class _Lookup(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, name):
        return self.world[name]


def outcome(response):
    """The status, with a redirect to a login page named as such (it must carry ?next=)."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("login") + "?next="):
            return LOGIN
        if location.startswith(reverse("admin:login") + "?next="):
            return ADMIN_LOGIN
    return response.status_code


def request_as(persona, case, path, world):
    client = Client()
    headers = {}
    is_api = path.startswith("/api/v1/")
    if persona != "anon":
        if is_api:
            headers["HTTP_AUTHORIZATION"] = f"Token {world['tokens'][persona]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][persona]
    if case.method != "post":
        return getattr(client, case.method)(path, **headers)
    data = {name: _fill(value, world) for name, value in (case.data or {}).items()}
    if is_api:
        return client.post(path, json.dumps(data), content_type="application/json", **headers)
    return client.post(path, data, **headers)


CASES = [(key, case) for key, cases in MATRIX.items() for case in cases]


@pytest.mark.parametrize(
    ("key", "case"),
    CASES,
    ids=[f"{key}-{case.method}{'-' + case.label if case.label else ''}" for key, case in CASES],
)
def test_access(db, world, key, case):
    path = url_for(key, case, world)
    match = resolve(path.split("?")[0])
    assert key in (match.view_name, match.route), f"{path} does not reach {key}"
    cache.clear()  # API throttling counts per cache; it is not what this table is about
    answers, locations, problems = {}, {}, []
    for persona in PERSONAS:
        # Each persona meets the world as built, whatever an earlier persona's request changed.
        with transaction.atomic():
            response = request_as(persona, case, path, world)
            transaction.set_rollback(True)
        answers[persona] = outcome(response)
        if response.status_code in (301, 302):
            locations[persona] = response["Location"]
        if case.mark and response.status_code == 200:
            mark = _fill(case.mark, world)
            body = b"".join(response) if response.streaming else response.content
            shown = mark in body.decode()
            if shown != (persona in case.seen_by):
                problems.append(f"{persona}: {mark!r} {'shown' if shown else 'not shown'}")
        if response.status_code >= 500:
            problems.append(f"{persona}: {response.status_code}")
        if path.startswith("/api/v1/") and response.status_code in (401, 403, 404, 405):
            if not response["Content-Type"].startswith("application/json"):
                problems.append(f"{persona}: {response.status_code} is not JSON")
    differences = {
        persona: f"expected {case.expected[persona]}, got {answers[persona]}"
        + (f" to {locations[persona]}" if persona in locations else "")
        for persona in PERSONAS
        if answers[persona] != case.expected[persona]
    }
    assert not differences and not problems, (
        f"{case.method.upper()} {path}: {differences} {problems}"
    )


def test_the_personas_are_who_the_table_says(db, world):
    people = get_user_model().objects.in_bulk(world["people"].values())
    by_persona = {persona: people[pk] for persona, pk in world["people"].items()}
    assert Membership.objects.get(user=by_persona["agent"]).team_id == world["north"]
    assert Membership.objects.get(user=by_persona["other_agent"]).team_id == world["south"]
    assert list(by_persona["supervisor"].led_teams.values_list("pk", flat=True)) == [world["north"]]
    assert list(by_persona["other_supervisor"].led_teams.values_list("pk", flat=True)) == [
        world["south"]
    ]
    assert by_persona["admin"].is_staff
    assert Group.objects.get(name=Role.ADMIN).user_set.filter(pk=by_persona["admin"].pk).exists()
    assert not any(user.is_staff for persona, user in by_persona.items() if persona != "admin")


# --- Other methods -----------------------------------------------------------------------------

ALLOWED = (200, 302, 400)
PATHS = {}
for _key, _case in CASES:
    if _key in ADMIN_MODEL_ROWS:
        continue  # Django's generic per-model admin pages; leaving them out halves the time
    # Each pattern once (its first case), as someone who gets past its role check.
    _persona = next((p for p in PERSONAS if _case.expected[p] in ALLOWED), "anon")
    PATHS.setdefault(_key, (_case, _persona))


@pytest.mark.parametrize("key", sorted(PATHS))
def test_other_methods_never_fail(db, world, key):
    case, persona = PATHS[key]
    path = url_for(key, case, world).split("?")[0]
    for method in ("options", "put", "delete"):
        with transaction.atomic():
            response = request_as(persona, Case(method, case.expected), path, world)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{method.upper()} {path} as {persona}"
        if path.startswith("/api/v1/") and response.status_code >= 400:
            assert response["Content-Type"].startswith("application/json"), path
