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
# Notebooks 2–4 computed gradients from function values ($n + 1$ evaluations for forward
# differences, $2n$ for central ones, with $n$ parameters) or by a formula worked out for one
# model. Backpropagation (역전파) gets *all* partial derivatives of a loss from one backward
# pass over the computation, for any model. This notebook does the chain rule by hand, then
# with microgradx's `backward()`, then builds `backward()` itself from scratch in 30 lines,
# with the two classic bugs; it derives the activations' derivatives by hand, takes the
# notes' 2-layer ReLU network apart by hand, and ends by writing the training loop that
# `fit` hides: `zero_grad → backward → step`.
#
# 📖 Note 003 · 참고 합성 함수의 미분, Backpropagation and 주요 Activation Function의 미분;
# Note 004 · Step 4. 연쇄법칙(Chain rule); Note 000/001 · 학습 알고리즘의 4단계.

# %%
# %matplotlib inline
import math
import tempfile

import numpy as np
from IPython.display import SVG, display

from microgradx import MLP, SGD, Value, explore, fit, grad, losses, topological_order, zero_grad
from microgradx.course import LANG, show_glossary, tr
from microgradx.data import make_regression
from microgradx.glossary import lookup
from microgradx.numeric import GradcheckError, central_difference, gradcheck, gradgradcheck
from microgradx.viz import backward_steps, draw_dot, render_backward_steps


def fmt(v):
    """One number format for the whole notebook: 4 significant digits, as in the drawings."""
    return f"{v:#.4g}"


# %% [markdown]
# Terms used in this notebook, from the course's one glossary (Korean as the notes spell
# it; the last column names the note):

# %%
terms = (
    "backpropagation, chain rule, composite function, partial derivative, computational "
    "graph, topological order, local gradient, upstream gradient, common factor, "
    "indirect parameter, cross-entropy, estimated probability, observed distribution, "
    "update, automatic differentiation"
)
show_glossary(tuple(lookup(word) for word in terms.split(", ")))

# %% [markdown]
# ## The chain rule by hand
#
# 📖 Note 003 · 참고 합성 함수의 미분 (derivative of a composite function).
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
# ### Note 004's form: $F'(x) = f'(g(x)) \cdot g'(x)$
#
# 📖 Note 004 · Step 4. 연쇄법칙(Chain rule). Note 004 states the rule for a composite
# function (합성 함수) $F = f \circ g$, $F(x) = f(g(x))$: $F'(x) = f'(g(x)) \cdot g'(x)$. Its
# example is $z = (x + y)^2$: inside $g = x + y$ (so $t = g$), outside $f(t) = t^2$, hence
# $f'(t) = 2t$, $\partial t/\partial x = 1$ and $\partial z/\partial x = 2(x + y)$.
#
# > **Correcting the notes.** Note 004 writes $\frac{dz}{dx}$, but $z$ depends on $y$ too:
# > what it computes is the *partial* derivative $\frac{\partial z}{\partial x}$, with $y$
# > held fixed (its own Step 3, 편미분). It also writes
# > $\frac{dy}{dx} = \frac{dt}{dx}\frac{dy}{dt}$: the same product as
# > $f'(g(x)) \cdot g'(x)$, factors in the other order.
#
# Three independent ways to the same number at $x = 1.2$, $y = -0.5$: the formula, the
# chain rule's two factors, and a central difference that knows neither.

# %%
F_prime = 2 * (x0 + y0)  # the formula 2(x + y)
f_prime_at_g, g_prime = 2 * (x0 + y0), 1.0  # f'(g(x)) with f(t) = t², and g'(x) for g = x + y
numeric = central_difference(lambda x: (x + y0) ** 2, x0, h=1e-5)
print(
    tr("∂z/∂x: formula", "∂z/∂x: 공식")
    + f" {fmt(F_prime)}, f'(g)·g' {fmt(f_prime_at_g * g_prime)}, "
    + tr("central difference", "중심 차분")
    + f" {fmt(numeric)}"
)
assert abs(f_prime_at_g * g_prime - F_prime) < 1e-12 and abs(numeric - F_prime) < 1e-8

# %% [markdown]
# ## The same by `backward()`
#
# 📖 Note 003 · Backpropagation (the graph exercise: "Loss $J(z)$에 대해 $x, y, z$의 미분을
# 구하라!"), done by the library.
#
# A `Value` remembers how it was made. Building $z$ from `Value`s records a graph (계산
# 그래프, a computational graph); `draw_dot` draws it. Every node shows its `data`; its `grad`
# reads "—" and the caption says the gradients are not computed yet, because `backward()`
# has not run (the constant 2 is explained below).

# %%
x = Value(x0, label="x")
y = Value(y0, label="y")
two_x = 2 * x
two_x.label = "2x"
t = two_x + y
t.label = "t"
z = t**2
z.label = "z"
before = draw_dot(z, lang=LANG)
trainable = [v for v in topological_order(z) if v.requires_grad]  # all but the constant 2
assert before.source.count("grad —") == len(trainable)  # no grads yet
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
after = draw_dot(z, lang=LANG)
assert "grad —" not in after.source and f"grad {fmt(x.grad)}" in after.source
after

# %% [markdown]
# The grey box is the constant 2 of $2x$ (an unlabelled leaf). It reads "no grad
# (constant)", here and in the explorer alike, although the chain rule would give
# $\partial z/\partial 2 = 2t \cdot x = 4.56$: `backward()` computes gradients only for the
# values that can be trained, and a number written into an expression never is. Make the 2
# a `Value` of its own and it gets its 4.56:

# %%
constant_box = next(line for line in after.source.splitlines() if "data 2.000" in line)
c = Value(2.0, label="c")
(((c * Value(x0)) + Value(y0)) ** 2).backward()  # fresh x, y: theirs stay as they are
print(tr("the constant's box:", "상수의 상자:"), constant_box.split('"')[1])
print(tr("the same 2 as a Value: c.grad =", "같은 2를 Value로: c.grad ="), fmt(c.grad))
shown = constant_box.split('"')[1]
assert "no grad (constant)" in shown and "no grad (constant)" in explore(z).html
assert abs(c.grad - 2 * t0 * x0) < 1e-12

# %% [markdown]
# ## `backward()` from scratch
#
# Beyond the notes: the notes describe the algorithm; here it is, as code.
#
# What does `backward()` do? Here it is in full, for `+`, `*`, `tanh` and integer powers,
# the way karpathy's micrograd builds it. Each operation records its inputs and its local
# derivatives. `backward()` first sorts the graph *topologically* (every node after all
# the nodes it was computed from), then walks that order backwards, so a node's gradient is
# complete before it is passed on, and **adds** local derivative × upstream gradient into
# each input's `grad`.
#
# **Write it yourself:**
# [exercises/04_backprop_from_scratch.ipynb](../exercises/04_backprop_from_scratch.ipynb)
# — your own `Value` and `backward()`, with checks that name `=` for `+=`, a wrong order and a
# forgotten seed gradient; all seven exercises (hints first, solutions apart) are in
# [exercises/](../exercises/).


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
print(tr("from scratch:", "밑바닥부터:"), f"∂z/∂x = {fmt(xs.grad)}, ∂z/∂y = {fmt(ys.grad)}")
assert abs(xs.grad - x.grad) < 1e-12 and abs(ys.grad - y.grad) < 1e-12

# %% [markdown]
# ## Two classic bugs
#
# Beyond the notes.
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
print(f"∂z/∂x: += {fmt(right)}, = {fmt(wrong)}")
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
print(
    tr("after 30 steps: w =", "30단계 뒤: w ="),
    fmt(with_reset[-1]) + tr(" with zero_grad,", " (zero_grad 있음),"),
    fmt(without[-1]) + tr(" without", " (zero_grad 없음)"),
)
print(
    tr("largest w without zero_grad:", "zero_grad 없이 가장 큰 w:"),
    fmt(without.max()),
    tr("(the target is 3)", "(목표는 3)"),
)
assert abs(with_reset[-1] - 3) < 1e-2 and with_reset.max() <= 3  # straight in
assert without.max() > 4 and abs(without[-1] - 3) > 0.5  # overshoots, still swinging

# %% [markdown]
# ## The library's engine does the same
#
# Beyond the notes.
#
# microgradx's `Value` is this design made dependable: the local derivatives live in one
# rule table (`microgradx/ops.py`) instead of inside each method, the topological sort is
# iterative (micrograd's recursive `visit` fails at depth ~1000), and the order is
# deterministic. `topological_order(z)` is the order `backward()` walks in reverse:


# %%
def name(node):
    return node.label or tr("constant ", "상수 ") + fmt(node.data)


for node in topological_order(z):
    inputs = ", ".join(map(name, node.parents))
    made = f"{node.op}({inputs})" if node.parents else tr("leaf", "잎")
    print(f"{name(node):>14}: {made:<22} data {fmt(node.data)}")
order = topological_order(z)
assert all(order.index(p) < order.index(node) for node in order for p in node.parents)

tt = t * t  # t used twice: the library adds both paths
x.grad = 0.0
tt.backward()
assert abs(x.grad - dz_dx_hand) < 1e-12
print(tr("library, z = t·t:", "라이브러리, z = t·t:"), f"∂z/∂x = {fmt(x.grad)}")

# %% [markdown]
# ## A neuron, back-propagated node by node
#
# 📖 Note 003 · Backpropagation: "각 노드에서 Local Gradient를 구한 후 전달 받은 Gradient와
# 곱해서 이전 노드에 전달": at each node, multiply its local gradient by the gradient it
# received (the *upstream* gradient) and pass the product on to the node before.
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
print(
    tr(
        "by hand = from scratch = backward() for every node",
        "모든 노드: 손 = 밑바닥부터 = backward()",
    )
)
draw_dot(o_node, lang=LANG)

# %% [markdown]
# ### Step by step
#
# The frames below replay the backward pass one operation at a time, in the order
# `backward()` visits them (reverse topological order, 위상 정렬의 역순: a node is processed
# only after every node that uses it, so its gradient is complete). Leaves do nothing at
# their turn (their gradient is final), so they get no frame (`leaves=False`), and every
# frame uses the same layout, so each node stays in its place while the numbers change.
#
# The order is checked by the property that makes it right, not against another of the
# library's orders: every node that uses a value must come before it, and the upstream
# gradient a step receives must be the sum of what the nodes using it sent.

# %%
steps = list(backward_steps(o_node))
nothing = tr("leaf: nothing to pass on", "잎: 전달할 것 없음")
upstream_word = tr("upstream", "전달 받은 Gradient")
local_word = tr("local ∂", "Local Gradient")
for step in steps:
    local = ", ".join(fmt(d) for d in step.local_grads) or nothing
    name = step.node.label
    up = fmt(step.upstream)
    print(f"{step.index}: {name:<12} {upstream_word} {up:>8}   {local_word} {local}")
    assert abs(step.upstream - hand[step.node.label]) < 1e-12
position = {step.node: k for k, step in enumerate(steps)}
for step in steps:
    users = [(u, j) for u in steps for j, p in enumerate(u.parents) if p is step.node]
    assert all(position[u.node] < position[step.node] for u, _ in users)  # users first
    if users:  # what arrives is the sum of what the users sent
        assert abs(step.upstream - sum(u.contributions[j] for u, j in users)) < 1e-12

# %% [markdown]
# The highlighted node is the one being processed; its input edges read "local ∂ ×
# upstream = contribution", and the title counts the operations: "operation 2 of 5". The
# frames are laid out top to bottom (`rankdir="TB"`) so that they fit the page at a size
# their text can be read, and written in the edition's language (`lang=`, as every drawing
# in this notebook).

# %%
operations = [step for step in steps if step.node.parents]
with tempfile.TemporaryDirectory() as frames_dir:
    frames = render_backward_steps(o_node, frames_dir, "svg", leaves=False, rankdir="TB", lang=LANG)
    assert len(frames) == len(operations) == 5  # one frame per operation, none for leaves
    for k, frame in enumerate(frames, start=1):
        picture = frame.read_text(encoding="utf-8")
        assert tr(f"operation {k} of 5", f"연산 5개 중 {k}번째") in picture
        width = float(picture.split('width="', 1)[1].split("pt", 1)[0])
        assert width < 900  # points: about 1,200 px, so 12 pt text stays readable on a page
        display(SVG(picture))

# %% [markdown]
# ### In the explorer
#
# `microgradx.explore(o_node)` shows the same graph as one self-contained page (it needs
# no network; `lang="ko"` gives the Korean page, which the Korean edition shows): step
# forward and backward through the backward pass, move the inputs and watch every gradient
# change. Its numbers come from a JavaScript twin of the rule table, tested against Python's.

# %%
page = explore(o_node, title="o = tanh(x1·w1 + x2·w2 + b)", lang=LANG)
assert page.html.startswith("<!DOCTYPE html>") and "x1w1 + x2w2" in page.html
display(page, include=["text/html"])  # the page only: its size in bytes differs by language

# %% [markdown]
# ## Summing over paths, accumulating across calls: two different things
#
# Beyond the notes.
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
print(tr("after one backward:", "backward 한 번 뒤:"), fmt(a.grad))
assert a.grad == 2.0  # the sum over two paths

c.backward()
print(tr("after two:", "두 번 뒤:"), fmt(a.grad))
assert a.grad == 4.0  # accumulated across calls

zero_grad([a])
c.backward()
assert a.grad == 2.0
double = grad(lambda v: v + v)
assert double(3.0) == double(3.0) == 2.0  # the functional form never accumulates

# %% [markdown]
# ## Local gradients derived by hand: $\sigma'$, $\tanh'$ and softmax with cross-entropy
#
# 📖 Note 003 · 주요 Activation Function의 미분 (derivatives of the main activation
# functions). The notes state $f'(x) = f(x)(1 - f(x))$ for the sigmoid and
# $f'(x) = 1 - f(x)^2$ for tanh without deriving them. Both follow from the quotient rule.
#
# **Sigmoid.** $\sigma(x) = \frac{1}{1 + e^{-x}} = (1 + e^{-x})^{-1}$, so by the chain rule
#
# $$\sigma'(x) = -(1 + e^{-x})^{-2} \cdot (-e^{-x}) = \frac{e^{-x}}{(1 + e^{-x})^2}
# = \underbrace{\frac{1}{1 + e^{-x}}}_{\sigma(x)} \cdot
# \underbrace{\frac{e^{-x}}{1 + e^{-x}}}_{1 - \sigma(x)} = \sigma(x)\,(1 - \sigma(x)).$$
#
# **Tanh.** $\tanh x = \frac{e^x - e^{-x}}{e^x + e^{-x}}$; the numerator's derivative is the
# denominator and vice versa, so the quotient rule gives
#
# $$\tanh'(x) = \frac{(e^x + e^{-x})^2 - (e^x - e^{-x})^2}{(e^x + e^{-x})^2}
# = 1 - \tanh^2 x .$$
#
# **Softmax with cross-entropy.** For $K$ classes with scores (logits) $z_1, \dots, z_K$,
# softmax gives the estimated probabilities (추정 확률) $q_k = e^{z_k} / \sum_j e^{z_j}$, and
# the cross-entropy (크로스 엔트로피) against the observed distribution $t$ (관측 분포, one-hot
# or not, $\sum_k t_k = 1$) is $L = -\sum_k t_k \log q_k$. Since
# $\log q_k = z_k - \log \sum_j e^{z_j}$,
#
# $$\frac{\partial L}{\partial z_j} = -t_j + \sum_k t_k \cdot \frac{e^{z_j}}{\sum_i e^{z_i}}
# = -t_j + q_j \sum_k t_k = q_j - t_j .$$
#
# The gradient of the loss with respect to the scores is "prediction minus target", the same
# shape as MSE's $y - t$. Each formula is checked against `backward()` and against central
# differences, which use neither the formula nor the rule table.

# %%
for x in (-2.5, -0.3, 0.0, 1.7):
    sig = 1 / (1 + math.exp(-x))
    by_hand = {"sigmoid": sig * (1 - sig), "tanh": 1 - math.tanh(x) ** 2}
    for fn, derivative in by_hand.items():
        v = Value(x)
        getattr(v, fn)().backward()
        numeric = central_difference(lambda u, fn=fn: getattr(u, fn)(), x, h=1e-6)
        assert abs(v.grad - derivative) < 1e-12 and abs(numeric - derivative) < 1e-9, (fn, x)
print(
    tr(
        "σ′ = σ(1 − σ) and tanh′ = 1 − tanh² agree with backward() and central differences",
        "σ′ = σ(1 − σ)와 tanh′ = 1 − tanh²가 backward(), 중심 차분과 일치",
    )
)

scores, target = [1.5, -0.4, 0.3], 2  # K = 3 classes, the observed class is the third
q = np.exp(scores) / np.exp(scores).sum()
t_onehot = np.eye(3)[target]
zs = [Value(v) for v in scores]
losses.cross_entropy(zs, target).backward()
for j in range(3):

    def ce_along_j(u, j=j):
        moved = list(scores)
        moved[j] = u
        return -math.log(math.exp(moved[target]) / sum(math.exp(v) for v in moved))

    numeric = central_difference(ce_along_j, scores[j], h=1e-6)
    assert abs(zs[j].grad - (q[j] - t_onehot[j])) < 1e-12 and abs(numeric - zs[j].grad) < 1e-9
print("q − t =", np.round(q - t_onehot, 4), "= backward():", np.round([z.grad for z in zs], 4))

# %% [markdown]
# The target need not be one-hot: with a soft observed distribution, say
# $t = (0.1, 0.2, 0.7)$, the derivation used only $\sum_k t_k = 1$, so the gradient is still
# $q - t$. Written with `log_softmax` (the loss $-\sum_k t_k \log q_k$ by hand):

# %%
soft = np.array([0.1, 0.2, 0.7])
zs = [Value(v) for v in scores]
log_q = losses.log_softmax(zs)
(-sum(float(tk) * lq for tk, lq in zip(soft, log_q, strict=True))).backward()
assert np.allclose([z.grad for z in zs], q - soft, rtol=0, atol=1e-12)
print(tr("soft target: q − t =", "부드러운 목표: q − t ="), np.round(q - soft, 4))

# %% [markdown]
# ## A 2-layer ReLU network, back-propagated by hand
#
# 📖 Note 003 · Backpropagation (Gradient of Parameter; 공통 부분). The weights reach the loss
# only indirectly (the notes: "가중치는 Loss Function의 간접 파라미터이므로 직접 미분이 안됨",
# the weights are *indirect parameters* of the loss), so the chain rule runs through every
# stage.
#
# First the notation, checked: the notes' $w^1_{nm}$ (layer 1, from input $n$ to hidden unit
# $m$) is microgradx's `L1.N{m}.w{n−1}`, and $w^2_m$ is `L2.N1.w{m−1}`: layers and neurons
# are counted from 1 in both, a neuron's weights from 0 in microgradx. So in
# `MLP(2, [3, 1])` the weight `L1.N2.w0` is $w^1_{12}$: nudging it changes hidden unit 2
# only, by $x_1$ times the nudge.

# %%
model = MLP(2, [3, 1], activation="linear", seed=0)
params = dict(model.named_parameters())
xs_in = [0.7, -0.4]
before = [v.data for v in model.layers[0](xs_in)]
params["L1.N2.w0"].data += 1.0  # w¹₁₂ += 1
after_nudge = [v.data for v in model.layers[0](xs_in)]
changes = np.subtract(after_nudge, before)
print(tr("change of each hidden unit:", "은닉 유닛별 변화:"), changes.round(6))
assert np.allclose(changes, [0.0, xs_in[0], 0.0], rtol=0, atol=1e-12)  # unit 2 moves by x₁
assert sorted(params) == sorted(
    [f"L1.N{m}.{p}" for m in (1, 2, 3) for p in ("w0", "w1", "b")]
    + [f"L2.N1.{p}" for p in ("w0", "w1", "w2", "b")]
)

# %% [markdown]
# > **Correcting the notes.** Note 003's derivation is right in spirit but can mislead a
# > beginner in three places:
# >
# > 1. **One letter, three meanings.** $n$ is the *index* of an input ($x_n$, $w^1_{nm}$, and
# >    also the number of inputs), the output's pre-activation ($y = \mathrm{Identity}(n)$),
# >    and, with a subscript, a hidden pre-activation ($n_m$). Below: inputs $x_n$,
# >    $n = 1, \dots, d$; hidden pre-activations $s_m$; the output's pre-activation $s$;
# >    samples $i = 1, \dots, N$.
# > 2. **The sum over samples is in the wrong place.** The notes write
# >    $\frac{\partial J}{\partial y} = \frac1N \sum_i 2(y - t)$ and then multiply by the
# >    other factors, but those factors ($\mathrm{ReLU}'(s_{im})$, $x_{in}$) differ from sample
# >    to sample. The sum must enclose the whole product:
# >    $\frac{\partial J}{\partial w^1_{nm}} = \frac1N \sum_i 2(y_i - t_i) \cdot
# >    \mathrm{Identity}'(s_i) \cdot w^2_m \cdot \mathrm{ReLU}'(s_{im}) \cdot x_{in}$.
# >    A mean of products is not a product of means; checked below.
# > 3. **The $\mathrm{Identity}'$ factor.** The chain has the factor
# >    $\partial y/\partial n = \mathrm{Identity}'(n)$. It equals 1 here, so it is easy to
# >    drop (an earlier version of this notebook did), but it is where a sigmoid or tanh
# >    output would put its $f'$, and without it such a network gets wrong gradients. It
# >    stays in the formula below, and in the code.
#
# With biases added (microgradx's neurons have them), for one sample $x = (x_1, \dots, x_d)$:
#
# $$s_m = \sum_n w^1_{nm} x_n + b^1_m, \qquad h_m = \mathrm{ReLU}(s_m), \qquad
# s = \sum_m w^2_m h_m + b^2, \qquad y = \mathrm{Identity}(s), \qquad
# J = \frac1N \sum_{i=1}^N (y_i - t_i)^2 ,$$
#
# $$\frac{\partial J}{\partial w^1_{nm}}
# = \frac1N \sum_{i=1}^N
# \underbrace{2(y_i - t_i)}_{\partial J_i/\partial y_i}\cdot
# \underbrace{\mathrm{Identity}'(s_i)}_{\partial y/\partial s}\cdot
# \underbrace{w^2_m}_{\partial s/\partial h_m}\cdot
# \underbrace{\mathrm{ReLU}'(s_{im})}_{\partial h_m/\partial s_m}\cdot
# \underbrace{x_{in}}_{\partial s_m/\partial w^1_{nm}} .$$
#
# All parameters of hidden unit $m$ share the first four factors (the notes' 공통 부분,
# common part), so compute it once per sample: $\delta_{im} = \partial J / \partial s_{im}$.
# Then $\partial J/\partial w^1_{nm} = \sum_i \delta_{im} x_{in}$ and
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
s1 = X @ W1.T + b1  # (N, 3) hidden pre-activations s_im
h = np.maximum(s1, 0)  # ReLU
s_out = h @ w2 + b2  # (N,) the output's pre-activation s_i
y = s_out  # Identity
identity_prime = np.ones(N)  # Identity'(s_i) = 1
J = np.mean((y - targets) ** 2)

# backward pass by hand
dJ_dy = 2 * (y - targets) / N
by_hand = {"L2.N1.b": dJ_dy @ identity_prime}
for m in range(3):
    by_hand[f"L2.N1.w{m}"] = (dJ_dy * identity_prime) @ h[:, m]
relu_prime = (s1 > 0).astype(float)
delta = (dJ_dy * identity_prime)[:, None] * w2[None, :] * relu_prime  # ∂J/∂s_im: common part
for m in range(3):
    by_hand[f"L1.N{m + 1}.b"] = delta[:, m].sum()
    for n in range(2):
        by_hand[f"L1.N{m + 1}.w{n}"] = delta[:, m] @ X[:, n]
print(tr("ReLU'(s) per sample and hidden unit:", "샘플·은닉 유닛별 ReLU'(s):"))
print(relu_prime.astype(int))
assert 0 < relu_prime.mean() < 1  # some units off for some samples: ReLU' matters

# %% [markdown]
# Now let autodiff do it, and compare number by number. Then the notes' placement of the
# sum, read literally: the mean of $2(y_i - t_i)$ times the mean of the per-sample rest.

# %%
loss = losses.mse([model(x) for x in X], targets)
model.zero_grad()
loss.backward()
assert abs(loss.data - J) < 1e-12
print(f"{tr('parameter', '파라미터'):<10} {tr('by hand', '손 계산'):>12} {'backward()':>12}")
for name, p in model.named_parameters():
    print(f"{name:<10} {by_hand[name]:>12.6f} {p.grad:>12.6f}")
    assert abs(p.grad - by_hand[name]) < 1e-9, name
assert len(by_hand) == model.num_parameters()

m, n = 0, 0  # the weight w¹₁₁ = L1.N1.w0
rest = identity_prime * w2[m] * relu_prime[:, m] * X[:, n]  # per sample
sum_outside = np.mean(2 * (y - targets) * rest)
sum_inside = np.mean(2 * (y - targets)) * np.mean(rest)
print(
    tr("∂J/∂w¹₁₁: sum around the whole product", "∂J/∂w¹₁₁: 곱 전체를 감싼 합")
    + f" {sum_outside:.6f}, "
    + tr("the notes' placement", "노트의 위치")
    + f" {sum_inside:.6f}, backward() "
    + f"{params['L1.N1.w0'].grad:.6f}"
)
assert abs(sum_outside - params["L1.N1.w0"].grad) < 1e-12
assert abs(sum_inside - sum_outside) > 0.1 * abs(sum_outside)  # not a rounding difference

# %% [markdown]
# ## Training by hand: `zero_grad → backward → step`
#
# 📖 Note 000/001 · 학습 알고리즘의 4단계 (the four steps of the training algorithm): Step 2,
# 기울기 산출 (compute the gradient), and Step 3, 가중치 및 편향 갱신 (update the weights and
# biases), are two different steps, and in code they are two different lines.
#
# > **Correcting the notes.** Note 000/001 describes backpropagation (역전파) as "가중치를
# > 갱신하는 과정", the process that *updates* the weights. It does not: backpropagation
# > computes the gradients, and nothing more; the update (갱신) is a separate step that uses
# > them, gradient descent here (Adam in notebook 7). Checked below: after `backward()`
# > every parameter still holds its old value.
#
# Every training loop in this course, and `fit`, which notebooks 4 and 7 use, is this loop:
#
# 1. forward pass: the loss $J$ of the batch;
# 2. `zero_grad()`: forget the previous step's gradients (`backward()` *adds*, above);
# 3. `backward()`: backpropagation, every $\partial J/\partial\theta$;
# 4. step: $\theta \leftarrow \theta - \alpha\, \partial J/\partial\theta$ for every parameter.
#
# Written out by hand for the network above, full batch, 200 steps:


# %%
def train_by_hand(steps=200, lr=0.05):
    model = MLP(2, [3, 1], activation="relu", seed=2)
    history = []
    for _ in range(steps):
        loss = losses.mse([model(x) for x in X], targets)  # 1. forward
        model.zero_grad()  # 2. forget the last gradients
        before = [p.data for p in model.parameters()]
        loss.backward()  # 3. backpropagation: gradients only …
        assert [p.data for p in model.parameters()] == before  # … nothing has moved
        for p in model.parameters():  # 4. the update, a separate step
            p.data -= lr * p.grad
        history.append(loss.data)
    return model, history


by_hand_model, history = train_by_hand()
print(
    tr("loss at step 1, 10, 100, 200:", "1, 10, 100, 200번째 단계의 손실:"),
    ", ".join(fmt(history[k]) for k in (0, 9, 99, 199)),
)
assert history[-1] < 0.05 * history[0]

# %% [markdown]
# The optimizer object does step 4 for us (`SGD(params, lr).step()`), and `fit` does the
# whole loop. With one batch holding all 6 samples, `fit(..., optimizer="sgd")` takes
# exactly these steps, so all three must end at the same parameters:

# %%
with_sgd = MLP(2, [3, 1], activation="relu", seed=2)
optimizer = SGD(with_sgd.parameters(), lr=0.05)
for _ in range(200):
    loss = losses.mse([with_sgd(x) for x in X], targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

with_fit = MLP(2, [3, 1], activation="relu", seed=2)
fit(
    with_fit,
    X,
    targets,
    loss="mse",
    optimizer="sgd",
    lr=0.05,
    epochs=200,
    batch_size=len(X),
    progress=False,
)
final = [[p.data for p in net.parameters()] for net in (by_hand_model, with_sgd, with_fit)]
print(
    tr("largest difference of a parameter: by hand vs SGD", "파라미터의 최대 차이: 손 vs SGD")
    + f" {np.abs(np.subtract(final[0], final[1])).max():.1e}, "
    + tr("by hand vs fit", "손 vs fit")
    + f" {np.abs(np.subtract(final[0], final[2])).max():.1e}"
)
assert np.allclose(final[0], final[1], rtol=0, atol=1e-12)
assert np.allclose(final[0], final[2], rtol=0, atol=1e-9)  # fit sums the batch in its own order

# %% [markdown]
# ## `gradcheck`: how to trust an autodiff rule
#
# 📖 Note 000/001 · 수치 미분 (numerical differentiation), put to work on the rule table.
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
print(
    len(rules) + 1,
    tr(
        "rules agree with central differences, to first and second order",
        "개 규칙이 한 번·두 번 미분한 값 모두 중심 차분과 일치",
    ),
)

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
# - $\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$, and softmax with
#   cross-entropy gives $q - t$: each derived by hand and checked.
# - Backpropagation computes gradients; the update is a separate step. A training loop is
#   `zero_grad → backward → step`, and `fit` is that loop.
