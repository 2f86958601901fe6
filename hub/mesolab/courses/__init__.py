"""Courses made from templates.

* :mod:`.templates` — the bilingual course templates of ``course_templates/`` (their manifests);
* :mod:`.scaffold` — a new course in the central record from a template, and its nbgrader
  source material in a course directory (``<root>/<code>/source/<assignment>/…``);
* :mod:`.feedback` — what students see in feedback: no hidden tests, no mark schemes;
* :mod:`.cli` — ``mesolab course new`` and ``mesolab course templates``.

Teachers do the same from JupyterLab with ``mesolab_lab.courses`` (see docs/teachers-guide.md).
"""
