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
# # 연습 4 — 역전파를 처음부터
#
# 30줄 남짓의 `Value`를 직접 만듭니다. `data`와 `grad`를 갖고, 자신을 만든 Value들을 기억하며,
# 연산마다 노드의 기울기를 입력으로 전달하는 `_backward` 함수를 남깁니다(`+=`: 두 번 쓰인
# Value는 기여를 두 번 받습니다). `backward()`는 출력의 기울기를 1로 두고, 그래프를 위상
# 정렬한 뒤, 출력에서 입력 쪽으로 모든 `_backward`를 실행합니다.
#
# 확인 셀은 여러분의 클래스를 노트의 그래프(z = (2x + y)², z = (x + y)²)와 무작위 그래프 50개에서
# 라이브러리와 비교합니다. 기울기가 틀리면 전형적인 버그를 찾아 줍니다: `+=` 대신 `=`,
# 잘못된 순서, 출력 기울기(1)를 빠뜨린 경우.

# %%
import math

from microgradx.exercises import e04 as check

# %% [markdown]
# ## 4.1 – 4.3 나만의 Value
# `__add__`, `__mul__`, `tanh`, `backward`를 채우세요. 두 피연산자는 모두 Value입니다(확인 셀은
# 일반 숫자를 섞지 않습니다).
#
# <details><summary>힌트: 연산</summary>
# out = a + b이면 a.grad += out.grad, b.grad += out.grad. out = a · b이면
# a.grad += b.data · out.grad. out = tanh(a)이면 a.grad += (1 − out.data²) · out.grad.
# </details>
#
# <details><summary>힌트: backward</summary>
# 노드를 모든 입력 다음에 오도록 목록을 만듭니다(입력을 먼저 방문하고 노드를 추가, 방문한
# 노드는 기억). self.grad = 1.0으로 두고, 목록을 거꾸로 돌며 각 노드의 `_backward`를 부릅니다.
# </details>


# %%
class Value:
    def __init__(self, data, _children=()):
        self.data = data
        self.grad = 0.0
        self._prev = _children
        self._backward = lambda: None

    def __add__(self, other):
        # begin solution: raise NotImplementedError  # your code here
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out
        # end solution

    def __mul__(self, other):
        # begin solution: raise NotImplementedError  # your code here
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out
        # end solution

    def tanh(self):
        # begin solution: raise NotImplementedError  # your code here
        out = Value(math.tanh(self.data), (self,))

        def _backward():
            self.grad += (1 - out.data**2) * out.grad

        out._backward = _backward
        return out
        # end solution

    def backward(self):
        # begin solution: raise NotImplementedError  # your code here
        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    visit(child)
                order.append(v)

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()
        # end solution


# %%
check.forward(Value)

# %%
check.notes_graphs(Value)

# %%
check.random_graphs(Value)
