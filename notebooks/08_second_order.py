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
# # 8 · Second order: Jacobian, Hessian and Newton's method (optional, advanced)
#
# **Optional.** Notebooks 1–7 teach what the lecture notes teach and do not need this one.
# Here we go further than the notes: forward-mode differentiation with dual numbers,
# Hessians by differentiating the backward pass, Newton's method and its repairs, and a
# gradient descent that bounces for ever between two points. Read it when notebooks 1–7 feel
# easy.
#
# Gradient descent uses only the slope. This notebook builds the two matrices of
# multivariable calculus with `microgradx`, and then uses the second one, the Hessian,
# to take *Newton* steps, which use the curvature too.
#
# | object | of | entries |
# |---|---|---|
# | gradient $\nabla f$ | $\mathbb{R}^n\to\mathbb{R}$ | $\partial f/\partial x_i$ |
# | Jacobian $J_f$ | $\mathbb{R}^n\to\mathbb{R}^m$ | $J_{ij} = \partial f_i/\partial x_j$ |
# | Hessian $H$ | $\mathbb{R}^n\to\mathbb{R}$ | $H_{ij}=\partial^2 f/\partial x_i\partial x_j$ |
#
# 📖 Note 003 · 참고 연속 함수의 미분 (derivatives of continuous functions: Gradient, Hessian,
# Jacobian) and 003 · Loss를 최소화 하려면? (minimising the loss: 1st, 1.5th and 2nd order
# methods). The notes write the Jacobian as $Jf$; here $J_f$, and $J$ alone stays the loss.

# %%
# %matplotlib inline
import itertools
import math

import numpy as np

from microgradx import Value
from microgradx.course import setup_figures, show_glossary, tr
from microgradx.functional import grad, hessian, jacobian, jvp, value_and_grad
from microgradx.glossary import lookup
from microgradx.numeric import numerical_gradient
from microgradx.viz import plot_paths

setup_figures()  # Korean text in figures, and a minus sign every font has
KOREAN = {  # the Korean edition's words for the legends; order matters ("damped Newton" first)
    "gradient descent": "경사 하강법",
    "damped Newton": "감쇠 뉴턴 방법",
    "Newton": "뉴턴 방법",
    "no Hessian": "헤시안 없음",
    " steps": "단계",
    "minimum": "최솟값",
    "the 2-cycle": "2-주기",
}


def in_korean(text):
    for en, ko in KOREAN.items():
        text = text.replace(en, ko)
    return text


def legend_outside(fig, width=9.4):
    """Move a contour plot's legend to the right of the axes, off the contours."""
    for line in fig.axes[0].get_lines():
        line.set_label(tr(line.get_label(), in_korean(line.get_label())))
    fig.axes[0].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    fig.set_size_inches(width, 4.8)
    return fig


# %% [markdown]
# Terms used in this notebook, from the course's one glossary (Korean as the notes spell
# it; the last column names the note):

# %%
terms = (
    "Jacobian, Hessian, 1차 미분, 1.5차 미분, 2차 미분, positive definite, eigenvalue, Newton's "
    "method, quasi-Newton method, line search, forward mode, reverse mode, dual number"
)
show_glossary(tuple(lookup(word) for word in terms.split(", ")))

# %% [markdown]
# ## The Jacobian
#
# 📖 Note 003 · 참고 연속 함수의 미분 (Vector Function, Jacobian).
#
# Take the vector function $f(x, y) = \big(x^2 y,\; 5x + \sin y\big)$. By hand,
#
# $$J_f = \begin{pmatrix} 2xy & x^2 \\ 5 & \cos y \end{pmatrix}.$$
#
# `jacobian(f)` runs one backward pass per output $f_i$; each pass fills row $i$.


# %%
def f(x, y):
    return [x * x * y, 5 * x + y.sin()]


x0, y0 = 1.5, -0.7
J = jacobian(f)(x0, y0)
J_hand = [[2 * x0 * y0, x0**2], [5.0, math.cos(y0)]]
print(np.array(J))
assert np.allclose(J, J_hand, rtol=0, atol=1e-9)

# %% [markdown]
# ## Forward mode and reverse mode: who pays $n$, who pays $m$
#
# Beyond the notes, which know only the reverse mode (역전파, backpropagation).
#
# Reverse mode (backpropagation) starts from one output and pushes $\partial f_i/\partial
# \cdot$ back to every input: **one pass per output** gives a *row* of the Jacobian. Forward
# mode starts from one input direction $v$ and pushes the derivative along with the values:
# **one pass per input** gives a *column*, $J v$ (a Jacobian-vector product). For
# $f: \mathbb R^n \to \mathbb R^m$ the full Jacobian costs $m$ reverse passes or $n$ forward
# passes. A loss is the extreme case $m = 1$: one backward pass gives all $n$ partial
# derivatives, where forward mode (and finite differences, notebook 2) need $n$ passes.
#
# Forward mode fits in a few lines: a *dual number* carries a value and its derivative
# along $v$, and every operation applies the chain rule at once. microgradx answers the
# same question with `jvp(f, primals, tangents)` → $(f(x), Jv)$; it derives $Jv$ from the
# one rule table by the double-VJP trick (two reverse passes), so it gives forward mode's
# answer, and the dual numbers show forward mode's own cost: one pass per input.
#
# The loops below count themselves, so their counts prove nothing; what is checked is what
# each pass delivers, against central differences computed without either pass: each
# backward pass a whole row, each dual-number pass a whole column.


# %%
class Dual:
    """A value and its derivative along one input direction: forward mode."""

    def __init__(self, value, tangent=0.0):
        self.value, self.tangent = value, tangent

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(
            self.value * other.value, self.tangent * other.value + self.value * other.tangent
        )

    __radd__, __rmul__ = __add__, __mul__

    def sin(self):
        return Dual(math.sin(self.value), math.cos(self.value) * self.tangent)


def wide(*x):  # n = 6 inputs, m = 2 outputs
    return [x[0] * x[1] + x[2] * x[3] + x[4] * x[5], (x[0] * x[5]).sin() + 3 * x[2]]


point = [0.5, -1.2, 2.0, 0.3, -0.7, 1.1]
n, m = len(point), 2

reverse_rows = []
for i in range(m):  # one backward pass from output i
    xs = [Value(v) for v in point]
    wide(*xs)[i].backward()
    reverse_rows.append([x.grad for x in xs])  # this one pass filled all n partials of f_i

forward_columns = []
for j in range(n):  # one forward pass along the input direction e_j
    outputs = wide(*[Dual(v, 1.0 if k == j else 0.0) for k, v in enumerate(point)])
    forward_columns.append([o.tangent for o in outputs])  # ∂f_i/∂x_j for every output i

# the oracle: central differences of each output, computed without either pass
J_numeric = np.array(
    [numerical_gradient(lambda *x, i=i: wide(*x)[i], point, h=1e-6) for i in range(m)]
)
J_reverse, J_forward = np.array(reverse_rows), np.array(forward_columns).T
print(
    tr("reverse mode:", "후진 모드:"),
    len(reverse_rows),
    tr("backward passes, one row each", "번의 역전파, 한 번에 한 행"),
)
print(
    tr("forward mode:", "전진 모드:"),
    len(forward_columns),
    tr("dual-number passes, one column each", "번의 이중수 계산, 한 번에 한 열"),
)
assert np.allclose(J_reverse, J_numeric, rtol=0, atol=1e-8)  # each backward pass: a full row
assert np.allclose(J_forward, J_numeric, rtol=0, atol=1e-8)  # each forward pass: a full column
jvp_columns = [jvp(wide, point, [1.0 if k == j else 0.0 for k in range(n)])[1] for j in range(n)]
assert np.allclose(np.array(jvp_columns).T, J_forward, rtol=0, atol=1e-12)  # jvp: J·e_j
assert np.allclose(J_reverse, jacobian(wide)(*point), rtol=0, atol=1e-12)

# %% [markdown]
# ## Differentiating the backward pass
#
# 📖 Note 003 · 참고 연속 함수의 미분 (Hessian): here computed, not only defined.
#
# `backward(create_graph=True)` records the backward pass itself as a graph, so a
# gradient is a `Value` that can be back-propagated again. On $g(x) = x^3$:
# $g'(x) = 3x^2$ and $g''(x) = 6x$; at $x = 3$ they are $27$ and $18$ (a point where the two
# differ, so the check can tell them apart).

# %%
x = Value(3.0, label="x")
y = x**3
y.backward(create_graph=True)
dy_dx = x.grad  # a Value: 3·x² = 27, with its own graph
print("dy/dx =", dy_dx)

x.grad = 0.0  # start the second pass from zero (grads accumulate)
dy_dx.backward()
print("d²y/dx² =", x.grad)
assert abs(dy_dx.data - 27.0) < 1e-9  # 3x²
assert abs(x.grad - 18.0) < 1e-9  # 6x


# %% [markdown]
# `functional.hessian` is exactly that, done for every pair of inputs: it is the Jacobian
# of the gradient. The chain-rule example of notebook 5, $z = (2x + y)^2$, has
# $\nabla z = (8x + 4y,\; 4x + 2y)$ and therefore a constant Hessian
# $\begin{pmatrix} 8 & 4 \\ 4 & 2 \end{pmatrix}$.


# %%
def z(x, y):
    return (2 * x + y) ** 2


H = hessian(z)(1.5, -2.0)
print(np.array(H))
assert np.allclose(H, [[8.0, 4.0], [4.0, 2.0]], rtol=0, atol=1e-9)
assert grad(grad(lambda t: t**3))(3.0) == 18.0  # transforms nest


# %% [markdown]
# ## Newton's method vs gradient descent
#
# 📖 Note 003 · Loss를 최소화 하려면? (2차 미분: Newton Method).
#
# Near $\theta$, a second-order Taylor expansion models the loss as a bowl:
#
# $$f(\theta + d) \approx f(\theta) + \nabla f^\top d + \tfrac12\, d^\top H\, d .$$
#
# Gradient descent steps along the slope only, $d = -\alpha \nabla f$, with a step size
# $\alpha$ we must choose. Newton's method jumps to the model's stationary point,
# $d = -H^{-1}\nabla f$: no step size, and the step is rescaled by the curvature in every
# direction. That point is the bottom of a bowl only if $H$ is positive definite (both
# eigenvalues $> 0$); with a negative eigenvalue the model is a saddle and Newton jumps to
# the saddle point, which can lie uphill. The test function is a curved valley (a
# Rosenbrock function, minimum at $(1, 1)$):
#
# $$f(x, y) = (1 - x)^2 + 5\,(y - x^2)^2 .$$


# %%
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
print(tr("gradient descent:", "경사 하강법:"), gd_steps, tr("steps to", "단계, 도착"), gd_path[-1])
print(tr("Newton:", "뉴턴 방법:"), newton_steps, tr("steps to", "단계, 도착"), newton_path[-1])
assert np.allclose(gd_path[-1], [1, 1], atol=1e-5)
assert np.allclose(newton_path[-1], [1, 1], atol=1e-9)
assert newton_steps * 20 < gd_steps < max_steps

# %% [markdown]
# Newton's path, with the eigenvalues of the Hessian at every point it visits. At the start
# $(-1, 1.5)$ one eigenvalue is negative: the quadratic model is a saddle, not a bowl, and
# the first step climbs. Newton's method goes uphill on several steps before the Hessian
# turns positive definite near the minimum and the steps shrink quadratically.

# %%
heights = [valley(*theta) for theta in newton_path]
eigenvalues = [np.linalg.eigvalsh(np.array(valley_hessian(*theta))) for theta in newton_path]
print(" k   (x, y)              f        " + tr("eigenvalues of H", "H의 고유값"))
for k, (theta, h, lam) in enumerate(zip(newton_path, heights, eigenvalues, strict=True)):
    print(f"{k:>2}   ({theta[0]:+.3f}, {theta[1]:+.3f})   {h:8.2e}   {lam[0]:+7.2f} {lam[1]:+7.2f}")
rises = sum(after > before for before, after in itertools.pairwise(heights))
print(
    tr(
        f"f rises on {rises} of {newton_steps} Newton steps",
        f"뉴턴 방법 {newton_steps}단계 중 {rises}단계에서 f가 커진다",
    )
)
assert eigenvalues[0][0] < 0 < eigenvalues[0][1]  # indefinite at the start: a saddle model
assert heights[1] > heights[0] and rises >= 2
assert all(lam[0] > 0 for lam in eigenvalues[-3:])  # positive definite near the minimum

# %% [markdown]
# ## Repairs: damped Newton, BFGS and Levenberg–Marquardt
#
# 📖 Note 003 · Loss를 최소화 하려면? (minimising the loss). Between first and second order
# (1차 미분, 2차 미분) the notes list three 1.5th-order methods (1.5차 미분): quasi-Newton
# methods, conjugate gradient and Levenberg–Marquardt. Two of them are below, and one repair
# that is **not** on the notes' list:
#
# - **damped Newton** (not in the notes: it is Newton's method itself, 2차 미분, made safe;
#   the first repair one would try): if $H$ is not positive definite, shift it, $H + \mu I$,
#   until its smallest eigenvalue is positive (the model becomes a bowl, its bottom lies
#   downhill); then shorten the step, $\theta \leftarrow \theta + t\,d$ with
#   $t = 1, \frac12, \frac14, \dots$, until $f$ decreases enough (a *backtracking line
#   search*, Armijo's condition $f(\theta + t d) \le f(\theta) + 10^{-4}\, t\, \nabla f^\top d$);
# - **BFGS**, a quasi-Newton method (준뉴턴 방법): no Hessian at all. It keeps an estimate
#   $B$ of $H^{-1}$, steps along $d = -B\nabla f$ with the same line search, and corrects $B$
#   from what the step revealed: the change of gradient $y = \nabla f_{k+1} - \nabla f_k$
#   over the step $s = \theta_{k+1} - \theta_k$ (for a quadratic, $y = Hs$):
#   $B \leftarrow (I - \rho s y^\top) B (I - \rho y s^\top) + \rho s s^\top$,
#   $\rho = 1/(y^\top s)$;
# - **Levenberg–Marquardt**, for a loss that is a sum of squares, as this one is:
#   $f = r_1^2 + r_2^2$ with residuals $r = \big(1 - x,\ \sqrt5\,(y - x^2)\big)$. With
#   the residuals' Jacobian $J_r$ it solves $(J_r^\top J_r + \lambda I)\, d = -J_r^\top r$:
#   $J_r^\top J_r$ stands in for $H/2$ without any second derivative, and $\lambda$ blends in
#   a short gradient step. After a step that lowers $f$, $\lambda$ shrinks (more Newton-like);
#   a step that does not lower $f$ is refused and $\lambda$ grows (more cautious).
#
# (Conjugate gradient is left out: on two parameters it has little to show.)


# %%
def line_search(theta, f_theta, g, d):
    t = 1.0
    while valley(*(theta + t * d)) > f_theta + 1e-4 * t * (g @ d):
        t /= 2
    return t


def damped_newton():
    theta, path = start.copy(), [start.copy()]
    for _ in range(max_steps):
        f_theta, g = valley_and_grad(*theta)
        g = np.array(g)
        if np.linalg.norm(g) < tol:
            break
        H = np.array(valley_hessian(*theta))
        smallest = np.linalg.eigvalsh(H)[0]
        if smallest < 1e-3:
            H = H + (1e-3 - smallest) * np.eye(2)  # shift: the model becomes a bowl
        d = -np.linalg.solve(H, g)
        theta = theta + line_search(theta, f_theta, g, d) * d
        path.append(theta.copy())
    return np.array(path)


def bfgs():
    theta, path, B = start.copy(), [start.copy()], np.eye(2)  # B ≈ H⁻¹, first a plain step
    f_theta, g = valley_and_grad(*theta)
    g = np.array(g)
    for _ in range(max_steps):
        if np.linalg.norm(g) < tol:
            break
        d = -B @ g
        s = line_search(theta, f_theta, g, d) * d
        theta = theta + s
        f_theta, g_new = valley_and_grad(*theta)
        g_new = np.array(g_new)
        y = g_new - g
        rho = 1.0 / (y @ s)
        eye = np.eye(2)
        B = (eye - rho * np.outer(s, y)) @ B @ (eye - rho * np.outer(y, s)) + rho * np.outer(s, s)
        g = g_new
        path.append(theta.copy())
    return np.array(path)


residual_jacobian = jacobian(lambda x, y: [1 - x, math.sqrt(5) * (y - x * x)])


def levenberg_marquardt(lam=1e-3):
    theta, path, refused = start.copy(), [start.copy()], 0
    for _ in range(max_steps):
        r = np.array([1 - theta[0], math.sqrt(5) * (theta[1] - theta[0] ** 2)])
        J_r = np.array(residual_jacobian(*theta))
        if np.linalg.norm(2 * J_r.T @ r) < tol:  # ∇f = 2 J_rᵀ r
            break
        d = -np.linalg.solve(J_r.T @ J_r + lam * np.eye(2), J_r.T @ r)
        if valley(*(theta + d)) < valley(*theta):
            theta, lam = theta + d, lam / 10
            path.append(theta.copy())
        else:  # refused: stay, and be more cautious
            refused, lam = refused + 1, lam * 10
    return np.array(path), refused


damped_path, bfgs_path = damped_newton(), bfgs()
lm_path, lm_refused = levenberg_marquardt()
results = {
    f"gradient descent (α = {alpha})": gd_path,
    "Newton": newton_path,
    "damped Newton": damped_path,
    "BFGS (no Hessian)": bfgs_path,
    "Levenberg–Marquardt": lm_path,
}
for name, path in results.items():
    heights_along = [valley(*theta) for theta in path]
    downhill = all(b <= a for a, b in itertools.pairwise(heights_along))
    steps_taken = f"{len(path) - 1:>5}" + tr(" steps, ends at", "단계, 도착")
    always = tr("always downhill:", "항상 내리막:")
    print(
        f"{tr(name, in_korean(name)):>24}: {steps_taken} {np.round(path[-1], 6)},",
        always,
        downhill,
    )
    assert np.allclose(path[-1], [1, 1], atol=1e-5)
    if name != "Newton":  # (Levenberg–Marquardt by construction: it keeps only such steps)
        assert downhill
print(
    tr(
        f"Levenberg–Marquardt refused {lm_refused} steps that would have raised f",
        f"Levenberg–Marquardt는 f를 키웠을 걸음 {lm_refused}개를 거절했다",
    )
)
assert len(damped_path) < len(newton_path) and len(bfgs_path) < 30 and len(lm_path) < 30

# %% [markdown]
# Drawn on the contours of $f$ (the black square is the start, the star the minimum),
# gradient descent zig-zags across the steep walls, then creeps along the flat valley
# floor $y = x^2$. Plain Newton's first steps are wild. The three repairs go downhill on
# every step (checked above), but going downhill is not following the valley: BFGS starts
# knowing nothing of the curvature ($B = I$, a plain gradient step) and zig-zags across the
# valley until its estimate $B$ is good enough. Counted on each path: how many times a step
# turns back by more than 90° from the one before (a negative dot product of the two steps).


# %%
def turns_back(path):
    """How many times a step points back against the step before it."""
    steps = np.diff(path, axis=0)
    return sum(int(a @ b < 0) for a, b in itertools.pairwise(steps))


turns = {name: turns_back(path) for name, path in results.items()}
for name, count in turns.items():
    taken = len(results[name]) - 1
    said = tr(f"turns back {count} times in {taken} steps", f"{taken}단계 중 {count}번 되돌아감")
    print(f"{tr(name, in_korean(name)):>24}: {said}")
assert turns["BFGS (no Hessian)"] >= 3  # BFGS zig-zags …
assert turns["BFGS (no Hessian)"] > max(turns["damped Newton"], turns["Levenberg–Marquardt"])

# %%
fig = plot_paths(valley, results, xlim=(-1.6, 1.6), ylim=(-0.7, 2.8))
fig.axes[0].plot(
    1, 1, "*", color="#16a34a", markersize=16, mec="white", zorder=5, label="minimum (1, 1)"
)
legend_outside(fig)

# %% [markdown]
# ## How fast: linear against quadratic convergence
#
# Beyond the notes.
#
# Let $e_k = \lVert \theta_k - \theta^* \rVert$ be the distance to the minimum. Near
# $\theta^*$ gradient descent multiplies the error along the flattest direction of the
# bowl by $1 - \alpha \lambda_{\min}(H)$ per step: *linear* convergence, and slow when the
# valley is long and flat ($\lambda_{\min}$ small). Newton's method *squares* the error
# each step, $e_{k+1} \approx C e_k^2$: *quadratic* convergence, the number of correct
# digits doubles.

# %%
H_min = np.array(valley_hessian(1.0, 1.0))
lam_min, lam_max = np.linalg.eigvalsh(H_min)
gd_error = np.linalg.norm(gd_path - 1, axis=1)
newton_error = np.linalg.norm(newton_path - 1, axis=1)
gd_rate = np.mean(gd_error[-100:] / gd_error[-101:-1])
predicted = 1 - alpha * lam_min
print(
    tr("GD: error ratio per step", "경사 하강법: 단계당 오차 비율"),
    f"{gd_rate:.6f},",
    tr("predicted", "예측"),
    f"1 - αλ_min = {predicted:.6f}",
)
print(
    tr("Newton: errors of the last steps", "뉴턴 방법: 마지막 단계들의 오차"),
    [f"{e:.1e}" for e in newton_error[-4:]],
)
assert abs(gd_rate - predicted) < 1e-4
for before, after in zip(newton_error[-4:-1], newton_error[-3:], strict=True):
    assert after < before**2  # quadratic: e_{k+1} < e_k²

# %% [markdown]
# Why was $\alpha = 0.03$ chosen? Near the minimum the loss is the quadratic bowl of its
# Hessian, and gradient descent is stable only if $\alpha < 2/\lambda_{\max}(H)$: a larger
# step overshoots across the steepest direction of the valley and bounces. The Hessian
# tells us the limit before we try.

# %%
print(tr("largest curvature", "가장 큰 곡률"), f"{lam_max:.2f}  ⇒  α < {2 / lam_max:.4f}")
assert alpha < 2 / lam_max < 0.045
too_big = gradient_descent(lr=0.045)
print(f"α = 0.045: {len(too_big) - 1}" + tr(" steps, the last four points:", "단계, 마지막 네 점:"))
print(np.round(too_big[-4:], 4))
assert len(too_big) - 1 == max_steps  # never converges …
assert np.abs(too_big[-1] - too_big[-3]).max() < 1e-12  # … it alternates between two points
assert np.linalg.norm(too_big[-1] - too_big[-2]) > 0.1

# %% [markdown]
# At $\alpha = 0.045$ the iterates neither converge nor fly away: they settle into a
# **2-cycle**, bouncing across the valley floor between the same two points for ever, close
# to the minimum but never reaching it. Below, the path up to the moment it locks in.

# %%
repeats = [np.abs(too_big[k] - too_big[k + 2]).max() for k in range(len(too_big) - 2)]
locked = next(k for k, gap in enumerate(repeats) if gap < 1e-12)
print(
    tr(
        f"from step {locked} on, the iterates repeat every second step",
        f"{locked}단계부터 반복점이 두 단계마다 되풀이된다",
    )
)
assert np.abs(too_big[locked::2] - too_big[locked]).max() < 1e-9  # one point …
assert np.abs(too_big[locked + 1 :: 2] - too_big[locked + 1]).max() < 1e-9  # … and the other
fig = plot_paths(
    valley,
    {"gradient descent, α = 0.045": too_big[: locked + 3]},
    xlim=(-1.6, 1.6),
    ylim=(-0.7, 2.8),
)
ax = fig.axes[0]
ax.plot(
    *too_big[locked : locked + 2].T,
    "o",
    color="#dc2626",
    markersize=8,
    zorder=6,
    label="the 2-cycle",
)
ax.plot(1, 1, "*", color="#16a34a", markersize=16, mec="white", zorder=5, label="minimum (1, 1)")
legend_outside(fig, width=8.8)

# %% [markdown]
# ## Takeaways
#
# - Reverse mode pays one pass per output, forward mode one per input: for a loss ($m = 1$)
#   reverse mode wins by a factor of $n$.
# - `backward(create_graph=True)` turns the backward pass into a graph: second
#   derivatives, Hessians and `grad(grad(f))` come from the same rule table.
# - Newton's method needs a handful of steps where gradient descent needed over a thousand
#   here, but only where the Hessian is positive definite. Damped Newton, BFGS and
#   Levenberg–Marquardt (the last two from the notes' 1.5th-order list) repair that; all
#   three go downhill on every step, which is not the same as following the valley.
# - Each Newton step builds and solves an $n\times n$ system (BFGS keeps an
#   $n\times n$ matrix): for a network with $n = 10^6$ parameters that is why deep learning
#   uses first-order methods (and adaptive ones such as Adam, notebook 7, which estimate a
#   per-parameter scale instead).
