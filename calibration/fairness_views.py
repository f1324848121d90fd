"""The fairness audit's page and CSV: they read the table the nightly job stored."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from calibration.fairness import MIN_REVIEWS, flag_points, significance
from calibration.fairness_job import PERIODS
from calibration.models import FairnessRow
from core.csv import csv_cell, csv_response
from core.replica import reads_from_replica
from core.views import int_or_none
from teams.access import is_admin, role_required, teams_led_by
from teams.models import Role

KINDS = [("reviewer", "Reviewers"), ("team", "Teams"), ("channel", "Channels"), ("agent", "Agents")]
CSV_COLUMNS = [
    "kind",
    "name",
    "reviews",
    "mean_percent",
    "difference",
    "p_adjusted",
    "flagged",
    "what_was_compared",
    "self_review_gap",
    "disputed_share",
    "overturned_share",
    "calibration_deviation",
]


def _scope(request):
    """(team or None for the whole organisation, days, the teams offered). Admins may see the
    whole organisation; supervisors see one of the teams they lead; another team is 404."""
    teams = list(teams_led_by(request.user).order_by("name"))
    days = int_or_none(request.GET.get("days"))
    days = days if days in PERIODS else 90
    team_id = int_or_none(request.GET.get("team"))
    if team_id is None:
        if is_admin(request.user):
            return None, days, teams
        if not teams:
            raise Http404("You lead no team.")
        return teams[0], days, teams
    chosen = next((team for team in teams if team.pk == team_id), None)
    if chosen is None:
        raise Http404("No such team among yours.")
    return chosen, days, teams


def _rows(team, days):
    return FairnessRow.objects.filter(team=team, days=days).order_by("kind", "label", "id")


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
@reads_from_replica
def fairness_audit(request):
    team, days, teams = _scope(request)
    rows = list(_rows(team, days))
    sections = [(label, [row for row in rows if row.kind == kind]) for kind, label in KINDS]
    return render(
        request,
        "calibration/fairness_audit.html",
        {
            "team": team,
            "days": days,
            "teams": teams,
            "periods": PERIODS,
            "sections": [(label, each) for label, each in sections if each],
            "computed_at": rows[0].computed_at if rows else None,
            "flag_points": flag_points(),
            "significance": significance(),
            "min_reviews": MIN_REVIEWS,
            "is_admin": is_admin(request.user),
        },
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def fairness_export(request):
    team, days, _ = _scope(request)
    rows = (
        [
            row.kind,
            csv_cell(row.label),
            row.reviews,
            row.mean_percent,
            row.difference,
            "" if row.p_adjusted is None else f"{row.p_adjusted:.4f}",
            "yes" if row.flagged else "no",
            csv_cell(row.words),
            row.self_review_gap,
            row.disputed_share,
            row.overturned_share,
            row.calibration_deviation,
        ]
        for row in _rows(team, days)
    )
    scope = f"team-{team.pk}" if team else "organisation"
    return csv_response(CSV_COLUMNS, rows, f"fairness-{scope}-{days}-days.csv")
