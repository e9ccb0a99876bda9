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
# # 3 · Gradient descent
#
# 📖 Note 000/001 · 경사하강법 (gradient descent) · Note 002 · 경사 하강법 (Gradient Descent, GD) ·
# Note 003 · Gradient Descent: Parameter Update
#
# The gradient points uphill (notebook 2), so step the other way. **Gradient descent**
# repeats
#
# $$\theta_{k+1} = \theta_k - \alpha\, \nabla J(\theta_k)$$
#
# with a step size, the **learning rate** $\alpha$ (the notes write $\eta$ in 000/001 and
# $\alpha$ in 003; notebook 1's notation map). Note 002 lists the steps: initialise the
# parameters (초기화), compute the loss and its derivative on the training set, update, and
# repeat until a stopping condition (종료 조건) holds. Where the derivative is negative,
# $\theta$ grows; where it is positive, $\theta$ shrinks; where it is 0, $\theta$ stops.
# This notebook looks at what the learning rate does, where descent can get stuck, how the
# noise of *stochastic* gradient descent helps, and how a learning-rate schedule calms it
# down at the end.

# %%
# %matplotlib inline

# %%
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx import SGD, Value
from microgradx.course import setup_figures, tr
from microgradx.numeric import central_difference
from microgradx.optim import cosine_decay, step_decay
from microgradx.viz import plot_paths

setup_figures()

# %% [markdown]
# ## The learning rate: too small, right, too large
#
# 📖 Note 002 · 경사 하강법의 한계 및 해결방안: ② Learning Step을 바꾼다
#
# On the parabola $J(\theta) = \theta^2$, $J'(\theta) = 2\theta$ and one step gives
# $\theta_{k+1} = \theta_k - 2\alpha\theta_k = (1 - 2\alpha)\,\theta_k$, so
# $\theta_k = (1 - 2\alpha)^k \theta_0$. Descent converges exactly when
# $|1 - 2\alpha| < 1$, i.e. $0 < \alpha < 1$ (for $J = \frac a2\theta^2$ the bound is
# $\alpha < 2/a$: the more curved the loss, the smaller the step must be). At $\alpha =
# 0.5$ it lands on the minimum in one step; below, it crawls; between $0.5$ and $1$ it
# overshoots and zig-zags in; above $1$ each overshoot is larger than the last.


# %%
def descend(derivative, theta0, alpha, steps):
    thetas = [theta0]
    for _ in range(steps):
        thetas.append(thetas[-1] - alpha * derivative(thetas[-1]))
    return np.array(thetas)


theta0, steps = 4.0, 12
rates = {"too small": 0.03, "right": 0.4, "overshooting": 0.85, "too large": 1.05}
paths = {name: descend(lambda t: 2 * t, theta0, alpha, steps) for name, alpha in rates.items()}
for name, alpha in rates.items():
    predicted = (1 - 2 * alpha) ** np.arange(steps + 1) * theta0
    assert np.allclose(paths[name], predicted, rtol=1e-12, atol=0)
    label = tr(
        f"{name:>12}",
        {
            "too small": "너무 작다",
            "right": "알맞다",
            "overshooting": "지나친다",
            "too large": "너무 크다",
        }[name],
    )
    print(f"{label} (α = {alpha}): θ_{steps} = {paths[name][-1]:+.4g}")
assert abs(paths["too small"][-1]) > 0.4 * theta0  # crawls
assert abs(paths["right"][-1]) < 1e-6  # there
assert np.all(np.diff(np.sign(paths["overshooting"])) != 0)  # flips sign every step …
assert abs(paths["overshooting"][-1]) < 0.2  # … and still converges
assert abs(paths["too large"][-1]) > theta0  # diverges

fig = Figure(figsize=(12.0, 3.2), layout="constrained")
grid = np.linspace(-6, 6, 200)
for ax, (name, path) in zip(fig.subplots(1, 4, sharey=True), paths.items(), strict=True):
    ax.plot(grid, grid**2, color="#cbd5e1")
    ax.plot(path, path**2, "o-", markersize=3, linewidth=1)
    ax.plot(path[0], path[0] ** 2, "s", color="black")
    title = {
        "too small": tr("too small", "너무 작다"),
        "right": tr("right", "알맞다"),
        "overshooting": tr("overshooting", "지나친다"),
        "too large": tr("too large", "너무 크다"),
    }[name]
    ax.set(title=f"{title}: α = {rates[name]}", xlabel="θ", xlim=(-6, 6), ylim=(-1, 36))
fig.axes[0].set_ylabel("J(θ) = θ²")
fig

# %% [markdown]
# ## Where gradient descent gets stuck
#
# 📖 Note 002 · 경사 하강법의 한계 및 해결방안 (지역 최솟값, 평탄한 지역)
#
# Gradient descent only looks at the local slope, so anywhere the slope vanishes it stops,
# or nearly stops:
#
# - a **local minimum** (지역 최솟값): lower than its neighbours, but not the lowest point;
# - a **plateau** (평탄한 지역, note 002's word): the loss is flat over a wide region, the
#   slope tiny, progress slow;
# - a **saddle point** (안장점): a minimum along some directions, a maximum along others.
#
# A local minimum: $J(\theta) = \theta^4 - 3\theta^2 + \theta$ has two valleys, the deeper
# one on the left. Started at $\theta_0 = 2$, descent rolls into the right one and stays.
# Every step uses the slope from a central difference (notebook 2).


# %%
def J(theta):
    return theta**4 - 3 * theta**2 + theta


def dJ(theta):
    return central_difference(J, theta, h=1e-6)


stuck = descend(dJ, 2.0, 0.02, 300)[-1]
global_min = descend(dJ, -2.0, 0.02, 300)[-1]
print(
    tr(
        f"from θ = 2: θ = {stuck:.4f}, J = {J(stuck):.3f};  "
        f"the global minimum θ = {global_min:.4f}, J = {J(global_min):.3f}",
        f"θ = 2에서 출발: θ = {stuck:.4f}, J = {J(stuck):.3f};  "
        f"전역 최솟값 θ = {global_min:.4f}, J = {J(global_min):.3f}",
    )
)
assert abs(dJ(stuck)) < 1e-6 and abs(dJ(global_min)) < 1e-6  # both are flat points …
assert J(stuck) > J(global_min) + 2  # … but the one we reached is 2.4 higher

# %% [markdown]
# A plateau: $J(\theta) = 1 - e^{-\theta^2}$ has its minimum at 0, but at $\theta = 3$ the
# slope is $6e^{-9} \approx 7\cdot10^{-4}$. A hundred steps at $\alpha = 0.5$ barely move.


# %%
def plateau(theta):
    return 1 - math.exp(-(theta**2))


crawl = descend(lambda t: central_difference(plateau, t, h=1e-6), 3.0, 0.5, 100)
print(tr("100 steps on the plateau:", "평탄한 지역에서 100걸음:"), f"θ = 3 → {crawl[-1]:.4f}")
assert 3.0 - crawl[-1] < 0.1 and plateau(crawl[-1]) > 0.99

# %% [markdown]
# A saddle: $J(x, y) = x^2 + \frac{y^4}{4} - y^2$ has a saddle at $(0, 0)$ (a minimum along
# $x$, a maximum along $y$) and its minima at $(0, \pm\sqrt2)$. Gradient $\nabla J = (2x,\
# y^3 - 2y)$. Started exactly on the ridge line $y = 0$, descent converges to the saddle and
# reports a zero gradient; started $10^{-6}$ off it, it lingers there for dozens of steps
# before the tiny $y$ grows enough to roll off.


# %%
def saddle(x, y):
    return x**2 + y**4 / 4 - y**2


def saddle_gradient(p):
    x, y = p
    return np.array([2 * x, y**3 - 2 * y])


def descend_2d(start, alpha=0.1, steps=120, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    path = [np.array(start, dtype=float)]
    for _ in range(steps):
        g = saddle_gradient(path[-1]) + noise * rng.normal(size=2)
        path.append(path[-1] - alpha * g)
    return np.array(path)


on_ridge = descend_2d((1.5, 0.0))
near_ridge = descend_2d((1.5, 1e-6))
noisy = descend_2d((1.5, 0.0), noise=0.05)


def steps_near_saddle(path):
    return int(np.sum(np.linalg.norm(path, axis=1) < 0.1))


names = {
    "on the ridge": tr("on the ridge", "능선 위에서"),
    "1e-6 off": tr("10⁻⁶ off the ridge", "능선에서 10⁻⁶ 떨어져"),
    "noisy": tr("with gradient noise", "기울기에 잡음을 더해"),
}
for name, path in (("on the ridge", on_ridge), ("1e-6 off", near_ridge), ("noisy", noisy)):
    print(
        tr(
            f"{names[name]:>19}: ends at {np.round(path[-1], 4)}, "
            f"{steps_near_saddle(path):>3} steps within 0.1 of the saddle",
            f"{names[name]}: 끝 {np.round(path[-1], 4)}, "
            f"안장점에서 0.1 안에 {steps_near_saddle(path):>3}걸음",
        )
    )
assert np.allclose(on_ridge[-1], 0, atol=1e-8)  # stuck on the saddle forever: ∇J = 0 there
assert np.allclose(np.abs(near_ridge[-1]), [0, math.sqrt(2)], atol=1e-3)  # escapes, late
assert steps_near_saddle(near_ridge) > 40
assert np.allclose(np.abs(noisy[-1]), [0, math.sqrt(2)], atol=0.05)  # noise kicks it off
assert steps_near_saddle(noisy) < steps_near_saddle(near_ridge) / 2

fig = plot_paths(
    saddle,
    {names["on the ridge"]: on_ridge, names["1e-6 off"]: near_ridge, names["noisy"]: noisy},
    xlim=(-1.8, 1.8),
    ylim=(-2.0, 2.0),
)
ax = fig.axes[0]
minima = tr("minima", "최솟값")
ax.plot([0, 0], [-math.sqrt(2), math.sqrt(2)], "*", color="#16a34a", markersize=14, label=minima)
ax.plot(0, 0, "x", color="#dc2626", markersize=10, mew=2, label=tr("saddle", "안장점"))
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
fig.set_size_inches(8.8, 4.6)
fig

# %% [markdown]
# Near the saddle the gradient is tiny, so a stopping condition such as "stop when
# $\lVert\nabla J\rVert$ < tolerance" can stop at the saddle and report it as the
# answer. Whether it does depends on the tolerance, measured below for the run started
# $10^{-6}$ off the ridge: where does each tolerance first stop it?

# %%
norms = {
    name: np.array([np.linalg.norm(saddle_gradient(p)) for p in path])
    for name, path in (
        ("on the ridge", on_ridge),
        ("1e-6 off", near_ridge),
        ("noisy", noisy),
    )
}
first_stop = {}
for tol in (1e-2, 1e-3):
    k = int(np.flatnonzero(norms["1e-6 off"] < tol)[0])
    first_stop[tol] = k
    where = near_ridge[k]
    print(
        tr(
            f"‖∇J‖ < {tol:g}: stops at step {k:>3}, at ({where[0]:.4f}, {where[1]:.4f}), "
            f"{np.linalg.norm(where):.4f} from the saddle",
            f"‖∇J‖ < {tol:g}: {k:>3}번째 걸음에서 ({where[0]:.4f}, {where[1]:.4f})에 멈춤, "
            f"안장점에서 {np.linalg.norm(where):.4f}",
        )
    )
assert np.linalg.norm(near_ridge[first_stop[1e-2]]) < 0.01  # 10⁻²: stops at the saddle
assert np.allclose(near_ridge[first_stop[1e-3]], [0, math.sqrt(2)], atol=1e-3)  # 10⁻³: minimum
assert norms["on the ridge"][-1] < 1e-8  # on the ridge every tolerance stops at the saddle

fig = Figure(figsize=(6.0, 3.2), layout="constrained")
ax = fig.subplots()
for name, values in norms.items():
    ax.semilogy(values, label=names[name])
for tol in first_stop:
    ax.axhline(tol, color="#94a3b8", linestyle=":")
ax.set(
    xlabel=tr("step", "단계"),
    ylabel="‖∇J‖",
    title=tr("the gradient vanishes at the saddle, too", "안장점에서도 기울기는 0에 가깝다"),
)
ax.legend(frameon=False)
fig

# %% [markdown]
# With $10^{-2}$ the run stops at step 26 beside the saddle; with $10^{-3}$ it first stops
# at step 94, at the minimum, because it had already left the saddle before its gradient
# got that small. On the ridge itself no tolerance helps: the gradient there goes to 0. A
# small gradient says the slope is flat, not that the point is a minimum.

# %% [markdown]
# ## How the noise of stochastic gradient descent helps
#
# 📖 Note 002 · 확률적 경사 하강법 (Stochastic Gradient Descent, SGD)
#
# In training, the loss is an average over samples, $J(\theta) = \frac1n\sum_i J_i(\theta)$,
# and **stochastic gradient descent** (SGD) steps along the gradient of one random sample
# (or a small batch) instead of the average. The notes put it this way: each step sees a
# slightly different loss surface, which can carry it out of a local minimum.
#
# Make the double-well loss above an average of per-sample losses
# $J_i(\theta) = \theta^4 - 3\theta^2 + a_i\theta$ whose $a_i$ scatter around $1$ (their mean
# is exactly 1, so $\frac1n\sum_i J_i = J$). Full-batch descent from $\theta = 2$ still
# stops in the shallow valley. SGD, with the learning rate decaying along a cosine so the
# late steps are small, ends in the deep valley on most runs. (`microgradx.SGD` does
# exactly the update $\theta \leftarrow \theta - \alpha \cdot$ `theta.grad`; notebook 7
# compares it with the other optimizers. Here the gradient is written by hand.)

# %%
rng = np.random.default_rng(0)
a = rng.normal(0, 6, size=200)
a += 1 - a.mean()  # mean exactly 1: the average loss is J


def sgd_run(seed, steps=500, lr0=0.05):
    pick = np.random.default_rng(seed)
    theta = Value(2.0)
    opt = SGD([theta], lr=cosine_decay(lr0, total_steps=steps))
    for _ in range(steps):
        a_i = a[pick.integers(len(a))]
        theta.grad = 4 * theta.data**3 - 6 * theta.data + a_i  # J_i'(θ) for one random sample
        opt.step()
    return theta.data


full_batch = descend(lambda t: 4 * t**3 - 6 * t + a.mean(), 2.0, 0.05, 500)[-1]
ends = np.array([sgd_run(seed) for seed in range(20)])
deep = np.mean(ends < 0)
print(
    tr(
        f"full batch ends at θ = {full_batch:.3f} (the shallow valley)",
        f"전체 배치는 θ = {full_batch:.3f}에서 끝남 (얕은 골짜기)",
    )
)
assert full_batch > 0
print(
    tr(
        f"SGD ends in the deep valley on {deep:.0%} of 20 runs:",
        f"SGD는 20번 중 {deep:.0%}가 깊은 골짜기에서 끝남:",
    ),
    np.round(ends, 2),
)
assert deep >= 0.75

# %% [markdown]
# ## Learning-rate schedules
#
# 📖 Note 002 · 경사 하강법의 한계 및 해결방안: ② Learning Step을 바꾼다 (the schedules
# themselves are the course's addition)
#
# A large step explores, a small step settles. A **schedule** makes the learning rate a
# function of the step number $t$; every optimizer in `microgradx` accepts one as `lr`.
# Two common ones:
#
# - `step_decay(α₀, drop, every)`:
#   $\alpha_t = \alpha_0 \cdot \text{drop}^{\lfloor t / \text{every}\rfloor}$;
# - `cosine_decay(α₀, T, α_min)`: $\alpha_t = \alpha_{\min} + (\alpha_0 - \alpha_{\min})
#   \frac{1 + \cos(\pi t / T)}{2}$, then $\alpha_{\min}$ after $T$ steps.

# %%
T = 500
schedules = {
    "step_decay(0.05, 0.5, 100)": step_decay(0.05, 0.5, every=100),
    "cosine_decay(0.05, 500)": cosine_decay(0.05, total_steps=T),
}
ts = np.arange(T + 50)
rates_t = {name: np.array([s(int(t)) for t in ts]) for name, s in schedules.items()}
step_rates, cosine_rates = rates_t.values()
assert np.allclose(step_rates, 0.05 * 0.5 ** (ts // 100), rtol=1e-12, atol=0)
assert cosine_rates[0] == 0.05 and abs(cosine_rates[T // 2] - 0.025) < 1e-12
assert abs(cosine_rates[T]) < 1e-15 and np.all(cosine_rates[T:] == cosine_rates[T])
assert np.all(np.diff(cosine_rates[: T + 1]) <= 0)  # never rises

fig = Figure(figsize=(6.0, 3.2), layout="constrained")
ax = fig.subplots()
for name, r in rates_t.items():
    ax.plot(ts, r, label=name, drawstyle="steps-post" if "step" in name else "default")
ax.set(
    xlabel=tr("step t", "단계 t"),
    ylabel=tr("learning rate αₜ", "학습률 αₜ"),
    title=tr("two learning-rate schedules", "두 가지 학습률 스케줄"),
)
ax.legend(frameon=False)
fig

# %% [markdown]
# The schedule is what lets SGD above settle. With the constant rate $\alpha = 0.05$ the
# same runs still jitter at the end; with the cosine schedule the last steps are tiny and
# the runs end close to the bottom of a valley.


# %%
def sgd_spread(lr, seeds=range(20), steps=500):
    ends = []
    for seed in seeds:
        pick = np.random.default_rng(seed)
        theta = Value(2.0)
        opt = SGD([theta], lr=lr)
        for _ in range(steps):
            theta.grad = 4 * theta.data**3 - 6 * theta.data + a[pick.integers(len(a))]
            opt.step()
        ends.append(theta.data)
    ends = np.array(ends)
    bottoms = np.where(ends < 0, global_min, stuck)  # the bottom of the valley each run is in
    return np.sqrt(np.mean((ends - bottoms) ** 2))


constant, scheduled = sgd_spread(0.05), sgd_spread(cosine_decay(0.05, total_steps=500))
print(
    tr(
        f"root-mean-square distance to the valley's bottom: constant α {constant:.3f}, "
        f"cosine schedule {scheduled:.3f}",
        f"골짜기 바닥까지의 제곱 평균 제곱근 거리: 고정 α {constant:.3f}, "
        f"코사인 스케줄 {scheduled:.3f}",
    )
)
assert scheduled < constant / 3

# %% [markdown]
# ## Takeaways
#
# - $\theta \leftarrow \theta - \alpha\nabla J$: too small a learning rate crawls, too large
#   overshoots and diverges; the curvature sets the limit ($\alpha < 2/a$ on $\frac a2
#   \theta^2$, notebook 8 generalises it with the Hessian).
# - The slope is 0 or nearly 0 at local minima, on plateaus and at saddle points: gradient
#   descent stalls there.
# - The noise of stochastic gradients can kick the parameters out of a shallow valley or off
#   a saddle; a decaying schedule then lets them settle.
