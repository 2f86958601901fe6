"""The ``mesolab`` hub service: the central record's REST API (FastAPI, run by uvicorn).

* :mod:`.config` — :class:`MesoLabService`, the service's traitlets configuration;
* :mod:`.auth` — who is calling: hub OAuth for browsers, hub API tokens for programs;
* :mod:`.permissions` — what a caller may see and change, from their hub groups;
* :mod:`.schemas` — request and response models; :mod:`.app` — the application;
* ``routes_*`` — the endpoints; :mod:`.openapi` — the committed OpenAPI document.
"""
