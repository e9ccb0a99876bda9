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
# # 6 · 뉴런과 활성화 함수
#
# 뉴런은 $f(w \cdot x + b)$를 계산합니다. 비선형 함수 $f$가 없으면 층을 아무리 쌓아도 하나의
# 선형 변환으로 합쳐지고, $f$가 있어야 신경망이 결정 경계를 구부릴 수 있습니다. 역전파(5번
# 노트북)에서 활성화 함수는 자기 미분 $f'$을 Local Gradient로 내놓으므로, $f'$의 모양이
# 기울기가 얼마나 잘 흐르는지를 정합니다.
#
# 📖 노트 003 · 주요 Activation Function의 미분. $\sigma'$과 $\tanh'$은 5번 노트북에서 손으로
# 유도했고, 여기서는 서로 비교하며 실제로 써 봅니다.

# %%
# %matplotlib inline
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx import MLP, Neuron, Value, losses
from microgradx.course import setup_figures, show_glossary, tr
from microgradx.data import make_moons
from microgradx.functional import grad
from microgradx.glossary import lookup
from microgradx.numeric import central_difference

setup_figures()  # Korean text in figures, and a minus sign every font has

# %% [markdown]
# 이 노트북에서 쓰는 용어입니다. 과정 전체가 함께 쓰는 용어집에서 가져왔습니다(한국어는 노트의
# 표기를 따르고, 마지막 열은 그 표기를 쓰는 노트입니다):

# %%
terms = (
    "activation function, sigmoid function, local gradient, vanishing gradient, "
    "saturation, decision boundary"
)
show_glossary(tuple(lookup(word) for word in terms.split(", ")))

# %% [markdown]
# ## 네 가지 활성화 함수와 그 미분
#
# 📖 노트 003 · 주요 Activation Function의 미분 (Sigmoid, Tanh, ReLU, Leaky ReLU).
#
# | | $f(x)$ | $f'(x)$ |
# |---|---|---|
# | Sigmoid | $\sigma(x) = \dfrac{1}{1 + e^{-x}}$ | $\sigma(x)\,(1 - \sigma(x))$ |
# | Tanh | $\dfrac{e^x - e^{-x}}{e^x + e^{-x}}$ | $1 - \tanh^2 x$ |
# | ReLU | $\max(0, x)$ | $x > 0$이면 $1$, 아니면 $0$ |
# | Leaky ReLU | $x > 0$이면 $x$, 아니면 $a x$ | $x > 0$이면 $1$, 아니면 $a$ |
#
# 미분은 되도록 출력 $f(x)$로 썼습니다. 순전파에서 이미 $f(x)$를 계산했으므로 규칙표도 그렇게
# 저장합니다. $x = 0$에서 ReLU는 미분이 없습니다(기울기가 0에서 1로 뜁니다). microgradx는
# PyTorch처럼 그곳에서 0을 씁니다. Leaky ReLU의 기울기 $a$는 노트대로 $0.01$입니다(PyTorch의
# `negative_slope` 기본값도 같습니다). 다른 노트북에서는 $\alpha$가 학습률이므로 여기서는 $a$라고
# 부릅니다.
#
# 꺾이는 점을 피한 격자에서 서로 독립인 두 가지를 확인합니다. 표의 공식을 중심 차분(2번
# 노트북)과, `backward()`가 구한 미분을 중심 차분과 비교합니다. 어느 쪽도 다른 쪽에서 계산하지
# 않습니다.

# %%
LEAKY = 0.01  # the leaky slope a, as in the notes (and PyTorch's default negative_slope)
activations = {
    "sigmoid": (lambda v: v.sigmoid(), lambda x, f: f * (1 - f)),
    "tanh": (lambda v: v.tanh(), lambda x, f: 1 - f**2),
    "relu": (lambda v: v.relu(), lambda x, f: 1.0 if x > 0 else 0.0),
    "leaky_relu": (lambda v: v.leaky_relu(LEAKY), lambda x, f: 1.0 if x > 0 else LEAKY),
}
xs = np.linspace(-4, 4, 80)  # an even count: 0 is not on the grid
for name, (activation, formula) in activations.items():
    slope = grad(activation)
    for x in xs:
        numeric = central_difference(activation, x, h=1e-6)
        fx = activation(Value(x)).data
        assert abs(formula(x, fx) - numeric) < 1e-8, ("formula", name, x)
        assert abs(slope(x) - numeric) < 1e-8, ("backward", name, x)
print(
    tr(
        "formulas and backward() agree with central differences at",
        "공식과 backward()가 중심 차분과",
    ),
    len(xs),
    tr("points each", "개 점마다 일치"),
)
assert grad(activations["relu"][0])(0.0) == 0.0  # the convention at the kink

# %% [markdown]
# 각 활성화 함수를 위에, 그 미분을 아래에 그렸습니다. 미분 그림은 모두 같은 y축을 써서 크기를
# 한눈에 비교할 수 있습니다. Sigmoid의 기울기는 $\frac14$를 넘지 않고, 나머지는 1에 이릅니다.
# ReLU의 기울기가 뛰는 곳에서는 그림도 뜁니다(채운 점이 0에서 쓰는 값입니다). $a = 0.01$이면
# Leaky ReLU의 왼쪽은 평평해 보이지만 기울기는 0이 아니라 $0.01$이고, 미분은 $0.01$에서 1로
# 뜁니다.

# %%
grid_left, grid_right = np.linspace(-4, 0, 201)[:-1], np.linspace(0, 4, 201)[1:]
fig = Figure(figsize=(12.0, 5.4), layout="constrained")
top = fig.subplots(2, 4, sharex=True)
for row in top[1][1:]:
    row.sharey(top[1][0])
peak = {}
for column, (name, (activation, _)) in enumerate(activations.items()):
    up, down = top[0][column], top[1][column]
    slope = grad(activation)
    for part in (grid_left, grid_right):  # drawn in two pieces: no line across a jump
        up.plot(part, [activation(Value(x)).data for x in part], color="#1d4ed8", linewidth=2)
        down.plot(part, [slope(x) for x in part], color="#dc2626", linewidth=2)
    at_zero, left_limit, right_limit = slope(0.0), slope(-1e-9), slope(1e-9)
    if abs(right_limit - left_limit) > 1e-6:  # a jump: filled = the value used, open = the limit
        down.plot(0, at_zero, "o", color="#dc2626")
        other = right_limit if at_zero == left_limit else left_limit
        down.plot(0, other, "o", mfc="white", color="#dc2626")
    peak[name] = max(slope(x) for x in np.concatenate([grid_left, grid_right]))
    title = f"leaky_relu (a = {LEAKY})" if name == "leaky_relu" else name
    up.set_title(title)
    down.set_xlabel("x")
    for ax in (up, down):
        ax.axhline(0, color="#94a3b8", linewidth=0.8)
        ax.axvline(0, color="#94a3b8", linewidth=0.8)
top[0][0].set_ylabel("f(x)")
top[1][0].set_ylabel(tr("f′(x), from backward()", "f′(x), backward()로 계산"))
fig.suptitle(
    tr("each activation (top) above its derivative (bottom)", "활성화 함수(위)와 그 미분(아래)")
)
print(
    {name: round(p, 4) for name, p in peak.items()},
    tr("(largest slope on the grid)", "(격자 위 최대 기울기)"),
)
assert peak["sigmoid"] <= 0.25 and min(peak["tanh"], peak["relu"], peak["leaky_relu"]) > 0.99
fig

# %% [markdown]
# ## 기울기 소실
#
# 노트에는 없는 내용입니다: 기울기 소실(vanishing gradient)과 포화(saturation).
#
# 역전파는 층마다 Local Gradient를 하나씩 곱합니다. 모든 $x$에서 $\sigma'(x) \le \tfrac14$이므로,
# Sigmoid 층 $L$개를 지나면 활성화 함수의 인수만 곱해도 많아야 $4^{-L}$입니다(가중치는 빼고).
# 깊은 Sigmoid 신경망의 앞쪽 층은 거의 학습하지 못합니다. $\mathrm{ReLU}'$은 유닛이 켜진
# 곳에서 언제나 1입니다. $\tanh$는 *0 근처에서만* 기울기를 잘 전달합니다. $\tanh'(0) = 1$이지만
# $\tanh'(x) \ge \frac12$인 것은 $|x| \le 0.88$일 때뿐이고 $\tanh'(3) < 0.01$입니다. 포화된
# tanh 유닛은 Sigmoid처럼 기울기를 막습니다.

# %%
tanh_slope = grad(lambda v: v.tanh())
half = math.atanh(math.sqrt(0.5))  # 1 − tanh²x = ½  ⇔  tanh x = √½
print(
    f"tanh'(x) = ½: |x| = {half:.3f};  tanh'(2) = {tanh_slope(2.0):.4f}, "
    f"tanh'(3) = {tanh_slope(3.0):.4f}"
)
assert abs(tanh_slope(half) - 0.5) < 1e-12 and tanh_slope(3.0) < 0.01

# %% [markdown]
# 아래는 은닉층 6개(폭 8)인 같은 신경망을 활성화 함수만 바꿔 가며, 점 32개에서 MSE 손실로
# 역전파를 한 번 하고 층마다 $|\partial J / \partial \theta|$의 평균을 구한 것입니다. Xavier
# 초기화에서는 활성화 이전 값이 0 근처에 머물고, 거기서 tanh의 기울기는 1에 가깝습니다. 은닉층
# 편향을 모두 2씩 올리면 활성화 이전 값이 2 근처에 놓이고, 거기서는 $\tanh' \approx 0.07$입니다.
# tanh 유닛이 포화되어 기울기가 첫 층으로 갈수록 사라지는데, Sigmoid보다도 빠릅니다.

# %%
X, y = make_moons(32, noise=0.1, seed=0)


def gradient_per_layer(activation, bias_shift=0.0):
    model = MLP(2, [8] * 6 + [1], activation=activation, init="xavier", seed=0)
    for name, p in model.named_parameters():
        if name.endswith(".b") and not name.startswith("L7."):  # the hidden layers' biases
            p.data += bias_shift
    losses.mse([model(x) for x in X], y.astype(float)).backward()
    return [np.mean([abs(p.grad) for p in layer.parameters()]) for layer in model.layers]


first_over_last = {}
for label, activation, shift in (
    ("sigmoid", "sigmoid", 0.0),
    ("tanh", "tanh", 0.0),
    ("relu", "relu", 0.0),
    ("tanh, biases +2", "tanh", 2.0),
):
    per_layer = gradient_per_layer(activation, shift)
    first_over_last[label] = per_layer[0] / per_layer[-1]
    shown = tr(label, label.replace("biases", "편향"))
    print(f"{shown:>16}: " + "  ".join(f"{g:.1e}" for g in per_layer))
ratios = {tr(k, k.replace("biases", "편향")): f"{r:.0e}" for k, r in first_over_last.items()}
print(ratios, tr("(first layer / last)", "(첫 층 / 마지막 층)"))
assert first_over_last["sigmoid"] < 1e-2
assert first_over_last["tanh"] > 0.1 and first_over_last["relu"] > 0.1
assert first_over_last["tanh, biases +2"] < first_over_last["sigmoid"]  # saturated: vanishes

# %% [markdown]
# ## 죽은 ReLU
#
# 노트에는 없는 내용이며, 노트의 목록에 있는 Leaky ReLU가 존재하는 이유입니다.
#
# ReLU는 반대쪽에서 정반대의 문제를 겪습니다. 뉴런의 활성화 이전 값 $w \cdot x + b$가 모든
# 훈련 입력에서 음수이면, 출력과 가중치·편향의 기울기가 모든 입력에서 정확히 0입니다. 입력이
# 그대로인 한 어떤 경사 하강 걸음도 이 뉴런을 움직이지 못합니다. 뉴런이 *죽은* 것입니다. 큰
# 음수 편향(예를 들어 너무 큰 걸음 뒤)만으로도 충분합니다. 입력이 바뀌어야만 되살아날 수
# 있습니다. 새 데이터가 들어오거나, 신경망 깊은 곳이라면 계속 학습하는 앞쪽 층이 이 뉴런이
# 보는 값을 옮겨 줄 때입니다. Leaky ReLU는 작은 기울기 $a$를 남겨 두므로 기울기가 사라지지
# 않습니다.

# %%
X, _ = make_moons(50, noise=0.1, seed=0)


def train_neuron(activation, inputs, steps=50, lr=0.1):
    """Gradient descent on the MSE of one neuron towards target 1; returns its parameters."""
    neuron = Neuron(2, activation, rng=0)
    neuron.b.data = -5.0  # pushed far negative
    for _ in range(steps):
        neuron.zero_grad()
        losses.mse([neuron(x) for x in inputs], [1.0] * len(inputs)).backward()
        for p in neuron.parameters():
            p.data -= lr * p.grad
    return [p.data for p in neuron.parameters()]


start = [p.data for p in Neuron(2, "relu", rng=0).parameters()][:-1] + [-5.0]
pre = [start[-1] + np.dot(start[:-1], x) for x in X]
assert max(pre) < 0  # inactive on every training input
dead = train_neuron("relu", X)
leaky = train_neuron("leaky_relu", X)
shifted = train_neuron("relu", X + [8.0, -8.0])  # the same neuron, its inputs moved
for label, params in (
    (tr("start", "시작"), start),
    (tr("ReLU, same inputs", "ReLU, 같은 입력"), dead),
    (tr("leaky ReLU", "Leaky ReLU"), leaky),
    (tr("ReLU, moved inputs", "ReLU, 옮긴 입력"), shifted),
):
    print(f"{label:<20}", np.round(params, 4))
assert dead == start  # 50 steps, not one change: dead
assert all(abs(a - b) > 1e-4 for a, b in zip(leaky, start, strict=True))  # slow, but alive
assert abs(shifted[-1] - start[-1]) > 0.1  # new inputs reach it: it learns again

# %% [markdown]
# ## 정리
#
# - 활성화 함수는 Local Gradient인 미분 $f'$을 통해서만 역전파에 들어가며, 여기서 중심 차분과
#   비교해 확인했습니다.
# - Sigmoid는 $f' \le \tfrac14$이어서 깊어질수록 기울기가 사라집니다. tanh는 입력이 0 근처일
#   때만 기울기를 전달하고, ReLU는 켜져 있으면 그대로 전달합니다.
# - 모든 입력에서 꺼진 ReLU는 기울기를 받지 못하고, 입력이 그대로인 한 움직이지 않습니다.
#   Leaky ReLU는 작은 기울기를 남겨 둡니다.
