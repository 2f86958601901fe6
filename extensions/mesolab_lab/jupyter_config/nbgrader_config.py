"""nbgrader's configuration in every MësoLab user environment (loaded through JUPYTER_CONFIG_PATH).

See mesolab_lab.exchange.config: the exchange over the MësoLab service, the courses from the
central record, and a teacher's course directory in ~/courses/<course code>.
"""

from mesolab_lab.exchange.config import configure

configure(get_config())  # noqa: F821 (get_config is given by traitlets' config loader)
