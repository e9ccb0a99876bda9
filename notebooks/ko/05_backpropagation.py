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
# # 5 · 역전파: 노드 하나하나에 적용하는 연쇄 법칙
#
# 2–4번 노트북은 함숫값으로 기울기를 구하거나(파라미터가 $n$개일 때 전진 차분은 $n + 1$번,
# 중심 차분은 $2n$번 계산), 한 모델에 맞춰 손으로 유도한 공식을 썼습니다. 역전파는 어떤 모델이든
# 계산을 거꾸로 한 번 훑어서 손실 함수의 편미분을 *모두* 얻습니다. 이 노트북에서는 연쇄 법칙을
# 손으로, 다음에는 microgradx의 `backward()`로 계산하고, `backward()` 자체를 30줄로 밑바닥부터
# 만들며 대표적인 버그 두 가지도 봅니다. 활성화 함수의 미분을 손으로 유도하고, 노트의 2층 ReLU
# 신경망을 손으로 풀어 본 뒤, 마지막으로 `fit`이 감추고 있는 훈련 반복문
# `zero_grad → backward → step`을 직접 씁니다.
#
# 📖 노트 003 · 참고 합성 함수의 미분, Backpropagation, 주요 Activation Function의 미분;
# 노트 004 · Step 4. 연쇄법칙(Chain rule); 노트 000/001 · 학습 알고리즘의 4단계.

# %%
# %matplotlib inline
import math
import tempfile

import numpy as np
from IPython.display import SVG, display

from microgradx import MLP, SGD, Value, explore, fit, grad, losses, topological_order, zero_grad
from microgradx.course import LANG, show_glossary, tr
from microgradx.data import make_regression
from microgradx.glossary import lookup
from microgradx.numeric import GradcheckError, central_difference, gradcheck, gradgradcheck
from microgradx.viz import backward_steps, draw_dot, render_backward_steps


def fmt(v):
    """One number format for the whole notebook: 4 significant digits, as in the drawings."""
    return f"{v:#.4g}"


# %% [markdown]
# 이 노트북에서 쓰는 용어입니다. 과정 전체가 함께 쓰는 용어집에서 가져왔습니다(한국어는 노트의
# 표기를 따르고, 마지막 열은 그 표기를 쓰는 노트입니다):

# %%
terms = (
    "backpropagation, chain rule, composite function, partial derivative, computational "
    "graph, topological order, local gradient, upstream gradient, common factor, "
    "indirect parameter, cross-entropy, estimated probability, observed distribution, "
    "update, automatic differentiation"
)
show_glossary(tuple(lookup(word) for word in terms.split(", ")))

# %% [markdown]
# ## 손으로 하는 연쇄 법칙
#
# 📖 노트 003 · 참고 합성 함수의 미분.
#
# $t = 2x + y$일 때 $z = t^2$을 생각합니다. $z$는 $t$를 거쳐서만 $x$에 의존하므로 기울기가
# 곱해집니다(연쇄 법칙):
#
# $$\frac{\partial z}{\partial x}
# = \frac{\partial z}{\partial t}\cdot\frac{\partial t}{\partial x}
# = 2t \cdot 2 = 4(2x + y) = 8x + 4y,$$
#
# $$\frac{\partial z}{\partial y}
# = \frac{\partial z}{\partial t}\cdot\frac{\partial t}{\partial y}
# = 2t \cdot 1 = 4x + 2y .$$
#
# $x = 1.2$, $y = -0.5$에서 $t = 1.9$, $z = 3.61$, $\partial z/\partial x = 7.6$이고
# $\partial z/\partial y = \partial z/\partial t = 3.8$입니다(덧셈은 받은 기울기를 그대로
# 넘기므로 $y$와 $t$의 기울기가 같습니다).

# %%
x0, y0 = 1.2, -0.5
t0 = 2 * x0 + y0
dz_dt = 2 * t0  # local derivative of t²
dz_dx_hand = dz_dt * 2  # ∂t/∂x = 2
dz_dy_hand = dz_dt * 1  # ∂t/∂y = 1
print(f"t = {fmt(t0)}, z = {fmt(t0**2)}, ∂z/∂x = {fmt(dz_dx_hand)}, ∂z/∂y = {fmt(dz_dy_hand)}")
assert abs(dz_dx_hand - (8 * x0 + 4 * y0)) < 1e-12 and abs(dz_dy_hand - (4 * x0 + 2 * y0)) < 1e-12

# %% [markdown]
# ### 노트 004의 형태: $F'(x) = f'(g(x)) \cdot g'(x)$
#
# 📖 노트 004 · Step 4. 연쇄법칙(Chain rule). 노트 004는 합성 함수 $F = f \circ g$,
# $F(x) = f(g(x))$에 대해 $F'(x) = f'(g(x)) \cdot g'(x)$라고 씁니다. 예제는 $z = (x + y)^2$입니다.
# 안쪽 함수가 $g = x + y$($t = g$), 바깥 함수가 $f(t) = t^2$이므로 $f'(t) = 2t$,
# $\partial t/\partial x = 1$이고 $\partial z/\partial x = 2(x + y)$입니다.
#
# > **노트 바로잡기.** 노트 004는 $\frac{dz}{dx}$라고 쓰지만 $z$는 $y$에도 의존합니다. 실제로
# > 계산한 것은 $y$를 고정한 *편미분* $\frac{\partial z}{\partial x}$입니다(같은 노트의 Step 3,
# > 편미분). 또 $\frac{dy}{dx} = \frac{dt}{dx}\frac{dy}{dt}$라고 쓰는데, 이것은
# > $f'(g(x)) \cdot g'(x)$와 순서만 바뀐 같은 곱입니다.
#
# $x = 1.2$, $y = -0.5$에서 같은 값에 이르는 서로 독립인 세 가지 방법: 공식, 연쇄 법칙의 두
# 인수, 그리고 둘 다 모르는 중심 차분.

# %%
F_prime = 2 * (x0 + y0)  # the formula 2(x + y)
f_prime_at_g, g_prime = 2 * (x0 + y0), 1.0  # f'(g(x)) with f(t) = t², and g'(x) for g = x + y
numeric = central_difference(lambda x: (x + y0) ** 2, x0, h=1e-5)
print(
    tr("∂z/∂x: formula", "∂z/∂x: 공식")
    + f" {fmt(F_prime)}, f'(g)·g' {fmt(f_prime_at_g * g_prime)}, "
    + tr("central difference", "중심 차분")
    + f" {fmt(numeric)}"
)
assert abs(f_prime_at_g * g_prime - F_prime) < 1e-12 and abs(numeric - F_prime) < 1e-8

# %% [markdown]
# ## 같은 계산을 `backward()`로
#
# 📖 노트 003 · Backpropagation ("Loss $J(z)$에 대해 $x, y, z$의 미분을 구하라!")을
# 라이브러리로 풉니다.
#
# `Value`는 자신이 어떻게 만들어졌는지 기억합니다. `Value`로 $z$를 만들면 계산 그래프가
# 기록되고, `draw_dot`이 그것을 그립니다. 노드마다 `data`가 보이고, `backward()`를 아직 하지
# 않았으므로 `grad`는 "—"이며, 그림 설명에도 기울기를 아직 계산하지 않았다고 나옵니다(상수
# 2는 아래에서 설명합니다).

# %%
x = Value(x0, label="x")
y = Value(y0, label="y")
two_x = 2 * x
two_x.label = "2x"
t = two_x + y
t.label = "t"
z = t**2
z.label = "z"
before = draw_dot(z, lang=LANG)
trainable = [v for v in topological_order(z) if v.requires_grad]  # all but the constant 2
assert before.source.count("grad —") == len(trainable)  # no grads yet
before

# %% [markdown]
# `z.backward()`는 그래프를 $z$에서 잎까지 한 번 거꾸로 훑으며 노드마다 연쇄 법칙을
# 적용합니다. 각 노드는 위에서 전달 받은 Gradient에 자기 Local Gradient를 곱해 입력들에
# 넘깁니다. 그림에서 간선마다 붙은 빨간 $\partial$이 그 Local Gradient이고, 각 `grad`는 $z$에서
# 오는 경로 위의 $\partial$들을 곱한 값입니다. $x$라면 $2t \cdot 2 = 7.6$입니다.

# %%
z.backward()
print(f"x.grad = {fmt(x.grad)}, y.grad = {fmt(y.grad)}, t.grad = {fmt(t.grad)}")
assert abs(x.grad - dz_dx_hand) < 1e-12 and abs(y.grad - dz_dy_hand) < 1e-12
assert abs(t.grad - dz_dt) < 1e-12
after = draw_dot(z, lang=LANG)
assert "grad —" not in after.source and f"grad {fmt(x.grad)}" in after.source
after

# %% [markdown]
# 회색 상자는 $2x$의 상수 2입니다(이름 없는 잎). 연쇄 법칙으로는
# $\partial z/\partial 2 = 2t \cdot x = 4.56$이지만, 여기서도 탐색기에서도 상자에는
# "no grad (constant)"(기울기 없음, 상수)라고 나옵니다. `backward()`는 학습될 수 있는 값의
# 기울기만 계산하는데, 식 안에 적어 넣은 숫자는 결코 학습되지 않기 때문입니다. 2를 따로
# `Value`로 만들면 4.56을 받습니다:

# %%
constant_box = next(line for line in after.source.splitlines() if "data 2.000" in line)
c = Value(2.0, label="c")
(((c * Value(x0)) + Value(y0)) ** 2).backward()  # fresh x, y: theirs stay as they are
print(tr("the constant's box:", "상수의 상자:"), constant_box.split('"')[1])
print(tr("the same 2 as a Value: c.grad =", "같은 2를 Value로: c.grad ="), fmt(c.grad))
shown = constant_box.split('"')[1]
assert "no grad (constant)" in shown and "no grad (constant)" in explore(z).html
assert abs(c.grad - 2 * t0 * x0) < 1e-12

# %% [markdown]
# ## `backward()`를 밑바닥부터
#
# 노트에는 없는 내용입니다. 노트가 설명한 알고리즘을 코드로 옮깁니다.
#
# `backward()`는 무엇을 할까요? 여기 `+`, `*`, `tanh`, 정수 거듭제곱에 대한 전체 코드가
# 있습니다. karpathy의 micrograd가 만드는 방식 그대로입니다. 각 연산은 입력과 Local Gradient를
# 기록합니다. `backward()`는 먼저 그래프를 *위상 정렬*하고(모든 노드가 자기를 계산하는 데 쓰인
# 노드들 뒤에 옴), 그 순서를 거꾸로 훑습니다. 그래서 노드의 기울기가 완성된 뒤에 넘겨지고,
# 각 입력의 `grad`에 Local Gradient × 전달 받은 Gradient를 **더합니다**.
#
# **직접 써 보세요:** [exercises/ko/04_backprop_from_scratch.ipynb](../../exercises/ko/04_backprop_from_scratch.ipynb)
# — 나만의 `Value`와 `backward()`. 확인 셀이 `+=` 대신 `=`, 잘못된 순서, 빠뜨린 출력 기울기를
# 짚어 줍니다. 연습 일곱 개(힌트 먼저, 풀이는 따로)는 [exercises/ko/](../../exercises/ko/)에 있습니다.


# %%
def topological_sort(root):
    """Every node after all the nodes it was computed from (depth first)."""
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)  # joins the order after all its inputs

    visit(root)
    return order


class Scalar:
    """A number that remembers how it was made: a from-scratch Value."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data, self.grad = data, 0.0
        self.parents, self.local_grads = parents, local_grads  # ∂self/∂parent, one each

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.data * other.data, (self, other), (other.data, self.data))

    __radd__, __rmul__ = __add__, __mul__

    def __pow__(self, k):
        return Scalar(self.data**k, (self,), (k * self.data ** (k - 1),))

    def tanh(self):
        out = math.tanh(self.data)
        return Scalar(out, (self,), (1 - out**2,))

    def backward(self):
        self.grad = 1.0
        for node in reversed(topological_sort(self)):  # from the output back to the leaves
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                parent.grad += local * node.grad  # += : a node used twice gets both


# %% [markdown]
# $z = (2x + y)^2$의 기울기를 똑같이 냅니다:

# %%
xs, ys = Scalar(x0), Scalar(y0)
zs = (2 * xs + ys) ** 2
zs.backward()
print(tr("from scratch:", "밑바닥부터:"), f"∂z/∂x = {fmt(xs.grad)}, ∂z/∂y = {fmt(ys.grad)}")
assert abs(xs.grad - x.grad) < 1e-12 and abs(ys.grad - y.grad) < 1e-12

# %% [markdown]
# ## 대표적인 버그 두 가지
#
# 노트에는 없는 내용입니다.
#
# **`+=` 대신 `=`.** $t^2$ 대신 $z = t \cdot t$라고 쓰면 $t$가 곱셈의 두 입력으로 *두 번*
# 쓰이고, 두 경로로 $z$에 닿습니다. 연쇄 법칙은 경로들을 더합니다:
# $\partial z/\partial t = t + t = 2t$. `parent.grad = local * node.grad`로 *대입하는* 역전파는
# 마지막 경로만 남기고, $t$ 아래의 모든 기울기를 반으로 줄입니다.


# %%
def backward_with_assignment(root):
    """The bug: = where backward() needs +=."""
    root.grad = 1.0
    for node in reversed(topological_sort(root)):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad = local * node.grad  # BUG: overwrites the other path's share


def dz_dx(backward):
    x_, y_ = Scalar(x0), Scalar(y0)
    t_ = 2 * x_ + y_
    backward(t_ * t_)  # t used twice
    return x_.grad


right, wrong = dz_dx(Scalar.backward), dz_dx(backward_with_assignment)
print(f"∂z/∂x: += {fmt(right)}, = {fmt(wrong)}")
assert abs(right - dz_dx_hand) < 1e-12 and abs(wrong - dz_dx_hand / 2) < 1e-12

# %% [markdown]
# **잊어버린 `zero_grad`.** `backward()`는 `grad`에 *더하므로*, 두 번째 역전파는 첫 번째의
# 기울기 위에 자기 기울기를 더합니다. 걸음마다 기울기를 초기화하지 않는 훈련 반복문은 *지금까지의
# 모든 기울기의 합*을 따라 걸음을 옮깁니다. $w = 0$에서 시작해 $J(w) = (w - 3)^2$에 경사 하강법을
# 쓰면, 초기화할 때는 3으로 수렴하고, 초기화하지 않으면 묵은 기울기가 계속 밀어서 $w$가 넘어갔다
# 돌아오며 진동합니다.


# %%
def descend(reset, steps=30, lr=0.1):
    w, path = Scalar(0.0), []
    for _ in range(steps):
        if reset:
            w.grad = 0.0  # zero_grad
        loss = (w + -3.0) ** 2
        loss.backward()
        w.data -= lr * w.grad
        path.append(w.data)
    return np.array(path)


with_reset, without = descend(reset=True), descend(reset=False)
print(
    tr("after 30 steps: w =", "30단계 뒤: w ="),
    fmt(with_reset[-1]) + tr(" with zero_grad,", " (zero_grad 있음),"),
    fmt(without[-1]) + tr(" without", " (zero_grad 없음)"),
)
print(
    tr("largest w without zero_grad:", "zero_grad 없이 가장 큰 w:"),
    fmt(without.max()),
    tr("(the target is 3)", "(목표는 3)"),
)
assert abs(with_reset[-1] - 3) < 1e-2 and with_reset.max() <= 3  # straight in
assert without.max() > 4 and abs(without[-1] - 3) > 0.5  # overshoots, still swinging

# %% [markdown]
# ## 라이브러리의 엔진도 똑같이 한다
#
# 노트에는 없는 내용입니다.
#
# microgradx의 `Value`는 이 설계를 믿을 수 있게 다듬은 것입니다. Local Gradient는 메서드마다
# 흩어져 있지 않고 규칙표 하나(`microgradx/ops.py`)에 있고, 위상 정렬은 반복문으로 하며
# (micrograd의 재귀 `visit`는 깊이 ~1000에서 실패합니다), 순서가 결정적입니다.
# `topological_order(z)`가 `backward()`가 거꾸로 훑는 순서입니다:


# %%
def name(node):
    return node.label or tr("constant ", "상수 ") + fmt(node.data)


for node in topological_order(z):
    inputs = ", ".join(map(name, node.parents))
    made = f"{node.op}({inputs})" if node.parents else tr("leaf", "잎")
    print(f"{name(node):>14}: {made:<22} data {fmt(node.data)}")
order = topological_order(z)
assert all(order.index(p) < order.index(node) for node in order for p in node.parents)

tt = t * t  # t used twice: the library adds both paths
x.grad = 0.0
tt.backward()
assert abs(x.grad - dz_dx_hand) < 1e-12
print(tr("library, z = t·t:", "라이브러리, z = t·t:"), f"∂z/∂x = {fmt(x.grad)}")

# %% [markdown]
# ## 뉴런 하나를 노드마다 역전파하기
#
# 📖 노트 003 · Backpropagation: "각 노드에서 Local Gradient를 구한 후 전달 받은 Gradient와
# 곱해서 이전 노드에 전달".
#
# 뉴런은 $n = x_1 w_1 + x_2 w_2 + b$로 $o = \tanh(n)$을 계산합니다. 그래프에는 잎이 다섯 개,
# 연산이 다섯 개 있습니다. 역전파는 출력에서부터 연산을 거꾸로 방문하며, 각 연산에서
#
# $$\text{입력의 기울기} = \text{Local Gradient} \times \text{전달 받은 Gradient}$$
#
# 를 적용합니다. 쓰이는 Local Gradient 규칙은 세 가지입니다. $\frac{d}{dn}\tanh n = 1 - \tanh^2 n$;
# 덧셈은 전달 받은 Gradient를 각 입력에 그대로 넘김; 곱셈 $a \cdot b$는 $a$에
# $b \cdot$(전달 받은 Gradient)를, $b$에 $a \cdot$(전달 받은 Gradient)를 보냄.

# %%
x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
n = x1 * w1 + x2 * w2 + b
o = math.tanh(n)

hand = {"o": 1.0}  # ∂o/∂o = 1 seeds the backward pass
hand["n"] = (1 - o**2) * hand["o"]  # tanh
hand["x1w1 + x2w2"] = 1.0 * hand["n"]  # + passes the gradient on
hand["b"] = 1.0 * hand["n"]
hand["x1w1"] = 1.0 * hand["x1w1 + x2w2"]
hand["x2w2"] = 1.0 * hand["x1w1 + x2w2"]
hand["x1"] = w1 * hand["x1w1"]  # × sends the other factor times upstream
hand["w1"] = x1 * hand["x1w1"]
hand["x2"] = w2 * hand["x2w2"]
hand["w2"] = x2 * hand["x2w2"]
for name, g in hand.items():
    print(f"∂o/∂{name:<12} = {fmt(g)}")

# %% [markdown]
# 이제 같은 뉴런을 밑바닥부터 만든 `Scalar`와 라이브러리의 `Value`로 계산합니다. 노드에
# 이름을 붙여 그림이 표와 맞도록 합니다.

# %%
scratch = {name: Scalar(v) for name, v in (("x1", x1), ("x2", x2), ("w1", w1), ("w2", w2))}
scratch["b"] = Scalar(b)
(scratch["x1"] * scratch["w1"] + scratch["x2"] * scratch["w2"] + scratch["b"]).tanh().backward()

leaves = [("x1", x1), ("x2", x2), ("w1", w1), ("w2", w2), ("b", b)]
nodes = {name: Value(v, label=name) for name, v in leaves}
x1w1 = nodes["x1"] * nodes["w1"]
x2w2 = nodes["x2"] * nodes["w2"]
s = x1w1 + x2w2
n_node = s + nodes["b"]
o_node = n_node.tanh()
inner = [(x1w1, "x1w1"), (x2w2, "x2w2"), (s, "x1w1 + x2w2"), (n_node, "n"), (o_node, "o")]
for node, name in inner:
    node.label = name
    nodes[name] = node

o_node.backward()
for name, g in hand.items():
    assert abs(nodes[name].grad - g) < 1e-12, (name, nodes[name].grad, g)
for name, leaf in scratch.items():
    assert abs(leaf.grad - hand[name]) < 1e-12, name
print(
    tr(
        "by hand = from scratch = backward() for every node",
        "모든 노드: 손 = 밑바닥부터 = backward()",
    )
)
draw_dot(o_node, lang=LANG)

# %% [markdown]
# ### 한 단계씩
#
# 아래 그림들은 역전파를 한 연산씩, `backward()`가 방문하는 순서대로 다시 보여 줍니다(위상
# 정렬의 역순: 노드는 자기를 쓰는 모든 노드가 처리된 뒤에야 처리되므로 그때 기울기가 완성되어
# 있습니다). 잎은 자기 차례에 할 일이 없으므로(기울기가 이미 최종값) 그림이 없고
# (`leaves=False`), 모든 그림이 같은 배치를 써서 숫자가 바뀌는 동안 노드가 제자리에 있습니다.
#
# 순서는 라이브러리의 다른 순서와 비교하지 않고, 순서를 옳게 만드는 성질 자체로 확인합니다.
# 어떤 값을 쓰는 노드는 모두 그 값보다 먼저 와야 하고, 한 단계가 전달 받은 Gradient는 그 값을
# 쓰는 노드들이 보낸 것의 합이어야 합니다.

# %%
steps = list(backward_steps(o_node))
nothing = tr("leaf: nothing to pass on", "잎: 전달할 것 없음")
upstream_word = tr("upstream", "전달 받은 Gradient")
local_word = tr("local ∂", "Local Gradient")
for step in steps:
    local = ", ".join(fmt(d) for d in step.local_grads) or nothing
    name = step.node.label
    up = fmt(step.upstream)
    print(f"{step.index}: {name:<12} {upstream_word} {up:>8}   {local_word} {local}")
    assert abs(step.upstream - hand[step.node.label]) < 1e-12
position = {step.node: k for k, step in enumerate(steps)}
for step in steps:
    users = [(u, j) for u in steps for j, p in enumerate(u.parents) if p is step.node]
    assert all(position[u.node] < position[step.node] for u, _ in users)  # users first
    if users:  # what arrives is the sum of what the users sent
        assert abs(step.upstream - sum(u.contributions[j] for u, j in users)) < 1e-12

# %% [markdown]
# 강조된 노드가 지금 처리하는 노드이고, 그 입력 간선에는 "Local ∂ × 전달 받은 Gradient = 보내는
# 값"이 적혀 있으며, 제목은 연산의 순번을 셉니다("연산 5개 중 2번째"). 그림은 위에서 아래로
# 배치해서(`rankdir="TB"`) 글자를 읽을 수 있는 크기로 페이지에 들어가게 했고, 이 노트북의 다른
# 그림처럼 판의 언어로 씁니다(`lang=`).

# %%
operations = [step for step in steps if step.node.parents]
with tempfile.TemporaryDirectory() as frames_dir:
    frames = render_backward_steps(o_node, frames_dir, "svg", leaves=False, rankdir="TB", lang=LANG)
    assert len(frames) == len(operations) == 5  # one frame per operation, none for leaves
    for k, frame in enumerate(frames, start=1):
        picture = frame.read_text(encoding="utf-8")
        assert tr(f"operation {k} of 5", f"연산 5개 중 {k}번째") in picture
        width = float(picture.split('width="', 1)[1].split("pt", 1)[0])
        assert width < 900  # points: about 1,200 px, so 12 pt text stays readable on a page
        display(SVG(picture))

# %% [markdown]
# ### 탐색기에서
#
# `microgradx.explore(o_node)`는 같은 그래프를 네트워크 없이 열리는 페이지 하나로 보여 줍니다
# (`lang="ko"`를 주면 한국어 페이지이고, 한국어판은 그것을 보여 줍니다).
# 역전파를 한 단계씩 앞뒤로 움직이고, 입력을 바꾸며 모든 기울기가 변하는 것을 볼 수 있습니다.
# 페이지의 숫자는 규칙표를 자바스크립트로 옮긴 것에서 나오며, 파이썬과 비교해 시험합니다.

# %%
page = explore(o_node, title="o = tanh(x1·w1 + x2·w2 + b)", lang=LANG)
assert page.html.startswith("<!DOCTYPE html>") and "x1w1 + x2w2" in page.html
display(page, include=["text/html"])  # the page only: its size in bytes differs by language

# %% [markdown]
# ## 경로에 걸친 합과 호출에 걸친 누적: 서로 다른 두 가지
#
# 노트에는 없는 내용입니다.
#
# 역전파 **한 번** 안에서 두 번 쓰인 값은 두 경로로 출력에 영향을 주고, 다변수 연쇄 법칙은 그
# 기여를 *더합니다*. $c = a + a$이면 $\partial c/\partial a = 2$입니다. 이것은 수학이고, 위에서
# `+=`가 옳은 이유입니다.
#
# `backward()` 호출 **사이에서도** microgradx는 (PyTorch처럼) 새 기울기를 이미 저장된 `.grad`에
# *더합니다*. 이것은 연쇄 법칙의 결과가 아니라 API의 선택입니다. 여러 손실이나 미니배치의
# 기울기를 더한 뒤에 한 걸음 옮길 수 있는 대신, 새 기울기를 구하기 전에 `zero_grad`로
# 초기화해야 합니다. 함수형 `grad(f)`는 반대로 선택합니다. 매번 새 기울기를 돌려주고 아무것도
# 저장하지 않습니다.

# %%
a = Value(3.0, label="a")
c = a + a
c.backward()
print(tr("after one backward:", "backward 한 번 뒤:"), fmt(a.grad))
assert a.grad == 2.0  # the sum over two paths

c.backward()
print(tr("after two:", "두 번 뒤:"), fmt(a.grad))
assert a.grad == 4.0  # accumulated across calls

zero_grad([a])
c.backward()
assert a.grad == 2.0
double = grad(lambda v: v + v)
assert double(3.0) == double(3.0) == 2.0  # the functional form never accumulates

# %% [markdown]
# ## Local Gradient를 손으로 유도하기: $\sigma'$, $\tanh'$, 소프트맥스와 크로스 엔트로피
#
# 📖 노트 003 · 주요 Activation Function의 미분. 노트는 Sigmoid에 대해 $f'(x) = f(x)(1 - f(x))$,
# Tanh에 대해 $f'(x) = 1 - f(x)^2$를 유도 없이 적어 둡니다. 둘 다 몫의 미분법에서 나옵니다.
#
# **Sigmoid.** $\sigma(x) = \frac{1}{1 + e^{-x}} = (1 + e^{-x})^{-1}$이므로 연쇄 법칙으로
#
# $$\sigma'(x) = -(1 + e^{-x})^{-2} \cdot (-e^{-x}) = \frac{e^{-x}}{(1 + e^{-x})^2}
# = \underbrace{\frac{1}{1 + e^{-x}}}_{\sigma(x)} \cdot
# \underbrace{\frac{e^{-x}}{1 + e^{-x}}}_{1 - \sigma(x)} = \sigma(x)\,(1 - \sigma(x)).$$
#
# **Tanh.** $\tanh x = \frac{e^x - e^{-x}}{e^x + e^{-x}}$에서 분자의 미분은 분모이고 분모의
# 미분은 분자이므로, 몫의 미분법으로
#
# $$\tanh'(x) = \frac{(e^x + e^{-x})^2 - (e^x - e^{-x})^2}{(e^x + e^{-x})^2}
# = 1 - \tanh^2 x .$$
#
# **소프트맥스와 크로스 엔트로피.** 클래스가 $K$개이고 점수(로짓)가 $z_1, \dots, z_K$일 때,
# 소프트맥스는 추정 확률 $q_k = e^{z_k} / \sum_j e^{z_j}$를 주고, 관측 분포 $t$(원-핫이든
# 아니든 $\sum_k t_k = 1$)에 대한 크로스 엔트로피는 $L = -\sum_k t_k \log q_k$입니다.
# $\log q_k = z_k - \log \sum_j e^{z_j}$이므로
#
# $$\frac{\partial L}{\partial z_j} = -t_j + \sum_k t_k \cdot \frac{e^{z_j}}{\sum_i e^{z_i}}
# = -t_j + q_j \sum_k t_k = q_j - t_j .$$
#
# 점수에 대한 손실의 기울기는 "예측값 빼기 실제값"으로, MSE의 $y - t$와 같은 모양입니다. 각
# 공식을 `backward()`와, 그리고 공식도 규칙표도 쓰지 않는 중심 차분과 비교해 확인합니다.

# %%
for x in (-2.5, -0.3, 0.0, 1.7):
    sig = 1 / (1 + math.exp(-x))
    by_hand = {"sigmoid": sig * (1 - sig), "tanh": 1 - math.tanh(x) ** 2}
    for fn, derivative in by_hand.items():
        v = Value(x)
        getattr(v, fn)().backward()
        numeric = central_difference(lambda u, fn=fn: getattr(u, fn)(), x, h=1e-6)
        assert abs(v.grad - derivative) < 1e-12 and abs(numeric - derivative) < 1e-9, (fn, x)
print(
    tr(
        "σ′ = σ(1 − σ) and tanh′ = 1 − tanh² agree with backward() and central differences",
        "σ′ = σ(1 − σ)와 tanh′ = 1 − tanh²가 backward(), 중심 차분과 일치",
    )
)

scores, target = [1.5, -0.4, 0.3], 2  # K = 3 classes, the observed class is the third
q = np.exp(scores) / np.exp(scores).sum()
t_onehot = np.eye(3)[target]
zs = [Value(v) for v in scores]
losses.cross_entropy(zs, target).backward()
for j in range(3):

    def ce_along_j(u, j=j):
        moved = list(scores)
        moved[j] = u
        return -math.log(math.exp(moved[target]) / sum(math.exp(v) for v in moved))

    numeric = central_difference(ce_along_j, scores[j], h=1e-6)
    assert abs(zs[j].grad - (q[j] - t_onehot[j])) < 1e-12 and abs(numeric - zs[j].grad) < 1e-9
print("q − t =", np.round(q - t_onehot, 4), "= backward():", np.round([z.grad for z in zs], 4))

# %% [markdown]
# 목표가 원-핫일 필요는 없습니다. $t = (0.1, 0.2, 0.7)$ 같은 부드러운 관측 분포여도, 유도에서
# 쓴 것은 $\sum_k t_k = 1$뿐이므로 기울기는 여전히 $q - t$입니다. `log_softmax`로 손실
# $-\sum_k t_k \log q_k$를 직접 쓰면:

# %%
soft = np.array([0.1, 0.2, 0.7])
zs = [Value(v) for v in scores]
log_q = losses.log_softmax(zs)
(-sum(float(tk) * lq for tk, lq in zip(soft, log_q, strict=True))).backward()
assert np.allclose([z.grad for z in zs], q - soft, rtol=0, atol=1e-12)
print(tr("soft target: q − t =", "부드러운 목표: q − t ="), np.round(q - soft, 4))

# %% [markdown]
# ## 2층 ReLU 신경망을 손으로 역전파하기
#
# 📖 노트 003 · Backpropagation (Gradient of Parameter; 공통 부분). 노트의 말대로 "가중치는 Loss
# Function의 간접 파라미터이므로 직접 미분이 안됨", 즉 가중치는 손실 함수에 간접적으로만
# 닿으므로 연쇄 법칙이 모든 단계를 거쳐야 합니다.
#
# 먼저 표기를 확인합니다. 노트의 $w^1_{nm}$(1층, 입력 $n$에서 은닉 유닛 $m$으로)은 microgradx의
# `L1.N{m}.w{n−1}`이고, $w^2_m$은 `L2.N1.w{m−1}`입니다. 층과 뉴런은 둘 다 1부터 세고, 뉴런의
# 가중치는 microgradx에서 0부터 셉니다. 그래서 `MLP(2, [3, 1])`의 가중치 `L1.N2.w0`은
# $w^1_{12}$입니다. 이 값을 살짝 바꾸면 은닉 유닛 2만, 바꾼 양의 $x_1$배만큼 변합니다.

# %%
model = MLP(2, [3, 1], activation="linear", seed=0)
params = dict(model.named_parameters())
xs_in = [0.7, -0.4]
before = [v.data for v in model.layers[0](xs_in)]
params["L1.N2.w0"].data += 1.0  # w¹₁₂ += 1
after_nudge = [v.data for v in model.layers[0](xs_in)]
changes = np.subtract(after_nudge, before)
print(tr("change of each hidden unit:", "은닉 유닛별 변화:"), changes.round(6))
assert np.allclose(changes, [0.0, xs_in[0], 0.0], rtol=0, atol=1e-12)  # unit 2 moves by x₁
assert sorted(params) == sorted(
    [f"L1.N{m}.{p}" for m in (1, 2, 3) for p in ("w0", "w1", "b")]
    + [f"L2.N1.{p}" for p in ("w0", "w1", "w2", "b")]
)

# %% [markdown]
# > **노트 바로잡기.** 노트 003의 유도는 큰 줄기는 맞지만 초보자를 세 군데에서 헷갈리게 할 수
# > 있습니다.
# >
# > 1. **한 글자, 세 가지 뜻.** $n$이 입력의 *번호*($x_n$, $w^1_{nm}$, 그리고 입력의 개수),
# >    출력의 활성화 이전 값($y = \mathrm{Identity}(n)$), 아래 첨자를 붙여 은닉층의 활성화 이전
# >    값($n_m$)을 모두 뜻합니다. 아래에서는 입력 $x_n$, $n = 1, \dots, d$; 은닉층의 활성화 이전
# >    값 $s_m$; 출력의 활성화 이전 값 $s$; 샘플 $i = 1, \dots, N$으로 씁니다.
# > 2. **샘플에 대한 합의 위치가 틀렸습니다.** 노트는
# >    $\frac{\partial J}{\partial y} = \frac1N \sum_i 2(y - t)$라고 쓴 뒤 나머지 인수를 곱하지만,
# >    그 인수들($\mathrm{ReLU}'(s_{im})$, $x_{in}$)은 샘플마다 다릅니다. 합은 곱 전체를 감싸야
# >    합니다: $\frac{\partial J}{\partial w^1_{nm}} = \frac1N \sum_i 2(y_i - t_i) \cdot
# >    \mathrm{Identity}'(s_i) \cdot w^2_m \cdot \mathrm{ReLU}'(s_{im}) \cdot x_{in}$.
# >    곱의 평균은 평균의 곱이 아닙니다. 아래에서 확인합니다.
# > 3. **$\mathrm{Identity}'$ 인수.** 연쇄에는 $\partial y/\partial n = \mathrm{Identity}'(n)$
# >    인수가 있습니다. 여기서는 1이라 빠뜨리기 쉽지만(이 노트북의 이전 판도 빠뜨렸습니다),
# >    출력에 Sigmoid나 tanh가 있다면 그 $f'$이 들어갈 자리이고, 빠뜨리면 그런 신경망의 기울기가
# >    틀립니다. 아래 식과 코드에 남겨 둡니다.
#
# microgradx의 뉴런에는 편향이 있으므로 편향을 더하면, 샘플 하나 $x = (x_1, \dots, x_d)$에 대해:
#
# $$s_m = \sum_n w^1_{nm} x_n + b^1_m, \qquad h_m = \mathrm{ReLU}(s_m), \qquad
# s = \sum_m w^2_m h_m + b^2, \qquad y = \mathrm{Identity}(s), \qquad
# J = \frac1N \sum_{i=1}^N (y_i - t_i)^2 ,$$
#
# $$\frac{\partial J}{\partial w^1_{nm}}
# = \frac1N \sum_{i=1}^N
# \underbrace{2(y_i - t_i)}_{\partial J_i/\partial y_i}\cdot
# \underbrace{\mathrm{Identity}'(s_i)}_{\partial y/\partial s}\cdot
# \underbrace{w^2_m}_{\partial s/\partial h_m}\cdot
# \underbrace{\mathrm{ReLU}'(s_{im})}_{\partial h_m/\partial s_m}\cdot
# \underbrace{x_{in}}_{\partial s_m/\partial w^1_{nm}} .$$
#
# 은닉 유닛 $m$의 파라미터는 모두 앞의 네 인수(노트의 공통 부분)를 공유하므로, 샘플마다 한
# 번만 계산합니다: $\delta_{im} = \partial J / \partial s_{im}$. 그러면
# $\partial J/\partial w^1_{nm} = \sum_i \delta_{im} x_{in}$,
# $\partial J/\partial b^1_m = \sum_i \delta_{im}$이고, 출력층은
# $\partial J/\partial w^2_m = \sum_i \frac{2}{N}(y_i - t_i)\, h_{im}$입니다. 공유하는 인수를
# 노드마다 재사용하도록 짜 놓은 것, 그것이 *바로* 역전파입니다("공통 부분은 한번만 계산하자!").

# %%
X, targets = make_regression(6, n_features=2, noise=0.1, seed=3)
model = MLP(2, [3, 1], activation="relu", seed=2)  # 2 inputs, 3 hidden ReLUs, 1 output
params = dict(model.named_parameters())
W1 = np.array([[params[f"L1.N{m}.w{n}"].data for n in range(2)] for m in (1, 2, 3)])
b1 = np.array([params[f"L1.N{m}.b"].data for m in (1, 2, 3)])
w2 = np.array([params[f"L2.N1.w{m}"].data for m in range(3)])
b2 = params["L2.N1.b"].data

# forward pass, whole batch at once: row i is sample i
N = len(X)
s1 = X @ W1.T + b1  # (N, 3) hidden pre-activations s_im
h = np.maximum(s1, 0)  # ReLU
s_out = h @ w2 + b2  # (N,) the output's pre-activation s_i
y = s_out  # Identity
identity_prime = np.ones(N)  # Identity'(s_i) = 1
J = np.mean((y - targets) ** 2)

# backward pass by hand
dJ_dy = 2 * (y - targets) / N
by_hand = {"L2.N1.b": dJ_dy @ identity_prime}
for m in range(3):
    by_hand[f"L2.N1.w{m}"] = (dJ_dy * identity_prime) @ h[:, m]
relu_prime = (s1 > 0).astype(float)
delta = (dJ_dy * identity_prime)[:, None] * w2[None, :] * relu_prime  # ∂J/∂s_im: common part
for m in range(3):
    by_hand[f"L1.N{m + 1}.b"] = delta[:, m].sum()
    for n in range(2):
        by_hand[f"L1.N{m + 1}.w{n}"] = delta[:, m] @ X[:, n]
print(tr("ReLU'(s) per sample and hidden unit:", "샘플·은닉 유닛별 ReLU'(s):"))
print(relu_prime.astype(int))
assert 0 < relu_prime.mean() < 1  # some units off for some samples: ReLU' matters

# %% [markdown]
# 이제 자동 미분에 맡기고 숫자 하나하나를 비교합니다. 그다음 노트의 합의 위치를 글자 그대로
# 읽은 것, 곧 $2(y_i - t_i)$의 평균 곱하기 샘플별 나머지의 평균을 계산해 봅니다.

# %%
loss = losses.mse([model(x) for x in X], targets)
model.zero_grad()
loss.backward()
assert abs(loss.data - J) < 1e-12
print(f"{tr('parameter', '파라미터'):<10} {tr('by hand', '손 계산'):>12} {'backward()':>12}")
for name, p in model.named_parameters():
    print(f"{name:<10} {by_hand[name]:>12.6f} {p.grad:>12.6f}")
    assert abs(p.grad - by_hand[name]) < 1e-9, name
assert len(by_hand) == model.num_parameters()

m, n = 0, 0  # the weight w¹₁₁ = L1.N1.w0
rest = identity_prime * w2[m] * relu_prime[:, m] * X[:, n]  # per sample
sum_outside = np.mean(2 * (y - targets) * rest)
sum_inside = np.mean(2 * (y - targets)) * np.mean(rest)
print(
    tr("∂J/∂w¹₁₁: sum around the whole product", "∂J/∂w¹₁₁: 곱 전체를 감싼 합")
    + f" {sum_outside:.6f}, "
    + tr("the notes' placement", "노트의 위치")
    + f" {sum_inside:.6f}, backward() "
    + f"{params['L1.N1.w0'].grad:.6f}"
)
assert abs(sum_outside - params["L1.N1.w0"].grad) < 1e-12
assert abs(sum_inside - sum_outside) > 0.1 * abs(sum_outside)  # not a rounding difference

# %% [markdown]
# ## 손으로 훈련하기: `zero_grad → backward → step`
#
# 📖 노트 000/001 · 학습 알고리즘의 4단계: Step2(기울기 산출)와 Step3(가중치 및 편향 갱신)는
# 서로 다른 단계이고, 코드에서도 서로 다른 줄입니다.
#
# > **노트 바로잡기.** 노트 000/001은 역전파를 "가중치를 갱신하는 과정"이라고 설명합니다.
# > 그렇지 않습니다. 역전파는 기울기를 계산할 뿐이고, 갱신은 그 기울기를 쓰는 별도의 단계입니다
# > (여기서는 경사 하강법, 7번 노트북에서는 Adam). 아래에서 확인합니다. `backward()` 뒤에도 모든
# > 파라미터가 이전 값 그대로입니다.
#
# 이 과정의 모든 훈련 반복문, 그리고 4번과 7번 노트북이 쓰는 `fit`은 이 반복문입니다.
#
# 1. 순전파: 배치의 손실 $J$;
# 2. `zero_grad()`: 이전 단계의 기울기를 지움(`backward()`는 *더하므로*, 위 참고);
# 3. `backward()`: 역전파, 모든 $\partial J/\partial\theta$;
# 4. 갱신: 모든 파라미터에 대해 $\theta \leftarrow \theta - \alpha\, \partial J/\partial\theta$.
#
# 위의 신경망에 대해 손으로, 전체 배치로 200단계:


# %%
def train_by_hand(steps=200, lr=0.05):
    model = MLP(2, [3, 1], activation="relu", seed=2)
    history = []
    for _ in range(steps):
        loss = losses.mse([model(x) for x in X], targets)  # 1. forward
        model.zero_grad()  # 2. forget the last gradients
        before = [p.data for p in model.parameters()]
        loss.backward()  # 3. backpropagation: gradients only …
        assert [p.data for p in model.parameters()] == before  # … nothing has moved
        for p in model.parameters():  # 4. the update, a separate step
            p.data -= lr * p.grad
        history.append(loss.data)
    return model, history


by_hand_model, history = train_by_hand()
print(
    tr("loss at step 1, 10, 100, 200:", "1, 10, 100, 200번째 단계의 손실:"),
    ", ".join(fmt(history[k]) for k in (0, 9, 99, 199)),
)
assert history[-1] < 0.05 * history[0]

# %% [markdown]
# 4단계는 옵티마이저 객체가 대신해 주고(`SGD(params, lr).step()`), 반복문 전체는 `fit`이
# 해 줍니다. 배치 하나에 샘플 6개를 모두 담으면 `fit(..., optimizer="sgd")`은 정확히 같은
# 걸음을 밟으므로, 세 방법 모두 같은 파라미터에 도착해야 합니다:

# %%
with_sgd = MLP(2, [3, 1], activation="relu", seed=2)
optimizer = SGD(with_sgd.parameters(), lr=0.05)
for _ in range(200):
    loss = losses.mse([with_sgd(x) for x in X], targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

with_fit = MLP(2, [3, 1], activation="relu", seed=2)
fit(
    with_fit,
    X,
    targets,
    loss="mse",
    optimizer="sgd",
    lr=0.05,
    epochs=200,
    batch_size=len(X),
    progress=False,
)
final = [[p.data for p in net.parameters()] for net in (by_hand_model, with_sgd, with_fit)]
print(
    tr("largest difference of a parameter: by hand vs SGD", "파라미터의 최대 차이: 손 vs SGD")
    + f" {np.abs(np.subtract(final[0], final[1])).max():.1e}, "
    + tr("by hand vs fit", "손 vs fit")
    + f" {np.abs(np.subtract(final[0], final[2])).max():.1e}"
)
assert np.allclose(final[0], final[1], rtol=0, atol=1e-12)
assert np.allclose(final[0], final[2], rtol=0, atol=1e-9)  # fit sums the batch in its own order

# %% [markdown]
# ## `gradcheck`: 자동 미분 규칙을 믿는 방법
#
# 📖 노트 000/001 · 수치 미분을 규칙표 확인에 씁니다.
#
# `microgradx`의 모든 Local Gradient는 규칙표 하나(`microgradx/ops.py`)에 있습니다. 잘못된
# 항목 하나가 조용히 모든 곳의 기울기를 틀리게 만들 수 있으므로, 규칙마다
# `torch.autograd.gradcheck`처럼 중심 차분과 비교합니다. `gradcheck`는 1차 미분을,
# `gradgradcheck`는 기록된 역전파를 다시 미분해서 얻은 2차 미분을 비교합니다. 둘 다 `True`를
# 돌려주거나 표와 함께 `GradcheckError`를 냅니다.

# %%
rules = {
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "softplus": lambda x: x.softplus(),
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "sqrt": lambda x: x.sqrt(),
    "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(),
    "x ** 3": lambda x: x**3,
    "1 / x": lambda x: 1 / x,
}
for name, rule in rules.items():
    assert gradcheck(rule, [0.7]) and gradgradcheck(rule, [0.7]), name
power = lambda a, b: a**b  # noqa: E731
assert gradcheck(power, [1.3, 0.6]) and gradgradcheck(power, [1.3, 0.6])
print(
    len(rules) + 1,
    tr(
        "rules agree with central differences, to first and second order",
        "개 규칙이 한 번·두 번 미분한 값 모두 중심 차분과 일치",
    ),
)

# %% [markdown]
# 미분이 존재하지 않는 곳에서는 둘이 어긋나고 `gradcheck`가 그렇다고 알려 줍니다. ReLU의 꺾인
# 점에서 자동 미분 규칙은 (PyTorch처럼) $\mathrm{ReLU}'(0) = 0$이라는 약속을 쓰지만, 중심 차분은
# 평균 기울기 $\frac{h - 0}{2h} = \tfrac12$를 봅니다. 규칙은 꺾인 점에서 떨어진 일반적인 점에서
# 확인하세요.

# %%
try:
    gradcheck(lambda x: x.relu(), [0.0])
except GradcheckError as error:
    message = str(error)
    print(message)
else:
    raise AssertionError("gradcheck should reject ReLU at its kink")
assert "disagree" in message
assert gradcheck(lambda x: x.relu(), [0.3]) and gradcheck(lambda x: x.relu(), [-0.3])

# %% [markdown]
# ## 정리
#
# - 연쇄 법칙은 경로를 따라 Local Gradient를 곱하고, 경로들에 걸쳐 더합니다.
# - 역전파는 출력에서부터 위상 정렬의 역순으로 노드마다 한 번 연쇄 법칙을 적용합니다. Local
#   Gradient × 전달 받은 Gradient를 각 입력의 기울기에 *더합니다*.
# - `+=` 대신 `=`를 쓰면 경로가 하나만 남고, `zero_grad`를 잊으면 묵은 기울기가 새 걸음에
#   섞입니다.
# - 층의 공통 부분 $\delta$는 활성화 이전 값 노드에 저장되는 기울기이며, 그것을 한 번만
#   계산하는 것이 역전파를 싸게 만듭니다.
# - $\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$, 소프트맥스와 크로스 엔트로피는
#   $q - t$: 모두 손으로 유도하고 확인했습니다.
# - 역전파는 기울기를 계산하고, 갱신은 별도의 단계입니다. 훈련 반복문은
#   `zero_grad → backward → step`이고, `fit`이 바로 그 반복문입니다.
