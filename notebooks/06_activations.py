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
# # 6 · Neurons and activation functions
#
# A neuron computes $f(w \cdot x + b)$. Without the nonlinearity $f$ a stack of layers
# collapses into one linear map; with it, a network can bend its decision boundary. During
# backpropagation (notebook 5) every activation contributes its derivative $f'$ as a local
# gradient, so the shape of $f'$ decides how well gradients flow.
#
# 📖 Note 003 · 주요 Activation Function의 미분 (derivatives of the main activation
# functions). Notebook 5 derives $\sigma'$ and $\tanh'$ by hand; here they are compared and
# put to work.

# %%
# %matplotlib inline
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx import MLP, Neuron, Value, losses
from microgradx.course import setup_figures, show_glossary, tr
from microgradx.data import make_moons
from microgradx.functional import grad
from microgradx.glossary import lookup
from microgradx.numeric import central_difference

setup_figures()  # Korean text in figures, and a minus sign every font has

# %% [markdown]
# Terms used in this notebook, from the course's one glossary (Korean as the notes spell
# it; the last column names the note):

# %%
terms = (
    "activation function, sigmoid function, local gradient, vanishing gradient, "
    "saturation, decision boundary"
)
show_glossary(tuple(lookup(word) for word in terms.split(", ")))

# %% [markdown]
# ## Four activations and their derivatives
#
# 📖 Note 003 · 주요 Activation Function의 미분 (Sigmoid, Tanh, ReLU, Leaky ReLU).
#
# | | $f(x)$ | $f'(x)$ |
# |---|---|---|
# | sigmoid | $\sigma(x) = \dfrac{1}{1 + e^{-x}}$ | $\sigma(x)\,(1 - \sigma(x))$ |
# | tanh | $\dfrac{e^x - e^{-x}}{e^x + e^{-x}}$ | $1 - \tanh^2 x$ |
# | ReLU | $\max(0, x)$ | $1$ if $x > 0$, else $0$ |
# | Leaky ReLU | $x$ if $x > 0$, else $a x$ | $1$ if $x > 0$, else $a$ |
#
# The derivatives are written in terms of the output $f(x)$ where possible: that is how the
# rule table stores them, since the forward pass already computed $f(x)$. At $x = 0$ ReLU
# has no derivative (its slope jumps from 0 to 1); microgradx, like PyTorch, uses 0 there.
# The leaky slope $a$ is $0.01$ in the notes (and PyTorch's `negative_slope` default); it is
# called $a$ here because $\alpha$ is the learning rate in every other notebook.
#
# Two independent checks on a grid that avoids the kink: the table's formulas against
# central differences (notebook 2), and `backward()`'s derivatives against central
# differences. Neither side is computed from the other.

# %%
LEAKY = 0.01  # the leaky slope a, as in the notes (and PyTorch's default negative_slope)
activations = {
    "sigmoid": (lambda v: v.sigmoid(), lambda x, f: f * (1 - f)),
    "tanh": (lambda v: v.tanh(), lambda x, f: 1 - f**2),
    "relu": (lambda v: v.relu(), lambda x, f: 1.0 if x > 0 else 0.0),
    "leaky_relu": (lambda v: v.leaky_relu(LEAKY), lambda x, f: 1.0 if x > 0 else LEAKY),
}
xs = np.linspace(-4, 4, 80)  # an even count: 0 is not on the grid
for name, (activation, formula) in activations.items():
    slope = grad(activation)
    for x in xs:
        numeric = central_difference(activation, x, h=1e-6)
        fx = activation(Value(x)).data
        assert abs(formula(x, fx) - numeric) < 1e-8, ("formula", name, x)
        assert abs(slope(x) - numeric) < 1e-8, ("backward", name, x)
print(
    tr(
        "formulas and backward() agree with central differences at",
        "공식과 backward()가 중심 차분과",
    ),
    len(xs),
    tr("points each", "개 점마다 일치"),
)
assert grad(activations["relu"][0])(0.0) == 0.0  # the convention at the kink

# %% [markdown]
# Each activation above its derivative, all derivative panels on one y-axis, so the
# sizes compare at a glance: sigmoid's slope never exceeds $\frac14$, the others reach 1.
# Where ReLU's slope jumps, the picture jumps too (the filled dot is the value used at 0).
# With $a = 0.01$ the leaky branch looks flat, but its slope is $0.01$, not 0: the jump in
# its derivative is from $0.01$ to 1.

# %%
grid_left, grid_right = np.linspace(-4, 0, 201)[:-1], np.linspace(0, 4, 201)[1:]
fig = Figure(figsize=(12.0, 5.4), layout="constrained")
top = fig.subplots(2, 4, sharex=True)
for row in top[1][1:]:
    row.sharey(top[1][0])
peak = {}
for column, (name, (activation, _)) in enumerate(activations.items()):
    up, down = top[0][column], top[1][column]
    slope = grad(activation)
    for part in (grid_left, grid_right):  # drawn in two pieces: no line across a jump
        up.plot(part, [activation(Value(x)).data for x in part], color="#1d4ed8", linewidth=2)
        down.plot(part, [slope(x) for x in part], color="#dc2626", linewidth=2)
    at_zero, left_limit, right_limit = slope(0.0), slope(-1e-9), slope(1e-9)
    if abs(right_limit - left_limit) > 1e-6:  # a jump: filled = the value used, open = the limit
        down.plot(0, at_zero, "o", color="#dc2626")
        other = right_limit if at_zero == left_limit else left_limit
        down.plot(0, other, "o", mfc="white", color="#dc2626")
    peak[name] = max(slope(x) for x in np.concatenate([grid_left, grid_right]))
    title = f"leaky_relu (a = {LEAKY})" if name == "leaky_relu" else name
    up.set_title(title)
    down.set_xlabel("x")
    for ax in (up, down):
        ax.axhline(0, color="#94a3b8", linewidth=0.8)
        ax.axvline(0, color="#94a3b8", linewidth=0.8)
top[0][0].set_ylabel("f(x)")
top[1][0].set_ylabel(tr("f′(x), from backward()", "f′(x), backward()로 계산"))
fig.suptitle(
    tr("each activation (top) above its derivative (bottom)", "활성화 함수(위)와 그 미분(아래)")
)
print(
    {name: round(p, 4) for name, p in peak.items()},
    tr("(largest slope on the grid)", "(격자 위 최대 기울기)"),
)
assert peak["sigmoid"] <= 0.25 and min(peak["tanh"], peak["relu"], peak["leaky_relu"]) > 0.99
fig

# %% [markdown]
# ## Vanishing gradients
#
# Beyond the notes: 기울기 소실 (vanishing gradients) and 포화 (saturation).
#
# Backpropagation multiplies one local gradient per layer. $\sigma'(x) \le \tfrac14$ for
# every $x$, so through $L$ sigmoid layers the activations' factors multiply to at most
# $4^{-L}$ (the weights aside): the first layers of a deep sigmoid network hardly learn.
# $\mathrm{ReLU}' = 1$ wherever the unit is active. $\tanh$ passes gradients through only
# *near 0*: $\tanh'(0) = 1$, but $\tanh'(x) \ge \frac12$ only for $|x| \le 0.88$ and
# $\tanh'(3) < 0.01$. A saturated tanh unit blocks the gradient like a sigmoid.

# %%
tanh_slope = grad(lambda v: v.tanh())
half = math.atanh(math.sqrt(0.5))  # 1 − tanh²x = ½  ⇔  tanh x = √½
print(
    f"tanh'(x) = ½: |x| = {half:.3f};  tanh'(2) = {tanh_slope(2.0):.4f}, "
    f"tanh'(3) = {tanh_slope(3.0):.4f}"
)
assert abs(tanh_slope(half) - 0.5) < 1e-12 and tanh_slope(3.0) < 0.01

# %% [markdown]
# Below: the same 6-hidden-layer network (width 8) with each activation, one backward pass
# of the MSE loss on 32 points, and the mean $|\partial J / \partial \theta|$ per layer. With
# Xavier initialisation the pre-activations stay near 0, where tanh's slope is close to 1.
# With every hidden bias raised by 2, the pre-activations sit near 2, where
# $\tanh' \approx 0.07$: the tanh units saturate and the gradient vanishes towards the
# first layer, faster than with sigmoid.

# %%
X, y = make_moons(32, noise=0.1, seed=0)


def gradient_per_layer(activation, bias_shift=0.0):
    model = MLP(2, [8] * 6 + [1], activation=activation, init="xavier", seed=0)
    for name, p in model.named_parameters():
        if name.endswith(".b") and not name.startswith("L7."):  # the hidden layers' biases
            p.data += bias_shift
    losses.mse([model(x) for x in X], y.astype(float)).backward()
    return [np.mean([abs(p.grad) for p in layer.parameters()]) for layer in model.layers]


first_over_last = {}
for label, activation, shift in (
    ("sigmoid", "sigmoid", 0.0),
    ("tanh", "tanh", 0.0),
    ("relu", "relu", 0.0),
    ("tanh, biases +2", "tanh", 2.0),
):
    per_layer = gradient_per_layer(activation, shift)
    first_over_last[label] = per_layer[0] / per_layer[-1]
    shown = tr(label, label.replace("biases", "편향"))
    print(f"{shown:>16}: " + "  ".join(f"{g:.1e}" for g in per_layer))
ratios = {tr(k, k.replace("biases", "편향")): f"{r:.0e}" for k, r in first_over_last.items()}
print(ratios, tr("(first layer / last)", "(첫 층 / 마지막 층)"))
assert first_over_last["sigmoid"] < 1e-2
assert first_over_last["tanh"] > 0.1 and first_over_last["relu"] > 0.1
assert first_over_last["tanh, biases +2"] < first_over_last["sigmoid"]  # saturated: vanishes

# %% [markdown]
# ## Dead ReLUs
#
# Beyond the notes, and the reason Leaky ReLU (in the notes' list) exists.
#
# ReLU has the opposite problem on its other side: if a neuron's pre-activation
# $w \cdot x + b$ is negative for every training input, its output and the gradients of its
# weights and bias are exactly zero on all of them. As long as its inputs stay the same,
# no gradient step moves it: the neuron is *dead*. A large negative bias (e.g. after a
# too-large step) is enough. It can come back only when its inputs change: new data, or,
# deeper in a network, earlier layers that keep learning and shift what it sees. Leaky ReLU
# keeps a small slope $a$, so its gradient never vanishes.

# %%
X, _ = make_moons(50, noise=0.1, seed=0)


def train_neuron(activation, inputs, steps=50, lr=0.1):
    """Gradient descent on the MSE of one neuron towards target 1; returns its parameters."""
    neuron = Neuron(2, activation, rng=0)
    neuron.b.data = -5.0  # pushed far negative
    for _ in range(steps):
        neuron.zero_grad()
        losses.mse([neuron(x) for x in inputs], [1.0] * len(inputs)).backward()
        for p in neuron.parameters():
            p.data -= lr * p.grad
    return [p.data for p in neuron.parameters()]


start = [p.data for p in Neuron(2, "relu", rng=0).parameters()][:-1] + [-5.0]
pre = [start[-1] + np.dot(start[:-1], x) for x in X]
assert max(pre) < 0  # inactive on every training input
dead = train_neuron("relu", X)
leaky = train_neuron("leaky_relu", X)
shifted = train_neuron("relu", X + [8.0, -8.0])  # the same neuron, its inputs moved
for label, params in (
    (tr("start", "시작"), start),
    (tr("ReLU, same inputs", "ReLU, 같은 입력"), dead),
    (tr("leaky ReLU", "Leaky ReLU"), leaky),
    (tr("ReLU, moved inputs", "ReLU, 옮긴 입력"), shifted),
):
    print(f"{label:<20}", np.round(params, 4))
assert dead == start  # 50 steps, not one change: dead
assert all(abs(a - b) > 1e-4 for a, b in zip(leaky, start, strict=True))  # slow, but alive
assert abs(shifted[-1] - start[-1]) > 0.1  # new inputs reach it: it learns again

# %% [markdown]
# ## Takeaways
#
# - Each activation enters backprop only through its local derivative $f'$, checked here
#   against central differences.
# - Sigmoid's $f' \le \tfrac14$ makes gradients vanish with depth; tanh passes them only
#   while its inputs stay near 0; ReLU passes them unchanged when active.
# - A ReLU that is inactive on every input gets no gradient and stays put for as long as
#   its inputs do; Leaky ReLU keeps a small slope.
