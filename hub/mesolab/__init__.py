"""MësoLab: a Jupyter-based learning environment for vocational schools.

The hub-side package: deployment settings, tenancy (schools as hub groups, roles with
group-filtered scopes), the pure functions that configure JupyterHub, provisioning, the
demo and the ``mesolab`` command line.
"""

__version__ = "0.1.0"
