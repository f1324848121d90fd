"""The pages that only read: My scores, the dashboards, their CSV export, the evidence page."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.csv import csv_cell, csv_response
from core.dates import date_window, last_day
from core.forms import DateRangeForm
from core.replica import reads_from_replica
from core.views import int_or_none
from integrations.selectors import connections_for
from qa import selectors as qa_selectors
from reports import selectors, sources
from reports.forms import DashboardFilterForm
from reports.root_causes import root_cause_rows, root_cause_summary
from rubrics.models import Channel, Criterion, self_scores_blind_for
from rubrics.rollups import sliced
from teams.access import chosen_teams, get_agent_for_user, role_required, teams_led_by
from teams.models import Membership, Role, Team
from training.selectors import overdue_agents, overdue_by_agent

LEADERS = (Role.SUPERVISOR, Role.ADMIN)


@role_required(Role.AGENT)
@require_GET
def my_scores_page(request):
    form = DateRangeForm(request.GET or None)
    start, end = form.window()
    data = selectors.my_scores(request.user, start, end)
    page = Paginator(data["interactions"], 25).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/my_scores.html",
        {
            **data,
            "form": form,
            "page": page,
            "start": start.date(),
            "end": last_day(end),
        },
    )


THRESHOLD_SESSION_KEY = "dashboard_threshold"


def _dashboard_filters(request):
    """The filter form and the values to use: each field that is valid, defaults for the rest.

    The threshold a leader sets is remembered in their session until they change it.
    """
    form = DashboardFilterForm(request.GET or None)
    connections = list(connections_for(request.user).order_by("name"))
    form.set_connection_choices(connections)
    cleaned = form.valid_values()
    start, end = date_window(cleaned.get("date_from"), cleaned.get("date_to"))
    threshold = cleaned.get("threshold")
    if threshold is not None:
        if str(threshold) != request.session.get(THRESHOLD_SESSION_KEY):
            request.session[THRESHOLD_SESSION_KEY] = str(threshold)
    else:
        remembered = request.session.get(THRESHOLD_SESSION_KEY)
        threshold = Decimal(remembered) if remembered else selectors.DEFAULT_THRESHOLD
    return form, {
        "team_id": int_or_none(request.GET.get("team")),
        "agent_id": int_or_none(request.GET.get("agent")),
        "channel": cleaned.get("channel") or "",
        "topic": cleaned.get("topic") or "",
        "start": start,
        "end": end,
        "threshold": threshold,
        "connection": next((c for c in connections if c.slug == cleaned.get("connection")), None),
    }


def _dashboard(request, *, organisation: bool):
    form, filters = _dashboard_filters(request)
    led = teams_led_by(request.user)
    if not (filters["channel"] or filters["topic"] or filters["connection"]):
        return _dashboard_page(request, form, filters, led, organisation=organisation)
    # A slice by channel or topic is summed from the evaluations of the window (see
    # rubrics.rollups.sliced). Review coverage is of the current assignment period, whatever
    # the filters, so it is read from the stored rollups before they are shadowed.
    led_teams = list(led.order_by("name"))
    coverage = qa_selectors.coverage(
        chosen_teams(led_teams, filters["team_id"]), today=timezone.localdate()
    )
    with sliced(
        start=filters["start"],
        end=filters["end"],
        team_ids=[team.pk for team in led_teams],
        channel=filters["channel"],
        topic=filters["topic"],
        interactions=sources.interactions_from(filters["connection"]),
    ):
        return _dashboard_page(
            request, form, filters, led_teams, organisation=organisation, covered=coverage
        )


# Agents listed under "Overdue training"; the team training page lists everyone.
OVERDUE_SHOWN = 20


def _dashboard_page(request, form, filters, led, *, organisation: bool, covered=None):
    """`led`: the viewer's teams, a queryset or a list in name order."""
    start, end = filters["start"], filters["end"]
    # Under blind review the viewer's self-score figures count reviewed interactions only.
    blind = self_scores_blind_for(request.user, led)
    # The team comparison doubles as the team picker: one query for both.
    teams = selectors.team_comparison(led, start, end, blind=blind)
    chosen = chosen_teams(teams, filters["team_id"])
    agent_id = filters["agent_id"]
    data = selectors.dashboard(
        teams=chosen,
        agent_id=agent_id,
        start=start,
        end=end,
        threshold=filters["threshold"],
        list_all_agents=not organisation or len(chosen) == 1 or agent_id is not None,
        blind=blind,
        channel=filters["channel"],
        topic=filters["topic"],
        interactions=sources.interactions_from(filters["connection"]),
    )
    for team in teams:
        # Checklist counts cover the chosen teams; the others show a dash, not a false zero.
        counts = data["checklists"]["by_team"].get(team.pk, {})
        chosen_team = team in chosen
        team.checklist_runs = counts.get("runs", 0) if chosen_team else None
        team.checklist_no_answers = counts.get("no_answers", 0) if chosen_team else None
    agent = next((person for person in data["agents"] if person.pk == agent_id), None)
    if agent_id is not None and agent is None:
        raise Http404("No such agent in your teams.")
    form.set_choices(teams=teams, agents=data["agents"] if len(chosen) == 1 else [])
    root_causes = root_cause_summary(
        root_cause_rows(
            teams=chosen,
            start=start,
            end=end,
            agent_id=agent_id,
            # Every case, routed to a team or not, only on the whole organisation's figures.
            every_case=organisation and filters["team_id"] is None,
        )
    )
    if covered is None:
        covered = qa_selectors.coverage(chosen, today=timezone.localdate())
    coverage = [{"team": team, **covered[team.pk]} for team in chosen]
    overdue = overdue_by_agent(chosen, limit=OVERDUE_SHOWN)
    overdue_total = (
        overdue_agents(chosen).count() if len(overdue) == OVERDUE_SHOWN else len(overdue)
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            **data,
            "form": form,
            "organisation": organisation,
            "blind": blind,
            "comparison": teams if organisation or len(teams) > 1 else None,
            "chosen": chosen,
            "agent": agent,
            "start": start.date(),
            "end": last_day(end),
            "export_query": request.GET.urlencode(),
            # What the figures are narrowed to, as the page names it; empty when not sliced.
            "sliced": {
                name: value
                for name, value in (
                    ("channel", Channel(filters["channel"]).label if filters["channel"] else ""),
                    ("topic", filters["topic"]),
                    ("helpdesk", filters["connection"].name if filters["connection"] else ""),
                )
                if value
            },
            "overdue_training": overdue,
            "overdue_more": overdue_total - len(overdue),
            "coverage": coverage,
            "root_causes": root_causes,
        },
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
@reads_from_replica
def team_dashboard(request):
    return _dashboard(request, organisation=False)


@role_required(Role.ADMIN)
@require_GET
@reads_from_replica
def organisation_dashboard(request):
    return _dashboard(request, organisation=True)


CSV_FIXED_COLUMNS = [
    "evaluation_id",
    "interaction_id",
    "reference",
    "occurred_at",
    "team",
    "agent",
    "agent_name",
    "kind",
    "author",
    "author_name",
    "rubric_version",
    "revision",
    "score",
    "percent",
    "critical_fail",
    "flagged",
]


def _criterion_columns() -> list[str]:
    """Criterion keys in the current rubric's order, then any only older versions had."""
    keys = []
    for key in Criterion.objects.order_by("-rubric__version", "position", "key").values_list(
        "key", flat=True
    ):
        if key not in keys:
            keys.append(key)
    return keys


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def dashboard_export(request):
    form, filters = _dashboard_filters(request)
    if form.is_bound and not form.is_valid():
        # A file quietly built from other filters than asked for would mislead; say what is wrong.
        problems = "; ".join(
            f"{form.fields[field].label if field in form.fields else 'Filters'}: {' '.join(errors)}"
            for field, errors in form.errors.items()
        )
        return HttpResponseBadRequest(
            f"The export was not made. {problems}", content_type="text/plain; charset=utf-8"
        )
    start, end = filters["start"], filters["end"]
    chosen = chosen_teams(list(teams_led_by(request.user).order_by("name")), filters["team_id"])
    agent_id = filters["agent_id"]
    if (
        agent_id is not None
        and not Membership.objects.filter(user_id=agent_id, team__in=chosen).exists()
    ):
        raise Http404("No such agent in your teams.")
    evaluations = selectors.dashboard_evaluations(
        request.user,
        teams=chosen,
        agent_id=agent_id,
        start=start,
        end=end,
        channel=filters["channel"],
        topic=filters["topic"],
    )
    evaluations = sources.for_export(evaluations, filters["connection"])
    keys = _criterion_columns()
    rows = (
        [
            evaluation.pk,
            evaluation.interaction.pk,
            csv_cell(evaluation.interaction.reference),
            timezone.localtime(evaluation.interaction.occurred_at).isoformat(),
            csv_cell(evaluation.interaction.team.name),
            csv_cell(evaluation.interaction.agent.get_username()),
            csv_cell(_name(evaluation.interaction.agent)),
            evaluation.kind,
            csv_cell(evaluation.author.get_username()),
            csv_cell(_name(evaluation.author)),
            evaluation.rubric.version,
            evaluation.revision,
            evaluation.score,
            evaluation.percent,
            evaluation.critical_fail,
            evaluation.flagged,
            *_ratings_in_order(evaluation, keys),
        ]
        for evaluation in evaluations.iterator(chunk_size=2000)
    )
    filename = f"evaluations-{start.date()}-to-{last_day(end)}.csv"
    return csv_response(CSV_FIXED_COLUMNS + keys, rows, filename)


def _name(person) -> str:
    """A person's name as the screens show it: the full name, else the username."""
    return person.get_full_name() or person.get_username()


def _ratings_in_order(evaluation, keys: list[str]) -> list:
    values = {rating.criterion.key: rating.value for rating in evaluation.ratings.all()}
    return ["" if values.get(key) is None else values[key] for key in keys]


def _evidence_page(request, agent, teams=None):
    """`teams`: for a leader, the teams they lead; only records made in those teams show."""
    form = DateRangeForm(request.GET or None)
    start, end = form.window()
    # Over every team the agent's interactions were in (and shown), not only their team today.
    their_teams = Team.objects.filter(interactions__agent=agent)
    if teams is not None:
        their_teams = their_teams.filter(pk__in=teams.values("pk"))
    blind = self_scores_blind_for(request.user, their_teams)
    return render(
        request,
        "reports/evidence.html",
        {
            **selectors.evidence_of_practice(agent, start, end, blind=blind, teams=teams),
            "agent": agent,
            "led_teams_only": teams is not None,
            "form": form,
            "start": start.date(),
            "end": last_day(end),
            "today": timezone.localdate(),
        },
    )


@role_required(Role.AGENT)
@require_GET
def evidence(request):
    return _evidence_page(request, request.user)


@role_required(*LEADERS)
@require_GET
def evidence_for_agent(request, user_id):
    """A leader's view of an agent's evidence page, for the agent's performance review."""
    return _evidence_page(
        request, get_agent_for_user(request.user, user_id), teams=teams_led_by(request.user)
    )
