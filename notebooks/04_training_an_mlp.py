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
# # 4 · Training an MLP
#
# Training is an optimisation problem: find the parameters $\theta$ that minimise a loss
# $J(\theta)$ measured on data. This notebook assembles the pieces (a loss, data split
# into training / validation / test sets, batches, an optimizer) and trains a small
# network on the two-moons data set.

# %%
# %matplotlib inline
from dataclasses import replace

import numpy as np

from microgradx import MLP, SGD, Value, losses
from microgradx.data import iterations_per_epoch, make_moons, train_val_test_split
from microgradx.train import DEFAULT_LR, OPTIMIZERS, evaluate, fit
from microgradx.viz import plot_decision_boundary, plot_history, plot_loss_curves

# %% [markdown]
# ## Loss functions
#
# **Regression: mean squared error.** Two conventions are common:
#
# $$J_{\text{MSE}} = \frac1n \sum_{i=1}^n (y_i - t_i)^2, \qquad
# J_{\frac12\text{SSE}} = \frac12 \sum_{i=1}^n (y_i - t_i)^2 .$$
#
# They have the same minimiser; they differ in the gradient's scale:
# $\partial J_{\text{MSE}} / \partial y_i = \frac2n (y_i - t_i)$ while the $\frac12$ is
# there so that $\partial J_{\frac12\text{SSE}} / \partial y_i = y_i - t_i$ exactly.

# %%
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

# %% [markdown]
# **Classification: information and cross-entropy.** The *self-information* of an event of
# probability $p$ is $I = -\log_2 p$ bits: rare events are surprising, certain ones carry
# no information. The *entropy* $H(p) = -\sum_x p(x) \log p(x)$ is the expected surprise;
# for a coin it peaks at 1 bit when both sides are equally likely.

# %%
assert abs(losses.self_information(0.5, base=2).data - 1.0) < 1e-12  # a fair coin flip
assert abs(losses.self_information(1 / 8, base=2).data - 3.0) < 1e-12  # 1 of 8 outcomes
coin = {p: losses.entropy(p, base=2).data for p in (0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99)}
print({p: round(h, 3) for p, h in coin.items()})
assert max(coin, key=coin.get) == 0.5 and abs(coin[0.5] - 1.0) < 1e-12
assert abs(coin[0.1] - coin[0.9]) < 1e-12  # symmetric


# %% [markdown]
# The *cross-entropy* $H(p, q) = -\sum_x p(x) \log q(x)$ measures the surprise when events
# drawn from $p$ are scored with a model's probabilities $q$. It is never below $H(p)$ and
# equals it only when $q = p$, which is why minimising it pulls $q$ towards the data.
# With a one-hot label $p$ (class $k$) it is $-\log q_k$, and with $q = \mathrm{softmax}(z)$
# its gradient with respect to the scores is the neat $\partial H / \partial z = q - p$.


# %%
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

# %% [markdown]
# For two classes the network outputs one score $z$, $q = \sigma(z)$, and the loss is the
# *binary* cross-entropy $-[t \log \sigma(z) + (1 - t)\log(1 - \sigma(z))]$, used below.
#
# ## Data: training, validation and test sets
#
# We observe a sample of the world and split it three ways: the **training** set fits the
# parameters, the **validation** set chooses settings (epochs, learning rate, optimizer)
# while we experiment, and the **test** set is looked at once, at the end, to estimate how
# the model does on data it has never influenced.

# %%
X, y = make_moons(150, noise=0.15, seed=0)
(X_train, y_train), (X_val, y_val), (X_test, y_test) = train_val_test_split(
    X, y, fractions=(0.6, 0.2, 0.2), seed=0
)
print(f"train {len(X_train)}, validation {len(X_val)}, test {len(X_test)}")
assert (len(X_train), len(X_val), len(X_test)) == (90, 30, 30)


def bce(model, X, y):
    return losses.binary_cross_entropy_with_logits([model(x) for x in X], y)


# %% [markdown]
# ## Gradient descent by hand
#
# The update rule is $\theta \leftarrow \theta - \alpha \, \partial J / \partial \theta$ with
# step size (learning rate) $\alpha$: a few lines of plain engine code. Here $J$ is computed
# on the whole training set at every step (*full-batch* gradient descent).

# %%
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

# %% [markdown]
# `microgradx.optim.SGD` is exactly this update (plus optional momentum and weight decay):

# %%
by_hand, by_optimizer = MLP(2, [8, 8, 1], seed=0), MLP(2, [8, 8, 1], seed=0)
opt = SGD(by_optimizer.parameters(), lr=alpha)
for m in (by_hand, by_optimizer):
    bce(m, X_train, y_train).backward()
for p in by_hand.parameters():
    p.data -= alpha * p.grad
opt.step()
assert by_hand.parameter_values() == by_optimizer.parameter_values()

# %% [markdown]
# ## Batch, epoch, iteration
#
# Computing $J$ on all data for every step is slow for a large data set, so each step
# uses a random **batch** of the training data:
#
# - **batch size** $B$: samples per gradient. $B = N$ is full batch, $B = 1$ is
#   *stochastic* gradient descent, anything between is a **mini-batch**;
# - **iteration**: one parameter update, from one batch;
# - **epoch**: one pass over the whole training set, $\lceil N / B \rceil$ iterations.

# %%
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

# %% [markdown]
# In the same 8 epochs (the same amount of computation), full batch made 8 updates and
# SGD made 720: small batches learn faster per epoch. The price is noise. A mini-batch
# gradient is an average of $B$ per-sample gradients, so if per-sample gradients have
# standard deviation $\sigma$, the mini-batch estimate has standard deviation
#
# $$\sigma_B = \frac{\sigma}{\sqrt{B}} .$$
#
# A 100× larger batch costs 100× the computation but only reduces the noise 10×, which is
# why most training uses modest mini-batches. Let us measure it: the gradient of a mean
# loss is the mean of per-sample gradients, so we compute each sample's gradient once
# and then draw many random mini-batches.

# %%
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

# %% [markdown]
# ## Optimizers
#
# Plain SGD takes the same step size in every direction. Its variants adapt it:
#
# For each parameter $\theta$ with gradient $g$:
#
# - **SGD**: $\theta \leftarrow \theta - \alpha g$
# - **Momentum**: $v \leftarrow \mu v + g$, $\ \theta \leftarrow \theta - \alpha v$
# - **AdaGrad**: $s \leftarrow s + g^2$,
#   $\ \theta \leftarrow \theta - \alpha g/(\sqrt{s} + \epsilon)$
# - **RMSProp**: $s \leftarrow \rho s + (1 - \rho) g^2$,
#   $\ \theta \leftarrow \theta - \alpha g/(\sqrt{s} + \epsilon)$
# - **Adam**: $m \leftarrow \beta_1 m + (1 - \beta_1) g$,
#   $\ s \leftarrow \beta_2 s + (1 - \beta_2) g^2$,
#   $\ \theta \leftarrow \theta - \alpha \hat m/(\sqrt{\hat s} + \epsilon)$
#
# Momentum accumulates a velocity that smooths the zig-zag of noisy gradients; AdaGrad and
# RMSProp divide by a running size of the gradient, so rarely-moving parameters get larger
# steps; Adam combines both (with bias-corrected averages $\hat m$, $\hat s$). Each gets its
# usual learning rate, the same network, data and batches:

# %%
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

# %%
curves = {
    f"{OPTIMIZERS[name].__name__} (α = {DEFAULT_LR[name]:g})": history.train_loss
    for name, history in results.items()
}
plot_loss_curves(curves, title="training loss, MLP 2-8-8-1, batch 10", xlabel="epoch")

# %% [markdown]
# Every method beats plain SGD here. AdaGrad and RMSProp start out almost identical: with
# $\rho = 0.99$, RMSProp's $s$ is about $(1 - \rho)\sum g^2$ during its first few dozen
# steps, AdaGrad's $s$ times $0.01$, so its step $\alpha g / \sqrt{s}$ with $\alpha = 0.01$
# equals AdaGrad's with $\alpha = 0.1$. They part ways once RMSProp starts forgetting old
# gradients, which keeps its steps from shrinking forever as AdaGrad's do.

# %% [markdown]
# ## The final model and its decision boundary
#
# A wider network trained with Adam. We watch the validation loss while training, and
# measure the test set once at the end. The boundary is drawn over all 150 points.

# %%
model = MLP(2, [16, 16, 1], seed=1)
settings = dict(loss="bce", optimizer="adam", lr=0.02, epochs=30, batch_size=10)
history = fit(model, X_train, y_train, **settings, val=(X_val, y_val), progress=False)
test_loss, test_accuracy = evaluate(model, X_test, y_test, loss="bce")
val_accuracy = history.val_accuracy[-1]
print(f"{history.epochs} epochs = {history.iterations} iterations")
print(f"validation accuracy {val_accuracy:.2f}, test accuracy {test_accuracy:.2f}")
assert val_accuracy >= 0.9 and test_accuracy >= 0.9
plot_history(replace(history, seconds=0.0))  # no wall-clock time: it differs on every run

# %%
plot_decision_boundary(model, X, y)

# %% [markdown]
# ## Takeaways
#
# - A loss turns "good predictions" into a number; MSE for regression, cross-entropy for
#   classification (the surprise of the true labels under the model).
# - One iteration: a batch, a forward pass, `backward()`, an optimizer step. One epoch: a
#   pass over the training data.
# - Mini-batch gradients are noisy estimates with noise $\sigma/\sqrt{B}$; adaptive
#   optimizers rescale the step per parameter.
# - Choose with validation data; report the test set once.
