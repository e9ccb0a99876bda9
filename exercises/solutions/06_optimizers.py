# ---
# jupyter:
#   jupytext:
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
# # Exercise 6 — momentum and Adam
#
# The notes (003) list the variants of gradient descent. Two of them, as `torch.optim` and
# `microgradx.optim` compute them, with g the gradient of one parameter p:
#
# * **Momentum** (μ = momentum): v ← μ·v + g;  p ← p − lr·v
# * **Adam**: m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  at step t = 1, 2, …:
#   m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ);  p ← p − lr·m̂ / (√v̂ + eps)
#
# Write both as classes with `__init__(params, …)` and `step()`, which reads each
# parameter's `.grad` and updates its `.data`. The checks run yours next to
# `microgradx.optim` on the same problem and compare the parameters after every step.

# %%
import math

from microgradx.exercises import e06 as check

# %% [markdown]
# ## 6.1 SGD with momentum
#
# <details><summary>Hint</summary>
# Keep one velocity per parameter (a list of zeros to start), update it, then the parameter.
# </details>


# %%
class MyMomentum:
    def __init__(self, params, lr, momentum=0.9):
        # begin solution: raise NotImplementedError  # your code here
        self.params, self.lr, self.momentum = list(params), lr, momentum
        self.velocity = [0.0] * len(self.params)
        # end solution

    def step(self):
        # begin solution: raise NotImplementedError  # your code here
        for i, p in enumerate(self.params):
            self.velocity[i] = self.momentum * self.velocity[i] + p.grad
            p.data -= self.lr * self.velocity[i]
        # end solution


# %%
check.momentum(MyMomentum)

# %% [markdown]
# ## 6.2 Adam
#
# <details><summary>Hint</summary>
# Two buffers per parameter (m and v), and a step counter t that is 1 at the first step.
# The bias corrections divide by 1 − β₁ᵗ and 1 − β₂ᵗ: without them the first steps are tiny.
# </details>


# %%
class MyAdam:
    def __init__(self, params, lr=0.01, betas=(0.9, 0.999), eps=1e-8):
        # begin solution: raise NotImplementedError  # your code here
        self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.t = 0
        # end solution

    def step(self):
        # begin solution: raise NotImplementedError  # your code here
        b1, b2 = self.betas
        self.t += 1
        for i, p in enumerate(self.params):
            g = p.grad
            self.m[i] = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
            m_hat = self.m[i] / (1 - b1**self.t)
            v_hat = self.v[i] / (1 - b2**self.t)
            p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)
        # end solution


# %%
check.adam(MyAdam)
