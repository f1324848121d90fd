"""Writes for training: recording an answer, taking a module, assigning one."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from checklists.models import ProofPlanTask
from checklists.services import proof_plan_task_update
from training.models import Assignment, Attempt, Certificate, Dilemma, Module, Option, Verdict


def attempt_record(*, user, dilemma: Dilemma, option_id, module: Module | None = None) -> Attempt:
    """Store which response `user` chose; an option of another dilemma is refused."""
    if not dilemma.published:
        raise ValidationError(
            {"dilemma": "This dilemma is not published, so it cannot be answered."}
        )
    try:
        option = dilemma.options.get(pk=int(option_id))
    except (TypeError, ValueError, Option.DoesNotExist):
        raise ValidationError({"option": "Choose one of this dilemma's responses."}) from None
    with transaction.atomic():
        return Attempt.objects.create(
            user=user, dilemma=dilemma, option=option, verdict=option.verdict, module=module
        )


def training_task() -> ProofPlanTask | None:
    """The proof plan's training task: the one whose evidence is a certificate."""
    return ProofPlanTask.objects.filter(expected_output__icontains="certificate").first()


def module_submit(
    *, user, module: Module, answers: dict[int, object]
) -> tuple[int, Certificate | None]:
    """Grade one sitting of a module: `answers` maps every dilemma id of it to an option id.

    Every answer is stored as an attempt. At `pass_mark` best answers or more the agent gets a
    certificate (one per module) and the proof plan's training task is ticked with it.
    """
    dilemmas = list(module.dilemmas.published().prefetch_related("options"))
    missing = [d.title for d in dilemmas if not answers.get(d.pk)]
    if missing:
        raise ValidationError({"answers": f"Answer every dilemma; missing: {', '.join(missing)}."})
    options = {}
    for dilemma in dilemmas:
        by_id = {str(option.pk): option for option in dilemma.options.all()}
        option = by_id.get(str(answers[dilemma.pk]))
        if option is None:
            raise ValidationError({"answers": f"Choose one of the responses to “{dilemma.title}”."})
        options[dilemma.pk] = option
    best = sum(1 for option in options.values() if option.verdict == Verdict.BEST)
    now = timezone.now()
    with transaction.atomic():
        Attempt.objects.bulk_create(
            Attempt(
                user=user,
                dilemma_id=pk,
                option=option,
                verdict=option.verdict,
                module=module,
                answered_at=now,
            )
            for pk, option in options.items()
        )
        if best < module.pass_mark:
            return best, None
        certificate = Certificate.objects.filter(user=user, module=module).first()
        if certificate is None:
            certificate = Certificate.objects.create(
                user=user,
                module=module,
                name=user.get_full_name() or user.get_username(),
                module_title=module.title,
                passed_on=timezone.localdate(),
                best_answers=best,
                out_of=len(dilemmas),
            )
            task = training_task()
            if task is not None:
                proof_plan_task_update(
                    user=user,
                    task=task,
                    done=True,
                    notes=f"Passed “{module.title}”: certificate {certificate.code} "
                    f"({certificate.get_absolute_url()}).",
                )
    return best, certificate


def assignment_create(
    *, assigned_by, module: Module, due_on: date, team=None, agents=()
) -> list[Assignment]:
    """Assign `module` to a team or to agents, due on `due_on` (today or later)."""
    if not module.published:
        raise ValidationError({"module": "Only a published module can be assigned."})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The due date cannot be in the past."})
    agents = list(agents)
    if (team is None) == (not agents):
        raise ValidationError({"team": "Assign to a team or to agents, not both and not neither."})
    with transaction.atomic():
        if team is not None:
            rows = [Assignment(module=module, team=team, due_on=due_on, assigned_by=assigned_by)]
        else:
            rows = [
                Assignment(module=module, agent=agent, due_on=due_on, assigned_by=assigned_by)
                for agent in agents
            ]
        for row in rows:
            row.full_clean()
            row.save()
    return rows
