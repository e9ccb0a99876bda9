"""Pictures of autodiff: computation graphs (Graphviz), backprop step by step, and plots.

One module per job, imports pointing down the list: ``style`` (palette, number format),
``plan`` (what to draw), ``dot`` (``draw_dot``), ``render`` (files and Jupyter), ``steps``
(backward one node at a time), ``plots`` (matplotlib). Every public name is imported here.
"""

from .dot import draw_dot
from .plots import (
    plot_activation,
    plot_activations,
    plot_decision_boundary,
    plot_fd_error,
    plot_history,
    plot_loss_curves,
    plot_paths,
    save_figure,
)
from .render import (
    GraphvizError,
    GraphvizNotFoundError,
    GraphvizTimeoutError,
    graph_summary,
    render_graph,
)
from .steps import BackwardStep, backward_steps, render_backward_steps

__all__ = [
    "BackwardStep",
    "GraphvizError",
    "GraphvizNotFoundError",
    "GraphvizTimeoutError",
    "backward_steps",
    "draw_dot",
    "graph_summary",
    "plot_activation",
    "plot_activations",
    "plot_decision_boundary",
    "plot_fd_error",
    "plot_history",
    "plot_loss_curves",
    "plot_paths",
    "render_backward_steps",
    "render_graph",
    "save_figure",
]
