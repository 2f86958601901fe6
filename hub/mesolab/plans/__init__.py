"""Individual learning plans: competency frameworks, plan templates, students' plans, goals,
evidence and teachers' reviews, stored in the central record.

* :mod:`.models` — the tables (on the record's ``Base``; audited like the rest of the record);
* :mod:`.logic` — plan operations shared by the API, the CLI and the demo;
* :mod:`.autograde` — evidence from autograded assignment cells;
* :mod:`.cli` — ``mesolab plans assign``;
* :mod:`.demo_data` — the demo's frameworks, templates and plans.
"""
