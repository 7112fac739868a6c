"""The exercise machinery: every check module has its adversarial tests, answers are read without
crashing, tolerances fit what is asked, and the package's own function is refused where the
student writes it."""
from __future__ import annotations

import functools
import importlib
from pathlib import Path

import numpy as np
import pytest

from lecture_code import digits
from lecture_code.exercises import REGISTRY, _answers, _guard, attempt, check_modules, exercise, load_all

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize("module", check_modules())
def test_every_check_module_has_a_test_file_with_the_whole_contract(module):
    path = TESTS / f"test_exercises_{module}.py"
    assert path.is_file(), f"lecture_code/exercises/{module}.py has no tests/test_exercises_{module}.py"
    assert "exercise_tests(" in path.read_text(encoding="utf-8"), (
        f"{path.name} does not call support.exercise_tests, the adversarial contract")


def test_every_registered_exercise_is_covered_by_some_contract():
    load_all()
    prefixes = set()
    for module in check_modules():
        text = (TESTS / f"test_exercises_{module}.py").read_text(encoding="utf-8")
        prefixes |= {part.split('"')[1] for part in text.split("exercise_tests(")[1:]}
    uncovered = [i for i in REGISTRY if not any(i.startswith(p) for p in prefixes)
                 and not i.startswith("ex-selftest-")]      # this module's own, registered while it runs
    assert not uncovered


# --- reading answers -------------------------------------------------------------------------

@pytest.mark.parametrize("value", [2.30, 2.3026, 2.302585, 2.305])
def test_two_decimals_of_ln_10_are_accepted(value):
    assert _answers.close(value, np.log(10), decimals=2)


@pytest.mark.parametrize("value", [2.29, 2.31, 2.0, -2.3026])
def test_other_numbers_are_not_two_decimals_of_ln_10(value):
    assert not _answers.close(value, np.log(10), decimals=2)


def test_close_without_decimals_is_float64_tight():
    assert _answers.close(1.0 + 1e-12, 1.0)
    assert not _answers.close(1.0 + 1e-6, 1.0)
    assert not _answers.close([1.0, 2.0], [1.0])


@pytest.mark.parametrize("value, words", [(None, "None"), ("0.5", "str"), ([1, 2], "single"),
                                          (float("nan"), "finite"), (True, "bool"), ({}, "dict")])
def test_number_names_what_it_got(value, words):
    with pytest.raises(_answers.Unusable, match=words):
        _answers.number(value, "z")


def test_array_checks_the_shape():
    with pytest.raises(_answers.Unusable, match=r"shape \(2,\)"):
        _answers.array([1.0, 2.0, 3.0], shape=(2,))
    with pytest.raises(_answers.Unusable, match="ragged|numbers"):
        _answers.array([[1.0], [1.0, 2.0]])


def test_call_turns_the_students_error_into_a_hint_and_passes_copies():
    def broken(x):
        x[:] = 0
        return 1 / 0
    x = np.ones(3)
    with pytest.raises(_answers.Unusable, match=r"ZeroDivisionError.*array \(3,\)"):
        _answers.call(broken, x)
    assert np.all(x == 1)
    with pytest.raises(_answers.Unusable, match="should be a function"):
        _answers.call(3, x)


def test_fresh_generators_differ_between_checks():
    assert _answers.fresh().integers(0, 2**62) != _answers.fresh().integers(0, 2**62)


def test_the_graders_seed_makes_a_checks_inputs_and_hint_repeat(monkeypatch):
    """A function right on some inputs only: under the grader's seed a regrade gives the same
    verdict and hint; another seed may draw others (over 20 seeds, both verdicts occur)."""
    def sometimes(y_true, y_pred, classes=10):     # the student's own count, wrong whenever the first label is odd
        C = np.zeros((classes, classes), dtype=int)
        np.add.at(C, (np.asarray(y_true), np.asarray(y_pred)), 1)
        C[0, 0] += int(np.asarray(y_true)[0]) % 2
        return C
    outcomes = set()
    for seed in range(20):
        monkeypatch.setenv(_answers.CHECK_SEED, str(seed))
        first, again = attempt("ex-digits-confusion", sometimes), attempt("ex-digits-confusion", sometimes)
        assert first == again
        outcomes.add(first[0])
    assert outcomes == {True, False}
    monkeypatch.setenv(_answers.CHECK_SEED, "7")
    assert (_answers.fresh().integers(2 ** 62, size=4) == _answers.fresh().integers(2 ** 62, size=4)).all()


def test_judge_keeps_one_bad_part_from_costing_the_others():
    assert _answers.judge(lambda v: None, 1) is None
    assert "number" in _answers.judge(_answers.number, None)


# --- the package's own function ---------------------------------------------------------------

def _confusion(function):
    """A check as the chapters write them: it calls the reference itself, which is not the student's."""
    y = np.array([0, 1, 2, 2])
    got = _answers.array(_answers.call(function, y, y))
    return None if np.array_equal(got, digits.confusion_matrix(y, y)) else "wrong counts"


def _own_confusion(y_true, y_pred):
    C = np.zeros((10, 10), dtype=int)
    np.add.at(C, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return C


def test_the_students_own_function_passes_although_the_check_calls_the_reference():
    assert attempt("ex-selftest-confusion", _own_confusion)[0]


@pytest.mark.parametrize("answer", [
    digits.confusion_matrix,
    functools.partial(digits.confusion_matrix),
    lambda t, p: digits.confusion_matrix(t, p),
    lambda t, p: np.asarray(digits.confusion_matrix(t, p)).copy(),
])
def test_the_package_function_bare_partial_or_wrapped_is_refused(answer):
    passed, hint, earned = attempt("ex-selftest-confusion", answer)
    assert not passed and earned == 0
    assert "yourself" in hint and "digits.confusion_matrix" in hint


def test_a_wrapper_that_never_gets_to_call_the_package_function_is_still_refused():
    def wrapped(function):
        return lambda *args: function(*args, "an argument too many")
    passed, hint, _ = attempt("ex-selftest-confusion", wrapped(digits.confusion_matrix))
    assert not passed and "yourself" in hint


def test_a_refusal_is_found_through_a_helper_of_the_students():
    def helper(t, p):
        return digits.confusion_matrix(t, p)

    def answer(t, p):
        return helper(t, p) + 0
    assert "yourself" in attempt("ex-selftest-confusion", answer)[1]


def test_the_profiler_is_restored_after_a_check():
    import sys
    attempt("ex-selftest-confusion", _own_confusion)
    assert sys.getprofile() is None


def _crashing(value):
    return {"a": 1}[value]


@pytest.fixture(autouse=True, scope="module")
def _registered_for_these_tests_only():
    """Two checks registered while this module runs, so no other test sees them."""
    exercise("ex-selftest-confusion", points=2, writes=(digits.confusion_matrix,))(_confusion)
    exercise("ex-selftest-crash", points=1)(_crashing)
    yield
    for key in ("ex-selftest-confusion", "ex-selftest-crash"):
        REGISTRY.pop(key, None)


def test_a_check_that_meets_an_unexpected_answer_gives_a_hint_not_a_traceback():
    passed, hint, _ = attempt("ex-selftest-crash", "b")
    assert not passed and "could not be checked" in hint


def test_names_of_watched_functions_are_short():
    assert _guard.name_of(digits.confusion_matrix) == "digits.confusion_matrix"
    assert importlib.import_module("lecture_code.exercises._guard") is _guard


def test_the_refusal_survives_an_answer_that_then_fails_to_read():
    def answer(t, p):
        digits.confusion_matrix(t, p)
        return None                     # unreadable as a matrix: Unusable in the check
    passed, hint, _ = attempt("ex-selftest-confusion", answer)
    assert not passed and "yourself" in hint
