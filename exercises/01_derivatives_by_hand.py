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
# # Exercise 1 — derivatives by hand: predict, then check
#
# The lecture notes work two chain-rule examples by hand (notes 003 and 004):
#
# * z = t², t = 2x + y  ⇒  ∂z/∂x = ∂z/∂t · ∂t/∂x = 2t · 2 = 8x + 4y
# * z = t², t = x + y  ⇒  ∂z/∂x = 2(x + y)
#
# Here you do the arithmetic first. Type your number where a cell says `...`, then run the
# check below it: it computes the true value with `backward()` and, if yours differs, says
# which quantity your number actually is. Hints are folded under each task; the solutions
# are in `exercises/solutions/`, for after you have tried.

# %%
from microgradx import Value
from microgradx.exercises import e01 as check

# %% [markdown]
# ## 1.1 The two local derivatives
# At x = 1, y = 1: t = 2x + y = 3 and z = t² = 9. What are ∂z/∂t and ∂t/∂x there?
#
# <details><summary>Hint</summary>
# The derivative of t² with respect to t is 2t. t = 2x + y changes by 2 when x changes by 1.
# </details>

# %%
dz_dt = ...  # your prediction
dt_dx = ...  # your prediction

# %%
check.local_derivatives(dz_dt, dt_dx)

# %% [markdown]
# ## 1.2 The chain rule: ∂z/∂x at (1, 1)
#
# <details><summary>Hint</summary>
# Multiply the two local derivatives of 1.1: ∂z/∂x = ∂z/∂t · ∂t/∂x.
# </details>

# %%
dz_dx = ...  # your prediction

# %%
check.dz_dx_number(dz_dx)

# %% [markdown]
# ## 1.3 And ∂z/∂y at (1, 1)?
#
# <details><summary>Hint</summary>
# Same ∂z/∂t; but how fast does t = 2x + y change with y?
# </details>

# %%
dz_dy = ...  # your prediction

# %%
check.dz_dy_number(dz_dy)

# %% [markdown]
# ## 1.4 The formula
# Write ∂z/∂x as a function of x and y. The check compares it with `backward()` at ten
# random points.
#
# <details><summary>Hint</summary>
# 2t · 2 with t = 2x + y; expand it.
# </details>


# %%
def dz_dx_formula(x, y):
    raise NotImplementedError  # your code here


# %%
check.dz_dx_formula(dz_dx_formula)

# %% [markdown]
# ## 1.5 The other note's example
# z = t², t = x + y, at x = 2, y = −0.5. Predict ∂z/∂x.
#
# <details><summary>Hint</summary>
# ∂z/∂t = 2t and ∂t/∂x = 1; t = 1.5 here.
# </details>

# %%
dz_dx_2 = ...  # your prediction

# %%
check.second_example(dz_dx_2)

# %% [markdown]
# ## See it
# The library's answer, on the picture: each edge carries its local derivative, each node its
# gradient — the product along the path from z to x is your 1.2.

# %%
x, y = Value(1.0, label="x"), Value(1.0, label="y")
t = 2 * x + y
t.label = "t"
z = t * t
z.label = "z"
z.backward()
z
