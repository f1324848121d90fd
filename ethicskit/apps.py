from django.apps import AppConfig

# The fields of a person that other people's pages show.
NAMES = frozenset({"username", "first_name", "last_name"})


def home_key(user_id: int) -> str:
    """The home page's key in the page cache (core.pagecache)."""
    return f"home:{user_id}"


class EthicsKitConfig(AppConfig):
    """The top floor: settings, root URLs, the home page and what reaches across every app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ethicskit"
    verbose_name = "EthicsKit"

    def ready(self):
        connect_home_page()


def connect_home_page() -> None:
    """Drop the kept home pages when something they show changes. Content that every agent
    sees (the rubric, checklists, scripts, training modules, teams) drops every copy; a
    person's own records (interactions, scores, disputes, training due) drop theirs. Dates
    passing (training falling overdue) and the team's script use (counted on every script
    opened, too often to drop pages for) are covered by the copies' five-minute expiry."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    from checklists.models import Checklist, ChecklistRun
    from core.pagecache import EVERYTHING, drop_on, invalidate
    from notifications.signals import inbox_changed
    from rubrics.models import Criterion, Dispute, Evaluation, Interaction, Rubric
    from rubrics.signals import reviews_seen
    from scripts_library.models import Acknowledgement, FaqEntry, Script, ScriptCategory
    from teams.models import Membership, Team
    from training.models import Assignment as TrainingAssignment
    from training.models import Certificate, Module

    saved_or_deleted = (post_save, post_delete)

    def everything(instance, **kwargs):
        return [EVERYTHING]

    for model in (Rubric, Criterion, Checklist, Script, ScriptCategory, FaqEntry, Team, Module):
        drop_on(saved_or_deleted, model, everything, f"{model._meta.label}.everything")

    User = get_user_model()

    def person(user, update_fields=None, **kwargs):
        keys = [home_key(user.pk)]
        if update_fields is not None and not NAMES.intersection(update_fields):
            return keys  # e.g. the sign-in's last_login
        # Agents' pages name their team's supervisors.
        led = Membership.objects.filter(team__supervisors=user).values_list("user_id", flat=True)
        return keys + [home_key(agent_id) for agent_id in led]

    # Before a delete, while the person still leads their teams.
    drop_on((post_save, pre_delete), User, person, "user")
    drop_on(saved_or_deleted, Membership, lambda m, **kw: [home_key(m.user_id)], "membership")
    drop_on(saved_or_deleted, Acknowledgement, lambda a, **kw: [home_key(a.user_id)], "ack")
    # Runs before acting wait on their runner's page until attached (attaching saves the run).
    drop_on(saved_or_deleted, ChecklistRun, lambda r, **kw: [home_key(r.runner_id)], "run")

    def scored_agent(evaluation, **kwargs):
        # Reviews wait to be read and acknowledged; both kinds show on the last interactions.
        return [home_key(evaluation.interaction.agent_id)]

    # Saves only: a post_delete receiver would make every cascade fetch each evaluation, and
    # evaluations are not deleted on their own (the admin shows them read-only).
    drop_on([post_save], Evaluation, scored_agent, "evaluation")
    drop_on(saved_or_deleted, Interaction, lambda i, **kw: [home_key(i.agent_id)], "interaction")
    # A dispute takes its review off the agent's "to acknowledge" until it is settled.
    drop_on(saved_or_deleted, Dispute, lambda d, **kw: [home_key(d.raised_by_id)], "dispute")

    def assigned_training(assignment, **kwargs):
        if assignment.agent_id is not None:
            return [home_key(assignment.agent_id)]
        members = Membership.objects.filter(team_id=assignment.team_id)
        return [home_key(pk) for pk in members.values_list("user_id", flat=True)]

    drop_on(saved_or_deleted, TrainingAssignment, assigned_training, "training-assignment")
    drop_on(saved_or_deleted, Certificate, lambda c, **kw: [home_key(c.user_id)], "certificate")

    def seen(sender, agent, **kwargs):
        invalidate(home_key(agent.pk))  # the unread badge

    reviews_seen.connect(seen, weak=False, dispatch_uid="pagecache.reviews_seen")

    def inbox(sender, user_ids, **kwargs):
        invalidate(*[home_key(pk) for pk in user_ids])  # the bell's count

    inbox_changed.connect(inbox, weak=False, dispatch_uid="pagecache.inbox_changed")

    def group_members(instance, action, reverse, pk_set, **kwargs):
        if not action.startswith("post_"):
            return []
        if not reverse:
            return [home_key(instance.pk)]
        # A group's members changed: those people, or everyone when the group was emptied.
        return [EVERYTHING] if pk_set is None else [home_key(pk) for pk in pk_set]

    drop_on([m2m_changed], User.groups.through, group_members, "groups")
    drop_on(
        [m2m_changed],
        Team.supervisors.through,
        lambda team, action, **kw: [EVERYTHING] if action.startswith("post_") else [],
        "supervisors",
    )
