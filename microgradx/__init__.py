"""microgradx: a readable, dependable scalar reverse-mode automatic differentiation engine."""

from . import data, interop, io, losses
from .compile import BranchError, Replay, elementwise_grad, trace
from .engine import (
    Constant,
    Value,
    backward,
    enable_grad,
    gc_paused,
    gradients,
    is_grad_enabled,
    no_grad,
    topological_order,
    zero_grad,
)
from .functional import grad, hessian, hvp, jacobian, jvp, value_and_grad
from .nn import MLP, Layer, Module, Neuron
from .numeric import (
    GradcheckError,
    backward_difference,
    central_difference,
    fd_errors,
    forward_difference,
    gradcheck,
    gradgradcheck,
    numerical_gradient,
)
from .optim import SGD, AdaGrad, Adam, Momentum, RMSProp
from .primitive import primitive
from .rulecheck import RuleReport, check_rules
from .train import History, evaluate, fit, predict, predict_scores
from .viz import (
    backward_steps,
    draw_dot,
    plot_activation,
    plot_decision_boundary,
    plot_fd_error,
    plot_history,
    render_backward_steps,
    render_graph,
    save_figure,
)
from .viz.explore import Explorer, explore

__all__ = [
    "MLP",
    "SGD",
    "AdaGrad",
    "Adam",
    "BranchError",
    "Constant",
    "Explorer",
    "GradcheckError",
    "History",
    "Layer",
    "Module",
    "Momentum",
    "Neuron",
    "RMSProp",
    "Replay",
    "RuleReport",
    "Value",
    "backward",
    "backward_difference",
    "backward_steps",
    "central_difference",
    "check_rules",
    "data",
    "draw_dot",
    "elementwise_grad",
    "enable_grad",
    "evaluate",
    "explore",
    "fd_errors",
    "fit",
    "forward_difference",
    "gc_paused",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "gradients",
    "hessian",
    "hvp",
    "interop",
    "io",
    "is_grad_enabled",
    "jacobian",
    "jvp",
    "losses",
    "no_grad",
    "numerical_gradient",
    "plot_activation",
    "plot_decision_boundary",
    "plot_fd_error",
    "plot_history",
    "predict",
    "predict_scores",
    "primitive",
    "render_backward_steps",
    "render_graph",
    "save_figure",
    "topological_order",
    "trace",
    "value_and_grad",
    "zero_grad",
]
__version__ = "0.1.0"
