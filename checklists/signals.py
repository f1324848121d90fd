"""Signals the checklists send for higher floors to act on."""

from django.dispatch import Signal

# Sent inside the run's transaction when a run answers "no" to items marked "a breach when
# answered no". Keyword arguments: `run` (the ChecklistRun) and `answers` (its ChecklistAnswer
# rows for those items). `cases` opens a case for it.
breach_answered = Signal()
