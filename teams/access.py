"""Who may do what: the one place where roles and team visibility are decided.

Views call these helpers; templates read the `roles` context variable they produce.
Outsiders get 404 (see `get_object_for_user` helpers in each app), a missing role gets 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from teams.models import Role, Team


def user_roles(user) -> frozenset[str]:
    """The roles a user holds; a superuser counts as Admin. Cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_ethicskit_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = user._ethicskit_roles = frozenset(names)
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def teams_led_by(user):
    """Teams whose people and records the user may see as a leader (all of them for admins)."""
    if is_admin(user):
        return Team.objects.all()
    if has_role(user, Role.SUPERVISOR):
        return Team.objects.filter(supervisors=user)
    return Team.objects.none()


def teams_supervised_by(user):
    """Teams the user supervises in person: where they review and sample, even as an admin."""
    if has_role(user, Role.SUPERVISOR):
        return Team.objects.filter(supervisors=user)
    return Team.objects.none()


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


# The Django admin permissions each role's group holds: admins manage the toolkit's content,
# records, teams and people; the other roles may only read content (they have no staff access).
# Admins also see django-axes' failed sign-ins, and lift a lockout by deleting its attempt row.
CONTENT_APPS = ["rubrics", "checklists", "scripts_library"]
ROLE_PERMISSIONS = {
    Role.ADMIN: ([*CONTENT_APPS, "teams", "axes"], ["add", "change", "delete", "view"]),
    Role.SUPERVISOR: ([*CONTENT_APPS, "teams"], ["view"]),
    Role.AGENT: (CONTENT_APPS, ["view"]),
}


# People's records, not content: only admins browse them in the Django admin, because a
# view permission there would show every team's rows. Everyone else reaches them in the app.
RECORD_MODELS = {
    "rubrics": [
        "interaction",
        "evaluation",
        "rating",
        "reviewsample",
        "coachingcomment",
        "dispute",
        "disputeitem",
    ],
    "checklists": [
        "checklistrun",
        "checklistanswer",
        "servicechangereview",
        "servicechangeanswer",
        "triagerequest",
        "decisionrecord",
        "concern",
        "proofplanprogress",
    ],
    "scripts_library": ["acknowledgement"],
    "teams": ["auditentry"],
}


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
    for role, (apps, actions) in ROLE_PERMISSIONS.items():
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
