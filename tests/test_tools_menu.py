"""The Tools menu offers each role the tools it may open, and nothing it may not."""

import pytest

pytestmark = pytest.mark.django_db

EVERYONE = ["/checklists/", "/triage/", "/decisions/", "/concerns/"]


@pytest.mark.parametrize(
    ("persona", "also", "not_offered"),
    [
        ("agent", ["/proof-plan/"], ["/service-changes/", "/concerns/queue/"]),
        ("supervisor", ["/service-changes/"], ["/proof-plan/", "/concerns/queue/"]),
        ("admin", ["/service-changes/", "/cases/"], ["/proof-plan/"]),
    ],
)
def test_tools_menu_per_role(login, personas, persona, also, not_offered):
    client = login(personas[persona])
    body = client.get("/").content.decode()
    for url in EVERYONE + also:
        assert f'href="{url}"' in body
        assert client.get(url).status_code == 200
    for url in not_offered:
        assert f'href="{url}"' not in body
        assert client.get(url).status_code == 403


def test_someone_without_a_role_is_offered_only_the_concern_form(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("newcomer", password="x"))
    body = client.get("/").content.decode()
    assert 'href="/concerns/"' in body
    assert 'href="/checklists/"' not in body and 'href="/triage/"' not in body
