# ---
# jupyter:
#   jupytext:
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5 · Backpropagation: the chain rule, node by node
#
# Notebooks 2–4 computed gradients from function values (2n evaluations) or by a formula
# worked out for one model. Backpropagation gets *all* partial derivatives of a loss from
# one backward pass over the computation, for any model. This notebook does the chain rule
# by hand, then with microgradx's `backward()`, then builds `backward()` itself from
# scratch in 30 lines, with the two classic bugs, and ends with the notes' 2-layer ReLU
# network back-propagated by hand.

# %%
# %matplotlib inline
import math
import tempfile

import numpy as np
from IPython.display import SVG, display

from microgradx import MLP, Value, explore, grad, losses, topological_order, zero_grad
from microgradx.data import make_regression
from microgradx.numeric import GradcheckError, gradcheck, gradgradcheck
from microgradx.viz import backward_steps, draw_dot, render_backward_steps


def fmt(v):
    """One number format for the whole notebook: 4 significant digits, as in the drawings."""
    return f"{v:#.4g}"


# %% [markdown]
# ## The chain rule by hand
#
# Take $z = t^2$ with $t = 2x + y$. $z$ depends on $x$ only through $t$, so the slopes
# multiply (연쇄 법칙, the chain rule):
#
# $$\frac{\partial z}{\partial x}
# = \frac{\partial z}{\partial t}\cdot\frac{\partial t}{\partial x}
# = 2t \cdot 2 = 4(2x + y) = 8x + 4y,$$
#
# $$\frac{\partial z}{\partial y}
# = \frac{\partial z}{\partial t}\cdot\frac{\partial t}{\partial y}
# = 2t \cdot 1 = 4x + 2y .$$
#
# At $x = 1.2$, $y = -0.5$: $t = 1.9$, $z = 3.61$, $\partial z/\partial x = 7.6$ and
# $\partial z/\partial y = \partial z/\partial t = 3.8$ (a sum passes its gradient on
# unchanged, so $y$ and $t$ share it).

# %%
x0, y0 = 1.2, -0.5
t0 = 2 * x0 + y0
dz_dt = 2 * t0  # local derivative of t²
dz_dx_hand = dz_dt * 2  # ∂t/∂x = 2
dz_dy_hand = dz_dt * 1  # ∂t/∂y = 1
print(f"t = {fmt(t0)}, z = {fmt(t0**2)}, ∂z/∂x = {fmt(dz_dx_hand)}, ∂z/∂y = {fmt(dz_dy_hand)}")
assert abs(dz_dx_hand - (8 * x0 + 4 * y0)) < 1e-12 and abs(dz_dy_hand - (4 * x0 + 2 * y0)) < 1e-12

# %% [markdown]
# ## The same by `backward()`
#
# A `Value` remembers how it was made. Building $z$ from `Value`s records a graph; `draw_dot`
# draws it. Every node shows its `data`; its `grad` reads "—" and the caption says the
# gradients are not computed yet, because `backward()` has not run.

# %%
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

# %% [markdown]
# `z.backward()` walks the graph once from $z$ back to the leaves, applying the chain rule
# at every node. Each node multiplies the gradient arriving from above (the *upstream*
# gradient) by its own *local* gradient and passes the product to its inputs. In the
# drawing, the red $\partial$ on each edge is that local gradient, and every `grad` is the
# product of the $\partial$s along the path from $z$: for $x$, $2t \cdot 2 = 7.6$.

# %%
z.backward()
print(f"x.grad = {fmt(x.grad)}, y.grad = {fmt(y.grad)}, t.grad = {fmt(t.grad)}")
assert abs(x.grad - dz_dx_hand) < 1e-12 and abs(y.grad - dz_dy_hand) < 1e-12
assert abs(t.grad - dz_dt) < 1e-12
after = draw_dot(z)
assert "grad —" not in after.source and f"grad {fmt(x.grad)}" in after.source
after

# %% [markdown]
# ## `backward()` from scratch
#
# What does `backward()` do? Here it is in full, for `+`, `*`, `tanh` and integer powers,
# the way karpathy's micrograd builds it. Each operation records its inputs and its local
# derivatives. `backward()` first sorts the graph *topologically* (every node after all
# the nodes it was computed from), then walks that order backwards, so a node's gradient is
# complete before it is passed on, and **adds** local derivative × upstream gradient into
# each input's `grad`.


# %%
def topological_sort(root):
    """Every node after all the nodes it was computed from (depth first)."""
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)  # joins the order after all its inputs

    visit(root)
    return order


class Scalar:
    """A number that remembers how it was made: a from-scratch Value."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data, self.grad = data, 0.0
        self.parents, self.local_grads = parents, local_grads  # ∂self/∂parent, one each

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.data * other.data, (self, other), (other.data, self.data))

    __radd__, __rmul__ = __add__, __mul__

    def __pow__(self, k):
        return Scalar(self.data**k, (self,), (k * self.data ** (k - 1),))

    def tanh(self):
        out = math.tanh(self.data)
        return Scalar(out, (self,), (1 - out**2,))

    def backward(self):
        self.grad = 1.0
        for node in reversed(topological_sort(self)):  # from the output back to the leaves
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                parent.grad += local * node.grad  # += : a node used twice gets both


# %% [markdown]
# It reproduces the gradients of $z = (2x + y)^2$:

# %%
xs, ys = Scalar(x0), Scalar(y0)
zs = (2 * xs + ys) ** 2
zs.backward()
print(f"from scratch: ∂z/∂x = {fmt(xs.grad)}, ∂z/∂y = {fmt(ys.grad)}")
assert abs(xs.grad - x.grad) < 1e-12 and abs(ys.grad - y.grad) < 1e-12

# %% [markdown]
# ## Two classic bugs
#
# **`=` instead of `+=`.** Write $z = t \cdot t$ instead of $t^2$: now $t$ is used *twice*,
# as both inputs of one product, and reaches $z$ along two paths. The chain rule sums over
# paths, $\partial z/\partial t = t + t = 2t$. A backward pass that *assigns*
# `parent.grad = local * node.grad` keeps only the last path and halves every gradient
# below $t$.


# %%
def backward_with_assignment(root):
    """The bug: = where backward() needs +=."""
    root.grad = 1.0
    for node in reversed(topological_sort(root)):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad = local * node.grad  # BUG: overwrites the other path's share


def dz_dx(backward):
    x_, y_ = Scalar(x0), Scalar(y0)
    t_ = 2 * x_ + y_
    backward(t_ * t_)  # t used twice
    return x_.grad


right, wrong = dz_dx(Scalar.backward), dz_dx(backward_with_assignment)
print(f"∂z/∂x with += {fmt(right)}, with = {fmt(wrong)}")
assert abs(right - dz_dx_hand) < 1e-12 and abs(wrong - dz_dx_hand / 2) < 1e-12

# %% [markdown]
# **A forgotten `zero_grad`.** `backward()` *adds* into `grad`, so a second backward pass
# adds its gradients to the first one's. A training loop that does not reset the
# gradients before each step steps along the *sum of all past gradients*. Gradient descent
# on $J(w) = (w - 3)^2$ from $w = 0$: with the reset it converges to 3; without it, the
# stale gradients keep pushing and $w$ overshoots and oscillates.


# %%
def descend(reset, steps=30, lr=0.1):
    w, path = Scalar(0.0), []
    for _ in range(steps):
        if reset:
            w.grad = 0.0  # zero_grad
        loss = (w + -3.0) ** 2
        loss.backward()
        w.data -= lr * w.grad
        path.append(w.data)
    return np.array(path)


with_reset, without = descend(reset=True), descend(reset=False)
print(f"after 30 steps: w = {fmt(with_reset[-1])} with zero_grad, {fmt(without[-1])} without")
print(f"largest w without zero_grad: {fmt(without.max())} (the target is 3)")
assert abs(with_reset[-1] - 3) < 1e-2 and with_reset.max() <= 3  # straight in
assert without.max() > 4 and abs(without[-1] - 3) > 0.5  # overshoots, still swinging

# %% [markdown]
# ## The library's engine does the same
#
# microgradx's `Value` is this design made dependable: the local derivatives live in one
# rule table (`microgradx/ops.py`) instead of inside each method, the topological sort is
# iterative (micrograd's recursive `visit` fails at depth ~1000), and the order is
# deterministic. `topological_order(z)` is the order `backward()` walks in reverse:


# %%
def name(node):
    return node.label or f"constant {fmt(node.data)}"


for node in topological_order(z):
    made = f"{node.op} of " + ", ".join(map(name, node.parents)) if node.parents else "leaf"
    print(f"{name(node):>14}: {made:<26} data {fmt(node.data)}")
order = topological_order(z)
assert all(order.index(p) < order.index(node) for node in order for p in node.parents)

tt = t * t  # t used twice: the library adds both paths
x.grad = 0.0
tt.backward()
assert abs(x.grad - dz_dx_hand) < 1e-12
print(f"library, z = t·t: ∂z/∂x = {fmt(x.grad)}")

# %% [markdown]
# ## A neuron, back-propagated node by node
#
# A neuron computes $o = \tanh(n)$ with $n = x_1 w_1 + x_2 w_2 + b$. Its graph has five
# leaves and five operations. Backpropagation visits the operations from the output back,
# and at each one applies
#
# $$\text{gradient of an input} = \text{local gradient} \times \text{upstream gradient},$$
#
# with three local rules: $\frac{d}{dn}\tanh n = 1 - \tanh^2 n$; a sum passes the upstream
# gradient unchanged to each input; a product $a \cdot b$ sends $b \cdot$ upstream to $a$
# and $a \cdot$ upstream to $b$.

# %%
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
    print(f"∂o/∂{name:<12} = {fmt(g)}")

# %% [markdown]
# Now the same neuron with the from-scratch `Scalar` and with the library's `Value`. Labels
# name the nodes so the drawing matches the table.

# %%
scratch = {name: Scalar(v) for name, v in (("x1", x1), ("x2", x2), ("w1", w1), ("w2", w2))}
scratch["b"] = Scalar(b)
(scratch["x1"] * scratch["w1"] + scratch["x2"] * scratch["w2"] + scratch["b"]).tanh().backward()

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
    assert abs(nodes[name].grad - g) < 1e-12, (name, nodes[name].grad, g)
for name, leaf in scratch.items():
    assert abs(leaf.grad - hand[name]) < 1e-12, name
print("by hand = from scratch = backward() for every node")
draw_dot(o_node)

# %% [markdown]
# ### Step by step
#
# The frames below replay the backward pass one operation at a time, in the order
# `backward()` visits them (reverse topological order: a node is processed only after
# every node that uses it). Leaves do nothing at their turn (their gradient is final), so
# they get no frame (`leaves=False`), and every frame uses the same layout, so each node
# stays in its place while the numbers change.

# %%
steps = list(backward_steps(o_node))
for step in steps:
    local = ", ".join(fmt(d) for d in step.local_grads) or "leaf: nothing to pass on"
    name = step.node.label
    print(f"{step.index}: {name:<12} upstream {fmt(step.upstream):>8}   local ∂ {local}")
    assert abs(step.upstream - hand[step.node.label]) < 1e-12
assert [s.node for s in steps] == list(reversed(topological_order(o_node)))

# %% [markdown]
# The highlighted node is the one being processed; its input edges read "local ∂ ×
# upstream = contribution".

# %%
operations = [step for step in steps if step.node.parents]
with tempfile.TemporaryDirectory() as frames_dir:
    frames = render_backward_steps(o_node, frames_dir, "svg", leaves=False)
    assert len(frames) == len(operations) == 5  # one frame per operation, none for leaves
    for frame in frames:
        display(SVG(filename=str(frame)))

# %% [markdown]
# ### In the explorer
#
# `microgradx.explore(o_node)` shows the same graph as one self-contained page (it needs
# no network): step forward and backward through the backward pass, move the inputs and
# watch every gradient change. Its numbers come from a JavaScript twin of the rule table,
# tested against Python's.

# %%
page = explore(o_node, title="o = tanh(x1·w1 + x2·w2 + b)")
assert page.html.startswith("<!DOCTYPE html>") and "x1w1 + x2w2" in page.html
page

# %% [markdown]
# ## Summing over paths, accumulating across calls: two different things
#
# Within **one** backward pass, a value used twice influences the output along two paths,
# and the multivariable chain rule *sums* the contributions: for $c = a + a$,
# $\partial c/\partial a = 2$. That is mathematics, and it is why `+=` is right above.
#
# **Across** `backward()` calls, microgradx (like PyTorch) also *adds* each new gradient to
# the `.grad` already stored. That is an API choice, not a consequence of the chain rule:
# it lets one sum the gradients of several losses or mini-batches before a step, at the
# price of resetting with `zero_grad` before fresh ones. The functional `grad(f)` makes the
# other choice: it returns a fresh gradient and stores nothing.

# %%
a = Value(3.0, label="a")
c = a + a
c.backward()
print("after one backward:", fmt(a.grad))
assert a.grad == 2.0  # the sum over two paths

c.backward()
print("after two:", fmt(a.grad))
assert a.grad == 4.0  # accumulated across calls

zero_grad([a])
c.backward()
assert a.grad == 2.0
double = grad(lambda v: v + v)
assert double(3.0) == double(3.0) == 2.0  # the functional form never accumulates

# %% [markdown]
# ## A 2-layer ReLU network, back-propagated by hand
#
# The network of the lecture notes, for one sample $x = (x_1, \dots, x_n)$ (in microgradx's
# names, $w^1_{nm}$ is `L1.N{m}.w{n−1}` and $w^2_m$ is `L2.N1.w{m−1}`, notebook 1):
#
# $$n_m = \sum_n w^1_{nm} x_n + b^1_m, \qquad h_m = \mathrm{ReLU}(n_m), \qquad
# y = \sum_m w^2_m h_m + b^2, \qquad J = \frac1N \sum_{i=1}^N (y_i - t_i)^2 .$$
#
# The weights $w^1$ reach the loss only indirectly, so the chain rule runs through every
# stage:
#
# $$\frac{\partial J}{\partial w^1_{nm}}
# = \frac{\partial J}{\partial y}\cdot\frac{\partial y}{\partial h_m}
# \cdot\frac{\partial h_m}{\partial n_m}\cdot\frac{\partial n_m}{\partial w^1_{nm}}
# = \frac1N \sum_{i=1}^N 2(y_i - t_i)\cdot w^2_m \cdot \mathrm{ReLU}'(n_{im}) \cdot x_{in}.$$
#
# All parameters of hidden unit $m$ share the first three factors, so compute that common
# part once: $\delta_{im} = \partial J / \partial n_{im}$. Then
# $\partial J/\partial w^1_{nm} = \sum_i \delta_{im} x_{in}$ and
# $\partial J/\partial b^1_m = \sum_i \delta_{im}$; for the output layer
# $\partial J/\partial w^2_m = \sum_i \frac{2}{N}(y_i - t_i)\, h_{im}$. This reuse of
# shared factors, organised node by node, *is* backpropagation.

# %%
X, targets = make_regression(6, n_features=2, noise=0.1, seed=3)
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
J = np.mean((y - targets) ** 2)

# backward pass by hand
dJ_dy = 2 * (y - targets) / N
by_hand = {"L2.N1.b": dJ_dy.sum()}
for m in range(3):
    by_hand[f"L2.N1.w{m}"] = dJ_dy @ h[:, m]
delta = dJ_dy[:, None] * w2[None, :] * (n1 > 0)  # ∂J/∂n_im, the shared part
for m in range(3):
    by_hand[f"L1.N{m + 1}.b"] = delta[:, m].sum()
    for n in range(2):
        by_hand[f"L1.N{m + 1}.w{n}"] = delta[:, m] @ X[:, n]
print("ReLU'(n) per sample and hidden unit:\n", (n1 > 0).astype(int))
assert 0 < (n1 > 0).mean() < 1  # some units off for some samples: ReLU' matters

# %% [markdown]
# Now let autodiff do it, and compare number by number:

# %%
loss = losses.mse([model(x) for x in X], targets)
model.zero_grad()
loss.backward()
assert abs(loss.data - J) < 1e-12
print(f"{'parameter':<10} {'by hand':>12} {'backward()':>12}")
for name, p in model.named_parameters():
    print(f"{name:<10} {by_hand[name]:>12.6f} {p.grad:>12.6f}")
    assert abs(p.grad - by_hand[name]) < 1e-9, name
assert len(by_hand) == model.num_parameters()

# %% [markdown]
# ## `gradcheck`: how to trust an autodiff rule
#
# Every local derivative in `microgradx` lives in one rule table (`microgradx/ops.py`). A
# wrong entry would silently give wrong gradients everywhere, so each rule is checked
# against central differences, as `torch.autograd.gradcheck` does: `gradcheck` compares
# first derivatives, `gradgradcheck` the second derivatives obtained by differentiating the
# recorded backward pass. Both return `True` or raise `GradcheckError` with a table.

# %%
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

# %% [markdown]
# Where the derivative does not exist, the two disagree, and `gradcheck` says so. At the kink
# of ReLU the autodiff rule uses the convention $\mathrm{ReLU}'(0) = 0$ (as PyTorch), while
# the central difference sees the average slope $\frac{h - 0}{2h} = \tfrac12$. Check rules
# at generic points, away from kinks.

# %%
try:
    gradcheck(lambda x: x.relu(), [0.0])
except GradcheckError as error:
    message = str(error)
    print(message)
else:
    raise AssertionError("gradcheck should reject ReLU at its kink")
assert "disagree" in message
assert gradcheck(lambda x: x.relu(), [0.3]) and gradcheck(lambda x: x.relu(), [-0.3])

# %% [markdown]
# ## Takeaways
#
# - The chain rule multiplies local slopes along a path and sums over paths.
# - Backpropagation applies it once per node, from the output back, in reverse topological
#   order: local gradient × upstream gradient, *added* into each input's gradient.
# - `=` instead of `+=` loses all but one path; a forgotten `zero_grad` mixes old gradients
#   into new steps.
# - The shared factor $\delta$ of a layer is the gradient stored at its pre-activation
#   node: computing it once is what makes backpropagation cheap.
