"""Spaced repetition for practice, as one pure function over an agent's answers to a dilemma.

- A dilemma never answered is *new*: it is in the practice set.
- Answered best at once: *learnt*, it stays out of the set.
- Got wrong (any response but the best, so "acceptable" counts as wrong): it comes back 1 day
  later. Each time it comes back and is answered, the next wait grows to 3 days, then 7 (and
  stays 7), until it has been answered best twice in a row since the last miss: then it is
  learnt again. A miss at any time starts over at 1 day.
- Answers given before a dilemma is due again (trying again on the spot, or a module test) are
  stored but do not move the schedule, except a miss, which always counts.
"""

from dataclasses import dataclass
from datetime import datetime

from training.models import BEST_TO_RETIRE, REVIEW_INTERVALS


@dataclass(frozen=True)
class Schedule:
    state: str  # "new", "learning" or "learnt"
    due_at: datetime | None  # for "learning": when it comes back

    def is_due(self, now: datetime) -> bool:
        return self.state == "new" or (self.state == "learning" and self.due_at <= now)


NEW = Schedule("new", None)


def schedule_of(answers) -> Schedule:
    """The schedule after `answers`: (answered_at, is_best) pairs in time order."""
    state, due_at, reviews, bests = "new", None, 0, 0
    for answered_at, is_best in answers:
        if not is_best:
            if state == "learning" and answered_at >= due_at:
                reviews += 1
            elif state != "learning":
                reviews = 0
            state, bests = "learning", 0
            due_at = answered_at + REVIEW_INTERVALS[min(reviews, len(REVIEW_INTERVALS) - 1)]
            continue
        if state == "new":
            state = "learnt"
        elif state == "learning" and answered_at >= due_at:
            reviews += 1
            bests += 1
            if bests >= BEST_TO_RETIRE:
                state, due_at = "learnt", None
            else:
                due_at = answered_at + REVIEW_INTERVALS[min(reviews, len(REVIEW_INTERVALS) - 1)]
    return Schedule(state, due_at)
