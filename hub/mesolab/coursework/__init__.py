"""Coursework across pods: nbgrader's exchange over HTTP, stored by the MësoLab service.

* :mod:`.models` — the tables (releases, source versions, submission attempts, feedback,
  late policies) on the central record's metadata;
* :mod:`.storage` — where the files go (:class:`~.storage.Storage`; a local directory by
  default, an object store by subclassing);
* :mod:`.bundles` — tar.gz bundles: safe reading, notebook checks, packing;
* :mod:`.exchange` — the domain logic (permissions, deadlines, late policies) and the Python
  API the grading workers use (:func:`~.exchange.submission_files`,
  :func:`~.exchange.source_files`, :func:`~.exchange.on_submission`).

The HTTP routes are in :mod:`mesolab.service.routes_exchange`; the nbgrader client classes in
``mesolab_lab.exchange``. See ``docs/coursework.md``.
"""
