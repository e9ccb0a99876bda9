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
# # 연습 6 — 모멘텀과 Adam
#
# 노트(003)는 경사 하강법의 변형들을 소개합니다. 그중 둘을 `torch.optim`과 `microgradx.optim`이
# 계산하는 대로 적으면(g는 매개변수 p의 기울기):
#
# * **모멘텀**(μ = momentum): v ← μ·v + g;  p ← p − lr·v
# * **Adam**: m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  단계 t = 1, 2, …에서
#   m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ);  p ← p − lr·m̂ / (√v̂ + eps)
#
# 둘 다 `__init__(params, …)`와 `step()`을 가진 클래스로 작성하세요. `step()`은 각 매개변수의
# `.grad`를 읽어 `.data`를 갱신합니다. 확인 셀은 같은 문제에서 여러분의 옵티마이저와
# `microgradx.optim`을 나란히 실행하고, 단계마다 매개변수를 비교합니다.

# %%
import math

from microgradx.exercises import e06 as check

# %% [markdown]
# ## 6.1 모멘텀 SGD
#
# <details><summary>힌트</summary>
# 매개변수마다 속도 하나를 두고(처음에는 0의 목록), 속도를 갱신한 다음 매개변수를 갱신합니다.
# </details>


# %%
class MyMomentum:
    def __init__(self, params, lr, momentum=0.9):
        # begin solution: raise NotImplementedError  # your code here
        self.params, self.lr, self.momentum = list(params), lr, momentum
        self.velocity = [0.0] * len(self.params)
        # end solution

    def step(self):
        # begin solution: raise NotImplementedError  # your code here
        for i, p in enumerate(self.params):
            self.velocity[i] = self.momentum * self.velocity[i] + p.grad
            p.data -= self.lr * self.velocity[i]
        # end solution


# %%
check.momentum(MyMomentum)

# %% [markdown]
# ## 6.2 Adam
#
# <details><summary>힌트</summary>
# 매개변수마다 버퍼 두 개(m과 v), 그리고 첫 단계에서 1인 단계 수 t가 필요합니다. 편향 보정은
# 1 − β₁ᵗ과 1 − β₂ᵗ로 나눕니다. 이것이 없으면 처음 몇 단계가 아주 작습니다.
# </details>


# %%
class MyAdam:
    def __init__(self, params, lr=0.01, betas=(0.9, 0.999), eps=1e-8):
        # begin solution: raise NotImplementedError  # your code here
        self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.t = 0
        # end solution

    def step(self):
        # begin solution: raise NotImplementedError  # your code here
        b1, b2 = self.betas
        self.t += 1
        for i, p in enumerate(self.params):
            g = p.grad
            self.m[i] = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
            m_hat = self.m[i] / (1 - b1**self.t)
            v_hat = self.v[i] / (1 - b2**self.t)
            p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)
        # end solution


# %%
check.adam(MyAdam)
