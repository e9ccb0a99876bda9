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
# # Exercise 3 — local derivatives: VJP rules as primitives
#
# Backpropagation needs, at every node, one rule per input: given the upstream gradient `g`,
# the node's output `out` and its inputs, return `g · ∂out/∂input` (a vector-Jacobian
# product, VJP). Every primitive of `microgradx/ops.py` is one forward plus such rules.
#
# Write the rules of mul, tanh, sigmoid, relu and pow. Each check turns your rules into a
# user-defined primitive, builds a small graph with it, and runs `microgradx.check_rules`,
# which compares every rule with central differences of its node's own forward and names the
# wrong edge; the check then says which classic mistake it is. The notes (003) give the
# derivatives: tanh′ = 1 − tanh², σ′ = σ(1 − σ), ReLU′ = 1 for a > 0 and 0 otherwise.

# %%
import math

from microgradx import Value, check_rules, draw_dot, primitive
from microgradx.exercises import e03 as check

# %% [markdown]
# ## 3.1 mul: out = a · b
# Two rules, one per input, each `(g, out, a, b) -> number`.
#
# <details><summary>Hint</summary>
# ∂(a·b)/∂a is the other input, b; multiply it by the upstream g.
# </details>


# %%
def mul_rule_a(g, out, a, b):
    # begin solution: raise NotImplementedError  # your code here
    return g * b
    # end solution


def mul_rule_b(g, out, a, b):
    # begin solution: raise NotImplementedError  # your code here
    return g * a
    # end solution


# %%
check.mul(mul_rule_a, mul_rule_b)

# %% [markdown]
# ## 3.2 tanh: out = tanh(a)
#
# <details><summary>Hint</summary>
# tanh′(a) = 1 − tanh(a)², and tanh(a) is already there: it is `out`.
# </details>


# %%
def tanh_rule(g, out, a):
    # begin solution: raise NotImplementedError  # your code here
    return g * (1 - out * out)
    # end solution


# %%
check.tanh(tanh_rule)

# %% [markdown]
# ## 3.3 sigmoid: out = σ(a) = 1 / (1 + e^(−a))
#
# <details><summary>Hint</summary>
# σ′ = σ·(1 − σ), again in terms of `out`.
# </details>


# %%
def sigmoid_rule(g, out, a):
    # begin solution: raise NotImplementedError  # your code here
    return g * out * (1 - out)
    # end solution


# %%
check.sigmoid(sigmoid_rule)

# %% [markdown]
# ## 3.4 relu: out = max(a, 0)
#
# <details><summary>Hint</summary>
# A step: the gradient passes where a > 0 and stops elsewhere.
# </details>


# %%
def relu_rule(g, out, a):
    # begin solution: raise NotImplementedError  # your code here
    return g * (1.0 if a > 0 else 0.0)
    # end solution


# %%
check.relu(relu_rule)

# %% [markdown]
# ## 3.5 pow: out = a ** b, both inputs variables
#
# <details><summary>Hint</summary>
# For the base: b·a^(b − 1). For the exponent: aᵇ·ln a = out·ln a (a > 0 here).
# </details>


# %%
def pow_rule_a(g, out, a, b):
    # begin solution: raise NotImplementedError  # your code here
    return g * b * a ** (b - 1)
    # end solution


def pow_rule_b(g, out, a, b):
    # begin solution: raise NotImplementedError  # your code here
    return g * out * math.log(a)
    # end solution


# %%
check.pow(pow_rule_a, pow_rule_b)

# %% [markdown]
# ## See it: a wrong rule, drawn red
# A primitive of your own is one call: `primitive(name, forward=..., vjps=[...])`. Here is one
# with the classic tanh mistake (`out` for `1 − out²`) inside a neuron: `check_rules` names the
# edge, and `draw_dot(..., check=True)` draws it red (hover it for why).

# %%
bad_tanh = primitive("bad_tanh", forward=math.tanh, vjps=[lambda g, out, a: g * out])
x, w, b = Value(0.8, label="x"), Value(-1.5, label="w"), Value(0.3, label="b")
y = bad_tanh(x * w + b)
y.backward()
print(check_rules(y))
draw_dot(y, check=True)

# %% [markdown]
# And yours: every edge agrees with central differences of its forward.

# %%
my_tanh = primitive("my_tanh", forward=math.tanh, vjps=[tanh_rule])
y = my_tanh(x * w + b)
check_rules(y)
