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
# # 7 · 최적화 알고리즘: SGD, Momentum, AdaGrad, RMSProp, Adam
#
# 📖 노트 003 · Loss를 최소화 하려면? (1차 미분: Gradient Descent와 그 변형 SGD, AdaGrad,
# Momentum, RMSProp, Adam), 노트 003 · Gradient Descent (Parameter Update,
# $\theta^+ = \theta - \alpha\, \partial J/\partial\theta$, Step Size $\alpha$; 노트 000/001은 이를
# 학습률 $\eta$라고 부릅니다). 이름에 관해 한마디: 노트의 훈련 단위에서 "Stochastic"은 example
# 하나씩 훈련하는 것을 말합니다. 여기서 `sgd`는 `torch.optim.SGD`처럼 갱신 규칙 자체를 가리키며,
# 주어진 배치(아래에서는 미니배치)가 무엇이든 그대로 적용됩니다.
#
# 보통의 경사 하강법은 모든 방향으로 같은 학습률 $\alpha$만큼 걸음을 옮깁니다. 노트가 드는
# 1차 미분 방법인 그 변형들은 지금까지 본 기울기를 이용해 걸음을 바꿉니다. 기울기가 $g$인
# 파라미터 $\theta$마다, 단계 $t = 1, 2, \dots$에서(모든 상태는 0에서 시작합니다):
#
# - **SGD**: $\theta \leftarrow \theta - \alpha g$.
# - **Momentum** ($\mu = 0.9$): $v \leftarrow \mu v + g$, $\ \theta \leftarrow \theta - \alpha v$.
# - **AdaGrad** ($\epsilon = 10^{-10}$): $s \leftarrow s + g^2$,
#   $\ \theta \leftarrow \theta - \alpha g/(\sqrt s + \epsilon)$.
# - **RMSProp** ($\rho = 0.99$, $\epsilon = 10^{-8}$): $s \leftarrow \rho s + (1 - \rho) g^2$,
#   $\ \theta \leftarrow \theta - \alpha g/(\sqrt s + \epsilon)$.
# - **Adam** ($\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$):
#   $m \leftarrow \beta_1 m + (1 - \beta_1) g$, $\ s \leftarrow \beta_2 s + (1 - \beta_2) g^2$,
#   $\ \theta \leftarrow \theta - \alpha\,\hat m / (\sqrt{\hat s} + \epsilon)$.
#
# Momentum은 속도를 쌓아 갑니다. 방향이 같은 걸음은 더해지고, 지그재그인 걸음은 상쇄됩니다.
# AdaGrad와 RMSProp은 파라미터마다 걸음을 그 기울기의 누적 크기로 나누므로, 기울기가 작은
# 파라미터가 상대적으로 큰 걸음을 얻습니다. AdaGrad의 합은 커지기만 하고(걸음이 끝없이
# 줄어듭니다), RMSProp의 평균은 오래된 것을 잊습니다. Adam은 Momentum 같은 평균 $m$과
# RMSProp 같은 $s$를 함께 쓰고, 둘 다 *편향 보정*합니다(아래). 공식과 기본값은 `torch.optim`과
# 같습니다($\epsilon$은 제곱근 바깥에 더하고, RMSProp의 $\rho$는 거기서도 여기서도 `alpha`라고
# 부릅니다). microgradx의 옵티마이저가 무엇을 쓰는지 직접 말해 줍니다.

# %%
# %matplotlib inline
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx import MLP, Adam, Value
from microgradx.course import setup_figures, show_glossary, tr
from microgradx.data import make_moons, train_val_test_split
from microgradx.glossary import lookup
from microgradx.train import OPTIMIZERS, evaluate, fit
from microgradx.viz import plot_decision_boundary, plot_paths

setup_figures()  # Korean text in figures, and a minus sign every font has

NAMES = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
for name in NAMES:
    optimizer = OPTIMIZERS[name]([Value(0.0)], lr=0.1)
    print(f"{type(optimizer).__name__:>8}: {optimizer.hyperparameters()}")
stated = {
    "momentum": {"momentum": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"betas": [0.9, 0.999], "eps": 1e-8},
}
for name, values in stated.items():
    used = OPTIMIZERS[name]([Value(0.0)], lr=0.1).hyperparameters()
    assert all(used[key] == value for key, value in values.items()), name

# %% [markdown]
# 이 노트북에서 쓰는 용어입니다. 과정 전체가 함께 쓰는 용어집에서 가져왔습니다(한국어는 노트의
# 표기를 따르고, 마지막 열은 그 표기를 쓰는 노트입니다):

# %%
terms = (
    "gradient descent, learning rate, step size, 1차 미분, momentum, bias correction, "
    "training unit, mini-batch, epoch, observed data, training data, validation data, "
    "test data"
)
show_glossary(tuple(lookup(word) for word in terms.split(", ")))

# %% [markdown]
# ## Adam의 편향 보정
#
# 노트는 Adam의 이름만 들고 공식은 적지 않습니다. 여기서 다루는 편향 보정은 노트 밖의
# 내용입니다.
#
# $m$과 $s$는 0에서 시작하므로 처음에는 0 쪽으로 치우쳐 있습니다. 기울기 $g$가 일정하면
# $m_t = (1 - \beta_1)(g + \beta_1 g + \dots + \beta_1^{t-1} g) = (1 - \beta_1^t)\, g$이고, 첫
# 단계 뒤에는 겨우 $0.1\,g$입니다. Adam은 이 치우침을 나누어 없앱니다.
#
# $$\hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat s_t = \frac{s_t}{1 - \beta_2^t},
# \qquad \theta \leftarrow \theta - \alpha \frac{\hat m_t}{\sqrt{\hat s_t} + \epsilon}.$$
#
# 보정하면 맨 첫 걸음은 $g$의 크기와 상관없이 $-g$ 방향으로
# $\alpha\, g / (|g| + \epsilon) \approx \alpha$입니다. 보정하지 않으면
# $\alpha (1 - \beta_1) / \sqrt{1 - \beta_2} \approx 3.16\,\alpha$가 됩니다.

# %%
beta1, beta2, eps = 0.9, 0.999, 1e-8
g = 6.0  # a constant gradient
m, ts = 0.0, np.arange(1, 11)
for t in ts:
    m = beta1 * m + (1 - beta1) * g
    assert abs(m - (1 - beta1**t) * g) < 1e-12  # biased towards 0 …
    assert abs(m / (1 - beta1**t) - g) < 1e-12  # … and exactly g once corrected
print(tr("after 10 steps", "10단계 뒤") + f": m = {m:.3f}, m̂ = {m / (1 - beta1**10):.3f}, g = {g}")

# %% [markdown]
# 보정이 하는 일을 보려면 Adam을 보정과 함께, 그리고 보정 없이 돌려 보면 됩니다. 아래는 위의
# 공식대로 손으로 쓴 Adam이고, 보정을 켜고 끌 수 있습니다. 켜면 microgradx의 `Adam`과 단계마다
# 똑같아야 하고(라이브러리를 독립적으로 확인하는 셈입니다), 끄면 보정 없는 옵티마이저입니다.
# 둘 다 기울기가 상수 $g = 6$인 $J(\theta) = 6\theta$에서 돌리므로, 이상적으로는 모든 걸음이
# 정확히 $\alpha$여야 합니다.


# %%
def hand_adam(gradient, theta, steps, lr=0.1, correct=True):
    """Adam from its formulas; returns the step lengths. correct=False drops m̂, ŝ."""
    m = s = 0.0
    lengths = []
    for t in range(1, steps + 1):
        g = gradient(theta)
        m = beta1 * m + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g * g
        m_hat, s_hat = (m / (1 - beta1**t), s / (1 - beta2**t)) if correct else (m, s)
        step = lr * m_hat / (math.sqrt(s_hat) + eps)
        theta -= step
        lengths.append(step)
    return lengths


def library_adam(steps, lr=0.1, g=6.0):
    """microgradx's Adam on J(θ) = g·θ; returns the step lengths."""
    theta = Value(0.0)
    optimizer = Adam([theta], lr=lr)
    lengths = []
    for _ in range(steps):
        optimizer.zero_grad()
        before = theta.data
        (g * theta).backward()
        optimizer.step()
        lengths.append(before - theta.data)
    return lengths


steps, lr = 1000, 0.1
library = library_adam(steps, lr)
corrected = hand_adam(lambda theta: 6.0, 0.0, steps, lr)
uncorrected = hand_adam(lambda theta: 6.0, 0.0, steps, lr, correct=False)
assert np.allclose(library, corrected, rtol=1e-12, atol=0)  # the library is Adam …
assert np.allclose(library, lr, rtol=1e-6)  # … and every corrected step is α long
print(tr(" step t   with correction   without", " 단계 t         보정 있음      없음"))
for t in (1, 2, 5, 10, 20, 100, 1000):
    print(f"{t:>7}   {corrected[t - 1]:>15.4f}   {uncorrected[t - 1]:>7.4f}")
longest = int(np.argmax(uncorrected)) + 1
print(
    tr("longest uncorrected step:", "보정 없는 가장 긴 걸음:"),
    f"{max(uncorrected) / lr:.2f} α,",
    tr(f"at step {longest}", f"{longest}번째 단계"),
)
assert abs(uncorrected[0] / lr - (1 - beta1) / math.sqrt(1 - beta2)) < 1e-6  # 3.16 α first
assert max(uncorrected) > 6 * lr and 5 < longest < 30  # longer still a few steps later
assert uncorrected[-1] > 1.2 * lr  # and still too long after 1000 steps
for g in (0.001, 1000.0):  # the corrected first step is α whatever the size of g
    assert abs(library_adam(1, lr, g)[0] - lr * g / (g + eps)) < 1e-12

# %% [markdown]
# 보정이 없으면 첫 걸음이 $3.16\,\alpha$이고, 열두 걸음쯤 뒤에는 약 $6.5\,\alpha$까지 커지며
# ($m$이 $s$보다 빨리 데워지기 때문입니다: $1 - \beta_1^t$ 대 $\sqrt{1 - \beta_2^t}$), 1000
# 걸음 뒤에도 여전히 $25\%$ 깁니다. Adam의 학습률은 보정이 있어야만 그 값대로의 뜻을 갖습니다.

# %% [markdown]
# ## 휘어진 골짜기에서 다섯 옵티마이저
#
# 📖 노트 003 · Loss를 최소화 하려면? (1차 미분 목록)을 파라미터 두 개의 손실 곡면에서.
#
# 8번 노트북(선택 과정이며, 여기서는 그 내용이 필요 없습니다)의 휘어진 골짜기
# $f(x, y) = (1 - x)^2 + 5\,(y - x^2)^2$입니다. 최솟값은 $(1, 1)$이고 $(-1, 1.5)$에서
# 출발합니다. 옵티마이저마다 300걸음과, 작은 격자 가운데 가장 낮게 내려가게 하는 학습률을
# 줍니다. 옵티마이저가 얼마나 좋은지는 학습률에 달려 있습니다. 학습률을 맞춰 주어도 보통의
# SGD는 300걸음 뒤에 여전히 평평한 골짜기 바닥을 기어가고 있어, 가장 좋은 것에 한참
# 뒤처집니다.


# %%
def valley(x, y):
    return (1 - x) ** 2 + 5 * (y - x * x) ** 2


def valley_path(name, lr, steps=300):
    """The optimizer's path from (−1, 1.5), or None if it diverges."""
    x, y = Value(-1.0), Value(1.5)
    optimizer = OPTIMIZERS[name]([x, y], lr=lr)
    path = [(x.data, y.data)]
    for _ in range(steps):
        optimizer.zero_grad()
        try:
            valley(x, y).backward()
        except OverflowError:  # a Value never holds inf: the step size was too large
            return None
        optimizer.step()
        path.append((x.data, y.data))
    return np.array(path)


valley_grid = (0.003, 0.01, 0.03, 0.1, 0.3)
best_paths, best_lr = {}, {}
for name in NAMES:
    tried = {lr: valley_path(name, lr) for lr in valley_grid}
    converging = {lr: p for lr, p in tried.items() if p is not None and np.abs(p).max() < 10}
    best_lr[name] = min(converging, key=lambda lr: valley(*converging[lr][-1]))
    best_paths[name] = converging[best_lr[name]]
    f_end = valley(*best_paths[name][-1])
    print(
        f"{name:>8}: α = {best_lr[name]:<5}",
        tr("f after 300 steps", "300단계 뒤 f"),
        f"{f_end:.2e}",
    )
final = {name: valley(*path[-1]) for name, path in best_paths.items()}
assert min(final.values()) < 1e-3  # someone gets there …
assert final["sgd"] > 1000 * min(final.values())  # … plain SGD, tuned, is far behind

labels = {
    f"{type(OPTIMIZERS[n]([Value(0.0)], lr=1.0)).__name__} (α = {best_lr[n]})": p
    for n, p in best_paths.items()
}
fig = plot_paths(valley, labels, xlim=(-1.6, 1.6), ylim=(-0.7, 2.8))
ax = fig.axes[0]
minimum = tr("minimum (1, 1)", "최솟값 (1, 1)")
ax.plot(1, 1, "*", color="#16a34a", markersize=16, mec="white", zorder=5, label=minimum)
for line in ax.get_lines():  # plot_paths labels "name: 300 steps"
    line.set_label(tr(line.get_label(), line.get_label().replace(" steps", "단계")))
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
fig.set_size_inches(9.6, 4.8)
fig

# %% [markdown]
# ## 신경망에서 공정하게 비교하기
#
# 옵티마이저마다 "흔히 쓰는" 학습률 하나로 비교하면, 방법만큼이나 학습률을 비교하게 됩니다.
# 공정한 비교는 옵티마이저마다 학습률을 훑고, 설정마다 시드를 여러 개 써서 반복하고(시드가
# 초기 가중치와 미니배치 순서를 정합니다), 각 옵티마이저를 *그 자신의 가장 좋은* 학습률에서
# 비교합니다.
#
# 과제: 두 개의 반달(two moons) 데이터에서 MLP 2-8-8-1, 이진 크로스 엔트로피, 미니배치 30개,
# 20 에폭, 시드 3개. 📖 노트 003 · 관측 데이터 vs. 훈련 데이터: "관측 데이터를 세 종류의 데이터로
# 분리"합니다. 훈련 데이터로 학습하고, 검증 데이터로 고르고, 시험 데이터로 보고합니다. 훑기의
# 점수는 마지막 에폭의 훈련 손실입니다. 각 옵티마이저가 얼마나 잘 *최적화하는지*를 비교하는
# 것이고, 모델을 고르는 일은 아래에서 검증 데이터가 맡습니다.
#
# 모든 옵티마이저가 결과를 보기 전에 정해 둔 같은 격자를 씁니다. $0.001$부터 $3$까지 약 3배
# 간격의 학습률 여덟 개입니다. 옵티마이저마다 가장 좋은 학습률은 격자 *안쪽*에 있어야 하고,
# 양쪽에 실제로 재어 본 더 나쁜 학습률이 있어야 합니다. 가장 좋은 학습률이 어느 한쪽 끝에
# 있다면 그 옵티마이저에게는 격자가 좁다는 뜻이고, 아래의 확인이 실패합니다. 손실이 넘쳐흐르는
# 실행은 발산한 것으로 셉니다.
#
# `compiled=True`를 주면 `fit`은 샘플 하나의 손실을 한 번 추적해 두고, 모든 미니배치를 numpy로
# 재생합니다. 즉시 실행하는 `Value` 그래프와 같은 기울기를 내면서(첫 설정에서 확인합니다)
# 훨씬 빠르고, 덕분에 여기서 120번의 훈련을 감당할 수 있습니다.

# %%
X, y = make_moons(150, noise=0.15, seed=0)
(X_train, y_train), (X_val, y_val), (X_test, y_test) = train_val_test_split(
    X, y, fractions=(0.6, 0.2, 0.2), seed=0
)
grid = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
seeds = (0, 1, 2)


def train(name, lr, seed, compiled=True):
    """One training run; its model and history, or (None, None) if it diverged."""
    model = MLP(2, [8, 8, 1], seed=seed)
    try:
        history = fit(
            model,
            X_train,
            y_train,
            loss="bce",
            optimizer=name,
            lr=lr,
            epochs=20,
            batch_size=30,
            seed=seed,
            progress=False,
            compiled=compiled,
        )
    except FloatingPointError:  # fit stops with this when a step overflows
        return None, None
    return model, history


eager, replayed = train("sgd", 0.001, 0, compiled=False)[1], train("sgd", 0.001, 0)[1]
assert np.allclose(eager.train_loss, replayed.train_loss, rtol=1e-9, atol=0)

final_loss = {}  # (optimizer, lr) → one final training loss per seed (inf: diverged)
for name in NAMES:
    for lr in grid:
        runs = [train(name, lr, seed)[1] for seed in seeds]
        final_loss[name, lr] = np.array([h.train_loss[-1] if h else np.inf for h in runs])
mean_loss = {key: runs.mean() for key, runs in final_loss.items()}
best = {name: min(grid, key=lambda lr: mean_loss[name, lr]) for name in NAMES}
print(
    tr(
        "final training loss (mean of 3 seeds) at each learning rate; last column: the best",
        "학습률별 마지막 훈련 손실 (시드 3개의 평균); 마지막 열: 가장 좋은 학습률",
    )
)
print(" " * 9 + "".join(f"{lr:>7g}" for lr in grid))
for name in NAMES:
    print(f"{name:>9}" + "".join(f"{mean_loss[name, lr]:>7.3f}" for lr in grid), best[name])
for name in NAMES:  # bracketed: a measured, worse rate on each side of the best
    k = grid.index(best[name])
    assert 0 < k < len(grid) - 1, f"{name}: best rate {best[name]} at the edge of the grid"

# %% [markdown]
# 학습률에 따른 손실, 옵티마이저마다 곡선 하나입니다(띠는 시드 세 개의 범위이고, 발산한 실행은
# 뺐습니다):

# %%
fig = Figure(figsize=(6.8, 4.0), layout="constrained")
ax = fig.subplots()
for name in NAMES:
    runs = np.array([final_loss[name, lr] for lr in grid])
    ok = np.isfinite(runs).all(axis=1)
    rates = np.array(grid)[ok]
    (line,) = ax.plot(rates, runs[ok].mean(axis=1), "o-", label=name)
    ax.fill_between(
        rates, runs[ok].min(axis=1), runs[ok].max(axis=1), color=line.get_color(), alpha=0.15
    )
ax.set(
    xscale="log",
    yscale="log",
    xlabel=tr("learning rate α", "학습률 α"),
    ylabel=tr("training loss after 20 epochs", "20 에폭 뒤 훈련 손실"),
)
ax.set_title(
    tr("every optimizer has its own good learning rate", "옵티마이저마다 좋은 학습률이 다르다")
)
ax.legend(frameon=False)
fig

# %% [markdown]
# 모든 곡선이 골짜기 모양입니다. 학습률이 너무 작으면 느리게 배우고, 너무 크면 넘어갑니다(3번
# 노트북). 그리고 바닥의 위치가 옵티마이저마다 10배 넘게 다릅니다. 그래서 학습률 하나로 매긴
# 순위는 방법만큼이나 학습률의 순위입니다. 가장 좋은 학습률의 보통 SGD가 0.01(`fit`의 기본
# 학습률)의 Adam을 이기지만, 자기에게 가장 좋은 학습률의 Adam은 우리가 시도한 모든 학습률의
# SGD를 이깁니다. 그리고 가장 좋은 학습률에서도 순위가 시드마다 같지 않습니다. 이렇게 작은
# 차이는 시드를 여러 개 써 보기 전에는 의미가 없습니다.

# %%
at_best = {name: mean_loss[name, best[name]] for name in NAMES}
print(
    tr("at the best learning rate:", "가장 좋은 학습률에서:"),
    ", ".join(f"{n} {v:.3f}" for n, v in at_best.items()),
)
assert max(best.values()) / min(best.values()) > 10  # the good rates differ a lot
assert at_best["sgd"] < mean_loss["adam", 0.01]  # SGD, tuned, beats Adam at 0.01 …
assert at_best["adam"] < min(mean_loss["sgd", lr] for lr in grid)  # … tuned Adam wins
ranking_per_seed = [
    tuple(sorted(NAMES, key=lambda name: final_loss[name, best[name]][k]))
    for k in range(len(seeds))
]
for seed, ranking in zip(seeds, ranking_per_seed, strict=True):
    print(tr(f"seed {seed}, best first: ", f"시드 {seed}, 좋은 순서: ") + " < ".join(ranking))
assert len(set(ranking_per_seed)) > 1  # the order changes with the seed

# %% [markdown]
# ## 검증 데이터로, 여러 시드에 걸쳐 고르고, 시험 데이터는 한 번만 보고하기
#
# 고를 때도 같은 교훈이 적용됩니다. 시드 하나는 한 번의 추첨일 뿐입니다. 각 옵티마이저를 가장
# 좋은 학습률로 모든 시드에서 훈련하고, 모든 모델을 검증 데이터에서 재고, 검증 손실의 *평균*이
# 가장 낮은 옵티마이저를 고릅니다. 그다음에야, 고른 방법에 대해 시험 데이터를 한 번(시드 평균)
# 잽니다.

# %%
val_loss, models = {}, {}
for name in NAMES:
    models[name] = [train(name, best[name], seed)[0] for seed in seeds]
    val_loss[name] = np.array([evaluate(m, X_val, y_val, loss="bce")[0] for m in models[name]])
seed_word, mean_word = tr("seed", "시드"), tr("mean", "평균")
header = "".join(f"  {seed_word} {seed}" for seed in seeds)
print(f"{tr('validation loss', '검증 손실'):>26}" + header + f"    {mean_word}")
for name in NAMES:
    cells = "".join(f"{v:>8.3f}" for v in val_loss[name])
    print(f"{name:>9} (α = {best[name]:<5g})    {cells}   {val_loss[name].mean():.3f}")
on_seed_0 = sorted(NAMES, key=lambda name: val_loss[name][0])
chosen = min(NAMES, key=lambda name: val_loss[name].mean())
print(tr("seed 0 alone, best first:", "시드 0 하나만, 좋은 순서:"), " < ".join(on_seed_0))
print(tr("chosen over the seeds:", "시드 전체로 고른 것:"), chosen)
spread = {name: np.ptp(val_loss[name]) for name in NAMES}  # across seeds, per optimizer
means = sorted(val_loss[name].mean() for name in NAMES)
assert on_seed_0[0] != chosen and on_seed_0[-1] == chosen  # seed 0 alone ranks it last
assert spread[chosen] > means[1] - means[0]  # its own seeds differ more than its lead
assert max(spread.values()) > means[-1] - means[0]  # the seed moves more than the optimizer

# %% [markdown]
# 시드 0 하나만 본 결과와 시드 세 개를 함께 본 결과가 완전히 어긋납니다. 시드 0에서는 보통의
# SGD가 검증 손실이 가장 낮고 Adam이 가장 높은데, 시드 세 개의 평균으로는 Adam이 가장 낮고 SGD가
# 가장 높습니다. 어느 쪽도 잘못된 것은 아닙니다. 훈련 데이터 90개, 검증 데이터 30개로는
# 초기 가중치와 미니배치 순서(둘 다 시드가 정합니다)가 옵티마이저의 선택보다 모델의 검증 손실을
# 더 크게 움직입니다. 시드 세 개도 작은 표본입니다. Adam 자신의 검증 손실 세 개가 2등과의 차이보다
# 더 넓게 흩어져 있으므로 "여기서는 Adam이 가장 좋다"는 약한 주장이고, 강한 주장이 되려면 시드가
# (또는 데이터가) 더 필요합니다. 이것이 원칙입니다. 시드에 걸친 평균으로 고르고, 그 선택을 얼마나
# 확신할 수 있는지 함께 말합니다.
#
# 이제 고른 방법(옵티마이저와 그 학습률, 시드 세 개의 평균)에 대해 시험 데이터를 한 번 잽니다:

# %%
tests = [evaluate(m, X_test, y_test, loss="bce") for m in models[chosen]]
test_loss, test_accuracy = np.mean(tests, axis=0)
print(
    f"{chosen},",
    tr("test (measured once): loss", "시험 (한 번 측정): 손실"),
    f"{test_loss:.3f},",
    tr("accuracy", "정확도"),
    f"{test_accuracy:.1%}",
)
assert test_accuracy >= 0.9

# %% [markdown]
# 고른 방법의 시드 0 모델이 만든 결정 경계입니다. 시험 데이터의 점과 함께 그렸으므로 제목의
# 정확도는 그 모델의 시험 정확도입니다:

# %%
fig = plot_decision_boundary(models[chosen][0], X_test, y_test, points="test")
title = fig.axes[0].get_title()
assert f"accuracy {tests[0][1]:.1%}" in title and "test" in title
korean = f"결정 경계\n시험 데이터 {len(X_test)}개에서 정확도 {tests[0][1]:.1%}"
fig.axes[0].set_title(tr(title, korean))
fig

# %% [markdown]
# ## 정리
#
# - Momentum은 기울기를 평균 내고, AdaGrad와 RMSProp은 파라미터마다 걸음을 기울기 이력으로
#   조절하며, Adam은 둘 다 하면서 편향 보정으로 걸음을 $\alpha$에 맞춥니다(보정이 없으면
#   $6.5\,\alpha$까지 커집니다).
# - 옵티마이저는 각자의 가장 좋은 학습률에서, 여러 시드에 걸쳐 비교합니다. 학습률을 고정한
#   순위는 대부분 학습률의 순위입니다.
# - 검증 데이터로, 여러 시드에 걸쳐 고르고(시드 하나로는 순위가 뒤집힐 수 있습니다), 시험
#   데이터는 마지막에 한 번만 잽니다.
