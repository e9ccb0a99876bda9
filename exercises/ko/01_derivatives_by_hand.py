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
# # 연습 1 — 손으로 하는 미분: 먼저 예측하고, 확인하기
#
# 강의 노트(003, 004)는 연쇄 법칙(Chain Rule) 예제 두 개를 손으로 풉니다.
#
# * z = t², t = 2x + y  ⇒  ∂z/∂x = ∂z/∂t · ∂t/∂x = 2t · 2 = 8x + 4y
# * z = t², t = x + y  ⇒  ∂z/∂x = 2(x + y)
#
# 여기서는 계산을 먼저 직접 합니다. `...` 자리에 예측한 숫자를 적고 바로 아래의 확인 셀을
# 실행하세요. 확인 셀은 `backward()`로 정답을 계산하고, 답이 다르면 그 숫자가 실제로 무엇인지
# 알려 줍니다. 힌트는 각 문제 아래에 접혀 있고, 풀이는 `exercises/solutions/ko/`에 있습니다
# (먼저 풀어 본 다음에 보세요).

# %%
from microgradx import Value
from microgradx.exercises import e01 as check

# %% [markdown]
# ## 1.1 두 개의 국소 미분
# x = 1, y = 1에서 t = 2x + y = 3, z = t² = 9입니다. 이 점에서 ∂z/∂t와 ∂t/∂x는 얼마일까요?
#
# <details><summary>힌트</summary>
# t²을 t로 미분하면 2t입니다. t = 2x + y는 x가 1 늘면 2만큼 늘어납니다.
# </details>

# %%
dz_dt = ...  # your prediction
dt_dx = ...  # your prediction

# %%
check.local_derivatives(dz_dt, dt_dx)

# %% [markdown]
# ## 1.2 연쇄 법칙: (1, 1)에서 ∂z/∂x
#
# <details><summary>힌트</summary>
# 1.1의 두 국소 미분을 곱합니다: ∂z/∂x = ∂z/∂t · ∂t/∂x.
# </details>

# %%
dz_dx = ...  # your prediction

# %%
check.dz_dx_number(dz_dx)

# %% [markdown]
# ## 1.3 그럼 (1, 1)에서 ∂z/∂y는?
#
# <details><summary>힌트</summary>
# ∂z/∂t는 같습니다. 그런데 t = 2x + y는 y에 대해 얼마나 빨리 변할까요?
# </details>

# %%
dz_dy = ...  # your prediction

# %%
check.dz_dy_number(dz_dy)

# %% [markdown]
# ## 1.4 식으로
# ∂z/∂x를 x와 y의 함수로 쓰세요. 확인 셀은 무작위로 고른 10개의 점에서 `backward()`와
# 비교합니다.
#
# <details><summary>힌트</summary>
# t = 2x + y일 때 2t · 2를 전개하세요.
# </details>


# %%
def dz_dx_formula(x, y):
    raise NotImplementedError  # your code here


# %%
check.dz_dx_formula(dz_dx_formula)

# %% [markdown]
# ## 1.5 다른 노트의 예제
# z = t², t = x + y, x = 2, y = −0.5에서 ∂z/∂x를 예측하세요.
#
# <details><summary>힌트</summary>
# ∂z/∂t = 2t, ∂t/∂x = 1이고, 여기서 t = 1.5입니다.
# </details>

# %%
dz_dx_2 = ...  # your prediction

# %%
check.second_example(dz_dx_2)

# %% [markdown]
# ## 그림으로 보기
# 라이브러리의 답을 그래프에서 봅니다. 각 간선에는 국소 미분이, 각 노드에는 기울기가 적혀
# 있고, z에서 x로 가는 경로를 따라 곱한 값이 1.2의 답입니다.

# %%
x, y = Value(1.0, label="x"), Value(1.0, label="y")
t = 2 * x + y
t.label = "t"
z = t * t
z.label = "z"
z.backward()
z
