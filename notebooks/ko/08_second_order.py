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
# # 8 · 2차 미분: 야코비안, 헤시안, 뉴턴 방법 (선택, 심화)
#
# **선택 과정입니다.** 1–7번 노트북이 강의 노트의 내용을 모두 다루며, 이 노트북 없이도
# 이어집니다. 여기서는 노트보다 한 걸음 더 나갑니다. 이중수(dual number)를 이용한 전진 모드
# 미분, 역전파를 다시 미분해서 얻는 헤시안, 뉴턴 방법과 그 보완책, 그리고 두 점 사이를 끝없이
# 오가는 경사 하강법까지 다룹니다. 1–7번이 쉽게 느껴질 때 읽어 보세요.
#
# 경사 하강법은 기울기만 씁니다. 이 노트북에서는 다변수 미분의 두 행렬을 `microgradx`로
# 만들고, 그중 두 번째인 헤시안으로 곡률까지 쓰는 *뉴턴* 걸음을 밟아 봅니다.
#
# | 대상 | 함수 | 성분 |
# |---|---|---|
# | 기울기(Gradient) $\nabla f$ | $\mathbb{R}^n\to\mathbb{R}$ | $\partial f/\partial x_i$ |
# | 야코비안 $J_f$ | $\mathbb{R}^n\to\mathbb{R}^m$ | $J_{ij} = \partial f_i/\partial x_j$ |
# | 헤시안 $H$ | $\mathbb{R}^n\to\mathbb{R}$ | $H_{ij}=\partial^2 f/\partial x_i\partial x_j$ |
#
# 📖 노트 003 · 참고 연속 함수의 미분 (Gradient, Hessian, Jacobian), 노트 003 · Loss를
# 최소화 하려면? (1차 미분, 1.5차 미분, 2차 미분). 노트는 야코비안을 $Jf$로 쓰지만 여기서는
# $J_f$로 쓰고, 그냥 $J$는 계속 손실 함수를 뜻합니다.

# %%
# %matplotlib inline
import itertools
import math

import numpy as np

from microgradx import Value
from microgradx.course import setup_figures, show_glossary, tr
from microgradx.functional import grad, hessian, jacobian, jvp, value_and_grad
from microgradx.glossary import lookup
from microgradx.numeric import numerical_gradient
from microgradx.viz import plot_paths

setup_figures()  # Korean text in figures, and a minus sign every font has
KOREAN = {  # the Korean edition's words for the legends; order matters ("damped Newton" first)
    "gradient descent": "경사 하강법",
    "damped Newton": "감쇠 뉴턴 방법",
    "Newton": "뉴턴 방법",
    "no Hessian": "헤시안 없음",
    " steps": "단계",
    "minimum": "최솟값",
    "the 2-cycle": "2-주기",
}


def in_korean(text):
    for en, ko in KOREAN.items():
        text = text.replace(en, ko)
    return text


def legend_outside(fig, width=9.4):
    """Move a contour plot's legend to the right of the axes, off the contours."""
    for line in fig.axes[0].get_lines():
        line.set_label(tr(line.get_label(), in_korean(line.get_label())))
    fig.axes[0].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    fig.set_size_inches(width, 4.8)
    return fig


# %% [markdown]
# 이 노트북에서 쓰는 용어입니다. 과정 전체가 함께 쓰는 용어집에서 가져왔습니다(한국어는 노트의
# 표기를 따르고, 마지막 열은 그 표기를 쓰는 노트입니다):

# %%
terms = (
    "Jacobian, Hessian, 1차 미분, 1.5차 미분, 2차 미분, positive definite, eigenvalue, Newton's "
    "method, quasi-Newton method, line search, forward mode, reverse mode, dual number"
)
show_glossary(tuple(lookup(word) for word in terms.split(", ")))

# %% [markdown]
# ## 야코비안
#
# 📖 노트 003 · 참고 연속 함수의 미분 (Vector Function, Jacobian).
#
# 벡터 함수 $f(x, y) = \big(x^2 y,\; 5x + \sin y\big)$를 보겠습니다. 손으로 구하면
#
# $$J_f = \begin{pmatrix} 2xy & x^2 \\ 5 & \cos y \end{pmatrix}.$$
#
# `jacobian(f)`는 출력 $f_i$마다 역전파를 한 번씩 하고, 한 번의 역전파가 $i$번째 행을
# 채웁니다.


# %%
def f(x, y):
    return [x * x * y, 5 * x + y.sin()]


x0, y0 = 1.5, -0.7
J = jacobian(f)(x0, y0)
J_hand = [[2 * x0 * y0, x0**2], [5.0, math.cos(y0)]]
print(np.array(J))
assert np.allclose(J, J_hand, rtol=0, atol=1e-9)

# %% [markdown]
# ## 전진 모드와 후진 모드: 누가 $n$번, 누가 $m$번 계산하나
#
# 노트에는 없는 내용입니다. 노트는 후진 모드(역전파)만 다룹니다.
#
# 후진 모드(역전파)는 출력 하나에서 출발해 $\partial f_i/\partial \cdot$ 를 모든 입력으로
# 되돌려 보냅니다. **출력 하나에 한 번**의 계산으로 야코비안의 *행* 하나를 얻습니다. 전진
# 모드는 입력 쪽 방향 $v$ 하나에서 출발해 값과 함께 미분을 앞으로 밀고 갑니다. **입력 하나에
# 한 번**의 계산으로 *열* 하나, 곧 $J v$(야코비안-벡터 곱)를 얻습니다.
# $f: \mathbb R^n \to \mathbb R^m$의 야코비안 전체에는 후진 모드로 $m$번, 전진 모드로 $n$번의
# 계산이 듭니다. 손실 함수는 $m = 1$인 극단적인 경우입니다. 역전파 한 번으로 $n$개의 편미분을
# 모두 얻지만, 전진 모드(그리고 2번 노트북의 수치 미분)는 $n$번 계산해야 합니다.
#
# 전진 모드는 몇 줄이면 됩니다. *이중수*는 값과 함께 방향 $v$에 대한 미분을 들고 다니고, 모든
# 연산이 그 자리에서 연쇄 법칙을 적용합니다. microgradx에서는 `jvp(f, primals, tangents)` →
# $(f(x), Jv)$가 같은 질문에 답합니다. 이 함수는 하나뿐인 규칙표에서 이중 VJP 기법(역방향
# 계산 두 번)으로 $Jv$를 얻으므로 전진 모드와 같은 답을 내고, 전진 모드 자체의 비용(입력 하나에
# 한 번)은 이중수가 보여 줍니다.
#
# 아래의 반복문은 자기 횟수를 스스로 세므로 그 횟수로는 아무것도 증명하지 못합니다. 대신
# 각 계산이 내놓는 것을, 두 방법 어느 쪽도 쓰지 않는 중심 차분과 비교해 확인합니다. 역전파
# 한 번은 행 하나 전체를, 이중수 계산 한 번은 열 하나 전체를 내놓아야 합니다.


# %%
class Dual:
    """A value and its derivative along one input direction: forward mode."""

    def __init__(self, value, tangent=0.0):
        self.value, self.tangent = value, tangent

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(
            self.value * other.value, self.tangent * other.value + self.value * other.tangent
        )

    __radd__, __rmul__ = __add__, __mul__

    def sin(self):
        return Dual(math.sin(self.value), math.cos(self.value) * self.tangent)


def wide(*x):  # n = 6 inputs, m = 2 outputs
    return [x[0] * x[1] + x[2] * x[3] + x[4] * x[5], (x[0] * x[5]).sin() + 3 * x[2]]


point = [0.5, -1.2, 2.0, 0.3, -0.7, 1.1]
n, m = len(point), 2

reverse_rows = []
for i in range(m):  # one backward pass from output i
    xs = [Value(v) for v in point]
    wide(*xs)[i].backward()
    reverse_rows.append([x.grad for x in xs])  # this one pass filled all n partials of f_i

forward_columns = []
for j in range(n):  # one forward pass along the input direction e_j
    outputs = wide(*[Dual(v, 1.0 if k == j else 0.0) for k, v in enumerate(point)])
    forward_columns.append([o.tangent for o in outputs])  # ∂f_i/∂x_j for every output i

# the oracle: central differences of each output, computed without either pass
J_numeric = np.array(
    [numerical_gradient(lambda *x, i=i: wide(*x)[i], point, h=1e-6) for i in range(m)]
)
J_reverse, J_forward = np.array(reverse_rows), np.array(forward_columns).T
print(
    tr("reverse mode:", "후진 모드:"),
    len(reverse_rows),
    tr("backward passes, one row each", "번의 역전파, 한 번에 한 행"),
)
print(
    tr("forward mode:", "전진 모드:"),
    len(forward_columns),
    tr("dual-number passes, one column each", "번의 이중수 계산, 한 번에 한 열"),
)
assert np.allclose(J_reverse, J_numeric, rtol=0, atol=1e-8)  # each backward pass: a full row
assert np.allclose(J_forward, J_numeric, rtol=0, atol=1e-8)  # each forward pass: a full column
jvp_columns = [jvp(wide, point, [1.0 if k == j else 0.0 for k in range(n)])[1] for j in range(n)]
assert np.allclose(np.array(jvp_columns).T, J_forward, rtol=0, atol=1e-12)  # jvp: J·e_j
assert np.allclose(J_reverse, jacobian(wide)(*point), rtol=0, atol=1e-12)

# %% [markdown]
# ## 역전파를 미분하기
#
# 📖 노트 003 · 참고 연속 함수의 미분 (Hessian): 노트에서는 정의만 했지만, 여기서는 직접
# 계산합니다.
#
# `backward(create_graph=True)`는 역전파 자체를 그래프로 기록하므로, 기울기가 다시 역전파할
# 수 있는 `Value`가 됩니다. $g(x) = x^3$이면 $g'(x) = 3x^2$, $g''(x) = 6x$이고, $x = 3$에서 각각
# $27$과 $18$입니다(두 값이 달라서 확인이 둘을 구별할 수 있는 점입니다).

# %%
x = Value(3.0, label="x")
y = x**3
y.backward(create_graph=True)
dy_dx = x.grad  # a Value: 3·x² = 27, with its own graph
print("dy/dx =", dy_dx)

x.grad = 0.0  # start the second pass from zero (grads accumulate)
dy_dx.backward()
print("d²y/dx² =", x.grad)
assert abs(dy_dx.data - 27.0) < 1e-9  # 3x²
assert abs(x.grad - 18.0) < 1e-9  # 6x


# %% [markdown]
# `functional.hessian`이 바로 이것을 모든 입력 쌍에 대해 하는 함수입니다. 헤시안은 기울기의
# 야코비안입니다. 5번 노트북의 연쇄 법칙 예제 $z = (2x + y)^2$는
# $\nabla z = (8x + 4y,\; 4x + 2y)$이므로 헤시안이 상수
# $\begin{pmatrix} 8 & 4 \\ 4 & 2 \end{pmatrix}$입니다.


# %%
def z(x, y):
    return (2 * x + y) ** 2


H = hessian(z)(1.5, -2.0)
print(np.array(H))
assert np.allclose(H, [[8.0, 4.0], [4.0, 2.0]], rtol=0, atol=1e-9)
assert grad(grad(lambda t: t**3))(3.0) == 18.0  # transforms nest


# %% [markdown]
# ## 뉴턴 방법과 경사 하강법
#
# 📖 노트 003 · Loss를 최소화 하려면? (2차 미분: Newton Method).
#
# $\theta$ 근처에서 2차 테일러 전개는 손실 함수를 그릇 모양으로 근사합니다.
#
# $$f(\theta + d) \approx f(\theta) + \nabla f^\top d + \tfrac12\, d^\top H\, d .$$
#
# 경사 하강법은 기울기 방향으로만 움직이며($d = -\alpha \nabla f$), 학습률(Step Size)
# $\alpha$를 우리가 정해야 합니다. 뉴턴 방법은 이 근사의 정류점으로 곧장 뛰어갑니다
# ($d = -H^{-1}\nabla f$). 학습률이 필요 없고, 걸음이 방향마다 곡률에 맞게 조정됩니다. 그 점이
# 그릇의 바닥인 것은 $H$가 양의 정부호일 때(두 고유값이 모두 $> 0$)뿐입니다. 고유값 하나가
# 음수이면 근사는 안장 모양이고, 뉴턴 방법은 안장점으로 뛰어가는데 그곳이 더 높을 수도
# 있습니다. 시험 함수는 휘어진 골짜기(로젠브록 함수, 최솟값 $(1, 1)$)입니다.
#
# $$f(x, y) = (1 - x)^2 + 5\,(y - x^2)^2 .$$


# %%
def valley(x, y):
    return (1 - x) ** 2 + 5 * (y - x * x) ** 2


valley_and_grad = value_and_grad(valley, argnum=(0, 1))
valley_hessian = hessian(valley)
start, tol, max_steps = np.array([-1.0, 1.5]), 1e-6, 5000


def gradient_descent(lr):
    theta, path = start.copy(), [start.copy()]
    for _ in range(max_steps):
        _, g = valley_and_grad(*theta)
        if np.linalg.norm(g) < tol:
            break
        theta = theta - lr * np.array(g)
        path.append(theta.copy())
    return np.array(path)


def newton():
    theta, path = start.copy(), [start.copy()]
    for _ in range(max_steps):
        _, g = valley_and_grad(*theta)
        if np.linalg.norm(g) < tol:
            break
        step = np.linalg.solve(np.array(valley_hessian(*theta)), np.array(g))
        theta = theta - step
        path.append(theta.copy())
    return np.array(path)


alpha = 0.03
gd_path, newton_path = gradient_descent(lr=alpha), newton()
gd_steps, newton_steps = len(gd_path) - 1, len(newton_path) - 1
print(tr("gradient descent:", "경사 하강법:"), gd_steps, tr("steps to", "단계, 도착"), gd_path[-1])
print(tr("Newton:", "뉴턴 방법:"), newton_steps, tr("steps to", "단계, 도착"), newton_path[-1])
assert np.allclose(gd_path[-1], [1, 1], atol=1e-5)
assert np.allclose(newton_path[-1], [1, 1], atol=1e-9)
assert newton_steps * 20 < gd_steps < max_steps

# %% [markdown]
# 뉴턴 방법의 경로와, 지나가는 점마다의 헤시안 고유값입니다. 출발점 $(-1, 1.5)$에서는 고유값
# 하나가 음수입니다. 2차 근사가 그릇이 아니라 안장이어서 첫 걸음이 오히려 올라갑니다. 뉴턴
# 방법은 여러 번 오르막을 오른 뒤에야, 최솟값 근처에서 헤시안이 양의 정부호가 되고 걸음이
# 2차 수렴으로 줄어듭니다.

# %%
heights = [valley(*theta) for theta in newton_path]
eigenvalues = [np.linalg.eigvalsh(np.array(valley_hessian(*theta))) for theta in newton_path]
print(" k   (x, y)              f        " + tr("eigenvalues of H", "H의 고유값"))
for k, (theta, h, lam) in enumerate(zip(newton_path, heights, eigenvalues, strict=True)):
    print(f"{k:>2}   ({theta[0]:+.3f}, {theta[1]:+.3f})   {h:8.2e}   {lam[0]:+7.2f} {lam[1]:+7.2f}")
rises = sum(after > before for before, after in itertools.pairwise(heights))
print(
    tr(
        f"f rises on {rises} of {newton_steps} Newton steps",
        f"뉴턴 방법 {newton_steps}단계 중 {rises}단계에서 f가 커진다",
    )
)
assert eigenvalues[0][0] < 0 < eigenvalues[0][1]  # indefinite at the start: a saddle model
assert heights[1] > heights[0] and rises >= 2
assert all(lam[0] > 0 for lam in eigenvalues[-3:])  # positive definite near the minimum

# %% [markdown]
# ## 보완책: 감쇠 뉴턴 방법, BFGS, Levenberg–Marquardt
#
# 📖 노트 003 · Loss를 최소화 하려면?. 노트는 1차 미분과 2차 미분 사이에 1.5차 미분 방법
# 세 가지를 듭니다. 준뉴턴 방법(Quasi-Newton Method), 켤레 기울기법(Conjugate Gradient
# Descent), Levenberg–Marquardt 방법입니다. 아래에서 그중 둘을 다루고, 노트의 목록에 **없는**
# 보완책 하나를 더 봅니다.
#
# - **감쇠 뉴턴 방법**(노트에 없음: 뉴턴 방법, 곧 2차 미분 방법을 안전하게 고친 것으로, 가장
#   먼저 떠올릴 만한 보완책입니다): $H$가 양의 정부호가 아니면 가장 작은 고유값이 양수가 될
#   때까지 $H + \mu I$로 옮깁니다(근사가 그릇이 되고 그 바닥은 내리막 쪽에 있습니다). 그다음
#   $f$가 충분히 줄어들 때까지 걸음을 줄입니다. $\theta \leftarrow \theta + t\,d$,
#   $t = 1, \frac12, \frac14, \dots$ (*되짚어 가는 선 탐색*, 아르미호 조건
#   $f(\theta + t d) \le f(\theta) + 10^{-4}\, t\, \nabla f^\top d$);
# - **BFGS**, 준뉴턴 방법: 헤시안을 전혀 쓰지 않습니다. $H^{-1}$의 추정값 $B$를 들고
#   $d = -B\nabla f$ 방향으로 같은 선 탐색을 하며 움직이고, 걸음에서 드러난 것으로 $B$를
#   고칩니다. 걸음 $s = \theta_{k+1} - \theta_k$ 동안의 기울기 변화
#   $y = \nabla f_{k+1} - \nabla f_k$를 씁니다(2차 함수라면 $y = Hs$):
#   $B \leftarrow (I - \rho s y^\top) B (I - \rho y s^\top) + \rho s s^\top$,
#   $\rho = 1/(y^\top s)$;
# - **Levenberg–Marquardt**, 이 함수처럼 손실이 제곱의 합일 때 쓰는 방법: 잔차
#   $r = \big(1 - x,\ \sqrt5\,(y - x^2)\big)$로 $f = r_1^2 + r_2^2$입니다. 잔차의 야코비안
#   $J_r$로 $(J_r^\top J_r + \lambda I)\, d = -J_r^\top r$를 풉니다. $J_r^\top J_r$가 2차 미분
#   없이 $H/2$를 대신하고, $\lambda$는 짧은 경사 하강 걸음을 섞어 넣습니다. $f$를 줄인 걸음
#   뒤에는 $\lambda$가 작아지고(뉴턴 방법에 가까워짐), $f$를 줄이지 못하는 걸음은 거절되고
#   $\lambda$가 커집니다(더 조심스러워짐).
#
# (켤레 기울기법은 뺐습니다. 파라미터가 두 개뿐이면 보여 줄 것이 별로 없습니다.)


# %%
def line_search(theta, f_theta, g, d):
    t = 1.0
    while valley(*(theta + t * d)) > f_theta + 1e-4 * t * (g @ d):
        t /= 2
    return t


def damped_newton():
    theta, path = start.copy(), [start.copy()]
    for _ in range(max_steps):
        f_theta, g = valley_and_grad(*theta)
        g = np.array(g)
        if np.linalg.norm(g) < tol:
            break
        H = np.array(valley_hessian(*theta))
        smallest = np.linalg.eigvalsh(H)[0]
        if smallest < 1e-3:
            H = H + (1e-3 - smallest) * np.eye(2)  # shift: the model becomes a bowl
        d = -np.linalg.solve(H, g)
        theta = theta + line_search(theta, f_theta, g, d) * d
        path.append(theta.copy())
    return np.array(path)


def bfgs():
    theta, path, B = start.copy(), [start.copy()], np.eye(2)  # B ≈ H⁻¹, first a plain step
    f_theta, g = valley_and_grad(*theta)
    g = np.array(g)
    for _ in range(max_steps):
        if np.linalg.norm(g) < tol:
            break
        d = -B @ g
        s = line_search(theta, f_theta, g, d) * d
        theta = theta + s
        f_theta, g_new = valley_and_grad(*theta)
        g_new = np.array(g_new)
        y = g_new - g
        rho = 1.0 / (y @ s)
        eye = np.eye(2)
        B = (eye - rho * np.outer(s, y)) @ B @ (eye - rho * np.outer(y, s)) + rho * np.outer(s, s)
        g = g_new
        path.append(theta.copy())
    return np.array(path)


residual_jacobian = jacobian(lambda x, y: [1 - x, math.sqrt(5) * (y - x * x)])


def levenberg_marquardt(lam=1e-3):
    theta, path, refused = start.copy(), [start.copy()], 0
    for _ in range(max_steps):
        r = np.array([1 - theta[0], math.sqrt(5) * (theta[1] - theta[0] ** 2)])
        J_r = np.array(residual_jacobian(*theta))
        if np.linalg.norm(2 * J_r.T @ r) < tol:  # ∇f = 2 J_rᵀ r
            break
        d = -np.linalg.solve(J_r.T @ J_r + lam * np.eye(2), J_r.T @ r)
        if valley(*(theta + d)) < valley(*theta):
            theta, lam = theta + d, lam / 10
            path.append(theta.copy())
        else:  # refused: stay, and be more cautious
            refused, lam = refused + 1, lam * 10
    return np.array(path), refused


damped_path, bfgs_path = damped_newton(), bfgs()
lm_path, lm_refused = levenberg_marquardt()
results = {
    f"gradient descent (α = {alpha})": gd_path,
    "Newton": newton_path,
    "damped Newton": damped_path,
    "BFGS (no Hessian)": bfgs_path,
    "Levenberg–Marquardt": lm_path,
}
for name, path in results.items():
    heights_along = [valley(*theta) for theta in path]
    downhill = all(b <= a for a, b in itertools.pairwise(heights_along))
    steps_taken = f"{len(path) - 1:>5}" + tr(" steps, ends at", "단계, 도착")
    always = tr("always downhill:", "항상 내리막:")
    print(
        f"{tr(name, in_korean(name)):>24}: {steps_taken} {np.round(path[-1], 6)},",
        always,
        downhill,
    )
    assert np.allclose(path[-1], [1, 1], atol=1e-5)
    if name != "Newton":  # (Levenberg–Marquardt by construction: it keeps only such steps)
        assert downhill
print(
    tr(
        f"Levenberg–Marquardt refused {lm_refused} steps that would have raised f",
        f"Levenberg–Marquardt는 f를 키웠을 걸음 {lm_refused}개를 거절했다",
    )
)
assert len(damped_path) < len(newton_path) and len(bfgs_path) < 30 and len(lm_path) < 30

# %% [markdown]
# $f$의 등고선 위에 그린 경로입니다(검은 네모가 출발점, 별이 최솟값). 경사 하강법은 가파른
# 벽 사이를 지그재그로 오가다가, 평평한 골짜기 바닥 $y = x^2$를 따라 천천히 기어갑니다.
# 보통의 뉴턴 방법은 처음 몇 걸음이 크게 튑니다. 세 보완책은 모든 걸음에서 내리막으로
# 가지만(위에서 확인), 내리막으로 간다고 해서 골짜기를 따라가는 것은 아닙니다. BFGS는 곡률을
# 전혀 모르는 채로($B = I$, 보통의 경사 하강 걸음) 출발해서, 추정값 $B$가 충분히 좋아질
# 때까지 골짜기를 가로지르며 지그재그로 움직입니다. 경로마다 센 것: 한 걸음이 바로 앞
# 걸음과 90°보다 크게 꺾여 되돌아간 횟수(두 걸음의 내적이 음수인 횟수).


# %%
def turns_back(path):
    """How many times a step points back against the step before it."""
    steps = np.diff(path, axis=0)
    return sum(int(a @ b < 0) for a, b in itertools.pairwise(steps))


turns = {name: turns_back(path) for name, path in results.items()}
for name, count in turns.items():
    taken = len(results[name]) - 1
    said = tr(f"turns back {count} times in {taken} steps", f"{taken}단계 중 {count}번 되돌아감")
    print(f"{tr(name, in_korean(name)):>24}: {said}")
assert turns["BFGS (no Hessian)"] >= 3  # BFGS zig-zags …
assert turns["BFGS (no Hessian)"] > max(turns["damped Newton"], turns["Levenberg–Marquardt"])

# %%
fig = plot_paths(valley, results, xlim=(-1.6, 1.6), ylim=(-0.7, 2.8))
fig.axes[0].plot(
    1, 1, "*", color="#16a34a", markersize=16, mec="white", zorder=5, label="minimum (1, 1)"
)
legend_outside(fig)

# %% [markdown]
# ## 얼마나 빠른가: 1차 수렴과 2차 수렴
#
# 노트에는 없는 내용입니다.
#
# $e_k = \lVert \theta_k - \theta^* \rVert$를 최솟값까지의 거리라고 합시다. $\theta^*$
# 근처에서 경사 하강법은 그릇의 가장 평평한 방향의 오차에 걸음마다
# $1 - \alpha \lambda_{\min}(H)$를 곱합니다. *1차(선형) 수렴*이고, 골짜기가 길고 평평하면
# ($\lambda_{\min}$이 작으면) 느립니다. 뉴턴 방법은 걸음마다 오차를 *제곱*합니다.
# $e_{k+1} \approx C e_k^2$: *2차 수렴*이며, 맞는 자릿수가 걸음마다 두 배가 됩니다.

# %%
H_min = np.array(valley_hessian(1.0, 1.0))
lam_min, lam_max = np.linalg.eigvalsh(H_min)
gd_error = np.linalg.norm(gd_path - 1, axis=1)
newton_error = np.linalg.norm(newton_path - 1, axis=1)
gd_rate = np.mean(gd_error[-100:] / gd_error[-101:-1])
predicted = 1 - alpha * lam_min
print(
    tr("GD: error ratio per step", "경사 하강법: 단계당 오차 비율"),
    f"{gd_rate:.6f},",
    tr("predicted", "예측"),
    f"1 - αλ_min = {predicted:.6f}",
)
print(
    tr("Newton: errors of the last steps", "뉴턴 방법: 마지막 단계들의 오차"),
    [f"{e:.1e}" for e in newton_error[-4:]],
)
assert abs(gd_rate - predicted) < 1e-4
for before, after in zip(newton_error[-4:-1], newton_error[-3:], strict=True):
    assert after < before**2  # quadratic: e_{k+1} < e_k²

# %% [markdown]
# 왜 $\alpha = 0.03$을 골랐을까요? 최솟값 근처에서 손실 함수는 헤시안이 정하는 2차 그릇이고,
# 경사 하강법은 $\alpha < 2/\lambda_{\max}(H)$일 때만 안정합니다. 그보다 큰 걸음은 골짜기의
# 가장 가파른 방향을 넘어가서 튕겨 나옵니다. 헤시안이 그 한계를 해 보기 전에 알려 줍니다.

# %%
print(tr("largest curvature", "가장 큰 곡률"), f"{lam_max:.2f}  ⇒  α < {2 / lam_max:.4f}")
assert alpha < 2 / lam_max < 0.045
too_big = gradient_descent(lr=0.045)
print(f"α = 0.045: {len(too_big) - 1}" + tr(" steps, the last four points:", "단계, 마지막 네 점:"))
print(np.round(too_big[-4:], 4))
assert len(too_big) - 1 == max_steps  # never converges …
assert np.abs(too_big[-1] - too_big[-3]).max() < 1e-12  # … it alternates between two points
assert np.linalg.norm(too_big[-1] - too_big[-2]) > 0.1

# %% [markdown]
# $\alpha = 0.045$에서 반복점은 수렴하지도 발산하지도 않고 **2-주기**에 들어갑니다. 골짜기
# 바닥을 사이에 둔 같은 두 점을 끝없이 오가며, 최솟값에 가깝지만 결코 닿지 않습니다.
# 아래는 주기에 갇히는 순간까지의 경로입니다.

# %%
repeats = [np.abs(too_big[k] - too_big[k + 2]).max() for k in range(len(too_big) - 2)]
locked = next(k for k, gap in enumerate(repeats) if gap < 1e-12)
print(
    tr(
        f"from step {locked} on, the iterates repeat every second step",
        f"{locked}단계부터 반복점이 두 단계마다 되풀이된다",
    )
)
assert np.abs(too_big[locked::2] - too_big[locked]).max() < 1e-9  # one point …
assert np.abs(too_big[locked + 1 :: 2] - too_big[locked + 1]).max() < 1e-9  # … and the other
fig = plot_paths(
    valley,
    {"gradient descent, α = 0.045": too_big[: locked + 3]},
    xlim=(-1.6, 1.6),
    ylim=(-0.7, 2.8),
)
ax = fig.axes[0]
ax.plot(
    *too_big[locked : locked + 2].T,
    "o",
    color="#dc2626",
    markersize=8,
    zorder=6,
    label="the 2-cycle",
)
ax.plot(1, 1, "*", color="#16a34a", markersize=16, mec="white", zorder=5, label="minimum (1, 1)")
legend_outside(fig, width=8.8)

# %% [markdown]
# ## 정리
#
# - 후진 모드는 출력마다 한 번, 전진 모드는 입력마다 한 번 계산합니다. 손실 함수($m = 1$)에서는
#   후진 모드가 $n$배 유리합니다.
# - `backward(create_graph=True)`는 역전파를 그래프로 만듭니다. 2차 미분, 헤시안,
#   `grad(grad(f))`가 모두 같은 규칙표에서 나옵니다.
# - 여기서 경사 하강법은 천 번 넘게 걸린 것을 뉴턴 방법은 몇 걸음에 끝내지만, 헤시안이 양의
#   정부호인 곳에서만 그렇습니다. 감쇠 뉴턴 방법, BFGS, Levenberg–Marquardt(뒤의 둘은 노트의
#   1.5차 미분 목록에 있음)가 이를 보완합니다. 셋 모두 모든 걸음에서 내리막으로 가지만, 그것이
#   골짜기를 따라가는 것과 같지는 않습니다.
# - 뉴턴 걸음마다 $n\times n$ 연립방정식을 만들고 풀어야 합니다(BFGS는 $n\times n$ 행렬을
#   들고 다닙니다). 파라미터가 $n = 10^6$개인 신경망에서는 이것이 딥러닝이 1차 미분 방법(그리고
#   7번 노트북의 Adam처럼 파라미터마다 크기를 추정하는 적응형 방법)을 쓰는 이유입니다.
