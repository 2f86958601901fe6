"""MësoLab's nbgrader exchange: nbgrader's ``ExchangeFactory`` classes over the MësoLab service.

Configured for every user by ``mesolab_lab/jupyter_config/nbgrader_config.py`` (the hub puts
that directory on ``JUPYTER_CONFIG_PATH``)::

    c.ExchangeFactory.exchange = "mesolab_lab.exchange.Exchange"
    c.ExchangeFactory.release_assignment = "mesolab_lab.exchange.ExchangeReleaseAssignment"
    ...
"""

from nbgrader.exchange.abc import ExchangeError

from .base import Exchange
from .listing import ExchangeList
from .student import ExchangeFetchAssignment, ExchangeFetchFeedback, ExchangeSubmit
from .teacher import ExchangeCollect, ExchangeReleaseAssignment, ExchangeReleaseFeedback

__all__ = [
    "Exchange",
    "ExchangeCollect",
    "ExchangeError",
    "ExchangeFetchAssignment",
    "ExchangeFetchFeedback",
    "ExchangeList",
    "ExchangeReleaseAssignment",
    "ExchangeReleaseFeedback",
    "ExchangeSubmit",
]
