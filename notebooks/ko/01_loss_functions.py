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
# | 8 | second order | Jacobian, Hessian, forward vs reverse mode, Newton and quasi-Newton |

# %% [markdown]
# ## For readers of the Korean notes: glossary
#
# | 한국어 | English |
# |---|---|
# | 손실 함수 / 비용 함수 / 목적 함수 | loss function / cost function / objective function |
# | 평균 제곱 오차 | mean squared error (MSE) |
# | 교차 엔트로피 (오차) | cross-entropy (error) |
# | 정보량 / 엔트로피 | self-information / entropy |
# | 회귀 / 분류 | regression / classification |
# | 정확도 / 계단 함수 | accuracy / step function |
# | 노름 | norm |
# | 수치 미분 | numerical differentiation |
# | 전진 / 중심 / 후진 차분 | forward / central / backward difference |
# | 테일러 급수 | Taylor series |
# | 미분 / 편미분 | derivative / partial derivative |
# | 기울기 | gradient (in one variable: slope) |
# | 경사 하강법 | gradient descent |
# | 학습률 | learning rate (step size) |
# | 확률적 경사 하강법 | stochastic gradient descent (SGD) |
# | 지역 최솟값 / 고원 / 안장점 | local minimum / plateau / saddle point |
# | 손실 곡면 | loss surface |
# | 미니배치 / 배치 | mini-batch / batch |
# | 에폭 / 반복 | epoch / iteration |
# | 온라인(점진적) 학습 | online (incremental) learning |
# | 관측 / 훈련 / 검증 / 시험 데이터 | observed / training / validation / test data |
# | 과적합 / 과소적합 / 일반화 | overfitting / underfitting / generalisation |
# | 모집단 / 표본 평균 / 표준 편차 | population / sample mean / standard deviation |
# | 순전파 / 역전파 | forward propagation / backpropagation |
# | 연쇄 법칙 / 합성 함수 | chain rule / composite function |
# | 가중치 / 편향 / 매개변수(파라미터) | weight / bias / parameter |
# | 활성화 함수 | activation function |
# | 최적화 / 최적해 | optimisation / optimal solution |
# | 야코비안 / 헤시안 | Jacobian / Hessian |
# | 뉴턴 방법 / 준뉴턴 방법 | Newton's method / quasi-Newton method |
#
# ## Notation map
#
# | the notes | these notebooks | microgradx |
# |---|---|---|
# | $\eta$ (notes 000/001) and $\alpha$ (notes 003): learning rate, step size | $\alpha$ | `lr=` |
# | $X_n$, $w$, $b$, $\theta$: the parameters | $\theta$ | `model.parameters()` |
# | $f(X)$, $E(w, b)$, $J(\theta)$: the loss | $J$ | `losses.mse(...)`, … |
# | $y_i$ prediction, $t_i$ target | $y_i$, $t_i$ | `pred`, `target` |
# | $w^1_{nm}$: layer-1 weight, input $n$ → hidden unit $m$ | $w^1_{nm}$ | `L1.N{m}.w{n−1}` |
# | $w^2_m$: output weight of hidden unit $m$ | $w^2_m$ | `L2.N1.w{m−1}` |
# | $h$ in a difference quotient | $h$ | `h=` |
# | $n$ samples in a mini-batch ($\sigma/\sqrt n$) | $B$ | `batch_size=` |
#
# Layers and neurons are counted from 1 in both, a neuron's weights from 0 in microgradx.
# | $K$ classes, $t_k$ one-hot | $K$, $t_{ik}$ | `cross_entropy(logits, class_index)` |

# %%
# %matplotlib inline

# %%
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx import MLP, Value, losses

# %% [markdown]
# The notation map, checked: in `MLP(2, [3, 1])` the weight `L1.N2.w0` connects input
# $x_1$ to hidden unit 2, so it is the notes' $w^1_{12}$. Nudging it changes unit 2 only,
# and only when $x_1 \ne 0$.

# %%
model = MLP(2, [3, 1], activation="linear", seed=0)
params = dict(model.named_parameters())
hidden = model.layers[0]
x = [0.7, -0.4]
before = [v.data for v in hidden(x)]
params["L1.N2.w0"].data += 1.0  # w¹₁₂ += 1
after = [v.data for v in hidden(x)]
changes = np.subtract(after, before)
print("change of each hidden unit:", changes.round(6))
assert np.allclose(changes, [0.0, x[0], 0.0], rtol=0, atol=1e-12)  # unit 2 moves by x₁
assert sorted(params) == sorted(
    [f"L1.N{m}.{p}" for m in (1, 2, 3) for p in ("w0", "w1", "b")]
    + [f"L2.N1.{p}" for p in ("w0", "w1", "w2", "b")]
)

# %% [markdown]
# ## Regression: mean squared error
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
# how far the outlier is; the $L_\infty$ fit is the midrange, the outlier's hostage.

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
    print(f"{name:>3}: best constant {best[name]:6.3f}   ({expected[name]:g} expected)")
    assert abs(best[name] - expected[name]) < 2e-3

fig = Figure(figsize=(6.4, 3.6), layout="constrained")
ax = fig.subplots()
for name, values in residual_norms.items():
    ax.plot(cs, values / values.min(), label=f"{name}: minimum at c = {best[name]:.1f}")
    ax.plot(best[name], 1.0, "o", color=ax.lines[-1].get_color())
ax.plot(t, np.full_like(t, 0.9), "|", color="black", markersize=14, label="targets t")
ax.set(xlabel="constant prediction c", ylabel="‖t − c‖ / its minimum", ylim=(0.85, 4))
ax.set_title("fitting one constant: L1 → median, L2 → mean, L∞ → midrange")
ax.legend(frameon=False, loc="upper center")
fig

# %% [markdown]
# ## Why accuracy cannot be the loss
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
print(f"accuracy's slope is exactly 0 at {flat:.0%} of the b tried")
assert flat > 0.95

start = 1.5
descent = {"accuracy": start, "cross-entropy": start}
for _ in range(100):
    descent["accuracy"] -= 0.5 * -slope(accuracy, descent["accuracy"])  # maximise accuracy
    descent["cross-entropy"] -= 0.5 * slope(bce, descent["cross-entropy"])
for name, b in descent.items():
    print(f"descending on {name:>13}: b = {start} → {b:.3f}, accuracy {accuracy(b):.0%}")
assert descent["accuracy"] == start  # not a single step: the slope was 0
assert accuracy(descent["cross-entropy"]) > accuracy(start) + 0.1

fig = Figure(figsize=(8.0, 3.2), layout="constrained")
left, right = fig.subplots(1, 2)
left.plot(bs, [accuracy(b) for b in bs], drawstyle="steps-mid")
left.set(title="accuracy: flat, then a jump", xlabel="threshold b", ylabel="accuracy")
right.plot(bs, [bce(b) for b in bs], color="#ea580c")
right.set(
    title="cross-entropy: smooth, sloping to its minimum", xlabel="threshold b", ylabel="loss"
)
for ax in (left, right):
    ax.axvline(descent["cross-entropy"], color="#94a3b8", linestyle=":")
fig

# %% [markdown]
# ## Classification: information, entropy, cross-entropy
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
ax.annotate("fair coin: 1 bit", (0.5, 1.0), (0.56, 0.86))
ax.set(xlabel="p = P(heads)", ylabel="H(p) in bits", title="the entropy of a coin")
fig

# %% [markdown]
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
# ### Averaged over $n$ samples and $K$ classes
#
# The training loss of the notes averages over the $n$ samples and sums over the $K$
# classes:
#
# $$J = -\frac1n \sum_{i=1}^n \sum_{k=1}^K t_{ik} \log f(x_i; \theta)_k .$$
#
# With one-hot labels ($t_{ik} = 1$ for the true class $c_i$, else 0) the inner sum keeps
# one term, $-\log q_{i c_i}$: the surprise of the true class. `losses.cross_entropy` takes
# the logits of a batch and the class indices. Its gradient with respect to the logits is
# the neat $\partial J / \partial z_{ik} = \frac1n (q_{ik} - t_{ik})$.

# %%
logits = np.array([[2.0, 1.0, -1.0], [0.5, 0.5, 3.0], [-1.0, 2.0, 0.0], [0.0, 0.3, 0.1]])
classes = [0, 2, 2, 1]
n, K = logits.shape
T = np.eye(K)[classes]  # one-hot t_ik
Q = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)  # softmax, row by row
J_by_hand = -(T * np.log(Q)).sum() / n
J = losses.cross_entropy(logits.tolist(), classes).data
print(f"J by the double sum {J_by_hand:.6f},  losses.cross_entropy {J:.6f}")
assert abs(J - J_by_hand) < 1e-12


def J_of(z_ik, i, k):
    z = logits.copy()
    z[i, k] = z_ik
    return losses.cross_entropy(z.tolist(), classes).data


dJ = np.array(
    [[slope(lambda v, i=i, k=k: J_of(v, i, k), logits[i, k]) for k in range(K)] for i in range(n)]
)
assert np.allclose(dJ, (Q - T) / n, rtol=0, atol=1e-8)
print("∂J/∂z = (q − t)/n:\n", dJ.round(4))

# %% [markdown]
# Two classes are the special case $K = 2$: a network outputs one score $z$, $q =
# \sigma(z) = \mathrm{softmax}(0, z)_2$, and the loss is the **binary** cross-entropy
# $-[t \log \sigma(z) + (1 - t)\log(1 - \sigma(z))]$.

# %%
for z, label in ((1.3, 1), (1.3, 0), (-0.4, 1)):
    binary = losses.binary_cross_entropy_with_logits([z], [label]).data
    two_classes = losses.cross_entropy([0.0, z], label).data
    assert abs(binary - two_classes) < 1e-12
print("binary cross-entropy = cross-entropy over the logits (0, z)")

# %% [markdown]
# ## Takeaways
#
# - The loss turns "good predictions" into one number to minimise: a norm of the residuals
#   for regression (MSE is the squared $L_2$ norm over $n$; MAE the $L_1$), cross-entropy
#   for classification (the average surprise of the true labels under the model).
# - The norm decides who matters: $L_1$ is robust to outliers, $L_\infty$ is ruled by them.
# - Accuracy is what we report, never what we differentiate: its derivative is 0 almost
#   everywhere.
# - Next: how the loss changes when one parameter moves, computed from loss values alone.
