"""Exercise checks: the learner writes the code, a check runs it and says what is wrong.

One module per exercise notebook (``exercises/NN_*.py`` in the repository), in the lecture
notes' order: ``e01`` derivatives by hand, ``e02`` finite differences and their order, ``e03``
VJP rules as primitives, ``e04`` backpropagation from scratch, ``e05`` the training loop,
``e06`` momentum and Adam, ``e07`` the 2-layer ReLU network by hand. A notebook imports its
module (``from microgradx.exercises import e03 as check``) and calls one check per task;
``microgradx exercises check DIR`` runs every notebook of a class and tabulates who passed what.
"""

from __future__ import annotations

from . import e01, e02, e03, e04, e05, e06, e07
from ._core import CHECKS, RESULTS, ExerciseFailed, Mistake, check

__all__ = [
    "CHECKS",
    "RESULTS",
    "ExerciseFailed",
    "Mistake",
    "check",
    "e01",
    "e02",
    "e03",
    "e04",
    "e05",
    "e06",
    "e07",
]
