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
# # Exercise 4 — backpropagation from scratch
#
# Write a `Value` of your own, about 30 lines: it holds `data` and `grad`, remembers the
# Values it was made from, and each operation leaves behind a `_backward` function that
# pushes the node's gradient to its inputs (`+=`: a Value used twice receives two
# contributions). `backward()` seeds the output with gradient 1, orders the graph
# topologically, and runs every `_backward` from the output back to the inputs.
#
# The checks run your class on the notes' graphs (z = (2x + y)², z = (x + y)²) and on 50
# random graphs, against the library; when a gradient is wrong they probe for the classic
# bugs: `=` for `+=`, a wrong order, a forgotten seed gradient.

# %%
import math

from microgradx.exercises import e04 as check

# %% [markdown]
# ## 4.1 – 4.3 Your Value
# Fill in `__add__`, `__mul__`, `tanh` and `backward`. Both operands are Values (the checks
# never mix in plain numbers).
#
# <details><summary>Hint: the operations</summary>
# For out = a + b: a.grad += out.grad and b.grad += out.grad. For out = a · b:
# a.grad += b.data · out.grad. For out = tanh(a): a.grad += (1 − out.data²) · out.grad.
# </details>
#
# <details><summary>Hint: backward</summary>
# Build a list of nodes, each after all its inputs (visit the inputs first, then append the
# node; remember who was visited). Set self.grad = 1.0, then call `_backward` of each node in
# reversed order.
# </details>


# %%
class Value:
    def __init__(self, data, _children=()):
        self.data = data
        self.grad = 0.0
        self._prev = _children
        self._backward = lambda: None

    def __add__(self, other):
        # begin solution: raise NotImplementedError  # your code here
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out
        # end solution

    def __mul__(self, other):
        # begin solution: raise NotImplementedError  # your code here
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out
        # end solution

    def tanh(self):
        # begin solution: raise NotImplementedError  # your code here
        out = Value(math.tanh(self.data), (self,))

        def _backward():
            self.grad += (1 - out.data**2) * out.grad

        out._backward = _backward
        return out
        # end solution

    def backward(self):
        # begin solution: raise NotImplementedError  # your code here
        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    visit(child)
                order.append(v)

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()
        # end solution


# %%
check.forward(Value)

# %%
check.notes_graphs(Value)

# %%
check.random_graphs(Value)
