"""The glossary holds the notes' own spellings, checked against the lecture notes' text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from microgradx import glossary
from microgradx.glossary import TERMS, Term, lookup

ROOT = Path(__file__).resolve().parents[1]
# The notes live in the project's shared/ folder: beside a clone (CI), or /work/shared when
# the clone is a worktree one level deeper.
CANDIDATES = (ROOT.parent / "shared", ROOT.parents[1] / "shared", Path("/work/shared"))
NOTES_DIR = next((p / "lecture-notes" for p in CANDIDATES if (p / "lecture-notes").is_dir()), None)
NEEDS_NOTES = pytest.mark.skipif(NOTES_DIR is None, reason="no lecture notes (shared/) here")

# Issue 22's list: the notes' terms, then what the course adds (in the issue's shorthand,
# mapped to the one glossary entry that must carry it).
ISSUE_TERMS = {
    "크로스 엔트로피": "크로스 엔트로피",
    "평탄한 지역": "평탄한 지역",
    "범용성": "범용성",
    "실제값": "실제값",
    "실측값": "실측값",
    "예측값": "예측값",
    "갱신": "갱신",
    "간접 파라미터": "간접 파라미터",
    "공통 부분": "공통 부분",
    "Local Gradient": "Local Gradient",
    "전달 받은 Gradient": "전달 받은 Gradient",
    "데이터 주도 학습": "데이터 주도 학습",
    "종단간 기계학습": "종단간 기계학습",
    "목적 함수": "목적 함수",
    "비용 함수": "비용 함수",
    "유틸리티 함수": "유틸리티 함수",
    "제약 조건": "제약 조건",
    "근사해": "근사해",
    "놀라움의 정도": "놀라움의 정도",
    "확률 변수": "확률 변수",
    "기댓값": "기댓값",
    "관측 분포": "관측 분포",
    "예측 분포": "예측한 분포",  # 003: "모델이 예측한 분포"
    "추정 확률": "추정 확률",
    "1차 미분": "1차 미분",
    "1.5차 미분": "1.5차 미분",
    "2차 미분": "2차 미분",
    "종료 조건": "종료 조건",
    "초기화": "초기화",
    "훈련 단위": "훈련 단위",
    "계산 그래프": "계산 그래프",
    "위상 정렬": "위상 정렬",
    "기울기 소실": "기울기 소실",
    "포화": "포화",
    "조기 종료": "조기 종료",
    "편향 보정": "편향 보정",
    "절단 오차": "절단 오차",
    "반올림 오차": "반올림 오차",
    "방향 도함수": "방향 도함수",
    "양의 정부호": "양의 정부호",
    "고유값": "고유값",
    "선 탐색": "선 탐색",
    "자동 미분": "자동 미분",
    "결정 경계": "결정 경계",
    "원-핫": "원-핫 인코딩",
    "오차역전파법": "오차역전파법",
}


def _note_text(number: str) -> str:
    assert NOTES_DIR is not None
    (path,) = NOTES_DIR.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


# Note 002 was re-decoded from a broken encoding and shows each lost syllable as U+FFFD;
# these are its terms as they survive there (001 is a clean copy of 000, so 000/001 terms are
# read from 001).
DAMAGED_002 = {
    "평탄한 지역": "\ufffd탄\ufffd 지\ufffd(Plateau)",
    "초기화": "\ufffd기화",
    "종료 조건": "종\ufffd 조건",
    "확률적 경사 하강법": "확률\ufffd 경사 \ufffd강법",
}


def _spelled_in(word: str, number: str) -> bool:
    """Whether note ``number`` spells ``word`` so (or, in 002, as its damaged form)."""
    text = _note_text("001" if number == "000" else number)
    return word in text or (number == "002" and DAMAGED_002.get(word, "\0") in text)


def test_every_term_the_issue_lists_is_in_the_glossary() -> None:
    spelled = {term.ko for term in TERMS}
    assert sorted(w for w, entry in ISSUE_TERMS.items() if entry not in spelled) == []


@NEEDS_NOTES
def test_each_terms_korean_is_spelled_as_the_notes_it_names_spell_it() -> None:
    wrong = [
        f"{term.ko} (note {n})" for term in TERMS for n in term.notes if not _spelled_in(term.ko, n)
    ]
    assert wrong == []


@NEEDS_NOTES
def test_the_damaged_spellings_are_the_only_form_note_002_has() -> None:
    for word, damaged in DAMAGED_002.items():
        assert word not in _note_text("002") and damaged in _note_text("002"), word
    assert not _spelled_in("계산 그래프", "002")


def test_terms_are_not_listed_twice() -> None:
    pairs = [(term.ko, term.en) for term in TERMS]
    assert len(pairs) == len(set(pairs))
    assert len({term.ko for term in TERMS}) == len(TERMS)


def test_lookup_finds_korean_and_english_and_names_a_missing_word() -> None:
    assert lookup("Plateau") == lookup("평탄한 지역")
    assert glossary.ko("generalisation") == "범용성"
    with pytest.raises(KeyError, match="'교차 엔트로피'"):
        lookup("교차 엔트로피")


def test_markdown_table_has_four_cells_in_every_row_even_with_a_pipe() -> None:
    terms = (*TERMS, Term("노름", "norm", "‖x‖ | p", "003"))
    for lang in ("en", "ko"):
        rows = glossary.markdown(lang, terms).splitlines()
        assert len(rows) == len(terms) + 2
        for row in rows:
            assert len(re.findall(r"(?<!\\)\|", row)) == 5, row
    assert glossary.markdown("ko").splitlines()[0] == "| 한국어 | English | 기호 | 노트 |"
    with pytest.raises(ValueError, match="'fr'"):
        glossary.markdown("fr")


# Spellings the notes do not use, each with the glossary's (the notes') word for it.
NOT_THE_NOTES = {"고원": "평탄한 지역", "일반화": "범용성", "교차 엔트로피": "크로스 엔트로피"}


def _korean_strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in ([v] if k == "ko" else _korean_strings(v))]
    return [s for v in node for s in _korean_strings(v)] if isinstance(node, list) else []


def test_the_explorers_korean_ui_uses_the_glossarys_spellings() -> None:
    strings = ROOT / "microgradx" / "viz" / "explorer" / "strings.json"
    text = "\n".join(_korean_strings(json.loads(strings.read_text(encoding="utf-8"))))
    used = {term.ko for term in TERMS if term.ko in text}
    assert {lookup("cross-entropy").ko, lookup("local gradient").ko} <= used
    assert [w for w in NOT_THE_NOTES if w in text] == []


def test_the_korean_notebooks_use_the_glossarys_spellings() -> None:
    for path in sorted((ROOT / "notebooks" / "ko").glob("[0-9]*.py")):
        prose = path.read_text(encoding="utf-8")
        # note 001's own name for it, quoted where the course corrects note 001
        prose = prose.replace("교차 엔트로피 오차", "")
        assert [w for w in NOT_THE_NOTES if w in prose] == [], path.name
