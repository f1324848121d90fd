"""Who may do what: the one place where roles and team scopes are decided.

Views call these helpers; templates read the `roles` context variable they produce. Each app
fetches its objects through its own `get_<thing>_for_user` helper, built on these scopes:
outsiders get 404, a missing role gets 403.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from teams.models import COMPLIANCE_GROUP, Role, Team


def user_roles(user) -> frozenset[str]:
    """The roles a user holds; a superuser counts as Admin. Cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_ethicskit_roles", None)
    if cached is None:
        # The Compliance group is read in the same query; it is a duty, not a role.
        groups = [*Role.values, COMPLIANCE_GROUP]
        names = set(user.groups.filter(name__in=groups).values_list("name", flat=True))
        user._ethicskit_compliance = COMPLIANCE_GROUP in names
        names.discard(COMPLIANCE_GROUP)
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = user._ethicskit_roles = frozenset(names)
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def is_compliance(user) -> bool:
    """Admins, and members of the Compliance group, receive compliance's cases."""
    if is_admin(user):
        return True
    if not user.is_authenticated:
        return False
    user_roles(user)
    cached = getattr(user, "_ethicskit_compliance", None)
    if cached is None:
        cached = user._ethicskit_compliance = user.groups.filter(name=COMPLIANCE_GROUP).exists()
    return cached


def teams_led_by(user):
    """Teams whose people and records the user may see as a leader (all of them for admins)."""
    if is_admin(user):
        return Team.objects.all()
    if has_role(user, Role.SUPERVISOR):
        return Team.objects.filter(supervisors=user)
    return Team.objects.none()


def admins_review(user) -> bool:
    """Whether `user` is an admin who reviews every team (setting ETHICSKIT_ADMINS_REVIEW, for
    small companies where the lead is the admin). Off, admins oversee and do not review."""
    return settings.ETHICSKIT_ADMINS_REVIEW and is_admin(user)


def is_reviewer(user) -> bool:
    """Whether `user` reviews at all: supervisors, and admins when `admins_review`."""
    return has_role(user, Role.SUPERVISOR) or admins_review(user)


def teams_supervised_by(user):
    """Teams the user reviews: those they supervise in person (even as an admin), or every
    team for an admin when `admins_review`. Reviewing, recording interactions for review,
    sampling and the blind rule all start from here."""
    if admins_review(user):
        return Team.objects.all()
    if has_role(user, Role.SUPERVISOR):
        return Team.objects.filter(supervisors=user)
    return Team.objects.none()


def owned_or_led(queryset, user, owner_field: str):
    """The rows of `queryset` a person may see: their own (`owner_field`), the rows of the teams
    they lead (a `team` field), and every row for admins. Anonymous people see none."""
    if not user.is_authenticated:
        return queryset.none()
    if is_admin(user):
        return queryset
    return queryset.filter(Q(**{owner_field: user}) | Q(team__in=teams_led_by(user)))


def chosen_teams(teams: list, team_id: int | None) -> list:
    """The one team picked (by id) from the viewer's own `teams`, or all of them when none is
    picked; another team's id is not found."""
    if team_id is None:
        return teams
    chosen = [team for team in teams if team.pk == team_id]
    if not chosen:
        raise Http404("No such team among yours.")
    return chosen


def role_required(*roles: str):
    """Decorator: anonymous users go to the login page, users without one of `roles` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def reviewer_required(view):
    """Decorator: anonymous users go to the login page, people who do not review
    (see `is_reviewer`) get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_reviewer(request.user):
            raise PermissionDenied("Only supervisors review interactions.")
        return view(request, *args, **kwargs)

    return wrapped


# The Django admin permissions each role's group holds: admins manage the toolkit's content,
# records, teams and people; the other roles may only read content (they have no staff access).
# Admins also see django-axes' failed sign-ins, and lift a lockout by deleting its attempt row.
# Each content app registers itself (`register_content`) in its AppConfig.ready().
CONTENT_APPS: list[str] = []
ACTIONS = {
    Role.ADMIN: ["add", "change", "delete", "view"],
    Role.SUPERVISOR: ["view"],
    Role.AGENT: ["view"],
}
# People's records, not content: only admins browse them in the Django admin, because a
# view permission there would show every team's rows. Everyone else reaches them in the app.
RECORD_MODELS: dict[str, list[str]] = {"teams": ["auditentry"]}


def register_content(app_label: str, *, records=()) -> None:
    """An app whose models every role may read in the admin, except its people's `records`
    (model names), which only admins may."""
    if app_label not in CONTENT_APPS:
        CONTENT_APPS.append(app_label)
    RECORD_MODELS.setdefault(app_label, [])
    RECORD_MODELS[app_label] += [name for name in records if name not in RECORD_MODELS[app_label]]


def _role_apps(role: str) -> list[str]:
    if role == Role.ADMIN:
        return [*CONTENT_APPS, "teams", "axes"]
    if role == Role.SUPERVISOR:
        return [*CONTENT_APPS, "teams"]
    return list(CONTENT_APPS)


def grant_role_permissions(sender=None, using="default", **kwargs):
    """Give each role group the permissions of every model it covers, including new ones,
    and keep people's records out of the non-admin groups."""
    from django.contrib.auth.models import Group, Permission

    permissions = Permission.objects.using(using)
    records = permissions.none()
    for app_label, models in RECORD_MODELS.items():
        records |= permissions.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
    for role, actions in ACTIONS.items():
        apps = _role_apps(role)
        group = Group.objects.using(using).filter(name=role).first()
        if group is None:
            continue
        wanted = permissions.filter(
            content_type__app_label__in=apps, codename__regex=rf"^({'|'.join(actions)})_"
        )
        if role == Role.ADMIN:
            wanted |= permissions.filter(content_type__app_label="auth", content_type__model="user")
        else:
            wanted = wanted.exclude(pk__in=records.values("pk"))
            group.permissions.remove(*records.filter(group=group))
        group.permissions.add(*wanted.exclude(group=group))


def get_agent_for_user(user, pk):
    """An agent of a team `user` leads (any team for admins); anyone else is not found."""
    from django.contrib.auth import get_user_model

    agents = get_user_model().objects.filter(
        membership__team__in=teams_led_by(user), groups__name=Role.AGENT
    )
    return get_object_or_404(agents, pk=pk)
