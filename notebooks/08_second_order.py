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
# # 8 · Second order: Jacobian, Hessian and Newton's method
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

# %%
# %matplotlib inline
import math

import numpy as np

from microgradx import Value
from microgradx.functional import grad, hessian, jacobian, value_and_grad
from microgradx.viz import plot_paths

# %% [markdown]
# ## The Jacobian
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
# ## Differentiating the backward pass
#
# `backward(create_graph=True)` records the backward pass itself as a graph, so a
# gradient is a `Value` that can be back-propagated again. On $g(x) = x^3$:
# $g'(x) = 3x^2$ and $g''(x) = 6x$.

# %%
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
assert grad(grad(lambda t: t**3))(2.0) == 12.0  # transforms nest


# %% [markdown]
# ## Newton's method vs gradient descent
#
# Near $\theta$, a second-order Taylor expansion models the loss as a bowl:
#
# $$f(\theta + d) \approx f(\theta) + \nabla f^\top d + \tfrac12\, d^\top H\, d .$$
#
# Gradient descent steps along the slope only, $d = -\alpha \nabla f$, with a step size
# $\alpha$ we must choose. Newton's method jumps to the bottom of the bowl,
# $d = -H^{-1}\nabla f$: no step size, and the step is rescaled by the curvature in every
# direction. The test function is a curved valley (a Rosenbrock function, minimum at
# $(1, 1)$):
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
print(f"gradient descent: {gd_steps} steps to {gd_path[-1]}")
print(f"Newton:           {newton_steps} steps to {newton_path[-1]}")
assert np.allclose(gd_path[-1], [1, 1], atol=1e-5)
assert np.allclose(newton_path[-1], [1, 1], atol=1e-9)
assert newton_steps * 20 < gd_steps < max_steps

# %% [markdown]
# Drawn on the contours of $f$ (the black square is the start), gradient descent zig-zags
# across the steep walls, then creeps along the flat valley floor. Newton's first steps
# are wild: far from the minimum the quadratic model is poor, and its bottom can even lie
# uphill. Near the minimum the model is good and Newton lands in a few steps.

# %%
paths = {f"gradient descent (α = {alpha})": gd_path, "Newton": newton_path}
heights = [valley(*theta) for theta in newton_path]
print("f along Newton's path:", [f"{h:.3g}" for h in heights])
assert heights[1] > heights[0]  # the first Newton step goes uphill
plot_paths(valley, paths, xlim=(-1.6, 1.6), ylim=(-0.7, 2.8))

# %% [markdown]
# ## How fast: linear against quadratic convergence
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
print(f"GD: error ratio per step {gd_rate:.6f}, predicted 1 - αλ_min = {predicted:.6f}")
print("Newton: errors of the last steps", [f"{e:.1e}" for e in newton_error[-4:]])
assert abs(gd_rate - predicted) < 1e-4
for before, after in zip(newton_error[-4:-1], newton_error[-3:], strict=True):
    assert after < before**2  # quadratic: e_{k+1} < e_k²

# %% [markdown]
# Why was $\alpha = 0.03$ chosen? Near the minimum the loss is the quadratic bowl of its
# Hessian, and gradient descent is stable only if $\alpha < 2/\lambda_{\max}(H)$: a larger
# step overshoots across the steepest direction of the valley and bounces. The Hessian
# tells us the limit before we try.

# %%
print(f"largest curvature {lam_max:.2f}  ⇒  α < {2 / lam_max:.4f}")
assert alpha < 2 / lam_max < 0.045
too_big = gradient_descent(lr=0.045)
print("α = 0.045 ends at", too_big[-1], "after", len(too_big) - 1, "steps")
assert len(too_big) - 1 == max_steps and not np.allclose(too_big[-1], [1, 1], atol=1e-3)

# %% [markdown]
# ## Takeaways
#
# - `backward(create_graph=True)` turns the backward pass into a graph: second
#   derivatives, Hessians and `grad(grad(f))` come from the same rule table.
# - Newton's method needs a handful of steps where gradient descent needed over a thousand
#   here, but each step builds and solves an $n\times n$ system: for a network with $n = 10^6$
#   parameters that is why deep learning uses first-order methods (and adaptive ones such
#   as Adam, notebook 7, which estimate a per-parameter scale instead).
