# ---
# jupyter:
#   jupytext:
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
# # 연습 3 — 국소 미분: 사용자 정의 연산(primitive)의 VJP 규칙
#
# 역전파는 노드마다 입력 하나당 규칙 하나가 필요합니다. 위에서 내려온 기울기 `g`, 노드의 출력
# `out`, 입력들을 받아 `g · ∂out/∂입력`을 돌려주는 규칙입니다(벡터-야코비안 곱, VJP).
# `microgradx/ops.py`의 연산은 모두 순전파 하나와 이런 규칙들로 이루어져 있습니다.
#
# mul, tanh, sigmoid, relu, pow의 규칙을 작성하세요. 확인 셀은 여러분의 규칙으로 사용자 정의
# 연산을 만들어 작은 그래프를 구성하고 `microgradx.check_rules`를 실행합니다. `check_rules`는
# 각 규칙을 그 노드 자신의 순전파에 대한 중심 차분과 비교해 틀린 간선을 지목하고, 확인 셀은
# 그것이 어떤 전형적인 실수인지 알려 줍니다. 노트(003)의 미분: tanh′ = 1 − tanh²,
# σ′ = σ(1 − σ), ReLU′는 a > 0이면 1, 아니면 0.

# %%
import math

from microgradx import Value, check_rules, draw_dot, primitive
from microgradx.exercises import e03 as check

# %% [markdown]
# ## 3.1 mul: out = a · b
# 입력마다 규칙 하나씩, 모두 `(g, out, a, b) -> 숫자` 꼴입니다.
#
# <details><summary>힌트</summary>
# ∂(a·b)/∂a는 다른 입력 b입니다. 여기에 위에서 내려온 g를 곱합니다.
# </details>


# %%
def mul_rule_a(g, out, a, b):
    # begin solution: raise NotImplementedError  # your code here
    return g * b
    # end solution


def mul_rule_b(g, out, a, b):
    # begin solution: raise NotImplementedError  # your code here
    return g * a
    # end solution


# %%
check.mul(mul_rule_a, mul_rule_b)

# %% [markdown]
# ## 3.2 tanh: out = tanh(a)
#
# <details><summary>힌트</summary>
# tanh′(a) = 1 − tanh(a)²이고, tanh(a)는 이미 `out`으로 주어져 있습니다.
# </details>


# %%
def tanh_rule(g, out, a):
    # begin solution: raise NotImplementedError  # your code here
    return g * (1 - out * out)
    # end solution


# %%
check.tanh(tanh_rule)

# %% [markdown]
# ## 3.3 sigmoid: out = σ(a) = 1 / (1 + e^(−a))
#
# <details><summary>힌트</summary>
# σ′ = σ·(1 − σ), 이것도 `out`으로 쓸 수 있습니다.
# </details>


# %%
def sigmoid_rule(g, out, a):
    # begin solution: raise NotImplementedError  # your code here
    return g * out * (1 - out)
    # end solution


# %%
check.sigmoid(sigmoid_rule)

# %% [markdown]
# ## 3.4 relu: out = max(a, 0)
#
# <details><summary>힌트</summary>
# 계단 함수입니다. a > 0이면 기울기가 통과하고, 아니면 막힙니다.
# </details>


# %%
def relu_rule(g, out, a):
    # begin solution: raise NotImplementedError  # your code here
    return g * (1.0 if a > 0 else 0.0)
    # end solution


# %%
check.relu(relu_rule)

# %% [markdown]
# ## 3.5 pow: out = a ** b, 두 입력 모두 변수
#
# <details><summary>힌트</summary>
# 밑에 대해서는 b·a^(b − 1), 지수에 대해서는 aᵇ·ln a = out·ln a (여기서 a > 0).
# </details>


# %%
def pow_rule_a(g, out, a, b):
    # begin solution: raise NotImplementedError  # your code here
    return g * b * a ** (b - 1)
    # end solution


def pow_rule_b(g, out, a, b):
    # begin solution: raise NotImplementedError  # your code here
    return g * out * math.log(a)
    # end solution


# %%
check.pow(pow_rule_a, pow_rule_b)

# %% [markdown]
# ## 그림으로 보기: 틀린 규칙은 빨간색으로
# 나만의 연산은 `primitive(name, forward=..., vjps=[...])` 한 번이면 만들 수 있습니다. 아래는
# tanh의 전형적인 실수(`1 − out²` 대신 `out`)를 넣은 연산을 뉴런 안에 둔 것입니다.
# `check_rules`가 그 간선을 지목하고, `draw_dot(..., check=True)`는 그 간선을 빨간색으로
# 그립니다(마우스를 올리면 이유가 보입니다).

# %%
bad_tanh = primitive("bad_tanh", forward=math.tanh, vjps=[lambda g, out, a: g * out])
x, w, b = Value(0.8, label="x"), Value(-1.5, label="w"), Value(0.3, label="b")
y = bad_tanh(x * w + b)
y.backward()
print(check_rules(y))
draw_dot(y, check=True)

# %% [markdown]
# 그리고 여러분의 규칙: 모든 간선이 순전파의 중심 차분과 같습니다.

# %%
my_tanh = primitive("my_tanh", forward=math.tanh, vjps=[tanh_rule])
y = my_tanh(x * w + b)
check_rules(y)
