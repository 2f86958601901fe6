"""The central record of MësoLab: schools, people, courses, enrolments, assignments, grades.

The record is the single source of truth behind the ``mesolab`` hub service. Modules:

* :mod:`.models` — the SQLAlchemy tables; :mod:`.db` — engines, sessions, migrations;
* :mod:`.audit` — the append-only audit log written on every flush;
* :mod:`.grades` — idempotent grade ingestion; :mod:`.csvimport` — bulk CSV import;
* :mod:`.backup` — database-agnostic backup and restore; :mod:`.sync` — schools from the
  settings file and hub provisioning from the record; :mod:`.cli` — the command line.
"""
