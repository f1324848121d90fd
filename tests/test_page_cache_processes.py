"""The kept home pages (core/pagecache.py) across real processes: a write through one gunicorn
server drops the copy another server keeps, by the app's own NOTIFY, with nothing sent by hand.

Each server is one single-threaded worker that keeps its database connection between requests,
as in production, so it keeps its LISTEN and its pages. A change made behind the app's back (a
plain UPDATE, which no signal sees) shows first that a server really serves its kept copy.
"""

import re

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from scripts_library.models import Script
from tests.servers import app_servers, form_fields

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="module")
def servers(django_db_setup):
    with app_servers(
        2, workers=1, threads=1, DJANGO_CONN_MAX_AGE="600", DJANGO_PAGE_CACHE="1"
    ) as urls:
        yield urls


def signed_in(user) -> requests.Session:
    """A browser session of `user` that both servers accept (sessions live in the database)."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    cookie = settings.SESSION_COOKIE_NAME
    session.cookies.set(cookie, client.cookies[cookie].value)
    return session


def home(session, base_url) -> str:
    response = session.get(f"{base_url}/", timeout=10)
    assert response.status_code == 200
    return response.text


def rename_behind_the_apps_back(user, name):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE auth_user SET first_name = %s WHERE id = %s", [name, user.pk])


def test_an_agents_write_through_one_server_drops_their_page_in_the_other(servers, agent):
    kept, other = servers
    script = Script.objects.published().first()
    script.acknowledgement_version = script.version
    script.save()
    alice = signed_in(agent)
    page = home(alice, kept)
    assert "Hello, Alice<" in page and 'id="must-read-heading"' in page

    rename_behind_the_apps_back(agent, "Alicia")
    assert "Hello, Alice<" in home(alice, kept)  # served from the kept copy
    assert "Hello, Alicia<" in home(alice, other)  # the other server draws its own

    detail = alice.get(f"{other}/library/scripts/{script.slug}/", timeout=10).text
    confirmed = alice.post(
        f"{other}/library/scripts/{script.slug}/acknowledge/",
        data={"csrfmiddlewaretoken": TOKEN.search(detail).group(1), "version": script.version},
        timeout=10,
    )
    # Followed on the same server, so its one-time message (never kept) is shown there.
    assert confirmed.history[0].status_code == 302 and "Thank you" in confirmed.text

    page = home(alice, kept)
    assert "Hello, Alicia<" in page and 'id="must-read-heading"' not in page


def test_an_admin_renaming_the_supervisor_on_one_server_reaches_agents_on_the_other(
    servers, agent, supervisor, admin_user
):
    kept, other = servers
    alice = signed_in(agent)
    assert "Sue" in home(alice, kept)
    rename_behind_the_apps_back(agent, "Alicia")
    assert "Hello, Alice<" in home(alice, kept)

    ada = signed_in(admin_user)
    change = f"{other}/admin/auth/user/{supervisor.pk}/change/"
    form = form_fields(ada.get(change, timeout=10).text, "username")
    form.update(first_name="Susannah", _save="Save")
    saved = ada.post(change, data=form, timeout=10)
    assert saved.history[0].status_code == 302, saved.text[:2000]

    page = home(alice, kept)
    assert "Susannah" in page and "Hello, Alicia<" in page
