"""Everything EthicsKit holds about one person, for their own download.

It reads every app's records, so it lives on the top floor."""

from axes.models import AccessAttempt, AccessLog
from django.db.models import Prefetch, Q

from checklists.models import (
    ChecklistAnswer,
    ChecklistRun,
    Concern,
    DecisionRecord,
    ProofPlanProgress,
    ServiceChangeReview,
    TriageRequest,
)
from qa.models import Assignment
from rubrics.models import CoachingComment, Dispute, Evaluation, Interaction, Rating
from scripts_library.models import Acknowledgement
from teams.access import user_roles
from teams.models import AuditEntry

# Records whose `user` field names their person: audit entries about them are about that person.
PERSONAL_RECORDS = [
    "teams.Membership",
    "teams.ApiToken",
    "checklists.ProofPlanProgress",
    "scripts_library.Acknowledgement",
    "notifications.Preference",
]


def _values(obj, *names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _name(user) -> str | None:
    return user.get_username() if user is not None else None


def _about(user) -> Q:
    """Audit entries about `user`: their account, and records that name them as their person
    (found by the entries that recorded the record's `user` field being them)."""
    about = Q(model="auth.User", object_id=str(user.pk))
    for label in PERSONAL_RECORDS:
        theirs = AuditEntry.objects.filter(model=label).filter(
            Q(changes__user__0=user.pk) | Q(changes__user__1=user.pk)
        )
        about |= Q(model=label, object_id__in=theirs.values("object_id"))
    return about


def personal_data(user) -> dict:
    """Everything EthicsKit holds about `user`, for their own download: their account, roles
    and team, their interactions with every score and review of them, what they wrote or
    recorded with the tools (reviews, coaching and dispute resolutions of other people's
    interactions included, without those people's details), their sign-in records and the
    audit entries by and about them. Anonymous concerns hold no link to anyone, so they are not
    here; API keys are stored only as hashes, so only token names are. Audit entries by them
    leave out what changed (it may be other people's data); entries about them leave out who
    made the change and from where. A fixed number of queries."""
    membership = getattr(user, "membership", None)
    ratings = Prefetch("ratings", queryset=Rating.objects.select_related("criterion"))
    interactions = (
        Interaction.objects.filter(agent=user)
        .select_related("team")
        .prefetch_related(
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related("author", "rubric")
                .prefetch_related(ratings)
                .order_by("kind", "revision"),
            ),
            Prefetch(
                "coaching_comments", queryset=CoachingComment.objects.select_related("author")
            ),
        )
        .order_by("occurred_at", "pk")
    )
    disputes = (
        Dispute.objects.filter(raised_by=user)
        .select_related("interaction", "resolved_by")
        .prefetch_related("items__criterion")
        .order_by("created_at", "pk")
    )
    runs = (
        ChecklistRun.objects.filter(runner=user)
        .select_related("checklist")
        .prefetch_related(
            Prefetch("answers", queryset=ChecklistAnswer.objects.order_by("position"))
        )
        .order_by("created_at", "pk")
    )
    return {
        "account": {
            **_values(user, "username", "first_name", "last_name", "email", "is_active"),
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "roles": sorted(user_roles(user)),
        "team": {"name": membership.team.name, "joined_at": membership.joined_at}
        if membership
        else None,
        "teams_led": list(user.led_teams.order_by("name").values_list("name", flat=True)),
        "interactions": [
            {
                **_values(
                    interaction,
                    "id",
                    "occurred_at",
                    "channel",
                    "reference",
                    "topic",
                    "summary",
                    "review_requested",
                ),
                "team": interaction.team.name,
                "evaluations": [
                    {
                        **_values(
                            evaluation,
                            "kind",
                            "revision",
                            "is_current",
                            "score",
                            "percent",
                            "critical_fail",
                            "comment",
                            "revision_reason",
                            "created_at",
                            "seen_at",
                            "acknowledged_at",
                        ),
                        "author": _name(evaluation.author),
                        "rubric_version": evaluation.rubric.version,
                        "ratings": [
                            {
                                "criterion": rating.criterion.key,
                                "value": rating.value,
                                "comment": rating.comment,
                            }
                            for rating in evaluation.ratings.all()
                        ],
                    }
                    for evaluation in interaction.evaluations.all()
                ],
                "coaching": [
                    {**_values(comment, "body", "created_at"), "author": _name(comment.author)}
                    for comment in interaction.coaching_comments.all()
                ],
            }
            for interaction in interactions
        ],
        "disputes_raised": [
            {
                "interaction": dispute.interaction_id,
                **_values(
                    dispute, "reason", "created_at", "status", "resolved_at", "resolution_reason"
                ),
                "resolved_by": _name(dispute.resolved_by),
                "items": [
                    {
                        "criterion": item.criterion.key,
                        **_values(item, "original_value", "proposed_value", "final_value"),
                    }
                    for item in dispute.items.all()
                ],
            }
            for dispute in disputes
        ],
        "checklist_runs": [
            {
                "checklist": run.checklist.title,
                **_values(run, "interaction_id", "policy_change", "created_at"),
                "answers": [
                    _values(answer, "item_title", "answer", "note") for answer in run.answers.all()
                ],
            }
            for run in runs
        ],
        "service_change_reviews_proposed": list(
            ServiceChangeReview.objects.filter(proposed_by=user)
            .order_by("created_at", "pk")
            .values("title", "description", "created_at", "decision", "decision_note")
        ),
        "triage_requests": list(
            TriageRequest.objects.filter(logged_by=user)
            .order_by("created_at", "pk")
            .values(
                "description",
                "reference",
                "ethical_risk",
                "business_impact",
                "created_at",
                "outcome",
                "resolved_at",
            )
        ),
        "decision_records": list(
            DecisionRecord.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values(
                "issue",
                "values_at_stake",
                "facts",
                "policies",
                "alternatives",
                "consequences",
                "decision",
                "actions",
                "follow_up_on",
                "followed_up_at",
                "follow_up_note",
                "created_at",
            )
        ),
        # Only reports made under the reporter's name: anonymous ones link to nobody.
        "concerns": list(
            Concern.objects.filter(reporter=user, is_anonymous=False)
            .order_by("reported_on", "pk")
            .values("category", "description", "reported_on", "status", "outcome", "closed_on")
        ),
        "proof_plan": list(
            ProofPlanProgress.objects.filter(user=user)
            .order_by("task__plan", "task__position")
            .values("task__plan", "task__title", "notes", "completed_on", "updated_at")
        ),
        "script_acknowledgements": list(
            Acknowledgement.objects.filter(user=user)
            .order_by("acknowledged_at", "pk")
            .values("script__title", "version", "acknowledged_at")
        ),
        "training": {
            "answers": list(
                user.dilemma_attempts.order_by("answered_at", "pk").values(
                    "dilemma__title", "verdict", "module__title", "answered_at"
                )
            ),
            "certificates": list(
                user.training_certificates.order_by("passed_on", "pk").values(
                    "module_title", "name", "passed_on", "best_answers", "out_of", "code"
                )
            ),
        },
        "api_tokens": list(
            user.api_tokens.order_by("created_at", "pk").values(
                "name", "prefix", "created_at", "expires_at", "read_only", "last_used_at"
            )
        ),
        # Without their texts, which name other people (who reviewed, who disputed).
        "notifications": list(
            user.notifications.order_by("created_at", "pk").values(
                "kind", "url", "created_at", "read_at", "emailed_at"
            )
        ),
        "notification_preferences": dict(
            user.notification_preferences.order_by("kind").values_list("kind", "delivery")
        ),
        **_written_by(user),
        **_logs_of(user),
    }


def _written_by(user) -> dict:
    """What `user` wrote about other people's work: interactions appear by id only."""
    reviews = (
        Evaluation.objects.filter(author=user, kind=Evaluation.Kind.REVIEW)
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.select_related("criterion")))
        .order_by("created_at", "pk")
    )
    return {
        "reviews_written": [
            {
                **_values(
                    review,
                    "interaction_id",
                    "revision",
                    "is_current",
                    "score",
                    "percent",
                    "critical_fail",
                    "comment",
                    "revision_reason",
                    "created_at",
                ),
                "ratings": [
                    {
                        "criterion": rating.criterion.key,
                        "value": rating.value,
                        "comment": rating.comment,
                    }
                    for rating in review.ratings.all()
                ],
            }
            for review in reviews
        ],
        "coaching_written": list(
            CoachingComment.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values("interaction_id", "body", "created_at")
        ),
        "disputes_resolved": list(
            Dispute.objects.filter(resolved_by=user)
            .order_by("resolved_at", "pk")
            .values("interaction_id", "status", "resolved_at", "resolution_reason")
        ),
        "review_assignments": list(
            Assignment.objects.filter(reviewer=user)
            .order_by("created_at", "pk")
            .values("interaction_id", "due_on", "status", "skip_reason", "created_at", "done_at")
        ),
        "service_change_decisions": list(
            ServiceChangeReview.objects.filter(decided_by=user)
            .order_by("decided_at", "pk")
            .values("title", "decision", "decision_note", "decided_at")
        ),
    }


def _logs_of(user) -> dict:
    """`user`'s sign-in records and the audit entries by and about them."""
    username = user.get_username()
    return {
        "sign_ins": list(
            AccessLog.objects.filter(username=username)
            .order_by("attempt_time", "pk")
            .values("attempt_time", "logout_time", "ip_address", "user_agent", "path_info")
        ),
        # Failed attempts on the username may be anyone's: when and how many, not from where.
        "failed_sign_ins": list(
            AccessAttempt.objects.filter(username=username)
            .order_by("attempt_time", "pk")
            .values("attempt_time", "failures_since_start")
        ),
        "audit_entries_by_me": list(
            AuditEntry.objects.filter(actor=user)
            .order_by("at", "pk")
            .values("at", "action", "model", "object_id", "source", "ip_address")
        ),
        "audit_entries_about_me": list(
            AuditEntry.objects.filter(_about(user))
            .order_by("at", "pk")
            .values("at", "action", "model", "object_id", "changes")
        ),
    }
