"""A supervisor records an interaction of one of their agents, to review it whether or not the
agent self-scores it (see README "Reviewing any interaction")."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rubrics import selectors
from rubrics.models import Interaction
from rubrics.services import _is_token_clash, _lock_ticket, earlier_interaction, reference_error

NOT_YOUR_AGENT = (
    "%(agent)s is not an agent of a team you supervise: you can record interactions only of "
    "the agents in the teams you review."
)
ALREADY_RECORDED = (
    "%(agent)s already has %(reference)s (of %(date)s). One ticket is "
    "one interaction: open that one and review it there."
)
FORM_USED = (
    "This form has already been used to record another interaction. Nothing was saved: "
    "reload the page and record the interaction again."
)


def interaction_record(
    *,
    recorder,
    agent_username: str,
    interaction_fields: dict,
    submission_token: uuid.UUID | None = None,
) -> Interaction:
    """Save an interaction of an agent in a team `recorder` reviews, recorded by `recorder`,
    with no evaluation: the recorder reviews it next. The agent is named by username and must
    be a current member of one of those teams (never the recorder). The same checks as a
    self-score hold: the privacy guard, the date, and one interaction per ticket per agent.

    The same submission token twice (a double-clicked submit, an API retry) returns the first
    interaction, marked `already_saved`.
    """
    agent = selectors.agents_recordable_by(recorder).filter(username=agent_username).first()
    if agent is None:
        raise ValidationError({"agent": NOT_YOUR_AGENT % {"agent": agent_username or "Nobody"}})
    try:
        with transaction.atomic():
            _lock_ticket(agent, interaction_fields.get("reference"))
            if submission_token is not None:
                existing = Interaction.objects.filter(submission_token=submission_token).first()
                if existing is not None:
                    return _already_recorded(existing, recorder)
            earlier = earlier_interaction(
                agent, interaction_fields.get("reference"), submission_token
            )
            if earlier is not None:
                raise reference_error(
                    ALREADY_RECORDED, "recorded", earlier, agent=agent.get_username()
                )
            interaction = Interaction(
                agent=agent,
                team_id=agent.membership.team_id,
                recorded_by=recorder,
                submission_token=submission_token,
                **{**interaction_fields, "review_requested": False},
            )
            interaction.full_clean(exclude=["agent", "team", "recorded_by", "submission_token"])
            interaction.save()
            return interaction
    except IntegrityError as error:
        # A concurrent twin of this submission won the race for the token; it has committed.
        if submission_token is None or not _is_token_clash(error):
            raise
        existing = Interaction.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise ValidationError(FORM_USED) from None
        return _already_recorded(existing, recorder)


def _already_recorded(existing: Interaction, recorder) -> Interaction:
    """The interaction saved before with this form, for the same recorder only."""
    if existing.recorded_by_id != recorder.pk:
        raise ValidationError(FORM_USED)
    existing.already_saved = True
    return existing
