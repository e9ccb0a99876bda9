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
# # 2 · Numerical differentiation and the gradient
#
# 📖 Note 000/001 · 3. 수치 미분 (numerical differentiation) · Note 002 · 미분 (differentiation)
#
# Notebook 1 chose a loss. To make it smaller we need to know how it changes when a
# parameter moves: its **derivative**,
#
# $$f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h},$$
#
# the slope of $f$ at $x$. Stop the limit at a small $h$ and you get a *finite difference*:
# a derivative from function values alone. It is slow and inexact, but it needs no rules at
# all, which makes it the independent check that every autodiff rule is tested against
# (notebook 5).
#
# | name | formula |
# |---|---|
# | forward difference (전진 차분) | $\dfrac{f(x+h) - f(x)}{h}$ |
# | backward difference (후진 차분) | $\dfrac{f(x) - f(x-h)}{h}$ |
# | central difference (중심 차분) | $\dfrac{f(x+h) - f(x-h)}{2h}$ |

# %%
# %matplotlib inline

# %%
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx.course import setup_figures, tr
from microgradx.numeric import (
    backward_difference,
    central_difference,
    fd_errors,
    forward_difference,
    numerical_gradient,
)
from microgradx.viz import plot_fd_error

setup_figures()

# %% [markdown]
# ## The difference quotient approaches the slope
#
# 📖 Note 000/001 · 3. 수치 미분: 전진 차분 (forward difference) · Note 002 · 2차원 평면에서의 미분
#
# For $f(x) = 3x^2 - 4x + 5$, $f'(x) = 6x - 4$, so $f'(3) = 14$. Because $f$ is a parabola
# the forward quotient's error is exactly $\frac{f''}{2}h = 3h$:
# $\frac{f(x+h) - f(x)}{h} = 6x - 4 + 3h$. The quotient approaches $14$ as $h$ shrinks,
# and its error shrinks in proportion to $h$.


# %%
def f(x):
    return 3 * x**2 - 4 * x + 5


x = 3.0
for h in (1e-1, 1e-2, 1e-3, 1e-4):
    quotient = (f(x + h) - f(x)) / h
    error = quotient - 14.0
    print(f"h = {h:<6g}  (f(x+h) - f(x)) / h = {quotient:.8f}   error / h = {error / h:.6f}")
    assert abs(error / (3 * h) - 1) < 1e-6  # the error is f''(x)·h/2 = 3h, up to round-off

# %% [markdown]
# ## Taylor error analysis
#
# 📖 Note 000/001 · [참고] 테일러 급수 전개를 사용한 오차 분석 (Taylor error analysis)
#
# Expand $f$ around $x$:
#
# $$f(x \pm h) = f(x) \pm f'(x)\,h + \frac{f''(x)}{2!}h^2 \pm \frac{f'''(x)}{3!}h^3 + O(h^4).$$
#
# Solve for $f'(x)$:
#
# $$\frac{f(x+h) - f(x)}{h} = f'(x) + \frac{f''(x)}{2}h + O(h^2), \qquad
# \frac{f(x) - f(x-h)}{h} = f'(x) - \frac{f''(x)}{2}h + O(h^2),$$
#
# $$\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{f'''(x)}{6}h^2 + O(h^4).$$
#
# In the central difference the $h^2$ terms of $f(x+h)$ and $f(x-h)$ cancel, so its error is
# $O(h^2)$ instead of $O(h)$. We test the prediction on $f(x) = e^x$ at $x = 1$, where every
# derivative equals $e$: the errors should be about $+\frac{e}{2}h$, $-\frac{e}{2}h$ and
# $+\frac{e}{6}h^2$.

# %%
f, x = math.exp, 1.0
exact = math.e  # f'(1) = e
differences = [forward_difference, backward_difference, central_difference]
print(
    tr(
        f"{'h':>6} {'forward':>12} {'backward':>12} {'central':>12}",
        f"{'h':>6} {'전진':>10} {'후진':>10} {'중심':>10}",
    )
)
for h in (1e-1, 1e-2, 1e-3):
    print(f"{h:>6g}" + "".join(f"{d(f, x, h) - exact:>12.2e}" for d in differences))

h = 1e-3
leading_terms = [math.e / 2 * h, -math.e / 2 * h, math.e / 6 * h**2]
for difference, leading_term in zip(differences, leading_terms, strict=True):
    error = difference(f, x, h) - exact
    assert abs(error / leading_term - 1) < 0.01, (difference.__name__, error)

# %% [markdown]
# ### The sign of the error
#
# The absolute errors of the forward and backward differences are almost equal, so on the
# log-log plot below their curves lie on top of each other. Their *signed* errors are
# mirror images, $+\frac{f''}{2}h$ and $-\frac{f''}{2}h$: one overshoots, the other
# undershoots (measured below: the check of the signs could fail). The central difference
# is their average, so the two $O(h)$ errors cancel and only the $O(h^2)$ term is left.
# That the average *is* the central difference is an identity, not a measurement:
# $\frac12\big(\frac{f(x+h) - f(x)}{h} + \frac{f(x) - f(x-h)}{h}\big) =
# \frac{f(x+h) - f(x-h)}{2h}$ by algebra, so its check can only fail by round-off.

# %%
hs_linear = np.linspace(0.005, 0.5, 100)
signed = {
    d.__name__.replace("_difference", ""): np.array([d(math.exp, x, h) - exact for h in hs_linear])
    for d in differences
}
assert (signed["forward"] > 0).all() and (signed["backward"] < 0).all()
assert np.allclose(signed["forward"] / (math.e / 2 * hs_linear), 1, atol=0.2)  # ≈ +(e/2)h
assert np.allclose(signed["backward"] / (-math.e / 2 * hs_linear), 1, atol=0.2)  # ≈ −(e/2)h
average = (signed["forward"] + signed["backward"]) / 2
assert np.allclose(average, signed["central"], rtol=0, atol=1e-12)  # an identity (see above)

fig = Figure(figsize=(6.4, 3.8), layout="constrained")
ax = fig.subplots()
for (name, err), style in zip(signed.items(), ("-", "--", "-"), strict=True):
    label = {"forward": tr("forward", "전진 차분"), "backward": tr("backward", "후진 차분")}
    ax.plot(hs_linear, err, style, label=label.get(name, tr(name, "중심 차분")), linewidth=2)
ax.plot(
    hs_linear,
    math.e / 2 * hs_linear,
    ":",
    color="#64748b",
    label=tr("±(e/2)·h and (e/6)·h²", "±(e/2)·h, (e/6)·h²"),
)
ax.plot(hs_linear, -math.e / 2 * hs_linear, ":", color="#64748b")
ax.plot(hs_linear, math.e / 6 * hs_linear**2, ":", color="#64748b")
ax.axhline(0, color="#94a3b8", linewidth=0.8)
ax.set(
    xlabel=tr("step size h", "간격 h"),
    ylabel=tr("difference − exact derivative", "차분 − 정확한 미분값"),
)
ax.set_title(
    tr(
        "signed error at x = 1 for f = exp: forward over, backward under",
        "f = exp, x = 1에서 부호 있는 오차: 전진은 크게, 후진은 작게",
    )
)
ax.legend(frameon=False)
fig

# %% [markdown]
# ## Error against $h$ on a log-log plot
#
# 📖 Note 000/001 · 왜 중심 차분을 사용하는가? (the notes stop at truncation; round-off is the
# course's addition)
#
# On log-log axes a power law $\text{error} = C h^p$ is a straight line of slope $p$. The
# truncation error gives slope 1 (forward, backward) and slope 2 (central). But $f$ is
# computed in floating point with a relative error of about $\varepsilon \approx 10^{-16}$,
# and the difference divides it by $h$: a *round-off* error $\approx \varepsilon |f(x)| / h$
# that grows as $h$ shrinks (slope $-1$). The best $h$ balances the two, near
# $\sqrt{\varepsilon} \approx 10^{-8}$ for one-sided differences and
# $\varepsilon^{1/3} \approx 10^{-5}$ for the central one.

# %%
hs = np.logspace(-14, -1, 53)
errors = {m: np.array(e) for m, e in fd_errors(math.exp, math.exp, x, hs.tolist()).items()}
plot_fd_error(lambda v: v.exp(), x, hs=hs.tolist(), df=math.e)


# %% [markdown]
# The slopes, fitted where truncation dominates ($h \ge 10^{-4}$) and where round-off
# dominates ($h \le 10^{-10}$):


# %%
def slope(method, lo, hi):
    keep = (hs >= lo * 0.999) & (hs <= hi * 1.001)
    return np.polyfit(np.log10(hs[keep]), np.log10(errors[method][keep]), 1)[0]


for method in errors:
    name = tr(
        f"{method:>8}",
        {"forward": "전진 차분", "central": "중심 차분", "backward": "후진 차분"}[method],
    )
    truncation, round_off = slope(method, 1e-4, 1e-1), slope(method, 1e-14, 1e-10)
    best_h = hs[errors[method].argmin()]
    print(
        tr(
            f"{name}: truncation slope {truncation:5.2f}, round-off slope {round_off:5.2f}, "
            f"best h = {best_h:.0e}",
            f"{name}: 절단 오차 기울기 {truncation:5.2f}, 반올림 오차 기울기 {round_off:5.2f}, "
            f"가장 좋은 h = {best_h:.0e}",
        )
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


# %% [markdown]
# ## Several variables: partial derivatives and the gradient
#
# 📖 Note 000/001 · 4. 기울기 (gradient): 일변수 미분 vs 다변수 미분 · Note 002 · 편미분
# (partial differentiation) · Note 004 · Step 3. 미분: 편미분
#
# A loss depends on many parameters. Holding all but one fixed gives a **partial
# derivative** $\partial f / \partial x_i$, again a one-variable difference, along the
# coordinate direction $e_i$: $\frac{f(x + h e_i) - f(x - h e_i)}{2h}$. Stacked together
# they form the **gradient**
#
# $$\nabla f(x) = \Big(\frac{\partial f}{\partial x_1}, \dots,
# \frac{\partial f}{\partial x_n}\Big).$$
#
# The central difference works along any direction $v$, not only along a coordinate:
#
# $$\frac{f(x + h v) - f(x - h v)}{2h} \approx \nabla f(x) \cdot v,$$
#
# the **directional derivative**: how fast $f$ changes when $x$ moves along $v$. Take
# $f(x_1, x_2) = x_1^2 x_2 + \sin x_2$ with $\nabla f = (2x_1x_2,\ x_1^2 + \cos x_2)$.


# %%
def g(x1, x2):
    return x1**2 * x2 + math.sin(x2)


point = np.array([1.5, -0.5])
by_hand = np.array([2 * point[0] * point[1], point[0] ** 2 + math.cos(point[1])])
numerical = np.array(numerical_gradient(g, point.tolist(), h=1e-5, method="central"))
print(
    tr("∇f by hand:", "손으로 구한 ∇f:"),
    by_hand,
    tr("  by central differences:", "  중심 차분:"),
    numerical,
)
assert np.allclose(numerical, by_hand, rtol=0, atol=1e-9)

rng = np.random.default_rng(0)
for _ in range(5):
    v = rng.normal(size=2)
    v /= np.linalg.norm(v)
    h = 1e-5
    along_v = (g(*(point + h * v)) - g(*(point - h * v))) / (2 * h)
    assert abs(along_v - by_hand @ v) < 1e-9
print(
    tr(
        "(f(x + hv) − f(x − hv)) / 2h = ∇f·v for 5 random unit directions v",
        "무작위 단위 방향 v 5개에서 (f(x + hv) − f(x − hv)) / 2h = ∇f·v",
    )
)

# %% [markdown]
# Which direction is steepest? For a unit vector $v$ at angle $\phi$ from the gradient,
# $\nabla f \cdot v = \lVert \nabla f \rVert \cos\phi$: largest, $\lVert\nabla f\rVert$,
# along the gradient, zero across it, most negative against it. **The gradient points
# uphill, as steeply as possible**; $-\nabla f$ is the steepest way down, which is where
# gradient descent (notebook 3) steps.

# %%
angles = np.linspace(-math.pi, math.pi, 721)
directional = []
for a in angles:
    v = np.array([math.cos(a), math.sin(a)])
    directional.append((g(*(point + 1e-5 * v)) - g(*(point - 1e-5 * v))) / 2e-5)
directional = np.array(directional)
steepest = angles[directional.argmax()]
gradient_angle = math.degrees(math.atan2(by_hand[1], by_hand[0]))
print(
    tr(
        f"steepest ascent at {math.degrees(steepest):.1f}°, "
        f"gradient direction {gradient_angle:.1f}°",
        f"가장 가파른 오르막 {math.degrees(steepest):.1f}°, 기울기 방향 {gradient_angle:.1f}°",
    )
)
assert abs(steepest - math.atan2(by_hand[1], by_hand[0])) <= angles[1] - angles[0]
grid_step = angles[1] - angles[0]  # the best grid angle is at most one step off
assert 0 <= np.linalg.norm(by_hand) - directional.max() < np.linalg.norm(by_hand) * grid_step**2

fig = Figure(figsize=(6.0, 3.4), layout="constrained")
ax = fig.subplots()
ax.plot(np.degrees(angles), directional)
ax.axvline(math.degrees(steepest), color="#94a3b8", linestyle=":")
ax.annotate(
    tr("along ∇f: slope ‖∇f‖", "∇f 방향: 기울기 ‖∇f‖"),
    (math.degrees(steepest), directional.max()),
    (math.degrees(steepest) - 110, directional.max() - 0.3),
)
ax.axhline(0, color="#94a3b8", linewidth=0.8)
ax.set(
    xlabel=tr("direction of v (degrees)", "v의 방향 (도)"),
    ylabel="∇f · v",
    title=tr("slope of f along each unit direction", "단위 방향마다 f의 기울기"),
)
fig

# %% [markdown]
# ## What finite differences cost
#
# 📖 Note 000/001 · 3. 수치 미분: 전진 차분 / 중심 차분 (계산량)
#
# Note 001 says the forward difference needs less computation (계산량이 적어) and the
# central one more. For a gradient of $n$ variables that means, exactly: the forward
# difference evaluates $f(x)$ once and $f(x + h e_i)$ for each $i$, **$n + 1$
# evaluations**; the central difference needs $f(x \pm h e_i)$ for each $i$, **$2n$**. The
# function below counts the calls that really reach $f$ (a wrapper around $f$ counts them,
# so a loop that called $f$ more often than it claims would show). A network with a million
# parameters would need a million or two million forward passes for one gradient step;
# backpropagation (notebook 5) gets all $n$ partial derivatives from one forward and one
# backward pass, and finite differences stay useful as the check that tests it.


# %%
class Counted:
    """A function that counts how often it is called."""

    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, *xs):
        self.calls += 1
        return self.f(*xs)


def gradient_by_differences(f, x, h=1e-5, method="central"):
    """∂f/∂x_i for every coordinate i by the forward or the central difference."""
    partials = []
    f_x = f(*x) if method == "forward" else None  # shared by all n forward differences
    for i in range(len(x)):
        e_i = np.zeros(len(x))
        e_i[i] = h
        if method == "forward":
            partials.append((f(*(x + e_i)) - f_x) / h)
        else:
            partials.append((f(*(x + e_i)) - f(*(x - e_i))) / (2 * h))
    return np.array(partials)


def sum_of_squares(*xs):
    # math.fsum rounds correctly on every Python; sum() of floats is compensated from 3.12
    # on (and not for numpy floats), which would make the two paths below differ by 1e-10.
    return math.fsum(x_i**2 for x_i in xs)


print(
    tr(
        f"{'n':>3} {'forward':>8} {'central':>8} {'numerical_gradient':>19}",
        f"{'n':>3} {'전진':>6} {'중심':>6} {'numerical_gradient':>19}",
    )
)
for n_inputs in (2, 10, 50):
    x = np.linspace(-1, 1, n_inputs)
    calls = {}
    for method in ("forward", "central"):
        counted = Counted(sum_of_squares)
        partials = gradient_by_differences(counted, x, method=method)
        calls[method] = counted.calls
        assert np.allclose(partials, 2 * x, rtol=0, atol=1e-4 if method == "forward" else 1e-8)
    library_calls = {}
    for method in ("forward", "central"):
        counted = Counted(sum_of_squares)
        library = numerical_gradient(counted, x.tolist(), h=1e-5, method=method)
        library_calls[method] = counted.calls
    print(f"{n_inputs:>3} {calls['forward']:>8} {calls['central']:>8} {counted.calls:>19}")
    assert (calls["forward"], calls["central"]) == (n_inputs + 1, 2 * n_inputs)
    # one probe call, then two per coordinate, whichever the difference
    assert library_calls == {"forward": 2 * n_inputs + 1, "central": 2 * n_inputs + 1}
    assert np.array_equal(partials, library)  # the same arithmetic, bit for bit

# %% [markdown]
# The library's `numerical_gradient` makes one extra call (it first calls $f$ once to
# learn whether $f$ takes floats or `Value`s) and computes each partial derivative as a
# one-variable difference, so even its forward difference spends $2n + 1$ calls: it is
# written as a checker, for clarity, not for speed. Its central partial derivatives are
# the notebook's bit for bit, because both do the same floating-point operations in the
# same order.

# %% [markdown]
# ## Takeaways
#
# - Forward and backward differences have error $O(h)$, of opposite signs; the central
#   difference, their average, has error $O(h^2)$, as the Taylor expansion predicts.
# - Below the best $h$, round-off takes over and the error grows like $1/h$.
# - The gradient collects the partial derivatives; $\nabla f \cdot v$ is the slope along $v$,
#   steepest along $\nabla f$ itself.
# - A numerical gradient costs $n + 1$ evaluations (forward) or $2n$ (central): fine as a
#   check, too slow to train with.
