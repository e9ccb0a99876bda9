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
# # 1 · 손실 함수: 학습은 무엇을 최소화하는가
#
# 📖 노트 000/001 · 1. Rule-based vs. Data-driven, 2. 손실 함수 ·
# 노트 004 · Step 1. 데이터 주도 학습
#
# 규칙 기반(Rule-based) 프로그램은 사람이 정한 규칙대로 움직이고, 데이터 주도 학습
# (Data-driven)은 예시 데이터에서 매개변수(가중치와 편향)를 스스로 찾습니다. 그러려면
# 모델이 데이터에서 얼마나 틀렸는지를 나타내는 숫자 하나가 필요합니다. 그것이
# **손실 함수**(loss function)의 값입니다. 그러면 학습은 최적화 문제가 됩니다. 손실
# $J(\theta)$를 가능한 한 작게 만드는 매개변수 $\theta$를 찾는 것이지요.
#
# 이 과정은 강의 노트의 순서를 따릅니다.
#
# | # | 노트북 | 질문 |
# |---|---|---|
# | 1 | 손실 함수 (지금 이 노트북) | 무엇을 최소화하는가? |
# | 2 | 수치 미분, 기울기 | 매개변수가 움직이면 손실은 어떻게 변하는가? |
# | 3 | 경사 하강법 | 어떻게 내려가고, 어디에서 멈춰 버리는가? |
# | 4 | 학습 알고리즘 | 배치, 에폭, 반복, 데이터 나누기, 과적합과 과소적합 |
# | 5 | 역전파 | 모든 기울기를 한 번에 어떻게 구하는가? (`Value`를 처음부터) |
# | 6 | 활성화 함수 | 활성화 함수의 미분은 기울기의 흐름을 어떻게 돕거나 막는가? |
# | 7 | 최적화 알고리즘 | SGD, Momentum, AdaGrad, RMSProp, Adam을 공정하게 비교 |
# | 8 | 2차 미분 (선택, 심화) | 야코비안, 헤시안, 전진/후진 모드, 뉴턴 방법과 준뉴턴 방법 |
#
# 각 절은 제목 아래 줄처럼 어느 노트의 어느 제목을 재현하는지 적어 둡니다. 영어판은
# `notebooks/`에 있고, 코드는 이 한국어판과 똑같습니다.

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
# ## 용어집
#
# 노트에 나오는 한국어 용어를 노트의 표기 그대로 싣고, 영어와 이 과정에서 쓰는 기호를
# 함께 적었습니다. "노트" 열은 그 표기를 쓰는 강의 노트이고, "이 과정"은 노트에는 없고
# 이 과정에서 더한 용어입니다(한국어는 노트 004가 인용한 *밑바닥부터 시작하는 딥러닝*을
# 따릅니다). 한국어판과 영어판이 같은 표 하나(`microgradx.glossary`)를 보여 줍니다.

# %%
show_glossary()

# %% [markdown]
# ## 기호 대응표
#
# 노트들은 같은 것을 서로 다른 글자로 쓰기도 하고, 한 글자를 여러 뜻으로 쓰기도 합니다.
# 이 과정에서는 한 가지를 한 가지로만 씁니다. 노트북 3–8이 노트 003의 식을 재현하므로
# 기호는 노트 003의 것($J$, $\alpha$)을 쓰고, 용어는 노트 004가 인용한 *밑바닥부터
# 시작하는 딥러닝*의 것($y$/$t$, 오차역전파법, 계산 그래프)을 씁니다.
#
# | 노트 | 뜻 | 이 과정 | microgradx |
# |---|---|---|---|
# | $E_1$, $E_2$, $E(w, b)$, $f(X)$ (000/001), $J$ (003) | 손실 함수 | $J$ | `losses.mse`, … |
# | $\eta$ (000/001, 책), $\alpha$ (003) | 학습률, Step Size | $\alpha$ | `lr=` |
# | $X_n$ (001), $w$, $b$, $\theta$ (003) | 매개변수 ($n$번째 갱신 때) | $\theta_k$ | `parameters()` |
# | $y_i$, $t_i$ (000/001, 책) | 예측값, 실제값 | $y_i$, $t_i$ | `pred`, `target` |
# | $K$, $t_k$ (003) | Class 개수, 관측 분포 | $K$, 원-핫 $t_{ik}$ | 정답 클래스 번호 |
# | $w^1_{nm}$ (003) | 1층: 입력 $n$ → 은닉 뉴런 $m$ | $w^1_{nm}$ | `L1.N{m}.w{n−1}` |
# | $w^2_m$ (003) | 은닉 뉴런 $m$ → 출력 | $w^2_m$ | `L2.N1.w{m−1}` |
# | $n$ (003), $x_n$에서 | 입력의 번호 | $n$ | |
# | $n$ (003), $y = \text{Identity}(n)$에서 | 출력 뉴런의 가중합 | $s$ | |
# | $n_m$ (003), $h_m = \text{ReLU}(n_m)$에서 | 은닉 뉴런 $m$의 가중합 | $s_m$ | |
# | $N$ (003의 $J$) | 샘플 수 | $N$ | |
# | $n$ (003의 $\sigma/\sqrt n$) | 미니배치의 샘플 수 | $B$ | `batch_size=` |
# | $h$ | 차분의 간격 | $h$ | `h=` |
#
# 층과 뉴런은 노트와 microgradx 모두 1부터 세고, 한 뉴런의 가중치는 microgradx에서 0부터
# 셉니다.

# %% [markdown]
# ## 뉴런, 층, 신경망: 매개변수란 무엇인가
#
# 📖 노트 000/001 · 2. 손실 함수 (왜 손실 함수를 설정하는가?) · 노트 003 · Backpropagation
#
# 아래의 손실 함수들은 모델의 예측값 $y$를 평가하고, 학습은 모델의 **매개변수**를
# 바꿉니다. 신경망에서 매개변수는 뉴런들의 가중치와 편향입니다. 입력이 $x_1, \dots, x_n$인
# **뉴런** 하나는 가중합을 구해 활성화 함수 $\varphi$에 통과시킵니다.
#
# $$y = \varphi\Big(\sum_{n} w_n x_n + b\Big).$$
#
# **층**은 같은 입력을 받는 뉴런 여러 개이고, **신경망**은 한 층의 출력을 다음 층에
# 넘깁니다. 노트 003의 신경망은 입력 $x_n$, 은닉 뉴런 $h_m = \mathrm{ReLU}(s_m)$
# ($s_m = \sum_n w^1_{nm} x_n + b^1_m$), 출력 하나 $y = s = \sum_m w^2_m h_m + b^2$로
# 이루어집니다. 위첨자는 층의 번호이고, $w^1_{nm}$은 입력 $n$과 은닉 뉴런 $m$을 잇는
# 가중치입니다. 입력이 2개, 은닉 뉴런이 3개이면 은닉층의 매개변수는 $3 \cdot (2 + 1)$개,
# 출력층의 매개변수는 $3 + 1$개입니다. 아래에서 numpy로 한 번은 뉴런 하나씩, 한 번은
# 행렬 곱으로 계산합니다. 두 $y$는 같아야 합니다.

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
# 가중치 하나를 살짝 바꾸면 출력은 그 가중치가 들어가는 은닉 뉴런 하나를 거쳐서만
# 바뀝니다. $w^1_{12}$(입력 1 → 뉴런 2)가 1만큼 변할 때 $y$는
# $w^2_2\, x_1\, \mathrm{ReLU}'(s_2)$만큼 변합니다. 연쇄 법칙의 맛보기입니다(노트북 5에서
# 모든 가중치에 대해 한꺼번에 합니다).

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
# ## 순전파, 역전파, 갱신: 서로 다른 세 단계
#
# 📖 노트 000/001 · DNN의 학습 - 순전파와 역전파
#
# > **노트 바로잡기.** 노트 001은 역전파를 "Output -> Input 방향으로 가중치를 갱신하는
# > 과정"이라고 설명합니다. 정확히는 그렇지 않습니다. 역전파는 모든 매개변수에 대한
# > 손실의 **기울기** $\partial J / \partial \theta$를 **계산**할 뿐이고, 매개변수는
# > 하나도 바꾸지 않습니다. 매개변수를 바꾸는 것은 그다음의 별도 단계인 **갱신**입니다.
# > 예를 들어 경사 하강법 $\theta \leftarrow \theta - \alpha\, \partial J/\partial\theta$
# > (노트북 3)가 그렇고, 다른 최적화 알고리즘(노트북 7)은 같은 기울기를 다르게 씁니다.
# > 학습의 한 걸음은 세 단계입니다. 순전파($J$ 계산), 역전파(기울기 계산), 갱신.
#
# 여기서는 microgradx의 `Value`를 씁니다. 노트북 5에서 직접 만들기 전까지는 속을 모르는
# 상자로 다룹니다. `Value`는 자신이 어떻게 계산되었는지 기억하는 숫자여서, `backward()`가
# 각 입력의 `.grad`를 채울 수 있습니다. 활성화 함수가 항등 함수인 뉴런 하나, 샘플 하나,
# 제곱 오차로 해 봅니다.

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
# ## 회귀: 평균 제곱 오차
#
# 📖 노트 000/001 · 손실 함수의 종류 · 노트 003 · 최적화 문제: 회귀 (Regression)
#
# 예측값 $y_i$와 실제값 $t_i$로 노트는 제곱 오차를 두 가지로 씁니다.
#
# $$E_1 = J_{\text{MSE}} = \frac1n \sum_{i=1}^n (y_i - t_i)^2, \qquad
# E_2 = J_{\frac12\text{SSE}} = \frac12 \sum_{i=1}^n (y_i - t_i)^2 .$$
#
# 둘은 최솟값을 주는 매개변수가 같고 크기만 다릅니다. 그래서 미분값의 크기도 다릅니다.
# $\partial J_{\text{MSE}}/\partial y_i = \frac2n (y_i - t_i)$이고, $E_2$는 $\frac12$
# 덕분에 정확히 $\partial J_{\frac12\text{SSE}}/\partial y_i = y_i - t_i$입니다. 두 식을
# 대칭 차분 $\frac{J(y_i + h) - J(y_i - h)}{2h}$로 확인합니다(왜 대칭인지는 노트북 2에서
# 설명합니다).


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
# ## p-Norm: 잔차 벡터의 크기 재기
#
# 📖 노트 003 · 참고 Norm (크기)
#
# 잔차 $r_i = y_i - t_i$는 벡터를 이루고, 회귀의 손실 함수는 그 크기를 **Norm**으로
# 잽니다.
#
# $$\lVert r \rVert_p = \Big(\sum_{i=1}^n |r_i|^p\Big)^{1/p}\ (p \ge 1), \qquad
# \lVert r \rVert_\infty = \max_i |r_i| .$$
#
# $L_1$(Manhattan)은 절댓값 오차를 더합니다. 평균 절대 오차는 $\lVert r \rVert_1 / n$입니다.
# $L_2$(Euclidean)는 평균 제곱 오차의 Norm입니다. $J_{\text{MSE}} = \lVert r \rVert_2^2 / n$.
# $L_\infty$(Chebyshev)는 가장 큰 오차 하나이고, $p \to \infty$일 때 $\lVert r \rVert_p$의
# 극한입니다. $\lVert r \rVert_p$는 $p$가 커질수록 결코 커지지 않습니다.

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
# 이상값이 있으면 어떤 Norm을 고르느냐가 중요해집니다. 가장 단순한 모델, 상수 $c$ 하나를
# 실제값 $t = (1, 2, 3, 4, 30)$에 맞춰 봅니다. $t - c$의 각 Norm을 최소화합니다. $L_2$로
# 맞춘 값은 평균이어서 이상값 쪽으로 끌려가고, $L_1$로 맞춘 값은 중앙값이어서 이상값이
# 얼마나 멀리 있는지는 신경 쓰지 않습니다. $L_\infty$로 맞춘 값은 최솟값과 최댓값의 중간이라,
# 이상값 하나가 결과를 정해 버립니다.

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
# ## 정확도를 손실 함수로 쓸 수 없는 이유
#
# 📖 노트 004 · Step 2. 손실 함수: 1) 그렇담 왜 손실 함수를 사용?
#
# 분류에서 우리가 신경 쓰는 것은 정확도, 즉 맞힌 예측의 비율입니다. 그런데 정확도로
# 학습하지는 않습니다. 경사 하강법은 각 매개변수를 손실 함수 미분의 반대 방향으로
# 움직이는데, 매개변수에 대한 정확도의 미분은 **거의 모든 곳에서 0**입니다. 매개변수를
# 아주 조금 바꿔서는 예측이 하나도 뒤집히지 않으니 정확도는 그대로이고, 바뀔 때는
# 불연속적으로 뜁니다. 정확도는 매개변수의 계단 함수이고, 노트가 같은 이유로 계단 함수를
# 활성화 함수로 쓰지 않는다고 한 것과 같습니다.
#
# 매개변수가 하나뿐인 분류기로 구체적으로 봅니다. 이 분류기는 $x > b$이면 클래스 1을
# 예측하고, 그 확률은 $p_i = \sigma(3(x_i - b))$입니다. 점 $x_i$의 정답은
# $t_i \in \{0, 1\}$입니다. 정확도는 $b$의 맞는 쪽에 놓인 점의 비율이고, 이진 크로스
# 엔트로피 $-\frac1n\sum_i [t_i \log p_i + (1 - t_i)\log(1 - p_i)]$는 매끄럽습니다.
# 경사 하강법 $b \leftarrow b - \alpha \cdot \text{기울기}$는 두 번째에서만 $b$를
# 움직입니다.

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
# 점선은 크로스 엔트로피로 경사 하강법을 했을 때 멈춘 곳인데, 왼쪽 그림에서 보면 정확도
# 곡선이 **움푹 들어간 곳**에 있습니다. 조금 왼쪽으로 가면 정확도가 더 높습니다. 잘못된
# 것이 아닙니다. 크로스 엔트로피는 **대리 손실**(surrogate loss)입니다. 정확도 자체가 아니라
# 미분할 수 있는 매끄러운 대용품입니다. 게다가 크로스 엔트로피는 확신에 찬 정답에는 상을,
# 확신에 찬 오답에는 경계에서 얼마나 먼지에 따라 벌을 주는데, 정확도는 이 거리를 보지
# 않습니다. 그래서 대리 손실의 최솟값이 정확도의 최댓값일 필요는 없습니다. 학습은 대리
# 손실로 하고 보고는 정확도로 합니다. 둘은 대개 대략 일치할 뿐, 정확히 일치하지는 않습니다.

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
# ## 분류: 정보량, 엔트로피, 크로스 엔트로피
#
# 📖 노트 003 · 참고 정보량 (Self-Information), 참고 엔트로피 (Entropy)
#
# 확률이 $p$인 사건의 **정보량**은 $I = -\log_2 p$비트입니다. 노트의 말로 정보는
# **놀라움의 정도**이고, 드문 사건일수록 놀라움이 큽니다. 반드시 일어나는 사건의 정보량은
# 0입니다. **엔트로피** $H(p) = -\sum_x p(x) \log p(x)$는 정보량의 기댓값, 곧 $p$가
# 얼마나 불확실한지를 나타냅니다. 앞면이 나올 확률이 $p$인 동전이라면
# $H(p) = -p \log_2 p - (1 - p)\log_2(1 - p)$입니다. 늘 같은 면이 나오는 동전은 0,
# 공정한 동전은 가장 큰 1비트입니다.

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
# ### 크로스 엔트로피
#
# 📖 노트 003 · 참고 크로스 엔트로피 (Cross Entropy)
#
# **크로스 엔트로피** $H(p, q) = -\sum_x p(x) \log q(x)$는 확률 $p$에서 나온 사건을
# 모델의 추정 확률 $q$로 잴 때의 놀라움입니다. 결코 $H(p)$보다 작지 않고, $q = p$일
# 때에만 $H(p)$와 같습니다. 그래서 크로스 엔트로피를 최소화하면 $q$가 데이터 쪽으로
# 당겨집니다. 모델은 점수(*logit*) $z$를 내고, $q = \mathrm{softmax}(z)$,
# $q_k = e^{z_k} / \sum_j e^{z_j}$입니다.


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
# > **노트 바로잡기.** 노트 001은 크로스 엔트로피(교차 엔트로피 오차)를 "정보이론에서
# > 확률분포사이의 거리를 재는 방법"이라고 합니다. 크로스 엔트로피는 거리가 아닙니다.
# > 거리라면 $p$에서 $p$ 자신까지는 0이어야 하는데, $H(p, p) = H(p)$는 결과가 확실할
# > 때에만 0입니다. 또 거리는 대칭이어야 하는데, 일반적으로 $H(p, q) \ne H(q, p)$입니다.
# > 거리에 조금 더 가까운 것은 크로스 엔트로피가 엔트로피 위에 더하는 부분,
# > **쿨백-라이블러 발산**(Kullback–Leibler divergence)입니다.
# >
# > $$D_{\mathrm{KL}}(p \,\|\, q) = H(p, q) - H(p) = \sum_x p(x) \log \frac{p(x)}{q(x)}
# > \ \ge 0.$$
# >
# > $q = p$일 때에만 정확히 0이지만, 여전히 대칭이 아니므로 이것도 거리는 아닙니다. 노트
# > 003의 표현 "두 확률 분포의 차이 또는 유사하지 않은 정도"가 정확한 표현입니다. 학습에는
# > 차이가 없습니다. $H(p)$는 모델과 상관없으므로 $q$에 대해 $H(p, q)$를 최소화하면
# > $D_{\mathrm{KL}}(p\|q)$가 최소화됩니다.


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
# ### $N$개 샘플과 $K$개 클래스에 대한 평균
#
# 📖 노트 003 · 최적화 문제: 분류 (Classification)
#
# 노트의 학습 손실은 $N$개 샘플에 대해 평균하고 $K$개 클래스에 대해 더합니다.
#
# $$J = -\frac1N \sum_{i=1}^N \sum_{k=1}^K t_{ik} \log f(x_i; \theta)_k .$$
#
# 정답이 원-핫이면(정답 클래스 $c_i$에서 $t_{ik} = 1$, 나머지는 0) 안쪽 합에는 항이
# 하나만 남습니다. $-\log q_{i c_i}$, 곧 정답 클래스의 놀라움입니다.
# `losses.cross_entropy`는 배치의 logit과 정답 클래스 번호를 받습니다. logit에 대한
# 기울기는 깔끔하게 $\partial J / \partial z_{ik} = \frac1N (q_{ik} - t_{ik})$입니다. 샘플
# 하나에 대해 손으로 구해 보면 $-\log q_c = -z_c + \log \sum_j e^{z_j}$이고
# $\frac{\partial}{\partial z_k}\log\sum_j e^{z_j} = e^{z_k} / \sum_j e^{z_j} = q_k$이므로
# $\partial(-\log q_c)/\partial z_k = q_k - t_k$입니다. $N$개 샘플의 평균이 $\frac1N$을
# 더합니다. 아래에서 차분으로 확인합니다.

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
# 클래스가 둘이면 $K = 2$인 특수한 경우입니다. 신경망은 점수 하나 $z$를 내고,
# $q = \sigma(z) = \mathrm{softmax}(0, z)_2$이며, 손실 함수는 **이진** 크로스 엔트로피
# $-[t \log \sigma(z) + (1 - t)\log(1 - \sigma(z))]$입니다.

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
# ## 정리
#
# - 손실 함수는 "예측이 좋다"를 최소화할 숫자 하나로 바꿉니다. 회귀에서는 잔차의 Norm
#   (평균 제곱 오차는 $L_2$ Norm의 제곱을 $n$으로 나눈 것, 평균 절대 오차는 $L_1$),
#   분류에서는 크로스 엔트로피(모델이 본 정답의 평균 놀라움)입니다.
# - Norm이 누구를 중시할지 정합니다. $L_1$은 이상값에 강하고, $L_\infty$는 이상값에
#   좌우됩니다.
# - 정확도는 보고할 때 쓰고, 미분하지는 않습니다. 미분이 거의 모든 곳에서 0이기 때문입니다.
#   크로스 엔트로피는 대리 손실이어서, 그 최솟값이 정확도가 가장 높은 곳일 필요는 없습니다.
# - 크로스 엔트로피는 거리가 아닙니다. 학습이 0으로 만드는 것은 $H(p, q) - H(p)$, 곧
#   쿨백-라이블러 발산입니다.
# - 역전파는 기울기를 계산하고, 그 기울기로 하는 갱신은 별도의 단계입니다.
# - 다음: 매개변수 하나가 움직일 때 손실이 어떻게 변하는지를 손실 값만으로 계산합니다.
