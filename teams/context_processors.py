from teams.access import is_reviewer, user_roles
from teams.models import Role


def roles(request):
    """Expose the signed-in user's roles to templates for navigation only (not for access)."""
    held = user_roles(request.user) if hasattr(request, "user") else frozenset()
    return {
        "roles": held,
        "is_agent": Role.AGENT in held,
        "is_supervisor": Role.SUPERVISOR in held,
        "is_admin": Role.ADMIN in held,
        "is_reviewer": hasattr(request, "user") and is_reviewer(request.user),
    }
