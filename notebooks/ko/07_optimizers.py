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
# # 7 · Optimizers: SGD, Momentum, AdaGrad, RMSProp, Adam
#
# Plain gradient descent takes the same step size $\alpha$ in every direction. Its
# variants, the first-order methods the notes list, change the step using the gradients
# seen so far. For each parameter $\theta$ with gradient $g$ at step $t = 1, 2, \dots$
# (every state starts at 0):
#
# - **SGD**: $\theta \leftarrow \theta - \alpha g$.
# - **Momentum** ($\mu = 0.9$): $v \leftarrow \mu v + g$, $\ \theta \leftarrow \theta - \alpha v$.
# - **AdaGrad** ($\epsilon = 10^{-10}$): $s \leftarrow s + g^2$,
#   $\ \theta \leftarrow \theta - \alpha g/(\sqrt s + \epsilon)$.
# - **RMSProp** ($\rho = 0.99$, $\epsilon = 10^{-8}$): $s \leftarrow \rho s + (1 - \rho) g^2$,
#   $\ \theta \leftarrow \theta - \alpha g/(\sqrt s + \epsilon)$.
# - **Adam** ($\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$):
#   $m \leftarrow \beta_1 m + (1 - \beta_1) g$, $\ s \leftarrow \beta_2 s + (1 - \beta_2) g^2$,
#   $\ \theta \leftarrow \theta - \alpha\,\hat m / (\sqrt{\hat s} + \epsilon)$.
#
# Momentum accumulates a velocity: steps that agree add up, steps that zig-zag cancel.
# AdaGrad and RMSProp divide each parameter's step by a running size of its gradients, so
# parameters with small gradients get relatively larger steps; AdaGrad's sum only grows (its
# steps shrink for ever), RMSProp's average forgets. Adam combines a momentum-like average
# $m$ with an RMSProp-like $s$, both *bias-corrected* (below). These are `torch.optim`'s
# formulas and defaults ($\epsilon$ is added outside the square root, RMSProp's $\rho$ is
# called `alpha` there and here); microgradx's optimizers say which they use:

# %%
# %matplotlib inline
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx import MLP, Adam, Value
from microgradx.data import make_moons, train_val_test_split
from microgradx.train import OPTIMIZERS, evaluate, fit
from microgradx.viz import plot_decision_boundary, plot_paths

NAMES = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
for name in NAMES:
    optimizer = OPTIMIZERS[name]([Value(0.0)], lr=0.1)
    print(f"{type(optimizer).__name__:>8}: {optimizer.hyperparameters()}")
stated = {
    "momentum": {"momentum": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"betas": [0.9, 0.999], "eps": 1e-8},
}
for name, values in stated.items():
    used = OPTIMIZERS[name]([Value(0.0)], lr=0.1).hyperparameters()
    assert all(used[key] == value for key, value in values.items()), name

# %% [markdown]
# ## Adam's bias correction
#
# $m$ and $s$ start at 0, so early on they are biased towards 0: with a constant gradient
# $g$, $m_t = (1 - \beta_1)(g + \beta_1 g + \dots + \beta_1^{t-1} g) = (1 - \beta_1^t)\, g$,
# only $0.1\,g$ after the first step. Adam divides the bias out:
#
# $$\hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat s_t = \frac{s_t}{1 - \beta_2^t},
# \qquad \theta \leftarrow \theta - \alpha \frac{\hat m_t}{\sqrt{\hat s_t} + \epsilon}.$$
#
# With the correction, the very first step is $\alpha\, g / (|g| + \epsilon) \approx \alpha$
# in the direction of $-g$, whatever the size of $g$. Without it the step would be
# $\alpha (1 - \beta_1) / \sqrt{1 - \beta_2} \approx 3.16\,\alpha$.

# %%
beta1, beta2, eps = 0.9, 0.999, 1e-8
g = 6.0  # a constant gradient
m, ts = 0.0, np.arange(1, 11)
for t in ts:
    m = beta1 * m + (1 - beta1) * g
    assert abs(m - (1 - beta1**t) * g) < 1e-12  # biased towards 0 …
    assert abs(m / (1 - beta1**t) - g) < 1e-12  # … and exactly g once corrected
print(f"after 10 steps m = {m:.3f}, m̂ = {m / (1 - beta1**10):.3f}, g = {g}")

for size in (0.001, 6.0, 1000.0):
    x = Value(size / 2)  # loss x², gradient g = 2x = size
    optimizer = Adam([x], lr=0.1)
    (x * x).backward()
    optimizer.step()
    moved = size / 2 - x.data
    uncorrected = 0.1 * (1 - beta1) * size / (math.sqrt((1 - beta2) * size**2) + eps)
    print(f"g = {size:>7}: first Adam step {moved:.6f}, without correction {uncorrected:.4f}")
    assert abs(moved - 0.1 * size / (size + eps)) < 1e-12
    assert abs(uncorrected / moved / ((1 - beta1) / math.sqrt(1 - beta2)) - 1) < 1e-3

# %% [markdown]
# ## Five optimizers in the curved valley
#
# The valley of notebook 8, $f(x, y) = (1 - x)^2 + 5\,(y - x^2)^2$ with its minimum at
# $(1, 1)$, started at $(-1, 1.5)$. Each optimizer gets 300 steps and the learning rate
# (from a small grid) that brings it lowest: an optimizer is only as good as its learning
# rate. Even tuned, plain SGD is still creeping along the flat valley floor after 300 steps,
# far behind the best.


# %%
def valley(x, y):
    return (1 - x) ** 2 + 5 * (y - x * x) ** 2


def valley_path(name, lr, steps=300):
    """The optimizer's path from (−1, 1.5), or None if it diverges."""
    x, y = Value(-1.0), Value(1.5)
    optimizer = OPTIMIZERS[name]([x, y], lr=lr)
    path = [(x.data, y.data)]
    for _ in range(steps):
        optimizer.zero_grad()
        try:
            valley(x, y).backward()
        except OverflowError:  # a Value never holds inf: the step size was too large
            return None
        optimizer.step()
        path.append((x.data, y.data))
    return np.array(path)


grid = (0.003, 0.01, 0.03, 0.1, 0.3)
best_paths, best_lr = {}, {}
for name in NAMES:
    tried = {lr: valley_path(name, lr) for lr in grid}
    converging = {lr: p for lr, p in tried.items() if p is not None and np.abs(p).max() < 10}
    best_lr[name] = min(converging, key=lambda lr: valley(*converging[lr][-1]))
    best_paths[name] = converging[best_lr[name]]
    f_end = valley(*best_paths[name][-1])
    print(f"{name:>8}: α = {best_lr[name]:<5} f after 300 steps {f_end:.2e}")
final = {name: valley(*path[-1]) for name, path in best_paths.items()}
assert min(final.values()) < 1e-3  # someone gets there …
assert final["sgd"] > 1000 * min(final.values())  # … plain SGD, tuned, is far behind

labels = {
    f"{type(OPTIMIZERS[n]([Value(0.0)], lr=1.0)).__name__} (α = {best_lr[n]})": p
    for n, p in best_paths.items()
}
fig = plot_paths(valley, labels, xlim=(-1.6, 1.6), ylim=(-0.7, 2.8))
ax = fig.axes[0]
ax.plot(1, 1, "*", color="#16a34a", markersize=16, mec="white", zorder=5, label="minimum (1, 1)")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
fig.set_size_inches(9.6, 4.8)
fig

# %% [markdown]
# ## A fair comparison on a network
#
# Comparing optimizers each at one "usual" learning rate compares the learning rates as
# much as the methods. A fair comparison sweeps the learning rate for every optimizer,
# repeats each setting over several seeds (the seed fixes the initial weights and the
# order of the mini-batches), and compares each optimizer *at its best* learning rate.
#
# The task: an MLP 2-8-8-1 on the two moons, binary cross-entropy, mini-batches of 30,
# 20 epochs; four learning rates a factor of ~3 apart per optimizer, 3 seeds. The score is
# the training loss over the last epoch (this compares how well each *optimizes*; choosing
# a model is the validation set's job, below).

# %%
X, y = make_moons(150, noise=0.15, seed=0)
(X_train, y_train), (X_val, y_val), (X_test, y_test) = train_val_test_split(
    X, y, fractions=(0.6, 0.2, 0.2), seed=0
)
sweep = {
    "sgd": (0.1, 0.3, 1.0, 3.0),
    "momentum": (0.03, 0.1, 0.3, 1.0),
    "adagrad": (0.1, 0.3, 1.0, 3.0),
    "rmsprop": (0.003, 0.01, 0.03, 0.1),
    "adam": (0.01, 0.03, 0.1, 0.3),
}
seeds = (0, 1, 2)
final_loss = {}  # (optimizer, lr) → one final loss per seed
for name, lrs in sweep.items():
    for lr in lrs:
        final_loss[name, lr] = np.array(
            [
                fit(
                    MLP(2, [8, 8, 1], seed=seed),
                    X_train,
                    y_train,
                    loss="bce",
                    optimizer=name,
                    lr=lr,
                    epochs=20,
                    batch_size=30,
                    seed=seed,
                    progress=False,
                    compiled=True,
                ).train_loss[-1]
                for seed in seeds
            ]
        )
mean_loss = {key: losses.mean() for key, losses in final_loss.items()}
best = {name: min(lrs, key=lambda lr: mean_loss[name, lr]) for name, lrs in sweep.items()}
print("final training loss (mean of 3 seeds) at each learning rate")
for name, lrs in sweep.items():
    cells = " ".join(f"{lr:>5g}: {mean_loss[name, lr]:.3f}" for lr in lrs)
    print(f"{name:>9} {cells}   {best[name]:g}")
for name, lrs in sweep.items():
    assert best[name] not in (lrs[0], lrs[-1]), name  # the best rate lies inside the grid

# %% [markdown]
# Loss against learning rate, one curve per optimizer (the band spans the three seeds):

# %%
fig = Figure(figsize=(6.8, 4.0), layout="constrained")
ax = fig.subplots()
for name, lrs in sweep.items():
    runs = np.array([final_loss[name, lr] for lr in lrs])
    (line,) = ax.plot(lrs, runs.mean(axis=1), "o-", label=name)
    ax.fill_between(lrs, runs.min(axis=1), runs.max(axis=1), color=line.get_color(), alpha=0.15)
ax.set(xscale="log", yscale="log", xlabel="learning rate α", ylabel="training loss after 20 epochs")
ax.set_title("every optimizer has its own good learning rate")
ax.legend(frameon=False)
fig

# %% [markdown]
# Every curve is a valley: too small a rate learns slowly, too large a rate overshoots
# (notebook 3), and where the bottom lies differs from optimizer to optimizer by more than
# a factor of 10. A ranking at fixed learning rates therefore ranks the learning rates as
# much as the methods: plain SGD at its best rate beats Adam at 0.01 (the rate `fit` uses
# by default), while Adam at its own best rate beats SGD at every rate we tried. And even
# at the best rates the order is not the same on every seed: differences this small need
# several seeds before they mean anything.

# %%
at_best = {name: mean_loss[name, best[name]] for name in sweep}
print("at the best learning rate:", ", ".join(f"{n} {v:.3f}" for n, v in at_best.items()))
assert max(best.values()) / min(best.values()) > 10  # the good rates differ a lot
assert at_best["sgd"] < mean_loss["adam", 0.01]  # SGD, tuned, beats Adam at 0.01 …
assert at_best["adam"] < min(mean_loss["sgd", lr] for lr in sweep["sgd"])  # … tuned Adam wins
ranking_per_seed = [
    tuple(sorted(sweep, key=lambda name: final_loss[name, best[name]][k]))
    for k in range(len(seeds))
]
for seed, ranking in zip(seeds, ranking_per_seed, strict=True):
    print(f"seed {seed}, best first: " + " < ".join(ranking))
assert len(set(ranking_per_seed)) > 1  # the order changes with the seed

# %% [markdown]
# ## Choosing a model with the validation set, reporting the test set once
#
# Train each optimizer at its best learning rate once more and measure each model on the
# validation set; keep the best, and only then measure the test set.

# %%
candidates = {}
for name in sweep:
    model = MLP(2, [8, 8, 1], seed=0)
    fit(
        model,
        X_train,
        y_train,
        loss="bce",
        optimizer=name,
        lr=best[name],
        epochs=20,
        batch_size=30,
        seed=0,
        progress=False,
        compiled=True,
    )
    candidates[name] = (model, evaluate(model, X_val, y_val, loss="bce")[0])
    print(f"{name:>8} (α = {best[name]:g}): validation loss {candidates[name][1]:.3f}")
chosen = min(candidates, key=lambda name: candidates[name][1])
model = candidates[chosen][0]
test_loss, test_accuracy = evaluate(model, X_test, y_test, loss="bce")
print(f"chosen: {chosen}; test (measured once): loss {test_loss:.3f}, accuracy {test_accuracy:.1%}")
assert test_accuracy >= 0.9

# %% [markdown]
# The decision boundary, drawn with the test points, so the accuracy in its title is the
# test accuracy:

# %%
fig = plot_decision_boundary(model, X_test, y_test, points="test")
assert f"accuracy {test_accuracy:.1%}" in fig.axes[0].get_title()
assert "test" in fig.axes[0].get_title()
fig

# %% [markdown]
# ## Takeaways
#
# - Momentum averages gradients; AdaGrad and RMSProp scale each parameter's step by its
#   gradient history; Adam does both, with a bias correction that makes its first steps
#   about $\alpha$ long.
# - Compare optimizers at their own best learning rates, over several seeds: the ranking at
#   fixed learning rates mostly ranks the learning rates.
# - Choose with the validation set; measure the test set once, at the end.
