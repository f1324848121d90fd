"""Reading connections: who may see which, and what a connection's page shows."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from integrations.models import Connection
from teams.access import is_admin, teams_led_by


def connections_for(user):
    """Connections a person may use: admins all of them; supervisors those of the teams they
    lead and those serving every team. Only admins change them."""
    if not user.is_authenticated:
        return Connection.objects.none()
    if is_admin(user):
        return Connection.objects.all()
    return Connection.objects.filter(Q(team__isnull=True) | Q(team__in=teams_led_by(user)))


def get_connection_for_user(user, slug: str) -> Connection:
    """The connection at `slug` if the person may use it; 404 otherwise."""
    return get_object_or_404(connections_for(user).select_related("team"), slug=slug)


def get_connection_to_manage(user, slug: str) -> Connection:
    """The connection at `slug` for an admin to change; 404 for anyone else."""
    if not is_admin(user):
        raise Http404("No such connection.")
    return get_connection_for_user(user, slug)


def connection_list():
    return (
        Connection.objects.select_related("team")
        .annotate(
            mapped=Count("mappings", distinct=True),
            waiting=Count("unmapped", distinct=True),
            tickets=Count("ticket_links", distinct=True),
        )
        .order_by("name", "id")
    )
