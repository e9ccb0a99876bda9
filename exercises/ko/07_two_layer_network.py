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
# # 연습 7 — 노트의 2층 ReLU 신경망, 모든 ∂J/∂w를 손으로
#
# 노트 003은 이 신경망(편향 없음)의 역전파를 유도합니다. 입력 x와 목표 t인 샘플 N개에 대해
#
# n_m = Σ_n w¹_nm·x_n,  h_m = ReLU(n_m),  y = n = Σ_m w²_m·h_m,  J = (1/N) Σ_i (y_i − t_i)²
#
# ∂J/∂w¹_nm = (1/N) Σ_i 2(y − t) · Identity′(n) · w²_m · ReLU′(n_m) · x_n이고, ReLU′까지의 부분은
# 유닛 m의 모든 가중치가 공유합니다("공통 부분은 한번만 계산하자!").
#
# 일반 파이썬 숫자로(Value 없이) `gradients_by_hand(W1, w2, X, T)`를 작성하세요. `W1[n][m]`은
# w¹_nm(행 = 입력, 열 = 은닉 유닛), `w2[m]`은 w²_m입니다. 같은 모양의 `(dW1, dw2)`를 돌려주세요.
# 확인 셀은 같은 신경망에서 `backward()`와 모든 성분을 비교합니다.

# %%
from microgradx.exercises import e07 as check

check.W1, check.W2, check.X, check.T  # the numbers the check uses

# %% [markdown]
# ## 7.1 모든 편미분
#
# <details><summary>힌트</summary>
# 샘플마다: 순전파(n_m, h_m, y), 그다음 dy = 2(y − t)/N; ∂J/∂w²_m += dy·h_m;
# 유닛 m의 공통 부분은 dy·w²_m·ReLU′(n_m)이고, ∂J/∂w¹_nm += 공통 부분·x_n.
# </details>


# %%
def gradients_by_hand(W1, w2, X, T):
    raise NotImplementedError  # your code here


# %%
check.gradients(gradients_by_hand)
