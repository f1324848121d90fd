"""The fairness audit's page and CSV: they read the table the nightly job stored."""

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
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


# Rows shown per section, flagged first; the CSV holds them all.
SHOWN_PER_KIND = 50


def _rows(team, days):
    return FairnessRow.objects.filter(team=team, days=days).order_by("kind", "label", "id")


def _shown_rows(team, days) -> list[FairnessRow]:
    """The first SHOWN_PER_KIND rows of each kind, flagged first, then by name."""
    place = Window(
        RowNumber(),
        partition_by=[F("kind")],
        order_by=[F("flagged").desc(), F("label"), F("id")],
    )
    return list(
        FairnessRow.objects.filter(team=team, days=days)
        .annotate(place=place)
        .filter(place__lte=SHOWN_PER_KIND)
        .order_by("kind", "place")
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
@reads_from_replica
def fairness_audit(request):
    team, days, teams = _scope(request)
    rows = _shown_rows(team, days)
    totals = dict(
        FairnessRow.objects.filter(team=team, days=days)
        .values_list("kind")
        .annotate(Count("id"))
        .order_by()
    )
    sections = [
        (label, shown, totals.get(kind, 0) - len(shown))
        for kind, label in KINDS
        for shown in [[row for row in rows if row.kind == kind]]
    ]
    return render(
        request,
        "calibration/fairness_audit.html",
        {
            "team": team,
            "days": days,
            "teams": teams,
            "periods": PERIODS,
            "sections": [section for section in sections if section[1]],
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
