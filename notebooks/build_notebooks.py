"""Write the walkthrough notebooks from the cell sources in this file.

The notebooks are generated, not edited by hand: change a cell here, then run

    .venv/bin/python notebooks/build_notebooks.py          # rewrite every notebook
    .venv/bin/python notebooks/build_notebooks.py --check  # fail if one is out of date

Storage policy: notebooks are stored with outputs cleared and deterministic cell ids, so a
diff of a notebook is a diff of its source. The test suite executes them (pytest --nbmake).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from textwrap import dedent

import nbformat

from microgradx._files import atomic_write_bytes

HERE = Path(__file__).resolve().parent
Cell = tuple[str, str]  # ("md" | "code", source)

SETUP = "%matplotlib inline"  # figures returned by microgradx.viz display inline


def md(text: str) -> Cell:
    """A Markdown cell from an indented triple-quoted string."""
    return ("md", dedent(text).strip())


def code(*parts: str) -> Cell:
    """A code cell joining the dedented parts line by line."""
    return ("code", "\n".join(dedent(part).strip() for part in parts))


# -- 01 chain rule and backprop -----------------------------------------------------------

NB01: list[Cell] = [
    md(r"""
    # 1 · The chain rule and backpropagation

    Training a network means nudging every parameter against the slope of the loss. This
    notebook computes those slopes three ways, each checking the next: as a limit, by hand
    with the chain rule, and automatically with `backward()`.
    """),
    code(
        SETUP,
        """
        import math
        import tempfile

        from IPython.display import SVG, display

        from microgradx import Value, topological_order, zero_grad
        from microgradx.viz import backward_steps, draw_dot, render_backward_steps
        """,
    ),
    md(r"""
    ## The derivative is a limit

    $$f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}$$

    is the slope of $f$ at $x$: how much the output moves per unit nudge of the input. For
    $f(x) = 3x^2 - 4x + 5$, $f'(x) = 6x - 4$, so $f'(3) = 14$. The difference quotient
    approaches it as $h$ shrinks (notebook 2 studies how fast).
    """),
    code("""
        def f(x):
            return 3 * x**2 - 4 * x + 5


        x = 3.0
        for h in (1e-1, 1e-2, 1e-3, 1e-4):
            quotient = (f(x + h) - f(x)) / h
            print(f"h = {h:<6g}  (f(x+h) - f(x)) / h = {quotient:.6f}")
            assert abs(quotient - 14.0) < 4 * h  # the error is f''(x)·h/2 = 3h
    """),
    md(r"""
    ## The chain rule by hand

    Take $z = t^2$ with $t = 2x + y$. $z$ depends on $x$ only through $t$, so the slopes
    multiply:

    $$\frac{\partial z}{\partial x}
    = \frac{\partial z}{\partial t}\cdot\frac{\partial t}{\partial x}
    = 2t \cdot 2 = 4(2x + y) = 8x + 4y,$$

    $$\frac{\partial z}{\partial y}
    = \frac{\partial z}{\partial t}\cdot\frac{\partial t}{\partial y}
    = 2t \cdot 1 = 4x + 2y .$$
    """),
    code("""
        x0, y0 = 1.5, -2.0
        t0 = 2 * x0 + y0
        dz_dt = 2 * t0  # local derivative of t²
        dz_dx_hand = dz_dt * 2  # ∂t/∂x = 2
        dz_dy_hand = dz_dt * 1  # ∂t/∂y = 1
        print(f"t = {t0},  ∂z/∂x = {dz_dx_hand} = 8x + 4y = {8 * x0 + 4 * y0}")
        assert dz_dx_hand == 8 * x0 + 4 * y0 and dz_dy_hand == 4 * x0 + 2 * y0
    """),
    md(r"""
    ## The same by `backward()`

    A `Value` remembers how it was made. Building $z$ from `Value`s records a graph; `draw_dot`
    draws it. Every node shows its `data`; its `grad` reads "—" and the caption says the
    gradients are not computed yet, because `backward()` has not run.
    """),
    code("""
        x = Value(x0, label="x")
        y = Value(y0, label="y")
        two_x = 2 * x
        two_x.label = "2x"
        t = two_x + y
        t.label = "t"
        z = t**2
        z.label = "z"
        before = draw_dot(z)
        assert before.source.count("grad —") == len(topological_order(z))  # no grads yet
        before
    """),
    md(r"""
    `z.backward()` walks the graph once from $z$ back to the leaves, applying the chain rule
    at every node. Each node multiplies the gradient arriving from above (the *upstream*
    gradient) by its own *local* gradient and passes the product to its inputs. In the
    drawing, the red $\partial$ on each edge is that local gradient, and every `grad` is the
    product of the $\partial$s along the path from $z$: for $x$, $2t \cdot 2 = 4$.
    """),
    code("""
        z.backward()
        print(f"x.grad = {x.grad}, y.grad = {y.grad}, t.grad = {t.grad}")
        assert abs(x.grad - dz_dx_hand) < 1e-9 and abs(y.grad - dz_dy_hand) < 1e-9
        assert abs(t.grad - dz_dt) < 1e-9
        after = draw_dot(z)
        assert "grad —" not in after.source and "grad 4.000" in after.source
        after
    """),
    md(r"""
    ## A neuron, back-propagated node by node

    A neuron computes $o = \tanh(n)$ with $n = x_1 w_1 + x_2 w_2 + b$. Its graph has five
    leaves and five operations. Backpropagation visits the operations from the output back,
    and at each one applies

    $$\text{gradient of an input} = \text{local gradient} \times \text{upstream gradient},$$

    with three local rules: $\frac{d}{dn}\tanh n = 1 - \tanh^2 n$; a sum passes the upstream
    gradient unchanged to each input; a product $a \cdot b$ sends $b \cdot$ upstream to $a$
    and $a \cdot$ upstream to $b$.
    """),
    code("""
        x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
        n = x1 * w1 + x2 * w2 + b
        o = math.tanh(n)

        hand = {"o": 1.0}  # ∂o/∂o = 1 seeds the backward pass
        hand["n"] = (1 - o**2) * hand["o"]  # tanh
        hand["x1w1 + x2w2"] = 1.0 * hand["n"]  # + passes the gradient on
        hand["b"] = 1.0 * hand["n"]
        hand["x1w1"] = 1.0 * hand["x1w1 + x2w2"]
        hand["x2w2"] = 1.0 * hand["x1w1 + x2w2"]
        hand["x1"] = w1 * hand["x1w1"]  # × sends the other factor times upstream
        hand["w1"] = x1 * hand["x1w1"]
        hand["x2"] = w2 * hand["x2w2"]
        hand["w2"] = x2 * hand["x2w2"]
        for name, g in hand.items():
            print(f"∂o/∂{name:<12} = {g:+.4f}")
    """),
    md(r"""
    Now the same neuron with `Value`s. Labels name the nodes so the drawing matches the table.
    """),
    code("""
        leaves = [("x1", x1), ("x2", x2), ("w1", w1), ("w2", w2), ("b", b)]
        nodes = {name: Value(v, label=name) for name, v in leaves}
        x1w1 = nodes["x1"] * nodes["w1"]
        x2w2 = nodes["x2"] * nodes["w2"]
        s = x1w1 + x2w2
        n_node = s + nodes["b"]
        o_node = n_node.tanh()
        inner = [(x1w1, "x1w1"), (x2w2, "x2w2"), (s, "x1w1 + x2w2"), (n_node, "n"), (o_node, "o")]
        for node, name in inner:
            node.label = name
            nodes[name] = node

        o_node.backward()
        for name, g in hand.items():
            assert abs(nodes[name].grad - g) < 1e-9, (name, nodes[name].grad, g)
        print("hand-derived gradients equal backward() for all", len(hand), "nodes")
        draw_dot(o_node)
    """),
    md(r"""
    ### Step by step

    The frames below replay the backward pass one node at a time, in the order `backward()`
    visits them (reverse topological order: a node is processed only after every node that
    uses it).
    """),
    code("""
        steps = list(backward_steps(o_node))
        for step in steps:
            local = ", ".join(f"{d:+.3f}" for d in step.local_grads) or "leaf"
            name = step.node.label
            print(f"{step.index}: {name:<12} upstream {step.upstream:+.4f}   local ∂ {local}")
            assert abs(step.upstream - hand[step.node.label]) < 1e-9
        assert [s.node for s in steps] == list(reversed(topological_order(o_node)))
    """),
    md(r"""
    The same steps as pictures: the highlighted node is the one being processed, its input
    edges read "local ∂ × upstream = contribution".
    """),
    code("""
        with tempfile.TemporaryDirectory() as frames_dir:
            frames = render_backward_steps(o_node, frames_dir, "svg")
            assert len(frames) == len(steps)
            for frame in frames:
                display(SVG(filename=str(frame)))
    """),
    md(r"""
    ## Gradients add up

    When a value is used twice, it influences the output along two paths, and the
    multivariable chain rule *sums* the contributions. For $c = a + a$, $\partial c/\partial a
    = 2$. For the same reason leaf gradients *accumulate* across `backward()` calls, as in
    PyTorch: reset them with `zero_grad` before computing fresh ones.
    """),
    code("""
        a = Value(3.0, label="a")
        c = a + a
        c.backward()
        print("after one backward:", a.grad)
        assert a.grad == 2.0

        c.backward()
        print("after two:", a.grad)
        assert a.grad == 4.0

        zero_grad([a])
        c.backward()
        assert a.grad == 2.0
    """),
    md(r"""
    ## Takeaways

    - The chain rule multiplies local slopes along a path and sums over paths.
    - Backpropagation applies it once per node, from the output back: local gradient ×
      upstream gradient. `backward()` does exactly what we did by hand.
    - Gradients of leaves accumulate; call `zero_grad` between steps.
    """),
]


# -- 02 numerical differentiation ---------------------------------------------------------

NB02: list[Cell] = [
    md(r"""
    # 2 · Numerical differentiation

    A derivative is a limit, $f'(x) = \lim_{h\to 0} \frac{f(x+h) - f(x)}{h}$. Stop the limit at
    a small $h$ and you get a *finite difference*: a derivative from function values alone.
    It is slow and inexact, but it needs no rules at all, which makes it the referee that
    every autodiff rule is checked against.

    | name | formula |
    |---|---|
    | forward difference | $\dfrac{f(x+h) - f(x)}{h}$ |
    | backward difference | $\dfrac{f(x) - f(x-h)}{h}$ |
    | central difference | $\dfrac{f(x+h) - f(x-h)}{2h}$ |
    """),
    code(
        SETUP,
        """
        import math

        import numpy as np

        from microgradx.functional import grad
        from microgradx.numeric import (
            GradcheckError,
            backward_difference,
            central_difference,
            fd_errors,
            forward_difference,
            gradcheck,
            gradgradcheck,
            numerical_gradient,
        )
        from microgradx.viz import plot_fd_error
        """,
    ),
    md(r"""
    ## Taylor error analysis

    Expand $f$ around $x$:

    $$f(x \pm h) = f(x) \pm f'(x)\,h + \frac{f''(x)}{2!}h^2 \pm \frac{f'''(x)}{3!}h^3 + O(h^4).$$

    Solve for $f'(x)$:

    $$\frac{f(x+h) - f(x)}{h} = f'(x) + \frac{f''(x)}{2}h + O(h^2), \qquad
    \frac{f(x) - f(x-h)}{h} = f'(x) - \frac{f''(x)}{2}h + O(h^2),$$

    $$\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{f'''(x)}{6}h^2 + O(h^4).$$

    In the central difference the $h^2$ terms of $f(x+h)$ and $f(x-h)$ cancel, so its error is
    $O(h^2)$ instead of $O(h)$. We test the prediction on $f(x) = e^x$ at $x = 1$, where every
    derivative equals $e$: the errors should be about $+\frac{e}{2}h$, $-\frac{e}{2}h$ and
    $+\frac{e}{6}h^2$.
    """),
    code("""
        f, x = math.exp, 1.0
        exact = math.e  # f'(1) = e
        differences = [forward_difference, backward_difference, central_difference]
        print(f"{'h':>6} {'forward':>12} {'backward':>12} {'central':>12}")
        for h in (1e-1, 1e-2, 1e-3):
            print(f"{h:>6g}" + "".join(f"{d(f, x, h) - exact:>12.2e}" for d in differences))

        h = 1e-3
        leading_terms = [math.e / 2 * h, -math.e / 2 * h, math.e / 6 * h**2]
        for difference, leading_term in zip(differences, leading_terms, strict=True):
            error = difference(f, x, h) - exact
            assert abs(error / leading_term - 1) < 0.01, (difference.__name__, error)
    """),
    md(r"""
    ## Error against $h$ on a log-log plot

    On log-log axes a power law $\text{error} = C h^p$ is a straight line of slope $p$. The
    truncation error gives slope 1 (forward, backward) and slope 2 (central). But $f$ is
    computed in floating point with a relative error of about $\varepsilon \approx 10^{-16}$,
    and the difference divides it by $h$: a *round-off* error $\approx \varepsilon |f(x)| / h$
    that grows as $h$ shrinks (slope $-1$). The best $h$ balances the two, near
    $\sqrt{\varepsilon} \approx 10^{-8}$ for one-sided differences and
    $\varepsilon^{1/3} \approx 10^{-5}$ for the central one.
    """),
    code("""
        hs = np.logspace(-14, -1, 53)
        errors = {m: np.array(e) for m, e in fd_errors(math.exp, math.exp, x, hs.tolist()).items()}
        plot_fd_error(lambda v: v.exp(), x, hs=hs.tolist())
    """),
    md(r"""
    The slopes, fitted where truncation dominates ($h \ge 10^{-4}$) and where round-off
    dominates ($h \le 10^{-10}$):
    """),
    code("""
        def slope(method, lo, hi):
            keep = (hs >= lo * 0.999) & (hs <= hi * 1.001)
            return np.polyfit(np.log10(hs[keep]), np.log10(errors[method][keep]), 1)[0]


        for method in errors:
            print(
                f"{method:>8}: truncation slope {slope(method, 1e-4, 1e-1):5.2f}, "
                f"round-off slope {slope(method, 1e-14, 1e-10):5.2f}, "
                f"best h = {hs[errors[method].argmin()]:.0e}"
            )

        assert abs(slope("forward", 1e-4, 1e-1) - 1) < 0.15
        assert abs(slope("backward", 1e-4, 1e-1) - 1) < 0.15
        assert abs(slope("central", 1e-4, 1e-1) - 2) < 0.15
        for method in errors:
            assert abs(slope(method, 1e-14, 1e-10) + 1) < 0.25  # round-off grows like 1/h
        best = {method: hs[errors[method].argmin()] for method in errors}
        assert 1e-10 <= best["forward"] <= 1e-6 and 1e-10 <= best["backward"] <= 1e-6
        assert 1e-7 <= best["central"] <= 1e-3
        assert errors["central"].min() < errors["forward"].min() / 10
    """),
    md(r"""
    ## Several variables: the gradient

    For $f(x_1, \dots, x_n)$ each partial derivative is a one-variable difference along one
    coordinate, $\frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}$.
    That costs $2n$ evaluations of $f$, while backpropagation gets all $n$ partials from one
    backward pass: with a million parameters, that is the whole reason backprop exists.

    Take the neuron of notebook 1, $o = \tanh(x_1 w_1 + x_2 w_2 + b)$, as a function of its
    five inputs. It is written with `Value` methods (`.tanh()`); `numerical_gradient` notices
    that floats have no `.tanh()` and evaluates it on Values under `no_grad`.
    """),
    code("""
        def neuron(x1, x2, w1, w2, b):
            return (x1 * w1 + x2 * w2 + b).tanh()


        point = [2.0, 0.0, -3.0, 1.0, 6.8813735870195432]
        autodiff = np.array(grad(neuron, argnum=(0, 1, 2, 3, 4))(*point))
        central = np.array(numerical_gradient(neuron, point, h=1e-5, method="central"))
        forward = np.array(numerical_gradient(neuron, point, h=1e-5, method="forward"))
        print("autodiff:", autodiff.round(10))
        print("central: ", central.round(10), " max error", abs(central - autodiff).max())
        print("forward: ", forward.round(10), " max error", abs(forward - autodiff).max())
        assert abs(central - autodiff).max() < 1e-9
        assert abs(central - autodiff).max() < abs(forward - autodiff).max() / 100
    """),
    md(r"""
    ## `gradcheck`: how to trust an autodiff rule

    Every local derivative in `microgradx` lives in one rule table (`microgradx/ops.py`). A
    wrong entry would silently give wrong gradients everywhere, so each rule is checked
    against central differences, as `torch.autograd.gradcheck` does: `gradcheck` compares
    first derivatives, `gradgradcheck` the second derivatives obtained by differentiating the
    recorded backward pass. Both return `True` or raise `GradcheckError` with a table.
    """),
    code("""
        rules = {
            "tanh": lambda x: x.tanh(),
            "sigmoid": lambda x: x.sigmoid(),
            "softplus": lambda x: x.softplus(),
            "exp": lambda x: x.exp(),
            "log": lambda x: x.log(),
            "sqrt": lambda x: x.sqrt(),
            "sin": lambda x: x.sin(),
            "cos": lambda x: x.cos(),
            "x ** 3": lambda x: x**3,
            "1 / x": lambda x: 1 / x,
        }
        for name, rule in rules.items():
            assert gradcheck(rule, [0.7]) and gradgradcheck(rule, [0.7]), name
        power = lambda a, b: a**b  # noqa: E731
        assert gradcheck(power, [1.3, 0.6]) and gradgradcheck(power, [1.3, 0.6])
        print(f"{len(rules) + 1} rules agree with central differences, to first and second order")
    """),
    md(r"""
    Where the derivative does not exist, the two disagree, and `gradcheck` says so. At the kink
    of ReLU the autodiff rule uses the convention $\mathrm{ReLU}'(0) = 0$ (as PyTorch), while
    the central difference sees the average slope $\frac{h - 0}{2h} = \tfrac12$. Check rules
    at generic points, away from kinks.
    """),
    code("""
        try:
            gradcheck(lambda x: x.relu(), [0.0])
        except GradcheckError as error:
            message = str(error)
            print(message)
        else:
            raise AssertionError("gradcheck should reject ReLU at its kink")
        assert "disagree" in message
        assert gradcheck(lambda x: x.relu(), [0.3]) and gradcheck(lambda x: x.relu(), [-0.3])
    """),
    md(r"""
    ## Takeaways

    - Forward and backward differences have error $O(h)$, the central difference $O(h^2)$,
      as the Taylor expansion predicts (slopes 1 and 2 above).
    - Below the best $h$, round-off takes over and the error grows like $1/h$.
    - Finite differences cost $O(n)$ evaluations for $n$ inputs; backprop costs one backward
      pass. Finite differences stay useful as the referee: `gradcheck`.
    """),
]


# -- 03 neurons and activations -----------------------------------------------------------

NB03: list[Cell] = [
    md(r"""
    # 3 · Neurons and activation functions

    A neuron computes $f(w \cdot x + b)$. Without the nonlinearity $f$ a stack of layers
    collapses into one linear map; with it, a network can bend its decision boundary. During
    backpropagation every activation contributes its derivative $f'$ as a local gradient, so
    the shape of $f'$ decides how well gradients flow.
    """),
    code(
        SETUP,
        """
        import numpy as np

        from microgradx import MLP, Neuron, Value, losses
        from microgradx.data import make_moons, make_regression
        from microgradx.functional import grad
        from microgradx.viz import plot_activations
        """,
    ),
    md(r"""
    ## Four activations and their derivatives

    | | $f(x)$ | $f'(x)$ |
    |---|---|---|
    | sigmoid | $\sigma(x) = \dfrac{1}{1 + e^{-x}}$ | $\sigma(x)\,(1 - \sigma(x))$ |
    | tanh | $\dfrac{e^x - e^{-x}}{e^x + e^{-x}}$ | $1 - \tanh^2 x$ |
    | ReLU | $\max(0, x)$ | $1$ if $x > 0$, else $0$ |
    | Leaky ReLU | $x$ if $x > 0$, else $\alpha x$ | $1$ if $x > 0$, else $\alpha$ |

    The derivatives are written in terms of the output $f(x)$ where possible: that is how the
    rule table stores them, since the forward pass already computed $f(x)$. The dashed curves
    below are the derivatives as `backward()` computes them ($\alpha = 0.1$ is drawn so the
    leaky slope is visible; the lecture notes and PyTorch use $\alpha = 0.01$).
    """),
    code("""
        plot_activations(("sigmoid", "tanh", "relu", "leaky_relu"))
    """),
    md(r"""
    Check every formula of the table against autodiff on a grid (an even number of points
    never lands exactly on the kink at 0):
    """),
    code("""
        formulas = {
            "sigmoid": (lambda v: v.sigmoid(), lambda x, f: f * (1 - f)),
            "tanh": (lambda v: v.tanh(), lambda x, f: 1 - f**2),
            "relu": (lambda v: v.relu(), lambda x, f: 1.0 if x > 0 else 0.0),
            "leaky_relu": (lambda v: v.leaky_relu(0.01), lambda x, f: 1.0 if x > 0 else 0.01),
        }
        xs = np.linspace(-4, 4, 80)
        for name, (activation, derivative) in formulas.items():
            slope = grad(activation)
            for x in xs:
                fx = activation(Value(x)).data
                assert abs(slope(x) - derivative(x, fx)) < 1e-12, (name, x)
        sigmoid_slopes = [grad(formulas["sigmoid"][0])(x) for x in xs]
        print(f"largest sigmoid slope on the grid: {max(sigmoid_slopes):.4f} (at most 1/4)")
        assert max(sigmoid_slopes) <= 0.25
    """),
    md(r"""
    ## Vanishing gradients

    Backpropagation multiplies one local gradient per layer. $\sigma'(x) \le \tfrac14$ for
    every $x$, so through $L$ sigmoid layers the activations' factors multiply to at most
    $4^{-L}$ (the weights aside): the first layers of a deep sigmoid network hardly learn.
    $\tanh'(0) = 1$ and $\mathrm{ReLU}' = 1$ on its active side, so they pass gradients
    through.

    Below: the same 6-hidden-layer network (width 8, Xavier initialisation) with each
    activation, one backward pass of the MSE loss on 32 points, and the mean $|\partial J /
    \partial \theta|$ per layer.
    """),
    code("""
        X, y = make_moons(32, noise=0.1, seed=0)
        first_over_last = {}
        for activation in ("sigmoid", "tanh", "relu"):
            model = MLP(2, [8] * 6 + [1], activation=activation, init="xavier", seed=0)
            losses.mse([model(x) for x in X], y.astype(float)).backward()
            per_layer = [np.mean([abs(p.grad) for p in lay.parameters()]) for lay in model.layers]
            first_over_last[activation] = per_layer[0] / per_layer[-1]
            print(f"{activation:>8}: " + "  ".join(f"{g:.1e}" for g in per_layer))
        print({name: f"{r:.0e}" for name, r in first_over_last.items()}, "(first layer / last)")
        assert first_over_last["sigmoid"] < 1e-2
        assert first_over_last["tanh"] > 0.1 and first_over_last["relu"] > 0.1
    """),
    md(r"""
    ## Dead ReLUs

    ReLU has the opposite problem on its other side: if a neuron's pre-activation
    $w \cdot x + b$ is negative for every training input, its output and its gradient are
    zero everywhere. No update ever moves it again: the neuron is *dead*. A large negative bias
    (e.g. after a too-large gradient step) is enough. Leaky ReLU keeps a small slope $\alpha$,
    so the gradient never vanishes entirely.
    """),
    code("""
        X, _ = make_moons(50, noise=0.1, seed=0)
        for activation in ("relu", "leaky_relu"):
            neuron = Neuron(2, activation, rng=0)
            neuron.b.data = -5.0  # pushed far negative
            weights = [w.data for w in neuron.w]
            pre = [neuron.b.data + np.dot(weights, x) for x in X]
            assert max(pre) < 0  # inactive on every input
            losses.mse([neuron(x) for x in X], [1.0] * len(X)).backward()
            grads = [p.grad for p in neuron.parameters()]
            print(f"{activation:>10}: gradients {np.round(grads, 5)}")
            if activation == "relu":
                assert all(g == 0.0 for g in grads)  # dead: nothing can revive it
            else:
                assert all(g != 0.0 for g in grads)  # still learning, slowly
    """),
    md(r"""
    ## A 2-layer ReLU network, back-propagated by hand

    The network of the lecture notes, for one sample $x = (x_1, \dots, x_n)$:

    $$n_m = \sum_n w^1_{nm} x_n + b^1_m, \qquad h_m = \mathrm{ReLU}(n_m), \qquad
    y = \sum_m w^2_m h_m + b^2, \qquad J = \frac1N \sum_{i=1}^N (y_i - t_i)^2 .$$

    The weights $w^1$ reach the loss only indirectly, so the chain rule runs through every
    stage:

    $$\frac{\partial J}{\partial w^1_{nm}}
    = \frac{\partial J}{\partial y}\cdot\frac{\partial y}{\partial h_m}
    \cdot\frac{\partial h_m}{\partial n_m}\cdot\frac{\partial n_m}{\partial w^1_{nm}}
    = \frac1N \sum_{i=1}^N 2(y_i - t_i)\cdot w^2_m \cdot \mathrm{ReLU}'(n_{im}) \cdot x_{in}.$$

    All parameters of hidden unit $m$ share the first three factors, so compute that common
    part once: $\delta_{im} = \partial J / \partial n_{im}$. Then
    $\partial J/\partial w^1_{nm} = \sum_i \delta_{im} x_{in}$ and
    $\partial J/\partial b^1_m = \sum_i \delta_{im}$; for the output layer
    $\partial J/\partial w^2_m = \sum_i \frac{2}{N}(y_i - t_i)\, h_{im}$. This reuse of
    shared factors, organised node by node, *is* backpropagation.
    """),
    code("""
        X, t = make_regression(6, n_features=2, noise=0.1, seed=3)
        model = MLP(2, [3, 1], activation="relu", seed=2)  # 2 inputs, 3 hidden ReLUs, 1 output
        params = dict(model.named_parameters())
        W1 = np.array([[params[f"L1.N{m}.w{n}"].data for n in range(2)] for m in (1, 2, 3)])
        b1 = np.array([params[f"L1.N{m}.b"].data for m in (1, 2, 3)])
        w2 = np.array([params[f"L2.N1.w{m}"].data for m in range(3)])
        b2 = params["L2.N1.b"].data

        # forward pass, whole batch at once: row i is sample i
        N = len(X)
        n1 = X @ W1.T + b1  # (N, 3) pre-activations
        h = np.maximum(n1, 0)  # ReLU
        y = h @ w2 + b2  # (N,) identity output
        J = np.mean((y - t) ** 2)

        # backward pass by hand
        dJ_dy = 2 * (y - t) / N
        hand = {"L2.N1.b": dJ_dy.sum()}
        for m in range(3):
            hand[f"L2.N1.w{m}"] = dJ_dy @ h[:, m]
        delta = dJ_dy[:, None] * w2[None, :] * (n1 > 0)  # ∂J/∂n_im, the shared part
        for m in range(3):
            hand[f"L1.N{m + 1}.b"] = delta[:, m].sum()
            for n in range(2):
                hand[f"L1.N{m + 1}.w{n}"] = delta[:, m] @ X[:, n]
        print("ReLU'(n) per sample and hidden unit:\\n", (n1 > 0).astype(int))
        assert 0 < (n1 > 0).mean() < 1  # some units off for some samples: ReLU' matters
    """),
    md(r"""
    Now let autodiff do it, and compare number by number:
    """),
    code("""
        loss = losses.mse([model(x) for x in X], t)
        model.zero_grad()
        loss.backward()
        assert abs(loss.data - J) < 1e-12
        print(f"{'parameter':<10} {'by hand':>12} {'backward()':>12}")
        for name, p in model.named_parameters():
            print(f"{name:<10} {hand[name]:>12.6f} {p.grad:>12.6f}")
            assert abs(p.grad - hand[name]) < 1e-9, name
        assert len(hand) == model.num_parameters()
    """),
    md(r"""
    ## Takeaways

    - Each activation enters backprop only through its local derivative $f'$.
    - Sigmoid's $f' \le \tfrac14$ makes gradients vanish with depth; ReLU passes them
      unchanged when active but dies when never active; Leaky ReLU keeps a small slope.
    - The hand-derived equations for a 2-layer ReLU network are exactly what `backward()`
      computes: the shared factor $\delta$ is the gradient stored at a hidden node.
    """),
]


# -- 04 training an MLP -------------------------------------------------------------------

NB04: list[Cell] = [
    md(r"""
    # 4 · Training an MLP

    Training is an optimisation problem: find the parameters $\theta$ that minimise a loss
    $J(\theta)$ measured on data. This notebook assembles the pieces (a loss, data split
    into training / validation / test sets, batches, an optimizer) and trains a small
    network on the two-moons data set.
    """),
    code(
        SETUP,
        """
        import numpy as np

        from microgradx import MLP, SGD, Value, losses
        from microgradx.data import iterations_per_epoch, make_moons, train_val_test_split
        from microgradx.train import DEFAULT_LR, OPTIMIZERS, evaluate, fit
        from microgradx.viz import plot_decision_boundary, plot_history, plot_loss_curves
        """,
    ),
    md(r"""
    ## Loss functions

    **Regression: mean squared error.** Two conventions are common:

    $$J_{\text{MSE}} = \frac1n \sum_{i=1}^n (y_i - t_i)^2, \qquad
    J_{\frac12\text{SSE}} = \frac12 \sum_{i=1}^n (y_i - t_i)^2 .$$

    They have the same minimiser; they differ in the gradient's scale:
    $\partial J_{\text{MSE}} / \partial y_i = \frac2n (y_i - t_i)$ while the $\frac12$ is
    there so that $\partial J_{\frac12\text{SSE}} / \partial y_i = y_i - t_i$ exactly.
    """),
    code("""
        preds = [Value(2.0), Value(0.5), Value(-1.0)]
        targets = [1.5, 0.0, 0.0]
        n = len(preds)
        losses.mse(preds, targets).backward()
        mse_grads = [p.grad for p in preds]
        for p in preds:
            p.grad = 0.0
        losses.half_sse(preds, targets).backward()
        half_sse_grads = [p.grad for p in preds]
        for p, t, g_mse, g_half in zip(preds, targets, mse_grads, half_sse_grads, strict=True):
            assert abs(g_mse - 2 / n * (p.data - t)) < 1e-12
            assert abs(g_half - (p.data - t)) < 1e-12
        print("MSE gradient:", mse_grads, "  ½·SSE gradient:", half_sse_grads)
    """),
    md(r"""
    **Classification: information and cross-entropy.** The *self-information* of an event of
    probability $p$ is $I = -\log_2 p$ bits: rare events are surprising, certain ones carry
    no information. The *entropy* $H(p) = -\sum_x p(x) \log p(x)$ is the expected surprise;
    for a coin it peaks at 1 bit when both sides are equally likely.
    """),
    code("""
        assert abs(losses.self_information(0.5, base=2).data - 1.0) < 1e-12  # a fair coin flip
        assert abs(losses.self_information(1 / 8, base=2).data - 3.0) < 1e-12  # 1 of 8 outcomes
        coin = {p: losses.entropy(p, base=2).data for p in (0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99)}
        print({p: round(h, 3) for p, h in coin.items()})
        assert max(coin, key=coin.get) == 0.5 and abs(coin[0.5] - 1.0) < 1e-12
        assert abs(coin[0.1] - coin[0.9]) < 1e-12  # symmetric
    """),
    md(r"""
    The *cross-entropy* $H(p, q) = -\sum_x p(x) \log q(x)$ measures the surprise when events
    drawn from $p$ are scored with a model's probabilities $q$. It is never below $H(p)$ and
    equals it only when $q = p$, which is why minimising it pulls $q$ towards the data.
    With a one-hot label $p$ (class $k$) it is $-\log q_k$, and with $q = \mathrm{softmax}(z)$
    its gradient with respect to the scores is the neat $\partial H / \partial z = q - p$.
    """),
    code("""
        def cross_entropy(p, q):
            return -sum(pi * qi.log() for pi, qi in zip(p, q, strict=True))


        p = [0.7, 0.2, 0.1]
        H_p = losses.entropy(p).data
        for logits in ([0.0, 0.0, 0.0], [2.0, 1.0, -1.0], [np.log(0.7), np.log(0.2), np.log(0.1)]):
            q = losses.softmax([Value(z) for z in logits])
            H_pq = cross_entropy(p, q).data
            shown = np.round([qi.data for qi in q], 3)
            print(f"q = {shown}   H(p, q) = {H_pq:.4f} ≥ H(p) = {H_p:.4f}")
            assert H_pq >= H_p - 1e-12
        assert abs(H_pq - H_p) < 1e-12  # the last q equals p

        z = [Value(2.0), Value(1.0), Value(-1.0)]
        loss = losses.cross_entropy(z, 0)  # one-hot label: class 0
        loss.backward()
        q = [qi.data for qi in losses.softmax(z)]
        assert abs(loss.data + np.log(q[0])) < 1e-12
        assert np.allclose([zi.grad for zi in z], np.array(q) - [1, 0, 0], rtol=0, atol=1e-12)
    """),
    md(r"""
    For two classes the network outputs one score $z$, $q = \sigma(z)$, and the loss is the
    *binary* cross-entropy $-[t \log \sigma(z) + (1 - t)\log(1 - \sigma(z))]$, used below.

    ## Data: training, validation and test sets

    We observe a sample of the world and split it three ways: the **training** set fits the
    parameters, the **validation** set chooses settings (epochs, learning rate, optimizer)
    while we experiment, and the **test** set is looked at once, at the end, to estimate how
    the model does on data it has never influenced.
    """),
    code("""
        X, y = make_moons(150, noise=0.15, seed=0)
        (X_train, y_train), (X_val, y_val), (X_test, y_test) = train_val_test_split(
            X, y, fractions=(0.6, 0.2, 0.2), seed=0
        )
        print(f"train {len(X_train)}, validation {len(X_val)}, test {len(X_test)}")
        assert (len(X_train), len(X_val), len(X_test)) == (90, 30, 30)


        def bce(model, X, y):
            return losses.binary_cross_entropy_with_logits([model(x) for x in X], y)
    """),
    md(r"""
    ## Gradient descent by hand

    The update rule is $\theta \leftarrow \theta - \alpha \, \partial J / \partial \theta$ with
    step size (learning rate) $\alpha$: a few lines of plain engine code. Here $J$ is computed
    on the whole training set at every step (*full-batch* gradient descent).
    """),
    code("""
        model = MLP(2, [8, 8, 1], seed=0)
        alpha = 0.5
        curve = []
        for _ in range(30):
            loss = bce(model, X_train, y_train)
            model.zero_grad()  # gradients accumulate otherwise
            loss.backward()
            for p in model.parameters():
                p.data -= alpha * p.grad
            curve.append(loss.data)
        print(f"loss {curve[0]:.3f} → {curve[-1]:.3f} in {len(curve)} steps")
        assert curve[-1] < 0.7 * curve[0]
    """),
    md(r"""
    `microgradx.optim.SGD` is exactly this update (plus optional momentum and weight decay):
    """),
    code("""
        by_hand, by_optimizer = MLP(2, [8, 8, 1], seed=0), MLP(2, [8, 8, 1], seed=0)
        opt = SGD(by_optimizer.parameters(), lr=alpha)
        for m in (by_hand, by_optimizer):
            bce(m, X_train, y_train).backward()
        for p in by_hand.parameters():
            p.data -= alpha * p.grad
        opt.step()
        assert by_hand.parameter_values() == by_optimizer.parameter_values()
    """),
    md(r"""
    ## Batch, epoch, iteration

    Computing $J$ on all data for every step is slow for a large data set, so each step
    uses a random **batch** of the training data:

    - **batch size** $B$: samples per gradient. $B = N$ is full batch, $B = 1$ is
      *stochastic* gradient descent, anything between is a **mini-batch**;
    - **iteration**: one parameter update, from one batch;
    - **epoch**: one pass over the whole training set, $\lceil N / B \rceil$ iterations.
    """),
    code("""
        runs = {}
        for name, batch_size in (("full batch", None), ("mini-batch 10", 10), ("SGD (B = 1)", 1)):
            model = MLP(2, [8, 8, 1], seed=0)
            settings = dict(loss="bce", optimizer="sgd", lr=0.1, epochs=8, batch_size=batch_size)
            runs[name] = fit(model, X_train, y_train, **settings, progress=False)
            history = runs[name]
            final = history.train_loss[-1]
            print(f"{name:>14}: {history.iterations:>4} iterations, final loss {final:.3f}")
            assert history.iterations == 8 * iterations_per_epoch(len(X_train), batch_size)
        assert runs["SGD (B = 1)"].train_loss[-1] < runs["full batch"].train_loss[-1]
    """),
    md(r"""
    In the same 8 epochs (the same amount of computation), full batch made 8 updates and
    SGD made 720: small batches learn faster per epoch. The price is noise. A mini-batch
    gradient is an average of $B$ per-sample gradients, so if per-sample gradients have
    standard deviation $\sigma$, the mini-batch estimate has standard deviation

    $$\sigma_B = \frac{\sigma}{\sqrt{B}} .$$

    A 100× larger batch costs 100× the computation but only reduces the noise 10×, which is
    why most training uses modest mini-batches. Let us measure it: the gradient of a mean
    loss is the mean of per-sample gradients, so we compute each sample's gradient once
    and then draw many random mini-batches.
    """),
    code("""
        model = MLP(2, [8, 8, 1], seed=0)
        per_sample = []
        for x, t in zip(X_train, y_train, strict=True):
            model.zero_grad()
            bce(model, [x], [t]).backward()
            per_sample.append([p.grad for p in model.parameters()])
        G = np.array(per_sample)  # (samples, parameters)

        model.zero_grad()
        bce(model, X_train, y_train).backward()
        full_gradient = np.array([p.grad for p in model.parameters()])
        assert np.allclose(full_gradient, G.mean(axis=0), rtol=0, atol=1e-12)

        rng = np.random.default_rng(0)
        sigma = np.sqrt(G.var(axis=0).sum())  # spread of one sample's gradient (all parameters)
        sizes = [1, 4, 16, 64]
        noise = []
        for B in sizes:
            draws = rng.integers(0, len(G), size=(4000, B))  # B samples drawn independently
            estimates = G[draws].mean(axis=1)
            noise.append(np.sqrt(((estimates - full_gradient) ** 2).sum(axis=1).mean()))
            print(f"B = {B:>2}: measured noise {noise[-1]:.4f}   σ/√B = {sigma / np.sqrt(B):.4f}")
            assert abs(noise[-1] / (sigma / np.sqrt(B)) - 1) < 0.1
        fitted = np.polyfit(np.log(sizes), np.log(noise), 1)[0]
        print(f"fitted exponent {fitted:.3f} (theory: -1/2)")
        assert abs(fitted + 0.5) < 0.05
    """),
    md(r"""
    ## Optimizers

    Plain SGD takes the same step size in every direction. Its variants adapt it:

    For each parameter $\theta$ with gradient $g$:

    - **SGD**: $\theta \leftarrow \theta - \alpha g$
    - **Momentum**: $v \leftarrow \mu v + g$, $\ \theta \leftarrow \theta - \alpha v$
    - **AdaGrad**: $s \leftarrow s + g^2$,
      $\ \theta \leftarrow \theta - \alpha g/(\sqrt{s} + \epsilon)$
    - **RMSProp**: $s \leftarrow \rho s + (1 - \rho) g^2$,
      $\ \theta \leftarrow \theta - \alpha g/(\sqrt{s} + \epsilon)$
    - **Adam**: $m \leftarrow \beta_1 m + (1 - \beta_1) g$,
      $\ s \leftarrow \beta_2 s + (1 - \beta_2) g^2$,
      $\ \theta \leftarrow \theta - \alpha \hat m/(\sqrt{\hat s} + \epsilon)$

    Momentum accumulates a velocity that smooths the zig-zag of noisy gradients; AdaGrad and
    RMSProp divide by a running size of the gradient, so rarely-moving parameters get larger
    steps; Adam combines both (with bias-corrected averages $\hat m$, $\hat s$). Each gets its
    usual learning rate, the same network, data and batches:
    """),
    code("""
        results = {}
        for name in ("sgd", "momentum", "adagrad", "rmsprop", "adam"):
            model = MLP(2, [8, 8, 1], seed=0)
            settings = dict(loss="bce", optimizer=name, epochs=25, batch_size=10, progress=False)
            results[name] = fit(model, X_train, y_train, **settings, val=(X_val, y_val))
        print("optimizer    lr  epoch 1  epoch 5  epoch 25  val acc")
        for name, history in results.items():
            loss, accuracy = history.train_loss, history.val_accuracy[-1]
            lr = DEFAULT_LR[name]
            row = f"{loss[0]:8.3f} {loss[4]:8.3f} {loss[-1]:9.3f} {accuracy:8.2f}"
            print(f"{name:>9} {lr:5g} {row}")
            assert loss[-1] < 0.6 * loss[0]
        others = ("momentum", "adagrad", "rmsprop", "adam")
        assert all(results[name].train_loss[-1] < results["sgd"].train_loss[-1] for name in others)
        assert abs(results["adagrad"].train_loss[0] - results["rmsprop"].train_loss[0]) < 0.01
    """),
    code("""
        curves = {
            f"{OPTIMIZERS[name].__name__} (α = {DEFAULT_LR[name]:g})": history.train_loss
            for name, history in results.items()
        }
        plot_loss_curves(curves, title="training loss, MLP 2-8-8-1, batch 10", xlabel="epoch")
    """),
    md(r"""
    Every method beats plain SGD here. AdaGrad and RMSProp start out almost identical: with
    $\rho = 0.99$, RMSProp's $s$ is about $(1 - \rho)\sum g^2$ during its first few dozen
    steps, AdaGrad's $s$ times $0.01$, so its step $\alpha g / \sqrt{s}$ with $\alpha = 0.01$
    equals AdaGrad's with $\alpha = 0.1$. They part ways once RMSProp starts forgetting old
    gradients, which keeps its steps from shrinking forever as AdaGrad's do.
    """),
    md(r"""
    ## The final model and its decision boundary

    A wider network trained with Adam. We watch the validation loss while training, and
    measure the test set once at the end. The boundary is drawn over all 150 points.
    """),
    code("""
        model = MLP(2, [16, 16, 1], seed=1)
        settings = dict(loss="bce", optimizer="adam", lr=0.02, epochs=30, batch_size=10)
        history = fit(model, X_train, y_train, **settings, val=(X_val, y_val), progress=False)
        test_loss, test_accuracy = evaluate(model, X_test, y_test, loss="bce")
        val_accuracy = history.val_accuracy[-1]
        print(f"{history.iterations} iterations in {history.seconds:.1f} s")
        print(f"validation accuracy {val_accuracy:.2f}, test accuracy {test_accuracy:.2f}")
        assert val_accuracy >= 0.9 and test_accuracy >= 0.9
        plot_history(history)
    """),
    code("""
        plot_decision_boundary(model, X, y)
    """),
    md(r"""
    ## Takeaways

    - A loss turns "good predictions" into a number; MSE for regression, cross-entropy for
      classification (the surprise of the true labels under the model).
    - One iteration: a batch, a forward pass, `backward()`, an optimizer step. One epoch: a
      pass over the training data.
    - Mini-batch gradients are noisy estimates with noise $\sigma/\sqrt{B}$; adaptive
      optimizers rescale the step per parameter.
    - Choose with validation data; report the test set once.
    """),
]


# -- 05 beyond first order ----------------------------------------------------------------

NB05: list[Cell] = [
    md(r"""
    # 5 · Beyond first order: Jacobian, Hessian and Newton's method

    Gradient descent uses only the slope. This notebook builds the two matrices of
    multivariable calculus with `microgradx`, and then uses the second one, the Hessian,
    to take *Newton* steps, which use the curvature too.

    | object | of | entries |
    |---|---|---|
    | gradient $\nabla f$ | $\mathbb{R}^n\to\mathbb{R}$ | $\partial f/\partial x_i$ |
    | Jacobian $J_f$ | $\mathbb{R}^n\to\mathbb{R}^m$ | $J_{ij} = \partial f_i/\partial x_j$ |
    | Hessian $H$ | $\mathbb{R}^n\to\mathbb{R}$ | $H_{ij}=\partial^2 f/\partial x_i\partial x_j$ |
    """),
    code(
        SETUP,
        """
        import math

        import numpy as np

        from microgradx import Value
        from microgradx.functional import grad, hessian, jacobian, value_and_grad
        from microgradx.viz import plot_paths
        """,
    ),
    md(r"""
    ## The Jacobian

    Take the vector function $f(x, y) = \big(x^2 y,\; 5x + \sin y\big)$. By hand,

    $$J_f = \begin{pmatrix} 2xy & x^2 \\ 5 & \cos y \end{pmatrix}.$$

    `jacobian(f)` runs one backward pass per output $f_i$; each pass fills row $i$.
    """),
    code("""
        def f(x, y):
            return [x * x * y, 5 * x + y.sin()]


        x0, y0 = 1.5, -0.7
        J = jacobian(f)(x0, y0)
        J_hand = [[2 * x0 * y0, x0**2], [5.0, math.cos(y0)]]
        print(np.array(J))
        assert np.allclose(J, J_hand, rtol=0, atol=1e-9)
    """),
    md(r"""
    ## Differentiating the backward pass

    `backward(create_graph=True)` records the backward pass itself as a graph, so a
    gradient is a `Value` that can be back-propagated again. On $g(x) = x^3$:
    $g'(x) = 3x^2$ and $g''(x) = 6x$.
    """),
    code("""
        x = Value(2.0, label="x")
        y = x**3
        y.backward(create_graph=True)
        dy_dx = x.grad  # a Value: 3·x² = 12, with its own graph
        print("dy/dx =", dy_dx)

        x.grad = 0.0  # start the second pass from zero (grads accumulate)
        dy_dx.backward()
        print("d²y/dx² =", x.grad)
        assert abs(dy_dx.data - 3 * 2.0**2) < 1e-9
        assert abs(x.grad - 6 * 2.0) < 1e-9
    """),
    md(r"""
    `functional.hessian` is exactly that, done for every pair of inputs: it is the Jacobian
    of the gradient. The chain-rule example of notebook 1, $z = (2x + y)^2$, has
    $\nabla z = (8x + 4y,\; 4x + 2y)$ and therefore a constant Hessian
    $\begin{pmatrix} 8 & 4 \\ 4 & 2 \end{pmatrix}$.
    """),
    code("""
        def z(x, y):
            return (2 * x + y) ** 2


        H = hessian(z)(1.5, -2.0)
        print(np.array(H))
        assert np.allclose(H, [[8.0, 4.0], [4.0, 2.0]], rtol=0, atol=1e-9)
        assert grad(grad(lambda t: t**3))(2.0) == 12.0  # transforms nest
    """),
    md(r"""
    ## Newton's method vs gradient descent

    Near $\theta$, a second-order Taylor expansion models the loss as a bowl:

    $$f(\theta + d) \approx f(\theta) + \nabla f^\top d + \tfrac12\, d^\top H\, d .$$

    Gradient descent steps along the slope only, $d = -\alpha \nabla f$, with a step size
    $\alpha$ we must choose. Newton's method jumps to the bottom of the bowl,
    $d = -H^{-1}\nabla f$: no step size, and the step is rescaled by the curvature in every
    direction. The test function is a curved valley (a Rosenbrock function, minimum at
    $(1, 1)$):

    $$f(x, y) = (1 - x)^2 + 5\,(y - x^2)^2 .$$
    """),
    code("""
        def valley(x, y):
            return (1 - x) ** 2 + 5 * (y - x * x) ** 2


        valley_and_grad = value_and_grad(valley, argnum=(0, 1))
        valley_hessian = hessian(valley)
        start, tol, max_steps = np.array([-1.0, 1.5]), 1e-6, 5000


        def gradient_descent(lr):
            theta, path = start.copy(), [start.copy()]
            for _ in range(max_steps):
                _, g = valley_and_grad(*theta)
                if np.linalg.norm(g) < tol:
                    break
                theta = theta - lr * np.array(g)
                path.append(theta.copy())
            return np.array(path)


        def newton():
            theta, path = start.copy(), [start.copy()]
            for _ in range(max_steps):
                _, g = valley_and_grad(*theta)
                if np.linalg.norm(g) < tol:
                    break
                step = np.linalg.solve(np.array(valley_hessian(*theta)), np.array(g))
                theta = theta - step
                path.append(theta.copy())
            return np.array(path)


        alpha = 0.03
        gd_path, newton_path = gradient_descent(lr=alpha), newton()
        gd_steps, newton_steps = len(gd_path) - 1, len(newton_path) - 1
        print(f"gradient descent: {gd_steps} steps to {gd_path[-1]}")
        print(f"Newton:           {newton_steps} steps to {newton_path[-1]}")
        assert np.allclose(gd_path[-1], [1, 1], atol=1e-5)
        assert np.allclose(newton_path[-1], [1, 1], atol=1e-9)
        assert newton_steps * 20 < gd_steps < max_steps
    """),
    md(r"""
    Drawn on the contours of $f$ (the black square is the start), gradient descent zig-zags
    across the steep walls, then creeps along the flat valley floor. Newton's first steps
    are wild: far from the minimum the quadratic model is poor, and its bottom can even lie
    uphill. Near the minimum the model is good and Newton lands in a few steps.
    """),
    code("""
        paths = {f"gradient descent (α = {alpha})": gd_path, "Newton": newton_path}
        heights = [valley(*theta) for theta in newton_path]
        print("f along Newton's path:", [f"{h:.3g}" for h in heights])
        assert heights[1] > heights[0]  # the first Newton step goes uphill
        plot_paths(valley, paths, xlim=(-1.6, 1.6), ylim=(-0.7, 2.8))
    """),
    md(r"""
    ## How fast: linear against quadratic convergence

    Let $e_k = \lVert \theta_k - \theta^* \rVert$ be the distance to the minimum. Near
    $\theta^*$ gradient descent multiplies the error along the flattest direction of the
    bowl by $1 - \alpha \lambda_{\min}(H)$ per step: *linear* convergence, and slow when the
    valley is long and flat ($\lambda_{\min}$ small). Newton's method *squares* the error
    each step, $e_{k+1} \approx C e_k^2$: *quadratic* convergence, the number of correct
    digits doubles.
    """),
    code("""
        H_min = np.array(valley_hessian(1.0, 1.0))
        lam_min, lam_max = np.linalg.eigvalsh(H_min)
        gd_error = np.linalg.norm(gd_path - 1, axis=1)
        newton_error = np.linalg.norm(newton_path - 1, axis=1)
        gd_rate = np.mean(gd_error[-100:] / gd_error[-101:-1])
        predicted = 1 - alpha * lam_min
        print(f"GD: error ratio per step {gd_rate:.6f}, predicted 1 - αλ_min = {predicted:.6f}")
        print("Newton: errors of the last steps", [f"{e:.1e}" for e in newton_error[-4:]])
        assert abs(gd_rate - predicted) < 1e-4
        for before, after in zip(newton_error[-4:-1], newton_error[-3:], strict=True):
            assert after < before**2  # quadratic: e_{k+1} < e_k²
    """),
    md(r"""
    Why was $\alpha = 0.03$ chosen? Near the minimum the loss is the quadratic bowl of its
    Hessian, and gradient descent is stable only if $\alpha < 2/\lambda_{\max}(H)$: a larger
    step overshoots across the steepest direction of the valley and bounces. The Hessian
    tells us the limit before we try.
    """),
    code("""
        print(f"largest curvature {lam_max:.2f}  ⇒  α < {2 / lam_max:.4f}")
        assert alpha < 2 / lam_max < 0.045
        too_big = gradient_descent(lr=0.045)
        print("α = 0.045 ends at", too_big[-1], "after", len(too_big) - 1, "steps")
        assert len(too_big) - 1 == max_steps and not np.allclose(too_big[-1], [1, 1], atol=1e-3)
    """),
    md(r"""
    ## Takeaways

    - `backward(create_graph=True)` turns the backward pass into a graph: second
      derivatives, Hessians and `grad(grad(f))` come from the same rule table.
    - Newton's method needs a handful of steps where gradient descent needed over a thousand
      here, but each step builds and solves an $n\times n$ system: for a network with $n = 10^6$
      parameters that is why deep learning uses first-order methods (and adaptive ones such
      as Adam, notebook 4, which estimate a per-parameter scale instead).
    """),
]

NOTEBOOKS: dict[str, list[Cell]] = {
    "01_chain_rule_and_backprop": NB01,
    "02_numerical_differentiation": NB02,
    "03_neurons_and_activations": NB03,
    "04_training_an_mlp": NB04,
    "05_beyond_first_order": NB05,
}


def build(stem: str, cells: list[Cell]) -> nbformat.NotebookNode:
    """One notebook with cleared outputs and stable cell ids (so rebuilding changes nothing)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for i, (kind, source) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        cell = make(source)
        cell.id = f"{stem[:2]}-{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def main() -> int:
    """Rewrite every notebook, or with ``--check`` exit 1 naming the stale ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a notebook is stale")
    args = parser.parse_args()
    stale = []
    for stem, cells in NOTEBOOKS.items():
        path = HERE / f"{stem}.ipynb"
        text = nbformat.writes(build(stem, cells)) + "\n"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            atomic_write_bytes(path, text.encode("utf-8"))
            print(f"wrote {path.relative_to(HERE.parent)}")
    if stale:
        print("out of date (run notebooks/build_notebooks.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
