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
# # 5 · Backpropagation: the chain rule, node by node
#
# Training a network means nudging every parameter against the slope of the loss. This
# notebook computes those slopes by hand with the chain rule and automatically with
# `backward()`, each checking the other, and then builds `backward()` itself.

# %%
# %matplotlib inline
import math
import tempfile

from IPython.display import SVG, display

from microgradx import Value, topological_order, zero_grad
from microgradx.viz import backward_steps, draw_dot, render_backward_steps

# %% [markdown]
# ## The chain rule by hand
#
# Take $z = t^2$ with $t = 2x + y$. $z$ depends on $x$ only through $t$, so the slopes
# multiply:
#
# $$\frac{\partial z}{\partial x}
# = \frac{\partial z}{\partial t}\cdot\frac{\partial t}{\partial x}
# = 2t \cdot 2 = 4(2x + y) = 8x + 4y,$$
#
# $$\frac{\partial z}{\partial y}
# = \frac{\partial z}{\partial t}\cdot\frac{\partial t}{\partial y}
# = 2t \cdot 1 = 4x + 2y .$$

# %%
x0, y0 = 1.5, -2.0
t0 = 2 * x0 + y0
dz_dt = 2 * t0  # local derivative of t²
dz_dx_hand = dz_dt * 2  # ∂t/∂x = 2
dz_dy_hand = dz_dt * 1  # ∂t/∂y = 1
print(f"t = {t0},  ∂z/∂x = {dz_dx_hand} = 8x + 4y = {8 * x0 + 4 * y0}")
assert dz_dx_hand == 8 * x0 + 4 * y0 and dz_dy_hand == 4 * x0 + 2 * y0

# %% [markdown]
# ## The same by `backward()`
#
# A `Value` remembers how it was made. Building $z$ from `Value`s records a graph; `draw_dot`
# draws it. Every node shows its `data`; its `grad` reads "—" and the caption says the
# gradients are not computed yet, because `backward()` has not run.

# %%
x = Value(x0, label="x")
y = Value(y0, label="y")
two_x = 2 * x
two_x.label = "2x"
t = two_x + y
t.label = "t"
z = t**2
z.label = "z"
before = draw_dot(z)
assert before.source.count("grad —") == len(topological_order(z))  # no grads yet
before

# %% [markdown]
# `z.backward()` walks the graph once from $z$ back to the leaves, applying the chain rule
# at every node. Each node multiplies the gradient arriving from above (the *upstream*
# gradient) by its own *local* gradient and passes the product to its inputs. In the
# drawing, the red $\partial$ on each edge is that local gradient, and every `grad` is the
# product of the $\partial$s along the path from $z$: for $x$, $2t \cdot 2 = 4$.

# %%
z.backward()
print(f"x.grad = {x.grad}, y.grad = {y.grad}, t.grad = {t.grad}")
assert abs(x.grad - dz_dx_hand) < 1e-9 and abs(y.grad - dz_dy_hand) < 1e-9
assert abs(t.grad - dz_dt) < 1e-9
after = draw_dot(z)
assert "grad —" not in after.source and "grad 4.000" in after.source
after

# %% [markdown]
# ## A neuron, back-propagated node by node
#
# A neuron computes $o = \tanh(n)$ with $n = x_1 w_1 + x_2 w_2 + b$. Its graph has five
# leaves and five operations. Backpropagation visits the operations from the output back,
# and at each one applies
#
# $$\text{gradient of an input} = \text{local gradient} \times \text{upstream gradient},$$
#
# with three local rules: $\frac{d}{dn}\tanh n = 1 - \tanh^2 n$; a sum passes the upstream
# gradient unchanged to each input; a product $a \cdot b$ sends $b \cdot$ upstream to $a$
# and $a \cdot$ upstream to $b$.

# %%
x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
n = x1 * w1 + x2 * w2 + b
o = math.tanh(n)

hand = {"o": 1.0}  # ∂o/∂o = 1 seeds the backward pass
hand["n"] = (1 - o**2) * hand["o"]  # tanh
hand["x1w1 + x2w2"] = 1.0 * hand["n"]  # + passes the gradient on
hand["b"] = 1.0 * hand["n"]
hand["x1w1"] = 1.0 * hand["x1w1 + x2w2"]
hand["x2w2"] = 1.0 * hand["x1w1 + x2w2"]
hand["x1"] = w1 * hand["x1w1"]  # × sends the other factor times upstream
hand["w1"] = x1 * hand["x1w1"]
hand["x2"] = w2 * hand["x2w2"]
hand["w2"] = x2 * hand["x2w2"]
for name, g in hand.items():
    print(f"∂o/∂{name:<12} = {g:+.4f}")

# %% [markdown]
# Now the same neuron with `Value`s. Labels name the nodes so the drawing matches the table.

# %%
leaves = [("x1", x1), ("x2", x2), ("w1", w1), ("w2", w2), ("b", b)]
nodes = {name: Value(v, label=name) for name, v in leaves}
x1w1 = nodes["x1"] * nodes["w1"]
x2w2 = nodes["x2"] * nodes["w2"]
s = x1w1 + x2w2
n_node = s + nodes["b"]
o_node = n_node.tanh()
inner = [(x1w1, "x1w1"), (x2w2, "x2w2"), (s, "x1w1 + x2w2"), (n_node, "n"), (o_node, "o")]
for node, name in inner:
    node.label = name
    nodes[name] = node

o_node.backward()
for name, g in hand.items():
    assert abs(nodes[name].grad - g) < 1e-9, (name, nodes[name].grad, g)
print("hand-derived gradients equal backward() for all", len(hand), "nodes")
draw_dot(o_node)

# %% [markdown]
# ### Step by step
#
# The frames below replay the backward pass one node at a time, in the order `backward()`
# visits them (reverse topological order: a node is processed only after every node that
# uses it).

# %%
steps = list(backward_steps(o_node))
for step in steps:
    local = ", ".join(f"{d:+.3f}" for d in step.local_grads) or "leaf"
    name = step.node.label
    print(f"{step.index}: {name:<12} upstream {step.upstream:+.4f}   local ∂ {local}")
    assert abs(step.upstream - hand[step.node.label]) < 1e-9
assert [s.node for s in steps] == list(reversed(topological_order(o_node)))

# %% [markdown]
# The same steps as pictures: the highlighted node is the one being processed, its input
# edges read "local ∂ × upstream = contribution".

# %%
with tempfile.TemporaryDirectory() as frames_dir:
    frames = render_backward_steps(o_node, frames_dir, "svg")
    assert len(frames) == len(steps)
    for frame in frames:
        display(SVG(filename=str(frame)))

# %% [markdown]
# ## Gradients add up
#
# When a value is used twice, it influences the output along two paths, and the
# multivariable chain rule *sums* the contributions. For $c = a + a$, $\partial c/\partial a
# = 2$. For the same reason leaf gradients *accumulate* across `backward()` calls, as in
# PyTorch: reset them with `zero_grad` before computing fresh ones.

# %%
a = Value(3.0, label="a")
c = a + a
c.backward()
print("after one backward:", a.grad)
assert a.grad == 2.0

c.backward()
print("after two:", a.grad)
assert a.grad == 4.0

zero_grad([a])
c.backward()
assert a.grad == 2.0

# %% [markdown]
# ## Takeaways
#
# - The chain rule multiplies local slopes along a path and sums over paths.
# - Backpropagation applies it once per node, from the output back: local gradient ×
#   upstream gradient. `backward()` does exactly what we did by hand.
# - Gradients of leaves accumulate; call `zero_grad` between steps.
