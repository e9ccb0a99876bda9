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
# # 4 · The training algorithm: batches, epochs, data splits
#
# 📖 Note 000/001 · 5. 학습 알고리즘 구현하기 (학습 알고리즘의 4단계) · Note 003 · 훈련 단위
#
# The notes' training algorithm has four steps:
#
# 1. **mini-batch**: take a random part of the training data;
# 2. **gradient**: compute the gradient of the loss on that batch;
# 3. **update** (갱신): move every parameter against its gradient;
# 4. **repeat**.
#
# This notebook uses only what notebooks 1–3 built: numpy, a gradient worked out by hand
# and the update of notebook 3. Every loop below is the four steps written out.
#
# Its units: the **batch size** $B$ (samples per gradient; $B = N$ is *batch* or
# full-batch gradient descent, $B = 1$ *stochastic*, anything between *mini-batch*); an
# **iteration** is one update, from one batch; an **epoch** is one pass over all $N$
# training samples, $\lceil N / B \rceil$ iterations.
#
# The smallest model that shows all of it has two parameters: a line $y = w x + b$ fitted
# by mean squared error. Its gradient on a batch $\mathcal B$ follows from the chain rule
# (notebook 5 automates that):
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
# ## Batch, mini-batch, stochastic: the same algorithm, different batches
#
# 📖 Note 000/001 · 딥러닝의 학습 단위: Batch와 Epoch · Note 003 · 훈련 단위 (Batch, Mini-Batch,
# Stochastic)
#
# Run the four steps for 6 epochs from $(w, b) = (-2, 2)$ with the same learning rate, only
# the batch size differs. `data.batches` shuffles the samples each epoch and cuts them into
# batches of $B$; every sample is used once per epoch.


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
# On the contours of the loss: full batch walks smoothly but makes only 6 steps; stochastic
# makes 384 noisy ones and jitters around the minimum (each sample pulls towards its own
# line); mini-batches sit between.

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
# Near the minimum the stochastic path does not settle: with a constant learning rate each
# step follows one sample's gradient, and at the minimum of the average those are not zero
# (they only cancel on average). So the steps of the last epoch stay about
# $\alpha \cdot$ (a typical per-sample gradient) long.

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
# ## Online learning
#
# 📖 Note 002 · 확률적 경사 하강법 (m = 1: online/incremental learning)
#
# When the data never stops arriving (prices, sensor readings), there is no epoch: each
# sample is used once, for one update, and then discarded. That is stochastic gradient
# descent with $m = 1$, which the notes call **online** (incremental) learning. It also
# follows a world that changes. Below, the true slope jumps from $+1$ to $-1$ halfway
# through a stream of 400 samples. The online model tracks the change; a least-squares fit
# to everything seen so far averages the two worlds.

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
# ## How noisy is a mini-batch gradient? $\sigma/\sqrt B$, and a correction
#
# 📖 Note 003 · 미니 배치 크기 (모집단의 표준 편차 σ, 표본 평균의 표준 편차 σ/√n)
#
# The gradient of a mean loss is the mean of the per-sample gradients, so a mini-batch
# gradient is a *sample mean*: if one sample's gradient has standard deviation $\sigma$
# around the full gradient, the mean of $B$ **independent** draws has
#
# $$\sigma_B = \frac{\sigma}{\sqrt B}.$$
#
# A 100× larger batch costs 100× the computation but only cuts the noise 10×, which is why
# most training uses modest mini-batches. But `data.batches` does not draw independently:
# it draws **without replacement** (every sample once per epoch), and a batch of all $N$
# samples has no noise at all. Without replacement the standard deviation carries the
# finite-population correction:
#
# $$\sigma_B = \frac{\sigma}{\sqrt B}\sqrt{\frac{N - B}{N - 1}} .$$
#
# Both, measured on the per-sample gradients at $(w, b) = (0, 0)$ with $N = 64$:

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
# ## Training, validation and test data
#
# 📖 Note 003 · 관측 데이터 vs. 훈련 데이터 · Note 004 · 1.2) training 데이터와 test 데이터
#
# We only ever observe a sample of the world, and a model can do well on the data it was
# fitted to and badly on new data. So the observed data is split three ways: the
# **training** set fits the parameters, the **validation** set chooses settings (epochs,
# learning rate, model size) while we experiment, and the **test** set is looked at once, at
# the end, to estimate how the model does on data that never influenced it. Note 004 calls
# what the test set measures the model's 범용성 (generalisation).
#
# ## Underfitting and overfitting over the epochs
#
# 📖 Note 000/001 · 딥러닝의 학습 단위: 에폭 (에폭이 크면 overfitting, 작으면 underfitting)
#
# The notes warn that too few epochs underfit and too many overfit. Watch it happen: a
# degree-11 polynomial (12 parameters, written in the well-conditioned Legendre basis) is
# fitted by full-batch gradient descent to 12 noisy samples of $\sin \pi x$, and both
# losses are recorded every epoch. Early on both are high (**underfitting**: the model has
# not learned the shape yet). Then the validation loss reaches its minimum, and from there
# on the training loss keeps falling while the validation loss rises (**overfitting**: the
# model is learning the noise of its 12 points). Stopping at the validation minimum is
# called *early stopping*.

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
# ## Why the validation curve can start *below* the training curve
#
# 📖 Note 003 · 관측 데이터 vs. 훈련 데이터 (what a training log shows is the course's addition)
#
# A training log usually reports an epoch's training loss as the average of its batch
# losses *as they were trained*: the first batches are scored by the model at the start of
# the epoch, the last ones by a much better model. (`microgradx.train.fit`, the training
# loop that notebooks 5–7 use, logs it so.) The validation loss is measured once, at the
# end of the epoch, by the final model. Early on, when the model improves fast within an
# epoch, the running average lags behind, and the validation loss can be the lower one.
#
# Below, the line model is trained on 72 of 120 samples for 8 epochs with the four steps
# (mini-batches of 10), and each epoch logs the running average, the training loss
# measured again at the end of the epoch, and the validation loss. The last column is the
# share of the gap between running and validation loss that measuring at the end closes.

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
# Measuring the training loss again at the end of the epoch closes most of the gap in the
# first epochs, while the model still improves fast within an epoch; from epoch 5 on it
# closes less than half (the last column). What remains is the difference between the
# two data sets: these 24 validation points happen to lie closer to the line than the 72
# training points.

# %% [markdown]
# ## Takeaways
#
# - One iteration = one batch, one gradient, one update; one epoch = one pass over the data.
#   Full batch: few smooth steps; stochastic: many noisy ones; mini-batches in between.
# - Online learning uses each sample once, as it arrives, and follows a changing world.
# - A mini-batch gradient has noise $\sigma/\sqrt B$ with independent draws, and less,
#   $\sigma/\sqrt B\cdot\sqrt{(N-B)/(N-1)}$, when batches are drawn without replacement.
# - Too few epochs underfit, too many overfit: choose with the validation set, report the
#   test set once.
