"""Reads of cases; every one goes through `Case.objects.visible_to`."""

from django.shortcuts import get_object_or_404

from cases.models import Case


def cases_for_user(user):
    return Case.objects.visible_to(user).select_related("concern", "owner", "team")


def get_case_for_user(user, pk) -> Case:
    return get_object_or_404(cases_for_user(user), pk=pk)


def may_work_cases(user) -> bool:
    """Who may open the case list: supervisors (owners of their teams' cases), compliance and
    admins; agents never own cases."""
    from teams.access import has_role, is_compliance
    from teams.models import Role

    return is_compliance(user) or has_role(user, Role.SUPERVISOR, Role.ADMIN)
