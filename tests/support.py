"""Helpers for tests that pytest fixtures cannot provide: constants and generated tests."""
import pytest

from lecture_code.exercises import REGISTRY, check

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def exercise_contract(prefix: str, right: dict, wrong: list):
    """The three tests every chapter's exercise checks must pass.

    ``right`` maps each exercise id starting with ``prefix`` to a right answer;
    ``wrong`` lists ``(exercise_id, answer, words the hint must contain)``.
    Assign the returned functions to module names starting with ``test_``.
    """
    def every_check_of_the_chapter_is_tested():
        ids = {i for i in REGISTRY if i.startswith(prefix)}
        assert ids == set(right)
        assert len(ids) >= 4

    @pytest.mark.parametrize("exercise_id", sorted(right))
    def right_answer_passes(exercise_id, capsys):
        assert REGISTRY[exercise_id].checker(*right[exercise_id]) is None
        check(exercise_id, *right[exercise_id])
        assert capsys.readouterr().out.startswith(f"PASS {exercise_id}")

    @pytest.mark.parametrize("exercise_id, answer, hint", wrong)
    def typical_mistake_gets_its_hint(exercise_id, answer, hint):
        message = REGISTRY[exercise_id].checker(*answer)
        assert message is not None and hint in message

    return every_check_of_the_chapter_is_tested, right_answer_passes, typical_mistake_gets_its_hint
