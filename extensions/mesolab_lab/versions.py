"""Versions of grade events, shared by the hub (autograding) and the user side (feedback).

The central record keeps, per student and assignment, the grade with the highest version.
Versions are ordered so that:

* a later submission attempt's grade is newer than anything about an earlier attempt;
* for one attempt, a teacher's released feedback (manual grading) is newer than any
  autograding of it; a re-grade is newer than the grading before it.
"""

ATTEMPT = 1_000_000
MANUAL = 500_000


def autograde_version(attempt: int, run: int) -> int:
    """Version of the ``run``-th autograding (1, 2, … for re-grades) of ``attempt``."""
    return attempt * ATTEMPT + min(run, MANUAL - 1)


def feedback_version(attempt: int, feedback: int) -> int:
    """Version of the ``feedback``-th feedback release (manual grades) for ``attempt``."""
    return attempt * ATTEMPT + MANUAL + min(feedback, MANUAL - 1)
