"""A real database outage: the app talks to PostgreSQL through a TCP proxy the test can cut and
restore, like pulling the network cable. While it is cut, pages answer with the 503 page and
/healthz with 503; when it is back the same server process recovers on its own; and a request cut
in the middle of its transaction leaves nothing half-written."""

import http.client
import re
import socket
import threading
import uuid
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.models.signals import post_save

from rubrics.models import Evaluation, Interaction, Rating
from tests.test_self_score import form_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class CuttableProxy:
    """Forwards TCP connections to PostgreSQL until `cut()`; `restore()` lets new ones through."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _connect_upstream(self):
        family, address = self.upstream
        upstream = socket.socket(family, socket.SOCK_STREAM)
        upstream.connect(address)
        return upstream

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # the listener was closed
            if not self.open:
                client.close()  # refused, as a dead database host would
                continue
            upstream = self._connect_upstream()
            with self.lock:
                self.sockets |= {client, upstream}
            for source, target in [(client, upstream), (upstream, client)]:
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(source, target)

    def _drop(self, *sockets):
        with self.lock:
            for sock in sockets:
                self.sockets.discard(sock)
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def cut(self):
        self.open = False
        with self.lock:
            sockets = list(self.sockets)
        self._drop(*sockets)

    def restore(self):
        self.open = True

    def close(self):
        self.cut()
        self.listener.close()


def upstream_of(settings_dict):
    host, port = settings_dict["HOST"], settings_dict["PORT"] or "5432"
    if not host or host.startswith("/"):
        return socket.AF_UNIX, f"{host or '/var/run/postgresql'}/.s.PGSQL.{port}"
    return socket.AF_INET, (host, int(port))


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class AppServer:
    """EthicsKit in one thread, one request at a time, keeping its database connection between
    requests as a gunicorn sync worker does (CONN_MAX_AGE), so recovery is tested for real."""

    def __init__(self):
        self.server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=QuietHandler)
        self.port = self.server.server_port
        self.cookies = {}
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            from urllib.parse import urlencode

            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy():
    """Point Django's default database at the proxy for this test, then put it back."""
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"]
    proxy = CuttableProxy(upstream_of(settings_dict))
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(proxy.port)
    yield proxy
    proxy.restore()
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = saved
    proxy.close()


@pytest.fixture
def app(proxy, agent, client):
    client.force_login(agent)
    server = AppServer()
    server.cookies["sessionid"] = client.cookies["sessionid"].value
    yield server
    server.stop()


def row_counts():
    connection.close()  # never reuse a connection the proxy may have cut
    return Interaction.objects.count(), Evaluation.objects.count(), Rating.objects.count()


def score_form(app):
    page = app.request("GET", "/score/")
    assert page.status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return {**form_data(submission_token=str(uuid.uuid4())), "csrfmiddlewaretoken": token}


def test_outage_gives_503s_and_the_app_recovers_without_a_restart(proxy, app):
    assert app.request("GET", "/healthz").status == 200
    assert app.request("GET", "/").status == 200
    before = row_counts()
    form = score_form(app)

    proxy.cut()
    for path in ["/", "/my/scores/", "/library/", "/dashboard/"]:
        response = app.request("GET", path)
        assert response.status == 503, path
        assert "EthicsKit is briefly unavailable" in response.text, path
        assert response.getheader("Retry-After") == "30"
    health = app.request("GET", "/healthz")
    assert health.status == 503 and '"database": "unavailable"' in health.text
    api = app.request("GET", "/api/v1/interactions/")
    assert api.status == 503 and api.getheader("Content-Type") == "application/json"
    submitted = app.request("POST", "/score/", form)
    assert submitted.status == 503

    proxy.restore()
    assert row_counts() == before
    assert app.request("GET", "/healthz").status == 200
    assert app.request("GET", "/my/scores/").status == 200
    # The same form, sent again once the database is back, is saved exactly once.
    assert app.request("POST", "/score/", form).status == 302
    interactions, evaluations, ratings = before
    assert row_counts() == (interactions + 1, evaluations + 1, ratings + 5)


def test_a_request_cut_mid_transaction_leaves_nothing_half_written(proxy, app):
    before = row_counts()
    form = score_form(app)

    def cut_after_the_interaction_is_written(sender, instance, created, **kwargs):
        # The interaction row exists inside the transaction; the evaluation and ratings do not.
        if created:
            proxy.cut()

    post_save.connect(cut_after_the_interaction_is_written, sender=Interaction)
    try:
        response = app.request("POST", "/score/", form)
    finally:
        post_save.disconnect(cut_after_the_interaction_is_written, sender=Interaction)
    assert response.status == 503
    assert "Nothing you sent was half-saved" in response.text

    proxy.restore()
    assert row_counts() == before
    assert app.request("POST", "/score/", score_form(app)).status == 302
    interactions, evaluations, ratings = before
    assert row_counts() == (interactions + 1, evaluations + 1, ratings + 5)
