"""warmline: practise networking messages that treat people as people.

The public surface is small: :func:`analyze` judges a message and returns a :class:`Report` of
:class:`Finding` objects. Exercise widgets live in :mod:`warmline.widgets` (imported on demand,
so ``import warmline`` stays free of Jupyter packages).
"""

from ._analyzer import analyze
from ._errors import AnswersFileError, DataFileError, InputError, WarmlineError
from ._models import Finding, Report

__version__ = "0.1.0"

__all__ = [
    "AnswersFileError",
    "DataFileError",
    "Finding",
    "InputError",
    "Report",
    "WarmlineError",
    "analyze",
]
