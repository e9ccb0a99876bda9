"""microgradx: a readable, dependable scalar reverse-mode automatic differentiation engine."""

from . import losses
from .engine import Value, backward, is_grad_enabled, no_grad, topological_order, zero_grad
from .nn import MLP, Layer, Module, Neuron
from .optim import SGD, AdaGrad, Adam, Momentum, RMSProp

__all__ = [
    "MLP",
    "SGD",
    "AdaGrad",
    "Adam",
    "Layer",
    "Module",
    "Momentum",
    "Neuron",
    "RMSProp",
    "Value",
    "backward",
    "is_grad_enabled",
    "losses",
    "no_grad",
    "topological_order",
    "zero_grad",
]
__version__ = "0.1.0"
