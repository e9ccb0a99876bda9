"""microgradx: a readable, dependable scalar reverse-mode automatic differentiation engine."""

from .engine import Value, backward, is_grad_enabled, no_grad, topological_order, zero_grad

__all__ = [
    "Value",
    "backward",
    "is_grad_enabled",
    "no_grad",
    "topological_order",
    "zero_grad",
]
__version__ = "0.1.0"
