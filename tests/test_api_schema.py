"""Schemathesis against the live API: generated requests never get a 5xx, and every answer
(status, content type and body) matches the published OpenAPI schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from teams.models import ApiToken, Team
from tests.conftest import make_user, review, self_score

# About 40 generated requests per operation and persona keeps the whole run well under a minute.
EXAMPLES_PER_OPERATION = 40
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(live_server):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_keys(settings):
    # The live server shares this test's throttle settings; generated traffic must not hit 429s.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": [],
    }
    team = Team.objects.create(name="Schema team")
    agent = make_user("schema-agent", "Agent", team=team)
    supervisor = make_user("schema-supervisor", "Supervisor", leads=[team])
    for number in range(3):
        scored = self_score(agent, reference=f"ZD-S{number}")
        if number:
            review(scored.interaction, supervisor)
    return [ApiToken.issue(user=person, name="schemathesis")[1] for person in (agent, supervisor)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, api_keys):
    # The same generated request, as an agent and as the agent's supervisor.
    for key in api_keys:
        case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)
