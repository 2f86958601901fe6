"""MësoLab in the user's Jupyter server: nbgrader's exchange over the MësoLab service, the
course scaffolding form, and individual learning plans as widgets.

In a notebook on the hub::

    from mesolab_lab import my_plan
    my_plan()                      # the student's own plan

    from mesolab_lab import plan_for, class_overview
    plan_for("nxenes01.ict")       # a teacher: rate, comment, approve
    class_overview("TIK-10")       # a teacher: competencies × students of a course

The widgets (and ipywidgets) are imported only when asked for: nbgrader imports this package
for its exchange in every command, and must not pay for, or break on, the widgets.
"""

from __future__ import annotations

__all__ = ["my_plan", "plan_for", "class_overview", "ServiceClient", "PlanView", "ClassOverview"]


def __getattr__(name: str):
    if name in __all__:
        from . import learning

        return getattr(learning, name)
    raise AttributeError(f"module 'mesolab_lab' has no attribute {name!r}")
