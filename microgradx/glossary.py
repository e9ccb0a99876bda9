"""The course's one glossary: Korean ↔ English ↔ symbol ↔ the lecture note that uses the term.

Both editions of the notebooks render it, and the explorer's Korean labels and the exercises
take their words from it. ``ko`` is spelled as the notes spell it (크로스 엔트로피, not
교차 엔트로피, where note 003/004 says so); ``note`` names the notes that use that spelling
("003", "000/001"), and is empty for terms the course adds. For those, the Korean follows
밑바닥부터 시작하는 딥러닝, the book note 004 cites (오차역전파법, 계산 그래프).

>>> lookup("cross-entropy").ko
'크로스 엔트로피'
>>> lookup("평탄한 지역").en
'plateau'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One glossary row: the notes' Korean, the English, a symbol, and the notes using it."""

    ko: str
    en: str
    symbol: str = ""
    note: str = ""  # "003", "000/001", …; "" when the course adds the term

    @property
    def notes(self) -> tuple[str, ...]:
        """The note numbers this term's Korean spelling comes from (empty: the course's)."""
        return tuple(self.note.split("/")) if self.note else ()


# Grouped in the order a learner meets them in the notes, so the rendered table reads as a
# summary of the course. A term used by several notes names all of them.
TERMS: tuple[Term, ...] = (
    # learning from data (000/001, 004)
    Term("Rule-based 학습", "rule-based learning", "", "000/001"),
    Term("데이터 주도 학습", "data-driven learning", "", "004"),
    Term("종단간 기계학습", "end-to-end machine learning", "", "004"),
    Term("매개변수", "parameter", "θ", "000/001/004"),
    Term("파라미터", "parameter", "θ", "003"),
    Term("가중치", "weight", "w", "000/001/003/004"),
    Term("편향", "bias", "b", "000/001"),
    Term("뉴런", "neuron", "", ""),
    Term("층", "layer", "", ""),
    Term("활성화 함수", "activation function", "", "004"),
    Term("예측값", "prediction", "y", "000/001"),
    Term("실제값", "true value (target)", "t", "000/001"),
    Term("실측값", "measured value", "t", "000/001"),
    # loss and optimisation (000/001, 003, 004)
    Term("손실 함수", "loss function", "E, J", "000/001/003/004"),
    Term("비용 함수", "cost function", "J", "003"),
    Term("목적 함수", "objective function", "f", "003"),
    Term("유틸리티 함수", "utility function", "", "003"),
    Term("제약 조건", "constraint", "g, h", "003"),
    Term("최적화", "optimisation", "", "003"),
    Term("최적해", "optimal solution", "θ*", "003"),
    Term("근사해", "approximate solution", "", "003"),
    Term("회귀", "regression", "", "003"),
    Term("분류", "classification", "", "003"),
    Term("평균 제곱 오차", "mean squared error (MSE)", "E₁", "000/001/003"),
    Term("Norm (크기)", "norm", "‖x‖ₚ", "003"),
    Term("교차 엔트로피 오차", "cross-entropy error", "", "000/001"),
    Term("크로스 엔트로피", "cross-entropy", "H(p, q)", "003/004"),
    Term("정보량", "self-information", "I(x)", "003"),
    Term("놀라움의 정도", "degree of surprise", "", "003"),
    Term("엔트로피", "entropy", "H(p)", "000/001/003/004"),
    Term("확률 변수", "random variable", "x", "003"),
    Term("기댓값", "expected value", "𝔼", "003"),
    Term("관측 분포", "observed distribution", "t_k", "003"),
    Term("예측한 분포", "predicted distribution", "f(x; θ)_k", "003"),
    Term("추정 확률", "estimated probability", "q(x)", "003"),
    Term("쿨백-라이블러 발산", "Kullback–Leibler divergence", "D_KL(p‖q)", ""),
    Term("대리 손실", "surrogate loss", "", ""),
    Term("원-핫 인코딩", "one-hot encoding", "", ""),
    Term("정확도", "accuracy", "", "001/004"),
    Term("계단 함수", "step function", "", "004"),
    Term("시그모이드 함수", "sigmoid function", "σ", "004"),
    Term("결정 경계", "decision boundary", "", ""),
    # derivatives (000/001, 002, 003, 004)
    Term("미분", "derivative", "f′(x)", "001/004"),
    Term("편미분", "partial derivative", "∂f/∂x", "004"),
    Term("수치 미분", "numerical differentiation", "", "000/001"),
    Term("전진 차분", "forward difference", "", "000/001"),
    Term("중심 차분", "central difference", "", "000/001"),
    Term("후진 차분", "backward difference", "", "000/001"),
    Term("테일러 급수", "Taylor series", "", "001"),
    Term("절단 오차", "truncation error", "", ""),
    Term("반올림 오차", "rounding error", "", ""),
    Term("방향 도함수", "directional derivative", "", ""),
    Term("기울기", "gradient", "∇f", "000/001"),
    Term("1차 미분", "first-order (method)", "", "003"),
    Term("1.5차 미분", "quasi-second-order (method)", "", "003"),
    Term("2차 미분", "second-order (method)", "", "003"),
    # gradient descent (000/001, 002, 003)
    Term("경사 하강법", "gradient descent", "", "000/001/003"),
    Term("학습률", "learning rate", "η", "000/001"),
    Term("Step Size", "step size", "α", "003"),
    Term("갱신", "update", "θ ← θ − η∇J", "000/001/004"),
    Term("초기화", "initialisation", "", "002"),
    Term("종료 조건", "stopping condition", "", "002"),
    Term("평탄한 지역", "plateau", "", "002"),
    Term("지역 최솟값", "local minimum", "", ""),
    Term("안장점", "saddle point", "", ""),
    Term("손실 곡면", "loss surface", "", ""),
    Term("선 탐색", "line search", "", ""),
    Term("확률적 경사 하강법", "stochastic gradient descent (SGD)", "", "002"),
    Term("모멘텀", "momentum", "", ""),
    Term("편향 보정", "bias correction", "", ""),
    Term("조기 종료", "early stopping", "", ""),
    # backpropagation (000/001, 003, 004)
    Term("순전파", "forward propagation", "", "000/001"),
    Term("역전파", "backpropagation", "", "001/003/004"),
    Term("오차역전파법", "backpropagation (of the error)", "", ""),
    Term("계산 그래프", "computational graph", "", ""),
    Term("위상 정렬", "topological order", "", ""),
    Term("자동 미분", "automatic differentiation", "", ""),
    Term("연쇄 법칙", "chain rule", "", "003/004"),
    Term("합성 함수", "composite function", "f ∘ g", "003/004"),
    Term("간접 파라미터", "indirect parameter", "", "003"),
    Term("공통 부분", "common factor", "∂J/∂n_m", "003"),
    Term("Local Gradient", "local gradient", "", "003"),
    Term("전달 받은 Gradient", "upstream gradient", "", "003"),
    Term("기울기 소실", "vanishing gradient", "", ""),
    Term("포화", "saturation", "", ""),
    # data and training units (000/001, 003, 004)
    Term("관측 데이터", "observed data", "", "003"),
    Term("훈련 데이터", "training data", "", "003"),
    Term("검증 데이터", "validation data", "", ""),
    Term("시험 데이터", "test data", "", ""),
    Term("범용성", "generalisation", "", "004"),
    Term("과적합", "overfitting", "", ""),
    Term("과소적합", "underfitting", "", ""),
    Term("훈련 단위", "training unit", "", "003"),
    Term("학습 단위", "unit of training", "", "000/001"),
    Term("배치", "batch", "", "000/001/003"),
    Term("미니배치", "mini-batch", "", "000/001/003"),
    Term("에폭", "epoch", "", "001"),
    Term("반복", "iteration", "", "000/001"),
    Term("온라인 학습", "online learning", "", ""),
    Term("모집단의 표준 편차", "population standard deviation", "σ", "003"),
    Term("표본 평균의 표준 편차", "standard deviation of the sample mean", "σ/√n", "003"),
    # second order (003)
    Term("야코비안", "Jacobian", "J_f", ""),
    Term("헤시안", "Hessian", "∇²f", ""),
    Term("양의 정부호", "positive definite", "", ""),
    Term("고유값", "eigenvalue", "λ", ""),
    Term("뉴턴 방법", "Newton's method", "", ""),
    Term("준뉴턴 방법", "quasi-Newton method", "", ""),
    Term("전진 모드", "forward mode", "", ""),
    Term("후진 모드", "reverse mode", "", ""),
    Term("이중수", "dual number", "a + bε", ""),
)


def lookup(word: str) -> Term:
    """The first term whose Korean or English is ``word`` (English case-insensitively)."""
    key = word.strip().casefold()
    for term in TERMS:
        if key in (term.ko.casefold(), term.en.casefold()):
            return term
    raise KeyError(f"glossary lookup: no term is spelled {word!r} in Korean or English")


def ko(en: str) -> str:
    """The notes' Korean for an English term, e.g. ``ko("plateau") == "평탄한 지역"``."""
    return lookup(en).ko


def markdown(lang: str = "en", terms: tuple[Term, ...] = TERMS) -> str:
    """The glossary as a Markdown table, headed in ``lang`` ("en" or "ko")."""
    if lang not in ("en", "ko"):
        raise ValueError(f"glossary markdown: lang must be 'en' or 'ko', got {lang!r}")
    head = (
        "| 한국어 | English | 기호 | 노트 |"
        if lang == "ko"
        else "| 한국어 | English | symbol | note |"
    )
    added = "이 과정" if lang == "ko" else "the course"
    rows = [head, "|---|---|---|---|"]
    for term in terms:
        # A "|" inside a cell would end the cell and break the row into a line of pipes.
        cells = (term.ko, term.en, term.symbol, term.note or added)
        rows.append("| " + " | ".join(c.replace("|", r"\|") for c in cells) + " |")
    return "\n".join(rows)
