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
# # 2 · Numerical differentiation
#
# A derivative is a limit, $f'(x) = \lim_{h\to 0} \frac{f(x+h) - f(x)}{h}$. Stop the limit at
# a small $h$ and you get a *finite difference*: a derivative from function values alone.
# It is slow and inexact, but it needs no rules at all, which makes it the referee that
# every autodiff rule is checked against.
#
# | name | formula |
# |---|---|
# | forward difference | $\dfrac{f(x+h) - f(x)}{h}$ |
# | backward difference | $\dfrac{f(x) - f(x-h)}{h}$ |
# | central difference | $\dfrac{f(x+h) - f(x-h)}{2h}$ |

# %%
# %matplotlib inline
import math

import numpy as np

from microgradx.functional import grad
from microgradx.numeric import (
    GradcheckError,
    backward_difference,
    central_difference,
    fd_errors,
    forward_difference,
    gradcheck,
    gradgradcheck,
    numerical_gradient,
)
from microgradx.viz import plot_fd_error

# %% [markdown]
# ## Taylor error analysis
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
print(f"{'h':>6} {'forward':>12} {'backward':>12} {'central':>12}")
for h in (1e-1, 1e-2, 1e-3):
    print(f"{h:>6g}" + "".join(f"{d(f, x, h) - exact:>12.2e}" for d in differences))

h = 1e-3
leading_terms = [math.e / 2 * h, -math.e / 2 * h, math.e / 6 * h**2]
for difference, leading_term in zip(differences, leading_terms, strict=True):
    error = difference(f, x, h) - exact
    assert abs(error / leading_term - 1) < 0.01, (difference.__name__, error)

# %% [markdown]
# ## Error against $h$ on a log-log plot
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
plot_fd_error(lambda v: v.exp(), x, hs=hs.tolist())


# %% [markdown]
# The slopes, fitted where truncation dominates ($h \ge 10^{-4}$) and where round-off
# dominates ($h \le 10^{-10}$):


# %%
def slope(method, lo, hi):
    keep = (hs >= lo * 0.999) & (hs <= hi * 1.001)
    return np.polyfit(np.log10(hs[keep]), np.log10(errors[method][keep]), 1)[0]


for method in errors:
    print(
        f"{method:>8}: truncation slope {slope(method, 1e-4, 1e-1):5.2f}, "
        f"round-off slope {slope(method, 1e-14, 1e-10):5.2f}, "
        f"best h = {hs[errors[method].argmin()]:.0e}"
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
# ## Several variables: the gradient
#
# For $f(x_1, \dots, x_n)$ each partial derivative is a one-variable difference along one
# coordinate, $\frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}$.
# That costs $2n$ evaluations of $f$, while backpropagation gets all $n$ partials from one
# backward pass: with a million parameters, that is the whole reason backprop exists.
#
# Take the neuron of notebook 1, $o = \tanh(x_1 w_1 + x_2 w_2 + b)$, as a function of its
# five inputs. It is written with `Value` methods (`.tanh()`); `numerical_gradient` notices
# that floats have no `.tanh()` and evaluates it on Values under `no_grad`.


# %%
def neuron(x1, x2, w1, w2, b):
    return (x1 * w1 + x2 * w2 + b).tanh()


point = [2.0, 0.0, -3.0, 1.0, 6.8813735870195432]
autodiff = np.array(grad(neuron, argnum=(0, 1, 2, 3, 4))(*point))
central = np.array(numerical_gradient(neuron, point, h=1e-5, method="central"))
forward = np.array(numerical_gradient(neuron, point, h=1e-5, method="forward"))
print("autodiff:", autodiff.round(10))
print("central: ", central.round(10), " max error", abs(central - autodiff).max())
print("forward: ", forward.round(10), " max error", abs(forward - autodiff).max())
assert abs(central - autodiff).max() < 1e-9
assert abs(central - autodiff).max() < abs(forward - autodiff).max() / 100

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
# - Forward and backward differences have error $O(h)$, the central difference $O(h^2)$,
#   as the Taylor expansion predicts (slopes 1 and 2 above).
# - Below the best $h$, round-off takes over and the error grows like $1/h$.
# - Finite differences cost $O(n)$ evaluations for $n$ inputs; backprop costs one backward
#   pass. Finite differences stay useful as the referee: `gradcheck`.
