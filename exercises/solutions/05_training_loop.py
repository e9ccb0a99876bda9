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
# # Exercise 5 — the training loop by hand
#
# The notes' four steps of training (000, 001): compute the loss on the data, compute its
# gradient, step every parameter against the gradient, repeat. With the library that is
#
# ```
# zero_grad → loss.backward() → p.data -= lr * p.grad
# ```
#
# Write the loop for a small MLP on two moons. The check trains the same model with your
# loop and with reference loops that have the classic mistakes built in — a forgotten
# `zero_grad` (gradients pile up), the wrong sign (the loss rises), `zero_grad` in the wrong
# place — and names the one your loss curve matches. Then pick a learning rate.

# %%
from microgradx.exercises import e05 as check

X, y = check.moons()  # 40 points, labels 0/1
model = check.new_model()  # MLP(2 → 8 → 1), tanh, seed 0
check.loss_of(model, X, y)  # the mean hinge loss: what the loop minimises

# %% [markdown]
# ## 5.1 The loop
# `train(model, X, y, steps, lr)` runs `steps` steps of full-batch gradient descent and
# returns the list of the losses (one `loss.data` per step, before its update). Use
# `check.loss_of(model, X, y)` for the loss, `model.zero_grad()` and `model.parameters()`.
#
# <details><summary>Hint</summary>
# Inside the loop, in this order: the loss, zero_grad, backward, the update of every
# parameter, record the loss's number.
# </details>


# %%
def train(model, X, y, steps, lr):
    # begin solution: raise NotImplementedError  # your code here
    history = []
    for _ in range(steps):
        loss = check.loss_of(model, X, y)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        history.append(loss.data)
    return history
    # end solution


# %%
check.loop(train)

# %% [markdown]
# ## 5.2 A learning rate
# Choose a rate with which the loss halves within 30 steps and never jumps up. Try a few:
# `train(check.new_model(), X, y, 30, lr)` shows the curve.
#
# <details><summary>Hint</summary>
# Too small crawls, too large overshoots the valley and bounces. Try powers of ten first.
# </details>

# %%
# begin solution: lr = ...  # your choice
lr = 0.1
# end solution

# %%
check.learning_rate(lr)
