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
# # 연습 2 — 전진·후진·중심 차분과 오차의 차수
#
# 노트(000, 001)는 테일러 급수에서 세 가지 차분 공식을 유도합니다.
#
# | 공식 | 오차 |
# |---|---|
# | 전진 차분 (f(x + h) − f(x)) / h | f″(x)·h/2 + O(h²): 1차 |
# | 후진 차분 (f(x) − f(x − h)) / h | −f″(x)·h/2 + O(h²): 1차 |
# | 중심 차분 (f(x + h) − f(x − h)) / 2h | f‴(x)·h²/6 + O(h⁴): 2차 |
#
# 세 공식을 구현한 다음, 오차의 차수를 측정합니다. 로그-로그 그래프에서 h에 대한 오차는
# 직선이 되고, 그 기울기가 차수입니다. 확인 셀은 여러분의 코드를 공식과 비교하고, 틀린
# 코드가 대신 무엇을 계산하는지 알려 줍니다.

# %%
import math

import numpy as np

from microgradx.exercises import e02 as check

# %% [markdown]
# ## 2.1 – 2.3 세 가지 차분
#
# <details><summary>힌트</summary>
# 각각 한 줄입니다. 어느 두 점을 빼는지, 두 점이 얼마나 떨어져 있는지에 주의하세요.
# </details>


# %%
def forward_difference(f, x, h):
    # begin solution: raise NotImplementedError  # your code here
    return (f(x + h) - f(x)) / h
    # end solution


def backward_difference(f, x, h):
    # begin solution: raise NotImplementedError  # your code here
    return (f(x) - f(x - h)) / h
    # end solution


def central_difference(f, x, h):
    # begin solution: raise NotImplementedError  # your code here
    return (f(x + h) - f(x - h)) / (2 * h)
    # end solution


# %%
check.forward(forward_difference)

# %%
check.backward(backward_difference)

# %%
check.central(central_difference)

# %% [markdown]
# ## 2.4 오차의 차수
# `error_order(difference, f, df, x, hs)`는 `hs`의 각 h에 대해 |difference(f, x, h) − df(x)|를
# 계산하고, (log h, log 오차)를 지나는 최소제곱 직선의 기울기를 돌려줍니다. 확인 셀은 x = 1에서
# exp의 전진 차분과 중심 차분, h = 10⁻¹ … 10⁻⁴로 이 함수를 부릅니다.
#
# <details><summary>힌트</summary>
# `np.polyfit(np.log(hs), np.log(errors), 1)[0]`이 그 기울기입니다. x는 log h, y는 log 오차입니다.
# </details>


# %%
def error_order(difference, f, df, x, hs):
    # begin solution: raise NotImplementedError  # your code here
    errors = [abs(difference(f, x, h) - df(x)) for h in hs]
    return float(np.polyfit(np.log(hs), np.log(errors), 1)[0])
    # end solution


# %%
check.order(error_order)

# %% [markdown]
# ## 그림으로 보기
# x = 1에서 exp에 대한 여러분의 차분 오차: h를 반으로 줄이면 전진 차분의 오차는 반으로,
# 중심 차분의 오차는 4분의 1로 줄어듭니다.

# %%
for h in (1e-1, 5e-2, 2.5e-2):
    fe = abs(forward_difference(math.exp, 1.0, h) - math.e)
    ce = abs(central_difference(math.exp, 1.0, h) - math.e)
    print(f"h = {h:<7g} forward error {fe:.3e}   central error {ce:.3e}")
