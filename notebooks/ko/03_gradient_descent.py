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
# # 3 · 경사 하강법
#
# 📖 노트 000/001 · 경사하강법 (Gradient Descent) · 노트 002 · 경사 하강법 (Gradient Descent, GD) ·
# 노트 003 · Gradient Descent: Parameter Update
#
# 기울기는 올라가는 방향을 가리키므로(노트북 2) 반대쪽으로 갑니다. **경사 하강법**은
#
# $$\theta_{k+1} = \theta_k - \alpha\, \nabla J(\theta_k)$$
#
# 를 되풀이합니다. $\alpha$는 한 걸음의 크기, 곧 **학습률**입니다(노트 000/001은 $\eta$,
# 노트 003은 $\alpha$로 씁니다. 노트북 1의 기호 대응표). 노트 002는 그 과정을 이렇게
# 적습니다. 파라미터를 초기화하고, 전체 학습 데이터셋에서 손실 함수 값과 미분을 구해
# 갱신하고, 종료 조건을 충족할 때까지 되풀이합니다. 미분값이 음수이면 $\theta$가 커지고,
# 양수이면 작아지고, 0이면 멈춥니다. 이 노트북에서는 학습률이 하는 일, 경사 하강법이 멈춰
# 버리는 곳, *확률적* 경사 하강법의 잡음이 돕는 방식, 그리고 학습률 스케줄이 마지막에
# 움직임을 가라앉히는 방식을 봅니다.

# %%
# %matplotlib inline

# %%
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx import SGD, Value
from microgradx.course import setup_figures, tr
from microgradx.numeric import central_difference
from microgradx.optim import cosine_decay, step_decay
from microgradx.viz import plot_paths

setup_figures()

# %% [markdown]
# ## 학습률: 너무 작을 때, 알맞을 때, 너무 클 때
#
# 📖 노트 002 · 경사 하강법의 한계 및 해결방안: ② Learning Step을 바꾼다
#
# 포물선 $J(\theta) = \theta^2$에서 $J'(\theta) = 2\theta$이므로 한 걸음은
# $\theta_{k+1} = \theta_k - 2\alpha\theta_k = (1 - 2\alpha)\,\theta_k$, 곧
# $\theta_k = (1 - 2\alpha)^k \theta_0$입니다. 경사 하강법은 정확히 $|1 - 2\alpha| < 1$,
# 즉 $0 < \alpha < 1$일 때 수렴합니다($J = \frac a2\theta^2$이면 조건은 $\alpha < 2/a$입니다.
# 손실이 많이 휠수록 걸음이 작아야 합니다). $\alpha = 0.5$이면 한 걸음에 최솟값에 닿고,
# 그보다 작으면 느리게 기어가고, $0.5$와 $1$ 사이이면 지나쳤다 돌아오며 지그재그로
# 다가가고, $1$보다 크면 지나칠 때마다 더 멀리 지나칩니다.


# %%
def descend(derivative, theta0, alpha, steps):
    thetas = [theta0]
    for _ in range(steps):
        thetas.append(thetas[-1] - alpha * derivative(thetas[-1]))
    return np.array(thetas)


theta0, steps = 4.0, 12
rates = {"too small": 0.03, "right": 0.4, "overshooting": 0.85, "too large": 1.05}
paths = {name: descend(lambda t: 2 * t, theta0, alpha, steps) for name, alpha in rates.items()}
for name, alpha in rates.items():
    predicted = (1 - 2 * alpha) ** np.arange(steps + 1) * theta0
    assert np.allclose(paths[name], predicted, rtol=1e-12, atol=0)
    label = tr(
        f"{name:>12}",
        {
            "too small": "너무 작다",
            "right": "알맞다",
            "overshooting": "지나친다",
            "too large": "너무 크다",
        }[name],
    )
    print(f"{label} (α = {alpha}): θ_{steps} = {paths[name][-1]:+.4g}")
assert abs(paths["too small"][-1]) > 0.4 * theta0  # crawls
assert abs(paths["right"][-1]) < 1e-6  # there
assert np.all(np.diff(np.sign(paths["overshooting"])) != 0)  # flips sign every step …
assert abs(paths["overshooting"][-1]) < 0.2  # … and still converges
assert abs(paths["too large"][-1]) > theta0  # diverges

fig = Figure(figsize=(12.0, 3.2), layout="constrained")
grid = np.linspace(-6, 6, 200)
for ax, (name, path) in zip(fig.subplots(1, 4, sharey=True), paths.items(), strict=True):
    ax.plot(grid, grid**2, color="#cbd5e1")
    ax.plot(path, path**2, "o-", markersize=3, linewidth=1)
    ax.plot(path[0], path[0] ** 2, "s", color="black")
    title = {
        "too small": tr("too small", "너무 작다"),
        "right": tr("right", "알맞다"),
        "overshooting": tr("overshooting", "지나친다"),
        "too large": tr("too large", "너무 크다"),
    }[name]
    ax.set(title=f"{title}: α = {rates[name]}", xlabel="θ", xlim=(-6, 6), ylim=(-1, 36))
fig.axes[0].set_ylabel("J(θ) = θ²")
fig

# %% [markdown]
# ## 경사 하강법이 멈춰 버리는 곳
#
# 📖 노트 002 · 경사 하강법의 한계 및 해결방안 (지역 최솟값, 평탄한 지역)
#
# 경사 하강법은 그 자리의 기울기만 보므로, 기울기가 0이 되는 곳이면 어디서든 멈추거나
# 거의 멈춥니다.
#
# - **지역 최솟값**(local minimum): 주변보다는 낮지만 가장 낮은 곳은 아닙니다.
# - **평탄한 지역**(plateau): 넓은 범위에서 손실이 평평하고 기울기가 아주 작아 거의
#   나아가지 못합니다.
# - **안장점**(saddle point): 어떤 방향으로는 최솟값, 다른 방향으로는 최댓값입니다.
#
# 지역 최솟값: $J(\theta) = \theta^4 - 3\theta^2 + \theta$에는 골짜기가 두 개 있고 왼쪽이
# 더 깊습니다. $\theta_0 = 2$에서 출발하면 오른쪽 골짜기로 굴러 들어가 거기 머뭅니다.
# 걸음마다 기울기는 중심 차분(노트북 2)으로 구합니다.


# %%
def J(theta):
    return theta**4 - 3 * theta**2 + theta


def dJ(theta):
    return central_difference(J, theta, h=1e-6)


stuck = descend(dJ, 2.0, 0.02, 300)[-1]
global_min = descend(dJ, -2.0, 0.02, 300)[-1]
print(
    tr(
        f"from θ = 2: θ = {stuck:.4f}, J = {J(stuck):.3f};  "
        f"the global minimum θ = {global_min:.4f}, J = {J(global_min):.3f}",
        f"θ = 2에서 출발: θ = {stuck:.4f}, J = {J(stuck):.3f};  "
        f"전역 최솟값 θ = {global_min:.4f}, J = {J(global_min):.3f}",
    )
)
assert abs(dJ(stuck)) < 1e-6 and abs(dJ(global_min)) < 1e-6  # both are flat points …
assert J(stuck) > J(global_min) + 2  # … but the one we reached is 2.4 higher

# %% [markdown]
# 평탄한 지역: $J(\theta) = 1 - e^{-\theta^2}$의 최솟값은 0에 있지만, $\theta = 3$에서
# 기울기는 $6e^{-9} \approx 7\cdot10^{-4}$입니다. $\alpha = 0.5$로 백 걸음을 가도 거의
# 움직이지 않습니다.


# %%
def plateau(theta):
    return 1 - math.exp(-(theta**2))


crawl = descend(lambda t: central_difference(plateau, t, h=1e-6), 3.0, 0.5, 100)
print(tr("100 steps on the plateau:", "평탄한 지역에서 100걸음:"), f"θ = 3 → {crawl[-1]:.4f}")
assert 3.0 - crawl[-1] < 0.1 and plateau(crawl[-1]) > 0.99

# %% [markdown]
# 안장점: $J(x, y) = x^2 + \frac{y^4}{4} - y^2$는 $(0, 0)$에 안장점이 있고($x$ 방향으로는
# 최솟값, $y$ 방향으로는 최댓값) 최솟값은 $(0, \pm\sqrt2)$에 있습니다. 기울기는
# $\nabla J = (2x,\ y^3 - 2y)$입니다. 능선 $y = 0$ 위에서 정확히 출발하면 안장점으로
# 수렴해서 기울기 0을 보고합니다. $10^{-6}$만큼 벗어나 출발하면 작은 $y$가 충분히 커져
# 굴러 내려갈 때까지 수십 걸음을 안장점 근처에서 머뭇거립니다.


# %%
def saddle(x, y):
    return x**2 + y**4 / 4 - y**2


def saddle_gradient(p):
    x, y = p
    return np.array([2 * x, y**3 - 2 * y])


def descend_2d(start, alpha=0.1, steps=120, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    path = [np.array(start, dtype=float)]
    for _ in range(steps):
        g = saddle_gradient(path[-1]) + noise * rng.normal(size=2)
        path.append(path[-1] - alpha * g)
    return np.array(path)


on_ridge = descend_2d((1.5, 0.0))
near_ridge = descend_2d((1.5, 1e-6))
noisy = descend_2d((1.5, 0.0), noise=0.05)


def steps_near_saddle(path):
    return int(np.sum(np.linalg.norm(path, axis=1) < 0.1))


names = {
    "on the ridge": tr("on the ridge", "능선 위에서"),
    "1e-6 off": tr("10⁻⁶ off the ridge", "능선에서 10⁻⁶ 떨어져"),
    "noisy": tr("with gradient noise", "기울기에 잡음을 더해"),
}
for name, path in (("on the ridge", on_ridge), ("1e-6 off", near_ridge), ("noisy", noisy)):
    print(
        tr(
            f"{names[name]:>19}: ends at {np.round(path[-1], 4)}, "
            f"{steps_near_saddle(path):>3} steps within 0.1 of the saddle",
            f"{names[name]}: 끝 {np.round(path[-1], 4)}, "
            f"안장점에서 0.1 안에 {steps_near_saddle(path):>3}걸음",
        )
    )
assert np.allclose(on_ridge[-1], 0, atol=1e-8)  # stuck on the saddle forever: ∇J = 0 there
assert np.allclose(np.abs(near_ridge[-1]), [0, math.sqrt(2)], atol=1e-3)  # escapes, late
assert steps_near_saddle(near_ridge) > 40
assert np.allclose(np.abs(noisy[-1]), [0, math.sqrt(2)], atol=0.05)  # noise kicks it off
assert steps_near_saddle(noisy) < steps_near_saddle(near_ridge) / 2

fig = plot_paths(
    saddle,
    {names["on the ridge"]: on_ridge, names["1e-6 off"]: near_ridge, names["noisy"]: noisy},
    xlim=(-1.8, 1.8),
    ylim=(-2.0, 2.0),
)
ax = fig.axes[0]
minima = tr("minima", "최솟값")
ax.plot([0, 0], [-math.sqrt(2), math.sqrt(2)], "*", color="#16a34a", markersize=14, label=minima)
ax.plot(0, 0, "x", color="#dc2626", markersize=10, mew=2, label=tr("saddle", "안장점"))
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
fig.set_size_inches(8.8, 4.6)
fig

# %% [markdown]
# 안장점 근처에서는 기울기가 아주 작으므로, "$\lVert\nabla J\rVert$ < 허용 오차이면 멈춘다"
# 같은 종료 조건은 안장점에서 멈추고 그것을 답으로 내놓을 수 있습니다. 그렇게 되는지는
# 허용 오차에 달려 있습니다. 능선에서 $10^{-6}$ 벗어나 출발한 경우에 대해 측정합니다. 각
# 허용 오차에서 처음 멈추는 곳은 어디일까요?

# %%
norms = {
    name: np.array([np.linalg.norm(saddle_gradient(p)) for p in path])
    for name, path in (
        ("on the ridge", on_ridge),
        ("1e-6 off", near_ridge),
        ("noisy", noisy),
    )
}
first_stop = {}
for tol in (1e-2, 1e-3):
    k = int(np.flatnonzero(norms["1e-6 off"] < tol)[0])
    first_stop[tol] = k
    where = near_ridge[k]
    print(
        tr(
            f"‖∇J‖ < {tol:g}: stops at step {k:>3}, at ({where[0]:.4f}, {where[1]:.4f}), "
            f"{np.linalg.norm(where):.4f} from the saddle",
            f"‖∇J‖ < {tol:g}: {k:>3}번째 걸음에서 ({where[0]:.4f}, {where[1]:.4f})에 멈춤, "
            f"안장점에서 {np.linalg.norm(where):.4f}",
        )
    )
assert np.linalg.norm(near_ridge[first_stop[1e-2]]) < 0.01  # 10⁻²: stops at the saddle
assert np.allclose(near_ridge[first_stop[1e-3]], [0, math.sqrt(2)], atol=1e-3)  # 10⁻³: minimum
assert norms["on the ridge"][-1] < 1e-8  # on the ridge every tolerance stops at the saddle

fig = Figure(figsize=(6.0, 3.2), layout="constrained")
ax = fig.subplots()
for name, values in norms.items():
    ax.semilogy(values, label=names[name])
for tol in first_stop:
    ax.axhline(tol, color="#94a3b8", linestyle=":")
ax.set(
    xlabel=tr("step", "단계"),
    ylabel="‖∇J‖",
    title=tr("the gradient vanishes at the saddle, too", "안장점에서도 기울기는 0에 가깝다"),
)
ax.legend(frameon=False)
fig

# %% [markdown]
# 허용 오차가 $10^{-2}$이면 26번째 걸음에서 안장점 바로 옆에 멈춥니다. $10^{-3}$이면 94번째
# 걸음에서 처음 멈추는데, 그곳은 최솟값입니다. 기울기가 그만큼 작아지기 전에 이미 안장점을
# 떠났기 때문입니다. 능선 위에서 출발하면 어떤 허용 오차도 소용없습니다. 그곳의 기울기는
# 0으로 가기 때문입니다. 기울기가 작다는 것은 평평하다는 뜻이지, 최솟값이라는 뜻이 아닙니다.

# %% [markdown]
# ## 확률적 경사 하강법의 잡음이 돕는 방식
#
# 📖 노트 002 · 확률적 경사 하강법 (Stochastic Gradient Descent, SGD)
#
# 학습에서 손실은 샘플에 대한 평균 $J(\theta) = \frac1n\sum_i J_i(\theta)$이고,
# **확률적 경사 하강법**(SGD)은 평균 대신 무작위로 고른 샘플 하나(또는 작은 배치)의
# 기울기로 걸음을 옮깁니다. 노트 002의 설명대로, 걸음마다 손실 함수의 그래프 모양이
# 조금씩 바뀐다고 볼 수 있고, 그래서 지역 최솟값에서 빠져나올 수 있습니다.
#
# 위의 골짜기 두 개짜리 손실을 샘플별 손실 $J_i(\theta) = \theta^4 - 3\theta^2 + a_i\theta$의
# 평균으로 만듭니다. $a_i$는 $1$ 주위에 흩어져 있고 평균은 정확히 1이므로
# $\frac1n\sum_i J_i = J$입니다. 전체 배치로 하는 경사 하강법은 $\theta = 2$에서 출발해
# 여전히 얕은 골짜기에서 멈춥니다. 학습률을 코사인 모양으로 줄여 나중 걸음을 작게 한 SGD는
# 대부분 깊은 골짜기에서 끝납니다. (`microgradx.SGD`는 정확히
# $\theta \leftarrow \theta - \alpha \cdot$ `theta.grad`만 합니다. 다른 최적화 알고리즘과의
# 비교는 노트북 7에서 합니다. 여기서는 기울기를 손으로 씁니다.)

# %%
rng = np.random.default_rng(0)
a = rng.normal(0, 6, size=200)
a += 1 - a.mean()  # mean exactly 1: the average loss is J


def sgd_run(seed, steps=500, lr0=0.05):
    pick = np.random.default_rng(seed)
    theta = Value(2.0)
    opt = SGD([theta], lr=cosine_decay(lr0, total_steps=steps))
    for _ in range(steps):
        a_i = a[pick.integers(len(a))]
        theta.grad = 4 * theta.data**3 - 6 * theta.data + a_i  # J_i'(θ) for one random sample
        opt.step()
    return theta.data


full_batch = descend(lambda t: 4 * t**3 - 6 * t + a.mean(), 2.0, 0.05, 500)[-1]
ends = np.array([sgd_run(seed) for seed in range(20)])
deep = np.mean(ends < 0)
print(
    tr(
        f"full batch ends at θ = {full_batch:.3f} (the shallow valley)",
        f"전체 배치는 θ = {full_batch:.3f}에서 끝남 (얕은 골짜기)",
    )
)
assert full_batch > 0
print(
    tr(
        f"SGD ends in the deep valley on {deep:.0%} of 20 runs:",
        f"SGD는 20번 중 {deep:.0%}가 깊은 골짜기에서 끝남:",
    ),
    np.round(ends, 2),
)
assert deep >= 0.75

# %% [markdown]
# ## 학습률 스케줄
#
# 📖 노트 002 · 경사 하강법의 한계 및 해결방안: ② Learning Step을 바꾼다 (스케줄 자체는 이
# 과정에서 더한 내용입니다)
#
# 큰 걸음은 탐색하고, 작은 걸음은 자리를 잡습니다. **스케줄**은 학습률을 걸음 번호 $t$의
# 함수로 만듭니다. `microgradx`의 모든 최적화 알고리즘은 스케줄을 `lr`로 받습니다. 흔히
# 쓰는 두 가지:
#
# - `step_decay(α₀, drop, every)`:
#   $\alpha_t = \alpha_0 \cdot \text{drop}^{\lfloor t / \text{every}\rfloor}$
# - `cosine_decay(α₀, T, α_min)`: $\alpha_t = \alpha_{\min} + (\alpha_0 - \alpha_{\min})
#   \frac{1 + \cos(\pi t / T)}{2}$, $T$ 걸음 뒤에는 $\alpha_{\min}$

# %%
T = 500
schedules = {
    "step_decay(0.05, 0.5, 100)": step_decay(0.05, 0.5, every=100),
    "cosine_decay(0.05, 500)": cosine_decay(0.05, total_steps=T),
}
ts = np.arange(T + 50)
rates_t = {name: np.array([s(int(t)) for t in ts]) for name, s in schedules.items()}
step_rates, cosine_rates = rates_t.values()
assert np.allclose(step_rates, 0.05 * 0.5 ** (ts // 100), rtol=1e-12, atol=0)
assert cosine_rates[0] == 0.05 and abs(cosine_rates[T // 2] - 0.025) < 1e-12
assert abs(cosine_rates[T]) < 1e-15 and np.all(cosine_rates[T:] == cosine_rates[T])
assert np.all(np.diff(cosine_rates[: T + 1]) <= 0)  # never rises

fig = Figure(figsize=(6.0, 3.2), layout="constrained")
ax = fig.subplots()
for name, r in rates_t.items():
    ax.plot(ts, r, label=name, drawstyle="steps-post" if "step" in name else "default")
ax.set(
    xlabel=tr("step t", "단계 t"),
    ylabel=tr("learning rate αₜ", "학습률 αₜ"),
    title=tr("two learning-rate schedules", "두 가지 학습률 스케줄"),
)
ax.legend(frameon=False)
fig

# %% [markdown]
# 위의 SGD가 자리를 잡는 것은 스케줄 덕분입니다. 학습률을 $\alpha = 0.05$로 고정하면 같은
# 실행들이 끝까지 흔들리고, 코사인 스케줄을 쓰면 마지막 걸음들이 아주 작아져 골짜기 바닥
# 가까이에서 끝납니다.


# %%
def sgd_spread(lr, seeds=range(20), steps=500):
    ends = []
    for seed in seeds:
        pick = np.random.default_rng(seed)
        theta = Value(2.0)
        opt = SGD([theta], lr=lr)
        for _ in range(steps):
            theta.grad = 4 * theta.data**3 - 6 * theta.data + a[pick.integers(len(a))]
            opt.step()
        ends.append(theta.data)
    ends = np.array(ends)
    bottoms = np.where(ends < 0, global_min, stuck)  # the bottom of the valley each run is in
    return np.sqrt(np.mean((ends - bottoms) ** 2))


constant, scheduled = sgd_spread(0.05), sgd_spread(cosine_decay(0.05, total_steps=500))
print(
    tr(
        f"root-mean-square distance to the valley's bottom: constant α {constant:.3f}, "
        f"cosine schedule {scheduled:.3f}",
        f"골짜기 바닥까지의 제곱 평균 제곱근 거리: 고정 α {constant:.3f}, "
        f"코사인 스케줄 {scheduled:.3f}",
    )
)
assert scheduled < constant / 3

# %% [markdown]
# ## 정리
#
# - $\theta \leftarrow \theta - \alpha\nabla J$: 학습률이 너무 작으면 기어가고, 너무 크면
#   지나쳐서 발산합니다. 한계는 곡률이 정합니다($\frac a2 \theta^2$에서 $\alpha < 2/a$.
#   노트북 8이 헤시안으로 확장합니다).
# - 지역 최솟값, 평탄한 지역, 안장점에서는 기울기가 0이거나 거의 0이어서 경사 하강법이
#   멈춥니다.
# - 확률적 기울기의 잡음은 매개변수를 얕은 골짜기나 안장점에서 밀어낼 수 있고, 줄어드는
#   스케줄이 그다음에 자리를 잡게 합니다.
