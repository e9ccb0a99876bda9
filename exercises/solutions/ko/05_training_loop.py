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
# # 연습 5 — 학습 루프를 손으로
#
# 노트(000, 001)의 학습 4단계: 데이터에서 손실을 계산하고, 그 기울기를 구하고, 모든 매개변수를
# 기울기 반대 방향으로 갱신하고, 반복합니다. 라이브러리로 쓰면
#
# ```
# zero_grad → loss.backward() → p.data -= lr * p.grad
# ```
#
# 두 개의 달(moons) 데이터에서 작은 MLP를 학습하는 루프를 작성하세요. 확인 셀은 같은 모델을
# 여러분의 루프와, 전형적인 실수를 넣은 기준 루프들로 학습해 봅니다. `zero_grad`를 빠뜨림
# (기울기가 계속 쌓임), 부호가 반대(손실이 증가), `zero_grad`의 위치가 틀림. 여러분의 손실
# 곡선이 어느 것과 같은지로 실수를 찾아 줍니다. 그다음 학습률을 고릅니다.

# %%
from microgradx.exercises import e05 as check

X, y = check.moons()  # 40 points, labels 0/1
model = check.new_model()  # MLP(2 → 8 → 1), tanh, seed 0
check.loss_of(model, X, y)  # the mean hinge loss: what the loop minimises

# %% [markdown]
# ## 5.1 루프
# `train(model, X, y, steps, lr)`은 전체 배치 경사 하강법을 `steps`번 실행하고 손실 목록을
# 돌려줍니다(단계마다 갱신 전의 `loss.data` 하나). 손실은 `check.loss_of(model, X, y)`로,
# `model.zero_grad()`와 `model.parameters()`를 쓰세요.
#
# <details><summary>힌트</summary>
# 루프 안에서 이 순서로: 손실, zero_grad, backward, 모든 매개변수의 갱신, 손실 값 기록.
# </details>


# %%
def train(model, X, y, steps, lr):
    # begin solution: raise NotImplementedError  # your code here
    history = []
    for _ in range(steps):
        loss = check.loss_of(model, X, y)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        history.append(loss.data)
    return history
    # end solution


# %%
check.loop(train)

# %% [markdown]
# ## 5.2 학습률
# 30단계 안에 손실이 절반 아래로 떨어지고, 한 번도 크게 튀어 오르지 않는 학습률을 고르세요.
# `train(check.new_model(), X, y, 30, lr)`로 곡선을 볼 수 있습니다.
#
# <details><summary>힌트</summary>
# 너무 작으면 기어가고, 너무 크면 골짜기를 넘어 튕깁니다. 먼저 10의 거듭제곱을 시도하세요.
# </details>

# %%
# begin solution: lr = ...  # your choice
lr = 0.1
# end solution

# %%
check.learning_rate(lr)
