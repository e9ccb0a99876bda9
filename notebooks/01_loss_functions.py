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
# # 1 · Loss functions: what training minimises
#
# 📖 Note 000/001 · 1. Rule-based vs. Data-driven, 2. 손실 함수 (loss function) ·
# Note 004 · Step 1. 데이터 주도 학습 (data-driven learning)
#
# A *rule-based* program is told what to do; a *data-driven* one finds its own parameters
# (weights and biases) from examples. To do that it needs a single number that says how
# wrong it is on the data: the **loss**. Training is then an optimisation problem: find the
# parameters $\theta$ that make the loss $J(\theta)$ as small as possible.
#
# This course follows the order of the lecture notes:
#
# | # | notebook | question |
# |---|---|---|
# | 1 | loss functions (this one) | what number do we minimise? |
# | 2 | numerical differentiation, the gradient | how does the loss change as a parameter moves? |
# | 3 | gradient descent | how do we walk downhill, and where can we get stuck? |
# | 4 | the training algorithm | batches, epochs, iterations, data splits, over- and underfitting |
# | 5 | backpropagation | how are all gradients computed at once? (a `Value` from scratch) |
# | 6 | activation functions | how do their derivatives help or hurt the gradient flow? |
# | 7 | optimizers | SGD, Momentum, AdaGrad, RMSProp, Adam, compared fairly |
# | 8 | second order (optional) | Jacobian, Hessian, forward/reverse mode, (quasi-)Newton |
#
# Every section names the note and heading it reproduces, like the line under the title.
# There is a Korean edition of every notebook in `notebooks/ko/`, with the same code.

# %%
# %matplotlib inline

# %%
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx import Value, losses
from microgradx.course import setup_figures, show_glossary, tr

setup_figures()  # figure text in either edition's language

# %% [markdown]
# ## Glossary
#
# The notes' Korean terms, spelled as the notes spell them, with the English and the
# symbol this course uses; "note" says which lecture note uses that spelling. Both editions
# render this one table (`microgradx.glossary`).

# %%
show_glossary()

# %% [markdown]
# ## Notation map
#
# The notes use different letters for the same thing, and one letter for different
# things. The course writes each idea one way, taking note 003's symbols ($J$, $\alpha$),
# because notebooks 3–8 reproduce note 003's formulas, and the Korean terms of
# *밑바닥부터 시작하는 딥러닝*, the book note 004 cites ($y$/$t$, 오차역전파법, 계산 그래프).
#
# | the notes | meaning | course | microgradx |
# |---|---|---|---|
# | $E_1$, $E_2$, $E(w, b)$, $f(X)$ (000/001), $J$ (003) | the loss | $J$ | `losses.mse`, … |
# | $\eta$ (000/001, the book), $\alpha$ (003) | learning rate, step size | $\alpha$ | `lr=` |
# | $X_n$ (001), $w$, $b$, $\theta$ (003) | parameters (at step $n$) | $\theta_k$ | `parameters()` |
# | $y_i$, $t_i$ (000/001, the book) | prediction, target | $y_i$, $t_i$ | `pred`, `target` |
# | $K$, $t_k$ (003) | classes, observed distribution | $K$, one-hot $t_{ik}$ | class index |
# | $w^1_{nm}$ (003) | layer 1: input $n$ → hidden unit $m$ | $w^1_{nm}$ | `L1.N{m}.w{n−1}` |
# | $w^2_m$ (003) | hidden unit $m$ → output | $w^2_m$ | `L2.N1.w{m−1}` |
# | $n$ (003), as in $x_n$ | an input's index | $n$ | |
# | $n$ (003), as in $y = \text{Identity}(n)$ | the output's weighted sum | $s$ | |
# | $n_m$ (003), as in $h_m = \text{ReLU}(n_m)$ | hidden unit $m$'s weighted sum | $s_m$ | |
# | $N$ (003's $J$) | samples | $N$ | |
# | $n$ (003's $\sigma/\sqrt n$) | samples in a mini-batch | $B$ | `batch_size=` |
# | $h$ | the step of a difference quotient | $h$ | `h=` |
#
# Layers and neurons are counted from 1 in both the notes and microgradx, a neuron's
# weights from 0 in microgradx.

# %% [markdown]
# ## A neuron, a layer, a network: what the parameters are
#
# 📖 Note 000/001 · 2. 손실 함수 (왜 손실 함수를 설정하는가?) · Note 003 · Backpropagation
#
# The losses below judge the predictions $y$ of a model, and training changes the model's
# **parameters**. In a neural network they are the weights and biases of its neurons. One
# **neuron** with inputs $x_1, \dots, x_n$ computes a weighted sum and passes it through an
# activation function $\varphi$:
#
# $$y = \varphi\Big(\sum_{n} w_n x_n + b\Big).$$
#
# A **layer** is several neurons reading the same inputs; a **network** feeds one layer's
# outputs to the next. Note 003's network has inputs $x_n$, hidden units
# $h_m = \mathrm{ReLU}(s_m)$ with $s_m = \sum_n w^1_{nm} x_n + b^1_m$, and one output
# $y = s = \sum_m w^2_m h_m + b^2$. The superscript is the layer, $w^1_{nm}$ joins input
# $n$ to hidden unit $m$. With 2 inputs and 3 hidden units it has $3 \cdot (2 + 1)$ hidden
# parameters and $3 + 1$ output ones. Below it is written out with numpy, once neuron by
# neuron and once as a matrix product; both must give the same $y$.

# %%
rng = np.random.default_rng(0)
W1 = rng.normal(size=(2, 3))  # W1[n, m] = w¹ₙₘ: input n → hidden unit m (from 0 here)
b1 = rng.normal(size=3)
w2 = rng.normal(size=3)  # w²ₘ: hidden unit m → the output
b2 = rng.normal()


def relu(z):
    return max(z, 0.0)


def neuron(inputs, weights, bias, activation):
    """One neuron: the weighted sum of its inputs plus a bias, through an activation."""
    return activation(sum(w * x for w, x in zip(weights, inputs, strict=True)) + bias)


def network(x):
    hidden = [neuron(x, W1[:, m], b1[m], relu) for m in range(3)]  # one layer: 3 neurons
    return neuron(hidden, w2, b2, lambda z: z)  # the output: identity activation


x = np.array([0.7, -0.4])
by_neurons = network(x)
by_matrices = np.maximum(x @ W1 + b1, 0) @ w2 + b2
n_parameters = W1.size + b1.size + w2.size + 1
print(
    tr(
        f"y = {by_neurons:.6f} neuron by neuron, {by_matrices:.6f} as matrices",
        f"y = {by_neurons:.6f} (뉴런 하나씩), {by_matrices:.6f} (행렬 곱)",
    )
)
print(
    tr(
        f"{n_parameters} parameters: 3·(2 + 1) in the hidden layer, 3 + 1 in the output",
        f"매개변수 {n_parameters}개: 은닉층 3·(2 + 1)개, 출력층 3 + 1개",
    )
)
assert abs(by_neurons - by_matrices) < 1e-12
assert n_parameters == 3 * (2 + 1) + (3 + 1)

# %% [markdown]
# Nudging one weight changes the output only through the one hidden unit it feeds:
# $w^1_{12}$ (input 1 → unit 2) moves $y$ by $w^2_2\, x_1\, \mathrm{ReLU}'(s_2)$ per unit of
# change, a first taste of the chain rule (notebook 5 does it for every weight at once).

# %%
s = x @ W1 + b1  # the hidden units' weighted sums s_m
W1[0, 1] += 1e-6  # w¹₁₂ (numpy counts from 0)
change = (network(x) - by_neurons) / 1e-6
W1[0, 1] -= 1e-6
predicted = w2[1] * x[0] * (1.0 if s[1] > 0 else 0.0)
rule = tr("by the chain rule", "연쇄 법칙으로")
print(f"∂y/∂w¹₁₂ ≈ {change:.6f}, {rule} w²₂·x₁·ReLU′(s₂) = {predicted:.6f}")
assert abs(change - predicted) < 1e-6

# %% [markdown]
# ## Forward, backward, update: three different steps
#
# 📖 Note 000/001 · DNN의 학습 - 순전파와 역전파
#
# > **Correcting the notes.** Note 001 says 역전파 (backpropagation) is "the process of
# > updating the weights from output to input". It is not: backpropagation only
# > **computes the gradient** $\partial J / \partial \theta$ of the loss with respect to
# > every parameter, and changes no parameter. Changing them is a separate step, the
# > **update** (갱신), e.g. gradient descent $\theta \leftarrow \theta - \alpha\,
# > \partial J/\partial\theta$ (notebook 3), and other optimizers (notebook 7) use the same
# > gradient differently. One training step is three steps: forward (compute $J$),
# > backward (compute the gradients), update.
#
# Here with microgradx's `Value`, used as a black box until notebook 5 builds it: a
# number that remembers how it was computed, so that `backward()` can fill in each
# input's `.grad`. One neuron with identity activation, one sample, squared error:

# %%
w, b = Value(0.5), Value(-0.3)
x1, t1 = 2.0, 1.5
loss = (w * x1 + b - t1) ** 2  # forward: J = (w·x + b − t)²
loss.backward()  # backward: fills w.grad and b.grad
residual = 0.5 * x1 - 0.3 - t1
print(
    tr("after backward:", "역전파 뒤:"),
    f"w = {w.data}, b = {b.data}; ∂J/∂w = {w.grad:.4f}, ∂J/∂b = {b.grad:.4f}",
)
assert (w.data, b.data) == (0.5, -0.3)  # backpropagation moved no parameter …
assert abs(w.grad - 2 * residual * x1) < 1e-12 and abs(b.grad - 2 * residual) < 1e-12

alpha = 0.05
w.data -= alpha * w.grad  # … the update is its own step
b.data -= alpha * b.grad
after = (w.data * x1 + b.data - t1) ** 2
print(tr("after the update:", "갱신 뒤:"), f"J = {loss.data:.4f} → {after:.4f}")
assert after < loss.data

# %% [markdown]
# ## Regression: mean squared error
#
# 📖 Note 000/001 · 손실 함수의 종류 · Note 003 · 최적화 문제: 회귀 (regression)
#
# With predictions $y_i$ and targets $t_i$, the notes write the squared error two ways:
#
# $$E_1 = J_{\text{MSE}} = \frac1n \sum_{i=1}^n (y_i - t_i)^2, \qquad
# E_2 = J_{\frac12\text{SSE}} = \frac12 \sum_{i=1}^n (y_i - t_i)^2 .$$
#
# They have the same minimiser and differ only in scale, hence in the size of their
# derivatives: $\partial J_{\text{MSE}}/\partial y_i = \frac2n (y_i - t_i)$, while the
# $\frac12$ makes $\partial J_{\frac12\text{SSE}}/\partial y_i = y_i - t_i$ exactly. We check
# both with the symmetric difference quotient $\frac{J(y_i + h) - J(y_i - h)}{2h}$ (notebook 2
# explains why the symmetric one).


# %%
def slope(f, x, h=1e-6):
    """Symmetric difference quotient: the derivative of f at x, approximately."""
    return (f(x + h) - f(x - h)) / (2 * h)


preds = np.array([2.0, 0.5, -1.0])
targets = np.array([1.5, 0.0, 0.0])
n = len(preds)
for i in range(n):

    def moved(yi, loss, i=i):
        y = preds.copy()
        y[i] = yi
        return loss([Value(v) for v in y], targets.tolist()).data

    d_mse = slope(lambda yi: moved(yi, losses.mse), preds[i])
    d_half = slope(lambda yi: moved(yi, losses.half_sse), preds[i])
    print(f"y_{i + 1}: ∂MSE/∂y = {d_mse:+.6f}   ∂(½SSE)/∂y = {d_half:+.6f}")
    assert abs(d_mse - 2 / n * (preds[i] - targets[i])) < 1e-8
    assert abs(d_half - (preds[i] - targets[i])) < 1e-8

# %% [markdown]
# ## p-norms: how to measure a residual vector
#
# 📖 Note 003 · 참고 Norm (크기)
#
# The residuals $r_i = y_i - t_i$ form a vector, and a regression loss measures its size
# with a **norm**:
#
# $$\lVert r \rVert_p = \Big(\sum_{i=1}^n |r_i|^p\Big)^{1/p}\ (p \ge 1), \qquad
# \lVert r \rVert_\infty = \max_i |r_i| .$$
#
# $L_1$ (Manhattan) sums absolute errors: the mean absolute error is
# $\lVert r \rVert_1 / n$. $L_2$ (Euclidean) is the MSE's: $J_{\text{MSE}} = \lVert r
# \rVert_2^2 / n$. $L_\infty$ (Chebyshev) is the single worst error; it is the limit of
# $\lVert r \rVert_p$ as $p \to \infty$, and $\lVert r \rVert_p$ never grows with $p$.

# %%
r = np.array([0.5, -2.0, 1.0, 0.25])
norms = {p: np.sum(np.abs(r) ** p) ** (1 / p) for p in (1, 2, 4, 8, 32)}
print("  ".join(f"‖r‖_{p} = {v:.4f}" for p, v in norms.items()), f"  max |r| = {np.abs(r).max()}")
assert norms[1] == np.linalg.norm(r, 1) and abs(norms[2] - np.linalg.norm(r)) < 1e-12
assert list(norms.values()) == sorted(norms.values(), reverse=True)  # falls as p grows
assert abs(norms[32] - np.linalg.norm(r, np.inf)) < 0.01  # → the largest |r_i|

y_hat, t = [Value(v) for v in r], [0.0] * len(r)  # predictions r against targets 0
assert abs(losses.mae(y_hat, t).data - norms[1] / len(r)) < 1e-12
assert abs(losses.mse(y_hat, t).data - norms[2] ** 2 / len(r)) < 1e-12

# %% [markdown]
# The choice matters when the data has an outlier. Fit the simplest model, one constant
# $c$, to the targets $t = (1, 2, 3, 4, 30)$ by minimising each norm of $t - c$. The $L_2$
# fit is the mean, pulled towards the outlier; the $L_1$ fit is the median, which ignores
# how far the outlier is; the $L_\infty$ fit is the midrange, decided by the outlier alone.

# %%
t = np.array([1.0, 2.0, 3.0, 4.0, 30.0])
cs = np.linspace(0, 32, 32001)
residual_norms = {
    "L1": np.abs(t[None, :] - cs[:, None]).sum(axis=1),
    "L2": np.sqrt(((t[None, :] - cs[:, None]) ** 2).sum(axis=1)),
    "L∞": np.abs(t[None, :] - cs[:, None]).max(axis=1),
}
best = {name: cs[values.argmin()] for name, values in residual_norms.items()}
expected = {"L1": np.median(t), "L2": t.mean(), "L∞": (t.min() + t.max()) / 2}
for name in best:
    print(
        tr(
            f"{name:>3}: best constant {best[name]:6.3f}   ({expected[name]:g} expected)",
            f"{name:>3}: 가장 좋은 상수 {best[name]:6.3f}   (예상값 {expected[name]:g})",
        )
    )
    assert abs(best[name] - expected[name]) < 2e-3

fig = Figure(figsize=(6.4, 3.6), layout="constrained")
ax = fig.subplots()
for name, values in residual_norms.items():
    label = tr(f"{name}: minimum at c = {best[name]:.1f}", f"{name}: c = {best[name]:.1f}에서 최소")
    ax.plot(cs, values / values.min(), label=label)
    ax.plot(best[name], 1.0, "o", color=ax.lines[-1].get_color())
targets_label = tr("targets t", "실제값 t")
ax.plot(t, np.full_like(t, 0.9), "|", color="black", markersize=14, label=targets_label)
ax.set(
    xlabel=tr("constant prediction c", "상수 예측값 c"),
    ylabel=tr("‖t − c‖ / its minimum", "‖t − c‖ / 그 최솟값"),
    ylim=(0.85, 4),
)
ax.set_title(
    tr(
        "fitting one constant: L1 → median, L2 → mean, L∞ → midrange",
        "상수 하나 맞추기: L1 → 중앙값, L2 → 평균, L∞ → 중간값",
    )
)
ax.legend(frameon=False, loc="upper center")
fig

# %% [markdown]
# ## Why accuracy cannot be the loss
#
# 📖 Note 004 · Step 2. 손실 함수: 1) 그렇담 왜 손실 함수를 사용?
#
# For classification we care about accuracy, the share of correct predictions. Yet we never
# train on it. Gradient descent moves each parameter against the derivative of the loss; the
# derivative of accuracy with respect to a parameter is **0 almost everywhere**: a small
# nudge flips no prediction, so accuracy does not move at all, and where it does move it
# jumps. It is a step function of the parameters, like the step activation the notes reject
# for the same reason.
#
# One classifier with one parameter makes this concrete: it predicts class 1 when
# $x > b$, with probability $p_i = \sigma(3(x_i - b))$, on points $x_i$ with labels
# $t_i \in \{0, 1\}$. Accuracy counts the points on the right side of $b$; the binary
# cross-entropy $-\frac1n\sum_i [t_i \log p_i + (1 - t_i)\log(1 - p_i)]$ is smooth.
# Gradient descent, $b \leftarrow b - \alpha \cdot \text{slope}$, moves $b$ only on the
# second.

# %%
rng = np.random.default_rng(0)
xs = rng.normal(size=40)
labels = (xs + 0.4 * rng.normal(size=40) > 0).astype(float)  # mostly: class 1 when x > 0


def accuracy(b):
    return np.mean((xs > b) == (labels == 1))


def bce(b):
    logits = [Value(3 * (x - b)) for x in xs]
    return losses.binary_cross_entropy_with_logits(logits, labels.tolist()).data


bs = np.linspace(-2, 2, 401)
flat = np.mean([slope(accuracy, b, h=1e-4) == 0.0 for b in bs])
print(
    tr(
        f"accuracy's slope is exactly 0 at {flat:.0%} of the b tried",
        f"시험한 b의 {flat:.0%}에서 정확도의 기울기가 정확히 0",
    )
)
assert flat > 0.95

start = 1.5
descent = {"accuracy": start, "cross-entropy": start}
for _ in range(100):
    descent["accuracy"] -= 0.5 * -slope(accuracy, descent["accuracy"])  # maximise accuracy
    descent["cross-entropy"] -= 0.5 * slope(bce, descent["cross-entropy"])
for name, b in descent.items():
    on = tr(
        f"descending on {name:>13}",
        {"accuracy": "정확도로 내려가기", "cross-entropy": "크로스 엔트로피로 내려가기"}[name],
    )
    print(f"{on}: b = {start} → {b:.3f}, {tr('accuracy', '정확도')} {accuracy(b):.0%}")
assert descent["accuracy"] == start  # not a single step: the slope was 0
assert accuracy(descent["cross-entropy"]) > accuracy(start) + 0.1

fig = Figure(figsize=(8.0, 3.2), layout="constrained")
left, right = fig.subplots(1, 2)
threshold = tr("threshold b", "경계 b")
left.plot(bs, [accuracy(b) for b in bs], drawstyle="steps-mid")
left.set(
    title=tr("accuracy: flat, then a jump", "정확도: 평평하다가 뛴다"),
    xlabel=threshold,
    ylabel=tr("accuracy", "정확도"),
)
right.plot(bs, [bce(b) for b in bs], color="#ea580c")
right.set(
    title=tr("cross-entropy: smooth, sloping to its minimum", "크로스 엔트로피: 매끄럽다"),
    xlabel=threshold,
    ylabel=tr("loss", "손실"),
)
for ax in (left, right):
    ax.axvline(descent["cross-entropy"], color="#94a3b8", linestyle=":")
fig

# %% [markdown]
# The dotted line is where descent on the cross-entropy stopped, and on the left it sits in
# a **dip** of the accuracy curve: a little to its left, accuracy is higher. That is no
# bug. The cross-entropy is a **surrogate loss** (대리 손실): a smooth stand-in that we can
# differentiate, not accuracy itself. It also rewards confident correct predictions and
# punishes confident wrong ones by how far they are from the threshold, which accuracy
# ignores, so its minimiser need not maximise accuracy. We train on the surrogate and
# report accuracy; the two usually agree roughly, not exactly.

# %%
b_ce = bs[np.argmin([bce(b) for b in bs])]  # the cross-entropy's minimum on the grid
best_accuracy = max(accuracy(b) for b in bs)
best_bs = bs[[accuracy(b) == best_accuracy for b in bs]]
print(
    tr(
        f"cross-entropy is lowest at b = {b_ce:.2f} (accuracy {accuracy(b_ce):.1%}); "
        f"accuracy is highest, {best_accuracy:.1%}, "
        f"for b in [{best_bs.min():.2f}, {best_bs.max():.2f}]",
        f"크로스 엔트로피는 b = {b_ce:.2f}에서 가장 작고(정확도 {accuracy(b_ce):.1%}), "
        f"정확도는 b가 [{best_bs.min():.2f}, {best_bs.max():.2f}]일 때 "
        f"{best_accuracy:.1%}로 가장 높다",
    )
)
assert abs(b_ce - descent["cross-entropy"]) < 0.02  # descent found the surrogate's minimum …
assert accuracy(b_ce) < best_accuracy - 0.05  # … and it is not where accuracy is highest

# %% [markdown]
# ## Classification: information, entropy, cross-entropy
#
# 📖 Note 003 · 참고 정보량 (Self-Information), 참고 엔트로피 (Entropy)
#
# The **self-information** of an event of probability $p$ is $I = -\log_2 p$ bits: the rarer
# the event, the bigger the surprise; a certain event carries none. The **entropy**
# $H(p) = -\sum_x p(x) \log p(x)$ is the expected surprise, a measure of how random $p$ is.
# For a coin that lands heads with probability $p$,
# $H(p) = -p \log_2 p - (1 - p)\log_2(1 - p)$: zero for a coin that always lands the same
# way, largest (1 bit) for a fair coin.

# %%
assert abs(losses.self_information(0.5, base=2).data - 1.0) < 1e-12  # a fair coin flip
assert abs(losses.self_information(1 / 8, base=2).data - 3.0) < 1e-12  # 1 of 8 outcomes

ps = np.linspace(0, 1, 201)
H = np.array([losses.entropy(p, base=2).data for p in ps])
assert H[0] == 0.0 and H[-1] == 0.0  # certain outcomes: no surprise
assert ps[H.argmax()] == 0.5 and abs(H.max() - 1.0) < 1e-12  # a fair coin: 1 bit
assert np.allclose(H, H[::-1], rtol=0, atol=1e-12)  # heads and tails are symmetric
assert (
    abs(losses.entropy(0.1, base=2).data - (-0.1 * math.log2(0.1) - 0.9 * math.log2(0.9))) < 1e-12
)

fig = Figure(figsize=(4.8, 3.4), layout="constrained")
ax = fig.subplots()
ax.plot(ps, H)
ax.plot(0.5, 1.0, "o", color="black")
ax.annotate(tr("fair coin: 1 bit", "공정한 동전: 1비트"), (0.5, 1.0), (0.56, 0.86))
ax.set(
    xlabel=tr("p = P(heads)", "p = P(앞면)"),
    ylabel=tr("H(p) in bits", "H(p) (비트)"),
    title=tr("the entropy of a coin", "동전의 엔트로피"),
)
fig

# %% [markdown]
# ### Cross-entropy
#
# 📖 Note 003 · 참고 크로스 엔트로피 (Cross Entropy)
#
# The **cross-entropy** $H(p, q) = -\sum_x p(x) \log q(x)$ measures the surprise when
# events drawn from $p$ are scored with a model's probabilities $q$. It is never below $H(p)$
# and equals it only when $q = p$: minimising it pulls $q$ towards the data. A model outputs
# scores (*logits*) $z$, and $q = \mathrm{softmax}(z)$, $q_k = e^{z_k} / \sum_j e^{z_j}$.


# %%
def cross_entropy(p, q):
    return -sum(pi * math.log(qi) for pi, qi in zip(p, q, strict=True))


p = [0.7, 0.2, 0.1]
H_p = losses.entropy(p).data
for logits in ([0.0, 0.0, 0.0], [2.0, 1.0, -1.0], [math.log(0.7), math.log(0.2), math.log(0.1)]):
    q = [qi.data for qi in losses.softmax(logits)]
    H_pq = cross_entropy(p, q)
    print(f"q = {np.round(q, 3)}   H(p, q) = {H_pq:.4f} ≥ H(p) = {H_p:.4f}")
    assert H_pq >= H_p - 1e-12
assert abs(H_pq - H_p) < 1e-12  # the last q equals p

# %% [markdown]
# > **Correcting the notes.** Note 001 calls cross-entropy "a way to measure the distance
# > between probability distributions" (확률분포사이의 거리). It is not a distance: a
# > distance from $p$ to itself is 0, but $H(p, p) = H(p)$, which is 0 only for a certain
# > outcome; and a distance is symmetric, while $H(p, q) \ne H(q, p)$ in general. What
# > behaves a little more like a distance is what the cross-entropy adds on top of the
# > entropy, the **Kullback–Leibler divergence** (쿨백-라이블러 발산)
# >
# > $$D_{\mathrm{KL}}(p \,\|\, q) = H(p, q) - H(p) = \sum_x p(x) \log \frac{p(x)}{q(x)}
# > \ \ge 0,$$
# >
# > zero exactly when $q = p$, but still not symmetric (so still not a distance). Note 003's
# > wording, "the difference or dissimilarity (차이 또는 유사하지 않은 정도) of two
# > distributions", is the careful one. For training it makes no difference: $H(p)$ does not
# > depend on the model, so minimising $H(p, q)$ over $q$ minimises $D_{\mathrm{KL}}(p\|q)$.


# %%
def kl(p, q):
    return sum(pi * math.log(pi / qi) for pi, qi in zip(p, q, strict=True) if pi > 0)


q = [0.2, 0.2, 0.6]
print(f"H(p, p) = {cross_entropy(p, p):.4f} ", tr("(a distance would give 0)", "(거리라면 0)"))
print(f"H(p, q) = {cross_entropy(p, q):.4f},  H(q, p) = {cross_entropy(q, p):.4f}")
print(f"KL(p‖q) = {kl(p, q):.4f},  KL(q‖p) = {kl(q, p):.4f},  KL(p‖p) = {kl(p, p):.1f}")
assert cross_entropy(p, p) > 0.5  # not 0: cross-entropy is no distance
assert abs(cross_entropy(p, q) - cross_entropy(q, p)) > 0.05  # and not symmetric
assert abs(kl(p, q) - (cross_entropy(p, q) - H_p)) < 1e-12 and kl(p, q) > 0 and kl(p, p) == 0
assert abs(kl(p, q) - kl(q, p)) > 0.05  # KL is not symmetric either

# %% [markdown]
# ### Averaged over $N$ samples and $K$ classes
#
# 📖 Note 003 · 최적화 문제: 분류 (classification)
#
# The training loss of the notes averages over the $N$ samples and sums over the $K$
# classes:
#
# $$J = -\frac1N \sum_{i=1}^N \sum_{k=1}^K t_{ik} \log f(x_i; \theta)_k .$$
#
# With one-hot labels ($t_{ik} = 1$ for the true class $c_i$, else 0) the inner sum keeps
# one term, $-\log q_{i c_i}$: the surprise of the true class. `losses.cross_entropy` takes
# the logits of a batch and the class indices. Its gradient with respect to the logits is
# the neat $\partial J / \partial z_{ik} = \frac1N (q_{ik} - t_{ik})$. By hand, for one
# sample: $-\log q_c = -z_c + \log \sum_j e^{z_j}$, and
# $\frac{\partial}{\partial z_k}\log\sum_j e^{z_j} = e^{z_k} / \sum_j e^{z_j} = q_k$, so
# $\partial(-\log q_c)/\partial z_k = q_k - t_k$; the mean over $N$ samples adds the $\frac1N$.
# Below it is checked with difference quotients.

# %%
logits = np.array([[2.0, 1.0, -1.0], [0.5, 0.5, 3.0], [-1.0, 2.0, 0.0], [0.0, 0.3, 0.1]])
classes = [0, 2, 2, 1]
N, K = logits.shape
T = np.eye(K)[classes]  # one-hot t_ik
Q = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)  # softmax, row by row
J_by_hand = -(T * np.log(Q)).sum() / N
J = losses.cross_entropy(logits.tolist(), classes).data
print(
    tr("J by the double sum", "이중 합으로 구한 J"),
    f"{J_by_hand:.6f},  losses.cross_entropy {J:.6f}",
)
assert abs(J - J_by_hand) < 1e-12


def J_of(z_ik, i, k):
    z = logits.copy()
    z[i, k] = z_ik
    return losses.cross_entropy(z.tolist(), classes).data


dJ = np.array(
    [[slope(lambda v, i=i, k=k: J_of(v, i, k), logits[i, k]) for k in range(K)] for i in range(N)]
)
assert np.allclose(dJ, (Q - T) / N, rtol=0, atol=1e-8)
print("∂J/∂z = (q − t)/N:\n", dJ.round(4))

# %% [markdown]
# Two classes are the special case $K = 2$: a network outputs one score $z$, $q =
# \sigma(z) = \mathrm{softmax}(0, z)_2$, and the loss is the **binary** cross-entropy
# $-[t \log \sigma(z) + (1 - t)\log(1 - \sigma(z))]$.

# %%
for z, label in ((1.3, 1), (1.3, 0), (-0.4, 1)):
    binary = losses.binary_cross_entropy_with_logits([z], [label]).data
    two_classes = losses.cross_entropy([0.0, z], label).data
    assert abs(binary - two_classes) < 1e-12
print(
    tr(
        "binary cross-entropy = cross-entropy over the logits (0, z)",
        "이진 크로스 엔트로피 = logit (0, z)의 크로스 엔트로피",
    )
)

# %% [markdown]
# ## Takeaways
#
# - The loss turns "good predictions" into one number to minimise: a norm of the residuals
#   for regression (MSE is the squared $L_2$ norm over $n$; MAE the $L_1$), cross-entropy
#   for classification (the average surprise of the true labels under the model).
# - The norm decides who matters: $L_1$ is robust to outliers, $L_\infty$ is ruled by them.
# - Accuracy is what we report, never what we differentiate: its derivative is 0 almost
#   everywhere. The cross-entropy is a surrogate: its minimum need not be where accuracy is
#   highest.
# - Cross-entropy is not a distance; $H(p, q) - H(p)$, the KL divergence, is what training
#   drives to 0.
# - Backpropagation computes gradients; the update that uses them is a separate step.
# - Next: how the loss changes when one parameter moves, computed from loss values alone.
