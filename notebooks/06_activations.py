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
# backpropagation every activation contributes its derivative $f'$ as a local gradient, so
# the shape of $f'$ decides how well gradients flow.

# %%
# %matplotlib inline
import numpy as np

from microgradx import MLP, Neuron, Value, losses
from microgradx.data import make_moons, make_regression
from microgradx.functional import grad
from microgradx.viz import plot_activations

# %% [markdown]
# ## Four activations and their derivatives
#
# | | $f(x)$ | $f'(x)$ |
# |---|---|---|
# | sigmoid | $\sigma(x) = \dfrac{1}{1 + e^{-x}}$ | $\sigma(x)\,(1 - \sigma(x))$ |
# | tanh | $\dfrac{e^x - e^{-x}}{e^x + e^{-x}}$ | $1 - \tanh^2 x$ |
# | ReLU | $\max(0, x)$ | $1$ if $x > 0$, else $0$ |
# | Leaky ReLU | $x$ if $x > 0$, else $\alpha x$ | $1$ if $x > 0$, else $\alpha$ |
#
# The derivatives are written in terms of the output $f(x)$ where possible: that is how the
# rule table stores them, since the forward pass already computed $f(x)$. The dashed curves
# below are the derivatives as `backward()` computes them ($\alpha = 0.1$ is drawn so the
# leaky slope is visible; the lecture notes and PyTorch use $\alpha = 0.01$).

# %%
plot_activations(("sigmoid", "tanh", "relu", "leaky_relu"))

# %% [markdown]
# Check every formula of the table against autodiff on a grid (an even number of points
# never lands exactly on the kink at 0):

# %%
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

# %% [markdown]
# ## Vanishing gradients
#
# Backpropagation multiplies one local gradient per layer. $\sigma'(x) \le \tfrac14$ for
# every $x$, so through $L$ sigmoid layers the activations' factors multiply to at most
# $4^{-L}$ (the weights aside): the first layers of a deep sigmoid network hardly learn.
# $\tanh'(0) = 1$ and $\mathrm{ReLU}' = 1$ on its active side, so they pass gradients
# through.
#
# Below: the same 6-hidden-layer network (width 8, Xavier initialisation) with each
# activation, one backward pass of the MSE loss on 32 points, and the mean $|\partial J /
# \partial \theta|$ per layer.

# %%
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

# %% [markdown]
# ## Dead ReLUs
#
# ReLU has the opposite problem on its other side: if a neuron's pre-activation
# $w \cdot x + b$ is negative for every training input, its output and its gradient are
# zero everywhere. No update ever moves it again: the neuron is *dead*. A large negative bias
# (e.g. after a too-large gradient step) is enough. Leaky ReLU keeps a small slope $\alpha$,
# so the gradient never vanishes entirely.

# %%
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

# %% [markdown]
# ## A 2-layer ReLU network, back-propagated by hand
#
# The network of the lecture notes, for one sample $x = (x_1, \dots, x_n)$:
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
print("ReLU'(n) per sample and hidden unit:\n", (n1 > 0).astype(int))
assert 0 < (n1 > 0).mean() < 1  # some units off for some samples: ReLU' matters

# %% [markdown]
# Now let autodiff do it, and compare number by number:

# %%
loss = losses.mse([model(x) for x in X], t)
model.zero_grad()
loss.backward()
assert abs(loss.data - J) < 1e-12
print(f"{'parameter':<10} {'by hand':>12} {'backward()':>12}")
for name, p in model.named_parameters():
    print(f"{name:<10} {hand[name]:>12.6f} {p.grad:>12.6f}")
    assert abs(p.grad - hand[name]) < 1e-9, name
assert len(hand) == model.num_parameters()

# %% [markdown]
# ## Takeaways
#
# - Each activation enters backprop only through its local derivative $f'$.
# - Sigmoid's $f' \le \tfrac14$ makes gradients vanish with depth; ReLU passes them
#   unchanged when active but dies when never active; Leaky ReLU keeps a small slope.
# - The hand-derived equations for a 2-layer ReLU network are exactly what `backward()`
#   computes: the shared factor $\delta$ is the gradient stored at a hidden node.
