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
# # 4 · 학습 알고리즘: 배치, 에폭, 데이터 나누기
#
# 📖 노트 000/001 · 5. 학습 알고리즘 구현하기 (학습 알고리즘의 4단계) · 노트 003 · 훈련 단위
#
# 노트의 학습 알고리즘은 4단계입니다.
#
# 1. **미니배치**: 훈련 데이터 중 일부를 무작위로 가져옵니다.
# 2. **기울기 산출**: 그 미니배치로 손실 함수의 기울기를 구합니다.
# 3. **갱신**: 모든 매개변수를 기울기의 반대 방향으로 움직입니다.
# 4. **반복**: 1~3을 되풀이합니다.
#
# 이 노트북은 노트북 1–3에서 만든 것만 씁니다. numpy, 손으로 구한 기울기, 노트북 3의
# 갱신입니다. 아래의 반복문은 모두 이 4단계를 그대로 적은 것입니다.
#
# 학습 단위는 이렇습니다. **배치 크기** $B$는 기울기 하나에 쓰는 샘플 수입니다($B = N$이면
# *배치*, 곧 전체 데이터로 하는 경사 하강법, $B = 1$이면 *확률적*(stochastic), 그 사이면
# *미니배치*). **반복**(iteration)은 배치 하나로 하는 갱신 한 번이고, **에폭**은 훈련 샘플
# $N$개 전체를 한 번 도는 것, 곧 $\lceil N / B \rceil$번의 반복입니다.
#
# 이 모든 것을 보여 주는 가장 작은 모델은 매개변수가 둘인 직선 $y = w x + b$를 평균 제곱
# 오차로 맞추는 것입니다. 배치 $\mathcal B$에서의 기울기는 연쇄 법칙으로 나옵니다(노트북
# 5에서 자동으로 합니다).
#
# $$J = \frac1B\sum_{i\in\mathcal B}(w x_i + b - t_i)^2, \qquad
# \frac{\partial J}{\partial w} = \frac2B\sum_{i\in\mathcal B}(w x_i + b - t_i)\,x_i, \qquad
# \frac{\partial J}{\partial b} = \frac2B\sum_{i\in\mathcal B}(w x_i + b - t_i).$$

# %%
# %matplotlib inline

# %%
import numpy as np
from matplotlib.figure import Figure
from numpy.polynomial import legendre

from microgradx.course import setup_figures, tr
from microgradx.data import batches, iterations_per_epoch, make_regression, train_val_test_split
from microgradx.numeric import numerical_gradient
from microgradx.viz import plot_paths

setup_figures()

# %%
X, t = make_regression(64, n_features=1, noise=0.4, seed=2)
x = X[:, 0]
N = len(x)


def loss(w, b, xs=x, ts=t):
    return np.mean((w * xs + b - ts) ** 2)


def gradient(w, b, xs, ts):
    residual = w * xs + b - ts
    return np.array([2 * np.mean(residual * xs), 2 * np.mean(residual)])


# the formula agrees with central differences (notebook 2)
assert np.allclose(gradient(0.3, -0.2, x, t), numerical_gradient(loss, [0.3, -0.2]), atol=1e-8)
best_w, best_b = np.linalg.lstsq(np.c_[x, np.ones(N)], t, rcond=None)[0]  # exact least squares
print(
    tr(
        f"{N} samples; the least-squares line is y = {best_w:.3f}·x + {best_b:.3f}",
        f"샘플 {N}개; 최소 제곱 직선은 y = {best_w:.3f}·x + {best_b:.3f}",
    )
)

# %% [markdown]
# ## 배치, 미니배치, 확률적: 같은 알고리즘, 다른 배치
#
# 📖 노트 000/001 · 딥러닝의 학습 단위: Batch와 Epoch · 노트 003 · 훈련 단위 (Batch,
# Mini-Batch, Stochastic)
#
# $(w, b) = (-2, 2)$에서 같은 학습률로 4단계를 6 에폭 동안 실행하고, 배치 크기만 바꿉니다.
# `data.batches`는 에폭마다 샘플을 섞어 $B$개씩 자릅니다. 모든 샘플이 에폭마다 한 번씩
# 쓰입니다.


# %%
def train(batch_size, epochs=6, lr=0.1, seed=0):
    rng = np.random.default_rng(seed)
    theta = np.array([-2.0, 2.0])
    path = [theta.copy()]
    for _ in range(epochs):
        for xb, tb in batches(x, t, batch_size, shuffle=True, rng=rng):  # 1. a mini-batch
            g = gradient(*theta, xb, tb)  # 2. its gradient
            theta = theta - lr * g  # 3. the update
            path.append(theta.copy())  # 4. repeat
    return np.array(path)


runs = {
    "batch (B = 64)": train(None),
    "mini-batch (B = 8)": train(8),
    "stochastic (B = 1)": train(1),
}
for (name, path), B in zip(runs.items(), (N, 8, 1), strict=True):
    updates = len(path) - 1
    distance = np.linalg.norm(path[-1] - [best_w, best_b])
    print(
        tr(
            f"{name:>19}: {updates:>3} updates, ends {distance:.3f} from the least-squares line",
            f"{name:>19}: 갱신 {updates:>3}번, 최소 제곱 직선에서 {distance:.3f} 떨어져 끝남",
        )
    )
    assert updates == 6 * iterations_per_epoch(N, B)
final_distance = {name: np.linalg.norm(p[-1] - [best_w, best_b]) for name, p in runs.items()}
assert final_distance["mini-batch (B = 8)"] < final_distance["batch (B = 64)"]  # more updates

# %% [markdown]
# 손실의 등고선 위에서 보면, 전체 배치는 매끄럽게 걷지만 6걸음밖에 가지 않습니다. 확률적
# 방식은 잡음 섞인 384걸음을 가고 최솟값 주위에서 흔들립니다(샘플마다 자기 직선 쪽으로
# 당기기 때문입니다). 미니배치는 그 사이에 있습니다.

# %%
fig = plot_paths(loss, runs, xlim=(-2.5, 2.5), ylim=(-1.0, 2.5))
ax = fig.axes[0]
ax.plot(
    best_w,
    best_b,
    "*",
    color="#16a34a",
    markersize=16,
    mec="white",
    zorder=5,
    label=tr("least squares", "최소 제곱"),
)
ax.set(xlabel="w", ylabel="b")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
fig.set_size_inches(9.0, 4.6)
fig

# %% [markdown]
# 최솟값 근처에서 확률적 경로는 자리를 잡지 못합니다. 학습률이 고정되어 있으면 걸음마다
# 샘플 하나의 기울기를 따르는데, 평균의 최솟값에서 샘플별 기울기는 0이 아닙니다(평균을
# 내야만 상쇄됩니다). 그래서 마지막 에폭의 걸음 길이는 대략 $\alpha \cdot$(샘플 하나의
# 전형적인 기울기)로 남습니다.

# %%
at_best = np.array([gradient(best_w, best_b, x[i : i + 1], t[i : i + 1]) for i in range(N)])
assert np.allclose(at_best.mean(axis=0), 0, atol=1e-12)  # the full gradient vanishes …
typical_step = 0.1 * np.linalg.norm(at_best, axis=1).mean()  # … one sample's does not
last_epoch = runs["stochastic (B = 1)"][-N - 1 :]
step_lengths = np.linalg.norm(np.diff(last_epoch, axis=0), axis=1)
print(
    tr(
        f"stochastic steps in the last epoch: mean length {step_lengths.mean():.3f} "
        f"(α·mean per-sample gradient at the minimum: {typical_step:.3f})",
        f"마지막 에폭의 확률적 걸음: 평균 길이 {step_lengths.mean():.3f} "
        f"(최솟값에서 α·샘플별 기울기의 평균: {typical_step:.3f})",
    )
)
assert abs(step_lengths.mean() / typical_step - 1) < 0.3

# %% [markdown]
# ## 온라인 학습
#
# 📖 노트 002 · 확률적 경사 하강법 (m = 1: 온라인 학습, online/incremental learning)
#
# 데이터가 끝없이 들어오면(가격, 센서 측정값) 에폭이 없습니다. 샘플마다 한 번 갱신에 쓰고
# 버립니다. 노트 002가 $m = 1$인 경우를 '온라인 학습'(online/incremental learning)이라고
# 부르는 확률적 경사 하강법입니다. 바뀌는 세상도 따라갑니다. 아래에서 진짜 기울기가
# 샘플 400개의 흐름 중간에 $+1$에서 $-1$로 바뀝니다. 온라인 모델은 그 변화를 따라가고,
# 지금까지 본 모든 데이터에 최소 제곱으로 맞춘 직선은 두 세상을 평균합니다.

# %%
stream_rng = np.random.default_rng(1)
xs_stream = stream_rng.uniform(-1, 1, 400)
true_w = np.where(np.arange(400) < 200, 1.0, -1.0)
ts_stream = true_w * xs_stream + 0.5 + stream_rng.normal(0, 0.1, 400)

theta = np.zeros(2)
online_w = []
for x_i, t_i in zip(xs_stream, ts_stream, strict=True):  # one sample at a time, used once
    theta -= 0.1 * gradient(*theta, np.array([x_i]), np.array([t_i]))
    online_w.append(theta[0])
A = np.c_[xs_stream, np.ones(400)]
all_data_w = np.linalg.lstsq(A, ts_stream, rcond=None)[0][0]
print(
    tr(
        f"after the change: online w = {online_w[-1]:+.3f}, "
        f"fit to all data w = {all_data_w:+.3f}, true w = -1",
        f"바뀐 뒤: 온라인 w = {online_w[-1]:+.3f}, "
        f"전체 데이터에 맞춘 w = {all_data_w:+.3f}, 진짜 w = -1",
    )
)
assert abs(online_w[199] - 1) < 0.15 and abs(online_w[-1] + 1) < 0.15
assert abs(all_data_w + 1) > 0.8

# %% [markdown]
# ## 미니배치 기울기의 잡음: $\sigma/\sqrt B$와 보정
#
# 📖 노트 003 · 미니 배치 크기 (모집단의 표준 편차 σ, 표본 평균의 표준 편차 σ/√n)
#
# 평균 손실의 기울기는 샘플별 기울기의 평균이므로, 미니배치 기울기는 *표본 평균*입니다.
# 샘플 하나의 기울기가 전체 기울기 주위에서 표준 편차 $\sigma$를 가진다면, **독립적으로**
# 뽑은 $B$개의 평균은
#
# $$\sigma_B = \frac{\sigma}{\sqrt B}$$
#
# 를 가집니다. 배치를 100배 키우면 계산은 100배 늘지만 잡음은 10배만 줄어듭니다. 그래서
# 대부분의 학습은 적당한 크기의 미니배치를 씁니다. 그런데 `data.batches`는 독립적으로
# 뽑지 않습니다. **비복원 추출**로 뽑아(에폭마다 모든 샘플을 한 번씩) $N$개 전체로 된
# 배치에는 잡음이 전혀 없습니다. 비복원 추출에서는 표준 편차에 유한 모집단 보정이 붙습니다.
#
# $$\sigma_B = \frac{\sigma}{\sqrt B}\sqrt{\frac{N - B}{N - 1}} .$$
#
# $(w, b) = (0, 0)$에서 $N = 64$인 샘플별 기울기로 두 경우를 측정합니다.

# %%
per_sample = np.array([gradient(0.0, 0.0, x[i : i + 1], t[i : i + 1]) for i in range(N)])
full = gradient(0.0, 0.0, x, t)
assert np.allclose(per_sample.mean(axis=0), full, rtol=0, atol=1e-12)
sigma = np.sqrt(per_sample.var(axis=0).sum())  # spread of one sample's gradient

rng = np.random.default_rng(0)
sizes = [1, 2, 4, 8, 16, 32, 48, 64]
measured = {"with replacement": [], "without replacement": []}
for B in sizes:
    with_repl = rng.integers(0, N, size=(4000, B))
    without = np.argsort(rng.random((4000, N)), axis=1)[:, :B]  # B distinct samples
    for name, draws in (("with replacement", with_repl), ("without replacement", without)):
        estimates = per_sample[draws].mean(axis=1)
        measured[name].append(np.sqrt(((estimates - full) ** 2).sum(axis=1).mean()))
sizes_arr = np.array(sizes)
theory = {
    "with replacement": sigma / np.sqrt(sizes_arr),
    "without replacement": sigma / np.sqrt(sizes_arr) * np.sqrt((N - sizes_arr) / (N - 1)),
}
print(
    tr(
        f"{'B':>3} {'with repl.':>11} {'σ/√B':>8} {'without':>9} {'corrected':>10}",
        f"{'B':>3} {'복원 추출':>7} {'σ/√B':>8} {'비복원':>6} {'보정':>8}",
    )
)
for k, B in enumerate(sizes):
    row = [measured["with replacement"][k], theory["with replacement"][k]]
    row += [measured["without replacement"][k], theory["without replacement"][k]]
    print(f"{B:>3} {row[0]:>11.4f} {row[1]:>8.4f} {row[2]:>9.4f} {row[3]:>10.4f}")
for name in measured:
    m, th = np.array(measured[name]), theory[name]
    ok = th > 0
    assert np.all(np.abs(m[ok] / th[ok] - 1) < 0.06), name
assert measured["without replacement"][-1] < 1e-12  # B = N: the whole set, no noise
assert measured["with replacement"][-1] > 0.1 * measured["with replacement"][0]

fig = Figure(figsize=(6.0, 3.6), layout="constrained")
ax = fig.subplots()
for name, marker in (("with replacement", "o"), ("without replacement", "s")):
    how = {
        "with replacement": tr(name, "복원 추출"),
        "without replacement": tr(name, "비복원 추출"),
    }
    ax.plot(sizes, measured[name], marker, label=tr(f"measured, {name}", f"측정, {how[name]}"))
ax.plot(sizes, theory["with replacement"], "-", color="#64748b", label="σ/√B")
ax.plot(sizes, theory["without replacement"], "--", color="#64748b", label="σ/√B·√((N−B)/(N−1))")
ax.set(
    xscale="log",
    xlabel=tr("batch size B", "배치 크기 B"),
    ylabel=tr("gradient noise", "기울기의 잡음"),
    title=tr(f"mini-batch noise, N = {N}", f"미니배치의 잡음, N = {N}"),
)
ax.set_xticks(sizes, [str(s) for s in sizes])
ax.legend(frameon=False)
fig

# %% [markdown]
# ## 훈련, 검증, 시험 데이터
#
# 📖 노트 003 · 관측 데이터 vs. 훈련 데이터 · 노트 004 · 1.2) training 데이터와 test 데이터
#
# 우리는 세상의 일부만 관측할 수 있고, 모델은 자기가 맞춘 데이터에서는 잘하면서 새
# 데이터에서는 못할 수 있습니다. 그래서 관측 데이터를 셋으로 나눕니다. **훈련** 데이터로
# 매개변수를 맞추고, **검증** 데이터로 실험하는 동안 설정(에폭 수, 학습률, 모델 크기)을
# 고르고, **시험** 데이터는 마지막에 한 번만 보아 모델에 영향을 준 적 없는 데이터에서 얼마나
# 잘하는지 추정합니다. 노트 004는 시험 데이터가 재는 이 성질을 모델의 범용성(generalization)
# 이라고 부릅니다.
#
# ## 에폭에 따른 과소적합과 과적합
#
# 📖 노트 000/001 · 딥러닝의 학습 단위: 에폭 (에폭이 크면 overfitting, 작으면 underfitting)
#
# 노트는 에폭이 너무 적으면 과소적합(underfitting), 너무 많으면 과적합(overfitting)이
# 생길 수 있다고 합니다. 직접 봅니다. 11차 다항식(매개변수 12개, 조건이 좋은 르장드르
# 기저로 씀)을 $\sin \pi x$에 잡음을 더한 샘플 12개에 전체 배치 경사 하강법으로 맞추고,
# 에폭마다 두 손실을 기록합니다. 처음에는 둘 다 높습니다(**과소적합**: 모델이 아직 모양을
# 배우지 못했습니다). 그러다 검증 손실이 최솟값에 이르고, 그 뒤로는 훈련 손실은 계속
# 줄어드는데 검증 손실은 커집니다(**과적합**: 모델이 12개 점의 잡음을 배우고 있습니다).
# 검증 손실이 가장 작을 때 멈추는 것을 *조기 종료*라고 합니다.

# %%
poly_rng = np.random.default_rng(3)


def noisy_sine(n):
    xs = poly_rng.uniform(-1, 1, n)
    return xs, np.sin(np.pi * xs) + poly_rng.normal(0, 0.3, n)


(x_train, t_train), (x_val, t_val) = noisy_sine(12), noisy_sine(200)
Phi_train, Phi_val = legendre.legvander(x_train, 11), legendre.legvander(x_val, 11)
curvature = np.linalg.eigvalsh(2 / 12 * Phi_train.T @ Phi_train).max()
lr = 0.5 / curvature  # a quarter of the stability limit 2/λ_max (notebook 3)

recorded = np.unique(np.geomspace(1, 20000, 300).round().astype(int))  # epochs we look at
record = set(recorded.tolist())
coef, train_curve, val_curve, snapshots = np.zeros(12), [], [], {}
for epoch in range(1, 20001):  # full batch: one iteration per epoch
    coef -= lr * 2 / 12 * Phi_train.T @ (Phi_train @ coef - t_train)
    if epoch in record:
        train_curve.append(np.mean((Phi_train @ coef - t_train) ** 2))
        val_curve.append(np.mean((Phi_val @ coef - t_val) ** 2))
        if len(val_curve) == 1 or val_curve[-1] < min(val_curve[:-1]):
            best_epoch, best_coef = epoch, coef.copy()
    if epoch in (1, 20000):
        snapshots[epoch] = coef.copy()
snapshots[best_epoch] = best_coef
train_curve, val_curve = np.array(train_curve), np.array(val_curve)
best = int(np.flatnonzero(recorded == best_epoch)[0])
print(
    tr(
        f"validation loss lowest at epoch {best_epoch}: {val_curve[best]:.3f} "
        f"(train {train_curve[best]:.3f}); at epoch 20000 train {train_curve[-1]:.4f}, "
        f"validation {val_curve[-1]:.3f}",
        f"검증 손실은 에폭 {best_epoch}에서 가장 작다: {val_curve[best]:.3f} "
        f"(훈련 {train_curve[best]:.3f}); 에폭 20000에서 훈련 {train_curve[-1]:.4f}, "
        f"검증 {val_curve[-1]:.3f}",
    )
)
assert np.all(np.diff(train_curve) <= 1e-12)  # training loss never rises …
assert 2 < best_epoch < 2000  # … validation loss falls, then rises
assert val_curve[-1] > 5 * val_curve[best] and train_curve[-1] < train_curve[best] / 2
assert min(train_curve[0], val_curve[0]) > 2 * val_curve[best]  # epoch 1: underfit

fig = Figure(figsize=(11.0, 3.6), layout="constrained")
left, right = fig.subplots(1, 2)
left.loglog(recorded, train_curve, label=tr("training", "훈련"))
left.loglog(recorded, val_curve, label=tr("validation", "검증"))
left.axvline(best_epoch, color="#94a3b8", linestyle=":")
early = tr("early stopping", "조기 종료")
left.annotate(early, (best_epoch, val_curve[best]), (best_epoch * 3, 1.0))
left.set(
    xlabel=tr("epoch", "에폭"),
    ylabel="MSE",
    title=tr("underfitting → overfitting", "과소적합 → 과적합"),
)
left.legend(frameon=False)
grid = np.linspace(-1, 1, 300)
right.plot(x_train, t_train, "o", color="black", label=tr("training samples", "훈련 데이터"))
right.plot(grid, np.sin(np.pi * grid), ":", color="#64748b", label="sin πx")
for epoch, c in sorted(snapshots.items()):
    name = {
        1: tr("underfit", "과소적합"),
        best_epoch: tr("best on validation", "검증 손실 최소"),
        20000: tr("overfit", "과적합"),
    }[epoch]
    right.plot(
        grid, legendre.legval(grid, c), label=tr(f"epoch {epoch}: {name}", f"에폭 {epoch}: {name}")
    )
right.set(ylim=(-2, 2), xlabel="x", title=tr("the fitted curve", "맞춘 곡선"))
right.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
fig

# %% [markdown]
# ## 검증 곡선이 훈련 곡선보다 *아래에서* 시작할 수 있는 이유
#
# 📖 노트 003 · 관측 데이터 vs. 훈련 데이터 (학습 기록을 읽는 법은 이 과정에서 더한 내용입니다)
#
# 학습 기록은 보통 한 에폭의 훈련 손실을 *학습하면서 잰* 배치 손실들의 평균으로 보고합니다.
# 첫 배치들은 에폭 시작 때의 모델이, 마지막 배치들은 훨씬 나아진 모델이 점수를 매긴
# 것입니다. (노트북 5–7에서 쓰는 학습 반복 `microgradx.train.fit`도 이렇게 기록합니다.) 검증
# 손실은 에폭이 끝날 때 마지막 모델로 한 번 잽니다. 초반에 모델이 한 에폭 안에서 빠르게
# 나아질 때는 이 누적 평균이 뒤처지고, 검증 손실이 더 낮게 나올 수 있습니다.
#
# 아래에서는 직선 모델을 샘플 120개 중 72개로 4단계(미니배치 10개씩)를 따라 8 에폭
# 학습하고, 에폭마다 누적 평균, 에폭이 끝난 뒤 다시 잰 훈련 손실, 검증 손실을 기록합니다.
# 마지막 열은 누적 평균과 검증 손실 사이의 차이 가운데, 에폭이 끝난 뒤 다시 재서 줄어드는
# 몫입니다.

# %%
X2, t2 = make_regression(120, n_features=1, noise=0.4, seed=7)
(X_train, y_train), (X_val, y_val), (X_test, y_test) = train_val_test_split(
    X2, t2, fractions=(0.6, 0.2, 0.2), seed=0
)
xs_train, xs_val, xs_test = X_train[:, 0], X_val[:, 0], X_test[:, 0]
rng = np.random.default_rng(0)
theta = np.array([-2.0, 2.0])
running, end_of_epoch, validation = [], [], []
for _ in range(8):  # 4. repeat, one epoch at a time
    batch_losses = []
    for xb, tb in batches(xs_train, y_train, 10, shuffle=True, rng=rng):  # 1. a mini-batch
        batch_losses.append(loss(*theta, xb, tb))  # its loss, scored before the update
        theta = theta - 0.05 * gradient(*theta, xb, tb)  # 2.–3. its gradient, the update
    running.append(np.mean(batch_losses))
    end_of_epoch.append(loss(*theta, xs_train, y_train))
    validation.append(loss(*theta, xs_val, y_val))
running, end_of_epoch, validation = map(np.array, (running, end_of_epoch, validation))
closed = (running - end_of_epoch) / (running - validation)
print(
    tr(
        "epoch   running train   train at epoch end   validation   gap closed",
        "에폭      누적 평균       에폭 끝 훈련 손실      검증 손실   줄어든 몫",
    )
)
for k in range(8):
    row = f"{running[k]:>15.3f} {end_of_epoch[k]:>20.3f} {validation[k]:>12.3f}"
    print(f"{k + 1:>5} {row} {closed[k]:>12.0%}")
print(
    tr("test loss, looked at once at the end:", "마지막에 한 번 본 시험 손실:"),
    f"{loss(*theta, xs_test, y_test):.3f}",
)
assert np.all(validation < running)  # the validation loss is below the running average …
assert closed[0] > 0.5  # … in the first epoch mostly because the running average lags,
assert np.all(closed[4:] < 0.5)  # later mostly because the data sets differ:
assert validation[-1] < end_of_epoch[-1]  # the same final model does better on validation

# %% [markdown]
# 에폭이 끝난 뒤 훈련 손실을 다시 재면, 모델이 한 에폭 안에서 아직 빠르게 나아지는 첫
# 에폭들에서는 차이의 대부분이 줄어듭니다. 5번째 에폭부터는 절반도 줄지 않습니다(마지막
# 열). 남는 것은 두 데이터의 차이입니다. 이 검증 데이터 24개가 훈련 데이터 72개보다
# 우연히 직선에 더 가까이 놓여 있는 것입니다.

# %% [markdown]
# ## 정리
#
# - 반복 한 번 = 배치 하나, 기울기 하나, 갱신 한 번. 에폭 한 번 = 데이터 전체를 한 번 돌기.
#   전체 배치는 매끄러운 걸음이 적고, 확률적 방식은 잡음 섞인 걸음이 많고, 미니배치는 그
#   사이입니다.
# - 온라인 학습은 들어오는 샘플을 한 번씩만 쓰고, 바뀌는 세상을 따라갑니다.
# - 미니배치 기울기의 잡음은 독립적으로 뽑으면 $\sigma/\sqrt B$이고, 비복원 추출로 뽑으면
#   그보다 작은 $\sigma/\sqrt B\cdot\sqrt{(N-B)/(N-1)}$입니다.
# - 에폭이 너무 적으면 과소적합, 너무 많으면 과적합입니다. 검증 데이터로 고르고, 시험
#   데이터는 한 번만 보고합니다.
