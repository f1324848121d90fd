"""Reads for training: the practice set, progress and due modules, streaks, team insight."""

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from teams.access import is_admin, teams_led_by
from teams.models import Role
from training.models import Assignment, Attempt, Certificate, Dilemma, Module, Option, Verdict
from training.schedule import NEW, schedule_of

PRACTICE_SET_SIZE = 10


def published_dilemmas_with_options():
    return Dilemma.objects.published().prefetch_related(
        Prefetch("options", Option.objects.order_by("position", "id"))
    )


def schedules_for(user) -> dict[int, object]:
    """Each dilemma the user has answered -> its schedule; one query over their answers."""
    answers = defaultdict(list)
    for dilemma_id, answered_at, verdict in (
        Attempt.objects.filter(user=user)
        .order_by("answered_at", "id")
        .values_list("dilemma_id", "answered_at", "verdict")
    ):
        answers[dilemma_id].append((answered_at, verdict == Verdict.BEST))
    return {pk: schedule_of(items) for pk, items in answers.items()}


def practice_set(user, *, now: datetime | None = None, size: int = PRACTICE_SET_SIZE) -> list[int]:
    """Ids of up to `size` published dilemmas to practise: those due again first (longest
    overdue first), then ones never answered (in title order)."""
    now = now or timezone.now()
    schedules = schedules_for(user)
    published = list(Dilemma.objects.published().order_by("title").values_list("pk", flat=True))
    due = sorted(
        (schedules[pk].due_at, pk)
        for pk in published
        if pk in schedules and schedules[pk].is_due(now)
    )
    unseen = [pk for pk in published if schedules.get(pk, NEW) is NEW]
    return ([pk for _, pk in due] + unseen)[:size]


def get_dilemma_for_user(user, pk) -> Dilemma:
    """A dilemma the user may practise; unpublished ones 404 for all but admins."""
    return get_object_or_404(Dilemma.objects.visible_to(user), pk=pk)


def dilemma_links(dilemma: Dilemma, user) -> dict[str, list]:
    """The published material linked to a dilemma, by kind (scripts hide drafts)."""
    from scripts_library.models import Script

    return {
        "scripts": list(Script.objects.visible_to(user).filter(dilemmas=dilemma)),
        "faq_entries": list(dilemma.faq_entries.all()),
        "phrases": list(dilemma.phrases.all()),
        "mistakes": list(dilemma.mistakes.all()),
        "checklist_items": list(
            dilemma.checklist_items.filter(is_active=True).select_related("checklist")
        ),
        "decision_steps": list(dilemma.decision_steps.all()),
    }


def get_certificate_for_user(user, code: str) -> Certificate:
    """The owner, supervisors of the owner's team and admins see a certificate; others 404."""
    certificate = Certificate.objects.select_related("user__membership").filter(code=code).first()
    if certificate is None:
        raise Http404
    if certificate.user_id == user.pk or is_admin(user):
        return certificate
    team_id = getattr(getattr(certificate.user, "membership", None), "team_id", None)
    if team_id is not None and teams_led_by(user).filter(pk=team_id).exists():
        return certificate
    raise Http404


def verify_code(code: str) -> Certificate | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Certificate.objects.select_related("module").filter(code=code).first()


@dataclass
class ModuleStatus:
    module: Module
    due_on: date | None
    certificate: Certificate | None

    @property
    def is_passed(self) -> bool:
        return self.certificate is not None

    def is_overdue(self, today: date) -> bool:
        return not self.is_passed and self.due_on is not None and self.due_on < today


def module_statuses(user) -> list[ModuleStatus]:
    """The modules assigned to the user (earliest due date wins) and any they passed."""
    due: dict[int, date] = {}
    modules: dict[int, Module] = {}
    for assignment in Assignment.objects.for_agent(user).select_related("module"):
        pk = assignment.module_id
        modules[pk] = assignment.module
        due[pk] = min(due.get(pk, assignment.due_on), assignment.due_on)
    certificates: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(user=user).select_related("module"):
        certificates.setdefault(certificate.module_id, certificate)
        modules.setdefault(certificate.module_id, certificate.module)
    return sorted(
        (ModuleStatus(modules[pk], due.get(pk), certificates.get(pk)) for pk in modules),
        key=lambda status: (status.is_passed, status.due_on or date.max, status.module.title),
    )


def practice_streak(user, *, today: date | None = None) -> int:
    """Weeks in a row with at least one practice answer, counting back from this week (or last
    week, while this week has none yet): ten minutes a week keeps it going."""
    today = today or timezone.localdate()
    since = today - timedelta(weeks=104)
    days = Attempt.objects.filter(user=user, answered_at__date__gte=since).dates(
        "answered_at", "day"
    )
    weeks = {day - timedelta(days=day.weekday()) for day in days}
    week = today - timedelta(days=today.weekday())
    if week not in weeks:
        week -= timedelta(weeks=1)
    streak = 0
    while week in weeks:
        streak += 1
        week -= timedelta(weeks=1)
    return streak


@dataclass
class AgentProgress:
    agent: object
    passed: list = field(default_factory=list)
    due: list = field(default_factory=list)  # (module, due_on) not yet passed
    overdue: list = field(default_factory=list)


def _agents_of(team_ids):
    return (
        get_user_model()
        .objects.filter(membership__team_id__in=team_ids, groups__name=Role.AGENT, is_active=True)
        .select_related("membership__team")
        .order_by("membership__team__name", "username")
        .distinct()
    )


def team_progress(teams, *, today: date | None = None, agents=None) -> list[AgentProgress]:
    """Per agent of `teams` (or only `agents`, people of those teams): modules passed, due and
    overdue. Three queries whatever the size."""
    today = today or timezone.localdate()
    team_ids = [team.pk for team in teams]
    agents = list(_agents_of(team_ids) if agents is None else agents)
    agent_ids = [agent.pk for agent in agents]
    by_team, by_agent = defaultdict(list), defaultdict(list)
    for assignment in (
        Assignment.objects.filter(Q(team_id__in=team_ids) | Q(agent_id__in=agent_ids))
        .select_related("module")
        .order_by("due_on", "pk")
    ):
        if assignment.agent_id is not None:
            by_agent[assignment.agent_id].append(assignment)
        if assignment.team_id is not None:
            by_team[assignment.team_id].append(assignment)
    passed = defaultdict(dict)
    for certificate in Certificate.objects.filter(user_id__in=agent_ids).order_by("passed_on"):
        passed[certificate.user_id].setdefault(certificate.module_id, certificate)
    rows = []
    for agent in agents:
        row = AgentProgress(agent, passed=list(passed[agent.pk].values()))
        # The agent's own and his team's assignments, earliest due first; a module's earliest
        # due date counts.
        mine = heapq.merge(
            by_agent[agent.pk],
            by_team[agent.membership.team_id],
            key=lambda assignment: (assignment.due_on, assignment.pk),
        )
        seen = set()
        for assignment in mine:
            if assignment.module_id in seen:
                continue
            seen.add(assignment.module_id)
            if assignment.module_id in passed[agent.pk]:
                continue
            item = (assignment.module, assignment.due_on)
            (row.overdue if assignment.due_on < today else row.due).append(item)
        rows.append(row)
    return rows


def overdue_agents(teams, *, today: date | None = None):
    """Agents of `teams` with a module assigned to them or their team, due before `today` and
    not passed: a queryset in team and name order."""
    today = today or timezone.localdate()
    passed = Certificate.objects.filter(
        user_id=OuterRef(OuterRef("pk")), module_id=OuterRef("module_id")
    )
    overdue = Assignment.objects.filter(
        Q(agent_id=OuterRef("pk")) | Q(team_id=OuterRef("membership__team_id")),
        ~Exists(passed),
        due_on__lt=today,
    )
    return _agents_of([team.pk for team in teams]).filter(Exists(overdue))


def overdue_by_agent(teams, *, today: date | None = None, limit: int | None = None):
    """Agents of `teams` with at least one overdue module and what is overdue, the first
    `limit` of them (all when None)."""
    agents = overdue_agents(teams, today=today)
    if limit is not None:
        agents = agents[:limit]
    return [row for row in team_progress(teams, today=today, agents=agents) if row.overdue]


def hardest_dilemmas(agent_ids, *, limit: int = 5) -> list[dict]:
    """The dilemmas these agents most often got wrong (not best), with counts."""
    return list(
        Attempt.objects.filter(user_id__in=agent_ids)
        .values("dilemma_id", "dilemma__title")
        .annotate(
            wrong=Count("id", filter=~Q(verdict=Verdict.BEST)),
            harmful=Count("id", filter=Q(verdict=Verdict.HARMFUL)),
            answers=Count("id"),
        )
        .filter(wrong__gt=0)
        .order_by("-wrong", "dilemma__title")[:limit]
    )


def weakest_criteria(agent_ids, *, limit: int = 5) -> list[tuple[str, int]]:
    """Rubric criteria touched by the dilemmas these agents got wrong, most misses first."""
    misses = defaultdict(int)
    for keys, wrong in (
        Attempt.objects.filter(user_id__in=agent_ids)
        .exclude(verdict=Verdict.BEST)
        .values("dilemma__criterion_keys")
        .annotate(wrong=Count("id"))
        .values_list("dilemma__criterion_keys", "wrong")
    ):
        for key in keys or []:
            misses[key] += wrong
    return sorted(misses.items(), key=lambda item: (-item[1], item[0]))[:limit]


def dilemmas_for_criteria(keys) -> dict[str, list[Dilemma]]:
    """Published dilemmas touching each criterion key; one query."""
    found = defaultdict(list)
    if not keys:
        return found
    for dilemma in (
        Dilemma.objects.published()
        .filter(criterion_keys__overlap=list(keys))
        .only("title", "criterion_keys")
        .order_by("title")
    ):
        for key in dilemma.criterion_keys:
            if key in keys:
                found[key].append(dilemma)
    return found


def dilemma_suggestions(keys) -> dict[str, list]:
    """For the interaction page (through scripts_library.suggestions): up to two published
    dilemmas to practise per criterion rated 1 or 2."""
    from scripts_library.suggestions import Suggested

    return {
        key: [Suggested(d.title, d.get_absolute_url()) for d in dilemmas[:2]]
        for key, dilemmas in dilemmas_for_criteria(keys).items()
    }


def last_sitting(user, module) -> dict | None:
    """The person's latest sitting of `module`: its answers that were not the best, each with
    its feedback and the best response, and their certificate if they hold one."""
    latest = Attempt.objects.filter(user=user, module=module).order_by("-answered_at").first()
    if latest is None:
        return None
    missed = list(
        Attempt.objects.filter(user=user, module=module, answered_at=latest.answered_at)
        .exclude(verdict=Verdict.BEST)
        .select_related("dilemma", "option")
        .prefetch_related(
            Prefetch("dilemma__options", Option.objects.filter(verdict=Verdict.BEST), "best")
        )
        .order_by("dilemma__title", "id")
    )
    return {
        "answered_at": latest.answered_at,
        "missed": missed,
        "certificate": Certificate.objects.filter(user=user, module=module).first(),
    }
