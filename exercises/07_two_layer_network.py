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
# # Exercise 7 — the notes' 2-layer ReLU network, every ∂J/∂w by hand
#
# Note 003 derives backpropagation for this network (no biases), N samples x with targets t:
#
# n_m = Σ_n w¹_nm·x_n,  h_m = ReLU(n_m),  y = n = Σ_m w²_m·h_m,  J = (1/N) Σ_i (y_i − t_i)²
#
# ∂J/∂w¹_nm = (1/N) Σ_i 2(y − t) · Identity′(n) · w²_m · ReLU′(n_m) · x_n, and the part up to
# ReLU′ is shared by every weight of unit m ("compute the common part once").
#
# Write `gradients_by_hand(W1, w2, X, T)` with plain Python numbers (no Value): `W1[n][m]` is
# w¹_nm (rows = inputs, columns = hidden units), `w2[m]` is w²_m. Return `(dW1, dw2)` of the
# same shapes. The check compares every entry with `backward()` on the same network.

# %%
from microgradx.exercises import e07 as check

check.W1, check.W2, check.X, check.T  # the numbers the check uses

# %% [markdown]
# ## 7.1 Every partial derivative
#
# <details><summary>Hint</summary>
# Per sample: the forward pass (n_m, h_m, y), then dy = 2(y − t)/N; ∂J/∂w²_m += dy·h_m;
# the common part of unit m is dy·w²_m·ReLU′(n_m), and ∂J/∂w¹_nm += common·x_n.
# </details>


# %%
def gradients_by_hand(W1, w2, X, T):
    raise NotImplementedError  # your code here


# %%
check.gradients(gradients_by_hand)
