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
# # 2 · 수치 미분과 기울기
#
# 📖 노트 000/001 · 3. 수치 미분 (Numerical Differentiation) · 노트 002 · 미분 (Differentiation)
#
# 노트북 1에서 손실 함수를 골랐습니다. 손실을 줄이려면 매개변수가 움직일 때 손실이 어떻게
# 변하는지, 곧 **미분**을 알아야 합니다.
#
# $$f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}$$
#
# 는 $x$에서 $f$의 기울기입니다. 극한을 작은 $h$에서 멈추면 *차분*이 됩니다. 함숫값만으로
# 구하는 미분입니다. 느리고 정확하지도 않지만 미분 규칙이 하나도 필요 없어서, 자동 미분의
# 모든 규칙을 검사하는 독립적인 기준이 됩니다(노트북 5).
#
# | 이름 | 식 |
# |---|---|
# | 전진 차분 (Forward Difference) | $\dfrac{f(x+h) - f(x)}{h}$ |
# | 후진 차분 (Backward Difference) | $\dfrac{f(x) - f(x-h)}{h}$ |
# | 중심 차분 (Central Difference) | $\dfrac{f(x+h) - f(x-h)}{2h}$ |

# %%
# %matplotlib inline

# %%
import math

import numpy as np
from matplotlib.figure import Figure

from microgradx.course import setup_figures, tr
from microgradx.numeric import (
    backward_difference,
    central_difference,
    fd_errors,
    forward_difference,
    numerical_gradient,
)
from microgradx.viz import plot_fd_error

setup_figures()

# %% [markdown]
# ## 차분은 기울기에 다가간다
#
# 📖 노트 000/001 · 3. 수치 미분: 전진 차분 · 노트 002 · 2차원 평면에서의 미분
#
# $f(x) = 3x^2 - 4x + 5$이면 $f'(x) = 6x - 4$이고 $f'(3) = 14$입니다. $f$가 포물선이라
# 전진 차분의 오차는 정확히 $\frac{f''}{2}h = 3h$입니다.
# $\frac{f(x+h) - f(x)}{h} = 6x - 4 + 3h$. $h$가 작아지면 차분은 $14$에 다가가고, 오차는
# $h$에 비례해서 줄어듭니다.


# %%
def f(x):
    return 3 * x**2 - 4 * x + 5


x = 3.0
for h in (1e-1, 1e-2, 1e-3, 1e-4):
    quotient = (f(x + h) - f(x)) / h
    error = quotient - 14.0
    print(f"h = {h:<6g}  (f(x+h) - f(x)) / h = {quotient:.8f}   error / h = {error / h:.6f}")
    assert abs(error / (3 * h) - 1) < 1e-6  # the error is f''(x)·h/2 = 3h, up to round-off

# %% [markdown]
# ## 테일러 급수로 본 오차
#
# 📖 노트 000/001 · [참고] 테일러 급수 전개를 사용한 오차 분석
#
# $f$를 $x$ 근처에서 전개합니다.
#
# $$f(x \pm h) = f(x) \pm f'(x)\,h + \frac{f''(x)}{2!}h^2 \pm \frac{f'''(x)}{3!}h^3 + O(h^4).$$
#
# $f'(x)$에 대해 풀면
#
# $$\frac{f(x+h) - f(x)}{h} = f'(x) + \frac{f''(x)}{2}h + O(h^2), \qquad
# \frac{f(x) - f(x-h)}{h} = f'(x) - \frac{f''(x)}{2}h + O(h^2),$$
#
# $$\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{f'''(x)}{6}h^2 + O(h^4).$$
#
# 중심 차분에서는 $f(x+h)$와 $f(x-h)$의 $h^2$ 항이 지워지므로 오차가 $O(h)$가 아니라
# $O(h^2)$입니다. 모든 도함수가 $e$인 $f(x) = e^x$, $x = 1$에서 이 예측을 확인합니다. 오차는
# 대략 $+\frac{e}{2}h$, $-\frac{e}{2}h$, $+\frac{e}{6}h^2$이어야 합니다.

# %%
f, x = math.exp, 1.0
exact = math.e  # f'(1) = e
differences = [forward_difference, backward_difference, central_difference]
print(
    tr(
        f"{'h':>6} {'forward':>12} {'backward':>12} {'central':>12}",
        f"{'h':>6} {'전진':>10} {'후진':>10} {'중심':>10}",
    )
)
for h in (1e-1, 1e-2, 1e-3):
    print(f"{h:>6g}" + "".join(f"{d(f, x, h) - exact:>12.2e}" for d in differences))

h = 1e-3
leading_terms = [math.e / 2 * h, -math.e / 2 * h, math.e / 6 * h**2]
for difference, leading_term in zip(differences, leading_terms, strict=True):
    error = difference(f, x, h) - exact
    assert abs(error / leading_term - 1) < 0.01, (difference.__name__, error)

# %% [markdown]
# ### 오차의 부호
#
# 전진 차분과 후진 차분의 오차는 절댓값이 거의 같아서, 아래 로그-로그 그래프에서 두 곡선이
# 겹칩니다. 하지만 부호까지 보면 $+\frac{f''}{2}h$와 $-\frac{f''}{2}h$로 서로 거울상입니다.
# 하나는 크게, 하나는 작게 어긋납니다(아래에서 측정합니다. 부호 검사는 틀릴 수도 있는
# 검사입니다). 중심 차분은 둘의 평균이라 $O(h)$ 오차 둘이 지워지고 $O(h^2)$ 항만 남습니다.
# 평균이 중심 차분과 *같다*는 것은 측정이 아니라 항등식입니다.
# $\frac12\big(\frac{f(x+h) - f(x)}{h} + \frac{f(x) - f(x-h)}{h}\big) =
# \frac{f(x+h) - f(x-h)}{2h}$는 대수적으로 성립하므로, 이 검사는 반올림 오차로만 틀릴 수
# 있습니다.

# %%
hs_linear = np.linspace(0.005, 0.5, 100)
signed = {
    d.__name__.replace("_difference", ""): np.array([d(math.exp, x, h) - exact for h in hs_linear])
    for d in differences
}
assert (signed["forward"] > 0).all() and (signed["backward"] < 0).all()
assert np.allclose(signed["forward"] / (math.e / 2 * hs_linear), 1, atol=0.2)  # ≈ +(e/2)h
assert np.allclose(signed["backward"] / (-math.e / 2 * hs_linear), 1, atol=0.2)  # ≈ −(e/2)h
average = (signed["forward"] + signed["backward"]) / 2
assert np.allclose(average, signed["central"], rtol=0, atol=1e-12)  # an identity (see above)

fig = Figure(figsize=(6.4, 3.8), layout="constrained")
ax = fig.subplots()
for (name, err), style in zip(signed.items(), ("-", "--", "-"), strict=True):
    label = {"forward": tr("forward", "전진 차분"), "backward": tr("backward", "후진 차분")}
    ax.plot(hs_linear, err, style, label=label.get(name, tr(name, "중심 차분")), linewidth=2)
ax.plot(
    hs_linear,
    math.e / 2 * hs_linear,
    ":",
    color="#64748b",
    label=tr("±(e/2)·h and (e/6)·h²", "±(e/2)·h, (e/6)·h²"),
)
ax.plot(hs_linear, -math.e / 2 * hs_linear, ":", color="#64748b")
ax.plot(hs_linear, math.e / 6 * hs_linear**2, ":", color="#64748b")
ax.axhline(0, color="#94a3b8", linewidth=0.8)
ax.set(
    xlabel=tr("step size h", "간격 h"),
    ylabel=tr("difference − exact derivative", "차분 − 정확한 미분값"),
)
ax.set_title(
    tr(
        "signed error at x = 1 for f = exp: forward over, backward under",
        "f = exp, x = 1에서 부호 있는 오차: 전진은 크게, 후진은 작게",
    )
)
ax.legend(frameon=False)
fig

# %% [markdown]
# ## 로그-로그 그래프로 본 $h$와 오차
#
# 📖 노트 000/001 · 왜 중심 차분을 사용하는가? (노트는 절단 오차까지만 다룹니다. 반올림 오차는
# 이 과정에서 더한 내용입니다)
#
# 로그-로그 축에서 거듭제곱 법칙 $\text{오차} = C h^p$는 기울기가 $p$인 직선입니다. 절단
# 오차는 기울기 1(전진, 후진)과 기울기 2(중심)를 줍니다. 그런데 $f$는 상대 오차가 약
# $\varepsilon \approx 10^{-16}$인 부동소수점으로 계산되고, 차분은 그 오차를 $h$로 나눕니다.
# 그래서 $h$가 작아질수록 커지는 *반올림 오차* $\approx \varepsilon |f(x)| / h$가 생깁니다
# (기울기 $-1$). 가장 좋은 $h$는 둘이 균형을 이루는 곳으로, 한쪽 차분은
# $\sqrt{\varepsilon} \approx 10^{-8}$ 근처, 중심 차분은 $\varepsilon^{1/3} \approx 10^{-5}$
# 근처입니다.

# %%
hs = np.logspace(-14, -1, 53)
errors = {m: np.array(e) for m, e in fd_errors(math.exp, math.exp, x, hs.tolist()).items()}
plot_fd_error(lambda v: v.exp(), x, hs=hs.tolist(), df=math.e)


# %% [markdown]
# 절단 오차가 지배하는 곳($h \ge 10^{-4}$)과 반올림 오차가 지배하는 곳($h \le 10^{-10}$)에서
# 맞춘 기울기:


# %%
def slope(method, lo, hi):
    keep = (hs >= lo * 0.999) & (hs <= hi * 1.001)
    return np.polyfit(np.log10(hs[keep]), np.log10(errors[method][keep]), 1)[0]


for method in errors:
    name = tr(
        f"{method:>8}",
        {"forward": "전진 차분", "central": "중심 차분", "backward": "후진 차분"}[method],
    )
    truncation, round_off = slope(method, 1e-4, 1e-1), slope(method, 1e-14, 1e-10)
    best_h = hs[errors[method].argmin()]
    print(
        tr(
            f"{name}: truncation slope {truncation:5.2f}, round-off slope {round_off:5.2f}, "
            f"best h = {best_h:.0e}",
            f"{name}: 절단 오차 기울기 {truncation:5.2f}, 반올림 오차 기울기 {round_off:5.2f}, "
            f"가장 좋은 h = {best_h:.0e}",
        )
    )

assert abs(slope("forward", 1e-4, 1e-1) - 1) < 0.15
assert abs(slope("backward", 1e-4, 1e-1) - 1) < 0.15
assert abs(slope("central", 1e-4, 1e-1) - 2) < 0.15
for method in errors:
    assert abs(slope(method, 1e-14, 1e-10) + 1) < 0.25  # round-off grows like 1/h
best = {method: hs[errors[method].argmin()] for method in errors}
assert 1e-10 <= best["forward"] <= 1e-6 and 1e-10 <= best["backward"] <= 1e-6
assert 1e-7 <= best["central"] <= 1e-3
assert errors["central"].min() < errors["forward"].min() / 10


# %% [markdown]
# ## 여러 변수: 편미분과 기울기
#
# 📖 노트 000/001 · 4. 기울기 (Gradient): 일변수 미분 vs 다변수 미분 · 노트 002 · 편미분 ·
# 노트 004 · Step 3. 미분: 편미분
#
# 손실 함수는 여러 매개변수에 의존합니다. 하나만 남기고 나머지를 상수로 취급하면
# **편미분** $\partial f / \partial x_i$가 됩니다. 이것도 좌표 방향 $e_i$를 따른 일변수
# 차분 $\frac{f(x + h e_i) - f(x - h e_i)}{2h}$입니다. 편미분을 모두 모으면 **기울기**
# (gradient)가 됩니다.
#
# $$\nabla f(x) = \Big(\frac{\partial f}{\partial x_1}, \dots,
# \frac{\partial f}{\partial x_n}\Big).$$
#
# 중심 차분은 좌표 방향뿐 아니라 어떤 방향 $v$로도 구할 수 있습니다.
#
# $$\frac{f(x + h v) - f(x - h v)}{2h} \approx \nabla f(x) \cdot v.$$
#
# 이것이 **방향 도함수**로, $x$가 $v$ 방향으로 움직일 때 $f$가 얼마나 빨리 변하는지입니다.
# $f(x_1, x_2) = x_1^2 x_2 + \sin x_2$, $\nabla f = (2x_1x_2,\ x_1^2 + \cos x_2)$로 해 봅니다.


# %%
def g(x1, x2):
    return x1**2 * x2 + math.sin(x2)


point = np.array([1.5, -0.5])
by_hand = np.array([2 * point[0] * point[1], point[0] ** 2 + math.cos(point[1])])
numerical = np.array(numerical_gradient(g, point.tolist(), h=1e-5, method="central"))
print(
    tr("∇f by hand:", "손으로 구한 ∇f:"),
    by_hand,
    tr("  by central differences:", "  중심 차분:"),
    numerical,
)
assert np.allclose(numerical, by_hand, rtol=0, atol=1e-9)

rng = np.random.default_rng(0)
for _ in range(5):
    v = rng.normal(size=2)
    v /= np.linalg.norm(v)
    h = 1e-5
    along_v = (g(*(point + h * v)) - g(*(point - h * v))) / (2 * h)
    assert abs(along_v - by_hand @ v) < 1e-9
print(
    tr(
        "(f(x + hv) − f(x − hv)) / 2h = ∇f·v for 5 random unit directions v",
        "무작위 단위 방향 v 5개에서 (f(x + hv) − f(x − hv)) / 2h = ∇f·v",
    )
)

# %% [markdown]
# 어느 방향이 가장 가파를까요? 기울기와 각 $\phi$를 이루는 단위 벡터 $v$에 대해
# $\nabla f \cdot v = \lVert \nabla f \rVert \cos\phi$입니다. 기울기 방향에서 가장 크고
# ($\lVert\nabla f\rVert$), 수직 방향에서 0, 반대 방향에서 가장 작습니다. **기울기는 가장
# 가파르게 올라가는 방향을 가리킵니다.** $-\nabla f$는 가장 가파르게 내려가는 방향이고,
# 경사 하강법(노트북 3)은 그쪽으로 갑니다.

# %%
angles = np.linspace(-math.pi, math.pi, 721)
directional = []
for a in angles:
    v = np.array([math.cos(a), math.sin(a)])
    directional.append((g(*(point + 1e-5 * v)) - g(*(point - 1e-5 * v))) / 2e-5)
directional = np.array(directional)
steepest = angles[directional.argmax()]
gradient_angle = math.degrees(math.atan2(by_hand[1], by_hand[0]))
print(
    tr(
        f"steepest ascent at {math.degrees(steepest):.1f}°, "
        f"gradient direction {gradient_angle:.1f}°",
        f"가장 가파른 오르막 {math.degrees(steepest):.1f}°, 기울기 방향 {gradient_angle:.1f}°",
    )
)
assert abs(steepest - math.atan2(by_hand[1], by_hand[0])) <= angles[1] - angles[0]
grid_step = angles[1] - angles[0]  # the best grid angle is at most one step off
assert 0 <= np.linalg.norm(by_hand) - directional.max() < np.linalg.norm(by_hand) * grid_step**2

fig = Figure(figsize=(6.0, 3.4), layout="constrained")
ax = fig.subplots()
ax.plot(np.degrees(angles), directional)
ax.axvline(math.degrees(steepest), color="#94a3b8", linestyle=":")
ax.annotate(
    tr("along ∇f: slope ‖∇f‖", "∇f 방향: 기울기 ‖∇f‖"),
    (math.degrees(steepest), directional.max()),
    (math.degrees(steepest) - 110, directional.max() - 0.3),
)
ax.axhline(0, color="#94a3b8", linewidth=0.8)
ax.set(
    xlabel=tr("direction of v (degrees)", "v의 방향 (도)"),
    ylabel="∇f · v",
    title=tr("slope of f along each unit direction", "단위 방향마다 f의 기울기"),
)
fig

# %% [markdown]
# ## 차분의 비용
#
# 📖 노트 000/001 · 3. 수치 미분: 전진 차분 / 중심 차분 (계산량)
#
# 노트 001은 전진 차분이 "계산량이 적어" 덜 정확하고, 중심 차분은 "계산량이 많아" 더
# 정확하다고 합니다. 변수가 $n$개인 함수의 기울기라면 정확히 이렇습니다. 전진 차분은
# $f(x)$를 한 번, $f(x + h e_i)$를 $i$마다 한 번 계산하므로 **$n + 1$번**, 중심 차분은
# $i$마다 $f(x \pm h e_i)$가 필요하므로 **$2n$번**입니다. 아래 함수는 실제로 $f$에 닿은
# 호출을 셉니다($f$를 감싼 것이 세므로, 말한 것보다 $f$를 더 부르는 반복문은 드러납니다).
# 매개변수가 백만 개인 신경망이라면 기울기 한 번에 순전파를 백만 번이나 이백만 번 해야
# 합니다. 역전파(노트북 5)는 순전파 한 번과 역전파 한 번으로 편미분 $n$개를 모두 구하고,
# 차분은 그 역전파를 검사하는 기준으로 계속 쓸모가 있습니다.


# %%
class Counted:
    """A function that counts how often it is called."""

    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, *xs):
        self.calls += 1
        return self.f(*xs)


def gradient_by_differences(f, x, h=1e-5, method="central"):
    """∂f/∂x_i for every coordinate i by the forward or the central difference."""
    partials = []
    f_x = f(*x) if method == "forward" else None  # shared by all n forward differences
    for i in range(len(x)):
        e_i = np.zeros(len(x))
        e_i[i] = h
        if method == "forward":
            partials.append((f(*(x + e_i)) - f_x) / h)
        else:
            partials.append((f(*(x + e_i)) - f(*(x - e_i))) / (2 * h))
    return np.array(partials)


def sum_of_squares(*xs):
    # math.fsum rounds correctly on every Python; sum() of floats is compensated from 3.12
    # on (and not for numpy floats), which would make the two paths below differ by 1e-10.
    return math.fsum(x_i**2 for x_i in xs)


print(
    tr(
        f"{'n':>3} {'forward':>8} {'central':>8} {'numerical_gradient':>19}",
        f"{'n':>3} {'전진':>6} {'중심':>6} {'numerical_gradient':>19}",
    )
)
for n_inputs in (2, 10, 50):
    x = np.linspace(-1, 1, n_inputs)
    calls = {}
    for method in ("forward", "central"):
        counted = Counted(sum_of_squares)
        partials = gradient_by_differences(counted, x, method=method)
        calls[method] = counted.calls
        assert np.allclose(partials, 2 * x, rtol=0, atol=1e-4 if method == "forward" else 1e-8)
    library_calls = {}
    for method in ("forward", "central"):
        counted = Counted(sum_of_squares)
        library = numerical_gradient(counted, x.tolist(), h=1e-5, method=method)
        library_calls[method] = counted.calls
    print(f"{n_inputs:>3} {calls['forward']:>8} {calls['central']:>8} {counted.calls:>19}")
    assert (calls["forward"], calls["central"]) == (n_inputs + 1, 2 * n_inputs)
    # one probe call, then two per coordinate, whichever the difference
    assert library_calls == {"forward": 2 * n_inputs + 1, "central": 2 * n_inputs + 1}
    assert np.array_equal(partials, library)  # the same arithmetic, bit for bit

# %% [markdown]
# 라이브러리의 `numerical_gradient`는 호출이 한 번 더 많고($f$가 실수를 받는지 `Value`를
# 받는지 알아보려고 먼저 한 번 부릅니다), 각 편미분을 일변수 차분으로 계산하므로 전진
# 차분으로도 $2n + 1$번을 부릅니다. 속도가 아니라 알기 쉽게 쓴 검사 도구입니다. 중심 차분
# 편미분은 이 노트북의 값과 비트 하나까지 같습니다. 둘 다 같은 부동소수점 연산을 같은
# 순서로 하기 때문입니다.

# %% [markdown]
# ## 정리
#
# - 전진 차분과 후진 차분의 오차는 부호가 반대인 $O(h)$이고, 둘의 평균인 중심 차분의 오차는
#   테일러 급수가 예측한 대로 $O(h^2)$입니다.
# - 가장 좋은 $h$보다 작으면 반올림 오차가 커져서 오차가 $1/h$처럼 늘어납니다.
# - 기울기는 편미분을 모은 것이고, $\nabla f \cdot v$는 $v$ 방향의 기울기로 $\nabla f$
#   방향에서 가장 가파릅니다.
# - 수치 미분으로 구한 기울기는 $n + 1$번(전진) 또는 $2n$번(중심) 계산이 필요합니다. 검사에는
#   충분하지만 학습에 쓰기에는 너무 느립니다.
