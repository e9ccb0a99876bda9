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
# # Exercise 2 — forward, backward and central differences, and their order
#
# The notes (000, 001) derive three difference quotients from the Taylor series:
#
# | formula | error |
# |---|---|
# | forward (f(x + h) − f(x)) / h | f″(x)·h/2 + O(h²): order 1 |
# | backward (f(x) − f(x − h)) / h | −f″(x)·h/2 + O(h²): order 1 |
# | central (f(x + h) − f(x − h)) / 2h | f‴(x)·h²/6 + O(h⁴): order 2 |
#
# Write the three, then measure the order: on a log-log plot the error against h is a
# straight line whose slope is the order. The checks compare your code with the formulas and
# name what a wrong one computes instead.

# %%
import math

import numpy as np

from microgradx.exercises import e02 as check

# %% [markdown]
# ## 2.1 – 2.3 The three differences
#
# <details><summary>Hint</summary>
# Each is one line. Mind which points you subtract and how far apart they are.
# </details>


# %%
def forward_difference(f, x, h):
    raise NotImplementedError  # your code here


def backward_difference(f, x, h):
    raise NotImplementedError  # your code here


def central_difference(f, x, h):
    raise NotImplementedError  # your code here


# %%
check.forward(forward_difference)

# %%
check.backward(backward_difference)

# %%
check.central(central_difference)

# %% [markdown]
# ## 2.4 The order of the error
# `error_order(difference, f, df, x, hs)` computes |difference(f, x, h) − df(x)| for every h in
# `hs` and returns the slope of the least-squares line through (log h, log error). The check
# calls it with forward and central differences of exp at x = 1, h from 10⁻¹ to 10⁻⁴.
#
# <details><summary>Hint</summary>
# `np.polyfit(np.log(hs), np.log(errors), 1)[0]` is that slope: x is log h, y is log error.
# </details>


# %%
def error_order(difference, f, df, x, hs):
    raise NotImplementedError  # your code here


# %%
check.order(error_order)

# %% [markdown]
# ## See it
# Your differences' errors for exp at x = 1: halving h halves the forward error and quarters
# the central one.

# %%
for h in (1e-1, 5e-2, 2.5e-2):
    fe = abs(forward_difference(math.exp, 1.0, h) - math.e)
    ce = abs(central_difference(math.exp, 1.0, h) - math.e)
    print(f"h = {h:<7g} forward error {fe:.3e}   central error {ce:.3e}")
